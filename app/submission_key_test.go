package app

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	"registrar/app/testkit"
)

// TestTheSameFormSentAgainIsStoredOnce sends one application form several times, as a retry
// after a dropped connection, a double click or a copy kept offline do: one application, one
// receipt, and each time the page after sending.
func TestTheSameFormSentAgainIsStoredOnce(t *testing.T) {
	t.Parallel()
	ts := newFormServer(t)
	ctx := context.Background()

	t.Run("one after the other", func(t *testing.T) {
		v := ts.visitor()
		f := v.openForm(t, applyPath(summerSlug), applyPath(summerSlug))
		if key := f.Values.Get("submission_key"); len(key) != 32 {
			t.Fatalf("the form's submission key is %q", key)
		}
		answers := summerAnswers(t, ts, "retry@example.org")
		resp, body := v.submit(t, f, answers, cvFile("cv.pdf"))
		formSent(t, resp, body)
		first := resp.Header.Get("Location")
		_, firstPage := v.get(t, first)
		for range 2 {
			resp, body = v.submit(t, f, answers, cvFile("cv.pdf"))
			formSent(t, resp, body)
			if loc := resp.Header.Get("Location"); loc != first {
				t.Errorf("sent again it goes to %s, the first time to %s", loc, first)
			}
			_, page := v.get(t, resp.Header.Get("Location"))
			if testkit.MainText(t, page) != testkit.MainText(t, firstPage) {
				t.Errorf("the page after sending again differs:\n%s", testkit.MainText(t, page))
			}
		}
		onceWithOneReceipt(t, ts, "retry@example.org")
	})

	t.Run("twice at once", func(t *testing.T) {
		v := ts.visitor()
		f := v.openForm(t, applyPath(summerSlug), applyPath(summerSlug))
		values := f.With(summerAnswers(t, ts, "double@example.org"))
		var wg sync.WaitGroup
		codes := make([]int, 2)
		for i := range codes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				resp, _, err := v.tryPost(f.Action, f.Page, values, cvFile("cv.pdf"))
				if err != nil {
					t.Error(err)
					return
				}
				codes[i] = resp.StatusCode
			}()
		}
		wg.Wait()
		if codes[0] != http.StatusSeeOther || codes[1] != http.StatusSeeOther {
			t.Errorf("the two requests answered %v, want 303 both", codes)
		}
		onceWithOneReceipt(t, ts, "double@example.org")
	})

	t.Run("a new form with the same address still hears it applied", func(t *testing.T) {
		v := ts.visitor()
		resp, body := v.apply(t, summerSlug, summerAnswers(t, ts, "retry@example.org"), cvFile("cv.pdf"))
		formSent(t, resp, body)
		apps, err := ts.store.ApplicationsByEmail(ctx, "retry@example.org")
		if err != nil || len(apps) != 1 {
			t.Fatalf("%d applications (%v)", len(apps), err)
		}
		if got := strings.Join(templatesOf(emailsOf(t, ts, apps[0].ID)), ","); got != "application_received,already_applied" {
			t.Errorf("queued emails %s", got)
		}
	})
}

// onceWithOneReceipt checks that email applied once and was sent one receipt, and nothing else.
func onceWithOneReceipt(t testing.TB, ts *testServer, email string) {
	t.Helper()
	apps, err := ts.store.ApplicationsByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	if len(apps) != 1 {
		t.Fatalf("%d applications stored for %s, want 1", len(apps), email)
	}
	if got := strings.Join(templatesOf(emailsOf(t, ts, apps[0].ID)), ","); got != "application_received" {
		t.Errorf("queued emails for %s: %s, want one receipt", email, got)
	}
}
