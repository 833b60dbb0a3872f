package app

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"registrar/app/i18n"
	"registrar/app/school"
	"registrar/db"
)

// seatsLine says how an edition's seats are taken: "12 / 45" while it runs; once it has ended,
// who attended and who confirmed ("40 attended · 42 confirmed of 45 seats"), or that the archive
// kept no applications of it, never "0 / 45" for an edition that had participants.
func seatsLine(L *i18n.Translator, e db.EditionSummary, now time.Time) string {
	switch {
	case !e.IsPast(now) && e.Status != school.EditionArchived:
		return strconv.Itoa(e.SeatsTaken()) + " / " + strconv.Itoa(e.Seats())
	case e.Total == 0 && e.Seats() > 0:
		return L.T("seats_ended_unknown", "Seats", e.Seats())
	case e.Total == 0:
		return L.T("seats_ended_unknown_no_seats")
	case e.Seats() > 0:
		return L.T("seats_ended", "Attended", e.Attended(), "Confirmed", e.Confirmed(), "Seats", e.Seats())
	}
	return L.T("seats_ended_no_seats", "Attended", e.Attended(), "Confirmed", e.Confirmed())
}

// funnelStep is one number of the dashboard's funnel, in the words of the application list's
// filter that lists exactly those applications, and that list's address.
type funnelStep struct {
	Label string
	N     int
	URL   string
}

type editionDashboard struct {
	User      school.User
	Edition   db.EditionSummary
	Funnel    []funnelStep // how far applications came
	Standing  []funnelStep // where they stand now, one step a status
	SeatsLeft int
	// Ended editions show who attended instead of the seats left; SeatsLine is seatsLine.
	Ended     bool
	SeatsLine string
	DaysLeft  int
	Window    school.Window
	Charts    []chart
	Timeline  timeline
	// Certificates of attendance, for organisers: how many participants await one.
	CanIssue     bool
	Attended     int
	ToCertify    int
	NoSignatory  bool
	IssuedNotice string
	Drafts       int // forms saved for later and not sent: counted, never shown
	// FollowUps counts, for organisers, who owes follow-up answers; nil when none are asked.
	FollowUps *followUpCount
}

// showEditionDashboard gives an edition's funnel, seats and charts of who applied.
func (s *Server) showEditionDashboard(c *fiber.Ctx) error {
	e, err := s.pathEdition(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	sum, err := s.store.EditionSummary(ctx, e.ID)
	if err != nil {
		return err
	}
	stats, err := s.store.EditionStatistics(ctx, e.ID, e.RequiredReviews)
	if err != nil {
		return err
	}
	drafts, err := s.store.EditionDrafts(ctx, e.ID)
	if err != nil {
		return err
	}
	L := s.i18n.Translator(langOf(c))
	n := sum.Counts
	list := "/admin/editions/" + strconv.FormatInt(e.ID, 10) + "/applications"
	data := editionDashboard{User: currentUser(c), Edition: sum,
		SeatsLeft: max(0, e.Seats()-sum.SeatsTaken()), DaysLeft: e.DaysLeft(s.now()), Window: e.WindowAt(s.now()),
		Ended: e.IsPast(s.now()) || e.Status == school.EditionArchived, SeatsLine: seatsLine(L, sum, s.now()),
		Drafts: drafts.Drafts,
		Funnel: []funnelStep{
			{L.T("funnel_submitted"), sum.Total, list},
			{L.T("admin_reviewed_yes"), stats.Reviewed, list + "?reviewed=yes"},
			{L.T("funnel_offers_made"), stats.OffersMade, list + "?offered=yes"},
		}}
	for _, st := range school.Statuses {
		data.Standing = append(data.Standing, funnelStep{L.T("status_" + string(st)), n[st], list + "?status=" + string(st)})
	}
	u := currentUser(c)
	if u.Role != school.RoleReviewer {
		data.CanIssue, data.Attended, data.NoSignatory = true, n[school.StatusAttended], e.SignatoryName == ""
		if data.ToCertify, err = s.store.CertificatesToIssue(ctx, e.ID); err != nil {
			return err
		}
		if issued, err := strconv.Atoi(c.Query("issued")); err == nil && issued >= 0 {
			data.IssuedNotice = L.N("certificates_issued", issued)
		}
		if data.FollowUps, err = s.dashboardFollowUps(ctx, e); err != nil {
			return err
		}
	}
	// Even counted, a detail may point at the one applicant who has it.
	shown := school.VisibilityFor(e, u.Role)
	if shown.Visible(school.IdentNationality) {
		data.Charts = append(data.Charts,
			newChart(L.T("chart_countries"), stats.ByNationality, func(k string) string { return s.countries.name(L.Lang, k) }, 15),
			newChart(L.T("chart_regions"), byRegion(stats.ByNationality, L.Lang), func(k string) string { return k }, 0))
	}
	if shown.Visible(school.IdentGender) {
		data.Charts = append(data.Charts,
			newChart(L.T("chart_gender"), stats.ByGender, func(k string) string {
				if k == "" {
					return L.T("chart_not_given")
				}
				return L.T("gender_" + k)
			}, 0))
	}
	data.Charts = append(data.Charts, newChart(L.T("chart_sectors"), stats.BySector, func(k string) string {
		if k == "" {
			return L.T("chart_not_given")
		}
		return L.T("sector_" + k)
	}, 0))
	data.Timeline = newTimeline(L.T("chart_over_time"), stats.ByHour, L)
	return s.renderPage(c, "admin/edition", s.newPage(c, e.Title(L.Lang), "admin", data))
}

type dashboardPage struct {
	User     school.User
	Editions []db.EditionSummary
	Seats    map[int64]string // seatsLine of each edition, by id
}

func (s *Server) showDashboard(c *fiber.Ctx) error {
	scope, err := s.editionScope(c)
	if err != nil {
		return err
	}
	editions, err := s.store.EditionSummaries(c.UserContext(), scope)
	if err != nil {
		return err
	}
	L := s.i18n.Translator(langOf(c))
	seats := make(map[int64]string, len(editions))
	for _, e := range editions {
		seats[e.ID] = seatsLine(L, e, s.now())
	}
	return s.renderPage(c, "admin/dashboard", s.newPage(c, L.T("admin_title"), "admin",
		dashboardPage{User: currentUser(c), Editions: editions, Seats: seats}))
}
