package app

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"registrar/app/i18n"
	"registrar/app/school"
	"registrar/db"
)

type fillRow struct {
	Application school.Application
	Country     string
	Score       db.ScoreSummary
	Accept      bool
	Staged      bool   // staged with the proposal: not an application left out for want of a score
	Why         string // why it is in or out, in the organiser's words
}

type fillPage struct {
	User      school.User
	Edition   school.Edition
	Seats     int
	MaxShare  int // percent
	MinSector string
	MinShare  int  // percent
	Unscored  bool // applications without a score are candidates too
	Sectors   []school.Sector
	Rows      []fillRow
	Warnings  []string
	Relaxed   []string // which targets the applications could not meet, and what was applied
	Targets   []string // the targets in seats
	Ranking   db.Ranking
	RankedBy  string
	Rankings  []option
}

// showFillSeats proposes the best-ranked set of submitted applications for the seats left that
// meets the balance targets (school.ProposeSeats), and says why each is in or out; the organiser
// edits the proposal before staging it.
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
	ranking, err := s.store.EditionRanking(ctx, e.ID)
	if err != nil {
		return err
	}
	L := s.i18n.Translator(langOf(c))
	data := fillPage{User: currentUser(c), Edition: e, Sectors: school.Sectors,
		Seats: max(0, e.Seats()-summary.SeatsTaken()), Unscored: c.Query("unscored") == "1",
		Ranking: ranking, RankedBy: rankingText(L, ranking), Rankings: rankingOptions(L)}
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
	sort := "score"
	if ranking.By == school.RankingNormalised {
		sort = "normalised"
	}
	apps, _, err := s.store.ApplicationList(ctx, db.ApplicationFilter{EditionID: e.ID,
		Status: school.StatusSubmitted, Sort: sort, PerPage: 1 << 30})
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
	data.Warnings = fillWarnings(L, e, s.now(), apps, scores)
	// The ranking: the scored best first, then, when the organiser asks, the unscored in the
	// order they were sent (the list's order puts them last).
	var candidates []school.Candidate
	var leftOut []school.Application
	byID := map[int64]school.Application{}
	for _, a := range apps {
		byID[a.ID] = a
		sc := scores[a.ID]
		if sc.Reviews == 0 && !data.Unscored {
			leftOut = append(leftOut, a)
			continue
		}
		score := sc.Score
		if ranking.By == school.RankingNormalised {
			score = sc.Normalised
		}
		candidates = append(candidates, school.Candidate{ApplicationID: a.ID, Score: score, Country: a.Nationality, Sector: a.Sector})
	}
	sector := school.Sector(data.MinSector)
	p := school.ProposeSeats(candidates, data.Seats, school.Balance{MaxCountryShare: float64(data.MaxShare) / 100,
		MinSector: sector, MinSectorShare: float64(data.MinShare) / 100})
	sectorName := ""
	if sector != "" {
		sectorName = L.T("sector_" + string(sector))
	}
	data.Targets, data.Relaxed = fillTargets(L, p, data.MaxShare > 0 && data.MaxShare < 100, sectorName)
	why := func(a school.Application) string {
		r := p.Reasons[a.ID]
		// The holders of a country's places, each chosen for the minimum marked as such.
		holders := func() string {
			refs := make([]string, len(r.Holders))
			for i, id := range r.Holders {
				refs[i] = byID[id].Reference
				if p.Reasons[id].Why == school.InForMinimum {
					refs[i] = L.T("fill_holder_for_minimum", "Reference", refs[i], "Sector", sectorName)
				}
			}
			return strings.Join(refs, ", ")
		}
		country := s.countries.name(L.Lang, a.Nationality)
		switch r.Why {
		case school.InForMinimum:
			return L.T("fill_in_minimum", "Sector", sectorName)
		case school.OutSeatsFull:
			return L.T("fill_out_seats_full")
		case school.OutCountryCap, school.OutCapForMinimum:
			return L.T("fill_out_cap", "Country", country, "Cap", p.Applied.CountryCap, "Holders", holders())
		case school.OutSeatsForMinimum:
			return L.T("fill_out_seats_minimum", "Sector", sectorName)
		}
		switch {
		case scores[a.ID].Reviews == 0:
			return L.T("fill_in_unscored")
		case r.Rank == 1:
			return L.T("fill_in_best")
		}
		return L.T("fill_in_rank", "Rank", ordinal(L.Lang, r.Rank))
	}
	row := func(a school.Application, accept, staged bool, reason string) fillRow {
		return fillRow{Application: a, Country: s.countries.name(L.Lang, a.Nationality), Score: scores[a.ID],
			Accept: accept, Staged: staged, Why: reason}
	}
	for _, cand := range p.Accept {
		data.Rows = append(data.Rows, row(byID[cand.ApplicationID], true, true, why(byID[cand.ApplicationID])))
	}
	for _, cand := range p.Waitlist {
		data.Rows = append(data.Rows, row(byID[cand.ApplicationID], false, true, why(byID[cand.ApplicationID])))
	}
	for _, a := range leftOut {
		data.Rows = append(data.Rows, row(a, false, false, L.T("fill_out_unscored")))
	}
	return s.renderPage(c, "admin/fill", s.newPage(c, L.T("fill_title"), "admin", data))
}

// fillWarnings says what may still change the proposal: a call still open, reviews missing.
func fillWarnings(L *i18n.Translator, e school.Edition, now time.Time, apps []school.Application, scores map[int64]db.ScoreSummary) []string {
	var warnings []string
	if e.WindowAt(now) == school.WindowOpen {
		warnings = append(warnings, L.N("fill_warn_open", e.DaysLeft(now)))
	}
	few, none := 0, 0
	for _, a := range apps {
		switch n := scores[a.ID].Reviews; {
		case n == 0:
			none++
			few++
		case n < e.RequiredReviews:
			few++
		}
	}
	if few > none {
		warnings = append(warnings, L.N("fill_warn_few_reviews", few)+" "+L.N("fill_warn_required", e.RequiredReviews))
	}
	if none > 0 {
		warnings = append(warnings, L.N("fill_warn_no_reviews", none))
	}
	return warnings
}

// fillTargets are the targets a proposal applied, in seats, and the ones it had to relax.
func fillTargets(L *i18n.Translator, p school.Proposal, capped bool, sector string) (targets, relaxed []string) {
	if capped {
		targets = append(targets, L.T("fill_target_cap", "Cap", p.Applied.CountryCap, "Seats", p.Seats))
	}
	if sector != "" && p.Asked.SectorMin > 0 {
		targets = append(targets, L.T("fill_target_min", "Min", p.Applied.SectorMin, "Seats", p.Seats, "Sector", sector))
	}
	if p.Applied.CountryCap != p.Asked.CountryCap {
		relaxed = append(relaxed, L.T("fill_relaxed_cap", "Seats", p.Seats, "From", p.Asked.CountryCap, "To", p.Applied.CountryCap))
	}
	if p.Applied.SectorMin != p.Asked.SectorMin {
		relaxed = append(relaxed, L.T("fill_relaxed_min", "Sector", sector, "From", p.Asked.SectorMin, "To", p.Applied.SectorMin))
	}
	return targets, relaxed
}

// ordinal is n as an ordinal number: 2nd in English, 2. in Czech.
func ordinal(lang string, n int) string {
	if lang == "cs" {
		return strconv.Itoa(n) + "."
	}
	suffix := "th"
	if n%100 < 11 || n%100 > 13 {
		switch n % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return strconv.Itoa(n) + suffix
}

// rankingText says which score ranks an edition's applications, and why.
func rankingText(L *i18n.Translator, r db.Ranking) string {
	if r.Setting == school.RankingAuto {
		return L.T("ranking_auto_"+string(r.By), "Count", school.NormaliseAfter)
	}
	return L.T("ranking_chosen_" + string(r.By))
}

// rankingOptions are the ranking settings an organiser may choose.
func rankingOptions(L *i18n.Translator) []option {
	out := make([]option, len(school.Rankings))
	for i, r := range school.Rankings {
		out[i] = option{Value: string(r), Label: L.T("ranking_option_"+string(r), "Count", school.NormaliseAfter)}
	}
	return out
}

// setRanking chooses which score ranks the edition's applications in the list and fill seats.
func (s *Server) setRanking(c *fiber.Ctx) error {
	e, err := s.pathEdition(c)
	if err != nil {
		return err
	}
	r := school.Ranking(c.FormValue("ranking"))
	if !slices.Contains(school.Rankings, r) {
		return fiber.NewError(fiber.StatusBadRequest, s.i18n.Translator(langOf(c)).T("ranking_invalid"))
	}
	if err := s.store.SetEditionRanking(c.UserContext(), e.ID, r, userActor(currentUser(c)), s.now()); err != nil {
		return err
	}
	return c.Redirect("/admin/editions/"+strconv.FormatInt(e.ID, 10)+"/fill", fiber.StatusSeeOther)
}

// stageFillSeats stages the edited proposal, all of it or none: the ticked ones accepted, the
// others onto the waiting list in the order shown, after those already waiting (rank 0, the
// end): they were told their ranks, and fill seats shows only the undecided.
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
	var batch []db.DecisionToStage
	for _, v := range args.PeekMulti("order") {
		appID, err := strconv.ParseInt(string(v), 10, 64)
		if err != nil {
			continue
		}
		decision := school.StatusWaitlisted
		if accept[appID] {
			decision = school.StatusAccepted
		}
		batch = append(batch, db.DecisionToStage{ApplicationID: appID, Decision: decision})
	}
	// All or none: an application of another edition or too few seats stages nothing.
	n, err := s.store.StageDecisions(c.UserContext(), e.ID, batch, currentUser(c).ID, s.now())
	if errors.Is(err, db.ErrNoSeat) {
		return fiber.NewError(fiber.StatusConflict, L.T("decision_no_seat", "Seats", e.Seats()))
	}
	if err != nil {
		return err
	}
	return c.Redirect("/admin/editions/"+strconv.FormatInt(e.ID, 10)+"/decisions?staged="+strconv.Itoa(n), fiber.StatusSeeOther)
}
