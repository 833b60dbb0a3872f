package app

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"registrar/app/school"
	"registrar/app/testkit"
	"registrar/db"
)

// returningFixture: Zenobia (the admin fixture's summer applicant) attended the winter school,
// which comes first, from the same address in capitals; Boris, not selected for the winter school,
// applies to the summer school from a new address with his name in other case and the same birth
// date; Cecilia applies for the first time.
type returningFixture struct {
	adminFixture
	zenobiaWinter, boris, borisWinter, cecilia school.Application
}

func newReturningFixture(t *testing.T) returningFixture {
	t.Helper()
	f := returningFixture{adminFixture: newAdminFixture(t)}
	ts, ctx := f.ts, context.Background()
	dob := time.Date(1990, time.January, 2, 0, 0, 0, 0, time.UTC)
	create := func(e school.Edition, a school.Application) school.Application {
		t.Helper()
		a.Lang, a.Nationality, a.Residence, a.Sector = "en", "MD", "MD", "ngo"
		stored, err := ts.store.CreateApplication(ctx, e, a, "", demoNow, ts.renderer(t, e))
		if err != nil {
			t.Fatal(err)
		}
		return stored
	}
	move := func(a school.Application, path ...school.Status) school.Application {
		t.Helper()
		for _, st := range path {
			var err error
			if a, err = ts.store.TransitionApplication(ctx, a.ID, st, db.ActorSystem, demoNow, ts.renderer(t, f.winter)); err != nil {
				t.Fatal(err)
			}
		}
		return a
	}
	if !f.winter.StartsOn.Before(f.summer.StartsOn) {
		t.Fatalf("the demo's winter school (%s) does not come before its summer school (%s)", f.winter.StartsOn, f.summer.StartsOn)
	}
	f.zenobiaWinter = move(create(f.winter, school.Application{Email: strings.ToUpper(f.app.Email),
		GivenName: "Zenobia", FamilyName: "Quartermaine"}),
		school.StatusAccepted, school.StatusConfirmed, school.StatusAttended)
	f.borisWinter = move(create(f.winter, school.Application{Email: "boris@old.example", GivenName: "Boris",
		FamilyName: "Bystricky", DateOfBirth: dob}), school.StatusRejected)
	f.boris = create(f.summer, school.Application{Email: "boris@new.example", GivenName: "BORIS",
		FamilyName: "bystricky", DateOfBirth: dob})
	f.cecilia = create(f.summer, school.Application{Email: "cecilia@example.org", GivenName: "Cecilia",
		FamilyName: "Firsttime", DateOfBirth: dob})
	return f
}

func TestOrganisersSeeWhereAnApplicantAppliedBefore(t *testing.T) {
	t.Parallel()
	f := newReturningFixture(t)
	organiser := signIn(t, f.ts, f.staff.organiser.Email)
	page := func(v *visitor, a school.Application, lang string) string {
		t.Helper()
		resp, body := v.get(t, "/admin/applications/"+strconv.FormatInt(a.ID, 10)+"?lang="+lang)
		wantStatus(t, resp, body, http.StatusOK)
		return body
	}
	winter := f.winter.Title("en")

	body := page(organiser, f.app, "en")
	testkit.WantText(t, "Zenobia's page", testkit.MainText(t, body), "Earlier applications", winter,
		f.zenobiaWinter.Reference, "Attended", "Yes", "Email address")
	if !strings.Contains(body, `href="/admin/applications/`+strconv.FormatInt(f.zenobiaWinter.ID, 10)+`"`) {
		t.Error("Zenobia's earlier application is not linked")
	}
	body = page(organiser, f.boris, "en")
	testkit.WantText(t, "Boris's page", testkit.MainText(t, body), "Earlier applications", winter,
		f.borisWinter.Reference, "Not selected", "No", "Name and date of birth")
	body = page(organiser, f.boris, "cs")
	testkit.WantText(t, "Boris's page in Czech", testkit.MainText(t, body), "Dřívější přihlášky",
		f.winter.Title("cs"), "Nevybrána", "Ne", "Jméno a datum narození")
	if body := page(organiser, f.cecilia, "en"); strings.Contains(testkit.MainText(t, body), "Earlier applications") {
		t.Error("a first-time applicant has a history")
	}
	// The history of an earlier application looks further back only.
	if body := page(organiser, f.zenobiaWinter, "en"); strings.Contains(testkit.MainText(t, body), "Earlier applications") {
		t.Error("the winter application lists the later summer one as earlier")
	}

	// The list: applied before, alumni.
	list := func(v *visitor, query string) string {
		t.Helper()
		resp, body := v.get(t, "/admin/editions/"+strconv.FormatInt(f.summer.ID, 10)+"/applications?sort=reference&"+query)
		wantStatus(t, resp, body, http.StatusOK)
		return testkit.MainText(t, body)
	}
	refs := func(text string) string {
		var got []string
		for _, a := range []school.Application{f.app, f.boris, f.cecilia} {
			if strings.Contains(text, a.Reference) {
				got = append(got, a.GivenName)
			}
		}
		return strings.Join(got, ", ")
	}
	for query, want := range map[string]string{"returning=applied": "Zenobia, BORIS", "returning=alumni": "Zenobia",
		"": "Zenobia, BORIS, Cecilia", "returning=nonsense": "Zenobia, BORIS, Cecilia"} {
		if got := refs(list(organiser, query)); got != want {
			t.Errorf("the list with %q shows %s, want %s", query, got, want)
		}
	}
	_, listPage := organiser.get(t, "/admin/editions/"+strconv.FormatInt(f.summer.ID, 10)+"/applications?returning=alumni")
	if !strings.Contains(listPage, `<option value="alumni" selected>`) {
		t.Error("the list does not show the alumni filter as chosen")
	}
	// The next page keeps the filter.
	if !strings.Contains(listPage, `name="returning"`) {
		t.Error("the list has no filter by earlier editions")
	}

	// Reviewers, blind or not, see none of it, even when they review the earlier edition too.
	if err := f.ts.store.AssignStaff(context.Background(), f.staff.reviewer.ID, f.winter.ID); err != nil {
		t.Fatal(err)
	}
	reviewer := signIn(t, f.ts, f.staff.reviewer.Email)
	for _, blindReview := range []bool{false, true} {
		if err := f.ts.store.SetBlindReview(context.Background(), f.summer.ID, blindReview); err != nil {
			t.Fatal(err)
		}
		body := page(reviewer, f.app, "en")
		if text := testkit.MainText(t, body); strings.Contains(text, "Earlier applications") || strings.Contains(text, f.zenobiaWinter.Reference) {
			t.Errorf("a reviewer (blind review %v) sees Zenobia's earlier application", blindReview)
		}
		if got := refs(list(reviewer, "returning=alumni")); got != "Zenobia, BORIS, Cecilia" {
			t.Errorf("a reviewer (blind review %v) filters by alumni: %s", blindReview, got)
		}
		_, listPage := reviewer.get(t, "/admin/editions/"+strconv.FormatInt(f.summer.ID, 10)+"/applications")
		if strings.Contains(listPage, `name="returning"`) {
			t.Errorf("a reviewer (blind review %v) is offered the filter by earlier editions", blindReview)
		}
	}
}

// TestBrowserEarlierApplicationsFitAPhone: the earlier applications' table fits a phone (it
// scrolls within its own region) and passes axe-core, in both languages.
func TestBrowserEarlierApplicationsFitAPhone(t *testing.T) {
	f := newReturningFixture(t)
	base := f.ts.listen(t)
	ctx := testkit.NewTab(t)
	browse(t, ctx, "the organiser signs in", chromedp.Navigate(base+"/admin/login?lang=en"),
		chromedp.WaitVisible(chromedp.CSS(`#password`)),
		chromedp.SendKeys(chromedp.CSS(`#email`), f.staff.organiser.Email),
		chromedp.SendKeys(chromedp.CSS(`#password`), staffPassword),
		chromedp.Click(chromedp.CSS(`#main form[action="/admin/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#main table`)))
	for _, lang := range []string{"en", "cs"} {
		for _, width := range []int64{320, 1280} {
			browse(t, ctx, "Boris's page", chromedp.EmulateViewport(width, 900),
				chromedp.Navigate(base+"/admin/applications/"+strconv.FormatInt(f.boris.ID, 10)+"?lang="+lang),
				chromedp.WaitVisible(chromedp.CSS(`#returning`)))
			if sw := evaluate[int64](t, ctx, `document.documentElement.scrollWidth`); sw > width {
				t.Errorf("%s at %d px: the page is %d px wide", lang, width, sw)
			}
			testkit.CheckAccessibility(t, ctx, "an application with earlier ones ("+lang+")")
		}
	}
}
