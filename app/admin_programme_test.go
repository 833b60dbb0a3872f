package app

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"registrar/app/school"
	"registrar/app/testkit"
	"registrar/db"
)

// programmeEditor is an organiser signed in to the demo summer school's programme editor.
type programmeEditor struct {
	ts     *testServer
	v      *visitor
	summer school.Edition
	base   string // the editor's address
}

func newProgrammeEditor(t testing.TB) programmeEditor {
	t.Helper()
	ts := newTestServer(t)
	summer, err := ts.store.PublicEdition(context.Background(), summerSlug)
	if err != nil {
		t.Fatal(err)
	}
	createUser(t, ts, "organiser@school.test", school.RoleOrganiser)
	return programmeEditor{ts: ts, v: signIn(t, ts, "organiser@school.test"), summer: summer,
		base: "/admin/editions/" + strconv.FormatInt(summer.ID, 10) + "/programme"}
}

// sessionValues is a valid session on the edition's first day.
func (p programmeEditor) sessionValues(title string, from, to string) url.Values {
	return url.Values{"day": {p.summer.StartsOn.Format(time.DateOnly)}, "starts_at": {from}, "ends_at": {to},
		"kind": {"lecture"}, "title_en": {title}}
}

// sessionID finds a session of the summer school by its English title.
func (p programmeEditor) sessionID(t testing.TB, title string) int64 {
	t.Helper()
	sessions, err := p.ts.store.Programme(context.Background(), p.summer.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, ps := range sessions {
		if ps.TitleEN == title {
			return ps.ID
		}
	}
	t.Fatalf("no session %q", title)
	return 0
}

// publicPage opens the summer school's public page as a stranger.
func (p programmeEditor) publicPage(t testing.TB, query string) string {
	t.Helper()
	resp, body := p.ts.visitor().get(t, "/editions/"+summerSlug+query)
	wantStatus(t, resp, body, http.StatusOK)
	return body
}

func (p programmeEditor) postOK(t testing.TB, action string, values url.Values) {
	t.Helper()
	resp, body := p.v.postAdmin(t, action, values)
	wantStatus(t, resp, body, http.StatusSeeOther)
	if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, p.base) {
		t.Fatalf("POST %s led to %q", action, loc)
	}
}

// wantMarkup fails the test for each piece of HTML the page lacks; unlike wantText it reads
// the markup, not the text a reader sees.
func wantMarkup(t testing.TB, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("the page lacks %q", w)
		}
	}
}

// TestProgrammeEditorShowsEachDayWithItsWeekday: a school that moved by calendar date would
// run Wednesday to Sunday; the editor names each day's weekday so that nobody misses it. (The
// "add a session on" link keeps the bare date: Czech would need the weekday in the accusative.)
func TestProgrammeEditorShowsEachDayWithItsWeekday(t *testing.T) {
	t.Parallel()
	p := newProgrammeEditor(t)
	first, last := p.summer.StartsOn, p.summer.EndsOn
	for lang, want := range map[string][]string{
		"en": {first.Weekday().String() + " " + first.Format("2 January 2006"), last.Weekday().String() + " " + last.Format("2 January 2006"),
			"Add a session on " + first.Format("2 January 2006")},
		"cs": {p.ts.i18n.Translator("cs").DayDate(first), p.ts.i18n.Translator("cs").DayDate(last)},
	} {
		resp, body := p.v.get(t, p.base+"?lang="+lang)
		wantStatus(t, resp, body, http.StatusOK)
		wantText(t, body, want...)
		resp, body = p.v.get(t, p.base+"/new?lang="+lang+"&day="+first.Format(time.DateOnly))
		wantStatus(t, resp, body, http.StatusOK)
		wantText(t, body, want[0])
	}
	if got := p.ts.i18n.Translator("cs").DayDate(time.Date(2027, 7, 5, 0, 0, 0, 0, time.UTC)); got != "pondělí 5. července 2027" {
		t.Errorf("a Czech day: %q", got)
	}
}

func TestOrganiserEditsTheProgrammeAndThePublicPageShowsItAtOnce(t *testing.T) {
	t.Parallel()
	p := newProgrammeEditor(t)
	lecturers, err := p.ts.store.Lecturers(context.Background())
	if err != nil || len(lecturers) == 0 {
		t.Fatalf("no demo lecturers: %v", err)
	}
	known := lecturers[0]

	resp, body := p.v.get(t, p.base)
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "Programme", "Times are Prague time (Europe/Prague)")
	// Warm the cache: the public page must not be served stale after the edits.
	before := p.publicPage(t, "")
	if strings.Contains(before, "Borders and Belonging") {
		t.Fatal("the demo already has the session")
	}

	// Add a session with a lecturer from the list and a new one.
	values := p.sessionValues("Borders and Belonging", "09:00", "10:30")
	values.Set("title_cs", "Hranice a sounáležitost")
	values.Set("room", "Hall B")
	values.Set("description_en", "**Bold claims** about borders.\n\n<script>alert(1)</script>")
	values.Set("lecturer_1", strconv.FormatInt(known.ID, 10))
	values.Set("new_name", "Jiří Nováček")
	values.Set("new_affiliation", "Charles University")
	values.Set("new_bio_en", "Studies return migration.")
	p.postOK(t, p.base+"/new", values)
	_, body = p.v.get(t, p.base+"?done=created")
	wantText(t, body, "The session is added", "Borders and Belonging", known.Name, "Jiří Nováček")

	page := p.publicPage(t, "")
	wantText(t, page, "Borders and Belonging", "Hall B", "Jiří Nováček", known.Name)
	if !strings.Contains(page, "<strong>Bold claims</strong>") || strings.Contains(page, "<script>alert(1)") {
		t.Error("the description is not rendered as sanitised Markdown")
	}
	if !strings.Contains(page, `href="/lecturers/jiri-novacek"`) {
		t.Error("the new lecturer has no page address made from their name")
	}
	if i, j := strings.Index(page, known.Name), strings.Index(page, "Jiří Nováček"); i < 0 || j < i {
		t.Error("the lecturers are not in the order chosen")
	}
	wantText(t, p.publicPage(t, "?lang=cs"), "Hranice a sounáležitost")
	resp, body = p.ts.visitor().get(t, "/lecturers/jiri-novacek")
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "Jiří Nováček", "Charles University", "Studies return migration.", "Borders and Belonging")
	resp, body = p.ts.visitor().get(t, "/search?q=belonging")
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "Belonging")

	// The lecturer's details are corrected on their own page.
	lecturer := "/admin/lecturers/" + strconv.FormatInt(p.lecturerID(t, "jiri-novacek"), 10)
	resp, body = p.v.get(t, lecturer)
	wantStatus(t, resp, body, http.StatusOK)
	resp, body = p.v.postAdmin(t, lecturer, url.Values{"name": {"Jiří Nováček"}, "affiliation": {"Masaryk University"}})
	wantStatus(t, resp, body, http.StatusSeeOther)
	_, body = p.ts.visitor().get(t, "/lecturers/jiri-novacek")
	wantText(t, body, "Masaryk University")
	resp, body = p.v.postAdmin(t, lecturer, url.Values{"name": {""}, "affiliation": {"Somewhere"}})
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	wantText(t, body, "Please fill this in.")
	wantMarkup(t, body, `value="Somewhere"`)

	// Edit it.
	first := p.sessionID(t, "Borders and Belonging")
	sessionPage := p.base + "/" + strconv.FormatInt(first, 10)
	resp, body = p.v.get(t, sessionPage)
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "Edit session")
	wantMarkup(t, body, `value="Hall B"`)
	values = p.sessionValues("Borders, Belonging and the City", "09:00", "11:00")
	values.Set("lecturer_1", strconv.FormatInt(known.ID, 10))
	p.postOK(t, sessionPage, values)
	page = p.publicPage(t, "")
	wantText(t, page, "Borders, Belonging and the City", "09:00–11:00")
	if strings.Contains(page, "Borders and Belonging") || strings.Contains(page, "Jiří Nováček") {
		t.Error("the public page still shows the session as it was")
	}

	// Reorder: a session added at the same time goes after it, and moved up comes first.
	p.postOK(t, p.base+"/new", p.sessionValues("Parallel Seminar", "09:00", "09:45"))
	second := p.sessionID(t, "Parallel Seminar")
	order := func() (int, int) {
		page := p.publicPage(t, "")
		return strings.Index(page, "Borders, Belonging and the City"), strings.Index(page, "Parallel Seminar")
	}
	if a, b := order(); a < 0 || b < a {
		t.Fatalf("the sessions are not in time order: %d, %d", a, b)
	}
	p.postOK(t, p.base+"/"+strconv.FormatInt(second, 10)+"/move", url.Values{"direction": {"up"}})
	if a, b := order(); b < 0 || a < b {
		t.Errorf("after moving up the seminar is not first: %d, %d", a, b)
	}
	p.postOK(t, p.base+"/"+strconv.FormatInt(second, 10)+"/move", url.Values{"direction": {"down"}})
	if a, b := order(); a < 0 || b < a {
		t.Errorf("after moving down the seminar is not second: %d, %d", a, b)
	}

	// Delete: gone from the programme. Jiří, taken off the session when it was edited, teaches
	// in no public edition now and so has no public page.
	p.postOK(t, sessionPage+"/delete", nil)
	if strings.Contains(p.publicPage(t, ""), "Borders, Belonging and the City") {
		t.Error("the deleted session is still on the public page")
	}
	resp, body = p.ts.visitor().get(t, "/lecturers/jiri-novacek")
	wantStatus(t, resp, body, http.StatusNotFound)
	if _, body = p.ts.visitor().get(t, "/search?q=novacek"); strings.Contains(body, "/lecturers/jiri-novacek") {
		t.Error("search still finds a lecturer who teaches in no public edition")
	}
}

func (p programmeEditor) lecturerID(t testing.TB, slug string) int64 {
	t.Helper()
	all, err := p.ts.store.Lecturers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range all {
		if l.Slug == slug {
			return l.ID
		}
	}
	t.Fatalf("no lecturer %s", slug)
	return 0
}

func TestSessionFormErrorsAreShownInEnglishAndCzechWithEverythingKept(t *testing.T) {
	t.Parallel()
	p := newProgrammeEditor(t)
	bad := url.Values{"day": {"2001-01-01"}, "starts_at": {"10:00"}, "ends_at": {"09:15"}, "kind": {"lecture"},
		"room": {"Aula <b>Magna</b>"}, "description_cs": {"Popis, který zůstane."}, "new_affiliation": {"Nowhere Institute"},
		"lecturer_2": {"999999"}}
	cases := []struct {
		lang  string
		wants []string
	}{
		{"en", []string{"Choose one of the edition&#39;s days.", "The session must end after it starts.",
			"Give the session a title in English or Czech (or both).", "Enter the new lecturer&#39;s name",
			"Choose one of the options."}},
		{"cs", []string{"Vyberte jeden ze dnů akce.", "Blok musí skončit později, než začne.",
			"Zadejte název bloku anglicky nebo česky", "Zadejte jméno nového přednášejícího"}},
	}
	for _, c := range cases {
		t.Run(c.lang, func(t *testing.T) {
			p.v.get(t, p.base+"?lang="+c.lang)
			resp, body := p.v.postAdmin(t, p.base+"/new", bad)
			wantStatus(t, resp, body, http.StatusUnprocessableEntity)
			wantMarkup(t, body, c.wants...)
			wantMarkup(t, body, "Aula &lt;b&gt;Magna&lt;/b&gt;", "Popis, který zůstane.", "Nowhere Institute", `value="10:00"`, `value="09:15"`)
		})
	}
	p.v.get(t, p.base+"?lang=en")
	resp, body := p.v.postAdmin(t, p.base+"/new", p.sessionValues("Bad Time", "9.30", "25:00"))
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	wantText(t, body, "Enter a time like 09:30.")
	if sessions, _ := p.ts.store.Programme(context.Background(), p.summer.ID); len(sessions) > 0 {
		for _, ps := range sessions {
			if ps.TitleEN == "Bad Time" || ps.Room == "Aula <b>Magna</b>" {
				t.Error("an invalid session was stored")
			}
		}
	}
}

func TestReviewersCannotReachTheProgrammeOrDocumentEditors(t *testing.T) {
	t.Parallel()
	f := newAdminFixture(t)
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	summer := "/admin/editions/" + id(f.summer.ID)
	winter := "/admin/editions/" + id(f.winter.ID)
	lecturers, err := f.ts.store.Lecturers(context.Background())
	if err != nil || len(lecturers) == 0 {
		t.Fatal("no lecturers")
	}
	lecturer := "/admin/lecturers/" + id(lecturers[0].ID)
	stranger := f.ts.visitor()
	for _, path := range []string{summer + "/programme", summer + "/programme/new", summer + "/documents", lecturer} {
		if resp, _ := stranger.get(t, path); resp.StatusCode != http.StatusSeeOther ||
			!strings.HasPrefix(resp.Header.Get("Location"), "/admin/login") {
			t.Errorf("GET %s without a session: %d to %q", path, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	limited := createUser(t, f.ts, "winter-organiser@school.test", school.RoleOrganiser)
	if err := f.ts.store.AssignStaff(context.Background(), limited.ID, f.winter.ID); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		who  string
		want int
	}{{f.staff.reviewer.Email, http.StatusForbidden}, {f.staff.outsider.Email, http.StatusForbidden}} {
		v := signIn(t, f.ts, c.who)
		for _, path := range []string{summer + "/programme", summer + "/programme/new", summer + "/documents", lecturer} {
			if resp, body := v.get(t, path); resp.StatusCode != c.want {
				t.Errorf("GET %s as %s: %d, want %d\n%.200s", path, c.who, resp.StatusCode, c.want, testkit.MainText(t, body))
			}
		}
		for _, path := range []string{summer + "/programme/new", summer + "/documents", lecturer} {
			if resp, _ := v.postAdmin(t, path, url.Values{"title_en": {"x"}, "name": {"x"}}); resp.StatusCode != c.want {
				t.Errorf("POST %s as %s: %d, want %d", path, c.who, resp.StatusCode, c.want)
			}
		}
	}
	// An organiser who runs only the winter school does not find the summer school's editors.
	v := signIn(t, f.ts, limited.Email)
	for _, path := range []string{summer + "/programme", summer + "/documents"} {
		if resp, _ := v.get(t, path); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s as the winter organiser: %d, want 404", path, resp.StatusCode)
		}
	}
	for _, path := range []string{winter + "/programme", winter + "/documents"} {
		if resp, body := v.get(t, path); resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s as the winter organiser: %d\n%.200s", path, resp.StatusCode, testkit.MainText(t, body))
		}
	}
	// The edition's dashboard links to both editors.
	_, body := v.get(t, winter)
	wantMarkup(t, body, `href="`+winter+`/programme"`, `href="`+winter+`/documents"`)
}

// TestBrowserProgrammeEditorIsAccessible: an organiser adds a session in a real browser, without
// any script of ours, and axe-core finds nothing serious on the editor's pages.
func TestBrowserProgrammeEditorIsAccessible(t *testing.T) {
	ts := newTestServer(t)
	summer, err := ts.store.PublicEdition(context.Background(), summerSlug)
	if err != nil {
		t.Fatal(err)
	}
	organiser := createUser(t, ts, "organiser@school.test", school.RoleOrganiser)
	base := ts.listen(t)
	office := testkit.NewTab(t)
	editor := "/admin/editions/" + strconv.FormatInt(summer.ID, 10) + "/programme"

	browse(t, office, "open the editor", chromedp.Navigate(base+editor), chromedp.WaitVisible(chromedp.CSS(`#password`)))
	browse(t, office, "sign in",
		chromedp.SendKeys(chromedp.CSS(`#email`), organiser.Email),
		chromedp.SendKeys(chromedp.CSS(`#password`), staffPassword),
		chromedp.Click(chromedp.CSS(`#main form[action="/admin/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#main .programme-day`)))
	testkit.CheckAccessibility(t, office, "programme editor")

	day := summer.StartsOn.Format(time.DateOnly)
	follow(t, office, chromedp.CSS(`#main a[href="`+editor+`/new?day=`+day+`"]`))
	testkit.CheckAccessibility(t, office, "new session form")
	browse(t, office, "fill the session",
		chromedp.SetValue(chromedp.CSS(`#starts_at`), "16:00"),
		chromedp.SetValue(chromedp.CSS(`#ends_at`), "17:30"),
		chromedp.SendKeys(chromedp.CSS(`#title_en`), "Closing Round Table"),
		chromedp.SendKeys(chromedp.CSS(`#new_name`), "Zdeňka Přibylová"))
	click(t, office, "save the session", chromedp.CSS(`#main form[action="`+editor+`/new"] button[type=submit]`),
		chromedp.CSS(`#main p.notice[role=status]`))
	wantPageText(t, office, "the programme after adding", "The session is added", "Closing Round Table", "Zdeňka Přibylová")
	testkit.CheckAccessibility(t, office, "programme editor with a notice")
	// Delete is quieter than the arrows beside it (no fill, no border), still a 44 px target
	// at least 8 px from the next button.
	row := `document.querySelector('#main tbody tr:has(button[aria-label^="Delete"])')`
	look := evaluate[map[string]any](t, office, `(() => {
		const row = `+row+`;
		const del = row.querySelector('button[aria-label^="Delete"]'), down = row.querySelectorAll('form[action$="/move"] button')[1];
		const s = getComputedStyle(del), a = getComputedStyle(down), d = del.getBoundingClientRect(), b = down.getBoundingClientRect();
		return {delBg: s.backgroundColor, delBorder: s.borderTopColor, arrowBorder: a.borderTopColor, height: d.height, gap: d.left - b.right, sameLine: Math.abs(d.top - b.top) < 1};
	})()`)
	if look["delBg"] != "rgba(0, 0, 0, 0)" || look["delBorder"] != "rgba(0, 0, 0, 0)" || look["arrowBorder"] == "rgba(0, 0, 0, 0)" {
		t.Errorf("Delete is not quieter than the arrows: %v", look)
	}
	if h, _ := look["height"].(float64); h < 44 {
		t.Errorf("Delete is %.0f px tall", h)
	}
	if g, _ := look["gap"].(float64); look["sameLine"] == true && g < 8 {
		t.Errorf("Delete is %.0f px from ↓", g)
	}

	browse(t, office, "open the documents", chromedp.Navigate(base+"/admin/editions/"+strconv.FormatInt(summer.ID, 10)+"/documents"),
		chromedp.WaitVisible(chromedp.CSS(`#file`)))
	testkit.CheckAccessibility(t, office, "documents editor")
}

func TestSessionWithManyLecturersKeepsThemAllWhenSavedAgain(t *testing.T) {
	t.Parallel()
	p := newProgrammeEditor(t)
	lecturers, err := p.ts.store.Lecturers(context.Background())
	if err != nil || len(lecturers) < lecturerSlots+2 {
		t.Fatalf("the demo has %d lecturers: %v", len(lecturers), err)
	}
	values := p.sessionValues("Grand Panel", "15:00", "17:00")
	values.Set("kind", "panel")
	for i := range lecturerSlots + 2 {
		values.Set(lecturerSlot(i), strconv.FormatInt(lecturers[len(lecturers)-1-i].ID, 10))
	}
	p.postOK(t, p.base+"/new", values)
	page := p.base + "/" + strconv.FormatInt(p.sessionID(t, "Grand Panel"), 10)
	form := p.v.openForm(t, page, page)
	resp, body := p.v.submit(t, form, url.Values{"title_en": {"Grand Panel Discussion"}})
	wantStatus(t, resp, body, http.StatusSeeOther)
	ps, err := p.ts.store.Session(context.Background(), p.summer.ID, p.sessionID(t, "Grand Panel Discussion"))
	if err != nil {
		t.Fatal(err)
	}
	if len(ps.Lecturers) != lecturerSlots+2 {
		t.Fatalf("%d lecturers after saving the form again, want %d", len(ps.Lecturers), lecturerSlots+2)
	}
	for i, l := range ps.Lecturers {
		if want := lecturers[len(lecturers)-1-i].ID; l.ID != want {
			t.Errorf("lecturer %d is %d, want %d", i+1, l.ID, want)
		}
	}
}

func TestAnOrganiserOfSomeEditionsEditsOnlyTheirLecturers(t *testing.T) {
	t.Parallel()
	f := newAdminFixture(t)
	ctx := context.Background()
	limited := createUser(t, f.ts, "winter-organiser@school.test", school.RoleOrganiser)
	if err := f.ts.store.AssignStaff(ctx, limited.ID, f.winter.ID); err != nil {
		t.Fatal(err)
	}
	lecturers, err := f.ts.store.Lecturers(ctx)
	if err != nil || len(lecturers) < 2 {
		t.Fatal("too few lecturers", err)
	}
	// The first lecturer also teaches at the winter school.
	if _, err := f.ts.store.CreateSession(ctx, school.Session{EditionID: f.winter.ID, Day: f.winter.StartsOn,
		StartsAt: "09:00", EndsAt: "10:30", Kind: "lecture", TitleEN: "Borders in Winter"},
		db.SessionLecturers{IDs: []int64{lecturers[0].ID}}); err != nil {
		t.Fatal(err)
	}
	v := signIn(t, f.ts, limited.Email)
	var theirs, others int
	for _, l := range lecturers {
		teaches, err := f.ts.store.LecturerEditions(ctx, l.ID)
		if err != nil {
			t.Fatal(err)
		}
		path := "/admin/lecturers/" + strconv.FormatInt(l.ID, 10)
		want := http.StatusNotFound
		if slices.Contains(teaches, f.winter.ID) {
			want, theirs = http.StatusOK, theirs+1
		} else {
			others++
			if resp, _ := v.postAdmin(t, path, url.Values{"name": {"Renamed"}}); resp.StatusCode != want {
				t.Errorf("POST %s as the winter organiser: %d, want %d", path, resp.StatusCode, want)
			}
		}
		if resp, _ := v.get(t, path); resp.StatusCode != want {
			t.Errorf("GET %s (%s) as the winter organiser: %d, want %d", path, l.Name, resp.StatusCode, want)
		}
	}
	if theirs == 0 || others == 0 {
		t.Errorf("%d lecturers of the winter school, %d others: both cases must be tested", theirs, others)
	}
}
