package app

import (
	"errors"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"registrar/app/i18n"
	"registrar/app/school"
	"registrar/db"
)

// copyEditionPage asks for the first day of an edition's copy for a later year.
type copyEditionPage struct {
	User    school.User
	Edition school.Edition
	Days    string    // the days the edition runs, with their weekdays
	Field   formField // starts_on; empty Name when the edition has no dates to move by
	Errors  []fieldMessage
	// Proposed is the copy as it comes out with the proposed first day: its titles and address.
	Proposed school.Edition
	// Taken is the edition that already has the copy's address, when it does.
	Taken school.Edition
}

// showCopyEdition shows the form that copies an edition for a later year, with the proposed
// first day: the same weekday nearest to the same date a year on (school.NextYearStart).
func (s *Server) showCopyEdition(c *fiber.Ctx) error {
	e, err := s.pathEdition(c)
	if err != nil {
		return err
	}
	proposed := ""
	if !e.StartsOn.IsZero() {
		proposed = school.NextYearStart(e.StartsOn).Format(time.DateOnly)
	}
	return s.copyEditionPage(c, fiber.StatusOK, e, proposed, formErrors{}, school.Edition{})
}

func (s *Server) copyEditionPage(c *fiber.Ctx, status int, e school.Edition, typed string, errs formErrors,
	taken school.Edition) error {
	L := s.i18n.Translator(langOf(c))
	data := copyEditionPage{User: currentUser(c), Edition: e, Taken: taken}
	proposal := time.Time{}
	if !e.StartsOn.IsZero() {
		proposal = school.NextYearStart(e.StartsOn)
		data.Days = L.DayDate(e.StartsOn)
		if !e.EndsOn.IsZero() && !e.EndsOn.Equal(e.StartsOn) {
			data.Days += " – " + L.DayDate(e.EndsOn)
		}
		data.Field = formField{Name: "starts_on", Label: L.T("copy_starts_on"), Type: "date", Required: true,
			Value: typed, Error: errs.msg["starts_on"],
			Help: L.T("copy_starts_on_help", "Day", L.DayDate(proposal), "Weekday", L.Weekday(e.StartsOn))}
	}
	plan, _ := e.CopyTo(proposal)
	data.Proposed = plan.Apply(e)
	for _, name := range errs.order {
		data.Errors = append(data.Errors, fieldMessage{Field: name, Label: L.T("copy_starts_on"), Message: errs.msg[name]})
	}
	title := L.T("copy_title", "Title", e.Title(L.Lang))
	return s.renderStatus(c, status, "admin/edition_copy", s.newPage(c, title, "admin", data))
}

// cloneEdition copies an edition for a later year as a draft, starting on the day the form
// gives, and opens the copy's editor; a day that moves the weekdays or an address already taken
// brings the form back saying so.
func (s *Server) cloneEdition(c *fiber.Ctx) error {
	e, err := s.pathEdition(c)
	if err != nil {
		return err
	}
	scope, err := s.editionScope(c)
	if err != nil {
		return err
	}
	L := s.i18n.Translator(langOf(c))
	var errs formErrors
	typed := formValue(c, "starts_on", L, &errs)
	var startsOn time.Time
	if !e.StartsOn.IsZero() && errs.empty() {
		if typed != "" {
			if startsOn, err = time.Parse(time.DateOnly, isoDate(typed)); err != nil {
				errs.add("starts_on", L.T("copy_error_start_format"))
			}
		}
		if errs.empty() {
			if _, p := e.CopyTo(startsOn); p != nil {
				errs.add(p.Field, copyProblem(L, e, startsOn, p.Message))
			}
		}
	}
	if !errs.empty() {
		return s.copyEditionPage(c, fiber.StatusUnprocessableEntity, e, typed, errs, school.Edition{})
	}
	var assign int64
	if !scope.All {
		assign = currentUser(c).ID
	}
	id, err := s.store.CloneEdition(c.UserContext(), e.ID, startsOn, assign, userActor(currentUser(c)), s.now())
	var taken *db.SlugTakenError
	if errors.As(err, &taken) {
		other, err := s.store.EditionByID(c.UserContext(), taken.EditionID)
		if err != nil {
			return err
		}
		errs.add("starts_on", L.T("copy_error_slug_taken", "Slug", taken.Slug, "Title", other.Title(L.Lang)))
		return s.copyEditionPage(c, fiber.StatusUnprocessableEntity, e, typed, errs, other)
	}
	if err != nil {
		return err
	}
	return c.Redirect("/admin/editions/"+strconv.FormatInt(id, 10)+"/edit?done=cloned", fiber.StatusSeeOther)
}

// copyProblem words why a copy cannot start on startsOn, naming the days that would do.
func copyProblem(L *i18n.Translator, e school.Edition, startsOn time.Time, message string) string {
	after := startsOn
	for after.Weekday() != e.StartsOn.Weekday() {
		after = after.AddDate(0, 0, 1)
	}
	return L.T(message, "Day", L.DayDate(school.NextYearStart(e.StartsOn)), "Weekday", L.Weekday(e.StartsOn),
		"Year", strconv.Itoa(e.StartsOn.Year()+1), "Before", L.DayDate(after.AddDate(0, 0, -7)), "After", L.DayDate(after))
}

// copiedLines say what the copy of an edition took over, counted in the copy itself, for its
// editor's notice right after copying; kinds it has none of are left out.
func copiedLines(L *i18n.Translator, n db.EditionContents) []string {
	lines := []string{L.T("copied_settings")}
	for _, c := range []struct {
		id string
		n  int
	}{{"copied_sessions", n.Sessions}, {"copied_lecturers", n.Lecturers}, {"copied_questions", n.Questions},
		{"copied_criteria", n.Criteria}, {"copied_emails", n.EmailTemplates}, {"copied_staff", n.Staff}} {
		if c.n > 0 {
			lines = append(lines, L.N(c.id, c.n))
		}
	}
	if n.PrivacyNotice {
		lines = append(lines, L.T("copied_privacy_notice"))
	}
	return lines
}
