package mail

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"path"
	"strings"
	texttemplate "text/template"
	"time"

	"registrar/app/i18n"
	"registrar/app/school"
	"registrar/db"
)

// emailTemplates holds, per "lang/name", the text template (subject and text body) and the HTML
// body inside the email layout. Each email exists in Czech and English.
type emailTemplates struct {
	text map[string]*texttemplate.Template
	html map[string]*htmltemplate.Template
	// custom is the layout around an organiser's own text (wordings.go).
	custom *htmltemplate.Template
}

func loadEmailTemplates(fsys fs.FS) (*emailTemplates, error) {
	et := &emailTemplates{text: map[string]*texttemplate.Template{}, html: map[string]*htmltemplate.Template{}}
	layout, err := htmltemplate.New("").ParseFS(fsys, "email/layout.html")
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
			t, err := texttemplate.New("").ParseFS(fsys, file)
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
	DraftURL    string // the link that resumes a saved form (drafts.go)
	Summary     []SummaryLine
	School      string
	Contact     string // the edition's contact address, or the school's
	// Payment is how to pay the fee, once the place is confirmed; nil when nothing is to pay.
	Payment *school.PaymentInstructions
	// FollowUpDeadline is when follow-up answers are due; zero without a deadline.
	FollowUpDeadline time.Time
}

// contactLine ends the text part of every email, as the layout's footer ends the HTML part.
func contactLine(d emailData) string {
	return "\n\n-- \n" + d.L.T("email_contact", "Contact", d.Contact) + "\n"
}

// AfterConfirming is what the place-confirmed email says below its wording, as text: how to pay
// the fee, or that it is waived, and where the visa letter asked for is.
func (d emailData) AfterConfirming() string { return afterConfirming(d, d.StatusURL) }

// afterConfirming is AfterConfirming with the status page's link written as link.
func afterConfirming(d emailData, link string) string {
	L, a, e := d.L, d.Application, d.Edition
	var parts []string
	if p := d.Payment; p != nil {
		amount := L.Money(p.AmountCents, p.Currency)
		intro := L.T("payment_intro", "Amount", amount)
		if !p.DueOn.IsZero() {
			intro = L.T("payment_intro_due", "Amount", amount, "Due", L.Date(p.DueOn))
		}
		lines := []string{L.T("payment_holder") + ": " + p.Holder, "IBAN: " + p.IBANGrouped()}
		if p.BIC != "" {
			lines = append(lines, "BIC: "+p.BIC)
		}
		lines = append(lines, L.T("payment_variable_symbol")+": "+p.VariableSymbol, L.T("payment_message")+": "+p.Message)
		parts = append(parts, L.T("payment_heading"), intro, strings.Join(lines, "\n"), L.T("payment_qr_email")+" "+link)
	} else if a.Status == school.StatusConfirmed && a.FeeWaiverGranted && e.HasFee() {
		parts = append(parts, L.T("payment_waived"))
	}
	if a.VisaLetter {
		parts = append(parts, L.T("visa_email")+" "+link)
	}
	return strings.Join(parts, "\n\n")
}

func (et *emailTemplates) render(name string, data emailData) (db.Email, error) {
	subject, text, html, err := et.execute(data.L.Lang, name, data)
	if err != nil {
		return db.Email{}, err
	}
	return db.Email{To: data.Application.Email, Lang: data.L.Lang, Subject: subject,
		Text: text + contactLine(data), HTML: html, Template: name}, nil
}

// execute runs email template name in lang with data: its subject and text, trimmed, and its
// HTML in the layout.
func (et *emailTemplates) execute(lang, name string, data any) (subject, text, html string, err error) {
	key := lang + "/" + name
	tt, ok := et.text[key]
	if !ok {
		return "", "", "", fmt.Errorf("render: no email %q", key)
	}
	var sb, body, hb bytes.Buffer
	if err := tt.ExecuteTemplate(&sb, "subject", data); err != nil {
		return "", "", "", fmt.Errorf("render email %s: %w", key, err)
	}
	if err := tt.ExecuteTemplate(&body, "text", data); err != nil {
		return "", "", "", fmt.Errorf("render email %s: %w", key, err)
	}
	if err := et.html[key].ExecuteTemplate(&hb, "layout", data); err != nil {
		return "", "", "", fmt.Errorf("render email %s: %w", key, err)
	}
	return strings.TrimSpace(sb.String()), strings.TrimSpace(body.String()), hb.String(), nil
}

// Emails renders every email Registrar sends, from the templates in views/email or from an
// edition's own wording of one (wordings.go), in the applicant's language.
type Emails struct {
	templates   *emailTemplates
	store       *db.Store
	i18n        *i18n.Bundle
	baseURL     string
	contact     string // the school's
	countryName func(lang, code string) string
}

// NewEmails parses the emails of fsys once: email/layout.html around email/LANG/NAME.html, and
// the subject and text body of email/LANG/NAME.txt. Status links start with baseURL; contact is
// the school's address for questions, which an edition may replace with its own; countryName
// names a country code in a language, for the application's summary.
func NewEmails(fsys fs.FS, store *db.Store, bundle *i18n.Bundle, baseURL, contact string,
	countryName func(lang, code string) string) (*Emails, error) {
	et, err := loadEmailTemplates(fsys)
	if err != nil {
		return nil, err
	}
	return &Emails{templates: et, store: store, i18n: bundle, baseURL: baseURL, contact: contact,
		countryName: countryName}, nil
}

// An Option hands Renderer what the caller has already loaded, so it is not read again.
type Option func(*renderPlan)

type renderPlan struct {
	questions, wordings, notice bool // given, not to be loaded
	q                           []school.Question
	w                           map[string]db.EmailTemplate
	n                           school.PrivacyNotice
}

// WithQuestions gives the edition's questions, whose answers the summary lists.
func WithQuestions(questions []school.Question) Option {
	return func(p *renderPlan) { p.questions, p.q = true, questions }
}

// WithWordings gives the edition's own wordings of its emails, by "lang/name"; nil renders the
// defaults only (the editor's preview of them).
func WithWordings(wordings map[string]db.EmailTemplate) Option {
	return func(p *renderPlan) { p.wordings, p.w = true, wordings }
}

// WithNotice gives the edition's privacy notice, whose contact the emails give.
func WithNotice(n school.PrivacyNotice) Option {
	return func(p *renderPlan) { p.notice, p.n = true, n }
}

// Contact is the address an edition's applicants write to: its own, or the school's.
func (m *Emails) Contact(n school.PrivacyNotice) string { return n.ContactOr(m.contact) }

// Renderer returns what renders the emails about applications to edition e when the store asks
// for one, inside a change's transaction: so what it needs is loaded here, before, unless given
// (WithQuestions, WithWordings, WithNotice). Every email carries a fresh status link; the store keeps its
// hash.
func (m *Emails) Renderer(ctx context.Context, e school.Edition, opts ...Option) (db.Renderer, error) {
	var p renderPlan
	for _, o := range opts {
		o(&p)
	}
	var err error
	if !p.questions {
		if p.q, err = m.store.Questions(ctx, e.ID); err != nil {
			return nil, err
		}
	}
	if !p.wordings {
		if p.w, err = m.Wordings(ctx, e.ID); err != nil {
			return nil, err
		}
	}
	if !p.notice {
		if p.n, err = m.store.PrivacyNotice(ctx, e.ID); err != nil {
			return nil, err
		}
	}
	followUps, err := m.store.FollowUpSettings(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	contact := m.Contact(p.n)
	return func(name string, a school.Application) (db.Email, error) {
		token, hash, err := NewStatusToken()
		if err != nil {
			return db.Email{}, err
		}
		L := m.i18n.Translator(a.Lang)
		data := emailData{L: L, Edition: e, Application: a, Summary: m.Summary(a, e, p.q, L),
			School: L.T("site_name"), StatusURL: m.baseURL + "/status/" + token, Contact: contact,
			FollowUpDeadline: followUps.Deadline}
		if p, ok := e.PaymentFor(a); ok {
			data.Payment = &p
		}
		msg, err := m.templates.renderWith(p.w, name, data)
		msg.LinkHash, msg.StatusToken = hash, token
		return msg, err
	}, nil
}

// NewStatusToken makes the secret of a status link and the hash that is stored in its place.
func NewStatusToken() (token, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token), nil
}

// HashToken is the hash of a status link's secret, as the store keeps it.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// SummaryLine is one answer of an application as the applicant and organisers read it.
type SummaryLine struct {
	Label string
	Value string
}

// Text is the answer after its label on one line of plain text, with a colon unless the label
// ends in punctuation of its own: "Is it your first school? No", not "…school?: No".
func (l SummaryLine) Text() string {
	if l.Label != "" && strings.ContainsRune(":?!.", rune(l.Label[len(l.Label)-1])) {
		return l.Label + " " + l.Value
	}
	return l.Label + ": " + l.Value
}

// Summary lists what an application says, in the reader's language, leaving out what was not
// asked or left empty: in the receipt and on the status page, in the applicant's words.
func (m *Emails) Summary(a school.Application, e school.Edition, questions []school.Question,
	L *i18n.Translator) []SummaryLine {
	return m.summary(a, e, questions, L, func(key string) string { return L.T("field_" + key) })
}

// staffLabelled are the fields whose form label speaks to the applicant ("You are", "I need a
// visa invitation letter"): staff read them under a label of their own.
var staffLabelled = map[string]bool{"gender": true, "sector": true, "referee_name": true, "referee_email": true,
	"attendance_mode": true, "fee_waiver": true, "visa_letter": true, "passport_name": true, "heard_from": true}

// StaffSummary is Summary as the back office reads it: in staff words ("Sector", not "You are").
func (m *Emails) StaffSummary(a school.Application, e school.Edition, questions []school.Question,
	L *i18n.Translator) []SummaryLine {
	return m.summary(a, e, questions, L, func(key string) string {
		if staffLabelled[key] {
			return L.T("staff_field_" + key)
		}
		return L.T("field_" + key)
	})
}

func (m *Emails) summary(a school.Application, e school.Edition, questions []school.Question,
	L *i18n.Translator, label func(key string) string) []SummaryLine {
	var lines []SummaryLine
	add := func(key, value string) {
		if value != "" {
			lines = append(lines, SummaryLine{Label: label(key), Value: value})
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
	add("nationality", m.countryName(L.Lang, a.Nationality))
	add("residence", m.countryName(L.Lang, a.Residence))
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
			case school.QuestionSingle, school.QuestionMultiple:
				value = q.AnswerIn(ans.Value, L.Lang)
			case school.QuestionFile:
				value = L.T("answer_file", "Name", ans.FileName)
			}
			lines = append(lines, SummaryLine{Label: q.Label(L.Lang), Value: value})
		}
	}
	return lines
}
