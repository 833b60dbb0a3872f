package app

import (
	"context"
	"errors"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"registrar/app/school"
	"registrar/app/testkit"
	"registrar/db"
)

// applicantFrom stores a submitted application of the summer school from a country and sector.
func applicantFrom(t testing.TB, ts *testServer, e school.Edition, given, country string, sector school.Sector) school.Application {
	t.Helper()
	a, err := ts.store.CreateApplication(context.Background(), e, school.Application{Lang: "en",
		Email: strings.ToLower(given) + "@example.org", GivenName: given, FamilyName: "Tester",
		Nationality: country, Residence: country, Sector: sector, Institution: "University",
		Motivation: "Comparative research."}, "", ts.now(), ts.renderer(t, e))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

var tags = regexp.MustCompile(`<[^>]*>`)

// postAsBrowser sends a form as a browser does without a file field: URL-encoded.
func postAsBrowser(t testing.TB, v *visitor, action string, values url.Values) (*http.Response, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, action, strings.NewReader(values.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Referer", "http://example.com"+action)
	req.Header.Set("Origin", "http://example.com")
	resp, body, err := v.send(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// fillRows is the fill seats page's proposal: the references in the order shown, those ticked,
// and each row's text.
func fillRows(t testing.TB, v *visitor, e school.Edition, query string) (order, ticked []string, rows map[string]string, body string) {
	t.Helper()
	path := "/admin/editions/" + strconv.FormatInt(e.ID, 10) + "/fill"
	resp, body := v.get(t, path+"?"+query)
	wantStatus(t, resp, body, http.StatusOK)
	rows = map[string]string{}
	form := testkit.FormOn(t, path, body, path)
	ids := map[string]string{}
	_, table, _ := strings.Cut(body, "<tbody>")
	for _, tr := range strings.Split(table, "<tr>")[1:] {
		text := strings.Join(strings.Fields(html.UnescapeString(tags.ReplaceAllString(tr, " "))), " ")
		if ref, _, ok := strings.Cut(text, " "); ok && strings.HasPrefix(ref, "SMS-") {
			order = append(order, ref)
			rows[ref] = text
		}
	}
	apps, _, err := v.ts.store.ApplicationList(context.Background(), db.ApplicationFilter{EditionID: e.ID, PerPage: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range apps {
		ids[strconv.FormatInt(a.ID, 10)] = a.Reference
	}
	for _, id := range form.Values["accept"] {
		ticked = append(ticked, ids[id])
	}
	return order, ticked, rows, body
}

// The case an organiser met (issue 12): 4 seats, at most 30 % from one country, at least 25 %
// students, the only student Ukrainian, and an application without a score. Each row says why
// it is in or out, the rows come in the order chosen, the unscored one is flagged and not
// proposed, and the page warns that the call is open and reviews are missing.
func TestFillSeatsExplainsEachRow(t *testing.T) {
	t.Parallel()
	f := newAdminFixture(t)
	ts, e := f.ts, f.summer
	best := applicantFrom(t, ts, e, "Alena", "CZ", "ngo")
	second := applicantFrom(t, ts, e, "Bohdan", "UA", "ngo")
	third := applicantFrom(t, ts, e, "Dieter", "DE", "ngo")
	fourth := applicantFrom(t, ts, e, "Piotr", "PL", "government")
	czech := applicantFrom(t, ts, e, "Cyril", "CZ", "government")
	student := applicantFrom(t, ts, e, "Oksana", "UA", "student")
	reviewer := signIn(t, ts, f.staff.reviewer.Email)
	for i, a := range []school.Application{best, second, third, fourth, czech, student} {
		sendReview(t, ts, reviewer, a, []int{5, 5, 4, 4, 3, 2}[i], "")
	}
	organiser := signIn(t, ts, f.staff.admin.Email)
	targets := "seats=4&max_country=30&min_sector=student&min_share=25"

	order, ticked, rows, body := fillRows(t, organiser, e, targets)
	unscored := f.app.Reference
	if want := []string{best.Reference, third.Reference, fourth.Reference, student.Reference,
		second.Reference, czech.Reference, unscored}; !slices.Equal(order, want) {
		t.Errorf("rows in the order %v, want %v", order, want)
	}
	if want := []string{best.Reference, third.Reference, fourth.Reference, student.Reference}; !slices.Equal(ticked, want) {
		t.Errorf("ticked %v, want %v", ticked, want)
	}
	for ref, want := range map[string]string{
		best.Reference:    "In: the best score",
		third.Reference:   "In: 3rd best score",
		fourth.Reference:  "In: 4th best score",
		student.Reference: "In: chosen for the “Student” minimum",
		second.Reference:  "Out: Ukraine's cap of 1 is taken by " + student.Reference + " (chosen for the “Student” minimum)",
		czech.Reference:   "cap of 1 is taken by " + best.Reference,
		unscored:          "Out: no score yet",
	} {
		if !strings.Contains(rows[ref], want) {
			t.Errorf("the row of %s says %q, want %q", ref, rows[ref], want)
		}
	}
	if !strings.Contains(rows[unscored], "No score yet") {
		t.Errorf("the unscored application is not flagged: %q", rows[unscored])
	}
	wantText(t, body,
		"The call is open for "+strconv.Itoa(e.DaysLeft(demoNow))+" more days; applications may still arrive.",
		"Of 4 seats, at most 1 from one country.", "Of 4 seats, at least 1 for “Student”.",
		"1 application has no review yet.", "Ranked by the normalised score")
	if e.RequiredReviews > 1 {
		wantText(t, body, "7 applications have fewer reviews than this edition asks for ("+strconv.Itoa(e.RequiredReviews)+" reviews each).")
	}
	if strings.Contains(body, "best score first") {
		t.Error("the page still says best score first")
	}

	// Asked for, the unscored application is ranked after the scored ones; a student from
	// Jordan, it meets the minimum, which frees Ukraine's place for the second best.
	_, ticked, rows, _ = fillRows(t, organiser, e, targets+"&unscored=1")
	if want := []string{best.Reference, second.Reference, third.Reference, unscored}; !slices.Equal(ticked, want) ||
		!strings.Contains(rows[unscored], "In: chosen for the “Student” minimum") {
		t.Errorf("with the unscored included: ticked %v, want %v; its row %q", ticked, want, rows[unscored])
	}

	// A minimum the applications cannot meet is lowered, and the page says so.
	_, _, _, body = fillRows(t, organiser, e, "seats=4&max_country=30&min_sector=student&min_share=50")
	wantText(t, body, "The applications cannot meet the “Student” minimum of 2 within the caps: it was lowered to 1.")

	// Staging the proposal as shown: the ticked offered, the others waiting in the order shown,
	// the unscored left as it is.
	path := "/admin/editions/" + strconv.FormatInt(e.ID, 10) + "/fill"
	_, fillBody := organiser.get(t, path+"?"+targets)
	form := testkit.FormOn(t, path, fillBody, path)
	resp, body := postAsBrowser(t, organiser, path, form.Values)
	wantStatus(t, resp, body, http.StatusSeeOther)
	for a, want := range map[*school.Application]db.StagedDecision{
		&student: {Decision: school.StatusAccepted}, &second: {Decision: school.StatusWaitlisted, WaitlistRank: 1},
		&czech: {Decision: school.StatusWaitlisted, WaitlistRank: 2},
	} {
		got, err := ts.store.StagedDecisionFor(context.Background(), a.ID)
		if err != nil || got.Decision != want.Decision || got.WaitlistRank != want.WaitlistRank {
			t.Errorf("%s staged %+v, %v; want %+v", a.Reference, got, err, want)
		}
	}
	if got, err := ts.store.StagedDecisionFor(context.Background(), f.app.ID); !errors.Is(err, db.ErrNotFound) {
		t.Errorf("the unscored application was staged: %+v, %v", got, err)
	}
}

// Issue 15: a generous and a harsh reviewer. By raw score the generous reviewer's lowest-rated
// application (4.00, normalised −1.41) is proposed ahead of the harsh reviewer's middle one
// (2.00, normalised 0.00); once both have scored three applications the normalised score ranks,
// and it is no longer. The list sorts by either, and both pages say which ranks.
func TestNormalisedScoreRanksOnceEveryReviewerHasScoredAFew(t *testing.T) {
	t.Parallel()
	f := newAdminFixture(t)
	ts, e := f.ts, f.summer
	harshUser := createUser(t, ts, "harsh@school.test", school.RoleReviewer)
	if err := ts.store.AssignStaff(context.Background(), harshUser.ID, e.ID); err != nil {
		t.Fatal(err)
	}
	generous, harsh := signIn(t, ts, f.staff.reviewer.Email), signIn(t, ts, harshUser.Email)
	apps := map[string]school.Application{}
	for _, name := range []string{"Anna", "Boris", "Cecilie", "Dana", "Emil", "Filip"} {
		apps[name] = applicantFrom(t, ts, e, name, "CZ", "student")
	}
	sendReview(t, ts, generous, apps["Anna"], 5, "")
	sendReview(t, ts, generous, apps["Boris"], 5, "")
	sendReview(t, ts, generous, apps["Cecilie"], 4, "")
	sendReview(t, ts, harsh, apps["Dana"], 2, "")
	sendReview(t, ts, harsh, apps["Emil"], 3, "")
	organiser := signIn(t, ts, f.staff.admin.Email)
	cecilie, dana := apps["Cecilie"].Reference, apps["Dana"].Reference

	// The harsh reviewer has scored two: the raw score still ranks.
	_, ticked, rows, body := fillRows(t, organiser, e, "seats=4")
	wantText(t, body, "Ranked by the raw score, the mean of the reviews. Chosen automatically until every reviewer has scored at least 3 applications")
	if !slices.Contains(ticked, cecilie) {
		t.Errorf("by raw score, %s (4.00) is not ticked: %v", cecilie, ticked)
	}

	sendReview(t, ts, harsh, apps["Filip"], 1, "")
	_, ticked, rows, body = fillRows(t, organiser, e, "seats=4")
	wantText(t, body, "Ranked by the normalised score")
	if slices.Contains(ticked, cecilie) || !slices.Contains(ticked, dana) {
		t.Errorf("by normalised score, ticked %v: want %s (0.00) and not %s (−1.41)", ticked, dana, cecilie)
	}
	// A zero reads 0.00, without a sign.
	if !strings.Contains(rows[cecilie], "-1.41") || !strings.Contains(rows[dana], " 0.00") || strings.Contains(rows[dana], "+0.00") {
		t.Errorf("normalised scores: %q, %q", rows[cecilie], rows[dana])
	}

	// The list sorts by either score, and says which ranks.
	list := "/admin/editions/" + strconv.FormatInt(e.ID, 10) + "/applications"
	position := func(query string) (int, int) {
		t.Helper()
		resp, body := organiser.get(t, list+"?"+query)
		wantStatus(t, resp, body, http.StatusOK)
		wantText(t, body, "Ranked by the normalised score")
		text := testkit.MainText(t, body)
		return strings.Index(text, cecilie), strings.Index(text, dana)
	}
	if c, d := position("sort=score"); c > d {
		t.Errorf("by score, %s (2.00) comes before %s (4.00)", dana, cecilie)
	}
	if c, d := position("sort=normalised"); d > c {
		t.Errorf("by normalised score, %s (−1.41) comes before %s (0.00)", cecilie, dana)
	}

	// The organiser chooses the raw score for the edition: fill seats follows.
	path := "/admin/editions/" + strconv.FormatInt(e.ID, 10) + "/fill"
	_, fillBody := organiser.get(t, path)
	form := testkit.FormOn(t, path, fillBody, "/admin/editions/"+strconv.FormatInt(e.ID, 10)+"/ranking")
	resp, body := organiser.post(t, form.Action, path, form.With(url.Values{"ranking": {"raw"}}))
	wantStatus(t, resp, body, http.StatusSeeOther)
	_, ticked, _, body = fillRows(t, organiser, e, "seats=4")
	wantText(t, body, "Ranked by the raw score, the mean of the reviews, as chosen for this edition.")
	if !slices.Contains(ticked, cecilie) || slices.Contains(ticked, dana) {
		t.Errorf("by the raw score chosen, ticked %v", ticked)
	}
	// The edition's history says who changed the ranking, from what to what.
	_, body = organiser.get(t, "/admin/editions/"+strconv.FormatInt(e.ID, 10)+"/edit?lang=en")
	wantText(t, testkit.MainText(t, body), "Ranking: Automatic: normalised once every reviewer has scored 3 → Raw score")
}
