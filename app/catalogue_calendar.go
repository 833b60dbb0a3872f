package app

import (
	"net/url"

	ics "github.com/arran4/golang-ical"
	"github.com/gofiber/fiber/v2"

	"registrar/app/school"
)

// editionCalendar serves one edition as an iCalendar file.
func (s *Server) editionCalendar(c *fiber.Ctx) error {
	e, err := s.store.PublicEdition(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	return s.sendCalendar(c, e.Slug+".ics", []school.Edition{e})
}

// upcomingCalendar is a feed of every edition that has not ended, to subscribe to.
func (s *Server) upcomingCalendar(c *fiber.Ctx) error {
	editions, err := s.store.UpcomingEditions(c.UserContext(), today(s.now()))
	if err != nil {
		return err
	}
	return s.sendCalendar(c, "registrar.ics", editions)
}

func (s *Server) sendCalendar(c *fiber.Ctx, filename string, editions []school.Edition) error {
	lang := langOf(c)
	L := s.i18n.Translator(lang)
	cal := ics.NewCalendarFor("Registrar")
	cal.SetMethod(ics.MethodPublish)
	cal.SetName(L.T("calendar_name"))
	cal.SetXWRCalName(L.T("calendar_name"))
	host := "registrar"
	if u, err := url.Parse(s.cfg.BaseURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	for _, e := range editions {
		ev := cal.AddEvent(e.Slug + "@" + host)
		ev.SetDtStampTime(e.UpdatedAt)
		ev.SetSummary(e.Title(lang))
		ev.SetAllDayStartAt(e.StartsOn)
		ev.SetAllDayEndAt(e.EndsOn.AddDate(0, 0, 1)) // DTEND of an all-day event is exclusive
		ev.SetLocation(e.Place(lang))
		ev.SetURL(s.cfg.BaseURL + "/editions/" + e.Slug)
		ev.SetDescription(e.Theme(lang))
	}
	c.Set(fiber.HeaderContentType, "text/calendar; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `inline; filename="`+filename+`"`)
	// RFC 5545 lines end in CRLF.
	return c.SendString(cal.Serialize(ics.WithNewLineWindows))
}
