package app

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"registrar/app/school"
	"registrar/db"
)

type funnelStep struct {
	Label string
	N     int
}

type editionDashboard struct {
	User      school.User
	Edition   db.EditionSummary
	Funnel    []funnelStep
	SeatsLeft int
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
	L := s.i18n.Translator(langOf(c))
	n := sum.Counts
	offered := n[school.StatusAccepted] + n[school.StatusConfirmed] + n[school.StatusDeclined] +
		n[school.StatusExpired] + n[school.StatusAttended] + n[school.StatusNoShow]
	data := editionDashboard{User: currentUser(c), Edition: sum,
		SeatsLeft: max(0, e.Seats()-sum.SeatsTaken()), DaysLeft: e.DaysLeft(s.now()), Window: e.WindowAt(s.now()),
		Funnel: []funnelStep{
			{L.T("funnel_submitted"), sum.Total},
			{L.T("funnel_reviewed"), stats.Reviewed},
			{L.T("funnel_offered"), offered},
			{L.T("funnel_confirmed"), n[school.StatusConfirmed] + n[school.StatusAttended] + n[school.StatusNoShow]},
			{L.T("status_waitlisted"), n[school.StatusWaitlisted]},
			{L.T("status_rejected"), n[school.StatusRejected]},
			{L.T("status_withdrawn"), n[school.StatusWithdrawn]},
		}}
	u := currentUser(c)
	if u.Role != school.RoleReviewer {
		data.CanIssue, data.Attended, data.NoSignatory = true, n[school.StatusAttended], e.SignatoryName == ""
		if data.ToCertify, err = s.store.CertificatesToIssue(ctx, e.ID); err != nil {
			return err
		}
		if issued, err := strconv.Atoi(c.Query("issued")); err == nil && issued >= 0 {
			data.IssuedNotice = L.N("certificates_issued", issued)
		}
	}
	if !blind(u, e) {
		data.Charts = append(data.Charts,
			newChart(L.T("chart_countries"), stats.ByNationality, func(k string) string { return s.countries.name(L.Lang, k) }, 15),
			newChart(L.T("chart_regions"), byRegion(stats.ByNationality, L.Lang), func(k string) string { return k }, 0),
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
	data.Timeline = newTimeline(L.T("chart_over_time"), stats.ByDay, L)
	return s.renderPage(c, "admin/edition", s.newPage(c, e.Title(L.Lang), "admin", data))
}

type dashboardPage struct {
	User     school.User
	Editions []db.EditionSummary
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
	return s.renderPage(c, "admin/dashboard", s.newPage(c, L.T("admin_title"), "admin",
		dashboardPage{User: currentUser(c), Editions: editions}))
}
