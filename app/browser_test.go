package app

import (
	"context"
	_ "embed"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// Browser tests drive Debian's headless Chromium through chromedp (v0.23: typed selectors such as
// chromedp.CSS, actions that return their value through chromedp.Run). Outside CI they are
// skipped when chromium is not installed; in CI (CI set) a missing browser fails them.

// browserTimeout bounds one browser test, start of Chromium included.
const browserTimeout = 60 * time.Second

// axeSource is axe-core, vendored from the npm registry (`npm pack axe-core@4.14.1`,
// package/axe.min.js; MPL-2.0), injected into pages to check their accessibility.
//
//go:embed testdata/axe-core-4.14.1.min.js
var axeSource string

// newBrowser starts a fresh headless Chromium with its own empty profile and returns a context
// for one tab in it. Chromium stops when the test ends.
func newBrowser(t testing.TB) context.Context {
	t.Helper()
	execPath, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") == "" {
			t.Skip("chromium is not installed (make test-deps installs it)")
		}
		t.Fatalf("chromium is needed for the browser tests in CI: %v", err)
	}
	profile := t.TempDir() // removed after the browser has stopped: cleanups run last-in first-out
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(execPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(profile),
		// This machine's network is closed: without these Chromium keeps calling home.
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-breakpad", true),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("password-store", "basic"),
		// A person whose browser asks for English first, whatever the machine's locale.
		chromedp.Flag("lang", "en-US"),
		chromedp.Flag("accept-lang", "en-US,en"),
		chromedp.WindowSize(1280, 900),
	}
	ctx, cancelTimeout := context.WithTimeout(context.Background(), browserTimeout)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	tabCtx, cancelTab := chromedp.NewContext(allocCtx, chromedp.WithLogf(t.Logf))
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc() // waits for Chromium to exit
		cancelTimeout()
	})
	// Start the browser now, so a failure to start is reported as such.
	if err := chromedp.Do(tabCtx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return tabCtx
}

// browse runs steps in the tab and fails the test on the first error.
func browse(t testing.TB, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
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

// axeViolation is what axe-core reports for one broken rule, flattened for Go.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	URL    string `json:"helpUrl"`
	Nodes  []struct {
		Target  string `json:"target"`
		Summary string `json:"summary"`
	} `json:"nodes"`
}

// axeRun is the script that runs axe-core on the whole document and returns its violations.
const axeRun = `axe.run(document, {resultTypes: ['violations']}).then(r => ({
	passes: r.passes.length,
	violations: r.violations.map(v => ({
		id: v.id, impact: v.impact || '', help: v.help, helpUrl: v.helpUrl,
		nodes: v.nodes.map(n => ({target: JSON.stringify(n.target), summary: n.failureSummary || ''})),
	})),
}))`

// axeResult is what axeRun returns.
type axeResult struct {
	Passes     int            `json:"passes"`
	Violations []axeViolation `json:"violations"`
}

// checkAccessibility runs axe-core on the page open in the tab and fails the test on every
// serious or critical violation; lesser ones are logged.
func checkAccessibility(t testing.TB, ctx context.Context, name string) {
	t.Helper()
	// Runtime.evaluate is not subject to the page's Content-Security-Policy (script-src 'self').
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](
		`if (typeof axe === 'undefined') { `+axeSource+` }`)); err != nil {
		t.Fatalf("%s: inject axe-core: %v", name, err)
	}
	result, err := chromedp.Run(ctx, chromedp.Evaluate[axeResult](axeRun, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: run axe-core: %v", name, err)
	}
	if result.Passes == 0 {
		t.Fatalf("%s: axe-core checked nothing: is the page empty?", name)
	}
	for _, v := range result.Violations {
		var b strings.Builder
		fmt.Fprintf(&b, "%s: axe %s (%s): %s <%s>", name, v.ID, v.Impact, v.Help, v.URL)
		for _, n := range v.Nodes {
			fmt.Fprintf(&b, "\n\t%s", n.Target)
			if n.Summary != "" {
				fmt.Fprintf(&b, "\n\t\t%s", strings.ReplaceAll(n.Summary, "\n", "\n\t\t"))
			}
		}
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Error(b.String())
		} else {
			t.Log(b.String())
		}
	}
}

// TestBrowserArchiveJourney walks as a person: home → archive → the 2016 summer school → its
// programme → the Czech interface.
func TestBrowserArchiveJourney(t *testing.T) {
	ts := newTestServer(t)
	base := ts.listen(t)
	ctx := newBrowser(t)

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
	ctx := newBrowser(t)

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
	checkAccessibility(t, ctx, name)
}
