package app

import (
	"cmp"
	"html/template"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"registrar/app/school"
	"registrar/db"
)

// editionCard is an edition as the lists show it, with what depends on the moment of viewing.
type editionCard struct {
	school.Edition
	Window   school.Window
	DaysLeft int
}

func (s *Server) cards(editions []school.Edition, now time.Time) []editionCard {
	cards := make([]editionCard, len(editions))
	for i, e := range editions {
		cards[i] = editionCard{Edition: e, Window: e.WindowAt(now), DaysLeft: e.DaysLeft(now)}
	}
	return cards
}

// today is the current date in Prague, as the store keeps dates.
func today(now time.Time) time.Time {
	y, m, d := now.In(school.Prague).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

type homePage struct {
	OpenCalls []editionCard
	Upcoming  []editionCard
	Recent    []editionCard
}

func (s *Server) showHome(c *fiber.Ctx) error {
	ctx, now := c.UserContext(), s.now()
	open, err := s.store.OpenCalls(ctx, now)
	if err != nil {
		return err
	}
	upcoming, err := s.store.UpcomingEditions(ctx, today(now))
	if err != nil {
		return err
	}
	recent, err := s.store.PastEditions(ctx, today(now), 6)
	if err != nil {
		return err
	}
	// An edition with an open call is shown once, under open calls.
	upcoming = slices.DeleteFunc(upcoming, func(e school.Edition) bool {
		return e.WindowAt(now) == school.WindowOpen
	})
	data := homePage{OpenCalls: s.cards(open, now), Upcoming: s.cards(upcoming, now), Recent: s.cards(recent, now)}
	p := s.newPage(c, "", "home", data)
	p.Title, p.Description = p.L.T("home_title"), p.L.T("meta_home")
	return s.renderPage(c, "catalogue/home", p)
}

type editionsPage struct {
	Editions []editionCard
	Kinds    []school.Kind
	Years    []int
	Kind     string
	Year     int
}

func (s *Server) listEditions(c *fiber.Ctx) error {
	ctx, now := c.UserContext(), s.now()
	L := s.i18n.Translator(langOf(c))
	var f db.EditionFilter
	if kind := c.Query("kind"); kind != "" {
		if !school.ValidKind(kind) {
			return badRequest(L.T("error_bad_kind"))
		}
		f.Kind = school.Kind(kind)
	}
	if year := c.Query("year"); year != "" {
		y, err := strconv.Atoi(year)
		if err != nil || y < 1900 || y > 3000 {
			return badRequest(L.T("error_bad_year"))
		}
		f.Year = y
	}
	editions, err := s.store.PublicEditions(ctx, f)
	if err != nil {
		return err
	}
	years, err := s.store.EditionYears(ctx)
	if err != nil {
		return err
	}
	data := editionsPage{Editions: s.cards(editions, now), Kinds: school.Kinds, Years: years,
		Kind: string(f.Kind), Year: f.Year}
	p := s.newPage(c, L.T("editions_title"), "editions", data)
	p.Description = L.T("meta_editions")
	return s.renderPage(c, "catalogue/editions", p)
}

type editionPage struct {
	editionCard
	Description template.HTML
	Event       eventLD // for search engines
	Programme   []school.ProgrammeDay
	// Sessions' descriptions in the reader's language, as sanitised HTML, by session id.
	Sessions  map[int64]template.HTML
	Documents []school.Document
	Alumni    int // listed in the alumni directory, once the edition has ended
	// Participants attended, once the edition has ended; zero when no applications were kept.
	Participants int
}

func (s *Server) showEdition(c *fiber.Ctx) error {
	ctx, now := c.UserContext(), s.now()
	e, err := s.store.PublicEdition(ctx, c.Params("slug"))
	if err != nil {
		return err
	}
	sessions, err := s.store.Programme(ctx, e.ID)
	if err != nil {
		return err
	}
	docs, err := s.store.PublicDocuments(ctx, e.ID)
	if err != nil {
		return err
	}
	lang := langOf(c)
	data := editionPage{
		editionCard: s.cards([]school.Edition{e}, now)[0],
		Description: s.markdown.render(e.Description(lang)),
		Programme:   school.GroupByDay(sessions),
		Documents:   docs,
		Sessions:    map[int64]template.HTML{},
	}
	for _, ps := range sessions {
		if d := ps.Description(lang); d != "" {
			data.Sessions[ps.ID] = s.markdown.render(d)
		}
	}
	if e.IsPast(now) {
		if data.Alumni, err = s.store.EditionAlumniCount(ctx, e.ID, today(now)); err != nil {
			return err
		}
		if data.Participants, err = s.store.EditionParticipants(ctx, e.ID); err != nil {
			return err
		}
	}
	p := s.newPage(c, e.Title(lang), "editions", data)
	p.Description = editionDescription(e, p.L)
	data.Event = s.editionEvent(e, sessions, p.L, now)
	p.Data = data
	if p.Contact, err = s.editionContact(ctx, e.ID); err != nil {
		return err
	}
	return s.renderPage(c, "catalogue/edition", p)
}

// archiveYear groups the past editions of one year.
type archiveYear struct {
	Year     int
	Editions []school.Edition
}

func (s *Server) showArchive(c *fiber.Ctx) error {
	past, err := s.store.PastEditions(c.UserContext(), today(s.now()), 0)
	if err != nil {
		return err
	}
	// Newest year first; within a year, by series, so a year's school and conference sit together.
	var years []archiveYear
	for _, e := range past {
		if n := len(years); n == 0 || years[n-1].Year != e.Year {
			years = append(years, archiveYear{Year: e.Year})
		}
		years[len(years)-1].Editions = append(years[len(years)-1].Editions, e)
	}
	for _, y := range years {
		slices.SortStableFunc(y.Editions, func(a, b school.Edition) int {
			return cmp.Compare(a.SeriesID, b.SeriesID)
		})
	}
	p := s.newPage(c, "", "archive", years)
	p.Title, p.Description = p.L.T("archive_title"), p.L.T("meta_archive")
	return s.renderPage(c, "catalogue/archive", p)
}

type lecturerPage struct {
	Lecturer school.Lecturer
	Taught   []school.TaughtSession
}

func (s *Server) showLecturer(c *fiber.Ctx) error {
	ctx := c.UserContext()
	l, err := s.store.Lecturer(ctx, c.Params("slug"))
	if err != nil {
		return err
	}
	taught, err := s.store.SessionsByLecturer(ctx, l.ID)
	if err != nil {
		return err
	}
	p := s.newPage(c, l.Name, "", lecturerPage{Lecturer: l, Taught: taught})
	who := l.Name
	if l.Affiliation != "" {
		who += ", " + l.Affiliation
	}
	p.Description = describe(who, school.PlainText(l.Bio(p.L.Lang)))
	return s.renderPage(c, "catalogue/lecturer", p)
}

// maxQueryLength bounds what a search may ask for; the rest of a longer query is ignored.
const maxQueryLength = 200

type searchPage struct {
	Query string
	Hits  []db.SearchHit
}

func (s *Server) searchCatalogue(c *fiber.Ctx) error {
	// Invalid UTF-8 would be echoed into the page as is.
	q := strings.TrimSpace(strings.ToValidUTF8(c.Query("q"), ""))
	if r := []rune(q); len(r) > maxQueryLength {
		q = string(r[:maxQueryLength])
	}
	hits, err := s.store.Search(c.UserContext(), q, langOf(c), 30)
	if err != nil {
		return err
	}
	p := s.newPage(c, "", "search", searchPage{Query: q, Hits: hits})
	p.Title, p.Description = p.L.T("search_title"), p.L.T("meta_search")
	p.NoIndex = q != "" // results change with the catalogue; the pages they link to are indexed
	return s.renderPage(c, "catalogue/search", p)
}

// markMatches is the text for HTML, each part that matched the search in a <mark> element. The
// store returns plain text and byte ranges; out-of-order or out-of-range ones are left unmarked.
func markMatches(m db.MatchedText) template.HTML {
	var b strings.Builder
	at := 0
	for _, r := range m.Matches {
		if r.Start < at || r.End <= r.Start || r.End > len(m.Text) {
			continue
		}
		b.WriteString(template.HTMLEscapeString(m.Text[at:r.Start]))
		b.WriteString("<mark>")
		b.WriteString(template.HTMLEscapeString(m.Text[r.Start:r.End]))
		b.WriteString("</mark>")
		at = r.End
	}
	b.WriteString(template.HTMLEscapeString(m.Text[at:]))
	return template.HTML(b.String()) // #nosec G203 -- every piece of text is escaped; only <mark> is ours
}
