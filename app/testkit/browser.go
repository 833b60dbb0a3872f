package testkit

import (
	"context"
	_ "embed"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Browser tests drive Debian's headless Chromium through chromedp (v0.23: typed selectors such as
// chromedp.CSS, actions that return their value through chromedp.Run). Outside CI they are
// skipped when chromium is not installed; in CI (CI set) a missing browser fails them.

// BrowserTimeout bounds one browser test, start of Chromium included. Browser tests do not run
// in parallel: two Chromiums on a loaded two-core machine overran it.
const BrowserTimeout = 60 * time.Second

// axeSource is axe-core, vendored from the npm registry (`npm pack axe-core@4.14.1`,
// package/axe.min.js; MPL-2.0), injected into pages to check their accessibility.
//
//go:embed testdata/axe-core-4.14.1.min.js
var axeSource string

// NewTab starts a fresh headless Chromium with its own empty profile and returns a context for
// one tab in it. Chromium stops when the test ends.
func NewTab(t testing.TB) context.Context {
	t.Helper()
	return NewTabWithin(t, BrowserTimeout)
}

// NewTabWithin is NewTab for a test that needs longer than BrowserTimeout, such as one that
// visits every page of the site.
func NewTabWithin(t testing.TB, timeout time.Duration) context.Context {
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
	ctx, cancelTimeout := context.WithTimeout(context.Background(), timeout)
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

// CheckAccessibility injects axe-core into the page open in the tab, runs it, and fails the test
// on every serious or critical violation; lesser ones are logged.
func CheckAccessibility(t testing.TB, ctx context.Context, name string) {
	t.Helper()
	for _, v := range runAxe(t, ctx, name) {
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Error(v.describe(name))
		} else {
			t.Log(v.describe(name))
		}
	}
}

// AccessibilityViolations runs axe-core on the page open in the tab and describes each rule it
// breaks, whatever its impact.
func AccessibilityViolations(t testing.TB, ctx context.Context, name string) []string {
	t.Helper()
	var found []string
	for _, v := range runAxe(t, ctx, name) {
		found = append(found, v.describe(name))
	}
	return found
}

// runAxe injects axe-core into the page open in the tab and returns its violations.
func runAxe(t testing.TB, ctx context.Context, name string) []axeViolation {
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
	return result.Violations
}

// describe is the message for the violation on the page called name, with the elements that
// break it.
func (v axeViolation) describe(name string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: axe %s (%s): %s <%s>", name, v.ID, v.Impact, v.Help, v.URL)
	for _, n := range v.Nodes {
		fmt.Fprintf(&b, "\n\t%s", n.Target)
		if n.Summary != "" {
			fmt.Fprintf(&b, "\n\t\t%s", strings.ReplaceAll(n.Summary, "\n", "\n\t\t"))
		}
	}
	return b.String()
}
