package app

import (
	"errors"
	"slices"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"registrar/app/school"
	"registrar/db"
)

type fillRow struct {
	Application school.Application
	Country     string
	Score       db.ScoreSummary
	Accept      bool
}

type fillPage struct {
	User      school.User
	Edition   school.Edition
	Seats     int
	MaxShare  int // percent
	MinSector string
	MinShare  int // percent
	Sectors   []school.Sector
	Rows      []fillRow
}

// showFillSeats proposes accepting the best-scored submitted applications for the seats left,
// within balance targets; the organiser edits the proposal before staging it.
func (s *Server) showFillSeats(c *fiber.Ctx) error {
	e, err := s.pathEdition(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	summary, err := s.store.EditionSummary(ctx, e.ID)
	if err != nil {
		return err
	}
	data := fillPage{User: currentUser(c), Edition: e, Sectors: school.Sectors,
		Seats: max(0, e.Seats()-summary.SeatsTaken())}
	if v, err := strconv.Atoi(c.Query("seats")); err == nil && v >= 0 {
		data.Seats = v
	}
	if v, err := strconv.Atoi(c.Query("max_country")); err == nil && v > 0 && v <= 100 {
		data.MaxShare = v
	}
	if sc := school.Sector(c.Query("min_sector")); slices.Contains(school.Sectors, sc) {
		data.MinSector = string(sc)
		if v, err := strconv.Atoi(c.Query("min_share")); err == nil && v > 0 && v <= 100 {
			data.MinShare = v
		}
	}
	apps, _, err := s.store.ApplicationList(ctx, db.ApplicationFilter{EditionID: e.ID,
		Status: school.StatusSubmitted, Sort: "score", PerPage: 1 << 30})
	if err != nil {
		return err
	}
	ids := make([]int64, len(apps))
	for i, a := range apps {
		ids[i] = a.ID
	}
	scores, err := s.store.EditionScores(ctx, e.ID, ids)
	if err != nil {
		return err
	}
	candidates := make([]school.Candidate, len(apps))
	byID := map[int64]school.Application{}
	for i, a := range apps {
		candidates[i] = school.Candidate{ApplicationID: a.ID, Score: scores[a.ID].Score, Country: a.Nationality, Sector: a.Sector}
		byID[a.ID] = a
	}
	p := school.ProposeSeats(candidates, data.Seats, school.Balance{MaxCountryShare: float64(data.MaxShare) / 100,
		MinSector: school.Sector(data.MinSector), MinSectorShare: float64(data.MinShare) / 100})
	L := s.i18n.Translator(langOf(c))
	row := func(cand school.Candidate, accept bool) fillRow {
		a := byID[cand.ApplicationID]
		return fillRow{Application: a, Country: s.countries.name(L.Lang, a.Nationality), Score: scores[a.ID], Accept: accept}
	}
	for _, cand := range p.Accept {
		data.Rows = append(data.Rows, row(cand, true))
	}
	for _, cand := range p.Waitlist {
		data.Rows = append(data.Rows, row(cand, false))
	}
	return s.renderPage(c, "admin/fill", s.newPage(c, L.T("fill_title"), "admin", data))
}

// stageFillSeats stages the edited proposal, all of it or none: the ticked ones accepted, the
// others onto the waiting list in the order shown.
func (s *Server) stageFillSeats(c *fiber.Ctx) error {
	e, err := s.pathEdition(c)
	if err != nil {
		return err
	}
	L := s.i18n.Translator(langOf(c))
	args := c.Context().PostArgs()
	accept := map[int64]bool{}
	for _, v := range args.PeekMulti("accept") {
		if n, err := strconv.ParseInt(string(v), 10, 64); err == nil {
			accept[n] = true
		}
	}
	rank := 1
	var batch []db.DecisionToStage
	for _, v := range args.PeekMulti("order") {
		appID, err := strconv.ParseInt(string(v), 10, 64)
		if err != nil {
			continue
		}
		decision, r := school.StatusWaitlisted, rank
		if accept[appID] {
			decision, r = school.StatusAccepted, 0
		} else {
			rank++
		}
		batch = append(batch, db.DecisionToStage{ApplicationID: appID, Decision: decision, Rank: r})
	}
	// All or none: an application of another edition or too few seats stages nothing.
	_, err = s.store.StageDecisions(c.UserContext(), e.ID, batch, currentUser(c).ID, s.now())
	if errors.Is(err, db.ErrNoSeat) {
		return fiber.NewError(fiber.StatusConflict, L.T("decision_no_seat", "Seats", e.Seats()))
	}
	if err != nil {
		return err
	}
	return c.Redirect("/admin/editions/"+strconv.FormatInt(e.ID, 10)+"/decisions", fiber.StatusSeeOther)
}
