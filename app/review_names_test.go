package app

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"registrar/app/school"
	"registrar/app/testkit"
)

// The application page names each review by its reviewer's name, as staff know each other, not
// by their email address.
func TestReviewsOnTheApplicationPageNameTheReviewer(t *testing.T) {
	t.Parallel()
	f := newAdminFixture(t)
	ctx := context.Background()
	rubric, err := f.ts.store.Rubric(ctx, f.summer.ID)
	if err != nil {
		t.Fatal(err)
	}
	scores := map[int64]int{}
	for _, c := range rubric {
		scores[c.ID] = 4
	}
	if err := f.ts.store.SubmitReview(ctx, school.Review{ApplicationID: f.app.ID, ReviewerID: f.staff.reviewer.ID,
		Scores: scores, Comment: "A clear motivation."}, "test", demoNow); err != nil {
		t.Fatal(err)
	}
	resp, body := signIn(t, f.ts, f.staff.organiser.Email).get(t, "/admin/applications/"+strconv.FormatInt(f.app.ID, 10)+"?lang=en")
	wantStatus(t, resp, body, http.StatusOK)
	text := testkit.MainText(t, body)
	reviews := text[strings.Index(text, "Reviews"):]
	if !strings.Contains(reviews, f.staff.reviewer.Name+" · ") {
		t.Errorf("the review is not headed by its reviewer's name %q:\n%s", f.staff.reviewer.Name, reviews)
	}
	if strings.Contains(reviews, f.staff.reviewer.Email) {
		t.Errorf("the reviews show the reviewer's address %s:\n%s", f.staff.reviewer.Email, reviews)
	}
}
