package app

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"registrar/app/testkit"
)

// browse runs steps in the tab and fails the test on the first error.
func browse(t testing.TB, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// choose clicks each radio button or checkbox until the page shows it checked. A page can move
// under a click: Chromium's PDF viewer in the review page's CV frame takes focus and scrolls the
// page when it has loaded, which, on a busy machine, can fall between aiming and clicking.
func choose(t testing.TB, ctx context.Context, what string, inputs ...string) {
	t.Helper()
	// A click that lands elsewhere may uncheck an earlier choice, so each round looks at all.
	for round := 1; ; round++ {
		var unchecked []string
		for _, input := range inputs {
			if !evaluate[bool](t, ctx, `document.querySelector(`+strconv.Quote(input)+`).checked`) {
				unchecked = append(unchecked, input)
			}
		}
		if len(unchecked) == 0 {
			if round > 1 {
				t.Logf("%s: the page moved under a click; %d rounds of clicks", what, round-1)
			}
			return
		}
		if round > 5 {
			t.Fatalf("%s: %s still not checked after 5 rounds of clicks:\n%s", what, strings.Join(unchecked, ", "), pageText(t, ctx))
		}
		for _, input := range unchecked {
			browse(t, ctx, what, chromedp.Click(chromedp.CSS(input), chromedp.NodeVisible))
		}
	}
}

// follow clicks a link and waits for the page it leads to, which must answer 200.
func follow(t testing.TB, ctx context.Context, link chromedp.CSS) {
	t.Helper()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(link, chromedp.NodeVisible))
	if err != nil {
		t.Fatalf("follow %s: %v", link, err)
	}
	if resp.Status != 200 {
		t.Fatalf("follow %s: %s answered %d", link, resp.URL, resp.Status)
	}
}

// evaluate runs a JavaScript expression in the page and decodes its value.
func evaluate[T any](t testing.TB, ctx context.Context, expression string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expression))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expression, err)
	}
	return v
}

func pageText(t testing.TB, ctx context.Context) string {
	t.Helper()
	return evaluate[string](t, ctx, `document.body.innerText`)
}

// wantPageText fails the test for every wanted text the page open in the tab does not show.
func wantPageText(t testing.TB, ctx context.Context, where string, wants ...string) {
	t.Helper()
	testkit.WantText(t, where, pageText(t, ctx), wants...)
}

// TestBrowserArchiveJourney walks as a person: home → archive → the 2016 summer school → its
// programme → the Czech interface.
func TestBrowserArchiveJourney(t *testing.T) {
	ts := newTestServer(t)
	base := ts.listen(t)
	ctx := testkit.NewTab(t)

	browse(t, ctx, "open home", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS(`#main h1`)))
	if lang := evaluate[string](t, ctx, `document.documentElement.lang`); lang != "en" {
		t.Fatalf("home: <html lang=%q>, want en for an English-speaking browser", lang)
	}

	follow(t, ctx, `header nav a[href="/archive"]`)
	if h1 := evaluate[string](t, ctx, `document.querySelector('h1').innerText`); h1 != "Archive" {
		t.Fatalf("archive: h1 %q", h1)
	}

	follow(t, ctx, `#main a[href="/editions/summer-school-2016"]`)
	if loc := evaluate[string](t, ctx, `location.pathname`); loc != "/editions/summer-school-2016" {
		t.Fatalf("edition: at %s", loc)
	}
	text := pageText(t, ctx)
	for _, want := range []string{"Summer School on Migration Studies 2016", "Programme",
		"Migration Theories, Realities and Myths"} {
		if !strings.Contains(text, want) {
			t.Fatalf("edition page does not show %q:\n%s", want, text)
		}
	}

	follow(t, ctx, `header .lang-switch a`)
	if lang := evaluate[string](t, ctx, `document.documentElement.lang`); lang != "cs" {
		t.Fatalf("after the switch: <html lang=%q>, want cs", lang)
	}
	if loc := evaluate[string](t, ctx, `location.pathname`); loc != "/editions/summer-school-2016" {
		t.Fatalf("the language switch left the page: at %s", loc)
	}
	browse(t, ctx, "Czech interface", chromedp.WaitVisible(chromedp.CSS(`#programme`)))
	checks := map[string]string{
		`document.querySelector('#programme').innerText`:                    "Program",
		`document.querySelector('header nav a[href="/archive"]').innerText`: "Archiv",
		`document.querySelector('header .lang-switch a').innerText`:         "English",
		`document.querySelector('h1').innerText`:                            "Letní škola migračních studií 2016",
	}
	for expr, want := range checks {
		if got := strings.TrimSpace(evaluate[string](t, ctx, expr)); got != want {
			t.Errorf("Czech page: %s = %q, want %q", expr, got, want)
		}
	}
	// The programme is shown in Czech too.
	if text := pageText(t, ctx); !strings.Contains(text, "Teorie, realita a mýty migrace") {
		t.Errorf("Czech edition page does not show the Czech programme:\n%s", text)
	}

	// The choice is remembered: the archive, opened from the navigation, is Czech too.
	follow(t, ctx, `header nav a[href="/archive"]`)
	if h1 := evaluate[string](t, ctx, `document.querySelector('h1').innerText`); h1 != "Archiv" {
		t.Errorf("archive after the switch: h1 %q, want Archiv", h1)
	}
}

// TestBrowserAccessibility runs axe-core on the public pages in both languages and fails on
// serious or critical violations.
func TestBrowserAccessibility(t *testing.T) {
	ts := newTestServer(t)
	base := ts.listen(t)
	ctx := testkit.NewTab(t)

	pages := []string{"/", "/editions/summer-school-2016", "/archive", "/search?q=integr"}
	// Pico follows the visitor's colour scheme, so both schemes must keep their contrast.
	for _, scheme := range []string{"light", "dark"} {
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
		})
		if err != nil {
			t.Fatalf("emulate %s colour scheme: %v", scheme, err)
		}
		for _, lang := range []string{"en", "cs"} {
			for _, p := range pages {
				checkPageAccessibility(t, ctx, base, p, lang, scheme)
			}
		}
	}
}

// checkPageAccessibility opens path in lang and runs axe-core on it.
func checkPageAccessibility(t *testing.T, ctx context.Context, base, path, lang, scheme string) {
	t.Helper()
	u, err := url.Parse(base + path)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("lang", lang)
	u.RawQuery = q.Encode()
	name := scheme + " " + lang + " " + path
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(u.String()))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if resp.Status != 200 {
		t.Fatalf("%s: status %d", name, resp.Status)
	}
	if got := evaluate[string](t, ctx, `document.documentElement.lang`); got != lang {
		t.Errorf("%s: <html lang=%q>", name, got)
	}
	testkit.CheckAccessibility(t, ctx, name)
}
