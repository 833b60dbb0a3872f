package app

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"registrar/app/school"
	"registrar/app/testkit"
)

func TestAlumniPagesShowOnlyAttendedParticipantsWhoOptedIn(t *testing.T) {
	t.Parallel()
	clock, ts, summer := summerOnAClock(t)
	ctx := context.Background()
	listed := privacyApplicant(t, ts, "Saule", "KZ", true)
	unlisted := privacyApplicant(t, ts, "Vasyl", "UA", false)
	notSelected := privacyApplicant(t, ts, "Tamar", "GE", true)
	for _, ap := range []applied{listed, unlisted} {
		for _, to := range []school.Status{school.StatusAccepted, school.StatusConfirmed, school.StatusAttended} {
			setStatus(t, ts, summer, ap.app.ID, to)
		}
	}
	setStatus(t, ts, summer, notSelected.app.ID, school.StatusRejected)

	// Before the edition ends there is no list.
	resp, body := ts.get(t, "/editions/"+summerSlug+"/alumni")
	wantStatus(t, resp, body, http.StatusNotFound)

	clock.Set(summer.EndedAt().Add(24 * time.Hour))
	resp, body = ts.get(t, "/editions/"+summerSlug+"/alumni?lang=en")
	wantStatus(t, resp, body, http.StatusOK)
	text := testkit.MainText(t, body)
	wantText(t, body, "Saule Privacy", "Kazakhstan", "Charles University", "1 listed in the directory, of 2 alumni of this edition.")
	for _, hidden := range []string{"Vasyl", "Tamar", "@", "example.org"} {
		if strings.Contains(text, hidden) {
			t.Errorf("the edition's alumni page shows %q", hidden)
		}
	}
	_, body = ts.get(t, "/editions/"+summerSlug+"?lang=en")
	if !strings.Contains(body, `href="/editions/`+summerSlug+`/alumni"`) {
		t.Error("the edition page does not link its alumni")
	}

	// The totals are counted from the participants on record: the demo's and these two.
	byCountry, err := ts.store.AlumniByCountry(ctx, today(clock.Now()))
	if err != nil {
		t.Fatal(err)
	}
	byEdition, err := ts.store.AlumniByEdition(ctx, today(clock.Now()))
	if err != nil {
		t.Fatal(err)
	}
	people, countries, perEdition := 0, len(byCountry), 0
	for _, c := range byCountry {
		people += c.N
	}
	for _, e := range byEdition {
		perEdition += e.Alumni
	}
	if people != perEdition || people < 100 {
		t.Fatalf("%d alumni by country, %d by edition", people, perEdition)
	}
	resp, body = ts.get(t, "/alumni?lang=en")
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, fmt.Sprintf("%d alumni from %d countries", people, countries), "Alumni by country", "Kazakhstan",
		"2027", summer.Title("en"), "2 alumni · 1 listed in the directory")
	if !strings.Contains(body, `href="/editions/`+summerSlug+`/alumni"`) || !strings.Contains(body, `class="bar-chart"`) {
		t.Error("the alumni page lacks the link to the edition's list or the chart")
	}
	// The footer gives the school's contact address, nobody else's.
	if strings.Contains(body[:strings.LastIndex(body, "<footer")], "@") {
		t.Error("the alumni page shows an email address")
	}
	resp, body = ts.get(t, "/alumni?lang=cs")
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, fmt.Sprintf("%d absolventů · %d zemí", people, countries), "Absolventi podle země")

	// A demo summer school lists about half of its forty participants, and only them.
	demo := byEdition[len(byEdition)-1]
	for _, e := range byEdition {
		if e.Edition.Slug == "summer-school-2019" {
			demo = e
		}
	}
	if demo.Edition.Slug != "summer-school-2019" || demo.Alumni != 40 || demo.Listed < 10 || demo.Listed > 30 {
		t.Fatalf("demo alumni of 2019: %+v", demo)
	}
	_, body = ts.get(t, "/editions/summer-school-2019/alumni")
	rows := regexp.MustCompile(`<tr><th scope="row">`).FindAllString(body, -1)
	if len(rows) != demo.Listed {
		t.Errorf("the 2019 list has %d people, want %d", len(rows), demo.Listed)
	}

	// The site navigation leads there.
	_, body = ts.get(t, "/")
	if !strings.Contains(body, `href="/alumni"`) {
		t.Error("the site navigation does not link the alumni")
	}
}

// TestBrowserAlumniChartIsReadableOnAPhone: a bar chart drawn for a desktop shrinks its labels to
// some 6 px on a phone; there the same figures show as a table in the page's own type.
func TestBrowserAlumniChartIsReadableOnAPhone(t *testing.T) {
	ts := newTestServer(t)
	base := ts.listen(t)
	ctx := testkit.NewTab(t)
	smallest := `Math.min(...[...document.querySelectorAll('.chart text, .chart th, .chart td')]
		.filter(el => el.getBoundingClientRect().height > 0)
		.map(el => parseFloat(getComputedStyle(el).fontSize) * el.getBoundingClientRect().height /
			(el.getBBox ? el.getBBox().height || 1 : el.getBoundingClientRect().height)))`
	for _, width := range []int64{320, 390, 1280} {
		browse(t, ctx, "the alumni page", chromedp.EmulateViewport(width, 800),
			chromedp.Navigate(base+"/alumni?lang=en"), chromedp.WaitVisible(chromedp.CSS(`.chart`)))
		if px := evaluate[float64](t, ctx, smallest); px < 12 {
			t.Errorf("at %d px the chart's smallest text is %.1f px high, want 12 or more", width, px)
		}
		if rows := evaluate[int](t, ctx, `[...document.querySelectorAll('.chart tr')].filter(el => el.getBoundingClientRect().height > 1).length`); width < 576 && rows == 0 {
			t.Errorf("at %d px the chart's figures are not shown as a table", width)
		}
	}
}
