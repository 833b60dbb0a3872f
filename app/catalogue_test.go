package app

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"registrar/app/school"
	"registrar/db"
)

// The demo placed relative to demoNow (27 November 2026): the Summer School 2027 takes
// applications from 28 October 2026 to 11 January 2027, 23:59 Prague time (22:59 UTC); the Winter
// School 2027 opens its call on 17 December 2026.
const (
	openSummer   = "summer-school-2027"
	futureWinter = "winter-school-2027"
)

var summerClosesAt = time.Date(2027, 1, 11, 22, 59, 0, 0, time.UTC)

// catLacks fails the test for every unwanted piece of HTML the page contains.
func catLacks(t testing.TB, body string, unwanted ...string) {
	t.Helper()
	for _, u := range unwanted {
		if strings.Contains(body, u) {
			t.Errorf("the page contains %q", u)
		}
	}
}

// catStatus fails the test unless the answer has the wanted status.
func catStatus(t testing.TB, resp *http.Response, want int) {
	t.Helper()
	if resp.StatusCode != want {
		t.Fatalf("status %d, want %d", resp.StatusCode, want)
	}
}

// catLink is how lists link to an edition.
func catLink(slug string) string { return `href="/editions/` + slug + `"` }

// catPart is the part of body after the first from and before the first to that follows it.
func catPart(t testing.TB, body, from, to string) string {
	t.Helper()
	i := strings.Index(body, from)
	if i < 0 {
		t.Fatalf("the page has no %q", from)
	}
	rest := body[i+len(from):]
	j := strings.Index(rest, to)
	if j < 0 {
		t.Fatalf("the page has no %q after %q", to, from)
	}
	return rest[:j]
}

// catAddEdition stores a published edition in the demo's summer school series, as an organiser
// would, filling in what e leaves empty.
func catAddEdition(t testing.TB, ts *testServer, e school.Edition) {
	t.Helper()
	ctx := context.Background()
	series, err := ts.store.PublicEdition(ctx, "summer-school-2016")
	if err != nil {
		t.Fatal(err)
	}
	e.SeriesID = series.SeriesID
	if e.Kind == "" {
		e.Kind = school.KindSeminar
	}
	if e.StartsOn.IsZero() {
		e.StartsOn = time.Date(2028, 3, 1, 0, 0, 0, 0, time.UTC)
		e.EndsOn = e.StartsOn.AddDate(0, 0, 1)
	}
	e.Year = e.StartsOn.Year()
	if e.Mode == "" {
		e.Mode = school.ModeInPerson
	}
	if e.Language == "" {
		e.Language = "en"
	}
	if e.Currency == "" {
		e.Currency = "EUR"
	}
	if e.Admission == "" {
		e.Admission = school.AdmissionOpen
	}
	if e.Status == "" {
		e.Status = school.EditionPublished
	}
	if e.OfferDays == 0 {
		e.OfferDays = 7
	}
	if _, err := ts.store.CreateEdition(ctx, e); err != nil {
		t.Fatal(err)
	}
}

func TestEveryPublicPageAnswers(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	archiveYears := []string{}
	for y := 2009; y <= 2021; y++ {
		archiveYears = append(archiveYears, fmt.Sprintf(`<h2 id="year-%d">%d</h2>`, y, y))
	}
	archiveYears = append(archiveYears, `<h2 id="year-2023">2023</h2>`, `<h2 id="year-2001">2001</h2>`)
	tests := []struct {
		name    string
		url     string
		want    []string
		notWant []string
	}{
		{"home lists the school", "/", []string{"<h1>School of Migration Studies</h1>", "Open calls",
			"Upcoming editions", "Recent editions", catLink(openSummer)}, nil},
		{"editions lists every public edition", "/editions", []string{"<h1>Editions</h1>", "20 editions",
			catLink("summer-school-2009"), catLink("seminar-2001-counter-trafficking"),
			catLink(openSummer), catLink(futureWinter)}, nil},
		{"editions filtered by kind shows only conferences", "/editions?kind=conference",
			[]string{"3 editions", "Challenges of Integration", "Integration in Schools",
				`<option value="conference" selected>`},
			[]string{catLink("summer-school-2016"), catLink(openSummer)}},
		{"editions filtered by year shows only that year", "/editions?year=2016",
			[]string{"1 edition<", catLink("summer-school-2016"), `<option value="2016" selected>`},
			[]string{catLink("summer-school-2017"), catLink("summer-school-2015")}},
		{"editions filtered by kind and year", "/editions?kind=conference&year=2017",
			[]string{"1 edition<", catLink("conference-2017-challenges-of-integration")},
			[]string{catLink("conference-2018-integration-in-schools")}},
		{"a filter that matches nothing is an empty list", "/editions?kind=workshop",
			[]string{"0 editions"}, []string{`<article>`}},
		{"the 2016 edition shows its programme", "/editions/summer-school-2016", []string{
			"<h1>Summer School on Migration Studies 2016</h1>",
			"Refugees, trafficking and migration myths",
			"4–10 September 2016",
			"Charles University, Faculty of Science (GEOMIGRACE), Prague",
			"250" + "\u00a0" + "EUR",
			"<strong>100 participants from more than 50 countries</strong>",
			"<h3>5 September 2016</h3>",
			"10:00–11:30",
			"<strong>Migration Theories, Realities and Myths</strong>",
			`<a href="/lecturers/dusan-drbohlav">Prof. Dušan Drbohlav</a>, Charles University`,
			`<a href="/lecturers/amra-hodzic">Amra Hodžić</a>, IOM Sarajevo`,
			"Programme of the Summer School 2016",
			`href="/editions/summer-school-2016/calendar.ics"`,
		}, nil},
		{"the archive has every past year", "/archive", append(archiveYears, "<h1>Archive</h1>",
			catLink("summer-school-2016"), catLink("winter-school-2023")),
			[]string{`id="year-2022"`, `id="year-2027"`, catLink(openSummer)}},
		{"a lecturer page lists sessions from several years", "/lecturers/dusan-drbohlav", []string{
			"<h1>Prof. Dušan Drbohlav</h1>", "Charles University",
			"Migration Theories, Realities and Myths",
			"Summer School on Migration Studies 2016",
			"Summer School on Migration Studies 2019",
			"Summer School on Migration Studies 2021",
			"Summer School on Migration Studies 2027",
			`href="/editions/summer-school-2016#session-`,
		}, nil},
		{"search finds the 2016 lecture", "/search?q=myths", []string{"<h1>Search</h1>",
			`value="myths"`, "Realities and <mark>Myths</mark>", `href="/editions/summer-school-2016#session-`}, nil},
		{"an empty search shows the form only", "/search", []string{`<input type="search" id="q" name="q" value=""`},
			[]string{`role="status"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := ts.get(t, tt.url)
			catStatus(t, resp, http.StatusOK)
			if ct := resp.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			wantMarkup(t, body, `<html lang="en">`, "<main")
			wantMarkup(t, body, tt.want...)
			catLacks(t, body, tt.notWant...)
		})
	}
}

func TestHealthAnswersOKAsJSON(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	resp, body := ts.get(t, "/healthz")
	catStatus(t, resp, http.StatusOK)
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q, want JSON", ct)
	}
	var got struct{ Status string }
	if err := json.Unmarshal([]byte(body), &got); err != nil || got.Status != "ok" {
		t.Errorf("body %q, want status ok", body)
	}
}

func TestHealthReportsADatabaseThatIsGone(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ts.store.Close()
	resp, body := ts.get(t, "/healthz")
	catStatus(t, resp, http.StatusServiceUnavailable)
	wantMarkup(t, body, `"unavailable"`)
}

func TestServerErrorShowsAPageWithTheRequestID(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ts.store.Close()
	resp, body := ts.get(t, "/editions")
	catStatus(t, resp, http.StatusInternalServerError)
	id := resp.Header.Get("X-Request-Id")
	if id == "" {
		t.Fatal("no X-Request-Id header")
	}
	wantMarkup(t, body, `<html lang="en">`, "Something went wrong on our side", "<code>"+id+"</code>")
	catLacks(t, body, "sql:", "database is closed")
}

func TestHomeShowsOpenCallsThenUpcomingThenRecent(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	resp, body := ts.get(t, "/")
	catStatus(t, resp, http.StatusOK)
	open := catPart(t, body, `id="open-calls"`, `id="upcoming"`)
	upcoming := catPart(t, body, `id="upcoming"`, `id="recent"`)
	recent := catPart(t, body, `id="recent"`, "</main>")

	t.Run("open calls list the summer school with its deadline and days left", func(t *testing.T) {
		wantMarkup(t, open, catLink(openSummer), "Summer School on Migration Studies 2027",
			"Applications open", "Deadline:", "11 January 2027, 23:59 (Prague time, CET)", "46 days left")
		catLacks(t, open, catLink(futureWinter))
	})
	t.Run("upcoming lists the winter school and when its call opens", func(t *testing.T) {
		wantMarkup(t, upcoming, catLink(futureWinter), "Winter School on Migration Studies 2027",
			"17–19 February 2027", "Applications open on 17 December 2026, 00:00 (Prague time, CET).")
	})
	t.Run("an open call is not repeated under upcoming", func(t *testing.T) {
		catLacks(t, upcoming, catLink(openSummer))
	})
	t.Run("recent lists past editions, newest first", func(t *testing.T) {
		wantMarkup(t, recent, catLink("winter-school-2023"), catLink("summer-school-2021"), `href="/archive"`)
		catLacks(t, recent, catLink(openSummer), catLink(futureWinter), catLink("summer-school-2009"))
		if strings.Index(recent, catLink("winter-school-2023")) > strings.Index(recent, catLink("summer-school-2021")) {
			t.Error("2021 is listed before 2023")
		}
	})
}

func TestApplyButtonFollowsTheApplicationWindow(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	tests := []struct {
		name    string
		slug    string
		want    []string
		notWant []string
	}{
		{"an open call has an Apply button and the deadline", openSummer,
			[]string{`<a role="button" href="/editions/summer-school-2027/apply">Apply</a>`,
				"11 January 2027, 23:59 (Prague time, CET)", "46 days left",
				"28 October 2026, 00:00 (Prague time, CET) – 11 January 2027, 23:59 (Prague time, CET)"},
			[]string{"Applications closed on", "Applications open on"}},
		{"a call not yet open says when it opens", futureWinter,
			[]string{"Applications open on 17 December 2026, 00:00 (Prague time, CET)."},
			[]string{"/apply", ">Apply<", "Applications closed on"}},
		{"a past call says when it closed", "summer-school-2016",
			[]string{"Applications closed on 15 July 2016, 23:59 (Prague time, CEST)."},
			[]string{"/apply", ">Apply<", "Applications open on"}},
		{"an edition that took no applications says nothing of them", "seminar-2001-counter-trafficking",
			nil,
			[]string{"/apply", ">Apply<", "Applications open on", "Applications closed on", "Deadline"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := ts.get(t, "/editions/"+tt.slug)
			catStatus(t, resp, http.StatusOK)
			wantMarkup(t, body, tt.want...)
			// What a reader sees: the head's description for search engines names the form too.
			_, page, _ := strings.Cut(body, "</head>")
			catLacks(t, page, tt.notWant...)
		})
	}
}

func TestApplyButtonAtTheClosingMinute(t *testing.T) {
	t.Parallel()
	applyLink := `href="/editions/summer-school-2027/apply"`
	tests := []struct {
		name   string
		now    time.Time
		open   bool
		notice string
	}{
		{"at the closing minute the call is open", summerClosesAt, true, "1 day left"},
		{"59 seconds into the closing minute the call is still open", summerClosesAt.Add(59 * time.Second), true, "1 day left"},
		{"60 seconds after, the call is closed", summerClosesAt.Add(60 * time.Second), false,
			"Applications closed on 11 January 2027, 23:59 (Prague time, CET)."},
		{"a day after, the call is closed", summerClosesAt.Add(24 * time.Hour), false,
			"Applications closed on 11 January 2027, 23:59 (Prague time, CET)."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := tt.now
			ts := newTestServerAt(t, func() time.Time { return now })
			_, page := ts.get(t, "/editions/"+openSummer)
			_, home := ts.get(t, "/")
			openCalls := catPart(t, home, `id="open-calls"`, `id="upcoming"`)
			wantMarkup(t, page, tt.notice)
			if tt.open {
				wantMarkup(t, page, applyLink)
				wantMarkup(t, openCalls, catLink(openSummer))
			} else {
				catLacks(t, page, applyLink)
				catLacks(t, openCalls, catLink(openSummer))
			}
		})
	}
}

func TestUnknownAddressesAreNotFound(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	catAddEdition(t, ts, school.Edition{Slug: "draft-2028", TitleEN: "A draft nobody may see",
		Status: school.EditionDraft})
	tests := []struct {
		name, url, lang, heading string
	}{
		{"unknown path", "/no/such/page", "en", "Page not found"},
		{"unknown edition", "/editions/summer-school-1999", "en", "Page not found"},
		{"a draft edition is not public", "/editions/draft-2028", "en", "Page not found"},
		{"unknown edition calendar", "/editions/summer-school-1999/calendar.ics", "en", "Page not found"},
		{"unknown lecturer", "/lecturers/nobody-at-all", "en", "Page not found"},
		{"a path under an edition", "/editions/summer-school-2016/nothing", "en", "Page not found"},
		{"in Czech", "/no/such/page?lang=cs", "cs", "Stránka nenalezena"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := ts.get(t, tt.url)
			catStatus(t, resp, http.StatusNotFound)
			if ct := resp.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			wantMarkup(t, body, `<html lang="`+tt.lang+`">`, "<h1>"+tt.heading+"</h1>", `<a href="/">`)
			catLacks(t, body, "A draft nobody may see")
		})
	}
}

func TestMalformedFiltersAreABadRequestWithAMessage(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	year := "The year must be a number such as 2016."
	kind := "Unknown kind of edition. Choose one from the list."
	tests := []struct {
		name, query, message string
	}{
		{"a year that is not a number", "year=abc", year},
		{"a negative year", "year=-1", year},
		{"a year out of range", "year=99999", year},
		{"a year too big for an int", "year=99999999999999999999999", year},
		{"a year with spaces", "year=%202016", year},
		{"an unknown kind", "kind=bogus", kind},
		{"a kind with markup", "kind=%3Cscript%3Ealert(1)%3C/script%3E", kind},
		{"a kind in the wrong case", "kind=Conference", kind},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := ts.get(t, "/editions?"+tt.query)
			catStatus(t, resp, http.StatusBadRequest)
			wantMarkup(t, body, `<html lang="en">`, "That request could not be understood", tt.message)
			catLacks(t, body, "<script>alert")
		})
	}
	t.Run("the message is translated", func(t *testing.T) {
		resp, body := ts.get(t, "/editions?year=abc&lang=cs")
		catStatus(t, resp, http.StatusBadRequest)
		wantMarkup(t, body, `<html lang="cs">`)
		catLacks(t, body, year)
	})
}

func TestOddSearchesAndPagesNeverFail(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	tests := []struct {
		name, url string
	}{
		{"a lone quote", "/search?q=%22"},
		{"unbalanced quotes", "/search?q=%22integration"},
		{"a star", "/search?q=*"},
		{"a star after a word", "/search?q=integr*"},
		{"NEAR", "/search?q=NEAR("},
		{"NEAR with words", "/search?q=NEAR(migration%20integration,%202)"},
		{"OR alone", "/search?q=OR"},
		{"AND NOT", "/search?q=migration%20AND%20NOT%20integration"},
		{"a leading minus", "/search?q=-migration"},
		{"a column filter", "/search?q=a:b"},
		{"a column filter on a real column", "/search?q=title:migration"},
		{"a caret", "/search?q=%5Emigration"},
		{"brackets and plus", "/search?q=(%2B)%7B%7D"},
		{"only punctuation", "/search?q=!@%23$%25%5E%26*()"},
		{"a very long query", "/search?q=" + strings.Repeat("a", 5000)},
		{"many words", "/search?q=" + strings.Repeat("migration+", 500)},
		{"invalid UTF-8", "/search?q=%ff%fe"},
		{"a NUL byte", "/search?q=migr%00ation"},
		{"SQL", "/search?q=%27%3B%20DROP%20TABLE%20editions%3B--"},
		{"a negative page", "/search?q=migration&page=-1"},
		{"a page that is not a number", "/search?q=migration&page=abc"},
		{"a negative page on the editions list", "/editions?page=-1"},
		{"a repeated parameter", "/search?q=migration&q=integration"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := ts.get(t, tt.url)
			catStatus(t, resp, http.StatusOK)
			wantMarkup(t, body, "</html>")
		})
	}
	t.Run("the catalogue survives a query that looks like SQL", func(t *testing.T) {
		resp, _ := ts.get(t, "/editions/summer-school-2016")
		catStatus(t, resp, http.StatusOK)
	})
	t.Run("the page never echoes invalid UTF-8", func(t *testing.T) {
		_, body := ts.get(t, "/search?q=abc%ff%fe")
		if !catValidUTF8(body) {
			t.Error("the page is not valid UTF-8")
		}
	})
	t.Run("a long query is cut to what the form allows", func(t *testing.T) {
		_, body := ts.get(t, "/search?q="+strings.Repeat("b", 5000))
		m := regexp.MustCompile(`id="q" name="q" value="(b*)"`).FindStringSubmatch(body)
		if m == nil {
			t.Fatal("no search field holding the query")
		}
		if len(m[1]) != 200 {
			t.Errorf("the search field holds %d characters, want 200", len(m[1]))
		}
	})
}

func catValidUTF8(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }

func TestLanguageSwitchingAndFallback(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)

	t.Run("?lang=cs shows Czech and remembers it in a cookie", func(t *testing.T) {
		resp, body := ts.get(t, "/?lang=cs")
		catStatus(t, resp, http.StatusOK)
		wantMarkup(t, body, `<html lang="cs">`, "Otevřené výzvy", "Zbývá 46 dní",
			"11. ledna 2027, 23:59 (čas v Praze, SEČ)", `hreflang="en"`)
		if cl := resp.Header.Get("Content-Language"); cl != "cs" {
			t.Errorf("Content-Language %q", cl)
		}
		var found bool
		for _, c := range resp.Cookies() {
			if c.Name == "lang" {
				found = true
				if c.Value != "cs" || c.Path != "/" || c.MaxAge <= 0 {
					t.Errorf("cookie %+v, want lang=cs for / that lasts", c)
				}
			}
		}
		if !found {
			t.Error("no lang cookie")
		}
	})
	t.Run("a cached page still sets the cookie", func(t *testing.T) {
		ts.get(t, "/archive?lang=cs")
		resp, body := ts.get(t, "/archive?lang=cs")
		wantMarkup(t, body, `<html lang="cs">`)
		if !strings.Contains(resp.Header.Get("Set-Cookie"), "lang=cs") {
			t.Errorf("Set-Cookie %q on the second visit", resp.Header.Get("Set-Cookie"))
		}
	})

	tests := []struct {
		name    string
		url     string
		headers []string
		lang    string
		want    string
	}{
		{"the cookie keeps Czech on the next page", "/editions", []string{"Cookie", "lang=cs"}, "cs", "Ročníky"},
		{"the cookie wins over Accept-Language", "/", []string{"Cookie", "lang=cs", "Accept-Language", "en"}, "cs", "Otevřené výzvy"},
		{"?lang=en wins over the cookie", "/?lang=en", []string{"Cookie", "lang=cs"}, "en", "Open calls"},
		{"a first visit follows Accept-Language", "/", []string{"Accept-Language", "cs-CZ,cs;q=0.9"}, "cs", "Otevřené výzvy"},
		{"an unsupported language gives English", "/", []string{"Accept-Language", "de"}, "en", "Open calls"},
		{"no preference gives English", "/", nil, "en", "Open calls"},
		{"an unknown ?lang is ignored", "/?lang=xx", []string{"Accept-Language", "cs"}, "cs", "Otevřené výzvy"},
		{"a bad cookie is ignored", "/", []string{"Cookie", "lang=fr", "Accept-Language", "cs"}, "cs", "Otevřené výzvy"},
		{"the edition page in Czech", "/editions/summer-school-2016?lang=cs", nil, "cs", "Teorie, realita a mýty migrace"},
		{"Czech dates on the edition page", "/editions/summer-school-2016?lang=cs", nil, "cs", "4.–10. září 2016"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := ts.get(t, tt.url, tt.headers...)
			catStatus(t, resp, http.StatusOK)
			wantMarkup(t, body, `<html lang="`+tt.lang+`">`, tt.want)
		})
	}

	t.Run("the language switch keeps the address", func(t *testing.T) {
		_, body := ts.get(t, "/editions?kind=conference&year=2017")
		wantMarkup(t, body, `href="/editions?kind=conference&amp;year=2017&amp;lang=cs"`)
	})
}

func TestTitlesFallBackToTheOtherLanguage(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	catAddEdition(t, ts, school.Edition{Slug: "english-only-2028", TitleEN: "Only In English Seminar",
		DescriptionEN: "An English **description**."})
	catAddEdition(t, ts, school.Edition{Slug: "czech-only-2028", TitleCS: "Jen český seminář",
		DescriptionCS: "Český **popis**."})
	tests := []struct {
		name string
		url  string
		want []string
	}{
		{"no Czech title shows the English one in Czech", "/editions/english-only-2028?lang=cs",
			[]string{`<html lang="cs">`, "<h1>Only In English Seminar</h1>", "<strong>description</strong>"}},
		{"no English title shows the Czech one in English", "/editions/czech-only-2028?lang=en",
			[]string{`<html lang="en">`, "<h1>Jen český seminář</h1>", "<strong>popis</strong>"}},
		{"the Czech list falls back too", "/editions?year=2028&lang=cs",
			[]string{"Only In English Seminar", "Jen český seminář"}},
		{"the English list falls back too", "/editions?year=2028&lang=en",
			[]string{"Only In English Seminar", "Jen český seminář"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := ts.get(t, tt.url)
			catStatus(t, resp, http.StatusOK)
			wantMarkup(t, body, tt.want...)
		})
	}
}

func TestSearchMatchesPrefixesAndIgnoresAccents(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	tests := []struct {
		name string
		q    string
		want []string
	}{
		{"a prefix finds whole words", "integr", []string{
			catLink("conference-2017-challenges-of-integration"), "<mark>Integration</mark>"}},
		{"without accents finds česky", "cesky&lang=cs", []string{
			"Návštěva integračního centra", "<mark>česky</mark>"}},
		{"without accents finds Návštěva", "navsteva&lang=cs", []string{
			"<mark>Návštěva</mark> integračního centra"}},
		{"with accents too", "návštěva&lang=cs", []string{"<mark>Návštěva</mark> integračního centra"}},
		{"in English, the English text of what matched in Czech", "navsteva", []string{
			"Visit to an integration centre"}},
		{"case does not matter", "DRBOHLAV", []string{`href="/lecturers/dusan-drbohlav"`, "<mark>Drbohlav</mark>"}},
		{"several words must all match", "migration theories myths", []string{
			"<mark>Migration</mark> <mark>Theories</mark>, Realities and <mark>Myths</mark>"}},
		{"a lecturer by affiliation", "sarajevo", []string{`href="/lecturers/amra-hodzic"`}},
		{"a city", "kasperske", []string{catLink("seminar-2001-counter-trafficking")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, lang, _ := strings.Cut(tt.q, "&")
			resp, body := ts.get(t, "/search?q="+url.QueryEscape(q)+"&"+lang)
			catStatus(t, resp, http.StatusOK)
			wantMarkup(t, body, tt.want...)
			catLacks(t, body, "Nothing found", "Nic nenalezeno")
		})
	}
	t.Run("nothing found says so", func(t *testing.T) {
		_, body := ts.get(t, "/search?q=zzzyyyxxx")
		wantMarkup(t, body, "0 results", "Nothing found")
	})
}

// catHitLink finds the addresses of the search hits, best first.
var catHitLink = regexp.MustCompile(`<li><a class="hit-title" href="([^"]+)">`)

func catHits(t testing.TB, ts *testServer, q string) []string {
	t.Helper()
	resp, body := ts.get(t, "/search?q="+url.QueryEscape(q))
	catStatus(t, resp, http.StatusOK)
	hits := catPart(t, body, `<ol class="hits">`, `</ol>`)
	var links []string
	for _, m := range catHitLink.FindAllStringSubmatch(hits, -1) {
		links = append(links, m[1])
	}
	return links
}

func TestSearchRanksTitleMatchesFirst(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	tests := []struct {
		name  string
		q     string
		first string
	}{
		{"the edition whose title has the word", "expertise", "/editions/seminar-2001-counter-trafficking"},
		{"the edition named for schools", "schools", "/editions/conference-2018-integration-in-schools"},
		{"the session whose title has the words, above the edition that mentions them", "realities myths",
			"/editions/summer-school-2016#session-"},
		{"the lecturer by name", "drbohlav", "/lecturers/dusan-drbohlav"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits := catHits(t, ts, tt.q)
			if len(hits) == 0 || !strings.HasPrefix(hits[0], tt.first) {
				t.Errorf("hits %v, want %s first", hits, tt.first)
			}
		})
	}
	t.Run("every page appears once", func(t *testing.T) {
		seen := map[string]bool{}
		for _, h := range catHits(t, ts, "migration") {
			if seen[h] {
				t.Errorf("%s is listed twice", h)
			}
			seen[h] = true
		}
	})
}

func TestSearchEscapesWhatWasTyped(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	for _, q := range []string{`<script>alert(1)</script>`, `"><script>alert(1)</script>`,
		`<mark>migration</mark>`, `migration <img src=x onerror=alert(1)>`} {
		t.Run(q, func(t *testing.T) {
			resp, body := ts.get(t, "/search?q="+url.QueryEscape(q))
			catStatus(t, resp, http.StatusOK)
			catLacks(t, body, "<script>alert", "<img src=x", `value=""><script>`)
			wantMarkup(t, body, `id="q" name="q" value="`)
		})
	}
	t.Run("the query is shown back escaped", func(t *testing.T) {
		_, body := ts.get(t, "/search?q="+url.QueryEscape(`<b>"x"</b>`))
		wantMarkup(t, body, `value="&lt;b&gt;&#34;x&#34;&lt;/b&gt;"`)
	})
}

func TestMarkdownCannotInjectScript(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	catAddEdition(t, ts, school.Edition{Slug: "markdown-2028", TitleEN: "Markdown test",
		DescriptionEN: "Some **bold** text.\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))\n\n" +
			"<img src=x onerror=alert(2)>\n\n<a href=\"javascript:alert(3)\">y</a>\n\n" +
			"<iframe src=\"https://example.org\"></iframe>\n\n[safe](https://example.org/)"})
	resp, body := ts.get(t, "/editions/markdown-2028")
	catStatus(t, resp, http.StatusOK)
	about := catPart(t, body, `<h2 id="about">`, "</section>")
	wantMarkup(t, about, "<strong>bold</strong>", `href="https://example.org/"`)
	catLacks(t, body, "<script>alert", "javascript:", "onerror", "<iframe")
}

func TestCalendarFiles(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)

	t.Run("one edition", func(t *testing.T) {
		resp, body := ts.get(t, "/editions/summer-school-2016/calendar.ics")
		catStatus(t, resp, http.StatusOK)
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/calendar") {
			t.Errorf("Content-Type %q", ct)
		}
		if cd := resp.Header.Get("Content-Disposition"); !strings.Contains(cd, `filename="summer-school-2016.ics"`) {
			t.Errorf("Content-Disposition %q", cd)
		}
		catICS(t, body)
		wantMarkup(t, body, "BEGIN:VEVENT\r\n", "END:VEVENT\r\n",
			"DTSTART;VALUE=DATE:20160904\r\n", "DTEND;VALUE=DATE:20160911\r\n",
			"SUMMARY:Summer School on Migration Studies 2016\r\n",
			"UID:summer-school-2016@", "URL:http://127.0.0.1/editions/summer-school-2016")
		if n := strings.Count(body, "BEGIN:VEVENT"); n != 1 {
			t.Errorf("%d events, want 1", n)
		}
	})
	t.Run("one edition in Czech", func(t *testing.T) {
		_, body := ts.get(t, "/editions/summer-school-2016/calendar.ics?lang=cs")
		catICS(t, body)
		wantMarkup(t, body, "SUMMARY:Letní škola migračních studií 2016\r\n")
	})
	t.Run("the feed of upcoming editions", func(t *testing.T) {
		resp, body := ts.get(t, "/calendar.ics")
		catStatus(t, resp, http.StatusOK)
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/calendar") {
			t.Errorf("Content-Type %q", ct)
		}
		catICS(t, body)
		wantMarkup(t, body, "SUMMARY:Summer School on Migration Studies 2027\r\n",
			"SUMMARY:Winter School on Migration Studies 2027\r\n",
			"SUMMARY:Cities of Welcome: Local Integration in Practice\r\n",
			"DTSTART;VALUE=DATE:20270823\r\n", "DTEND;VALUE=DATE:20270828\r\n")
		catLacks(t, body, "Migration Studies 2016", "Migration Studies 2023", "summer-school-2021", "DTSTART;VALUE=DATE:2016")
		if n := strings.Count(body, "BEGIN:VEVENT"); n != 3 {
			t.Errorf("%d events, want 3", n)
		}
	})
}

// catICS checks the iCalendar framing: begins and ends right, every line ends in CRLF and is
// at most 75 octets.
func catICS(t testing.TB, body string) {
	t.Helper()
	if !strings.HasPrefix(body, "BEGIN:VCALENDAR\r\n") {
		t.Errorf("begins %q", body[:min(len(body), 30)])
	}
	if !strings.HasSuffix(body, "END:VCALENDAR\r\n") {
		t.Errorf("does not end with END:VCALENDAR and CRLF")
	}
	lines := strings.Split(strings.TrimSuffix(body, "\r\n"), "\r\n")
	for i, line := range lines {
		if strings.ContainsAny(line, "\r\n") {
			t.Errorf("line %d has a bare CR or LF: %q", i+1, line)
		}
		if len(line) > 75 {
			t.Errorf("line %d is %d octets, more than 75: %q", i+1, len(line), line)
		}
	}
	wantMarkup(t, body, "VERSION:2.0\r\n", "PRODID:")
}

func TestNewEditionsAppearAtOnce(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	pages := []struct{ url, want string }{
		{"/editions", catLink("brandnew-2028")},
		{"/", catLink("brandnew-2028")},
		{"/editions?year=2028", catLink("brandnew-2028")},
		{"/search?q=brandnew", catLink("brandnew-2028")},
		{"/calendar.ics", "SUMMARY:Brandnew Seminar 2028"},
		{"/editions?year=2028&lang=cs", "Zbrusu nový seminář 2028"},
	}
	for _, p := range pages {
		_, body := ts.get(t, p.url) // fills the page cache
		catLacks(t, body, p.want)
	}
	catAddEdition(t, ts, school.Edition{Slug: "brandnew-2028", TitleEN: "Brandnew Seminar 2028",
		TitleCS: "Zbrusu nový seminář 2028"})
	for _, p := range pages {
		t.Run(p.url, func(t *testing.T) {
			resp, body := ts.get(t, p.url)
			catStatus(t, resp, http.StatusOK)
			wantMarkup(t, body, p.want)
		})
	}
	t.Run("the edition page", func(t *testing.T) {
		resp, body := ts.get(t, "/editions/brandnew-2028")
		catStatus(t, resp, http.StatusOK)
		wantMarkup(t, body, "<h1>Brandnew Seminar 2028</h1>")
	})
}

func TestSecurityAndCacheHeaders(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	resp, body := ts.get(t, "/")
	catStatus(t, resp, http.StatusOK)
	headers := map[string]string{
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "same-origin",
		"X-Frame-Options":        "SAMEORIGIN",
	}
	for name, want := range headers {
		t.Run(name, func(t *testing.T) {
			if got := resp.Header.Get(name); got != want {
				t.Errorf("%s: %q, want %q", name, got, want)
			}
		})
	}
	t.Run("Content-Security-Policy", func(t *testing.T) {
		csp := resp.Header.Get("Content-Security-Policy")
		for _, d := range []string{"default-src 'self'", "script-src 'self'", "object-src 'none'", "frame-ancestors 'none'"} {
			if !strings.Contains(csp, d) {
				t.Errorf("CSP %q lacks %q", csp, d)
			}
		}
		if strings.Contains(csp, "unsafe-inline") {
			t.Errorf("CSP %q allows inline code", csp)
		}
	})
	t.Run("the page carries a request id", func(t *testing.T) {
		if resp.Header.Get("X-Request-Id") == "" {
			t.Error("no X-Request-Id")
		}
	})
	for _, asset := range []string{"css/app.css", "vendor/pico-2.1.1.min.css", "img/favicon.svg"} {
		t.Run("static "+asset, func(t *testing.T) {
			m := regexp.MustCompile(`href="(/static/` + regexp.QuoteMeta(asset) + `\?v=[0-9a-f]+)"`).FindStringSubmatch(body)
			if m == nil {
				t.Fatalf("the home page does not link %s with a version", asset)
			}
			aresp, abody := ts.get(t, m[1])
			catStatus(t, aresp, http.StatusOK)
			if len(abody) == 0 {
				t.Error("empty asset")
			}
			cc := aresp.Header.Get("Cache-Control")
			if !strings.Contains(cc, "max-age=31536000") {
				t.Errorf("Cache-Control %q, want a year", cc)
			}
		})
	}
	t.Run("a missing static file is not found", func(t *testing.T) {
		resp, _ := ts.get(t, "/static/css/nope.css")
		catStatus(t, resp, http.StatusNotFound)
	})
}

// The store returns a hit's plain text and where it matched; the page escapes the text and
// marks the matches, so markup shown as code in a biography shows as text.
func TestASearchSnippetWithMarkupComesOutEscapedWithTheMatchMarked(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	ls, err := ts.store.Lecturers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range ls {
		if strings.Contains(l.Name, "Drbohlav") {
			l.BioEN = "Writes `<script>alert(\"x\")</script>` & studies quokkas."
			if err := ts.store.UpdateLecturer(ctx, l); err != nil {
				t.Fatal(err)
			}
		}
	}
	resp, body := ts.get(t, "/search?q=quokka")
	wantStatus(t, resp, body, http.StatusOK)
	wantMarkup(t, body, `Writes &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; studies <mark>quokkas</mark>.`,
		`<a class="hit-title" href="/lecturers/dusan-drbohlav">Prof. Dušan Drbohlav</a>`)
	if strings.Contains(body, `<script>alert`) {
		t.Error("the biography's script came out as markup")
	}

	// Ranges out of order or beyond the text are left unmarked, never cut into the text.
	for _, m := range []db.MatchedText{
		{Text: "<b>x</b>", Matches: []db.Match{{Start: 3, End: 4}, {Start: 1, End: 2}, {Start: 5, End: 99}}},
	} {
		if got := markMatches(m); got != `&lt;b&gt;<mark>x</mark>&lt;/b&gt;` {
			t.Errorf("markMatches(%+v) = %s", m, got)
		}
	}
}

// A hit shows its title, what kind of page it is, where it belongs and a snippet, each apart, as
// plain text in the reader's language.
func TestSearchHitsShowEachPartApartInTheReadersLanguage(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	ls, err := ts.store.Lecturers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range ls {
		if strings.Contains(l.Name, "Drbohlav") {
			l.BioEN, l.BioCS = "Studies **quokkas** in [Prague](https://example.org).", "Studuje **vakoně** v Praze."
			if err := ts.store.UpdateLecturer(ctx, l); err != nil {
				t.Fatal(err)
			}
		}
	}
	tests := []struct {
		name, url string
		want      []string
		unwanted  []string
	}{
		{"English", "/search?q=drbohlav&lang=en", []string{
			`<a class="hit-title" href="/lecturers/dusan-drbohlav">Prof. Dušan <mark>Drbohlav</mark></a>`,
			`<span class="badge">Lecturer</span> <span class="hit-context">Charles University, Faculty of Science (GEOMIGRACE)</span>`,
			`<p class="hit-snippet">Studies quokkas in Prague. · Charles University`,
		}, []string{"**", "vakoně", "](", "Studies quokkas in Prague. Charles"}},
		{"Czech", "/search?q=quokka&lang=cs", []string{
			`<a class="hit-title" href="/lecturers/dusan-drbohlav">Prof. Dušan Drbohlav</a>`,
			`<span class="badge">Přednášející</span>`,
			`<p class="hit-snippet">Studuje vakoně v Praze.`,
		}, []string{"**", "quokkas"}},
		{"a session says its edition", "/search?q=realities+myths", []string{
			`<span class="badge">Session</span> <span class="hit-context">Summer School on Migration Studies 2016</span>`,
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := ts.get(t, tt.url)
			wantStatus(t, resp, body, http.StatusOK)
			hits := catPart(t, body, `<ol class="hits">`, `</ol>`)
			wantMarkup(t, hits, tt.want...)
			catLacks(t, hits, tt.unwanted...)
		})
	}
}
