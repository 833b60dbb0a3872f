package app

import (
	"cmp"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"registrar/app/i18n"
	"registrar/app/mail"
	"registrar/app/school"
	"registrar/db"
)

// Organisers set what an edition asks of referees on the edition's editor (its own form, below
// the edition's); staff read the letters with the application.

// referenceSettings is the editor's form of what an edition asks of referees.
type referenceSettings struct {
	L       *i18n.Translator
	CSRF    string
	Action  string
	Fields  []formField
	Default string // the deadline when none is set
	Errors  []fieldMessage
	Saved   bool
}

// referenceForm is the settings' form as typed.
type referenceForm struct {
	Asked, DeadlineOn, DeadlineTime, QuestionsEN, QuestionsCS, ReviewersSeeLetters string
}

func referenceFormOf(r school.References) referenceForm {
	f := referenceForm{Asked: strconv.Itoa(r.Asked), QuestionsEN: strings.Join(r.QuestionsEN, "\n"),
		QuestionsCS: strings.Join(r.QuestionsCS, "\n")}
	if !r.Deadline.IsZero() {
		t := r.Deadline.In(school.Prague)
		f.DeadlineOn, f.DeadlineTime = t.Format(time.DateOnly), t.Format("15:04")
	}
	if r.ReviewersSeeLetters {
		f.ReviewersSeeLetters = "yes"
	}
	return f
}

// referenceSettingsOf is the settings' form for edition e, filled with f and errs' messages.
func (s *Server) referenceSettingsOf(c *fiber.Ctx, e school.Edition, f referenceForm, errs formErrors) *referenceSettings {
	L := s.i18n.Translator(langOf(c))
	field := func(name, typ, value string, max int) formField {
		return formField{Name: name, Label: L.T("editor_" + name), Type: typ, Value: value,
			Error: errs.msg[name], MaxLength: max}
	}
	asked := field("references_asked", "select", f.Asked, 0)
	asked.Options = []option{{"0", L.T("references_none")}}
	for _, n := range positions(school.MaxReferences) {
		asked.Options = append(asked.Options, option{strconv.Itoa(n), L.N("references_n", n)})
	}
	asked.Help = L.T("editor_references_asked_help")
	on := field("references_deadline_on", "date", f.DeadlineOn, 0)
	at := field("references_deadline_time", "time", f.DeadlineTime, 5)
	def := school.References{}.DeadlineFor(e)
	v := &referenceSettings{L: L, CSRF: csrfToken(c), Action: "/admin/editions/" + strconv.FormatInt(e.ID, 10) + "/references",
		Saved: c.Query("done") == "references"}
	if !def.IsZero() {
		v.Default = L.Moment(def)
		on.Help = L.T("editor_references_deadline_help", "Default", v.Default)
	}
	en := field("references_questions_en", "textarea", f.QuestionsEN, 2000)
	en.Help = L.T("editor_references_questions_help")
	cs := field("references_questions_cs", "textarea", f.QuestionsCS, 2000)
	see := field("references_reviewers_see_letters", "checkbox", f.ReviewersSeeLetters, 0)
	v.Fields = []formField{asked, on, at, en, cs, see}
	v.Errors = errorSummary([]formSection{{Fields: v.Fields}})
	return v
}

// editorReferences is the references' form shown on the editor of a stored edition.
func (s *Server) editorReferences(c *fiber.Ctx, e school.Edition) (*referenceSettings, error) {
	if e.ID == 0 {
		return nil, nil
	}
	refs, err := s.store.References(c.UserContext(), e.ID)
	if err != nil {
		return nil, err
	}
	return s.referenceSettingsOf(c, e, referenceFormOf(refs), formErrors{}), nil
}

// saveReferences sets what an edition asks of referees; with problems, the form comes back on a
// page of its own.
func (s *Server) saveReferences(c *fiber.Ctx) error {
	e, err := s.pathEdition(c)
	if err != nil {
		return err
	}
	L := s.i18n.Translator(langOf(c))
	var errs formErrors
	value := func(name string) string { return formValue(c, name, L, &errs) }
	f := referenceForm{Asked: value("references_asked"), DeadlineOn: value("references_deadline_on"),
		DeadlineTime: value("references_deadline_time"), QuestionsEN: mail.NormaliseText(value("references_questions_en")),
		QuestionsCS:         mail.NormaliseText(value("references_questions_cs")),
		ReviewersSeeLetters: value("references_reviewers_see_letters")}
	var refs school.References
	refs.Asked, err = strconv.Atoi(f.Asked)
	if err != nil {
		errs.add("references_asked", L.T("validation_choice"))
	}
	switch {
	case f.DeadlineOn == "" && f.DeadlineTime == "":
	case f.DeadlineOn == "":
		errs.add("references_deadline_on", L.T("editor_references_error_date"))
	default:
		t, err := time.ParseInLocation("2006-01-02 15:04", f.DeadlineOn+" "+cmp.Or(f.DeadlineTime, "23:59"), school.Prague)
		if err != nil {
			errs.add("references_deadline_on", L.T("editor_references_error_date"))
		}
		refs.Deadline = t.UTC()
	}
	refs.QuestionsEN, refs.QuestionsCS = splitNonEmpty(f.QuestionsEN), splitNonEmpty(f.QuestionsCS)
	refs.ReviewersSeeLetters = f.ReviewersSeeLetters == "yes"
	if errs.empty() {
		if key := refs.Problem(e); key != "" {
			field := map[string]string{"references_error_count": "references_asked",
				"references_error_deadline":  "references_deadline_on",
				"references_error_questions": "references_questions_cs"}[key]
			errs.add(field, L.T(key))
		}
	}
	if !errs.empty() {
		p := s.newPage(c, L.T("editor_references"), "admin", refereeSettingsPage{User: currentUser(c), Edition: e,
			Settings: s.referenceSettingsOf(c, e, f, errs)})
		return s.renderStatus(c, fiber.StatusUnprocessableEntity, "referee/settings", p)
	}
	if err := s.store.SaveReferences(c.UserContext(), e.ID, refs, userActor(currentUser(c)), s.now()); err != nil {
		return err
	}
	return c.Redirect("/admin/editions/"+strconv.FormatInt(e.ID, 10)+"/edit?done=references#references", fiber.StatusSeeOther)
}

// refereeSettingsPage is the references' form on a page of its own, when it came back with problems.
type refereeSettingsPage struct {
	User     school.User
	Edition  school.Edition
	Settings *referenceSettings
}

// splitNonEmpty is text's lines, trimmed, without the empty ones.
func splitNonEmpty(text string) []string {
	var lines []string
	for _, l := range strings.Split(text, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	return lines
}

// staffReferees is the application page's block of referees: who was asked, whether they sent,
// and, for those who may read them, the letters and answers.
type staffReferees struct {
	L           *i18n.Translator
	Asked       int
	SeesLetters bool
	ShowsNames  bool
	Rows        []staffRefereeRow
	Complete    bool
}

type staffRefereeRow struct {
	school.Referee
	Asked, Received, LetterURL string
}

// staffRefereesOf is the block for application a as the viewer may see it, or nil when its
// edition asks for no references and nobody was named.
func (s *Server) staffRefereesOf(c *fiber.Ctx, e school.Edition, a school.Application) (*staffReferees, error) {
	ctx := c.UserContext()
	refs, err := s.store.References(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	referees, err := s.store.Referees(ctx, a.ID)
	if err != nil || (refs.Asked == 0 && len(referees) == 0) {
		return nil, err
	}
	L := s.i18n.Translator(langOf(c))
	v := school.VisibilityFor(e, currentUser(c).Role)
	b := &staffReferees{L: L, Asked: refs.Asked, SeesLetters: v.SeesLetters(refs),
		ShowsNames: v.Visible(school.IdentReferee), Complete: school.ReferencesComplete(refs.Asked, referees)}
	when := L.Moment
	if v.Blind() { // the minute a referee named on the form was asked is when the form was sent
		when = L.Date
	}
	for _, r := range referees {
		row := staffRefereeRow{Referee: r, Asked: when(r.RequestedAt)}
		if r.Received() {
			row.Received = when(r.ReceivedAt)
		}
		if !b.ShowsNames {
			row.Name, row.Email, row.Relation = "", "", ""
		}
		if !b.SeesLetters {
			row.Answers = nil
			row.LetterFileName = ""
		} else if r.HasLetter() {
			row.LetterURL = "/admin/applications/" + strconv.FormatInt(a.ID, 10) + "/referees/" + strconv.FormatInt(r.ID, 10) + "/letter"
		}
		b.Rows = append(b.Rows, row)
	}
	return b, nil
}

// downloadRefereeLetter serves a referee's letter to staff who may read it: organisers, and
// reviewers unless they review blind and the edition keeps letters from them.
func (s *Server) downloadRefereeLetter(c *fiber.Ctx) error {
	a, e, err := s.staffApplication(c)
	if err != nil {
		return err
	}
	refereeID, err := pathID(c, "referee")
	if err != nil {
		return err
	}
	refs, err := s.store.References(c.UserContext(), e.ID)
	if err != nil {
		return err
	}
	if !school.VisibilityFor(e, currentUser(c).Role).SeesLetters(refs) {
		return db.ErrNotFound
	}
	stored, r, err := s.store.RefereeLetter(c.UserContext(), a.ID, refereeID)
	if err != nil {
		return err
	}
	up := db.Upload{StoredName: stored, OriginalName: a.Reference + "-reference-" + strconv.Itoa(r.Position) + ".pdf",
		ContentType: "application/pdf", Size: r.LetterSize}
	return s.sendUpload(c, up, c.Query("inline") == "1")
}

// referencesFilter sets the list's "references complete" filter from the query, for an edition
// that asks for references.
func (s *Server) referencesFilter(c *fiber.Ctx, e school.Edition, f *db.ApplicationFilter) error {
	refs, err := s.store.References(c.UserContext(), e.ID)
	if err != nil || refs.Asked == 0 {
		return err
	}
	f.ReferencesAsked = refs.Asked
	if r := c.Query("references"); r == "complete" || r == "incomplete" {
		f.References = r
	}
	return nil
}

// refereesHeld says what an edition holds about referees, for its personal-data page: their
// contacts and letters, which erasure and the retention period take with the application.
func (s *Server) refereesHeld(c *fiber.Ctx, e school.Edition, L *i18n.Translator) (string, error) {
	d, err := s.store.EditionRefereeData(c.UserContext(), e.ID)
	if err != nil || d.Referees == 0 {
		return "", err
	}
	return L.T("privacy_referees_held", "Referees", d.Referees, "Letters", d.Letters, "Size", fileSize(d.Bytes, L.Lang)), nil
}
