package app

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"registrar/app/school"
	"registrar/app/testkit"
)

// TestBrowserDashboardChartsAreReadableAndBounded: on an edition's dashboard after a busy call,
// every label and figure of the charts is at least 12 px high as drawn, at a phone's width and a
// desktop's; the per-day chart stays within a screen's height however many days the call ran;
// and every chart's figures are a table of text, for screen readers and for copying.
func TestBrowserDashboardChartsAreReadableAndBounded(t *testing.T) {
	ts := newTestServer(t)
	bg := context.Background()
	summer, err := ts.store.PublicEdition(bg, summerSlug)
	if err != nil {
		t.Fatal(err)
	}
	// Applications over the whole call, some 75 days.
	if err := ts.store.GenerateApplications(bg, summer.ID, 600, 12); err != nil {
		t.Fatal(err)
	}
	organiser := createUser(t, ts, "organiser@school.test", school.RoleOrganiser)
	base := ts.listen(t)
	ctx := testkit.NewTab(t)
	browse(t, ctx, "the organiser signs in", chromedp.Navigate(base+"/admin/login?lang=en"),
		chromedp.WaitVisible(chromedp.CSS(`#password`)),
		chromedp.SendKeys(chromedp.CSS(`#email`), organiser.Email),
		chromedp.SendKeys(chromedp.CSS(`#password`), staffPassword),
		chromedp.Click(chromedp.CSS(`#main form[action="/admin/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#main table`)))
	shots := filepath.Join(t.TempDir(), "shots")
	if dir := os.Getenv("ARTEFACTS_DIR"); dir != "" {
		shots = dir
	}
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	dashboard := base + "/admin/editions/" + strconv.FormatInt(summer.ID, 10)
	// The smallest text of the charts as drawn: an SVG's text is scaled with its drawing.
	smallest := `Math.min(...[...document.querySelectorAll('.chart text, .chart th, .chart td, .chart figcaption, .chart caption')]
		.filter(el => el.getBoundingClientRect().height > 0 && el.textContent.trim() !== '')
		.map(el => el.getBBox ? parseFloat(getComputedStyle(el).fontSize) * el.getBoundingClientRect().height / (el.getBBox().height || 1)
			: parseFloat(getComputedStyle(el).fontSize)))`
	// Each chart, by its caption: its height, and the figures its table holds as text.
	charts := `[...document.querySelectorAll('figure.chart')].map(f => ({
		title: f.querySelector('figcaption').textContent.trim(),
		height: f.getBoundingClientRect().height,
		figures: [...f.querySelectorAll('table td, table th')].filter(c => /^[0-9 ]+$/.test(c.textContent.trim())).length,
		rows: f.querySelectorAll('table tbody tr').length,
	}))`
	type chartShape struct {
		Title   string  `json:"title"`
		Height  float64 `json:"height"`
		Figures int     `json:"figures"`
		Rows    int     `json:"rows"`
	}
	for _, lang := range []string{"en", "cs"} {
		for _, width := range []int64{320, 1280} {
			browse(t, ctx, "the dashboard", chromedp.EmulateViewport(width, 900),
				chromedp.Navigate(dashboard+"?lang="+lang), chromedp.WaitVisible(chromedp.CSS(`figure.chart`)))
			if px := evaluate[float64](t, ctx, smallest); px < 12 {
				t.Errorf("%s at %d px: the charts' smallest text is %.1f px high, want 12 or more", lang, width, px)
			}
			shapes := evaluate[[]chartShape](t, ctx, charts)
			if len(shapes) < 5 {
				t.Errorf("%s at %d px: %d charts, want the countries, regions, gender, sector and days", lang, width, len(shapes))
			}
			for _, c := range shapes {
				if c.Height > 720 {
					t.Errorf("%s at %d px: the chart %q is %.0f px high, more than a screen", lang, width, c.Title, c.Height)
				}
				if c.Rows == 0 || c.Figures < c.Rows {
					t.Errorf("%s at %d px: the chart %q has %d rows and %d figures as text in its table", lang, width, c.Title, c.Rows, c.Figures)
				}
			}
			if lang == "en" && width == 1280 {
				testkit.CheckAccessibility(t, ctx, "the dashboard")
			}
			png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(shots, "dashboard-"+lang+"-"+strconv.FormatInt(width, 10)+".png"), png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Logf("screenshots: %s", shots)
}
