package app

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"registrar/app/testkit"
)

func TestTheReviewPageShowsTheCVFilesAndLeadsToTheApplication(t *testing.T) {
	t.Parallel()
	f := newAdminFixture(t)
	id := strconv.FormatInt(f.app.ID, 10)
	cv := "/admin/applications/" + id + "/files/" + strconv.FormatInt(f.app.CVUploadID, 10) + "?inline=1"
	for _, email := range []string{f.staff.reviewer.Email, f.staff.organiser.Email} {
		v := signIn(t, f.ts, email)
		resp, body := v.get(t, "/admin/applications/"+id+"/review")
		wantStatus(t, resp, body, http.StatusOK)
		for _, want := range []string{
			`<a href="/admin/applications/` + id + `">Open the whole application</a>`,
			`<iframe class="cv-frame" src="` + cv + `"`,
			`<a href="` + cv + `">quartermaine-cv.pdf</a>`,
		} {
			if !strings.Contains(strings.ReplaceAll(body, "&amp;", "&"), want) {
				t.Errorf("%s's review page lacks %s\n%s", email, want, testkit.MainText(t, body))
			}
		}
		// The link opens the CV in the browser.
		resp, _ = v.get(t, cv)
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "inline") {
			t.Errorf("the CV link answers %d, %q", resp.StatusCode, resp.Header.Get("Content-Disposition"))
		}
	}
}

func TestTheEndOfTheReviewQueueSaysWhatIsLeftAndLeadsBack(t *testing.T) {
	t.Parallel()
	f := newAdminFixture(t)
	ctx := context.Background()
	edition := "/admin/editions/" + strconv.FormatInt(f.summer.ID, 10)
	applyToSummer(t, f.ts, "Yusuf", "Amari", "yusuf.amari@example.org")
	applyToSummer(t, f.ts, "Ines", "Baptista", "ines.baptista@example.org")
	v := signIn(t, f.ts, f.staff.reviewer.Email)
	queue, err := f.ts.store.ReviewQueue(ctx, f.summer.ID, f.staff.reviewer.ID, 1000)
	if err != nil || len(queue) < 2 {
		t.Fatalf("the reviewer's queue: %d, %v", len(queue), err)
	}
	sendReview(t, f.ts, v, queue[0], 0, "I know her") // a conflict of interest
	for _, a := range queue[1:] {
		sendReview(t, f.ts, v, a, 4, "")
	}
	resp, body := v.get(t, edition+"/review?next=1")
	wantStatus(t, resp, body, http.StatusOK)
	text := testkit.MainText(t, body)
	reviewed := len(queue) - 1
	want := []string{"Nothing waits for your review",
		"You have reviewed " + strconv.Itoa(reviewed) + " applications of this edition.",
		"You declared a conflict of interest on 1 more."}
	if f.summer.RequiredReviews > 1 {
		// Nobody else reviewed: every application still needs more.
		want = append(want, strconv.Itoa(len(queue))+" applications still have fewer reviews than the edition asks for.")
	} else {
		// One review each: only the one with the conflict waits for someone else.
		want = append(want, "1 application still has fewer reviews than the edition asks for.")
	}
	wantText(t, text, want...)
	if !strings.Contains(body, `href="`+edition+`">Back to the edition&#39;s overview</a>`) {
		t.Errorf("the end of the queue does not lead back to the edition:\n%s", text)
	}
}
