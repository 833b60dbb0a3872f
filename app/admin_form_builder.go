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

// The form builder: which optional fields an edition's application form asks for, its extra
// questions, and the rubric reviewers score applications by.

// builderNotices are the notices the builder shows after a change.
var builderNotices = []string{"fields", "question_added", "question_saved", "question_moved", "question_deleted",
	"question_retired", "criterion_added", "criterion_saved", "criterion_moved", "criterion_deleted"}

// questionData is what the question_fields template receives: a question's fields, with ids
// made unique on the page by the prefix.
type questionData struct {
	L      *i18n.Translator
	Q      questionRow
	Prefix string
	Kinds  []string
}

// criterionData is what the criterion_fields template receives.
type criterionData struct {
	L      *i18n.Translator
	C      criterionRow
	Prefix string
}

// questionRow is one question of the builder as stored or as typed.
type questionRow struct {
	ID                   int64
	N                    int // its number on the form
	Kind                 string
	LabelEN, LabelCS     string
	OptionsEN, OptionsCS string
	Required, Retired    bool
	Answered             int
	Error                string
}

// criterionRow is one criterion of the rubric as stored or as typed.
type criterionRow struct {
	ID               int64
	N                int // its number in the rubric
	LabelEN, LabelCS string
	Weight           string
	Error            string
}

type formBuilderPage struct {
	User         school.User
	Edition      school.Edition
	Optional     formField
	Questions    []questionRow
	NewQuestion  questionRow
	Kinds        []string
	Criteria     []criterionRow
	NewCriterion criterionRow
	Done         string
	Failed       bool
}

var questionKinds = []string{string(school.QuestionText), string(school.QuestionLongText), string(school.QuestionSingle),
	string(school.QuestionMultiple), string(school.QuestionYesNo), string(school.QuestionFile)}

func (s *Server) formBuilder(c *fiber.Ctx, e school.Edition) (formBuilderPage, error) {
	ctx := c.UserContext()
	L := s.i18n.Translator(langOf(c))
	data := formBuilderPage{User: currentUser(c), Edition: e, Kinds: questionKinds, Done: doneNotice(c, builderNotices),
		NewQuestion: questionRow{Kind: string(school.QuestionText)}, NewCriterion: criterionRow{Weight: "1"}}
	data.Optional = formField{Name: "optional_fields", Label: L.T("editor_optional_fields"), Type: "checkboxes"}
	for _, of := range school.OptionalFields {
		data.Optional.Options = append(data.Optional.Options, option{Value: string(of), Label: L.T("editor_optional_" + string(of))})
		if e.Asks(of) {
			data.Optional.Values = append(data.Optional.Values, string(of))
		}
	}
	questions, answered, err := s.store.AllQuestions(ctx, e.ID)
	if err != nil {
		return data, err
	}
	for i, q := range questions {
		data.Questions = append(data.Questions, questionRow{ID: q.ID, N: i + 1, Kind: string(q.Kind), LabelEN: q.LabelEN,
			LabelCS: q.LabelCS, OptionsEN: strings.Join(q.OptionsEN, "\n"), OptionsCS: strings.Join(q.OptionsCS, "\n"),
			Required: q.Required, Retired: q.Retired, Answered: answered[q.ID]})
	}
	rubric, err := s.store.Rubric(ctx, e.ID)
	if err != nil {
		return data, err
	}
	for i, cr := range rubric {
		data.Criteria = append(data.Criteria, criterionRow{ID: cr.ID, N: i + 1, LabelEN: cr.LabelEN, LabelCS: cr.LabelCS,
			Weight: strconv.FormatFloat(cr.Weight, 'f', -1, 64)})
	}
	return data, nil
}

func (s *Server) renderFormBuilder(c *fiber.Ctx, status int, data formBuilderPage) error {
	L := s.i18n.Translator(langOf(c))
	return s.renderStatus(c, status, "admin/edition_form", s.newPage(c, L.T("builder_title"), "admin", data))
}

// showFormBuilder shows an edition's optional fields, questions and rubric.
func (s *Server) showFormBuilder(c *fiber.Ctx) error {
	e, err := s.pathEdition(c)
	if err != nil {
		return err
	}
	data, err := s.formBuilder(c, e)
	if err != nil {
		return err
	}
	return s.renderFormBuilder(c, fiber.StatusOK, data)
}

func builderURL(e school.Edition, done, anchor string) string {
	return "/admin/editions/" + strconv.FormatInt(e.ID, 10) + "/form?done=" + done + anchor
}

// saveOptionalFields stores which optional fields the edition's form asks for.
func (s *Server) saveOptionalFields(c *fiber.Ctx) error {
	e, err := s.pathEdition(c)
	if err != nil {
		return err
	}
	var chosen []school.OptionalField
	for _, v := range c.Request().PostArgs().PeekMulti("optional_fields") {
		of := school.OptionalField(v)
		if !slices.Contains(school.OptionalFields, of) {
			return badRequest(s.i18n.Translator(langOf(c)).T("validation_choice"))
		}
		chosen = append(chosen, of)
	}
	if err := s.store.SetOptionalFields(c.UserContext(), e.ID, chosen); err != nil {
		return err
	}
	return c.Redirect(builderURL(e, "fields", "#optional"), fiber.StatusSeeOther)
}

// questionFromForm reads a question form; the message says what is wrong, "" when nothing is.
func questionFromForm(c *fiber.Ctx, L *i18n.Translator) (questionRow, school.Question, string) {
	text := func(name string) string { return mail.NormaliseText(strings.ToValidUTF8(c.FormValue(name), "\uFFFD")) }
	row := questionRow{Kind: c.FormValue("kind"), LabelEN: text("label_en"), LabelCS: text("label_cs"),
		OptionsEN: text("options_en"), OptionsCS: text("options_cs"), Required: c.FormValue("required") == "yes"}
	q := school.Question{Kind: school.QuestionKind(row.Kind), LabelEN: row.LabelEN, LabelCS: row.LabelCS,
		OptionsEN: splitOptions(row.OptionsEN), OptionsCS: splitOptions(row.OptionsCS), Required: row.Required}
	choice := q.Kind == school.QuestionSingle || q.Kind == school.QuestionMultiple
	switch {
	case !slices.Contains(questionKinds, row.Kind):
		return row, q, L.T("validation_choice")
	case row.LabelEN == "" && row.LabelCS == "":
		return row, q, L.T("builder_error_label")
	case utf8.RuneCountInString(row.LabelEN) > 500 || utf8.RuneCountInString(row.LabelCS) > 500:
		return row, q, L.T("validation_max", "Max", 500)
	case !singleLine(row.LabelEN) || !singleLine(row.LabelCS):
		return row, q, L.T("validation_single_line")
	case choice && len(q.OptionsEN) < 2:
		return row, q, L.T("builder_error_options")
	case choice && len(q.OptionsCS) > 0 && len(q.OptionsCS) != len(q.OptionsEN):
		return row, q, L.T("builder_error_options_cs")
	case utf8.RuneCountInString(row.OptionsEN) > 5000 || utf8.RuneCountInString(row.OptionsCS) > 5000:
		return row, q, L.T("validation_max", "Max", L.Number(5000))
	}
	if !choice {
		q.OptionsEN, q.OptionsCS = nil, nil
	}
	return row, q, ""
}

func splitOptions(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// addQuestion adds a question at the end of the edition's form.
func (s *Server) addQuestion(c *fiber.Ctx) error {
	e, err := s.pathEdition(c)
	if err != nil {
		return err
	}
	L := s.i18n.Translator(langOf(c))
	row, q, problem := questionFromForm(c, L)
	if problem != "" {
		data, err := s.formBuilder(c, e)
		if err != nil {
			return err
		}
		row.Error = problem
		data.NewQuestion, data.Done, data.Failed = row, "", true
		return s.renderFormBuilder(c, fiber.StatusUnprocessableEntity, data)
	}
	q.EditionID = e.ID
	if err := s.store.AddQuestion(c.UserContext(), q); err != nil {
		return err
	}
	return c.Redirect(builderURL(e, "question_added", "#questions"), fiber.StatusSeeOther)
}

// changeQuestion saves, moves, removes (retires when answered) or restores a question.
func (s *Server) changeQuestion(c *fiber.Ctx) error {
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
	done := "question_saved"
	switch c.FormValue("action") {
	case "up", "down":
		err = s.store.MoveQuestion(ctx, e.ID, id, c.FormValue("action") == "up")
		done = "question_moved"
	case "remove":
		var retired bool
		retired, err = s.store.RemoveQuestion(ctx, e.ID, id)
		done = "question_deleted"
		if retired {
			done = "question_retired"
		}
	case "restore":
		err = s.store.RestoreQuestion(ctx, e.ID, id)
	case "save":
		row, q, problem := questionFromForm(c, L)
		q.ID, q.EditionID = id, e.ID
		if problem == "" {
			err = s.store.UpdateQuestion(ctx, q)
			if errors.Is(err, db.ErrInUse) {
				problem, err = L.T("builder_error_kind_answered"), nil
			}
		}
		if problem != "" {
			return s.questionFailed(c, e, id, row, problem)
		}
	default:
		return badRequest(L.T("validation_choice"))
	}
	if err != nil {
		return err
	}
	return c.Redirect(builderURL(e, done, "#question-"+strconv.FormatInt(id, 10)), fiber.StatusSeeOther)
}

// questionFailed shows the builder again with the question as typed and what is wrong with it.
func (s *Server) questionFailed(c *fiber.Ctx, e school.Edition, id int64, row questionRow, problem string) error {
	data, err := s.formBuilder(c, e)
	if err != nil {
		return err
	}
	found := false
	for i := range data.Questions {
		if data.Questions[i].ID == id {
			row.ID, row.N, row.Retired, row.Answered = id, data.Questions[i].N, data.Questions[i].Retired, data.Questions[i].Answered
			row.Error = problem
			data.Questions[i] = row
			found = true
		}
	}
	if !found {
		return db.ErrNotFound
	}
	data.Done, data.Failed = "", true
	return s.renderFormBuilder(c, fiber.StatusUnprocessableEntity, data)
}

// criterionFromForm reads a criterion form; the message says what is wrong, "" when nothing is.
func criterionFromForm(c *fiber.Ctx, L *i18n.Translator) (criterionRow, school.Criterion, string) {
	row := criterionRow{LabelEN: strings.TrimSpace(strings.ToValidUTF8(c.FormValue("label_en"), "\uFFFD")),
		LabelCS: strings.TrimSpace(strings.ToValidUTF8(c.FormValue("label_cs"), "\uFFFD")),
		Weight:  strings.ReplaceAll(strings.TrimSpace(c.FormValue("weight")), ",", ".")}
	cr := school.Criterion{LabelEN: row.LabelEN, LabelCS: row.LabelCS}
	weight, err := strconv.ParseFloat(row.Weight, 64)
	switch {
	case row.LabelEN == "":
		return row, cr, L.T("builder_error_criterion_label")
	case utf8.RuneCountInString(row.LabelEN) > 200 || utf8.RuneCountInString(row.LabelCS) > 200:
		return row, cr, L.T("validation_max", "Max", 200)
	case !singleLine(row.LabelEN) || !singleLine(row.LabelCS):
		return row, cr, L.T("validation_single_line")
	case err != nil || !(weight > 0) || weight > 100:
		return row, cr, L.T("builder_error_weight")
	}
	cr.Weight = weight
	return row, cr, ""
}

// addCriterion adds a criterion at the end of the rubric.
func (s *Server) addCriterion(c *fiber.Ctx) error {
	e, err := s.pathEdition(c)
	if err != nil {
		return err
	}
	L := s.i18n.Translator(langOf(c))
	row, cr, problem := criterionFromForm(c, L)
	if problem != "" {
		data, err := s.formBuilder(c, e)
		if err != nil {
			return err
		}
		row.Error = problem
		data.NewCriterion, data.Done, data.Failed = row, "", true
		return s.renderFormBuilder(c, fiber.StatusUnprocessableEntity, data)
	}
	cr.EditionID = e.ID
	if err := s.store.AddCriterion(c.UserContext(), cr); err != nil {
		return err
	}
	return c.Redirect(builderURL(e, "criterion_added", "#rubric"), fiber.StatusSeeOther)
}

// changeCriterion saves, moves or deletes a criterion; one that reviews scored stays.
func (s *Server) changeCriterion(c *fiber.Ctx) error {
	e, err := s.pathEdition(c)
	if err != nil {
		return err
	}
	id, err := pathID(c, "c")
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	L := s.i18n.Translator(langOf(c))
	done := "criterion_saved"
	var row criterionRow
	var problem string
	switch c.FormValue("action") {
	case "up", "down":
		err = s.store.MoveCriterion(ctx, e.ID, id, c.FormValue("action") == "up")
		done = "criterion_moved"
	case "delete":
		err = s.store.DeleteCriterion(ctx, e.ID, id)
		done = "criterion_deleted"
		if errors.Is(err, db.ErrInUse) {
			row, _, _ = criterionFromForm(c, L)
			problem, err = L.T("builder_error_criterion_scored"), nil
		}
	case "save":
		var cr school.Criterion
		row, cr, problem = criterionFromForm(c, L)
		if problem == "" {
			cr.ID, cr.EditionID = id, e.ID
			err = s.store.UpdateCriterion(ctx, cr)
		}
	default:
		return badRequest(L.T("validation_choice"))
	}
	if err != nil {
		return err
	}
	if problem != "" {
		data, err := s.formBuilder(c, e)
		if err != nil {
			return err
		}
		found := false
		for i := range data.Criteria {
			if data.Criteria[i].ID == id {
				row.ID, row.N, row.Error = id, data.Criteria[i].N, problem
				data.Criteria[i] = row
				found = true
			}
		}
		if !found {
			return db.ErrNotFound
		}
		data.Done, data.Failed = "", true
		return s.renderFormBuilder(c, fiber.StatusUnprocessableEntity, data)
	}
	return c.Redirect(builderURL(e, done, "#rubric"), fiber.StatusSeeOther)
}
