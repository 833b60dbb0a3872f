package app

import (
	"errors"
	"strconv"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"registrar/app/mail"
	"registrar/app/school"
	"registrar/db"
)

// The referee's page is opened by the secret link emailed to them: whoever holds it is the
// referee. It says who asked and for which edition, and takes a PDF letter and the answers to
// the edition's questions for referees, once; nothing else of the application is on it.

// refereeBodyLimit is a letter of MaxUploadBytes with the answers.
const refereeBodyLimit = MaxUploadBytes + 1<<20

// refereePage is what views/referee/page.html shows, in one of its states.
type refereePage struct {
	State     string // "form", "received", "closed" or "unknown"
	Applicant string
	Edition   string
	Relation  string
	Deadline  string
	Received  string // when the reference arrived
	Letter    formField
	Questions []formField
	Errors    []fieldMessage
	CSRF      string
	Action    string
}

// refereeOf is the referee of the link in the request, with their application, its edition and
// what the edition asks of referees.
func (s *Server) refereeOf(c *fiber.Ctx) (school.Referee, school.Application, school.Edition, school.References, error) {
	ctx := c.UserContext()
	var (
		a    school.Application
		e    school.Edition
		refs school.References
	)
	token := c.Params("token")
	if len(token) < 40 || len(token) > 64 {
		return school.Referee{}, a, e, refs, db.ErrNotFound
	}
	r, err := s.store.RefereeByLink(ctx, mail.HashToken(token))
	if err != nil {
		return r, a, e, refs, err
	}
	if a, err = s.store.Application(ctx, r.ApplicationID); err != nil {
		return r, a, e, refs, err
	}
	if !a.WantsReferences() { // the page does not tell the referee what became of the application
		return r, a, e, refs, db.ErrNotFound
	}
	if e, err = s.store.EditionByID(ctx, a.EditionID); err != nil {
		return r, a, e, refs, err
	}
	refs, err = s.store.References(ctx, e.ID)
	return r, a, e, refs, err
}

// withRefereeLink says whether the request's path holds a referee's link that still takes a
// letter: only then may it send one.
func (s *Server) withRefereeLink(c *fiber.Ctx) bool {
	r, _, e, refs, err := s.refereeOf(c)
	return err == nil && !r.Received() && refs.OpenAt(e, s.now())
}

// refereeBody lets a referee's link that still takes a letter send one (as takeFiles does); a
// link that takes nothing is answered at once with its page (unknown, sent, or too late), as
// sendReference would answer it, before its body is read: a letter too large for a link past
// its deadline is told the time is over, not that the file is too large.
func (s *Server) refereeBody(c *fiber.Ctx) error {
	if s.withRefereeLink(c) {
		c.Locals(localsBodyLimit, refereeBodyLimit)
		return c.Next()
	}
	return s.dropUnread(c, s.showRefereePage(c))
}

func (s *Server) showRefereePage(c *fiber.Ctx) error {
	return s.renderRefereePage(c, fiber.StatusOK, nil, formErrors{})
}

// renderRefereePage shows the referee's page in the state their link is in; answers are those
// sent back with errs.
func (s *Server) renderRefereePage(c *fiber.Ctx, status int, answers []string, errs formErrors) error {
	L := s.i18n.Translator(langOf(c))
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	r, a, e, refs, err := s.refereeOf(c)
	data := refereePage{CSRF: csrfToken(c), Action: c.Path()}
	switch {
	case errors.Is(err, db.ErrNotFound):
		data.State, status = "unknown", fiber.StatusNotFound
	case err != nil:
		return err
	default:
		data.Applicant, data.Edition, data.Relation = a.Name(), e.Title(L.Lang), r.Relation
		data.Deadline = L.Moment(refs.DeadlineFor(e))
		switch {
		case r.Received():
			data.State, data.Received = "received", L.Moment(r.ReceivedAt)
		case !refs.OpenAt(e, s.now()):
			data.State, status = "closed", fiber.StatusGone
		default:
			data.State = "form"
			data.Letter = formField{Name: "letter", Label: L.T("referee_letter"), Type: "file",
				Help: L.T("referee_letter_help"), Error: errs.msg["letter"]}
			for i, q := range refs.Questions(L.Lang) {
				name := "answer_" + strconv.Itoa(i+1)
				f := formField{Name: name, Label: q, Type: "textarea", MaxLength: 5000, Error: errs.msg[name]}
				if i < len(answers) {
					f.Value = answers[i]
				}
				data.Questions = append(data.Questions, f)
			}
			data.Errors = errorSummary([]formSection{{Fields: append([]formField{data.Letter}, data.Questions...)}})
		}
	}
	title := L.T("referee_title")
	if len(data.Errors) > 0 {
		title = L.N("form_error_count", len(data.Errors)) + " · " + title
	}
	p := s.newPage(c, title, "", data)
	if e.ID != 0 {
		if p.Contact, err = s.editionContact(c.UserContext(), e.ID); err != nil {
			return err
		}
	}
	return s.renderStatus(c, status, "referee/page", p)
}

// sendReference takes the referee's letter and answers, once, until the deadline.
func (s *Server) sendReference(c *fiber.Ctx) error {
	ctx := c.UserContext()
	r, _, e, refs, err := s.refereeOf(c)
	if err != nil || r.Received() || !refs.OpenAt(e, s.now()) {
		// The page says why: unknown link, sent already, or too late.
		return s.showRefereePage(c)
	}
	L := s.i18n.Translator(langOf(c))
	var errs formErrors
	// The answers go with the questions as asked in the language of the page.
	questions := refs.Questions(L.Lang)
	var answers []string
	var given []school.RefereeAnswer
	for i, q := range questions {
		name := "answer_" + strconv.Itoa(i+1)
		v := formValue(c, name, L, &errs)
		if utf8.RuneCountInString(v) > 5000 {
			errs.add(name, L.T("validation_max", "Max", L.Number(5000)))
		}
		answers = append(answers, v)
		if v != "" {
			given = append(given, school.RefereeAnswer{Question: q, Answer: v})
		}
	}
	ref := db.Reference{Answers: given}
	if fh, err := c.FormFile("letter"); err == nil && fh.Size > 0 {
		up, data, err := s.takeUpload(c, fh, 0, L)
		var fe *fiber.Error
		switch {
		case errors.As(err, &fe):
			errs.add("letter", fe.Message)
		case err != nil:
			return err
		default:
			ref.Letter, ref.Data = &up, data
		}
	}
	if errs.empty() && ref.Letter == nil && len(given) == 0 {
		msg := L.T("referee_error_empty")
		if len(questions) == 0 {
			msg = L.T("validation_required_file")
		}
		errs.add("letter", msg)
	}
	if !errs.empty() {
		return s.renderRefereePage(c, fiber.StatusUnprocessableEntity, answers, errs)
	}
	err = s.store.ReceiveReference(ctx, r.ID, ref, s.now())
	if err != nil && !errors.Is(err, db.ErrReferenceReceived) { // sent twice at once: the first counts
		return err
	}
	return c.Redirect(c.Path(), fiber.StatusSeeOther)
}
