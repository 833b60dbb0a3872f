package app

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"registrar/app/i18n"
	"registrar/app/mail"
	"registrar/app/school"
	"registrar/db"
)

// emailCell is one email kind in one language on the emails page.
type emailCell struct {
	Lang      string
	Custom    bool
	UpdatedAt string
	UpdatedBy string
}

type emailRow struct {
	Name  string
	Cells []emailCell
}

type emailsPage struct {
	User    school.User
	Edition school.Edition
	Rows    []emailRow
}

// showEmails lists every email of an edition in both languages, default or customised.
func (s *Server) showEmails(c *fiber.Ctx) error {
	e, err := s.pathEdition(c)
	if err != nil {
		return err
	}
	custom, err := s.emails.Wordings(c.UserContext(), e.ID)
	if err != nil {
		return err
	}
	L := s.i18n.Translator(langOf(c))
	data := emailsPage{User: currentUser(c), Edition: e}
	for _, name := range mail.Kinds {
		row := emailRow{Name: name}
		for _, lang := range i18n.Languages {
			cell := emailCell{Lang: lang}
			if t, ok := custom[lang+"/"+name]; ok {
				cell.Custom, cell.UpdatedAt, cell.UpdatedBy = true, L.Moment(t.UpdatedAt), t.UpdatedByEmail
			}
			row.Cells = append(row.Cells, cell)
		}
		data.Rows = append(data.Rows, row)
	}
	return s.renderPage(c, "admin/emails", s.newPage(c, L.T("emails_title"), "admin", data))
}

// placeholderHelp is one placeholder and what it stands for, beside the editor.
type placeholderHelp struct {
	Token   string
	Meaning string
}

// renderedEmail is an email as the preview shows it.
type renderedEmail struct {
	Subject string
	Text    string
}

// previewOf is an email as a preview shows it: the status link, made for the preview and never
// stored, is withheld as in the outbox, so that no one follows a link that opens nothing.
func previewOf(m db.Email) renderedEmail {
	text, _ := db.OutboxMessage{Text: m.Text, StatusToken: m.StatusToken}.Shown()
	return renderedEmail{Subject: m.Subject, Text: text}
}

type emailEditorPage struct {
	User         school.User
	Edition      school.Edition
	Name, Lang   string
	Subject      string
	Body         string
	SubjectError string
	BodyError    string
	// Custom is the stored wording, when there is one.
	Custom       *db.EmailTemplate
	CustomSince  string
	Placeholders []placeholderHelp
	// BodyHelp is the key of the help under the text: it names a placeholder of this email.
	BodyHelp string
	Default  renderedEmail
	// Preview is the organiser's text rendered: the stored one, or the one being previewed.
	Preview    *renderedEmail
	Previewing bool
	PreviewOn  string
	Done       string
}

// pathEmail is the email kind and language in the path.
func pathEmail(c *fiber.Ctx) (name, lang string, err error) {
	name, lang = c.Params("name"), c.Params("lang")
	if !slices.Contains(mail.Kinds, name) || !i18n.Supported(lang) {
		return "", "", db.ErrNotFound
	}
	return name, lang, nil
}

// previewApplication is the application an email is shown on: the edition's newest one, or a
// sample when it has none, in the email's language, with an offer deadline and a waiting-list
// rank filled in when it has none, so every placeholder shows something. lang "" keeps the
// applicant's own language.
func (s *Server) previewApplication(c *fiber.Ctx, e school.Edition, lang string, status school.Status) (school.Application, bool, error) {
	var a school.Application
	var err error
	if status == "" {
		a, err = s.store.NewestApplication(c.UserContext(), e.ID)
	} else {
		a, err = s.store.FirstWithStatus(c.UserContext(), e.ID, status)
	}
	sample := errors.Is(err, db.ErrNotFound)
	switch {
	case sample:
		a = school.Application{EditionID: e.ID, Reference: school.Reference(e.Year, 1), Status: school.StatusSubmitted,
			GivenName: "Jana", FamilyName: "Nováková", Email: "jana.novakova@example.org"}
		if status != "" {
			a.Status = status
		}
	case err != nil:
		return a, false, err
	}
	if lang != "" {
		a.Lang = lang
	} else if sample {
		a.Lang = "en"
	}
	if a.OfferExpiresAt.IsZero() {
		a.OfferExpiresAt = school.OfferExpiry(s.now(), e.OfferDays)
	}
	if a.WaitlistRank == 0 {
		a.WaitlistRank = 1
	}
	return a, sample, nil
}

// previewNote says which application a preview is rendered on.
func previewNote(L *i18n.Translator, a school.Application, sample bool) string {
	if sample {
		return L.T("email_preview_sample")
	}
	return L.T("email_preview_on", "Reference", a.Reference, "Name", a.Name())
}

// emailEditor builds the editor page for the edition's email name in lang; subject and body are
// the organiser's text (nil: the stored one, if any).
func (s *Server) emailEditor(c *fiber.Ctx, e school.Edition, name, lang string, text *[2]string) (emailEditorPage, error) {
	ctx := c.UserContext()
	L := s.i18n.Translator(langOf(c))
	custom, err := s.emails.Wordings(c.UserContext(), e.ID)
	if err != nil {
		return emailEditorPage{}, err
	}
	questions, err := s.store.Questions(ctx, e.ID)
	if err != nil {
		return emailEditorPage{}, err
	}
	data := emailEditorPage{User: currentUser(c), Edition: e, Name: name, Lang: lang, Done: c.Query("done")}
	data.BodyHelp = "email_body_help"
	if name == mail.RefereeRequest || name == mail.RefereeReminder {
		data.BodyHelp = "email_body_help_referee"
	}
	for _, p := range mail.PlaceholdersOf(name) {
		data.Placeholders = append(data.Placeholders, placeholderHelp{Token: "{" + p + "}", Meaning: L.T("placeholder_" + p)})
	}
	if t, ok := custom[lang+"/"+name]; ok {
		data.Custom = &t
		data.CustomSince = L.T("email_custom_since", "When", L.Moment(t.UpdatedAt), "Who", t.UpdatedByEmail)
		data.Subject, data.Body = t.Subject, t.Body
	}
	if text != nil {
		data.Subject, data.Body, data.Previewing = text[0], text[1], true
	}
	a, sample, err := s.previewApplication(c, e, lang, "")
	if err != nil {
		return data, err
	}
	data.PreviewOn = previewNote(L, a, sample)
	def, err := s.previewEmail(c, e, a, name, lang, questions, nil)
	if err != nil {
		return data, err
	}
	data.Default = previewOf(def)
	if data.Custom != nil || data.Previewing {
		own := map[string]db.EmailTemplate{lang + "/" + name: {Subject: data.Subject, Body: data.Body}}
		m, err := s.previewEmail(c, e, a, name, lang, questions, own)
		if err != nil {
			return data, err
		}
		preview := previewOf(m)
		data.Preview = &preview
	}
	return data, nil
}

// previewEmail renders email name in lang on application a with the given wordings (nil: the
// default). An email to a referee goes to the application's first referee, or to a sample one.
func (s *Server) previewEmail(c *fiber.Ctx, e school.Edition, a school.Application, name, lang string,
	questions []school.Question, wordings map[string]db.EmailTemplate) (db.Email, error) {
	ctx := c.UserContext()
	if name != mail.RefereeRequest && name != mail.RefereeReminder {
		render, err := s.emails.Renderer(ctx, e, mail.WithQuestions(questions), mail.WithWordings(wordings))
		if err != nil {
			return db.Email{}, err
		}
		return render(name, a)
	}
	refs, err := s.store.References(ctx, e.ID)
	if err != nil {
		return db.Email{}, err
	}
	referee := school.Referee{Name: "Petr Svoboda", Email: "petr.svoboda@example.org",
		Relation: s.i18n.Translator(lang).T("email_preview_referee_relation")}
	if a.ID != 0 {
		named, err := s.store.Referees(ctx, a.ID)
		if err != nil {
			return db.Email{}, err
		}
		if len(named) > 0 {
			referee = named[0]
		}
	}
	referee.Lang = lang
	render, err := s.emails.RefereeRenderer(ctx, e, a, refs, mail.WithWordings(wordings))
	if err != nil {
		return db.Email{}, err
	}
	return render(referee, name == mail.RefereeReminder)
}

func (s *Server) emailEditorTitle(L *i18n.Translator, name, lang string) string {
	return L.T("email_kind_"+name) + " (" + L.T("language_"+lang) + ")"
}

// showEmailEditor shows the editor of one email of an edition in one language.
func (s *Server) showEmailEditor(c *fiber.Ctx) error {
	e, err := s.pathEdition(c)
	if err != nil {
		return err
	}
	name, lang, err := pathEmail(c)
	if err != nil {
		return err
	}
	data, err := s.emailEditor(c, e, name, lang, nil)
	if err != nil {
		return err
	}
	L := s.i18n.Translator(langOf(c))
	return s.renderPage(c, "admin/email_edit", s.newPage(c, s.emailEditorTitle(L, name, lang), "admin", data))
}

// saveEmailTemplate previews, saves, or goes back to the default, as the button pressed says.
func (s *Server) saveEmailTemplate(c *fiber.Ctx) error {
	e, err := s.pathEdition(c)
	if err != nil {
		return err
	}
	name, lang, err := pathEmail(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	page := "/admin/editions/" + strconv.FormatInt(e.ID, 10) + "/emails/" + name + "/" + lang
	if c.FormValue("action") == "default" {
		if err := s.store.DeleteEmailTemplate(ctx, e.ID, name, lang); err != nil {
			return err
		}
		return c.Redirect(page+"?done=default", fiber.StatusSeeOther)
	}
	L := s.i18n.Translator(langOf(c))
	subject := strings.Join(strings.Fields(c.FormValue("subject")), " ")
	body := mail.NormaliseText(c.FormValue("body"))
	var subjectErr, bodyErr string
	switch {
	case subject == "" || utf8.RuneCountInString(subject) > mail.SubjectMax:
		subjectErr = L.T("email_subject_required", "Max", mail.SubjectMax)
	default:
		subjectErr = mail.CheckPlaceholders(L, name, subject)
		if subjectErr == "" {
			subjectErr = mail.CheckSubject(L, subject)
		}
	}
	switch {
	case body == "" || utf8.RuneCountInString(body) > mail.BodyMax:
		bodyErr = L.T("email_body_required", "Max", L.Number(mail.BodyMax))
	default:
		bodyErr = mail.CheckPlaceholders(L, name, body)
		if bodyErr == "" {
			bodyErr = mail.CheckLink(L, name, body)
		}
	}
	valid := subjectErr == "" && bodyErr == ""
	if valid && c.FormValue("action") == "save" {
		err := s.store.SaveEmailTemplate(ctx, db.EmailTemplate{EditionID: e.ID, Name: name, Lang: lang,
			Subject: subject, Body: body, UpdatedAt: s.now(), UpdatedBy: currentUser(c).ID})
		if err != nil {
			return err
		}
		return c.Redirect(page+"?done=saved", fiber.StatusSeeOther)
	}
	// A preview, or text that cannot be saved: the page again, with the text as written.
	var data emailEditorPage
	if valid {
		data, err = s.emailEditor(c, e, name, lang, &[2]string{subject, body})
	} else {
		data, err = s.emailEditor(c, e, name, lang, nil)
		data.Subject, data.Body, data.Preview = c.FormValue("subject"), c.FormValue("body"), nil
	}
	if err != nil {
		return err
	}
	data.Done, data.SubjectError, data.BodyError = "", subjectErr, bodyErr
	status := fiber.StatusOK
	if !valid {
		status = fiber.StatusUnprocessableEntity
	}
	return s.renderStatus(c, status, "admin/email_edit", s.newPage(c, s.emailEditorTitle(L, name, lang), "admin", data))
}

// practicalInformation is the email sent in bulk to confirmed participants before the school.
const practicalInformation = mail.PracticalInformation

type practicalPage struct {
	User      school.User
	Edition   school.Edition
	Count     int
	Example   renderedEmail
	ExampleOn string
	Custom    []emailCell
	LastSent  string
}

// showPracticalInformation says how many participants the practical information will go to, and
// shows it rendered for one of them.
func (s *Server) showPracticalInformation(c *fiber.Ctx) error {
	e, err := s.pathEdition(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	L := s.i18n.Translator(langOf(c))
	data := practicalPage{User: currentUser(c), Edition: e}
	if data.Count, err = s.store.CountWithStatus(ctx, e.ID, school.StatusConfirmed); err != nil {
		return err
	}
	custom, err := s.emails.Wordings(c.UserContext(), e.ID)
	if err != nil {
		return err
	}
	for _, lang := range i18n.Languages {
		_, ok := custom[lang+"/"+practicalInformation]
		data.Custom = append(data.Custom, emailCell{Lang: lang, Custom: ok})
	}
	a, sample, err := s.previewApplication(c, e, "", school.StatusConfirmed)
	if err != nil {
		return err
	}
	if sample {
		a.Lang = langOf(c)
	}
	questions, err := s.store.Questions(ctx, e.ID)
	if err != nil {
		return err
	}
	render, err := s.emails.Renderer(ctx, e, mail.WithQuestions(questions), mail.WithWordings(custom))
	if err != nil {
		return err
	}
	m, err := render(practicalInformation, a)
	if err != nil {
		return err
	}
	data.Example, data.ExampleOn = previewOf(m), previewNote(L, a, sample)
	last, err := s.store.LastBulkEmail(ctx, e.ID, practicalInformation)
	switch {
	case err == nil:
		data.LastSent = L.T("practical_last_sent", "When", L.Moment(last.SentAt), "Who", last.SentBy, "Count", last.Recipients)
	case !errors.Is(err, db.ErrNotFound):
		return err
	}
	return s.renderPage(c, "admin/practical_information", s.newPage(c, L.T("practical_title"), "admin", data))
}

// sendPracticalInformation queues the practical information for every confirmed participant,
// then shows the outbox sending it, saying how many were queued. A second click within a minute queues nothing more.
func (s *Server) sendPracticalInformation(c *fiber.Ctx) error {
	e, err := s.pathEdition(c)
	if err != nil {
		return err
	}
	render, err := s.emails.Renderer(c.UserContext(), e)
	if err != nil {
		return err
	}
	n, err := s.store.QueueBulkEmail(c.UserContext(), e.ID, school.StatusConfirmed, practicalInformation,
		userActor(currentUser(c)), s.now(), render)
	if err != nil && !errors.Is(err, db.ErrJustSent) {
		return err
	}
	s.outbox.Wake()
	// The whole outbox, not only what is queued: the emails may have gone by the time it opens.
	return c.Redirect("/admin/outbox?queued="+strconv.Itoa(n), fiber.StatusSeeOther)
}
