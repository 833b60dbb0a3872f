package app

import (
	"slices"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"registrar/app/i18n"
	"registrar/app/school"
	"registrar/db"
)

// A session form offers lecturerSlots choices from the shared list, or one more than the
// session has, up to maxLecturerSlots.
const (
	lecturerSlots    = 6
	maxLecturerSlots = 40
)

// sessionForm is the programme editor's form for one session, as typed.
type sessionForm struct {
	Day            string   `form:"day" validate:"required"`
	StartsAt       string   `form:"starts_at" validate:"required"`
	EndsAt         string   `form:"ends_at" validate:"required"`
	Kind           string   `form:"kind" validate:"required,oneof=lecture panel workshop study_visit social opening"`
	TitleEN        string   `form:"title_en" validate:"singleline,max=200"`
	TitleCS        string   `form:"title_cs" validate:"singleline,max=200"`
	Room           string   `form:"room" validate:"singleline,max=100"`
	RoomCS         string   `form:"room_cs" validate:"singleline,max=100"`
	DescriptionEN  string   `form:"description_en" validate:"max=10000"`
	DescriptionCS  string   `form:"description_cs" validate:"max=10000"`
	Lecturers      []string // chosen lecturer ids by slot, "" for an empty one
	NewName        string   `form:"new_name" validate:"singleline,max=120"`
	NewAffiliation string   `form:"new_affiliation" validate:"singleline,max=200"`
	NewBioEN       string   `form:"new_bio_en" validate:"max=2000"`
	NewBioCS       string   `form:"new_bio_cs" validate:"max=2000"`
}

// lecturerForm is the lecturer editor's form.
type lecturerForm struct {
	Name        string `form:"name" validate:"required,singleline,max=120"`
	Affiliation string `form:"affiliation" validate:"singleline,max=200"`
	BioEN       string `form:"bio_en" validate:"max=2000"`
	BioCS       string `form:"bio_cs" validate:"max=2000"`
}

func parseSessionForm(c *fiber.Ctx, L *i18n.Translator, errs *formErrors) sessionForm {
	v := func(name string) string { return formValue(c, name, L, errs) }
	f := sessionForm{Day: v("day"), StartsAt: v("starts_at"), EndsAt: v("ends_at"), Kind: v("kind"),
		TitleEN: v("title_en"), TitleCS: v("title_cs"), Room: v("room"), RoomCS: v("room_cs"),
		DescriptionEN: v("description_en"), DescriptionCS: v("description_cs"),
		NewName: v("new_name"), NewAffiliation: v("new_affiliation"), NewBioEN: v("new_bio_en"),
		NewBioCS: v("new_bio_cs")}
	for i := range maxLecturerSlots {
		f.Lecturers = append(f.Lecturers, v(lecturerSlot(i)))
	}
	for len(f.Lecturers) > 0 && f.Lecturers[len(f.Lecturers)-1] == "" {
		f.Lecturers = f.Lecturers[:len(f.Lecturers)-1]
	}
	return f
}

func lecturerSlot(i int) string { return "lecturer_" + strconv.Itoa(i+1) }

// clockTime reads "9:30" or "09:30" as minutes after midnight.
func clockTime(v string) (int, bool) {
	t, err := time.Parse("15:04", v)
	if err != nil {
		return 0, false
	}
	return t.Hour()*60 + t.Minute(), true
}

// checkSession validates the form for edition e, whose lecturers are known, and returns the
// session and lecturers it describes.
func (s *Server) checkSession(f *sessionForm, e school.Edition, known []school.Lecturer, L *i18n.Translator,
	errs *formErrors) (school.Session, db.SessionLecturers) {
	s.checkStruct(f, L, errs)
	ps := school.Session{EditionID: e.ID, Kind: school.SessionKind(f.Kind), TitleEN: f.TitleEN,
		TitleCS: f.TitleCS, Room: f.Room, RoomCS: f.RoomCS, DescriptionEN: f.DescriptionEN, DescriptionCS: f.DescriptionCS}
	day, err := time.Parse(time.DateOnly, f.Day)
	if f.Day != "" && (err != nil || !slices.ContainsFunc(school.EditionDays(e), day.Equal)) {
		errs.add("day", L.T("programme_day_invalid"))
	}
	ps.Day = day
	start, okStart := clockTime(f.StartsAt)
	end, okEnd := clockTime(f.EndsAt)
	if f.StartsAt != "" && !okStart {
		errs.add("starts_at", L.T("programme_time_invalid"))
	}
	if f.EndsAt != "" && !okEnd {
		errs.add("ends_at", L.T("programme_time_invalid"))
	}
	if okStart && okEnd && end <= start {
		errs.add("ends_at", L.T("programme_end_before_start"))
	}
	ps.StartsAt, ps.EndsAt = clock(start), clock(end)
	if f.TitleEN == "" && f.TitleCS == "" {
		errs.add("title_en", L.T("programme_title_required"))
	}
	var who db.SessionLecturers
	for i, v := range f.Lecturers {
		if v == "" {
			continue
		}
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || !slices.ContainsFunc(known, func(l school.Lecturer) bool { return l.ID == id }) {
			errs.add(lecturerSlot(i), L.T("validation_choice"))
			continue
		}
		if !slices.Contains(who.IDs, id) {
			who.IDs = append(who.IDs, id)
		}
	}
	if f.NewName == "" && (f.NewAffiliation != "" || f.NewBioEN != "" || f.NewBioCS != "") {
		errs.add("new_name", L.T("programme_lecturer_name_required"))
	}
	if f.NewName != "" {
		who.New = []school.Lecturer{{Name: f.NewName, Affiliation: f.NewAffiliation, BioEN: f.NewBioEN, BioCS: f.NewBioCS}}
	}
	return ps, who
}

func clock(minutes int) string {
	return time.Date(2000, 1, 1, minutes/60, minutes%60, 0, 0, time.UTC).Format("15:04")
}

// formFromSession fills the form with a stored session.
func formFromSession(ps school.Session) sessionForm {
	f := sessionForm{Day: ps.Day.Format(time.DateOnly), StartsAt: ps.StartsAt, EndsAt: ps.EndsAt,
		Kind: string(ps.Kind), TitleEN: ps.TitleEN, TitleCS: ps.TitleCS, Room: ps.Room, RoomCS: ps.RoomCS,
		DescriptionEN: ps.DescriptionEN, DescriptionCS: ps.DescriptionCS}
	for _, l := range ps.Lecturers {
		f.Lecturers = append(f.Lecturers, strconv.FormatInt(l.ID, 10))
	}
	return f
}

// programmeDay is one day of the edition in the editor, with its sessions, maybe none yet.
type programmeDay struct {
	Day      time.Time
	Sessions []school.Session
}

type programmePage struct {
	User    school.User
	Edition school.Edition
	Days    []programmeDay
	Notice  string
}

// editorBase is the address of an edition's editor pages.
func editorBase(e school.Edition, what string) string {
	return "/admin/editions/" + strconv.FormatInt(e.ID, 10) + "/" + what
}

// showProgramme lists the edition's days, each with its sessions in order.
func (s *Server) showProgramme(c *fiber.Ctx) error {
	e, err := s.pathEdition(c)
	if err != nil {
		return err
	}
	sessions, err := s.store.Programme(c.UserContext(), e.ID)
	if err != nil {
		return err
	}
	L := s.i18n.Translator(langOf(c))
	var days []programmeDay
	for _, d := range school.EditionDays(e) {
		days = append(days, programmeDay{Day: d})
	}
	// Sessions left outside the edition's dates (after its dates changed) are still listed.
	for _, pd := range school.GroupByDay(sessions) {
		i := slices.IndexFunc(days, func(d programmeDay) bool { return d.Day.Equal(pd.Day) })
		if i < 0 {
			days = append(days, programmeDay{Day: pd.Day})
			i = len(days) - 1
		}
		days[i].Sessions = pd.Sessions
	}
	slices.SortStableFunc(days, func(a, b programmeDay) int { return a.Day.Compare(b.Day) })
	data := programmePage{User: currentUser(c), Edition: e, Days: days}
	if done := c.Query("done"); slices.Contains([]string{"created", "saved", "deleted", "moved"}, done) {
		data.Notice = L.T("programme_done_" + done)
	}
	return s.renderPage(c, "admin/programme", s.newPage(c, L.T("programme_title"), "admin", data))
}

type sessionEditorPage struct {
	User      school.User
	Edition   school.Edition
	SessionID int64 // 0 for a new session
	Action    string
	Fields    []formField
	Lecturers []formField
	New       []formField
	Errors    []string
}

// sessionEditor builds the session form's page from what was typed and the errors found.
func (s *Server) sessionEditor(c *fiber.Ctx, e school.Edition, id int64, f sessionForm, errs formErrors) (sessionEditorPage, error) {
	known, err := s.store.Lecturers(c.UserContext())
	if err != nil {
		return sessionEditorPage{}, err
	}
	L := s.i18n.Translator(langOf(c))
	data := sessionEditorPage{User: currentUser(c), Edition: e, SessionID: id,
		Action: editorBase(e, "programme/new")}
	if id != 0 {
		data.Action = editorBase(e, "programme/"+strconv.FormatInt(id, 10))
	}
	var days, kinds, people []option
	for _, d := range school.EditionDays(e) {
		days = append(days, option{Value: d.Format(time.DateOnly), Label: L.DayDate(d)})
	}
	for _, k := range school.SessionKinds {
		kinds = append(kinds, option{Value: string(k), Label: L.T("session_" + string(k))})
	}
	for _, l := range known {
		label := l.Name
		if l.Affiliation != "" {
			label += " (" + l.Affiliation + ")"
		}
		people = append(people, option{Value: strconv.FormatInt(l.ID, 10), Label: label})
	}
	field := func(name, typ, value string, max int, required bool, opts []option) formField {
		ff := formField{Name: name, Label: L.T("programme_field_" + name), Type: typ, Value: value,
			MaxLength: max, Required: required, Options: opts, Error: errs.msg[name]}
		if name == "starts_at" || name == "ends_at" {
			ff.Help = L.T("programme_help_time")
		}
		if name == "description_en" || name == "description_cs" {
			ff.Help = L.T("programme_help_markdown")
		}
		return ff
	}
	data.Fields = []formField{
		field("day", "select", f.Day, 0, true, days),
		field("starts_at", "time", f.StartsAt, 5, true, nil),
		field("ends_at", "time", f.EndsAt, 5, true, nil),
		field("kind", "select", f.Kind, 0, true, kinds),
		field("title_en", "text", f.TitleEN, 200, false, nil),
		field("title_cs", "text", f.TitleCS, 200, false, nil),
		field("room", "text", f.Room, 100, false, nil),
		field("room_cs", "text", f.RoomCS, 100, false, nil),
		field("description_en", "textarea", f.DescriptionEN, 10000, false, nil),
		field("description_cs", "textarea", f.DescriptionCS, 10000, false, nil),
	}
	for i := range min(max(lecturerSlots, len(f.Lecturers)+1), maxLecturerSlots) {
		var v string
		if i < len(f.Lecturers) {
			v = f.Lecturers[i]
		}
		data.Lecturers = append(data.Lecturers, formField{Name: lecturerSlot(i), Type: "select",
			Label: L.T("programme_lecturer_slot", "N", i+1), Value: v, Options: people, Error: errs.msg[lecturerSlot(i)]})
	}
	data.New = []formField{
		field("new_name", "text", f.NewName, 120, false, nil),
		field("new_affiliation", "text", f.NewAffiliation, 200, false, nil),
		field("new_bio_en", "textarea", f.NewBioEN, 2000, false, nil),
		field("new_bio_cs", "textarea", f.NewBioCS, 2000, false, nil),
	}
	for _, name := range errs.order {
		data.Errors = append(data.Errors, errs.msg[name])
	}
	return data, nil
}

func (s *Server) renderSessionEditor(c *fiber.Ctx, status int, e school.Edition, id int64, f sessionForm, errs formErrors) error {
	data, err := s.sessionEditor(c, e, id, f, errs)
	if err != nil {
		return err
	}
	L := s.i18n.Translator(langOf(c))
	title := L.T("programme_new_title")
	if id != 0 {
		title = L.T("programme_edit_title")
	}
	return s.renderStatus(c, status, "admin/programme_session", s.newPage(c, title, "admin", data))
}

// showNewSession shows an empty session form, on the day asked for.
func (s *Server) showNewSession(c *fiber.Ctx) error {
	e, err := s.pathEdition(c)
	if err != nil {
		return err
	}
	return s.renderSessionEditor(c, fiber.StatusOK, e, 0, sessionForm{Day: c.Query("day"), Kind: string(school.SessionLecture)}, formErrors{})
}

// pathSession is the session in the path, of the edition in the path.
func (s *Server) pathSession(c *fiber.Ctx) (school.Edition, school.Session, error) {
	e, err := s.pathEdition(c)
	if err != nil {
		return e, school.Session{}, err
	}
	id, err := pathID(c, "session")
	if err != nil {
		return e, school.Session{}, err
	}
	ps, err := s.store.Session(c.UserContext(), e.ID, id)
	return e, ps, err
}

func (s *Server) showSession(c *fiber.Ctx) error {
	e, ps, err := s.pathSession(c)
	if err != nil {
		return err
	}
	return s.renderSessionEditor(c, fiber.StatusOK, e, ps.ID, formFromSession(ps), formErrors{})
}

// createSession adds the session typed, or shows the form again with what needs fixing.
func (s *Server) createSession(c *fiber.Ctx) error {
	e, err := s.pathEdition(c)
	if err != nil {
		return err
	}
	return s.saveSessionForm(c, e, 0)
}

func (s *Server) saveSession(c *fiber.Ctx) error {
	e, ps, err := s.pathSession(c)
	if err != nil {
		return err
	}
	return s.saveSessionForm(c, e, ps.ID)
}

func (s *Server) saveSessionForm(c *fiber.Ctx, e school.Edition, id int64) error {
	ctx := c.UserContext()
	L := s.i18n.Translator(langOf(c))
	known, err := s.store.Lecturers(ctx)
	if err != nil {
		return err
	}
	var errs formErrors
	f := parseSessionForm(c, L, &errs)
	ps, who := s.checkSession(&f, e, known, L, &errs)
	if !errs.empty() {
		return s.renderSessionEditor(c, fiber.StatusUnprocessableEntity, e, id, f, errs)
	}
	done := "created"
	if id == 0 {
		id, err = s.store.CreateSession(ctx, ps, who)
	} else {
		ps.ID, done = id, "saved"
		err = s.store.UpdateSession(ctx, ps, who)
	}
	if err != nil {
		return err
	}
	return c.Redirect(editorBase(e, "programme")+"?done="+done+"#session-"+strconv.FormatInt(id, 10), fiber.StatusSeeOther)
}

func (s *Server) deleteSession(c *fiber.Ctx) error {
	e, ps, err := s.pathSession(c)
	if err != nil {
		return err
	}
	if err := s.store.DeleteSession(c.UserContext(), e.ID, ps.ID); err != nil {
		return err
	}
	return c.Redirect(editorBase(e, "programme")+"?done=deleted", fiber.StatusSeeOther)
}

// moveSession moves a session one place up or down within its day.
func (s *Server) moveSession(c *fiber.Ctx) error {
	e, ps, err := s.pathSession(c)
	if err != nil {
		return err
	}
	dir := c.FormValue("direction")
	if dir != "up" && dir != "down" {
		return badRequest(s.i18n.Translator(langOf(c)).T("validation_choice"))
	}
	if err := s.store.MoveSession(c.UserContext(), e.ID, ps.ID, dir == "up"); err != nil {
		return err
	}
	return c.Redirect(editorBase(e, "programme")+"?done=moved#session-"+strconv.FormatInt(ps.ID, 10), fiber.StatusSeeOther)
}

type lecturerEditorPage struct {
	User     school.User
	Lecturer school.Lecturer
	Fields   []formField
	Errors   []string
	Notice   string
}

// pathLecturer is the lecturer whose id is in the path. Lecturers are shared, so an organiser
// who runs only some editions may edit only those who teach in one of them.
func (s *Server) pathLecturer(c *fiber.Ctx) (school.Lecturer, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return school.Lecturer{}, err
	}
	scope, err := s.editionScope(c)
	if err != nil {
		return school.Lecturer{}, err
	}
	if !scope.All {
		teaches, err := s.store.LecturerEditions(c.UserContext(), id)
		if err != nil {
			return school.Lecturer{}, err
		}
		if !scope.AllowsAny(teaches) {
			return school.Lecturer{}, db.ErrNotFound
		}
	}
	return s.store.LecturerByID(c.UserContext(), id)
}

func (s *Server) renderLecturerEditor(c *fiber.Ctx, status int, l school.Lecturer, f lecturerForm, errs formErrors) error {
	L := s.i18n.Translator(langOf(c))
	field := func(name, typ, value string, max int, required bool) formField {
		return formField{Name: name, Label: L.T("lecturer_field_" + name), Type: typ, Value: value,
			MaxLength: max, Required: required, Error: errs.msg[name]}
	}
	data := lecturerEditorPage{User: currentUser(c), Lecturer: l, Fields: []formField{
		field("name", "text", f.Name, 120, true),
		field("affiliation", "text", f.Affiliation, 200, false),
		field("bio_en", "textarea", f.BioEN, 2000, false),
		field("bio_cs", "textarea", f.BioCS, 2000, false),
	}}
	for _, name := range errs.order {
		data.Errors = append(data.Errors, errs.msg[name])
	}
	if c.Query("done") == "saved" {
		data.Notice = L.T("lecturer_saved")
	}
	return s.renderStatus(c, status, "admin/programme_lecturer", s.newPage(c, L.T("lecturer_edit_title", "Name", l.Name), "admin", data))
}

// showLecturerEditor shows a lecturer's name, affiliation and biography for correcting.
func (s *Server) showLecturerEditor(c *fiber.Ctx) error {
	l, err := s.pathLecturer(c)
	if err != nil {
		return err
	}
	f := lecturerForm{Name: l.Name, Affiliation: l.Affiliation, BioEN: l.BioEN, BioCS: l.BioCS}
	return s.renderLecturerEditor(c, fiber.StatusOK, l, f, formErrors{})
}

func (s *Server) saveLecturer(c *fiber.Ctx) error {
	l, err := s.pathLecturer(c)
	if err != nil {
		return err
	}
	L := s.i18n.Translator(langOf(c))
	var errs formErrors
	v := func(name string) string { return formValue(c, name, L, &errs) }
	f := lecturerForm{Name: v("name"), Affiliation: v("affiliation"), BioEN: v("bio_en"), BioCS: v("bio_cs")}
	s.checkStruct(&f, L, &errs)
	if !errs.empty() {
		return s.renderLecturerEditor(c, fiber.StatusUnprocessableEntity, l, f, errs)
	}
	l.Name, l.Affiliation, l.BioEN, l.BioCS = f.Name, f.Affiliation, f.BioEN, f.BioCS
	if err := s.store.UpdateLecturer(c.UserContext(), l); err != nil {
		return err
	}
	return c.Redirect("/admin/lecturers/"+strconv.FormatInt(l.ID, 10)+"?done=saved", fiber.StatusSeeOther)
}
