package app

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"registrar/app/i18n"
	"registrar/app/mail"
	"registrar/app/school"
	"registrar/db"
)

// Follow-up questions on the applicant's status page: asked once the applicant holds a place,
// answered and changed there until the edition's follow-up deadline. The visa letter waits for
// the passport's details among them.

// followUpForm is the status page's follow-up section (partials/follow_ups.html).
type followUpForm struct {
	L        *i18n.Translator
	Action   string // where the form posts
	CSRF     string
	Fields   []formField
	Open     bool   // answers are still taken
	Deadline string // the last minute, in Prague, "" without one
	Missing  []string
	// VisaWaits says the visa letter waits for the passport's details still missing.
	VisaWaits bool
	Failed    bool
	Saved     bool
	// Answers are the answers given, worded for the page once answers are no longer taken.
	Answers []mail.SummaryLine
	// OnLetter are the passport's name and number a visa letter made already names: shown, no
	// longer asked.
	OnLetter []mail.SummaryLine
}

// followUpName is the form field of a follow-up question.
func followUpName(id int64) string { return "f" + strconv.FormatInt(id, 10) }

// followUpForm builds the section for a, with the answers given (stored, or as typed with
// their problems); nil when a is asked nothing.
func (s *Server) followUpForm(ctx context.Context, L *i18n.Translator, e school.Edition, a school.Application,
	base, csrf string, typed map[int64]string, problems map[int64]string) (*followUpForm, error) {
	if !school.AsksFollowUps(a) {
		return nil, nil
	}
	questions, err := s.store.FollowUpQuestions(ctx, a.EditionID)
	if err != nil || len(questions) == 0 {
		return nil, err
	}
	settings, err := s.store.FollowUpSettings(ctx, a.EditionID)
	if err != nil {
		return nil, err
	}
	if questions = school.FollowUpsAsked(questions, e.EndsOn, settings, s.now()); len(questions) == 0 {
		return nil, nil
	}
	stored, err := s.store.FollowUpAnswers(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	answers := stored
	if typed != nil {
		answers = typed
	}
	f := &followUpForm{L: L, Action: base + "/follow-ups", CSRF: csrf, Open: school.FollowUpsOpen(settings.Deadline, s.now()),
		Failed: len(problems) > 0}
	if !settings.Deadline.IsZero() {
		f.Deadline = L.Moment(settings.Deadline)
	}
	fixed, err := s.passportOnLetter(ctx, a)
	if err != nil {
		return nil, err
	}
	rule := passportRuleOf(questions, answers, e.EndsOn, false)
	for _, q := range questions {
		if !q.AppliesTo(a) {
			continue
		}
		f.Answers = append(f.Answers, mail.SummaryLine{Label: q.Label(L.Lang), Value: followUpAnswerIn(q, answers[q.ID], L)})
		if fixed && q.Purpose.OnLetter() {
			f.OnLetter = append(f.OnLetter, mail.SummaryLine{Label: q.Label(L.Lang), Value: stored[q.ID]})
			continue
		}
		f.Fields = append(f.Fields, followUpField(L, q, answers[q.ID], problems[q.ID], rule))
	}
	for _, q := range school.MissingFollowUps(questions, a, stored) {
		f.Missing = append(f.Missing, q.Label(L.Lang))
		if q.Purpose.Passport() {
			f.VisaWaits = a.VisaLetter
		}
	}
	return f, nil
}

// passportRule is the day a passport must reach for a visa, as the follow-up fields word it: to
// the applicant, who renews their passport, or to organisers correcting the answers, who check
// the date with the applicant.
type passportRule struct {
	Until          time.Time // zero while the edition's end is unknown
	AfterDeparture bool      // three months past a departure after the edition, not its end
	Staff          bool
}

// passportRuleOf is the rule for answers to questions of an edition ending on endsOn.
func passportRuleOf(questions []school.FollowUpQuestion, answers map[int64]string, endsOn time.Time, staff bool) passportRule {
	until, after := school.PassportNeededUntil(questions, answers, endsOn)
	return passportRule{Until: until, AfterDeparture: after, Staff: staff}
}

// expiryError words the problem of a passport ending before the rule's day.
func (r passportRule) expiryError(L *i18n.Translator) string {
	key := "follow_up_error_passport_expiry"
	if r.AfterDeparture {
		key += "_departure"
	}
	if r.Staff {
		key += "_staff"
	}
	return L.T(key, "Date", L.Date(r.Until))
}

// followUpField is a follow-up question as a form field, in the application form's shapes, with
// the passport rule its expiry is checked against.
func followUpField(L *i18n.Translator, q school.FollowUpQuestion, value, problem string, rule passportRule) formField {
	ff := formField{Name: followUpName(q.ID), Label: q.Label(L.Lang), Required: q.Required, Value: value,
		Values: strings.Split(value, "\n"), MaxLength: 500}
	switch problem {
	case "":
	case school.FollowUpPassportExpiry:
		ff.Error = rule.expiryError(L)
	default:
		ff.Error = L.T("follow_up_error_" + problem)
	}
	switch q.Kind {
	case school.QuestionText:
		ff.Type = "text"
		if q.Purpose.Date() {
			ff.Type, ff.Help = "date", L.T("follow_up_date_help")
		}
		if q.Purpose == school.PurposePassportExpiry && !rule.Until.IsZero() {
			ff.Help = L.T("follow_up_expiry_help", "Date", L.Date(rule.Until))
		}
		switch q.Purpose {
		case school.PurposePassportName, school.PurposePassportNumber:
			ff.Help = L.T("follow_up_passport_help")
			if rule.Staff {
				ff.Help = L.T("follow_up_passport_help_staff")
			}
		}
	case school.QuestionLongText:
		ff.Type, ff.MaxLength = "textarea", 5000
	case school.QuestionSingle, school.QuestionMultiple:
		ff.Type = "radio"
		if q.Kind == school.QuestionMultiple {
			ff.Type = "checkboxes"
		}
		labels := q.Options(L.Lang)
		for i, v := range q.OptionsEN {
			ff.Options = append(ff.Options, option{Value: v, Label: labels[i]})
		}
	case school.QuestionYesNo:
		ff.Type = "radio"
		ff.Options = []option{{"yes", L.T("yes")}, {"no", L.T("no")}}
	}
	return ff
}

// followUpPage is the follow-up form alone, shown again when answers come back with problems.
type followUpPage struct {
	Application school.Application
	Edition     school.Edition
	Base        string
	Form        *followUpForm
}

// saveFollowUps stores the applicant's follow-up answers, or shows the form again with what
// is wrong with each.
func (s *Server) saveFollowUps(c *fiber.Ctx) error {
	a, e, _, err := s.applicantApplication(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	L := s.i18n.Translator(langOf(c))
	base := "/status/" + c.Params("token")
	if !school.AsksFollowUps(a) {
		return badRequest(L.T("follow_up_not_asked"))
	}
	settings, err := s.store.FollowUpSettings(ctx, e.ID)
	if err != nil {
		return err
	}
	if !school.FollowUpsOpen(settings.Deadline, s.now()) {
		return badRequest(L.T("follow_up_closed", "When", L.Moment(settings.Deadline)))
	}
	questions, err := s.store.FollowUpQuestions(ctx, e.ID)
	if err != nil {
		return err
	}
	questions = school.FollowUpsAsked(questions, e.EndsOn, settings, s.now())
	fixed, err := s.passportOnLetter(ctx, a)
	if err != nil {
		return err
	}
	asked := slices.DeleteFunc(slices.Clone(questions), func(q school.FollowUpQuestion) bool {
		return fixed && q.Purpose.OnLetter()
	})
	answers, problems := school.CheckFollowUps(questions, a, e.EndsOn, typedFollowUps(c, asked))
	if len(problems) > 0 {
		form, err := s.followUpForm(ctx, L, e, a, base, csrfToken(c), answers, problems)
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderCacheControl, "private, no-store")
		p := s.newPage(c, L.T("follow_up_title"), "", followUpPage{Application: a, Edition: e, Base: base, Form: form})
		if p.Contact, err = s.editionContact(ctx, e.ID); err != nil {
			return err
		}
		return s.renderStatus(c, fiber.StatusUnprocessableEntity, "status/follow_ups", p)
	}
	if err := s.store.SaveFollowUpAnswers(ctx, a.ID, answers, s.now()); err != nil {
		return err
	}
	return c.Redirect(base+"?done=follow_ups#follow-ups", fiber.StatusSeeOther)
}

// typedFollowUps are the values the form sent for each of the questions, as typed.
func typedFollowUps(c *fiber.Ctx, questions []school.FollowUpQuestion) map[int64][]string {
	typed := map[int64][]string{}
	// A browser sends the form URL-encoded; a script may send it as multipart.
	form, ferr := c.MultipartForm()
	for _, q := range questions {
		var values []string
		if ferr == nil {
			values = form.Value[followUpName(q.ID)]
		} else {
			for _, v := range c.Request().PostArgs().PeekMulti(followUpName(q.ID)) {
				values = append(values, string(v))
			}
		}
		typed[q.ID] = values
	}
	return typed
}

// passportForLetter is the passport's details the visa letter prints, and whether the letter
// may be made: not while the edition asks for the passport's name or number and a is yet to
// give them. Applications from before the follow-up questions keep the name they typed.
func (s *Server) passportForLetter(ctx context.Context, a school.Application) (school.Passport, bool, error) {
	questions, err := s.store.FollowUpQuestions(ctx, a.EditionID)
	if err != nil || !school.AsksPassport(questions) {
		return school.Passport{}, true, err
	}
	answers, err := s.store.FollowUpAnswers(ctx, a.ID)
	if err != nil {
		return school.Passport{}, false, err
	}
	for _, q := range school.MissingFollowUps(questions, a, answers) {
		if q.Purpose.OnLetter() {
			return school.Passport{}, false, nil
		}
	}
	return school.PassportOf(questions, answers), true, nil
}

// passportOnLetter reports whether a's visa letter was made: its verification code then vouches
// for the passport's name and number it prints, which the applicant no longer changes.
func (s *Server) passportOnLetter(ctx context.Context, a school.Application) (bool, error) {
	_, err := s.store.IssuedDocument(ctx, a.ID, school.DocumentVisaLetter)
	if errors.Is(err, db.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// visaLetterReady reports whether a's visa letter may be had now: allowed (school.VisaLetterAllowed)
// and the passport's details given.
func (s *Server) visaLetterReady(ctx context.Context, a school.Application, byApplicant bool) (bool, error) {
	if !school.VisaLetterAllowed(a, byApplicant) {
		return false, nil
	}
	_, ok, err := s.passportForLetter(ctx, a)
	return ok, err
}

// statusFollowUps is the status page's follow-up section, saying so when answers were just saved.
func (s *Server) statusFollowUps(c *fiber.Ctx, e school.Edition, a school.Application, base string) (*followUpForm, error) {
	f, err := s.followUpForm(c.UserContext(), s.i18n.Translator(langOf(c)), e, a, base, csrfToken(c), nil, nil)
	if f != nil {
		f.Saved = c.Query("done") == "follow_ups"
	}
	return f, err
}

// followUpExport is the applicant's follow-up answers for their data export, by the question in
// English, retired questions too: a question asked again in the same words is numbered, so that
// neither answer hides the other.
func (s *Server) followUpExport(ctx context.Context, a school.Application) (map[string]string, error) {
	questions, _, err := s.store.AllFollowUpQuestions(ctx, a.EditionID)
	if err != nil {
		return nil, err
	}
	answers, err := s.store.FollowUpAnswers(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, q := range questions {
		v, ok := answers[q.ID]
		if !ok {
			continue
		}
		key := q.LabelEN
		for n := 2; ; n++ {
			if _, taken := out[key]; !taken {
				break
			}
			key = q.LabelEN + " (" + strconv.Itoa(n) + ")"
		}
		out[key] = v
	}
	return out, nil
}

// VisaWaits reports whether the visa letter the applicant asked for waits for their passport's
// details, so the page does not say it is ready.
func (p statusPage) VisaWaits() bool { return p.FollowUps != nil && p.FollowUps.VisaWaits }
