package app

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"registrar/app/school"
	"registrar/app/testkit"
)

// applied is an application made through the form, with the browser that made it.
type applied struct {
	v     *visitor
	token string
	app   school.Application
}

func applyFor(t testing.TB, ts *testServer, email string) applied {
	t.Helper()
	v := ts.visitor()
	token := v.applyOK(t, summerSlug, summerAnswers(t, ts, email), cvFile("cv.pdf"))
	return applied{v: v, token: token, app: applicationOf(t, ts, token)}
}

func (a applied) status() string { return "/status/" + a.token }

func TestStatusLinksThatDoNotExistAreNotFound(t *testing.T) {
	t.Parallel()
	ts := newFormServer(t)
	mine := applyFor(t, ts, "mine@example.org")
	almost := mine.token[:42] + "B"
	if almost == mine.token {
		almost = mine.token[:42] + "C"
	}
	for _, target := range []string{
		"/status/" + strings.Repeat("A", 43),
		"/status/" + almost,
		"/status/short",
		"/status/" + strings.Repeat("x", 200),
		"/status/" + strings.Repeat("A", 43) + "/data.json",
		"/status/" + strings.Repeat("A", 43) + "/edit",
		"/status/" + strings.Repeat("A", 43) + "/withdraw",
		"/status/%27%20OR%201%3D1--aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	} {
		t.Run(target, func(t *testing.T) {
			resp, body := ts.visitor().get(t, target)
			wantStatus(t, resp, body, http.StatusNotFound)
			if strings.Contains(body, "SMS-2027-0001") {
				t.Error("the page shows an application")
			}
		})
	}
	resp, body := mine.v.get(t, mine.status())
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "Application SMS-2027-0001", "Submitted", "Your application is complete")
}

func TestApplicantEditsUntilTheDeadline(t *testing.T) {
	t.Parallel()
	clock := testkit.NewClock(demoNow)
	ts := newTestServerWith(t, clock.Now, func(c *Config) { c.ApplyLimit = 1000 })
	mine := applyFor(t, ts, "editor@example.org")

	t.Run("a change before the deadline is saved", func(t *testing.T) {
		_, page := mine.v.get(t, mine.status())
		if !strings.Contains(page, `href="`+mine.status()+`/edit"`) {
			t.Fatal("the status page offers no edit")
		}
		f := mine.v.openForm(t, mine.status()+"/edit", mine.status()+"/edit")
		if f.Values.Get("motivation") != mine.app.Motivation || f.Values.Get("given_name") != "Amina" {
			t.Errorf("the edit form is not filled with the application: %v", f.Values)
		}
		if _, ok := f.Values["email"]; ok {
			t.Error("the edit form lets the email be changed")
		}
		resp, body := mine.v.submit(t, f, url.Values{"motivation": {"A new motivation, written more carefully."}})
		wantStatus(t, resp, body, http.StatusSeeOther)
		if loc := resp.Header.Get("Location"); loc != mine.status()+"?done=edited" {
			t.Fatalf("redirected to %q", loc)
		}
		resp, body = mine.v.get(t, mine.status()+"?done=edited")
		wantStatus(t, resp, body, http.StatusOK)
		wantText(t, body, "Your changes have been saved.", "A new motivation, written more carefully.",
			"You changed your application", "cv.pdf")

		a := applicationOf(t, ts, mine.token)
		if a.Motivation != "A new motivation, written more carefully." || a.CVUploadID != mine.app.CVUploadID ||
			a.Reference != mine.app.Reference || a.Email != mine.app.Email {
			t.Errorf("after the edit: motivation %q, CV %d, reference %q, email %q", a.Motivation, a.CVUploadID, a.Reference, a.Email)
		}
		if len(a.Answers) != len(mine.app.Answers) {
			t.Errorf("answers %v became %v", mine.app.Answers, a.Answers)
		}
		history, err := ts.store.ApplicationHistory(context.Background(), a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if last := history[len(history)-1]; last.Action != "edit" || last.Actor != "applicant" {
			t.Errorf("last audit entry %+v, want the applicant's edit", last)
		}
	})

	t.Run("a change with a mistake is sent back", func(t *testing.T) {
		f := mine.v.openForm(t, mine.status()+"/edit", mine.status()+"/edit")
		resp, body := mine.v.submit(t, f, url.Values{"motivation": {""}})
		wantStatus(t, resp, body, http.StatusUnprocessableEntity)
		checkFieldError(t, body, "motivation", "Fill this in.")
		if a := applicationOf(t, ts, mine.token); a.Motivation == "" {
			t.Error("the mistake was saved")
		}
	})

	t.Run("after the deadline the application can no longer be changed", func(t *testing.T) {
		clock.Set(summerDeadline.Add(-5 * time.Minute))
		f := mine.v.openForm(t, mine.status()+"/edit", mine.status()+"/edit")
		clock.Set(summerDeadline.Add(11 * time.Minute))
		defer clock.Set(demoNow)

		resp, body := mine.v.get(t, mine.status()+"/edit")
		wantStatus(t, resp, body, http.StatusSeeOther)
		_, page := mine.v.get(t, mine.status())
		if strings.Contains(page, mine.status()+"/edit") {
			t.Error("the status page still offers an edit")
		}
		resp, body = mine.v.submit(t, f, url.Values{"motivation": {"Too late."}})
		wantStatus(t, resp, body, http.StatusForbidden)
		wantText(t, body, "Applications closed on 11 January 2027, 23:59")
		if a := applicationOf(t, ts, mine.token); a.Motivation == "Too late." {
			t.Error("the late change was saved")
		}
	})
}

func TestApplicantWithdrawsAfterConfirming(t *testing.T) {
	t.Parallel()
	ts := newFormServer(t)
	mine := applyFor(t, ts, "withdraw@example.org")

	resp, body := mine.v.get(t, mine.status()+"/withdraw")
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "Withdraw your application", "Do you really want to withdraw?", "SMS-2027-0001")
	if a := applicationOf(t, ts, mine.token); a.Status != school.StatusSubmitted {
		t.Fatalf("opening the confirmation changed the status to %s", a.Status)
	}
	f := testkit.FormOn(t, mine.status()+"/withdraw", body, mine.status()+"/withdraw")

	resp, body = mine.v.submit(t, f, nil)
	wantStatus(t, resp, body, http.StatusSeeOther)
	resp, body = mine.v.get(t, resp.Header.Get("Location"))
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "Your application has been withdrawn.", "Withdrawn", "You withdrew your application.")
	if strings.Contains(body, mine.status()+"/withdraw") || strings.Contains(body, mine.status()+"/edit") {
		t.Error("a withdrawn application still offers to withdraw or edit")
	}
	got := templatesOf(emailsOf(t, ts, mine.app.ID))
	if strings.Join(got, ",") != "application_received,withdrawn" {
		t.Errorf("emails %v, want the receipt and the withdrawal", got)
	}

	t.Run("withdrawing twice is refused politely", func(t *testing.T) {
		resp, body := mine.v.submit(t, f, nil)
		wantStatus(t, resp, body, http.StatusBadRequest)
		wantText(t, body, "This application can no longer be withdrawn.")
		if n := len(emailsOf(t, ts, mine.app.ID)); n != 2 {
			t.Errorf("%d emails queued, want 2", n)
		}
	})
}

func TestApplicantDownloadsTheirData(t *testing.T) {
	t.Parallel()
	ts := newFormServer(t)
	mine := applyFor(t, ts, "data@example.org")
	resp, body := mine.v.get(t, mine.status()+"/data.json")
	wantStatus(t, resp, body, http.StatusOK)
	if cd := resp.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") || !strings.Contains(cd, "sms-2027-0001.json") {
		t.Errorf("Content-Disposition %q", cd)
	}
	if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
		t.Errorf("Cache-Control %q", cc)
	}
	var export struct {
		Edition     string
		Application school.Application
		Answers     map[string]string
	}
	if err := json.Unmarshal([]byte(body), &export); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, body)
	}
	if export.Application.Reference != "SMS-2027-0001" || export.Application.Email != "data@example.org" ||
		export.Edition != "Summer School on Migration Studies 2027" {
		t.Errorf("exported %q, %q, %q", export.Application.Reference, export.Application.Email, export.Edition)
	}
	if got := export.Answers["Which theme of the programme matters most to your work?"]; got != "Climate and mobility" {
		t.Errorf("exported answers %v", export.Answers)
	}
	if strings.Contains(body, mine.token) {
		t.Error("the export contains the status link's secret")
	}
}

func TestErasureRequestIsAcknowledgedAndRemembered(t *testing.T) {
	t.Parallel()
	ts := newFormServer(t)
	mine := applyFor(t, ts, "erase@example.org")
	_, page := mine.v.get(t, mine.status())
	f := testkit.FormOn(t, mine.status(), page, mine.status()+"/erasure")
	resp, body := mine.v.submit(t, f, nil)
	wantStatus(t, resp, body, http.StatusSeeOther)
	resp, body = mine.v.get(t, resp.Header.Get("Location"))
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "Your request to erase your data has been received.")

	resp, body = mine.v.get(t, mine.status())
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "You asked for your data to be erased on 27 November 2026")
	if strings.Contains(body, mine.status()+"/erasure") {
		t.Error("the page still offers to ask for erasure")
	}
	if a := applicationOf(t, ts, mine.token); !a.ErasureAsked.Equal(demoNow) {
		t.Errorf("erasure asked at %v", a.ErasureAsked)
	}
}

func TestLostLinkTellsAStrangerNothing(t *testing.T) {
	t.Parallel()
	ts := newFormServer(t)
	mine := applyFor(t, ts, "lost@example.org")
	// Earlier links keep working when a new one is sent: anyone can ask for a link, and that
	// must not break the applicant's bookmark.
	receipt := statusLinkInEmail.FindStringSubmatch(emailsOf(t, ts, mine.app.ID)[0].Text)
	if receipt == nil {
		t.Fatal("the receipt has no status link")
	}

	ask := func(t *testing.T, email string) string {
		t.Helper()
		v := ts.visitor()
		f := v.openForm(t, "/status/lost", "/status/lost")
		resp, body := v.submit(t, f, url.Values{"email": {email}})
		wantStatus(t, resp, body, http.StatusOK)
		return strings.ReplaceAll(testkit.MainText(t, body), email, "EMAIL")
	}
	before := queuedCount(t, ts)
	stranger := ask(t, "nobody@example.org")
	if n := queuedCount(t, ts); n != before {
		t.Errorf("an unknown address queued %d emails", n-before)
	}
	applicant := ask(t, "LOST@example.org")
	if stranger != applicant {
		t.Errorf("the pages differ:\nunknown:   %s\napplicant: %s", stranger, applicant)
	}
	if !strings.Contains(applicant, "If EMAIL has applied, a new link is on its way.") {
		t.Errorf("the page says: %s", applicant)
	}
	emails := emailsOf(t, ts, mine.app.ID)
	if got := templatesOf(emails); strings.Join(got, ",") != "application_received,status_link" {
		t.Fatalf("emails %v, want the receipt and one status link", got)
	}
	if n := queuedCount(t, ts); n != before+1 {
		t.Errorf("%d emails queued in all, want %d", n, before+1)
	}

	fresh := statusLinkInEmail.FindStringSubmatch(emails[1].Text)
	if fresh == nil {
		t.Fatalf("the email has no link:\n%s", emails[1].Text)
	}
	for _, old := range []string{mine.token, receipt[1]} {
		resp, body := mine.v.get(t, "/status/"+old)
		wantStatus(t, resp, body, http.StatusOK)
	}
	resp, body := ts.visitor().get(t, "/status/"+fresh[1])
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "SMS-2027-0001")

	t.Run("an address that is not one is sent back", func(t *testing.T) {
		v := ts.visitor()
		f := v.openForm(t, "/status/lost", "/status/lost")
		resp, body := v.submit(t, f, url.Values{"email": {"not an address"}})
		wantStatus(t, resp, body, http.StatusUnprocessableEntity)
		wantText(t, body, "Enter an email address like name@example.org.")
	})
	t.Run("without the CSRF token it is forbidden", func(t *testing.T) {
		v := ts.visitor()
		f := v.openForm(t, "/status/lost", "/status/lost")
		resp, body := v.submit(t, f, url.Values{"email": {"lost@example.org"}, "_csrf": nil})
		wantStatus(t, resp, body, http.StatusForbidden)
		if n := len(emailsOf(t, ts, mine.app.ID)); n != 2 {
			t.Errorf("%d emails queued, want 2", n)
		}
	})
}

func TestStatusPageIsInTheVisitorsLanguage(t *testing.T) {
	t.Parallel()
	ts := newFormServer(t)
	mine := applyFor(t, ts, "jazyk@example.org")
	resp, body := mine.v.get(t, mine.status()+"?lang=cs")
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "Přihláška SMS-2027-0001", "Podána")
	if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
		t.Errorf("the status page may be cached: %q", cc)
	}
}
