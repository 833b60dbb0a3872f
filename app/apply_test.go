package app

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"

	"registrar/app/school"
	"registrar/app/testkit"
	"registrar/db"
)

func TestValidApplicationIsStoredWithItsReceipt(t *testing.T) {
	t.Parallel()
	ts := newFormServer(t)
	v := ts.visitor()
	resp, body := v.apply(t, summerSlug, summerAnswers(t, ts, "amina@example.org"), cvFile("cv.pdf"))
	token := ts.submitted(t, resp, body, "amina@example.org")
	resp, body = v.get(t, resp.Header.Get("Location"))
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, testkit.MainText(t, body), "Thank you", "We have sent an email to the address you gave")

	resp, body = v.get(t, "/status/"+token)
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "SMS-2027-0001", "Submitted", "Amina", "Climate and mobility")

	a := applicationOf(t, ts, token)
	if a.Reference != "SMS-2027-0001" || a.Email != "amina@example.org" || a.CVFileName != "cv.pdf" {
		t.Errorf("stored %q for %q with CV %q", a.Reference, a.Email, a.CVFileName)
	}
	if a.Status != school.StatusSubmitted || a.Lang != "en" || !a.FeeWaiver || !a.VisaLetter {
		t.Errorf("stored status %q, language %q, fee waiver %v, visa letter %v", a.Status, a.Lang, a.FeeWaiver, a.VisaLetter)
	}
	granted := map[school.ConsentKind]bool{}
	for _, c := range a.Consents {
		granted[c.Kind] = c.Granted
		// The consents name the default privacy notice, which the form linked.
		if c.Version != (school.PrivacyNotice{}).ConsentVersion() || !c.At.Equal(demoNow) {
			t.Errorf("consent %s stored with wording %q at %v", c.Kind, c.Version, c.At)
		}
	}
	if !granted[school.ConsentProcessing] || !granted[school.ConsentMailings] || granted[school.ConsentPhotos] {
		t.Errorf("consents stored as %v", granted)
	}
	history, err := ts.store.ApplicationHistory(context.Background(), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(history) != 1 || history[0].Action != "submit" {
		t.Errorf("audit entries %+v, want one submit", history)
	}
	emails := emailsOf(t, ts, a.ID)
	if got := templatesOf(emails); len(got) != 1 || got[0] != "application_received" {
		t.Fatalf("queued emails %v, want one application_received", got)
	}
	m := emails[0]
	if m.To != "amina@example.org" || m.Lang != "en" || !strings.Contains(m.Subject, "SMS-2027-0001") {
		t.Errorf("receipt to %q in %q, subject %q", m.To, m.Lang, m.Subject)
	}
	// The receipt carries a status link of its own, to the same application.
	link := statusLinkInEmail.FindStringSubmatch(m.Text)
	if link == nil {
		t.Fatalf("the receipt has no status link:\n%s", m.Text)
	}
	if applicationOf(t, ts, link[1]).ID != a.ID {
		t.Error("the receipt's link opens another application")
	}
}

func TestApplicationFormAsksWhatTheEditionAsks(t *testing.T) {
	t.Parallel()
	ts := newFormServer(t)
	f := ts.visitor().openForm(t, applyPath(summerSlug), applyPath(summerSlug))
	for _, name := range []string{"_csrf", "opened_at", "website", "given_name", "date_of_birth",
		"nationality", "motivation", "referee_name", "dietary", "heard_from"} {
		if _, ok := f.Values[name]; !ok {
			t.Errorf("the form has no field %q", name)
		}
	}
	if f.Values.Get("_csrf") == "" || f.Values.Get("opened_at") == "" {
		t.Errorf("the form's hidden _csrf %q and opened_at %q should be filled", f.Values.Get("_csrf"), f.Values.Get("opened_at"))
	}
}

// badCase is one mistake in the application form and what the applicant is told.
type badCase struct {
	name    string
	change  url.Values // applied to summerAnswers; no values leaves the field out
	files   []formFile // nil sends cv.pdf
	field   string
	message string
	notKept bool // the field's value cannot be shown again as typed
}

func TestBadApplicationsAreSentBackWithEverythingKept(t *testing.T) {
	t.Parallel()
	ts := newFormServer(t)
	q := questionFields(t, ts, summerSlug)
	const required = "Fill this in."
	var cases []badCase
	for field, message := range map[string]string{"given_name": required, "family_name": required,
		"email":         "Type your email address, for example name@example.org.",
		"date_of_birth": "Type your date of birth as year-month-day, for example 1998-04-23.",
		"nationality":   "Choose a country from the list.", "residence": "Choose a country from the list.",
		"institution": required, "field_of_study": required, "highest_degree": "Choose one from the list.",
		"english_level": "Choose one from the list.", "motivation": required} {
		cases = append(cases, badCase{name: "without " + field, change: url.Values{field: {""}},
			field: field, message: message})
	}
	for _, field := range []string{"sector", q[school.QuestionSingle], q[school.QuestionYesNo]} {
		cases = append(cases, badCase{name: "without a choice in " + field, change: url.Values{field: nil},
			field: field, message: "Choose one of the options."})
	}
	bigPDF := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("0"), MaxUploadBytes)...)
	bigPDF = append(bigPDF, "\n%%EOF\n"...)
	cases = append(cases,
		badCase{name: "without a CV", files: []formFile{}, field: "cv",
			message: "Choose your CV: a PDF file of at most 5 MB."},
		badCase{name: "without consent to processing", change: url.Values{"consent_processing": nil},
			field: "consent_processing", message: "Tick the box to agree: we cannot process your application without this consent."},
		badCase{name: "with a motivation of 501 words",
			change: url.Values{"motivation": {strings.TrimSpace(strings.Repeat("migration ", 501))}},
			field:  "motivation", message: "Your motivation has 501 words; please shorten it to at most 500."},
		badCase{name: "with a malformed email", change: url.Values{"email": {"amina@"}},
			field: "email", message: "Enter an email address like name@example.org."},
		badCase{name: "with a referee email that is not one", change: url.Values{"referee_email": {"lina at example"}},
			field: "referee_email", message: "Enter an email address like name@example.org."},
		badCase{name: "with a date of birth in the future", change: url.Values{"date_of_birth": {"2030-01-01"}},
			field: "date_of_birth", message: "The date of birth must be in the past."},
		badCase{name: "with a date of birth a typo put a thousand years back", change: url.Values{"date_of_birth": {"0998-04-23"}},
			field: "date_of_birth", message: "Check the year of birth: that date is more than 120 years ago."},
		badCase{name: "with a date of birth that is not a date", change: url.Values{"date_of_birth": {"23/04/1998"}},
			field: "date_of_birth", message: "Type your date of birth as year-month-day, for example 1998-04-23."},
		badCase{name: "with a country that does not exist", change: url.Values{"nationality": {"XX"}},
			field: "nationality", message: "Choose a country from the list.", notKept: true},
		badCase{name: "with an option the question does not offer", change: url.Values{q[school.QuestionSingle]: {"Astrology"}},
			field: q[school.QuestionSingle], message: "Choose one of the options.", notKept: true},
		badCase{name: "with a fee waiver but no reason", change: url.Values{"fee_waiver_reason": {""}},
			field: "fee_waiver_reason", message: required},
		badCase{name: "with an executable renamed .pdf", files: []formFile{{Field: "cv", Name: "cv.pdf",
			Data: append([]byte("MZ\x90\x00\x03\x00\x00\x00"), bytes.Repeat([]byte{0}, 4096)...)}},
			field: "cv", message: "This file is not a PDF. Please save your CV as PDF and choose it again."},
		badCase{name: "with a web page renamed .pdf", files: []formFile{{Field: "cv", Name: "cv.pdf",
			Data: []byte("<html><body>%PDF-1.4 %%EOF</body></html>")}},
			field: "cv", message: "This file is not a PDF. Please save your CV as PDF and choose it again."},
		badCase{name: "with a PDF over 5 MB", files: []formFile{{Field: "cv", Name: "big.pdf", Data: bigPDF}},
			field: "cv", message: "This file is too large. A file may have at most 5 MB."},
		badCase{name: "with bytes that are not UTF-8 in a name", change: url.Values{"given_name": {"Am\xffina\xc3"}},
			field: "given_name", message: "This contains characters that could not be read. Please type it again.", notKept: true},
		badCase{name: "with bytes that are not UTF-8 in the motivation", change: url.Values{"motivation": {"I \xed\xa0\x80 study"}},
			field: "motivation", message: "This contains characters that could not be read. Please type it again.", notKept: true},
	)
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			email := fmt.Sprintf("bad%d@example.org", i)
			answers := summerAnswers(t, ts, email)
			for k, v := range tc.change {
				answers[k] = v
			}
			files := tc.files
			if files == nil {
				files = []formFile{cvFile("cv.pdf")}
			}
			v := ts.visitor()
			f := v.openForm(t, applyPath(summerSlug), applyPath(summerSlug))
			sent := f.With(answers)
			resp, body := v.post(t, f.Action, f.Page, sent, files...)
			wantStatus(t, resp, body, http.StatusUnprocessableEntity)
			if !utf8.ValidString(body) {
				t.Error("the page is not valid UTF-8")
			}
			checkFieldError(t, body, tc.field, tc.message)

			kept := testkit.FormOn(t, f.Page, body, applyPath(summerSlug))
			for name, values := range sent {
				if name == tc.field && tc.notKept {
					continue
				}
				if name == "_csrf" || name == "opened_at" {
					if kept.Values.Get(name) == "" {
						t.Errorf("the form sent back lost its %s", name)
					}
					continue
				}
				if got := kept.Values[name]; strings.Join(got, "|") != strings.Join(values, "|") {
					t.Errorf("the form sent back has %s = %q, the applicant typed %q", name, got, values)
				}
			}
			noApplication(t, ts, email)
		})
	}
}

// noApplication checks nothing was stored for an email.
func noApplication(t testing.TB, ts *testServer, email string) {
	t.Helper()
	apps, err := ts.store.ApplicationsByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	if len(apps) != 0 {
		t.Errorf("an application was stored for %s", email)
	}
}

// checkFieldError checks a form page lists the field's message in its error summary, linking to
// the field, and shows the message beside the field.
func checkFieldError(t testing.TB, body, field, message string) {
	t.Helper()
	doc := testkit.ParseHTML(t, body)
	if testkit.ByID(doc, "error-summary-title") == nil {
		t.Errorf("the page has no error summary")
	}
	linked := false
	testkit.Walk(doc, func(n *html.Node) bool {
		if n.Type == html.ElementNode && n.Data == "a" {
			if href, _ := testkit.Attr(n, "href"); href == "#"+field && strings.Contains(testkit.Text(n), message) {
				linked = true
			}
		}
		return true
	})
	if !linked {
		t.Errorf("the error summary does not link to %s with %q; the page says:\n%s", field, message, testkit.MainText(t, body))
	}
	beside := testkit.ByID(doc, field+"-error")
	if beside == nil {
		t.Fatalf("no message beside %s", field)
	}
	if got := strings.TrimSpace(testkit.Text(beside)); got != message {
		t.Errorf("beside %s: %q, want %q", field, got, message)
	}
	if testkit.ByID(doc, field) == nil {
		t.Errorf("the summary links to #%s, but no element has that id", field)
	}
}

// A script typed into any text field must reach every page and email as text.
const scriptPayload = `<script>alert("pwned")</script><img src=x onerror=alert(1)>`

func checkNoMarkup(t testing.TB, where, body string) {
	t.Helper()
	for _, raw := range []string{"<script>alert", "<img src=x"} {
		if strings.Contains(body, raw) {
			t.Errorf("%s contains the raw %q", where, raw)
		}
	}
	if !strings.Contains(body, "&lt;script&gt;alert(") {
		t.Errorf("%s does not show the typed script as text", where)
	}
}

func TestMarkupTypedIntoTheFormIsShownAsText(t *testing.T) {
	t.Parallel()
	ts := newFormServer(t)
	q := questionFields(t, ts, summerSlug)
	answers := summerAnswers(t, ts, "markup@example.org")
	textFields := []string{"given_name", "family_name", "institution", "field_of_study", "motivation",
		"referee_name", "fee_waiver_reason", "dietary", "accessibility", q[school.QuestionLongText]}
	for _, f := range textFields {
		answers[f] = []string{scriptPayload}
	}
	cv := formFile{Field: "cv", Name: "<img src=x onerror=alert(2)>.pdf", Data: minimalPDF("markup")}
	v := ts.visitor()

	t.Run("the form sent back escapes it and keeps it", func(t *testing.T) {
		wrong := url.Values{}
		for k, vs := range answers {
			wrong[k] = vs
		}
		wrong["consent_processing"] = nil
		f := v.openForm(t, applyPath(summerSlug), applyPath(summerSlug))
		resp, body := v.submit(t, f, wrong, cv)
		wantStatus(t, resp, body, http.StatusUnprocessableEntity)
		checkNoMarkup(t, "the form", body)
		kept := testkit.FormOn(t, f.Page, body, applyPath(summerSlug))
		for _, name := range textFields {
			if got := kept.Values.Get(name); got != scriptPayload {
				t.Errorf("%s sent back as %q", name, got)
			}
		}
	})

	resp, body := v.apply(t, summerSlug, answers, cv)
	token := ts.submitted(t, resp, body, "markup@example.org")
	t.Run("the status page escapes it", func(t *testing.T) {
		resp, body := v.get(t, "/status/"+token)
		wantStatus(t, resp, body, http.StatusOK)
		checkNoMarkup(t, "the status page", body)
		wantText(t, body, scriptPayload)
	})
	t.Run("the receipt's HTML part escapes it", func(t *testing.T) {
		emails := emailsOf(t, ts, applicationOf(t, ts, token).ID)
		if len(emails) != 1 {
			t.Fatalf("%d emails queued", len(emails))
		}
		checkNoMarkup(t, "the receipt", emails[0].HTML)
		if !strings.Contains(emails[0].Text, scriptPayload) {
			t.Error("the receipt's text part does not show what was typed")
		}
	})
	t.Run("the data download keeps it verbatim", func(t *testing.T) {
		resp, body := v.get(t, "/status/"+token+"/data.json")
		wantStatus(t, resp, body, http.StatusOK)
		if !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
			t.Errorf("served as %q", resp.Header.Get("Content-Type"))
		}
	})
}

func TestSQLMetacharactersAreStoredVerbatim(t *testing.T) {
	t.Parallel()
	ts := newFormServer(t)
	const sql = `'; DROP TABLE applications; --`
	answers := summerAnswers(t, ts, "o'brien+test@example.org")
	answers["family_name"] = []string{sql}
	answers["institution"] = []string{`Robert'); DELETE FROM outbox;--`}
	answers["motivation"] = []string{`" OR 1=1 -- ` + sql}
	v := ts.visitor()
	token := v.applyOK(t, summerSlug, answers, cvFile("cv.pdf"))
	a := applicationOf(t, ts, token)
	if a.FamilyName != sql || a.Institution != `Robert'); DELETE FROM outbox;--` ||
		a.Motivation != `" OR 1=1 -- `+sql || a.Email != "o'brien+test@example.org" {
		t.Errorf("stored %q, %q, %q, %q", a.FamilyName, a.Institution, a.Motivation, a.Email)
	}
	_, body := v.get(t, "/status/"+token)
	wantText(t, body, sql)
	if n := len(emailsOf(t, ts, a.ID)); n != 1 {
		t.Errorf("%d emails queued, want 1", n)
	}
	// The table is still there and takes the next application.
	token = ts.visitor().applyOK(t, summerSlug, summerAnswers(t, ts, "next@example.org"), cvFile("cv.pdf"))
	if ref := applicationOf(t, ts, token).Reference; ref != "SMS-2027-0002" {
		t.Errorf("next reference %q", ref)
	}
}

func TestFormsWithoutTheRightTokenAreForbidden(t *testing.T) {
	t.Parallel()
	ts := newFormServer(t)
	cases := []struct {
		name   string
		change url.Values
		other  bool // sent by a browser that never opened the form
		says   []string
	}{
		{name: "without a CSRF token", change: url.Values{"_csrf": nil}, says: []string{"Not allowed", "reload the page"}},
		// A token that is not the cookie's, or a cookie gone, is what a page that expired sends:
		// the form comes back to be sent again (apply_expired_test.go).
		{name: "with a wrong CSRF token", change: url.Values{"_csrf": {"d2a0c1f4-0000-4000-8000-000000000000"}},
			says: []string{"Nothing was stored yet"}},
		{name: "from a browser without the CSRF cookie", other: true, says: []string{"Nothing was stored yet"}},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			email := fmt.Sprintf("csrf%d@example.org", i)
			answers := summerAnswers(t, ts, email)
			for k, v := range tc.change {
				answers[k] = v
			}
			v := ts.visitor()
			f := v.openForm(t, applyPath(summerSlug), applyPath(summerSlug))
			if tc.other {
				v = ts.visitor()
			}
			resp, body := v.submit(t, f, answers, cvFile("cv.pdf"))
			wantStatus(t, resp, body, http.StatusForbidden)
			wantText(t, body, tc.says...)
			noApplication(t, ts, email)
		})
	}
}

func TestFilledHoneypotIsRefused(t *testing.T) {
	t.Parallel()
	ts := newFormServer(t)
	answers := summerAnswers(t, ts, "robot@example.org")
	answers["website"] = []string{"http://spam.example"}
	resp, body := ts.visitor().apply(t, summerSlug, answers, cvFile("cv.pdf"))
	wantStatus(t, resp, body, http.StatusBadRequest)
	wantText(t, body, "The form could not be accepted")
	if n := queuedCount(t, ts); n != 0 {
		t.Errorf("%d emails queued", n)
	}
}

func TestApplyingOutsideTheWindowIsRefusedPolitely(t *testing.T) {
	t.Parallel()
	ts := newFormServer(t)
	v := ts.visitor()
	open := v.openForm(t, applyPath(summerSlug), applyPath(summerSlug))
	cases := []struct {
		name, slug, says string
	}{
		{"before the call opens", winterSlug, "Applications open on 17 December 2026, 00:00 (Prague time, CET)"},
		{"after the call closed", archiveSlug, "Applications closed on 15 July 2019, 23:59 (Prague time, CEST)"},
	}
	for _, tc := range cases {
		t.Run(tc.name+": the form is not shown", func(t *testing.T) {
			resp, body := v.get(t, applyPath(tc.slug))
			wantStatus(t, resp, body, http.StatusForbidden)
			wantText(t, body, tc.says)
			if strings.Contains(body, `name="given_name"`) {
				t.Error("the page shows the form")
			}
		})
		t.Run(tc.name+": a form sent anyway is refused", func(t *testing.T) {
			answers := summerAnswers(t, ts, "early@example.org")
			resp, body := v.post(t, applyPath(tc.slug), applyPath(tc.slug), open.With(answers), cvFile("cv.pdf"))
			wantStatus(t, resp, body, http.StatusForbidden)
			wantText(t, body, tc.says)
		})
	}
	if n := queuedCount(t, ts); n != 0 {
		t.Errorf("%d emails queued", n)
	}
}

func TestDeadlineGrace(t *testing.T) {
	t.Parallel()
	clock := testkit.NewClock(demoNow)
	ts := newTestServerWith(t, clock.Now, func(c *Config) { c.ApplyLimit = 1000 })
	cases := []struct {
		name     string
		openedAt time.Time
		sentAt   time.Time
		change   url.Values
		accepted bool
	}{
		{"sent a second before the deadline is accepted", summerDeadline.Add(-time.Hour), summerDeadline.Add(-time.Second), nil, true},
		{"opened before the deadline and sent 5 minutes after is accepted", summerDeadline.Add(-10 * time.Minute), summerDeadline.Add(5 * time.Minute), nil, true},
		{"opened before the deadline and sent 11 minutes after is refused", summerDeadline.Add(-10 * time.Minute), summerDeadline.Add(11 * time.Minute), nil, false},
		{"sent a second after the deadline without the form's opening time is refused", summerDeadline.Add(-10 * time.Minute), summerDeadline.Add(time.Second),
			url.Values{"opened_at": {""}}, false},
		{"sent after the deadline with a forged opening time is refused", summerDeadline.Add(-10 * time.Minute), summerDeadline.Add(time.Minute),
			url.Values{"opened_at": {fmt.Sprintf("%d.0123456789abcdef", summerDeadline.Add(-time.Hour).Unix())}}, false},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clock.Set(tc.openedAt)
			v := ts.visitor()
			f := v.openForm(t, applyPath(summerSlug), applyPath(summerSlug))
			answers := summerAnswers(t, ts, fmt.Sprintf("grace%d@example.org", i))
			for k, vs := range tc.change {
				answers[k] = vs
			}
			clock.Set(tc.sentAt)
			resp, body := v.submit(t, f, answers, cvFile("cv.pdf"))
			if tc.accepted {
				formSent(t, resp, body)
				return
			}
			wantStatus(t, resp, body, http.StatusForbidden)
			wantText(t, body, "Applications closed on 11 January 2027, 23:59 (Prague time, CET)")
		})
	}
}

func TestApplyingAgainLooksLikeAFirstApplicationAndEmailsTheLink(t *testing.T) {
	t.Parallel()
	ts := newFormServer(t)
	first := ts.visitor().applyOK(t, summerSlug, summerAnswers(t, ts, "twice@example.org"), cvFile("cv.pdf"))
	a := applicationOf(t, ts, first)

	// A stranger's first application, to compare the pages with.
	resp, _ := ts.visitor().apply(t, summerSlug, summerAnswers(t, ts, "fresh@example.org"), cvFile("cv.pdf"))
	fresh := resp.Header.Get("Location")
	_, freshPage := ts.visitor().get(t, fresh)

	for i, email := range []string{"twice@example.org", "Twice@Example.ORG"} {
		t.Run("as "+email, func(t *testing.T) {
			answers := summerAnswers(t, ts, email)
			answers["given_name"] = []string{"Mallory"}
			v := ts.visitor()
			resp, body := v.apply(t, summerSlug, answers, cvFile("again.pdf"))
			formSent(t, resp, body)
			if loc := resp.Header.Get("Location"); loc != fresh {
				t.Errorf("sent to %s; a first application is sent to %s", loc, fresh)
			}
			_, page := v.get(t, resp.Header.Get("Location"))
			if testkit.MainText(t, page) != testkit.MainText(t, freshPage) || strings.Contains(page, "already") {
				t.Errorf("the page differs from a first application's:\n%s", testkit.MainText(t, page))
			}

			msgs := emailsOf(t, ts, a.ID)
			got := templatesOf(msgs)
			want := []string{"application_received"}
			for range i + 1 {
				want = append(want, "already_applied")
			}
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("queued emails %v, want %v", got, want)
			}
			m := msgs[len(msgs)-1]
			if m.To != "twice@example.org" {
				t.Errorf("the email goes to %s", m.To)
			}
			wantText(t, m.Subject, "You have already applied", a.Reference)
			wantText(t, m.Text, "You have already applied", "stays as it was")
			if got := applicationOf(t, ts, statusLinkOf(t, m)); got.ID != a.ID {
				t.Errorf("the email links to application %d, not %d", got.ID, a.ID)
			}
		})
	}
	// Nothing of the application changed, and no second one was made.
	if got := statusOf(t, ts, a.ID); got.GivenName != a.GivenName || got.CVFileName != "cv.pdf" || got.Status != a.Status {
		t.Errorf("the application changed: %s, %s, %s", got.GivenName, got.CVFileName, got.Status)
	}
	if n := queuedCount(t, ts); n != 4 {
		t.Errorf("%d emails queued, want 4 (two receipts, two links)", n)
	}
	noApplication(t, ts, "mallory@example.org")
}

func TestEmailToOneWhoAppliedAgainIsInTheirLanguage(t *testing.T) {
	t.Parallel()
	ts := newFormServer(t)
	v := ts.visitor()
	f := v.openForm(t, applyPath(summerSlug)+"?lang=cs", applyPath(summerSlug))
	resp, body := v.submit(t, f, summerAnswers(t, ts, "ondrej@example.cz"), cvFile("cv.pdf"))
	a := applicationOf(t, ts, ts.submitted(t, resp, body, "ondrej@example.cz"))
	resp, body = v.submit(t, v.openForm(t, applyPath(summerSlug)+"?lang=cs", applyPath(summerSlug)),
		summerAnswers(t, ts, "ondrej@example.cz"), cvFile("cv.pdf"))
	formSent(t, resp, body)
	m := lastEmail(t, ts, a.ID)
	wantText(t, m.Subject, "Přihlášku už jste podali", a.Reference)
	wantText(t, m.Text, "zůstává beze změny", "/status/")
}

func TestCVIsKeptAcrossAFormSentBack(t *testing.T) {
	t.Parallel()
	ts := newFormServer(t)
	v := ts.visitor()
	answers := summerAnswers(t, ts, "kept@example.org")
	answers["family_name"] = []string{""}
	cv := cvFile("cv.pdf")
	f := v.openForm(t, applyPath(summerSlug), applyPath(summerSlug))
	resp, body := v.submit(t, f, answers, cv)
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	wantText(t, body, "Received: cv.pdf")
	back := testkit.FormOn(t, f.Page, body, applyPath(summerSlug))
	claim := back.Values.Get("cv_claim")
	if claim == "" {
		t.Fatal("the form sent back has no cv_claim")
	}

	// Fixed, sent again without choosing the file again.
	resp, body = v.submit(t, back, url.Values{"family_name": {"Haddad"}})
	token := ts.submitted(t, resp, body, "kept@example.org")
	a := applicationOf(t, ts, token)
	if a.CVUploadID == 0 || a.CVFileName != "cv.pdf" {
		t.Fatalf("stored CV %d %q", a.CVUploadID, a.CVFileName)
	}

	fileURL := fmt.Sprintf("/status/%s/files/%d", token, a.CVUploadID)
	t.Run("the status page links the CV and serves it as an attachment", func(t *testing.T) {
		_, body := v.get(t, "/status/"+token)
		if !strings.Contains(body, `href="`+fileURL+`"`) {
			t.Fatalf("the status page has no link to %s", fileURL)
		}
		resp, got := v.get(t, fileURL)
		wantStatus(t, resp, got, http.StatusOK)
		if cd := resp.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") || !strings.Contains(cd, "cv.pdf") {
			t.Errorf("Content-Disposition %q", cd)
		}
		if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("X-Content-Type-Options %q", resp.Header.Get("X-Content-Type-Options"))
		}
		if resp.Header.Get("Content-Type") != "application/pdf" {
			t.Errorf("Content-Type %q", resp.Header.Get("Content-Type"))
		}
		if got != string(cv.Data) {
			t.Errorf("served %d bytes, not the PDF sent", len(got))
		}
	})

	other := ts.visitor().applyOK(t, summerSlug, summerAnswers(t, ts, "other@example.org"), cvFile("other.pdf"))
	otherCV := applicationOf(t, ts, other).CVUploadID
	t.Run("another application's file is not found through my link", func(t *testing.T) {
		for _, target := range []string{
			fmt.Sprintf("/status/%s/files/%d", token, otherCV),
			fmt.Sprintf("/status/%s/files/%d", token, otherCV+100),
			"/status/" + token + "/files/..%2F..%2Fregistrar.db",
			fmt.Sprintf("/status/%s/files/%d", strings.Repeat("A", 43), a.CVUploadID),
		} {
			resp, body := v.get(t, target)
			wantStatus(t, resp, body, http.StatusNotFound)
		}
	})
	t.Run("a claim already used does not give the file to someone else", func(t *testing.T) {
		thief := summerAnswers(t, ts, "thief@example.org")
		thief["cv_claim"] = []string{claim}
		resp, body := ts.visitor().apply(t, summerSlug, thief)
		wantStatus(t, resp, body, http.StatusUnprocessableEntity)
		checkFieldError(t, body, "cv", "Choose your CV: a PDF file of at most 5 MB.")
	})
	t.Run("files are stored under random names in the database", func(t *testing.T) {
		checkUploadsFolder(t, ts, 2)
	})
}

var storedName = regexp.MustCompile(`^[0-9a-f]{32}$`)

// checkUploadsFolder checks every file the applicants sent is stored in the database under a
// random name, and nothing else was written in the data folder.
func checkUploadsFolder(t testing.TB, ts *testServer, atLeast int) {
	t.Helper()
	err := filepath.WalkDir(ts.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(ts.dir, p)
		if name := filepath.Base(rel); rel != name || !(strings.HasPrefix(name, "registrar.db") ||
			strings.HasPrefix(name, "state.db") || name == "secret.key") {
			t.Errorf("unexpected file %s in the data folder", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	conn, err := sql.Open("sqlite3", "file:"+ts.cfg.Layout().Database()+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	rows, err := conn.Query(`SELECT b.name FROM file_blobs b JOIN uploads u ON u.stored_name = b.name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		if !storedName.MatchString(name) {
			t.Errorf("a file is stored as %q", name)
		}
		n++
	}
	if n < atLeast {
		t.Errorf("%d files stored, want at least %d", n, atLeast)
	}
}

func TestUploadedFileNamesCannotChooseWhereFilesGo(t *testing.T) {
	t.Parallel()
	ts := newFormServer(t)
	cases := []struct{ sent, shown string }{
		{"../../etc/passwd.pdf", "passwd.pdf"},
		{`..\..\windows\evil.pdf`, "evil.pdf"},
		{"/tmp/abs/cv.pdf", "cv.pdf"},
		{"..", "document.pdf"},
	}
	for i, tc := range cases {
		t.Run(tc.sent, func(t *testing.T) {
			v := ts.visitor()
			cv := formFile{Field: "cv", Name: tc.sent, Data: minimalPDF(tc.sent)}
			token := v.applyOK(t, summerSlug, summerAnswers(t, ts, fmt.Sprintf("path%d@example.org", i)), cv)
			a := applicationOf(t, ts, token)
			if a.CVFileName != tc.shown {
				t.Errorf("shown as %q, want %q", a.CVFileName, tc.shown)
			}
			_, body := v.get(t, "/status/"+token)
			wantText(t, body, tc.shown)
			resp, got := v.get(t, fmt.Sprintf("/status/%s/files/%d", token, a.CVUploadID))
			wantStatus(t, resp, got, http.StatusOK)
			if cd := resp.Header.Get("Content-Disposition"); strings.ContainsAny(cd, `/\`) || strings.Contains(cd, "..") {
				t.Errorf("Content-Disposition %q names a path", cd)
			}
			if got != string(cv.Data) {
				t.Error("served another file")
			}
		})
	}
	checkUploadsFolder(t, ts, len(cases))
}

func TestPDFOverTheLimitGetsAMessageOverARealConnection(t *testing.T) {
	t.Parallel()
	ts := newFormServer(t)
	v := ts.visitor()
	f := v.openForm(t, applyPath(summerSlug), applyPath(summerSlug))
	base := ts.listen(t)
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, vs := range f.With(summerAnswers(t, ts, "huge@example.org")) {
		for _, value := range vs {
			_ = w.WriteField(k, value)
		}
	}
	part, err := w.CreateFormFile("cv", "huge.pdf")
	if err != nil {
		t.Fatal(err)
	}
	huge := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("0"), 8<<20)...)
	_, _ = part.Write(append(huge, "\n%%EOF\n"...))
	_ = w.Close()
	req, err := http.NewRequest(http.MethodPost, base+f.Action, &buf)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	v.mu.Lock()
	for name, value := range v.cookies {
		req.AddCookie(&http.Cookie{Name: name, Value: value})
	}
	v.mu.Unlock()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("the connection broke instead of an answer: %v", err)
	}
	defer resp.Body.Close()
	page, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	wantStatus(t, resp, string(page), http.StatusUnprocessableEntity)
	checkFieldError(t, string(page), "cv", "This file is too large. A file may have at most 5 MB.")
	noApplication(t, ts, "huge@example.org")
}

func TestTooManySubmissionsFromOneAddressAreSlowedDown(t *testing.T) {
	t.Parallel()
	ts := newTestServerWith(t, func() time.Time { return demoNow }, func(c *Config) { c.ApplyLimit = 3 })
	v := ts.visitor()
	f := v.openForm(t, applyPath(summerSlug), applyPath(summerSlug))
	for i := 1; i <= 4; i++ {
		answers := url.Values{"given_name": {fmt.Sprintf("Try %d", i)}}
		resp, body := v.submit(t, f, answers)
		if i <= 3 {
			wantStatus(t, resp, body, http.StatusUnprocessableEntity)
			continue
		}
		wantStatus(t, resp, body, http.StatusTooManyRequests)
		if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Errorf("the 429 answer is %q, not a page", resp.Header.Get("Content-Type"))
		}
		wantText(t, body, "Too many requests", "Please wait a minute")
	}
	// Reading pages is not limited.
	resp, body := v.get(t, applyPath(summerSlug))
	wantStatus(t, resp, body, http.StatusOK)
}

// createConference stores a published conference with open admission, seats seats and an open
// call, as an organiser would.
func createConference(t testing.TB, ts *testServer, slug string, seats int) school.Edition {
	t.Helper()
	ctx := context.Background()
	series, err := ts.store.CreateSeries(ctx, school.Series{Slug: "test-" + slug, NameEN: "Test conferences", NameCS: "Testovací konference"})
	if err != nil {
		t.Fatal(err)
	}
	e := school.Edition{SeriesID: series, Slug: slug, Year: 2027, Kind: school.KindConference,
		TitleEN: "Conference on Labour Migration 2027", TitleCS: "Konference o pracovní migraci 2027",
		StartsOn: time.Date(2027, 3, 4, 0, 0, 0, 0, time.UTC), EndsOn: time.Date(2027, 3, 4, 0, 0, 0, 0, time.UTC),
		Venue: "Prague City Hall", City: "Prague", Mode: school.ModeInPerson, Language: "en", Currency: "EUR",
		SeatsInPerson: seats, OpensAt: demoNow.Add(-24 * time.Hour), ClosesAt: demoNow.Add(10 * 24 * time.Hour),
		Admission: school.AdmissionOpen, OfferDays: 7, Status: school.EditionPublished}
	if e.ID, err = ts.store.CreateEdition(ctx, e); err != nil {
		t.Fatal(err)
	}
	return e
}

func TestOpenAdmissionConfirmsWhileSeatsLastThenWaitlists(t *testing.T) {
	t.Parallel()
	ts := newFormServer(t)
	createConference(t, ts, "conference-2027-labour", 2)
	path := applyPath("conference-2027-labour")

	resp, page := ts.visitor().get(t, path)
	wantStatus(t, resp, page, http.StatusOK)
	for _, asked := range []string{"given_name", "family_name", "email", "nationality", "residence", "institution", "consent_processing"} {
		if !strings.Contains(page, `name="`+asked+`"`) {
			t.Errorf("the short form does not ask %s", asked)
		}
	}
	for _, notAsked := range []string{"date_of_birth", "cv", "motivation", "sector", "english_level"} {
		if strings.Contains(page, `name="`+notAsked+`"`) {
			t.Errorf("the short form asks %s", notAsked)
		}
	}

	want := []struct{ status, says string }{
		{"confirmed", "Confirmed"}, {"confirmed", "Confirmed"}, {"waitlisted", "On the waiting list"},
	}
	for i, w := range want {
		t.Run(fmt.Sprintf("registration %d is %s", i+1, w.status), func(t *testing.T) {
			v := ts.visitor()
			answers := url.Values{"given_name": {"Jan"}, "family_name": {fmt.Sprintf("Novák %d", i)},
				"email": {fmt.Sprintf("reg%d@example.org", i)}, "nationality": {"CZ"}, "residence": {"CZ"},
				"institution": {"Ministry of the Interior"}, "consent_processing": {"yes"}}
			token := v.applyOK(t, "conference-2027-labour", answers)
			a := applicationOf(t, ts, token)
			if string(a.Status) != w.status || a.Reference != fmt.Sprintf("SMS-2027-%04d", i+1) {
				t.Errorf("stored %s as %s", a.Reference, a.Status)
			}
			_, body := v.get(t, "/status/"+token)
			wantText(t, body, w.says)
			emails := emailsOf(t, ts, a.ID)
			if len(emails) != 1 {
				t.Fatalf("%d emails", len(emails))
			}
			if w.status == "waitlisted" && !strings.Contains(emails[0].Text, "waiting list (number 1)") {
				t.Errorf("the receipt does not give the place on the waiting list:\n%s", emails[0].Text)
			}
			if w.status == "confirmed" && !strings.Contains(emails[0].Text, "Your registration is confirmed") {
				t.Errorf("the receipt does not confirm:\n%s", emails[0].Text)
			}
		})
	}
}

func TestConcurrentApplicationsGetDistinctSequentialReferences(t *testing.T) {
	t.Parallel()
	ts := newFormServer(t)
	base := summerAnswers(t, ts, "")
	const n = 50
	type result struct {
		status   int
		location string
		body     string
		err      error
	}
	results := make([]result, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v := ts.visitor()
			_, page, err := v.tryGet(applyPath(summerSlug))
			if err != nil {
				results[i].err = err
				return
			}
			doc, err := html.Parse(strings.NewReader(page))
			if err != nil {
				results[i].err = err
				return
			}
			f, ok := testkit.FindForm(doc, applyPath(summerSlug))
			if !ok {
				results[i].err = errors.New("no form")
				return
			}
			answers := url.Values{}
			for k, vs := range base {
				answers[k] = vs
			}
			answers["email"] = []string{fmt.Sprintf("crowd%02d@example.org", i)}
			answers["given_name"] = []string{fmt.Sprintf("Applicant %d", i)}
			resp, body, err := v.tryPost(f.Action, applyPath(summerSlug), f.With(answers), cvFile(fmt.Sprintf("cv%d.pdf", i)))
			if err != nil {
				results[i].err = err
				return
			}
			results[i] = result{status: resp.StatusCode, location: resp.Header.Get("Location"), body: body}
		}()
	}
	wg.Wait()
	refs := map[string]bool{}
	for i, r := range results {
		if r.err != nil {
			t.Errorf("applicant %d: %v", i, r.err)
			continue
		}
		if strings.Contains(r.body, "database is locked") || r.status != http.StatusSeeOther {
			t.Errorf("applicant %d: status %d\n%.500s", i, r.status, r.body)
			continue
		}
		if !sentLocation.MatchString(r.location) {
			t.Errorf("applicant %d redirected to %q", i, r.location)
			continue
		}
		refs[applicationOf(t, ts, ts.linkEmailedTo(t, fmt.Sprintf("crowd%02d@example.org", i))).Reference] = true
	}
	var got []string
	for ref := range refs {
		got = append(got, ref)
	}
	sort.Strings(got)
	if len(got) != n || got[0] != "SMS-2027-0001" || got[n-1] != fmt.Sprintf("SMS-2027-%04d", n) {
		t.Errorf("%d distinct references from %v to %v", len(got), got[:min(1, len(got))], got[max(0, len(got)-1):])
	}
	if q := queuedCount(t, ts); q != n {
		t.Errorf("%d receipts queued, want %d", q, n)
	}
}

var statusLinkInEmail = regexp.MustCompile(`http://127\.0\.0\.1/status/([A-Za-z0-9_-]{43})`)

func TestCzechReceiptArrivesOnceOverSMTPWithAWorkingLink(t *testing.T) {
	t.Parallel()
	ts, inbox := newMailingServer(t, "Škola migračních studií <school@registrar.test>", nil)
	ts.runOutbox(t)

	v := ts.visitor()
	f := v.openForm(t, applyPath(summerSlug)+"?lang=cs", applyPath(summerSlug))
	answers := summerAnswers(t, ts, "jana@example.cz")
	answers["given_name"] = []string{"Jana"}
	answers["family_name"] = []string{"Dvořáková"}
	resp, body := v.submit(t, f, answers, cvFile("životopis.pdf"))
	formSent(t, resp, body)

	msgs := inbox.Wait(t, 1)
	// Another pass finds nothing more to send.
	if sent, err := ts.Outbox().SendDue(context.Background()); err != nil || sent != 0 {
		t.Errorf("a second pass sent %d (%v)", sent, err)
	}
	time.Sleep(100 * time.Millisecond)
	if got := inbox.Received(); len(got) != 1 {
		t.Fatalf("%d messages arrived, want 1", len(got))
	}
	m := msgs[0]
	if len(m.To) != 1 || m.To[0] != "jana@example.cz" || m.From != "school@registrar.test" {
		t.Errorf("envelope from %q to %v", m.From, m.To)
	}
	e := testkit.ReadEmail(t, m.Data)
	if s := e.Subject(t); !strings.HasPrefix(s, "Přihláška doručena: SMS-2027-0001") {
		t.Errorf("subject %q", s)
	}
	if e.Header.Get("Content-Language") != "cs" {
		t.Errorf("Content-Language %q", e.Header.Get("Content-Language"))
	}
	for _, part := range []string{e.Text, e.HTML} {
		if !strings.Contains(part, "Dobrý den,") || !strings.Contains(part, "Dvořáková") {
			t.Errorf("a part of the receipt is not the Czech receipt:\n%s", part)
		}
	}
	link := statusLinkInEmail.FindStringSubmatch(e.Text)
	if link == nil {
		t.Fatal("the receipt has no status link")
	}
	a := applicationOf(t, ts, link[1])
	if a.Email != "jana@example.cz" || a.Lang != "cs" {
		t.Errorf("the receipt's link opens %s (%s)", a.Email, a.Lang)
	}
	if !strings.Contains(e.HTML, `href="`+link[0]+`"`) {
		t.Error("the HTML part does not link to the status page")
	}
	resp, body = v.get(t, "/status/"+link[1])
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "SMS-2027-0001", "Podána")

	var sent db.OutboxMessage
	for _, om := range emailsOf(t, ts, a.ID) {
		sent = om
	}
	if sent.Status != "sent" || sent.Attempts != 1 || e.Header.Get("Message-Id") != sent.MessageID || strings.Contains(sent.Text, link[1]) {
		t.Errorf("outbox row %s after %d attempts, Message-Id %q vs %q", sent.Status, sent.Attempts, e.Header.Get("Message-Id"), sent.MessageID)
	}
}

func TestRateLimitsCountTheClientBehindATrustedProxy(t *testing.T) {
	t.Parallel()
	// app.Test requests come from 0.0.0.0, which plays the reverse proxy here.
	for _, tc := range []struct {
		name    string
		trusted []string
		want    int // the status of the fourth form, from a second client behind the proxy
	}{
		{"trusted proxy", []string{"0.0.0.0"}, http.StatusForbidden},
		{"no proxy configured", nil, http.StatusTooManyRequests},
		{"another proxy", []string{"192.0.2.7"}, http.StatusTooManyRequests},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts := newTestServerWith(t, func() time.Time { return demoNow }, func(c *Config) {
				c.ApplyLimit, c.TrustedProxies = 3, tc.trusted
			})
			send := func(client string) int {
				req := httptest.NewRequest(http.MethodPost, "/status/lost", strings.NewReader("email=a%40example.org"))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("X-Real-IP", client)
				resp, _ := ts.do(t, req)
				return resp.StatusCode
			}
			// Without a CSRF token each form is refused, but the limit counts it first.
			for i := 0; i < 3; i++ {
				if got := send("203.0.113.1"); got != http.StatusForbidden {
					t.Fatalf("form %d: %d", i+1, got)
				}
			}
			if got := send("203.0.113.2"); got != tc.want {
				t.Errorf("a second client's form got %d, want %d", got, tc.want)
			}
		})
	}
}
