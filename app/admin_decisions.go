package app

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"registrar/app/i18n"
	"registrar/app/mail"
	"registrar/app/school"
	"registrar/db"
)

// The decisions an organiser may stage.
var decisionKinds = []school.Status{school.StatusAccepted, school.StatusWaitlisted, school.StatusRejected}

// stageDecision prepares accept, waitlist (with rank) or reject for one application.
func (s *Server) stageDecision(c *fiber.Ctx) error {
	a, e, err := s.staffApplication(c)
	if err != nil {
		return err
	}
	L := s.i18n.Translator(langOf(c))
	back := "/admin/applications/" + strconv.FormatInt(a.ID, 10)
	if c.FormValue("decision") == "none" {
		if err := s.store.UnstageDecision(c.UserContext(), a.ID); err != nil {
			return err
		}
		return c.Redirect(back+"?done=unstaged", fiber.StatusSeeOther)
	}
	decision := school.Status(c.FormValue("decision"))
	if decision == "" {
		return s.renderApplication(c, fiber.StatusUnprocessableEntity, L.T("decision_missing"))
	}
	valid := false
	for _, k := range decisionKinds {
		valid = valid || k == decision
	}
	if !valid {
		return badRequest(L.T("validation_choice"))
	}
	rank := 0
	if decision == school.StatusWaitlisted {
		rank, err = strconv.Atoi(c.FormValue("rank"))
		if err != nil || rank < 1 || rank > 100000 {
			return badRequest(L.T("decision_bad_rank"))
		}
	}
	err = s.store.StageDecision(c.UserContext(), a.ID, decision, rank, currentUser(c).ID, s.now())
	switch {
	case errors.Is(err, db.ErrNoSeat):
		return fiber.NewError(fiber.StatusConflict, L.T("decision_no_seat", "Seats", e.Seats()))
	case errors.Is(err, school.ErrTransition):
		return fiber.NewError(fiber.StatusConflict, L.T("decision_not_allowed"))
	case err != nil:
		return err
	}
	return c.Redirect(back+"?done=staged", fiber.StatusSeeOther)
}

type decisionsPage struct {
	User       school.User
	Edition    db.EditionSummary
	Staged     []db.StagedDecision
	Seats      string // seatsLine
	Examples   []emailExample
	Released   int
	JustStaged int // how many fill seats just staged
	// NoFit, when set, says that the staged acceptances no longer fit the seats: the release
	// is disabled until they do.
	NoFit string
	// Refused says why a release just sent was refused, and RefusedBy which application's staged
	// decision refused it, if one did.
	Refused   string
	RefusedBy int64
}

// emailExample is one email a release will send, rendered for the first application staged
// for its decision, as the release will render it.
type emailExample struct {
	Decision  school.Status
	Count     int
	Reference string // of the application it is rendered for
	Lang      string
	Subject   string
	// Text and HTML are as the applicant will get them, the status link's secret left out.
	Text, HTML string
}

// releaseExamples renders one email of each decision staged for e, with how many of each the
// release sends, for the application first staged for it.
func (s *Server) releaseExamples(ctx context.Context, e school.Edition, staged []db.StagedDecision) ([]emailExample, error) {
	counts := map[school.Status]int{}
	first := map[school.Status]db.StagedDecision{}
	for _, d := range staged {
		counts[d.Decision]++
		if _, ok := first[d.Decision]; !ok {
			first[d.Decision] = d
		}
	}
	if len(first) == 0 {
		return nil, nil
	}
	questions, err := s.store.Questions(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	render, err := s.emails.Renderer(ctx, e, mail.WithQuestions(questions))
	if err != nil {
		return nil, err
	}
	var examples []emailExample
	for _, kind := range decisionKinds {
		d, ok := first[kind]
		if !ok {
			continue
		}
		a, err := s.store.Application(ctx, d.ApplicationID)
		if err != nil {
			return nil, err
		}
		a.Status, a.WaitlistRank = kind, d.WaitlistRank
		if kind == school.StatusAccepted {
			a.OfferExpiresAt = school.OfferExpiry(s.now(), e.OfferDays)
		}
		m, err := render(school.EmailOnEntering(kind), a)
		if err != nil {
			return nil, err
		}
		// The preview's link was never stored and opens nothing; it is left out as in the outbox.
		shown := db.OutboxMessage{Text: m.Text, HTML: m.HTML, StatusToken: m.StatusToken}
		text, html := shown.Shown()
		examples = append(examples, emailExample{Decision: kind, Count: counts[kind], Reference: a.Reference,
			Lang: m.Lang, Subject: m.Subject, Text: text, HTML: html})
	}
	return examples, nil
}

// showDecisions previews a release: how many emails of each kind, and one of each as it will go.
func (s *Server) showDecisions(c *fiber.Ctx) error {
	e, err := s.pathEdition(c)
	if err != nil {
		return err
	}
	return s.decisionsView(c, e, fiber.StatusOK, "", 0)
}

// decisionsView renders the release preview with status, saying why a release was refused if
// refused is set, with a link to the application refusedBy when it is not 0.
func (s *Server) decisionsView(c *fiber.Ctx, e school.Edition, status int, refused string, refusedBy int64) error {
	ctx := c.UserContext()
	L := s.i18n.Translator(langOf(c))
	summary, err := s.store.EditionSummary(ctx, e.ID)
	if err != nil {
		return err
	}
	staged, err := s.store.StagedDecisions(ctx, e.ID)
	if err != nil {
		return err
	}
	held, err := s.store.SeatsHeld(ctx, e.ID)
	if err != nil {
		return err
	}
	data := decisionsPage{User: currentUser(c), Edition: summary, Staged: staged,
		Seats: seatsLine(L, summary, s.now()), Refused: refused, RefusedBy: refusedBy}
	if school.CheckSeats(e.Seats(), held) != nil {
		data.NoFit = L.T("decisions_no_fit", "Staged", held.Staged,
			"Free", max(0, e.Seats()-held.Confirmed-held.Offers), "Seats", e.Seats())
	}
	data.Released, _ = strconv.Atoi(c.Query("released"))
	data.JustStaged, _ = strconv.Atoi(c.Query("staged"))
	if data.Examples, err = s.releaseExamples(ctx, e, staged); err != nil {
		return err
	}
	return s.renderStatus(c, status, "admin/decisions", s.newPage(c, L.T("decisions_title"), "admin", data))
}

// showDecisionEmail is the HTML of the email a release sends for one decision, for the frame of
// the decisions page; not found when no application is staged for it.
func (s *Server) showDecisionEmail(c *fiber.Ctx) error {
	e, err := s.pathEdition(c)
	if err != nil {
		return err
	}
	staged, err := s.store.StagedDecisions(c.UserContext(), e.ID)
	if err != nil {
		return err
	}
	staged = slices.DeleteFunc(staged, func(d db.StagedDecision) bool { return string(d.Decision) != c.Params("decision") })
	examples, err := s.releaseExamples(c.UserContext(), e, staged)
	if err != nil {
		return err
	}
	if len(examples) == 0 {
		return db.ErrNotFound
	}
	return sendEmailFrame(c, examples[0].HTML)
}

// releaseDecisions sends every staged decision of the edition at once.
func (s *Server) releaseDecisions(c *fiber.Ctx) error {
	e, err := s.pathEdition(c)
	if err != nil {
		return err
	}
	render, err := s.emails.Renderer(c.UserContext(), e)
	if err != nil {
		return err
	}
	L := s.i18n.Translator(langOf(c))
	// Released decisions are emailed and cannot be taken back: the form asks once more.
	if c.FormValue("confirm") != "yes" {
		return fiber.NewError(fiber.StatusUnprocessableEntity, L.T("decisions_confirm_missing"))
	}
	n, err := s.store.ReleaseDecisions(c.UserContext(), e.ID, userActor(currentUser(c)), s.now(), render)
	switch {
	case errors.Is(err, db.ErrNoSeat):
		return s.decisionsView(c, e, fiber.StatusConflict, L.T("decisions_release_no_seat"), 0)
	case errors.Is(err, school.ErrTransition):
		return s.refusedRelease(c, e, err)
	case err != nil:
		return err
	}
	s.outbox.Wake()
	return c.Redirect("/admin/editions/"+strconv.FormatInt(e.ID, 10)+"/decisions?released="+strconv.Itoa(n), fiber.StatusSeeOther)
}

// userActor names a back-office user in the audit log.
func userActor(u school.User) string { return "user:" + strconv.FormatInt(u.ID, 10) + " " + u.Email }

// seatsHeldMessage says how many seats are held and by whom, for an organiser who tried to
// lower the seats below that.
func seatsHeldMessage(L *i18n.Translator, held school.SeatsHeld) string {
	var parts []string
	for _, p := range []struct {
		id    string
		count int
	}{{"seats_held_confirmed", held.Confirmed}, {"seats_held_offers", held.Offers}, {"seats_held_staged", held.Staged}} {
		if p.count > 0 {
			parts = append(parts, L.N(p.id, p.count))
		}
	}
	return L.T("seats_held_below", "Held", L.N("seats_held", held.Total()), "Parts", strings.Join(parts, ", "),
		"Count", held.Total())
}
