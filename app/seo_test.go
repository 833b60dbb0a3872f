package app

import (
	"encoding/json"
	"encoding/xml"
	"html"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"registrar/app/school"
	"registrar/db"
)

// seoBase is the public address the search engine tests configure.
const seoBase = "https://school.example.org"

func newSEOServer(t testing.TB) *testServer {
	t.Helper()
	return newTestServerWith(t, func() time.Time { return demoNow }, func(c *Config) { c.BaseURL = seoBase })
}

var seoMeta = regexp.MustCompile(`<meta (?:name|property)="([^"]+)" content="([^"]*)">`)
var seoLink = regexp.MustCompile(`<link rel="([^"]+)"(?: hreflang="([^"]+)")? href="([^"]*)">`)

// seoHead is what a page's head tells search engines and link previews: each meta by name or
// property (several values for a repeated one), and each link by rel and hreflang.
func seoHead(t testing.TB, body string) (map[string][]string, map[string]string) {
	t.Helper()
	head, _, ok := strings.Cut(body, "</head>")
	if !ok {
		t.Fatal("no </head>")
	}
	meta, links := map[string][]string{}, map[string]string{}
	for _, m := range seoMeta.FindAllStringSubmatch(head, -1) {
		meta[m[1]] = append(meta[m[1]], html.UnescapeString(m[2]))
	}
	for _, m := range seoLink.FindAllStringSubmatch(head, -1) {
		links[strings.TrimSuffix(m[1]+" "+m[2], " ")] = html.UnescapeString(m[3])
	}
	return meta, links
}

func TestEveryPublicPageHasADescriptionAndALinkPreview(t *testing.T) {
	ts := newSEOServer(t)
	pages := []struct {
		path, title, description string // description: a part of it
	}{
		{"/", "", ""},
		{"/editions", "", ""},
		{"/editions/summer-school-2016", "Summer School on Migration Studies 2016", "Refugees, trafficking and migration myths"},
		{"/editions/" + summerSlug + "/apply", "", ""},
		{"/archive", "", ""},
		{"/alumni", "", ""},
		{"/editions/summer-school-2016/alumni", "", ""},
		{"/lecturers/dusan-drbohlav", "Prof. Dušan Drbohlav", "Professor of geography at Charles University"},
		{"/search", "", ""},
		{"/privacy", "", "personal data"},
		{"/editions/summer-school-2016/privacy", "", "Summer School on Migration Studies 2016"},
		{"/accessibility", "", ""},
	}
	descriptions := map[string]string{}
	for _, lang := range []string{"en", "cs"} {
		other, locale, otherLocale := "cs", "en_GB", "cs_CZ"
		if lang == "cs" {
			other, locale, otherLocale = "en", "cs_CZ", "en_GB"
		}
		for _, pg := range pages {
			t.Run(lang+pg.path, func(t *testing.T) {
				resp, body := ts.get(t, pg.path+"?lang="+lang)
				wantStatus(t, resp, body, http.StatusOK)
				meta, links := seoHead(t, body)
				one := func(name string) string {
					t.Helper()
					if len(meta[name]) != 1 || meta[name][0] == "" {
						t.Errorf("%s: %q, want one, not empty", name, meta[name])
						return ""
					}
					return meta[name][0]
				}
				d := one("description")
				if len(d) < 50 || len(d) > 320 {
					t.Errorf("description %q: %d bytes, want 50 to 320", d, len(d))
				}
				if strings.ContainsAny(d, "*_[]#<>") {
					t.Errorf("description %q has Markdown or markup in it", d)
				}
				if lang == "en" && !strings.Contains(d, pg.description) {
					t.Errorf("description %q, want %q in it", d, pg.description)
				}
				if prev, ok := descriptions[d]; ok && pg.path != "/search" {
					t.Errorf("description %q is also %s's", d, prev)
				}
				descriptions[d] = lang + pg.path
				if one("og:description") != d {
					t.Errorf("og:description %q, want the description", meta["og:description"])
				}
				if title := one("og:title"); lang == "en" && !strings.Contains(title, pg.title) {
					t.Errorf("og:title %q, want %q in it", title, pg.title)
				}
				address := seoBase + pg.path + "?lang=" + lang
				for name, want := range map[string]string{"og:url": address, "og:type": "website",
					"og:locale": locale, "og:locale:alternate": otherLocale} {
					if got := one(name); got != want {
						t.Errorf("%s %q, want %q", name, got, want)
					}
				}
				one("og:site_name")
				if r := meta["robots"]; r != nil {
					t.Errorf("robots %q on a public page", r)
				}
				for rel, want := range map[string]string{
					"canonical":           address,
					"alternate " + lang:   address,
					"alternate " + other:  seoBase + pg.path + "?lang=" + other,
					"alternate x-default": seoBase + pg.path,
				} {
					if links[rel] != want {
						t.Errorf("<link rel=%s> %q, want %q", rel, links[rel], want)
					}
				}
			})
		}
	}
}

func TestPagesOfApplicantsAndStaffAreNotIndexed(t *testing.T) {
	ts := newSEOServer(t)
	for _, path := range []string{"/status/lost", "/admin/login", "/verify", "/status/no-such-link",
		"/editions/no-such-edition", "/search?q=migration"} {
		t.Run(path, func(t *testing.T) {
			_, body := ts.get(t, path)
			meta, links := seoHead(t, body)
			if r := meta["robots"]; len(r) != 1 || !strings.HasPrefix(r[0], "noindex") {
				t.Errorf("robots %q, want noindex", r)
			}
			if path == "/search?q=migration" {
				return // a search's results are public, only not worth indexing
			}
			if meta["og:url"] != nil || links["canonical"] != "" {
				t.Errorf("a link preview (%q) or canonical address (%q) for a page that is nobody else's", meta["og:url"], links["canonical"])
			}
		})
	}
}

var seoJSONLD = regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`)

// seoEvent is the part of schema.org's Event the tests read.
type seoEvent struct {
	Context             string `json:"@context"`
	Type                string `json:"@type"`
	Name                string `json:"name"`
	Description         string `json:"description"`
	StartDate           string `json:"startDate"`
	EndDate             string `json:"endDate"`
	EventStatus         string `json:"eventStatus"`
	EventAttendanceMode string `json:"eventAttendanceMode"`
	InLanguage          string `json:"inLanguage"`
	URL                 string `json:"url"`
	Location            struct {
		Type    string `json:"@type"`
		Name    string `json:"name"`
		Address struct {
			Type            string `json:"@type"`
			AddressLocality string `json:"addressLocality"`
		} `json:"address"`
	} `json:"location"`
	Organizer struct {
		Type string `json:"@type"`
		Name string `json:"name"`
		URL  string `json:"url"`
	} `json:"organizer"`
	Offers *struct {
		Type          string `json:"@type"`
		Price         string `json:"price"`
		PriceCurrency string `json:"priceCurrency"`
		Availability  string `json:"availability"`
		ValidFrom     string `json:"validFrom"`
		ValidThrough  string `json:"validThrough"`
		URL           string `json:"url"`
	} `json:"offers"`
}

func seoEventOf(t testing.TB, body string) seoEvent {
	t.Helper()
	scripts := seoJSONLD.FindAllStringSubmatch(body, -1)
	if len(scripts) != 1 {
		t.Fatalf("%d JSON-LD scripts, want 1", len(scripts))
	}
	var ev seoEvent
	if err := json.Unmarshal([]byte(scripts[0][1]), &ev); err != nil {
		t.Fatalf("JSON-LD %s: %v", scripts[0][1], err)
	}
	return ev
}

func TestAnEditionPageDescribesTheEventForSearchEngines(t *testing.T) {
	ts := newSEOServer(t)
	_, body := ts.get(t, "/editions/"+summerSlug+"?lang=en")
	ev := seoEventOf(t, body)
	summer, err := ts.store.PublicEdition(t.Context(), summerSlug)
	if err != nil {
		t.Fatal(err)
	}
	prague := func(tm time.Time) string { return tm.In(school.Prague).Format(time.RFC3339) }
	want := seoEvent{Context: "https://schema.org", Type: "Event", Name: summer.TitleEN,
		EventStatus:         "https://schema.org/EventScheduled",
		EventAttendanceMode: "https://schema.org/OfflineEventAttendanceMode",
		InLanguage:          summer.Language, URL: seoBase + "/editions/" + summerSlug}
	got := ev
	got.Description, got.StartDate, got.EndDate, got.Location, got.Organizer, got.Offers = "", "", "", want.Location, want.Organizer, nil
	if got != want {
		t.Errorf("event %+v, want %+v", got, want)
	}
	if !strings.Contains(ev.Description, school.PlainText(summer.DescriptionEN)[:60]) {
		t.Errorf("description %q, want the edition's description as plain text", ev.Description)
	}
	// The first and last days, at the programme's first start and last end when it has one, in Prague.
	for name, date := range map[string]struct {
		got string
		day time.Time
	}{"startDate": {ev.StartDate, summer.StartsOn}, "endDate": {ev.EndDate, summer.EndsOn}} {
		at, err := time.Parse(time.RFC3339, date.got)
		if err != nil {
			if at, err = time.Parse(time.DateOnly, date.got); err != nil {
				t.Errorf("%s %q: neither a time with its zone nor a date", name, date.got)
				continue
			}
		}
		if at.Format(time.DateOnly) != date.day.Format(time.DateOnly) {
			t.Errorf("%s %q, want on %s", name, date.got, date.day.Format(time.DateOnly))
		}
		if len(date.got) > 10 && !strings.HasSuffix(date.got, "+02:00") && !strings.HasSuffix(date.got, "+01:00") {
			t.Errorf("%s %q, want Prague's offset", name, date.got)
		}
	}
	if l := ev.Location; l.Type != "Place" || l.Name != summer.Venue || l.Address.Type != "PostalAddress" || l.Address.AddressLocality != summer.City {
		t.Errorf("location %+v, want the venue in %s", l, summer.City)
	}
	if o := ev.Organizer; o.Type != "Organization" || o.Name == "" || o.URL != seoBase {
		t.Errorf("organizer %+v, want the school at %s", o, seoBase)
	}
	if o := ev.Offers; o == nil || o.Type != "Offer" || o.Price != "330.00" || o.PriceCurrency != "EUR" ||
		o.Availability != "https://schema.org/InStock" || o.ValidFrom != prague(summer.OpensAt) ||
		o.ValidThrough != prague(summer.ClosesAt) || o.URL != seoBase+"/editions/"+summerSlug+"/apply" {
		t.Errorf("offers %+v, want 330.00 EUR on sale from %s to %s", o, prague(summer.OpensAt), prague(summer.ClosesAt))
	}

	t.Run("in Czech, the Czech title", func(t *testing.T) {
		_, body := ts.get(t, "/editions/"+summerSlug+"?lang=cs")
		if ev := seoEventOf(t, body); ev.Name != summer.TitleCS {
			t.Errorf("name %q, want %q", ev.Name, summer.TitleCS)
		}
	})
	t.Run("a past edition offers nothing", func(t *testing.T) {
		_, body := ts.get(t, "/editions/summer-school-2016")
		if ev := seoEventOf(t, body); ev.Offers != nil {
			t.Errorf("offers %+v for an edition of 2016", ev.Offers)
		}
	})
	t.Run("a call not yet open offers from its opening", func(t *testing.T) {
		_, body := ts.get(t, "/editions/"+futureWinter)
		if ev := seoEventOf(t, body); ev.Offers == nil || ev.Offers.Availability != "https://schema.org/PreOrder" {
			t.Errorf("offers %+v, want a pre-order", ev.Offers)
		}
	})
}

func TestATitleCannotBreakOutOfTheEventsScript(t *testing.T) {
	ts := newSEOServer(t)
	title := `</script><script>alert("x")</script><!--`
	setEditionTitle(t, ts.store, summerSlug, title)
	_, body := ts.get(t, "/editions/"+summerSlug+"?lang=en")
	if strings.Contains(body, `<script>alert`) {
		t.Fatal("the title came out as a script")
	}
	if ev := seoEventOf(t, body); ev.Name != title {
		t.Errorf("name %q, want the title as typed, %q", ev.Name, title)
	}
}

// setEditionTitle changes an edition's English title through the editor's save.
func setEditionTitle(t testing.TB, store *db.Store, slug, title string) {
	t.Helper()
	e, err := store.PublicEdition(t.Context(), slug)
	if err != nil {
		t.Fatal(err)
	}
	e.TitleEN = title
	if _, err := store.SaveEdition(t.Context(), db.EditionDraft{Edition: e}, demoNow); err != nil {
		t.Fatal(err)
	}
}

type seoSitemap struct {
	XMLName xml.Name `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []struct {
		Loc     string `xml:"loc"`
		LastMod string `xml:"lastmod"`
	} `xml:"url"`
}

func TestTheSitemapListsThePublicPages(t *testing.T) {
	ts := newSEOServer(t)
	resp, body := ts.get(t, "/sitemap.xml")
	wantStatus(t, resp, body, http.StatusOK)
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/xml") {
		t.Errorf("Content-Type %q, want application/xml", ct)
	}
	var sm seoSitemap
	if err := xml.Unmarshal([]byte(body), &sm); err != nil {
		t.Fatalf("sitemap: %v\n%s", err, body)
	}
	listed := map[string]string{}
	for _, u := range sm.URLs {
		if _, err := time.Parse(time.DateOnly, u.LastMod); err != nil {
			t.Errorf("%s: lastmod %q, want a date", u.Loc, u.LastMod)
		}
		listed[u.Loc] = u.LastMod
		if strings.Contains(u.Loc, "/admin") || strings.Contains(u.Loc, "/status") || !strings.HasPrefix(u.Loc, seoBase+"/") {
			t.Errorf("%s listed", u.Loc)
		}
	}
	public, err := ts.store.PublicEditions(t.Context(), db.EditionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"/", "/editions", "/archive", "/alumni", "/privacy", "/accessibility", "/lecturers/dusan-drbohlav", "/lecturers/amra-hodzic"}
	for _, e := range public {
		want = append(want, "/editions/"+e.Slug)
	}
	for _, path := range want {
		for _, lang := range []string{"en", "cs"} {
			if _, ok := listed[seoBase+path+"?lang="+lang]; !ok {
				t.Errorf("%s?lang=%s not listed", path, lang)
			}
		}
	}
	isPublic := map[string]bool{"/": true, "/editions": true, "/archive": true, "/alumni": true,
		"/privacy": true, "/accessibility": true}
	for _, e := range public {
		isPublic["/editions/"+e.Slug] = true
		isPublic["/editions/"+e.Slug+"/privacy"] = true
	}
	for loc := range listed {
		path, _, _ := strings.Cut(strings.TrimPrefix(loc, seoBase), "?")
		if strings.HasPrefix(path, "/lecturers/") {
			if resp, _ := ts.get(t, path); resp.StatusCode != http.StatusOK {
				t.Errorf("%s listed, and answers %d", loc, resp.StatusCode)
			}
		} else if !isPublic[path] {
			t.Errorf("%s listed, not a public page", loc)
		}
	}
	summer, err := ts.store.PublicEdition(t.Context(), summerSlug)
	if err != nil {
		t.Fatal(err)
	}
	if got := listed[seoBase+"/editions/"+summerSlug+"?lang=en"]; got != summer.UpdatedAt.Format(time.DateOnly) {
		t.Errorf("the summer school's lastmod %q, want %s", got, summer.UpdatedAt.Format(time.DateOnly))
	}
	t.Run("a draft is not listed", func(t *testing.T) {
		summer.Status = school.EditionDraft
		if err := ts.store.SetEditionStatus(t.Context(), summer.ID, school.EditionDraft, "test", demoNow); err != nil {
			t.Fatal(err)
		}
		_, body := ts.get(t, "/sitemap.xml")
		if strings.Contains(body, summerSlug) {
			t.Errorf("the draft %s is listed", summerSlug)
		}
	})
}

func TestRobotsTxtKeepsCrawlersToThePublicSite(t *testing.T) {
	ts := newSEOServer(t)
	resp, body := ts.get(t, "/robots.txt")
	wantStatus(t, resp, body, http.StatusOK)
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("Content-Type %q, want text/plain", ct)
	}
	for _, line := range []string{"User-agent: *", "Allow: /", "Disallow: /admin", "Disallow: /status",
		"Disallow: /verify", "Disallow: /editions/*/apply/sent", "Sitemap: " + seoBase + "/sitemap.xml"} {
		if !strings.Contains(body, line+"\n") {
			t.Errorf("robots.txt lacks %q:\n%s", line, body)
		}
	}
	if strings.Contains(body, "Disallow: /editions\n") || strings.Contains(body, "Disallow: /\n") {
		t.Errorf("robots.txt keeps crawlers from public pages:\n%s", body)
	}
}

func TestDescribeMakesSentencesAndShortensAtAWord(t *testing.T) {
	long := strings.Repeat("migration ", 30)
	tests := []struct {
		parts []string
		want  string
	}{
		{[]string{"Theme", "", "4–10 September 2016, Prague", "Text."}, "Theme. 4–10 September 2016, Prague. Text."},
		{[]string{"  spaced\n out  "}, "spaced out."},
		{[]string{long}, strings.TrimSpace(strings.Repeat("migration ", 20)) + "…"},
	}
	for _, tt := range tests {
		if got := describe(tt.parts...); got != tt.want {
			t.Errorf("describe(%q) = %q, want %q", tt.parts, got, tt.want)
		}
	}
}

// TestASitemapBeforeAnyEditionHasRealDates: a new school's sitemap gives its fixed pages a real
// date, not the zero time's 0001-01-01, and every public edition's privacy notice is listed.
func TestASitemapBeforeAnyEditionHasRealDates(t *testing.T) {
	dir := t.TempDir()
	store, err := db.Open(filepath.Join(dir, "registrar.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if err := store.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{DataDir: dir, BaseURL: seoBase, Clock: func() time.Time { return demoNow }}, store,
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Shutdown(time.Second) })
	ts := &testServer{Server: s, store: store, dir: dir}
	resp, body := ts.get(t, "/sitemap.xml")
	wantStatus(t, resp, body, http.StatusOK)
	var sm seoSitemap
	if err := xml.Unmarshal([]byte(body), &sm); err != nil {
		t.Fatalf("sitemap: %v\n%s", err, body)
	}
	if len(sm.URLs) == 0 {
		t.Fatal("an empty sitemap")
	}
	for _, u := range sm.URLs {
		if u.LastMod != demoNow.Format(time.DateOnly) {
			t.Errorf("%s: lastmod %q, want today's %s", u.Loc, u.LastMod, demoNow.Format(time.DateOnly))
		}
	}

	_, body = newSEOServer(t).get(t, "/sitemap.xml")
	if !strings.Contains(body, seoBase+"/editions/summer-school-2016/privacy?lang=cs") {
		t.Error("an edition's privacy notice is not in the sitemap")
	}
}
