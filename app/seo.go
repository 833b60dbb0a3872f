package app

import (
	"encoding/xml"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"registrar/app/i18n"
	"registrar/app/school"
)

// How the public site is found by search engines and shown in link previews: a page's public
// address and description (the layout's head), an edition's schema.org Event, the sitemap and
// robots.txt.

// privatePrefixes are the addresses of applicants', referees' and staff's pages: marked noindex, kept out of
// the sitemap and disallowed in robots.txt.
var privatePrefixes = []string{"/admin", "/status", "/verify", "/referee", "/drafts"}

// applicationSent is the end of the address of the page after an application was sent.
const applicationSent = "/apply/sent"

// indexable reports whether the page at path is the public's, for search engines to find.
func indexable(path string) bool {
	for _, p := range privatePrefixes {
		if path == p || strings.HasPrefix(path, p+"/") {
			return false
		}
	}
	return !strings.HasSuffix(path, applicationSent)
}

// ogLocales are the Open Graph locales of the interface languages.
var ogLocales = map[string]string{"en": "en_GB", "cs": "cs_CZ"}

// publicAddress is the page at path's public address, nil when it is not indexable. A public
// page is addressed with its language in the query, so that each language has its own address.
func (s *Server) publicAddress(path, lang string) *publicAddress {
	if !indexable(path) {
		return nil
	}
	at := s.cfg.BaseURL + path
	a := &publicAddress{EN: at + "?lang=en", CS: at + "?lang=cs", Default: at,
		Locale: ogLocales["en"], OtherLocale: ogLocales["cs"]}
	a.URL = a.EN
	if lang == "cs" {
		a.URL, a.Locale, a.OtherLocale = a.CS, ogLocales["cs"], ogLocales["en"]
	}
	return a
}

// descriptionLength is how long a page's description gets, in characters: about what a search
// engine shows of it.
const descriptionLength = 200

// describe joins the parts of a page's description that are not empty and shortens the result
// at a word to descriptionLength characters.
func describe(parts ...string) string {
	var kept []string
	for _, p := range parts {
		if p = strings.Join(strings.Fields(p), " "); p != "" {
			if !strings.HasSuffix(p, ".") {
				p += "."
			}
			kept = append(kept, p)
		}
	}
	text := strings.Join(kept, " ")
	if r := []rune(text); len(r) > descriptionLength {
		cut := string(r[:descriptionLength])
		if i := strings.LastIndexByte(cut, ' '); i > 0 {
			cut = cut[:i]
		}
		text = strings.TrimRight(cut, " ,;:.–-") + "…"
	}
	return text
}

// editionDescription is an edition page's description: its theme, when and where, and the start
// of its description.
func editionDescription(e school.Edition, L *i18n.Translator) string {
	return describe(e.Theme(L.Lang), L.DateRange(e.StartsOn, e.EndsOn)+", "+e.CityIn(L.Lang),
		school.PlainText(e.Description(L.Lang)))
}

// schema.org's Event as JSON-LD, for an edition page. Only the parts Registrar knows.
type (
	eventLD struct {
		Context             string         `json:"@context"`
		Type                string         `json:"@type"`
		Name                string         `json:"name"`
		Description         string         `json:"description,omitempty"`
		StartDate           string         `json:"startDate"`
		EndDate             string         `json:"endDate"`
		EventStatus         string         `json:"eventStatus"`
		EventAttendanceMode string         `json:"eventAttendanceMode"`
		Location            any            `json:"location"`
		Organizer           organizationLD `json:"organizer"`
		Offers              *offerLD       `json:"offers,omitempty"`
		InLanguage          string         `json:"inLanguage,omitempty"`
		URL                 string         `json:"url"`
	}
	placeLD struct {
		Type    string          `json:"@type"`
		Name    string          `json:"name,omitempty"`
		Address postalAddressLD `json:"address"`
	}
	postalAddressLD struct {
		Type            string `json:"@type"`
		AddressLocality string `json:"addressLocality"`
	}
	virtualLocationLD struct {
		Type string `json:"@type"`
		URL  string `json:"url"`
	}
	organizationLD struct {
		Type string `json:"@type"`
		Name string `json:"name"`
		URL  string `json:"url"`
	}
	offerLD struct {
		Type          string `json:"@type"`
		Price         string `json:"price"`
		PriceCurrency string `json:"priceCurrency"`
		Availability  string `json:"availability"`
		ValidFrom     string `json:"validFrom"`
		ValidThrough  string `json:"validThrough"`
		URL           string `json:"url"`
	}
)

// attendanceModes are schema.org's names of the ways to attend.
var attendanceModes = map[school.Mode]string{
	school.ModeInPerson: "https://schema.org/OfflineEventAttendanceMode",
	school.ModeOnline:   "https://schema.org/OnlineEventAttendanceMode",
	school.ModeHybrid:   "https://schema.org/MixedEventAttendanceMode",
}

// availabilities say, in schema.org's words, whether one can apply; a call that closed offers
// nothing.
var availabilities = map[school.Window]string{
	school.WindowNotYet: "https://schema.org/PreOrder",
	school.WindowOpen:   "https://schema.org/InStock",
}

// editionEvent describes an edition as a schema.org Event. The template puts it in a JSON-LD
// script, where html/template marshals it with encoding/json and escapes it for a script, so no
// title can end the script. It starts and ends at the programme's first and last sessions when
// the programme has them on the first and last days, and on the days (without a time) otherwise.
func (s *Server) editionEvent(e school.Edition, sessions []school.Session, L *i18n.Translator, now time.Time) eventLD {
	page := s.cfg.BaseURL + "/editions/" + e.Slug
	ev := eventLD{
		Context: "https://schema.org", Type: "Event",
		Name:                e.Title(L.Lang),
		Description:         school.PlainText(e.Description(L.Lang)),
		StartDate:           e.StartsOn.Format(time.DateOnly),
		EndDate:             e.EndsOn.Format(time.DateOnly),
		EventStatus:         "https://schema.org/EventScheduled",
		EventAttendanceMode: attendanceModes[e.Mode],
		Organizer:           organizationLD{Type: "Organization", Name: L.T("site_name"), URL: s.cfg.BaseURL},
		InLanguage:          e.Language,
		URL:                 page,
	}
	if ev.Description == "" {
		ev.Description = e.Theme(L.Lang)
	}
	if ev.EventAttendanceMode == "" {
		ev.EventAttendanceMode = attendanceModes[school.ModeInPerson]
	}
	var first, last string
	for _, ps := range sessions {
		if ps.Day.Equal(e.StartsOn) && (first == "" || ps.StartsAt < first) {
			first = ps.StartsAt
		}
		if ps.Day.Equal(e.EndsOn) && ps.EndsAt > last {
			last = ps.EndsAt
		}
	}
	if at, ok := inPrague(e.StartsOn, first); ok {
		ev.StartDate = at
	}
	if at, ok := inPrague(e.EndsOn, last); ok {
		ev.EndDate = at
	}
	place := placeLD{Type: "Place", Name: e.VenueIn(L.Lang),
		Address: postalAddressLD{Type: "PostalAddress", AddressLocality: e.CityIn(L.Lang)}}
	online := virtualLocationLD{Type: "VirtualLocation", URL: page}
	switch e.Mode {
	case school.ModeOnline:
		ev.Location = online
	case school.ModeHybrid:
		ev.Location = []any{place, online}
	default:
		ev.Location = place
	}
	if availability, ok := availabilities[e.WindowAt(now)]; ok {
		ev.Offers = &offerLD{Type: "Offer",
			Price:         fmt.Sprintf("%d.%02d", e.FeeCents/100, e.FeeCents%100),
			PriceCurrency: e.Currency,
			Availability:  availability,
			ValidFrom:     e.OpensAt.In(school.Prague).Format(time.RFC3339),
			ValidThrough:  e.ClosesAt.In(school.Prague).Format(time.RFC3339),
			URL:           page + "/apply",
		}
	}
	return ev
}

// inPrague is a day (midnight UTC) at a Prague wall-clock time "15:04", with Prague's offset.
func inPrague(day time.Time, clock string) (string, bool) {
	t, err := time.Parse("15:04", clock)
	if err != nil {
		return "", false
	}
	at := time.Date(day.Year(), day.Month(), day.Day(), t.Hour(), t.Minute(), 0, 0, school.Prague)
	return at.Format(time.RFC3339), true
}

// sitemapURLSet is a sitemap (sitemaps.org 0.9).
type sitemapURLSet struct {
	XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod"`
}

// showSitemap lists the public catalogue's pages in both languages: the home page, the editions,
// the archive and the alumni, changed when the last edition was, then every public edition and
// lecturer.
func (s *Server) showSitemap(c *fiber.Ctx) error {
	pages, err := s.store.PublicPages(c.UserContext())
	if err != nil {
		return err
	}
	var latest time.Time
	for _, p := range pages {
		if p.Changed.After(latest) {
			latest = p.Changed
		}
	}
	if latest.IsZero() {
		// Nothing public yet: the fixed pages are as new as today.
		latest = s.now()
	}
	var set sitemapURLSet
	add := func(path string, changed time.Time) {
		for _, lang := range []string{"en", "cs"} {
			set.URLs = append(set.URLs, sitemapURL{Loc: s.cfg.BaseURL + path + "?lang=" + lang,
				LastMod: changed.Format(time.DateOnly)})
		}
	}
	for _, path := range []string{"/", "/editions", "/archive", "/alumni", "/privacy", "/accessibility"} {
		add(path, latest)
	}
	for _, p := range pages {
		add(p.Path, p.Changed)
		if slug, ok := strings.CutPrefix(p.Path, "/editions/"); ok && !strings.Contains(slug, "/") {
			add(p.Path+"/privacy", p.Changed)
		}
	}
	body, err := xml.MarshalIndent(set, "", "  ")
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationXMLCharsetUTF8)
	return c.Send(append([]byte(xml.Header), body...))
}

// showRobots lets crawlers into the public site and points them to the sitemap. The application
// form's address is both its page and where it is sent, so only the page after sending is kept out.
func (s *Server) showRobots(c *fiber.Ctx) error {
	var b strings.Builder
	b.WriteString("User-agent: *\nAllow: /\n")
	for _, p := range slices.Concat(privatePrefixes, []string{"/editions/*" + applicationSent}) {
		b.WriteString("Disallow: " + p + "\n")
	}
	b.WriteString("\nSitemap: " + s.cfg.BaseURL + "/sitemap.xml\n")
	c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
	return c.SendString(b.String())
}
