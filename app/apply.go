package app

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"registrar/app/i18n"
	"registrar/app/mail"
	"registrar/app/school"
	"registrar/db"
)

// applyPage is what the application form template shows.
type applyPage struct {
	Edition  school.Edition
	Sections []formSection
	Errors   []fieldMessage // the summary at the top, in form order
	Action   string
	OpenedAt string // signed: when this form was first shown
	CSRF     string
	Claims   map[string]string // kept files' claim keys by field name
	// SubmissionKey: the form's one-time key, kept when the form comes back with its errors.
	SubmissionKey string
	Editing       bool
	Notice        string
	// SaveAction is where "Save and continue later" sends the form (apply_draft.go).
	SaveAction string
	// NotStored says that the form came back because it could not be stored.
	NotStored string
}

// fieldMessage is a line of an error summary: the field it links to, its label and the message.
type fieldMessage struct {
	Field   string
	Label   string
	Message string
}

// Text puts the message after the label, with a colon unless the label ends in punctuation of
// its own: "Is it your first school? Choose one of the options.", not "…school?: Choose…".
func (m fieldMessage) Text() string {
	label := strings.TrimSpace(m.Label)
	if label == "" {
		return m.Message
	}
	if strings.ContainsRune(":?!.", rune(label[len(label)-1])) {
		return label + " " + m.Message
	}
	return label + ": " + m.Message
}

func csrfToken(c *fiber.Ctx) string {
	token, _ := c.Locals("csrf").(string)
	return token
}

// applicationEdition is the public edition of the form, with its extra questions.
func (s *Server) applicationEdition(c *fiber.Ctx) (school.Edition, []school.Question, error) {
	fe, err := s.formEdition(c.UserContext(), c.Params("slug"))
	return fe.edition, fe.questions, err
}

func (s *Server) showApplyForm(c *fiber.Ctx) error {
	e, questions, err := s.applicationEdition(c)
	if err != nil {
		return err
	}
	L := s.i18n.Translator(langOf(c))
	if e.WindowAt(s.now()) != school.WindowOpen {
		return s.renderWindowClosed(c, e, L)
	}
	f := applyForm{Consents: map[school.ConsentKind]bool{}, Answers: map[int64][]string{}}
	return s.renderApplyForm(c, fiber.StatusOK, e, questions, f, formErrors{}, nil, s.signTime(s.now()), false)
}

// renderWindowClosed explains that the call is not open, when it opens or when it closed.
func (s *Server) renderWindowClosed(c *fiber.Ctx, e school.Edition, L *i18n.Translator) error {
	p := s.newPage(c, e.Title(L.Lang), "editions", s.cards([]school.Edition{e}, s.now())[0])
	return s.renderStatus(c, fiber.StatusForbidden, "apply/closed", p)
}

func (s *Server) renderApplyForm(c *fiber.Ctx, status int, e school.Edition, questions []school.Question,
	f applyForm, errs formErrors, files map[string]receivedFile, openedAt string, editing bool) error {
	L := s.i18n.Translator(langOf(c))
	claims := map[string]string{}
	cvName := ""
	for name, rf := range files {
		claims[name] = rf.Claim
		if name == "cv" {
			cvName = rf.Upload.OriginalName
		}
	}
	sections, err := s.withRefereeSection(c.UserContext(), e, s.formView(e, questions, f, errs, L, cvName, editing), f, errs, L, editing)
	if err != nil {
		return err
	}
	for i := range sections {
		for j := range sections[i].Fields {
			if rf, ok := files[sections[i].Fields[j].Name]; ok {
				sections[i].Fields[j].FileName = rf.Upload.OriginalName
			}
		}
	}
	data := applyPage{Edition: e, Sections: sections, Action: c.Path(), OpenedAt: openedAt,
		CSRF: csrfToken(c), Claims: claims, Editing: editing, SubmissionKey: formSubmissionKey(c)}
	if data.SubmissionKey == "" {
		data.SubmissionKey = school.NewSubmissionKey()
	}
	draftParts(c, &data)
	data.NotStored, _ = c.Locals(localsNotStored).(string)
	data.Errors = errorSummary(sections)
	title := L.T("apply_title", "Edition", e.Title(L.Lang))
	if editing {
		title = L.T("edit_title")
	}
	if len(data.Errors) > 0 {
		title = L.N("form_error_count", len(data.Errors)) + " · " + title
	}
	p := s.newPage(c, title, "editions", data)
	p.Description = L.T("meta_apply", "Edition", e.Title(L.Lang), "Deadline", L.Moment(e.ClosesAt))
	if p.Contact, err = s.editionContact(c.UserContext(), e.ID); err != nil {
		return err
	}
	return s.renderStatus(c, status, "apply/form", p)
}

// errorSummary lists the form's errors in the order of its fields, each after its field's label.
func errorSummary(sections []formSection) []fieldMessage {
	var lines []fieldMessage
	for _, sec := range sections {
		for _, f := range sec.Fields {
			if f.Error == "" {
				continue
			}
			line := fieldMessage{Field: f.Name, Label: f.Label, Message: f.Error}
			if f.Type == "checkbox" { // a consent's long wording: its message names the box
				line.Label = ""
			}
			lines = append(lines, line)
		}
	}
	return lines
}

// collectFiles receives the CV and the file answers the form asks for; sentFor is the
// application whose edit form it is, if any.
func (s *Server) collectFiles(c *fiber.Ctx, e school.Edition, questions []school.Question, sentFor int64,
	L *i18n.Translator, errs *formErrors, have map[string]bool) map[string]receivedFile {
	files := map[string]receivedFile{}
	if !e.ShortForm() {
		if rf, ok := s.receiveFile(c, "cv", sentFor, L, errs); ok {
			files["cv"] = rf
		} else if !have["cv"] {
			errs.add("cv", L.T("validation_cv_required"))
		}
	}
	for _, q := range questions {
		if q.Kind != school.QuestionFile {
			continue
		}
		name := questionField(q.ID)
		if rf, ok := s.receiveFile(c, name, sentFor, L, errs); ok {
			files[name] = rf
		} else if q.Required && !have[name] {
			errs.add(name, missingAnswer)
		}
	}
	return files
}

func (s *Server) submitApplication(c *fiber.Ctx) error {
	ctx, now := c.UserContext(), s.now()
	fe, err := s.formEdition(ctx, c.Params("slug"))
	if err != nil {
		return err
	}
	e, questions := fe.edition, fe.questions
	L := s.i18n.Translator(langOf(c))
	if c.FormValue("website") != "" { // the honeypot: people do not see it, robots fill it
		return badRequest(L.T("error_honeypot"))
	}
	// A form stored already, sent again (a retry, a double click, a copy sent once the browser
	// was back online): the same page as the first time, and no second email.
	key := formSubmissionKey(c)
	if sent, err := s.store.SentWithKey(ctx, e.ID, key); err != nil {
		return err
	} else if sent {
		return c.Redirect("/editions/"+e.Slug+"/apply/sent", fiber.StatusSeeOther)
	}
	openedAt := s.signedTime(c.FormValue("opened_at"))
	if !e.AcceptsSubmission(openedAt, now) {
		return s.renderWindowClosed(c, e, L)
	}
	var errs formErrors
	f := parseApplyForm(c, questions, &errs)
	s.validateApplyForm(&f, e, questions, now, L, &errs)
	formReferees(c, fe, &f, L, &errs)
	files := s.collectFiles(c, e, questions, 0, L, &errs, nil)
	if !errs.empty() {
		if err := s.keepFiles(ctx, files); err != nil {
			return err
		}
		return s.renderApplyForm(c, fiber.StatusUnprocessableEntity, e, questions, f, errs, files, c.FormValue("opened_at"), false)
	}
	if err := s.storeApplication(c, fe, f, key, files, L.Lang, now); errors.Is(err, errNotStored) {
		return s.renderNotStored(c, e, questions, f, files, files)
	} else if err != nil {
		return err
	}
	s.outbox.Wake()
	return c.Redirect("/editions/"+e.Slug+"/apply/sent", fiber.StatusSeeOther)
}

// errNotStored: the application, its files and referees could not be stored, and no email
// went; the applicant sends the form again.
var errNotStored = errors.New("application not stored")

// localsNotStored holds the message above a form that came back unstored.
const localsNotStored = "applyNotStored"

// renderNotStored gives the applicant their form back, as they filled it, saying that nothing
// was stored nor sent and to send it again: kept are the files new in this request, shown are
// those and a draft's.
func (s *Server) renderNotStored(c *fiber.Ctx, e school.Edition, questions []school.Question, f applyForm,
	kept, shown map[string]receivedFile) error {
	if err := s.keepFiles(c.UserContext(), kept); err != nil {
		return err
	}
	for name, rf := range kept {
		shown[name] = rf
	}
	L := s.i18n.Translator(langOf(c))
	c.Locals(localsNotStored, L.T("apply_not_stored"))
	return s.renderApplyForm(c, fiber.StatusServiceUnavailable, e, questions, f, formErrors{}, shown,
		c.FormValue("opened_at"), false)
}

// storeApplication stores form f, sent with submission key, as an application with its files
// (from the form, and for a draft the draft's) and its referees, asked, or answers it as a
// duplicate. When nothing could be stored, it returns errNotStored: the form goes back.
func (s *Server) storeApplication(c *fiber.Ctx, fe formEdition, f applyForm, key string,
	files map[string]receivedFile, lang string, now time.Time) error {
	ctx, e, questions := c.UserContext(), fe.edition, fe.questions
	a := f.application(e, questions, lang, now)
	a.Consents = f.consents(fe.notice.ConsentVersion(), now)
	a.SubmissionKey = key
	attachFiles(&a, questions, files)
	// The link to the status page goes by email only, the receipt's or that of an application
	// made before with the address: the page answering the form is the same either way, so it
	// tells a stranger nothing of who applied.
	render, err := s.emails.Renderer(ctx, e, mail.WithQuestions(questions), mail.WithWordings(fe.emails),
		mail.WithNotice(fe.notice))
	if err != nil {
		return err
	}
	referees := db.NamedReferees{List: f.Referees}
	if len(f.Referees) > 0 {
		if referees.Render, err = s.emails.RefereeRenderer(ctx, e, a, fe.references); err != nil {
			return err
		}
	}
	// The files new in this request, and the referees named, are stored in the application's
	// own transaction.
	created, err := s.store.CreateApplicationNaming(ctx, e, a, referees, now, render, newFiles(questions, files)...)
	switch {
	case errors.Is(err, db.ErrDuplicate):
		// The files of a form sent again are not stored: tied to the application made before,
		// they would outlive their sender's purpose.
		return s.answerDuplicate(ctx, e, questions, f.Email, key)
	case err != nil:
		s.log.Error("application not stored", "request_id", requestID(c), "error", err)
		return errNotStored
	default:
		s.countSubmission()
		// Files this browser sent with earlier tries of a form and that no form claimed are the
		// applicant's too: their erasure takes them. Left untied, the daily job removes them anyway.
		if err := s.store.UploadsSentFor(ctx, sentFrom(c), created.ID); err != nil {
			s.log.Warn("unattached uploads not tied to the application", "request_id", requestID(c), "error", err)
		}
	}
	return nil
}

// answerDuplicate answers a form refused as a duplicate: the same form sent twice at once is
// acknowledged once (the other request stored it); another form with an address that applied
// gets the email saying so.
func (s *Server) answerDuplicate(ctx context.Context, e school.Edition, questions []school.Question, email, key string) error {
	sent, err := s.store.SentWithKey(ctx, e.ID, key)
	if err != nil || sent {
		return err
	}
	return s.emailAlreadyApplied(ctx, e, questions, email)
}

// emailAlreadyApplied emails a new link to the application made with the address before,
// saying so; that application stays as it was.
func (s *Server) emailAlreadyApplied(ctx context.Context, e school.Edition, questions []school.Question, email string) error {
	a, err := s.store.ApplicationByEmail(ctx, e.ID, email)
	if err != nil {
		return err
	}
	render, err := s.emails.Renderer(ctx, e, mail.WithQuestions(questions))
	if err != nil {
		return err
	}
	return s.store.SendStatusLink(ctx, a.ID, s.now(), alreadyAppliedTemplate, render)
}

// The emails with a new status link: asked for on the lost-link page, and sent when the form
// comes again with an address that applied.
const (
	statusLinkTemplate     = mail.StatusLink
	alreadyAppliedTemplate = mail.AlreadyApplied
)

// showApplicationSent is the page after the form was sent: the link is in the email.
func (s *Server) showApplicationSent(c *fiber.Ctx) error {
	e, err := s.store.PublicEdition(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	L := s.i18n.Translator(langOf(c))
	p := s.newPage(c, L.T("application_sent_title"), "editions", e)
	if p.Contact, err = s.editionContact(c.UserContext(), e.ID); err != nil {
		return err
	}
	return s.renderPage(c, "apply/sent", p)
}

// resendStatusLink emails a new link to an application's status page.
func (s *Server) resendStatusLink(c *fiber.Ctx, e school.Edition, questions []school.Question, a school.Application) error {
	render, err := s.emails.Renderer(c.UserContext(), e, mail.WithQuestions(questions))
	if err != nil {
		return err
	}
	if err := s.store.SendStatusLink(c.UserContext(), a.ID, s.now(), statusLinkTemplate, render); err != nil {
		return err
	}
	s.outbox.Wake()
	return nil
}

func attachFiles(a *school.Application, questions []school.Question, files map[string]receivedFile) {
	if rf, ok := files["cv"]; ok {
		a.CVUploadID, a.CVFileName = rf.Upload.ID, rf.Upload.OriginalName
	}
	for _, q := range questions {
		if rf, ok := files[questionField(q.ID)]; ok {
			a.Answers = append(a.Answers, school.Answer{QuestionID: q.ID, UploadID: rf.Upload.ID,
				Value: rf.Upload.OriginalName})
		}
	}
}

// applyDeadlinePassed is for edits: the applicant may change what they sent until the deadline.
func applyDeadlinePassed(e school.Edition, now time.Time) bool {
	return e.WindowAt(now) != school.WindowOpen
}

// formSubmissionKey is the one-time key the form came with, or "" when it brought none.
func formSubmissionKey(c *fiber.Ctx) string {
	if key := c.FormValue("submission_key"); school.ValidSubmissionKey(key) {
		return key
	}
	return ""
}
