package app

import (
	"bytes"
	"context"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"path"
	"strings"
	texttemplate "text/template"

	"registrar/app/i18n"
	"registrar/app/school"
	"registrar/db"
)

// emailTemplates holds, per "lang/name", the text template (subject and text body) and the HTML
// body inside the email layout. Each email exists in Czech and English.
type emailTemplates struct {
	text map[string]*texttemplate.Template
	html map[string]*htmltemplate.Template
	// custom is the layout around an organiser's own text (email_templates.go).
	custom *htmltemplate.Template
}

func loadEmailTemplates(fsys fs.FS, funcs map[string]any) (*emailTemplates, error) {
	et := &emailTemplates{text: map[string]*texttemplate.Template{}, html: map[string]*htmltemplate.Template{}}
	layout, err := htmltemplate.New("").Funcs(funcs).ParseFS(fsys, "email/layout.html")
	if err != nil {
		return nil, fmt.Errorf("render: email layout: %w", err)
	}
	if et.custom, err = customEmailLayout(layout); err != nil {
		return nil, err
	}
	for _, lang := range i18n.Languages {
		files, err := fs.Glob(fsys, "email/"+lang+"/*.txt")
		if err != nil {
			return nil, err
		}
		for _, file := range files {
			name := lang + "/" + strings.TrimSuffix(path.Base(file), ".txt")
			t, err := texttemplate.New("").Funcs(funcs).ParseFS(fsys, file)
			if err != nil {
				return nil, fmt.Errorf("render: %s: %w", file, err)
			}
			et.text[name] = t
			h, err := layout.Clone()
			if err != nil {
				return nil, err
			}
			if _, err := h.ParseFS(fsys, strings.TrimSuffix(file, ".txt")+".html"); err != nil {
				return nil, fmt.Errorf("render: %s: %w", file, err)
			}
			et.html[name] = h
		}
	}
	return et, nil
}

// emailData is what every email template receives.
type emailData struct {
	L           *i18n.Translator
	Edition     school.Edition
	Application school.Application
	StatusURL   string
	Summary     []summaryLine
	School      string
}

func (et *emailTemplates) render(name string, data emailData) (db.Email, error) {
	key := data.L.Lang + "/" + name
	text, ok := et.text[key]
	if !ok {
		return db.Email{}, fmt.Errorf("render: no email %q", key)
	}
	var subject, body, html bytes.Buffer
	if err := text.ExecuteTemplate(&subject, "subject", data); err != nil {
		return db.Email{}, fmt.Errorf("render email %s: %w", key, err)
	}
	if err := text.ExecuteTemplate(&body, "text", data); err != nil {
		return db.Email{}, fmt.Errorf("render email %s: %w", key, err)
	}
	if err := et.html[key].ExecuteTemplate(&html, "layout", data); err != nil {
		return db.Email{}, fmt.Errorf("render email %s: %w", key, err)
	}
	return db.Email{To: data.Application.Email, Lang: data.L.Lang, Subject: strings.TrimSpace(subject.String()),
		Text: strings.TrimSpace(body.String()) + "\n", HTML: html.String(), Template: name}, nil
}

// renderer renders the emails about applications to an edition, in each applicant's language,
// when the store asks for one inside a change's transaction. Every email carries a fresh status
// link; the store keeps its hash. The edition's own wording of an email, where organisers wrote
// one, is loaded once here and replaces the default (email_templates.go).
func (s *Server) renderer(e school.Edition, questions []school.Question) db.Renderer {
	return s.rendererIn(context.Background(), e, questions)
}

// rendererIn is renderer loading the edition's own wordings within ctx.
func (s *Server) rendererIn(ctx context.Context, e school.Edition, questions []school.Question) db.Renderer {
	custom, err := s.customEmails(ctx, e.ID)
	return s.rendererWith(e, questions, custom, err)
}

// editionRenderer is renderer for an edition whose questions are not loaded yet.
func (s *Server) editionRenderer(ctx context.Context, e school.Edition) (db.Renderer, error) {
	questions, err := s.store.Questions(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	return s.rendererIn(ctx, e, questions), nil
}

// rendererWith is renderer with the edition's customised emails given, by "lang/name"; loadErr
// fails every email.
func (s *Server) rendererWith(e school.Edition, questions []school.Question, custom map[string]db.EmailTemplate,
	loadErr error) db.Renderer {
	return func(name string, a school.Application) (db.Email, error) {
		if loadErr != nil {
			return db.Email{}, loadErr
		}
		token, hash, err := newStatusToken()
		if err != nil {
			return db.Email{}, err
		}
		L := s.i18n.Translator(a.Lang)
		data := emailData{L: L, Edition: e, Application: a, Summary: s.applicationSummary(a, e, questions, L),
			School: L.T("site_name"), StatusURL: s.cfg.BaseURL + "/status/" + token}
		m, err := s.templates.emails.renderWith(custom, name, data)
		m.LinkHash = hash
		return m, err
	}
}

// summaryLine is one answer of an application as the applicant and organisers read it.
type summaryLine struct {
	Label string
	Value string
}

// applicationSummary lists what an application says, in the reader's language, leaving out
// what was not asked or left empty.
func (s *Server) applicationSummary(a school.Application, e school.Edition, questions []school.Question,
	L *i18n.Translator) []summaryLine {
	var lines []summaryLine
	add := func(key, value string) {
		if value != "" {
			lines = append(lines, summaryLine{Label: L.T("field_" + key), Value: value})
		}
	}
	choice := func(prefix, v string) string {
		if v == "" {
			return ""
		}
		return L.T(prefix + v)
	}
	yes := func(b bool) string {
		if b {
			return L.T("yes")
		}
		return ""
	}
	add("given_name", a.GivenName)
	add("family_name", a.FamilyName)
	if !a.Erased() { // the placeholder address is nobody's
		add("email", a.Email)
	}
	if !a.DateOfBirth.IsZero() {
		add("date_of_birth", L.Date(a.DateOfBirth))
	}
	add("nationality", s.countries.name(L.Lang, a.Nationality))
	add("residence", s.countries.name(L.Lang, a.Residence))
	add("gender", choice("gender_", a.Gender))
	add("sector", choice("sector_", string(a.Sector)))
	add("institution", a.Institution)
	add("field_of_study", a.FieldOfStudy)
	add("highest_degree", choice("degree_", a.HighestDegree))
	add("english_level", choice("english_", a.EnglishLevel))
	add("cv", a.CVFileName)
	add("motivation", a.Motivation)
	add("referee_name", a.RefereeName)
	add("referee_email", a.RefereeEmail)
	if e.Mode == school.ModeHybrid {
		add("attendance_mode", choice("mode_", string(a.AttendanceMode)))
	}
	add("fee_waiver", yes(a.FeeWaiver))
	add("fee_waiver_reason", a.FeeWaiverReason)
	add("visa_letter", yes(a.VisaLetter))
	add("passport_name", a.PassportName)
	add("dietary", a.Dietary)
	add("accessibility", a.Accessibility)
	add("heard_from", choice("heard_", a.HeardFrom))
	for _, q := range questions {
		for _, ans := range a.Answers {
			if ans.QuestionID != q.ID || ans.Value == "" {
				continue
			}
			value := ans.Value
			switch q.Kind {
			case school.QuestionYesNo:
				value = L.T(ans.Value)
			case school.QuestionFile:
				value = L.T("answer_file", "Name", ans.FileName)
			}
			lines = append(lines, summaryLine{Label: q.Label(L.Lang), Value: value})
		}
	}
	return lines
}
