package app

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"registrar/app/school"
	"registrar/app/testkit"
)

// sendReview sends the review form of a as v: every criterion scored score, or a conflict of
// interest declared when score is 0.
func sendReview(t testing.TB, ts *testServer, v *visitor, a school.Application, score int, comment string) {
	t.Helper()
	values := url.Values{"comment": {comment}}
	if score == 0 {
		values.Set("conflict", "yes")
	} else {
		rubric, err := ts.store.Rubric(context.Background(), a.EditionID)
		if err != nil || len(rubric) == 0 {
			t.Fatalf("rubric %v, %v", rubric, err)
		}
		for _, c := range rubric {
			values.Set("score_"+strconv.FormatInt(c.ID, 10), strconv.Itoa(score))
		}
	}
	resp, body := v.postAdmin(t, "/admin/applications/"+strconv.FormatInt(a.ID, 10)+"/review", values)
	wantStatus(t, resp, body, http.StatusSeeOther)
}

// applyToSummerWith sends the summer school's form with the demo answers changed by change.
func applyToSummerWith(t testing.TB, ts *testServer, change url.Values, files ...formFile) school.Application {
	t.Helper()
	answers := summerAnswers(t, ts, change.Get("email"))
	for k, v := range change {
		answers[k] = v
	}
	v := ts.visitor()
	f := v.openForm(t, applyPath(summerSlug)+"?lang=en", applyPath(summerSlug))
	resp, body := v.submit(t, f, answers, files...)
	return applicationOf(t, ts, ts.submitted(t, resp, body, answers.Get("email")))
}

// csvRows reads a CSV export.
func csvRows(t testing.TB, body string) [][]string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestReviewersSeeScoresOnlyOfWhatTheyHaveReviewed(t *testing.T) {
	t.Parallel()
	f := newAdminFixture(t)
	ts := f.ts
	second := createUser(t, ts, "second@school.test", school.RoleReviewer)
	if err := ts.store.AssignStaff(context.Background(), second.ID, f.summer.ID); err != nil {
		t.Fatal(err)
	}
	mine := applyToSummer(t, ts, "Bartholomew", "Ashdown", "bart.ashdown@example.org")
	// The second reviewer scores the fixture's application 5 everywhere; the reviewer scores
	// another one 2, which the second reviewer scores too.
	secondV := signIn(t, ts, second.Email)
	sendReview(t, ts, secondV, f.app, 5, "Strong methods section")
	sendReview(t, ts, secondV, mine, 3, "Second opinion on Ashdown")
	reviewer := signIn(t, ts, f.staff.reviewer.Email)
	sendReview(t, ts, reviewer, mine, 2, "")

	list := "/admin/editions/" + strconv.FormatInt(f.summer.ID, 10) + "/applications"
	export := "/admin/editions/" + strconv.FormatInt(f.summer.ID, 10) + "/export.csv?col=reference&col=score"
	appPage := "/admin/applications/" + strconv.FormatInt(f.app.ID, 10)
	minePage := "/admin/applications/" + strconv.FormatInt(mine.ID, 10)
	listed := func(v *visitor, query string) bool {
		t.Helper()
		resp, body := v.get(t, list+"?"+query)
		wantStatus(t, resp, body, http.StatusOK)
		return strings.Contains(body, f.app.Reference)
	}
	exported := func(v *visitor) map[string]string {
		t.Helper()
		resp, body := v.get(t, export)
		wantStatus(t, resp, body, http.StatusOK)
		out := map[string]string{}
		for _, row := range csvRows(t, body)[1:] {
			out[row[0]] = row[1]
		}
		return out
	}

	check := func(t *testing.T, notice string) {
		// The list shows no score of the application the reviewer has not reviewed.
		resp, body := reviewer.get(t, list)
		wantStatus(t, resp, body, http.StatusOK)
		if text := testkit.MainText(t, body); strings.Contains(text, "5.00") {
			t.Errorf("the list shows the score 5.00 of an application the reviewer has not reviewed\n%s", text)
		}
		wantText(t, body, "2.50") // the mean of the one they reviewed
		// No filter by score tells it either: the application passes no score bound.
		if listed(reviewer, "min_score=4.5") || listed(reviewer, "min_score=1") || listed(reviewer, "max_score=5") {
			t.Error("a score filter lists an application the reviewer has not reviewed")
		}
		// Sorting by score puts the reviewed ones first, the rest as if they had no score.
		resp, body = reviewer.get(t, list+"?sort=score")
		wantStatus(t, resp, body, http.StatusOK)
		if i, j := strings.Index(body, mine.Reference), strings.Index(body, f.app.Reference); i < 0 || j < 0 || i > j {
			t.Errorf("sorted by score, %s (5.00, not reviewed) comes before %s (2.50, reviewed)", f.app.Reference, mine.Reference)
		}
		// The export's score column is empty for it.
		scores := exported(reviewer)
		if scores[f.app.Reference] != "" || scores[mine.Reference] != "2.50" {
			t.Errorf("the reviewer's export has the scores %q", scores)
		}
		// Its page shows no other review.
		resp, body = reviewer.get(t, appPage)
		wantStatus(t, resp, body, http.StatusOK)
		for _, hidden := range []string{"Strong methods section", second.Email, "5.00"} {
			if strings.Contains(body, hidden) {
				t.Errorf("the page of an application the reviewer has not reviewed shows %q", hidden)
			}
		}
		wantText(t, body, notice)
	}
	t.Run("before reviewing", func(t *testing.T) {
		check(t, "Other reviewers' scores are shown once you have submitted your own.")
	})
	// A conflict of interest is no review: it opens nothing.
	sendReview(t, ts, reviewer, f.app, 0, "I supervised this applicant")
	t.Run("after declaring a conflict", func(t *testing.T) {
		check(t, "You declared a conflict of interest, so other reviewers' scores and comments stay hidden from you.")
	})

	// Once reviewed, the others' reviews are shown.
	resp, body := reviewer.get(t, minePage)
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "Second opinion on Ashdown", second.Name+" · ")

	// Organisers see every score, filter and sort by them.
	organiser := signIn(t, ts, f.staff.organiser.Email)
	if !listed(organiser, "min_score=4.5") {
		t.Error("the organiser's score filter lost the application scored 5")
	}
	resp, body = organiser.get(t, list+"?sort=score")
	wantStatus(t, resp, body, http.StatusOK)
	if i, j := strings.Index(body, f.app.Reference), strings.Index(body, mine.Reference); i < 0 || i > j {
		t.Error("the organiser's list sorted by score does not put 5.00 first")
	}
	if scores := exported(organiser); scores[f.app.Reference] != "5.00" || scores[mine.Reference] != "2.50" {
		t.Errorf("the organiser's export has the scores %q", scores)
	}
	resp, body = organiser.get(t, appPage)
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "Strong methods section", "I supervised this applicant")
}

func TestReviewersNeverSeeHealthAnswers(t *testing.T) {
	t.Parallel()
	f := newAdminFixture(t)
	ts := f.ts
	a := applyToSummerWith(t, ts, url.Values{"email": {"pat.health@example.org"},
		"dietary": {"Coeliac, no gluten at all"}, "accessibility": {"Wheelchair user, step-free rooms"}},
		cvFile("health-cv.pdf"))
	health := []string{"Coeliac, no gluten at all", "Wheelchair user, step-free rooms"}
	base := "/admin/editions/" + strconv.FormatInt(f.summer.ID, 10)
	page := "/admin/applications/" + strconv.FormatInt(a.ID, 10)
	exports := []string{base + "/export.csv?col=reference&col=dietary&col=accessibility",
		base + "/export.csv?cols=reference,dietary,accessibility", base + "/export.csv?list=participants"}

	reviewer := signIn(t, ts, f.staff.reviewer.Email)
	for _, path := range append([]string{page, page + "/review", base + "/applications"}, exports...) {
		resp, body := reviewer.get(t, path)
		wantStatus(t, resp, body, http.StatusOK)
		for _, h := range append(health, "Dietary needs", "Accessibility needs") {
			if strings.Contains(body, h) {
				t.Errorf("the reviewer's %s shows %q", path, h)
			}
		}
	}
	// Having reviewed changes nothing.
	sendReview(t, ts, reviewer, a, 4, "")
	resp, body := reviewer.get(t, page)
	wantStatus(t, resp, body, http.StatusOK)
	for _, h := range health {
		if strings.Contains(body, h) {
			t.Errorf("after reviewing, the page shows %q", h)
		}
	}

	organiser := signIn(t, ts, f.staff.organiser.Email)
	resp, body = organiser.get(t, page)
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, health...)
	resp, body = organiser.get(t, exports[0])
	wantStatus(t, resp, body, http.StatusOK)
	for _, h := range health {
		if !strings.Contains(body, h) {
			t.Errorf("the organiser's export lost %q", h)
		}
	}
}
