package app

import (
	"net/http"
	"strings"
	"testing"

	"registrar/app/testkit"
)

// pageExpires does to the visitor's form what six hours do: its CSRF token is gone from the
// server, and, when cookieToo, the browser has dropped the cookie that held it.
func pageExpires(t testing.TB, ts *testServer, v *visitor, f testkit.Form, cookieToo bool) {
	t.Helper()
	if err := ts.state.Delete(f.Values.Get("_csrf")); err != nil {
		t.Fatal(err)
	}
	if cookieToo {
		v.mu.Lock()
		delete(v.cookies, ts.cookieName("csrf_"))
		v.mu.Unlock()
	}
}

// TestAFormWhosePageExpiredComesBackToSendAgain sends the application form, without
// JavaScript, after its page expired: nothing is stored, and the answer is the form with what
// was typed, a fresh token and a word to send it again; sent again, it is stored once.
func TestAFormWhosePageExpiredComesBackToSendAgain(t *testing.T) {
	t.Parallel()
	ts := newFormServer(t)
	for i, tc := range []struct {
		name, lang string
		cookieToo  bool
		says       string
	}{
		{"the token expired on the server", "en", false, "Nothing was stored yet: the form was open for more than 6 hours"},
		{"the browser dropped its cookie too", "en", true, "Nothing was stored yet: the form was open for more than 6 hours"},
		{"in Czech", "cs", true, "Zatím se nic neuložilo: formulář byl otevřen déle než 6 hodin"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			email := "late" + string(rune('a'+i)) + "@example.org"
			v := ts.visitor()
			target := applyPath(summerSlug) + "?lang=" + tc.lang
			f := v.openForm(t, target, applyPath(summerSlug))
			pageExpires(t, ts, v, f, tc.cookieToo)
			answers := summerAnswers(t, ts, email)
			resp, body := v.submit(t, f, answers, cvFile("cv.pdf"))
			wantStatus(t, resp, body, http.StatusForbidden)
			wantText(t, body, tc.says)
			noApplication(t, ts, email)

			again := testkit.FormOn(t, target, body, applyPath(summerSlug))
			for _, field := range []string{"given_name", "email", "motivation", "sector", "consent_processing", "submission_key", "opened_at"} {
				if got, want := again.Values.Get(field), f.With(answers).Get(field); got != want {
					t.Errorf("the form came back with %s %q, want %q", field, got, want)
				}
			}
			if token := again.Values.Get("_csrf"); token == "" || token == f.Values.Get("_csrf") {
				t.Fatalf("the form came back with the token %q (it had %q)", token, f.Values.Get("_csrf"))
			}
			resp, body = v.post(t, again.Action, again.Page, again.Values, cvFile("cv.pdf"))
			formSent(t, resp, body)
			apps, err := ts.store.ApplicationsByEmail(t.Context(), email)
			if err != nil || len(apps) != 1 || apps[0].CVFileName != "cv.pdf" {
				t.Fatalf("%d applications stored (%v), want 1 with its CV", len(apps), err)
			}
		})
	}
}

// TestAFormFromAnotherSiteIsNotShownBack: a form that another site's page sent (its Origin
// says so) is refused as before, and what it carried is not shown as if typed here.
func TestAFormFromAnotherSiteIsNotShownBack(t *testing.T) {
	t.Parallel()
	ts := newFormServer(t)
	v := ts.visitor()
	f := v.openForm(t, applyPath(summerSlug), applyPath(summerSlug))
	pageExpires(t, ts, v, f, true)
	answers := summerAnswers(t, ts, "forged@example.org")
	answers.Set("given_name", "Forged")
	for _, headers := range []map[string]string{
		{"Origin": "https://evil.example", "Referer": "https://evil.example/page"},
		{"Sec-Fetch-Site": "cross-site", "Origin": "http://example.com"},
		{"Origin": "null"},
	} {
		req, err := multipartBody(applyPath(summerSlug), f.With(answers), cvFile("cv.pdf"))
		if err != nil {
			t.Fatal(err)
		}
		for k, val := range headers {
			req.Header.Set(k, val)
		}
		resp, body, err := v.send(req)
		if err != nil {
			t.Fatal(err)
		}
		wantStatus(t, resp, body, http.StatusForbidden)
		wantText(t, body, "Not allowed", "reload the page")
		if strings.Contains(body, "Forged") {
			t.Errorf("with %v the page shows what the other site sent", headers)
		}
	}
	noApplication(t, ts, "forged@example.org")
}

// TestADraftFormWhosePageExpiredComesBackUnderItsLink: a resumed draft sent after its page
// expired comes back under the draft's link, its CV still received, and sent again applies once;
// "Save and continue later" pressed on an expired page of the edition's form gives the form back
// too, and saves nothing.
func TestADraftFormWhosePageExpiredComesBackUnderItsLink(t *testing.T) {
	_, ts, _ := summerOnAClock(t)
	const email = "draft.late@example.org"
	resp, body := ts.visitor().saveForLater(t, summerSlug, halfAForm(t, ts, email), cvFile("amina-cv.pdf"))
	wantStatus(t, resp, body, http.StatusSeeOther)
	link := draftLinkTo(t, ts, email)
	v := ts.visitor()
	path := strings.Split(link, "?")[0]
	f := v.openForm(t, link, path)
	pageExpires(t, ts, v, f, true)
	answers := summerAnswers(t, ts, email)
	resp, body = v.submit(t, f, answers)
	wantStatus(t, resp, body, http.StatusForbidden)
	wantText(t, body, "Nothing was stored yet", "Received: amina-cv.pdf", "and so are your files: just press the button")
	if strings.Contains(body, "choose your files again") {
		t.Error("the form asks to choose again the CV it shows as received")
	}
	noApplication(t, ts, email)
	again := testkit.FormOn(t, link, body, path)
	if again.Action != path || again.Values.Get("motivation") != answers.Get("motivation") {
		t.Fatalf("the form came back to %s with the motivation %q", again.Action, again.Values.Get("motivation"))
	}
	resp, body = v.post(t, again.Action, again.Page, again.Values)
	formSent(t, resp, body)
	if apps, err := ts.store.ApplicationsByEmail(t.Context(), email); err != nil || len(apps) != 1 || apps[0].CVFileName != "amina-cv.pdf" {
		t.Fatalf("%d applications stored (%v), want 1 with the draft's CV", len(apps), err)
	}

	const saver = "saver.late@example.org"
	resp, body = v.get(t, applyPath(summerSlug))
	wantStatus(t, resp, body, http.StatusOK)
	form := testkit.FormOn(t, applyPath(summerSlug), body, applyPath(summerSlug))
	pageExpires(t, ts, v, form, true)
	resp, body = v.post(t, saveAction(t, body), form.Page, form.With(halfAForm(t, ts, saver)))
	wantStatus(t, resp, body, http.StatusForbidden)
	wantText(t, body, "Nothing was stored yet", "I study how climate change moves people within Jordan.")
	if n := len(draftEmails(t, ts, saver)); n != 0 {
		t.Errorf("%d resume emails for a form whose page expired", n)
	}
}
