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

// The follow-up questions page of an edition: the questions asked of applicants holding a
// place (the form builder's kinds, but files), their deadline, how long passport details are
// kept, and the logistics list made of the answers. Organisers only: reviewers never see them.

// addFollowUpRoutes adds the follow-up pages: the organisers' under admin, the applicant's
// answer on the status page.
func (s *Server) addFollowUpRoutes(app *fiber.App, admin fiber.Router, forms, organisers fiber.Handler) {
	admin.Get("/editions/:id/follow-ups", organisers, s.showFollowUps)
	admin.Post("/editions/:id/follow-ups/settings", organisers, s.saveFollowUpSettings)
	admin.Post("/editions/:id/follow-ups/defaults", organisers, s.addDefaultFollowUps)
	admin.Post("/editions/:id/follow-ups/questions", organisers, s.addFollowUpQuestion)
	admin.Post("/editions/:id/follow-ups/questions/:q", organisers, s.changeFollowUpQuestion)
	admin.Get("/editions/:id/logistics.:format<regex(^(csv|xlsx)$)>", organisers, s.exportLogistics)
	admin.Get("/applications/:id/follow-ups", organisers, s.showFollowUpCorrection)
	admin.Post("/applications/:id/follow-ups", organisers, s.correctFollowUps)
	app.Post("/status/:token/follow-ups", s.limitForms("follow-ups"), forms, s.saveFollowUps)
}

var followUpNotices = []string{"settings", "defaults", "question_added", "question_saved", "question_moved",
	"question_deleted", "question_retired"}

// followUpRow is a follow-up question in the builder: a form question with its purpose.
type followUpRow struct {
	questionRow
	Purpose      string
	OnlyWithVisa bool
}

// followUpFields is what the follow_up_purpose template receives: the row, with ids made unique
// on the page by the prefix.
type followUpFields struct {
	L        *i18n.Translator
	Q        followUpRow
	Prefix   string
	Purposes []option
}

// Question is the row's question fields, for the question_fields template.
func (r followUpRow) Question() questionRow { return r.questionRow }

// Fields hands the row to the follow_up_purpose template.
func (r followUpRow) Fields(L *i18n.Translator, prefix string, purposes []option) followUpFields {
	return followUpFields{L: L, Q: r, Prefix: prefix, Purposes: purposes}
}

type followUpsPage struct {
	User        school.User
	Edition     school.Edition
	Questions   []followUpRow
	New         followUpRow
	Kinds       []string
	Purposes    []option
	DeadlineOn  string // the deadline's day and time in Prague, as typed
	DeadlineAt  string
	KeptDays    string
	Deadline    string // as shown, in Prague; "" for none
	ErasedOn    string // when participants' passport details go, once the edition's end is known
	Errors      map[string]string
	Outstanding int
	Done        string
	Failed      bool
}

func followUpKinds() []string {
	kinds := make([]string, len(school.FollowUpKinds))
	for i, k := range school.FollowUpKinds {
		kinds[i] = string(k)
	}
	return kinds
}

func (s *Server) followUpsPage(c *fiber.Ctx, e school.Edition) (followUpsPage, error) {
	ctx := c.UserContext()
	L := s.i18n.Translator(langOf(c))
	data := followUpsPage{User: currentUser(c), Edition: e, Kinds: followUpKinds(), Done: doneNotice(c, followUpNotices),
		New: followUpRow{questionRow: questionRow{Kind: string(school.QuestionText)}}, Errors: map[string]string{}}
	for _, p := range school.Purposes {
		data.Purposes = append(data.Purposes, option{Value: string(p), Label: L.T("follow_up_purpose_" + purposeKey(p))})
	}
	questions, answered, err := s.store.AllFollowUpQuestions(ctx, e.ID)
	if err != nil {
		return data, err
	}
	for i, q := range questions {
		data.Questions = append(data.Questions, followUpRow{questionRow: questionRow{ID: q.ID, N: i + 1, Kind: string(q.Kind),
			LabelEN: q.LabelEN, LabelCS: q.LabelCS, OptionsEN: strings.Join(q.OptionsEN, "\n"),
			OptionsCS: strings.Join(q.OptionsCS, "\n"), Required: q.Required, Retired: q.Retired, Answered: answered[q.ID]},
			Purpose: string(q.Purpose), OnlyWithVisa: q.OnlyWithVisa})
	}
	settings, err := s.store.FollowUpSettings(ctx, e.ID)
	if err != nil {
		return data, err
	}
	data.KeptDays = strconv.Itoa(settings.PassportKeptDays)
	if !settings.Deadline.IsZero() {
		local := settings.Deadline.In(school.Prague)
		data.DeadlineOn, data.DeadlineAt = local.Format(time.DateOnly), local.Format("15:04")
		data.Deadline = L.Moment(settings.Deadline)
	}
	if !e.EndsOn.IsZero() {
		data.ErasedOn = L.Date(e.EndsOn.AddDate(0, 0, settings.PassportKeptDays+1))
	}
	data.Outstanding, err = s.store.FollowUpsOutstanding(ctx, e.ID)
	return data, err
}

// purposeKey names a purpose in the translations; "none" for none.
func purposeKey(p school.Purpose) string {
	if p == school.PurposeNone {
		return "none"
	}
	return string(p)
}

func (s *Server) renderFollowUps(c *fiber.Ctx, status int, data followUpsPage) error {
	L := s.i18n.Translator(langOf(c))
	return s.renderStatus(c, status, "admin/follow_ups", s.newPage(c, L.T("follow_up_builder_title"), "admin", data))
}

func (s *Server) showFollowUps(c *fiber.Ctx) error {
	e, err := s.pathEdition(c)
	if err != nil {
		return err
	}
	data, err := s.followUpsPage(c, e)
	if err != nil {
		return err
	}
	return s.renderFollowUps(c, fiber.StatusOK, data)
}

func followUpsURL(e school.Edition, done, anchor string) string {
	return "/admin/editions/" + strconv.FormatInt(e.ID, 10) + "/follow-ups?done=" + done + anchor
}

// saveFollowUpSettings stores the deadline (a day and a time in Prague, the time 23:59 when left
// out; no day, no deadline) and the days passport details are kept after the edition.
func (s *Server) saveFollowUpSettings(c *fiber.Ctx) error {
	e, err := s.pathEdition(c)
	if err != nil {
		return err
	}
	L := s.i18n.Translator(langOf(c))
	on, at, kept := strings.TrimSpace(c.FormValue("deadline_on")), strings.TrimSpace(c.FormValue("deadline_at")),
		strings.TrimSpace(c.FormValue("passport_kept_days"))
	errs := map[string]string{}
	settings := school.FollowUpSettings{Deadline: pragueMoment(on, at, "23:59")}
	if on != "" && settings.Deadline.IsZero() {
		errs["deadline"] = L.T("follow_up_error_deadline")
	}
	days, err := strconv.Atoi(kept)
	if err != nil || days < 0 || days > 3650 {
		errs["kept"] = L.T("follow_up_error_kept_days")
	}
	settings.PassportKeptDays = days
	if len(errs) > 0 {
		data, err := s.followUpsPage(c, e)
		if err != nil {
			return err
		}
		data.DeadlineOn, data.DeadlineAt, data.KeptDays, data.Errors, data.Failed, data.Done = on, at, kept, errs, true, ""
		return s.renderFollowUps(c, fiber.StatusUnprocessableEntity, data)
	}
	if err := s.store.SetFollowUpSettings(c.UserContext(), e.ID, settings); err != nil {
		return err
	}
	return c.Redirect(followUpsURL(e, "settings", "#settings"), fiber.StatusSeeOther)
}

// addDefaultFollowUps adds the usual questions: the passport's details, travel, accommodation,
// an emergency contact.
func (s *Server) addDefaultFollowUps(c *fiber.Ctx) error {
	e, err := s.pathEdition(c)
	if err != nil {
		return err
	}
	if err := s.store.AddDefaultFollowUps(c.UserContext(), e.ID); err != nil {
		return err
	}
	return c.Redirect(followUpsURL(e, "defaults", "#questions"), fiber.StatusSeeOther)
}

// followUpFromForm reads a follow-up question form: the builder's question, its purpose and
// whether only visa applicants are asked.
func followUpFromForm(c *fiber.Ctx, L *i18n.Translator) (followUpRow, school.FollowUpQuestion, string) {
	row, q, problem := questionFromForm(c, L)
	fr := followUpRow{questionRow: row, Purpose: c.FormValue("purpose"), OnlyWithVisa: c.FormValue("only_with_visa") == "yes"}
	fq := school.FollowUpQuestion{Question: q, Purpose: school.Purpose(fr.Purpose), OnlyWithVisa: fr.OnlyWithVisa}
	switch {
	case problem != "":
	case !slices.Contains(school.FollowUpKinds, q.Kind), !slices.Contains(school.Purposes, fq.Purpose):
		problem = L.T("validation_choice")
	case fq.Purpose.Date() && q.Kind != school.QuestionText:
		problem = L.T("follow_up_error_date_kind")
	}
	return fr, fq, problem
}

func (s *Server) addFollowUpQuestion(c *fiber.Ctx) error {
	e, err := s.pathEdition(c)
	if err != nil {
		return err
	}
	row, q, problem := followUpFromForm(c, s.i18n.Translator(langOf(c)))
	if problem != "" {
		data, err := s.followUpsPage(c, e)
		if err != nil {
			return err
		}
		row.Error = problem
		data.New, data.Done, data.Failed = row, "", true
		return s.renderFollowUps(c, fiber.StatusUnprocessableEntity, data)
	}
	q.EditionID = e.ID
	if err := s.store.AddFollowUpQuestion(c.UserContext(), q); err != nil {
		return err
	}
	return c.Redirect(followUpsURL(e, "question_added", "#questions"), fiber.StatusSeeOther)
}

// changeFollowUpQuestion saves, moves, removes (retires when answered) or restores a question.
func (s *Server) changeFollowUpQuestion(c *fiber.Ctx) error {
	e, err := s.pathEdition(c)
	if err != nil {
		return err
	}
	id, err := pathID(c, "q")
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	L := s.i18n.Translator(langOf(c))
	questions, _, err := s.store.AllFollowUpQuestions(ctx, e.ID)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(questions, func(q school.FollowUpQuestion) bool { return q.ID == id }) {
		return db.ErrNotFound
	}
	done := "question_saved"
	switch c.FormValue("action") {
	case "up", "down":
		err = s.store.MoveQuestion(ctx, e.ID, id, c.FormValue("action") == "up")
		done = "question_moved"
	case "remove":
		var retired bool
		retired, err = s.store.RemoveFollowUpQuestion(ctx, e.ID, id)
		done = "question_deleted"
		if retired {
			done = "question_retired"
		}
	case "restore":
		err = s.store.RestoreQuestion(ctx, e.ID, id)
	case "save":
		row, q, problem := followUpFromForm(c, L)
		q.ID, q.EditionID = id, e.ID
		if problem == "" {
			err = s.store.UpdateFollowUpQuestion(ctx, q)
			if errors.Is(err, db.ErrInUse) {
				problem, err = L.T("builder_error_kind_answered"), nil
			}
		}
		if problem != "" {
			data, err := s.followUpsPage(c, e)
			if err != nil {
				return err
			}
			for i := range data.Questions {
				if data.Questions[i].ID == id {
					old := data.Questions[i]
					row.ID, row.N, row.Retired, row.Answered, row.Error = id, old.N, old.Retired, old.Answered, problem
					data.Questions[i] = row
				}
			}
			data.Done, data.Failed = "", true
			return s.renderFollowUps(c, fiber.StatusUnprocessableEntity, data)
		}
	default:
		return badRequest(L.T("validation_choice"))
	}
	if err != nil {
		return err
	}
	return c.Redirect(followUpsURL(e, done, "#follow-up-"+strconv.FormatInt(id, 10)), fiber.StatusSeeOther)
}

// exportLogistics gives the logistics list: each participant's contact, travel, stay and
// emergency contact from the follow-up answers, with the dietary and accessibility needs the
// application gave.
func (s *Server) exportLogistics(c *fiber.Ctx) error {
	e, err := s.pathEdition(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	L := s.i18n.Translator(langOf(c))
	questions, err := s.store.FollowUpQuestions(ctx, e.ID)
	if err != nil {
		return err
	}
	list, err := s.store.LogisticsList(ctx, e.ID)
	if err != nil {
		return err
	}
	purposes := []school.Purpose{school.PurposeArrival, school.PurposeDeparture, school.PurposeAccommodation,
		school.PurposeEmergencyContact}
	header := []string{L.T("export_col_reference"), L.T("export_col_status"), L.T("export_col_given_name"),
		L.T("export_col_family_name"), L.T("export_col_email")}
	for _, p := range purposes {
		header = append(header, L.T("follow_up_purpose_"+string(p)))
	}
	header = append(header, L.T("export_col_dietary"), L.T("export_col_accessibility"), L.T("follow_up_col_outstanding"))
	rows := make([][]any, 0, len(list))
	for _, l := range list {
		a := l.Application
		row := []any{a.Reference, L.T("status_" + string(a.Status)), a.GivenName, a.FamilyName, a.Email}
		for _, p := range purposes {
			row = append(row, answerFor(questions, l.Answers, p))
		}
		outstanding := L.T("no")
		if school.AsksFollowUps(a) && len(school.MissingFollowUps(questions, a, l.Answers)) > 0 {
			outstanding = L.T("yes")
		}
		rows = append(rows, append(row, a.Dietary, a.Accessibility, outstanding))
	}
	return sendTable(c, L, e.Slug+"-logistics", header, rows)
}

// answerFor is the answer to the edition's first question of purpose p; "" when none.
func answerFor(questions []school.FollowUpQuestion, answers map[int64]string, p school.Purpose) string {
	for _, q := range questions {
		if q.Purpose == p {
			return answers[q.ID]
		}
	}
	return ""
}

// followUpCount is the dashboard's card of follow-up answers outstanding.
type followUpCount struct {
	Outstanding int
	URL         string
}

// dashboardFollowUps counts the edition's applicants holding a place who owe follow-up answers;
// nil when the edition asks no follow-up questions.
func (s *Server) dashboardFollowUps(ctx context.Context, e school.Edition) (*followUpCount, error) {
	qs, err := s.store.FollowUpQuestions(ctx, e.ID)
	if err != nil || len(qs) == 0 {
		return nil, err
	}
	n, err := s.store.FollowUpsOutstanding(ctx, e.ID)
	return &followUpCount{Outstanding: n, URL: "/admin/editions/" + strconv.FormatInt(e.ID, 10) + "/follow-ups"}, err
}

// passportKeeping says on the personal-data page how long passport details given as follow-up
// answers are kept; "" when the edition asks for none.
func (s *Server) passportKeeping(ctx context.Context, L *i18n.Translator, e school.Edition) (string, error) {
	qs, _, err := s.store.AllFollowUpQuestions(ctx, e.ID)
	if err != nil || !slices.ContainsFunc(qs, func(q school.FollowUpQuestion) bool { return q.Purpose.Passport() }) {
		return "", err
	}
	st, err := s.store.FollowUpSettings(ctx, e.ID)
	if err != nil {
		return "", err
	}
	date := ""
	if !e.EndsOn.IsZero() {
		date = L.Date(e.EndsOn.AddDate(0, 0, st.PassportKeptDays+1))
	}
	return L.T("personal_data_passport", "Days", st.PassportKeptDays, "Date", date), nil
}

// followUpLabels are the follow-up questions an edition asks, for its record of processing.
func (s *Server) followUpLabels(ctx context.Context, L *i18n.Translator, e school.Edition) ([]string, error) {
	qs, err := s.store.FollowUpQuestions(ctx, e.ID)
	var labels []string
	for _, q := range qs {
		labels = append(labels, q.Label(L.Lang))
	}
	return labels, err
}

// staffFollowUpSection is an application's follow-up answers on its back-office page, with the
// way to correct them.
type staffFollowUpSection struct {
	Lines      []mail.SummaryLine
	CorrectURL string // "" when the answers may not be corrected
	Done       string // the correction just made: follow_up_corrected or follow_up_letter_reissued
}

// staffFollowUps are an application's follow-up answers as its back-office page shows them to
// organisers; none to reviewers, blind or not.
func (s *Server) staffFollowUps(c *fiber.Ctx, e school.Edition, a school.Application, L *i18n.Translator) (*staffFollowUpSection, error) {
	if currentUser(c).Role == school.RoleReviewer {
		return nil, nil
	}
	ctx := c.UserContext()
	questions, _, err := s.store.AllFollowUpQuestions(ctx, a.EditionID)
	if err != nil || len(questions) == 0 {
		return nil, err
	}
	answers, err := s.store.FollowUpAnswers(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	section := &staffFollowUpSection{Done: doneNotice(c, []string{"follow_up_corrected", "follow_up_letter_reissued"})}
	for _, q := range questions {
		if v, ok := answers[q.ID]; ok {
			section.Lines = append(section.Lines, mail.SummaryLine{Label: q.Label(L.Lang), Value: followUpAnswerIn(q, v, L)})
		}
	}
	// Linked only when the correction has questions to show (correctableFollowUps).
	switch _, err := s.correctableFollowUps(ctx, e, a); {
	case err == nil:
		section.CorrectURL = "/admin/applications/" + strconv.FormatInt(a.ID, 10) + "/follow-ups"
	case !errors.Is(err, db.ErrNotFound):
		return nil, err
	}
	if len(section.Lines) == 0 && section.CorrectURL == "" {
		return nil, nil
	}
	return section, nil
}

// followUpCorrectionPage is the organisers' form correcting an application's follow-up answers.
type followUpCorrectionPage struct {
	User        school.User
	Edition     school.Edition
	Application school.Application
	Back        string
	Fields      []formField
	// LetterMade: a visa letter was made, so a corrected passport name or number replaces it.
	LetterMade bool
	Failed     bool
}

// correctableFollowUps are the follow-up questions whose answers organisers may correct for a:
// those asked of a, the passport's only until its erasure after the edition.
func (s *Server) correctableFollowUps(ctx context.Context, e school.Edition, a school.Application) ([]school.FollowUpQuestion, error) {
	if !school.FollowUpsCorrectable(a) {
		return nil, db.ErrNotFound
	}
	questions, err := s.store.FollowUpQuestions(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	settings, err := s.store.FollowUpSettings(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	questions = slices.DeleteFunc(school.FollowUpsAsked(questions, e.EndsOn, settings, s.now()),
		func(q school.FollowUpQuestion) bool { return !q.AppliesTo(a) })
	if len(questions) == 0 {
		return nil, db.ErrNotFound
	}
	return questions, nil
}

func (s *Server) renderFollowUpCorrection(c *fiber.Ctx, status int, e school.Edition, a school.Application,
	questions []school.FollowUpQuestion, answers, problems map[int64]string) error {
	L := s.i18n.Translator(langOf(c))
	letter, err := s.passportOnLetter(c.UserContext(), a)
	if err != nil {
		return err
	}
	data := followUpCorrectionPage{User: currentUser(c), Edition: e, Application: a, LetterMade: letter,
		Back: "/admin/applications/" + strconv.FormatInt(a.ID, 10), Failed: len(problems) > 0}
	rule := passportRuleOf(questions, answers, e.EndsOn, true)
	for _, q := range questions {
		data.Fields = append(data.Fields, followUpField(L, q, answers[q.ID], problems[q.ID], rule))
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return s.renderStatus(c, status, "admin/follow_up_answers",
		s.newPage(c, L.T("follow_up_correct_title", "Reference", a.Reference), "admin", data))
}

// showFollowUpCorrection shows an application's follow-up answers in a form organisers correct.
func (s *Server) showFollowUpCorrection(c *fiber.Ctx) error {
	a, e, err := s.staffApplication(c)
	if err != nil {
		return err
	}
	questions, err := s.correctableFollowUps(c.UserContext(), e, a)
	if err != nil {
		return err
	}
	answers, err := s.store.FollowUpAnswers(c.UserContext(), a.ID)
	if err != nil {
		return err
	}
	return s.renderFollowUpCorrection(c, fiber.StatusOK, e, a, questions, answers, nil)
}

// correctFollowUps stores an organiser's correction of the follow-up answers, checked as the
// applicant's are; a corrected passport name or number replaces a visa letter already made, and
// the applicant is told. The history names the questions changed, never the answers.
func (s *Server) correctFollowUps(c *fiber.Ctx) error {
	a, e, err := s.staffApplication(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	questions, err := s.correctableFollowUps(ctx, e, a)
	if err != nil {
		return err
	}
	stored, err := s.store.FollowUpAnswers(ctx, a.ID)
	if err != nil {
		return err
	}
	answers, problems := school.CheckFollowUps(questions, a, e.EndsOn, typedFollowUps(c, questions))
	school.ForgiveStoredExpiry(questions, e.EndsOn, problems, answers, stored)
	if len(problems) > 0 {
		return s.renderFollowUpCorrection(c, fiber.StatusUnprocessableEntity, e, a, questions, answers, problems)
	}
	back := "/admin/applications/" + strconv.FormatInt(a.ID, 10)
	changed, onLetter := school.ChangedFollowUps(questions, stored, answers)
	if len(changed) == 0 {
		return c.Redirect(back+"#follow-up-answers", fiber.StatusSeeOther)
	}
	correction := db.FollowUpCorrection{Application: a, Answers: map[int64]string{}, Reissue: onLetter,
		Actor: userActor(currentUser(c)), Now: s.now()}
	for _, q := range changed {
		correction.Answers[q.ID] = answers[q.ID]
	}
	correction.Note = school.CorrectionNote(changed)
	if onLetter {
		if correction.Render, err = s.emails.Renderer(ctx, e); err != nil {
			return err
		}
	}
	reissued, err := s.store.CorrectFollowUpAnswers(ctx, correction)
	if err != nil {
		return err
	}
	done := "follow_up_corrected"
	if reissued {
		done = "follow_up_letter_reissued"
	}
	return c.Redirect(back+"?done="+done+"#follow-up-answers", fiber.StatusSeeOther)
}

// followUpAnswerIn is a stored answer as the reader's language words it: a choice as the option
// was offered (stored in English), yes or no translated, a date as the pages write dates.
func followUpAnswerIn(q school.FollowUpQuestion, v string, L *i18n.Translator) string {
	switch q.Kind {
	case school.QuestionYesNo:
		return L.T(v)
	case school.QuestionSingle, school.QuestionMultiple:
		return q.AnswerIn(v, L.Lang)
	}
	if d, err := time.Parse(time.DateOnly, v); err == nil && q.Purpose.Date() {
		return L.Date(d)
	}
	return v
}
