package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"registrar/app/school"
	"registrar/app/testkit"
)

// TestBrowserApplicantJourney walks as an applicant: home → the open summer school → its form,
// filled with one mistake and a CV → the errors, the CV kept → the mistake fixed without choosing
// the file again → the status page → the receipt, read from an SMTP server on loopback → its
// link → withdraw. axe-core checks the empty form, the form with its errors, the status page and
// the withdrawal confirmation, in the light and the dark colour scheme.
func TestBrowserApplicantJourney(t *testing.T) {
	ts, inbox := newMailingServer(t, "School of Migration Studies <school@registrar.test>", nil)
	ts.runOutbox(t)
	base := ts.listen(t)
	ctx := testkit.NewTab(t)

	// The CV the applicant chooses from their disk.
	cvPath := filepath.Join(t.TempDir(), "cv.pdf")
	if err := os.WriteFile(cvPath, minimalPDF("Amina Haddad, curriculum vitae"), 0o600); err != nil {
		t.Fatal(err)
	}
	const email = "amina.haddad@example.org"
	q := questionFields(t, ts, summerSlug)

	// Home → the open summer school → Apply.
	browse(t, ctx, "open home", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS(`#main h1`)))
	follow(t, ctx, chromedp.CSS(`#main a[href="/editions/`+summerSlug+`"]`))
	follow(t, ctx, chromedp.CSS(`#main a[role=button][href="`+applyPath(summerSlug)+`"]`))
	if loc := evaluate[string](t, ctx, `location.pathname`); loc != applyPath(summerSlug) {
		t.Fatalf("Apply led to %s", loc)
	}
	browse(t, ctx, "the form", chromedp.WaitVisible(chromedp.CSS(`#given_name`)))
	checkSchemes(t, ctx, "empty application form")

	// Everything but the motivation, which the applicant forgets. Names and the email are typed
	// key by key, longer answers set at once (typing costs a round trip a key).
	field := func(name string) chromedp.CSS { return chromedp.CSS(`#main form [name="` + name + `"]`) }
	choice := func(name, value string) chromedp.CSS {
		return chromedp.CSS(`#main form input[name="` + name + `"][value="` + value + `"]`)
	}
	browse(t, ctx, "fill the form",
		chromedp.SendKeys(field("given_name"), "Amina"),
		chromedp.SendKeys(field("family_name"), "Haddad"),
		chromedp.SendKeys(field("email"), email),
		chromedp.SetValue(field("date_of_birth"), "1998-04-23"),
		chromedp.SetValue(field("nationality"), "JO"),
		chromedp.SetValue(field("residence"), "CZ"),
		chromedp.SetValue(field("gender"), "female"),
		chromedp.Click(choice("sector", "student")),
		chromedp.SetValue(field("institution"), "Charles University"),
		chromedp.SetValue(field("field_of_study"), "Demography"),
		chromedp.SetValue(field("highest_degree"), "master"),
		chromedp.SetValue(field("english_level"), "c1"),
		chromedp.SetUploadFiles(field("cv"), []string{cvPath}),
		chromedp.SetValue(field("referee_name"), "Dr. Lina Saleh"),
		chromedp.SetValue(field("referee_email"), "lina.saleh@example.org"),
		chromedp.Click(field("fee_waiver")),
		chromedp.SetValue(field("fee_waiver_reason"), "My scholarship does not cover fees."),
		chromedp.Click(field("visa_letter")),
		chromedp.SetValue(field("dietary"), "vegetarian"),
		chromedp.SetValue(field("heard_from"), "university"),
		chromedp.Click(choice(q[school.QuestionSingle], "Climate and mobility")),
		chromedp.Click(choice(q[school.QuestionYesNo], "no")),
		chromedp.SetValue(field(q[school.QuestionLongText]), "Water scarcity and internal migration."),
		chromedp.Click(field("consent_processing")),
		chromedp.Click(field("consent_photos")),
	)
	submit := chromedp.CSS(`#main form[action="` + applyPath(summerSlug) + `"] button[type=submit]`)
	if status := submitForm(t, ctx, "send the form without a motivation", submit); status != 422 {
		t.Fatalf("the form with a mistake answered %d, want 422", status)
	}

	// The errors: a summary at the top linking to the field, the message beside it.
	if loc := evaluate[string](t, ctx, `location.pathname`); loc != applyPath(summerSlug) {
		t.Fatalf("the form with a mistake went to %s", loc)
	}
	summaryLinks := evaluate[[]string](t, ctx,
		`[...document.querySelectorAll('.error-summary a')].map(a => a.getAttribute('href'))`)
	if len(summaryLinks) != 1 || summaryLinks[0] != "#motivation" {
		t.Errorf("the error summary links to %v, want only #motivation", summaryLinks)
	}
	if focused := evaluate[string](t, ctx, `document.activeElement.className`); focused != "error-summary" {
		t.Errorf("the focus is on %q, not on the error summary", focused)
	}
	msg := evaluate[string](t, ctx, `(document.getElementById('motivation-error') || {}).innerText || ''`)
	if msg == "" {
		t.Error("no message beside the motivation")
	}
	if got := evaluate[string](t, ctx, `document.getElementById('motivation').getAttribute('aria-invalid') || ''`); got != "true" {
		t.Errorf("the motivation is aria-invalid=%q", got)
	}
	wantPageText(t, ctx, "the form with its errors", "There is 1 problem with your form", "Received: cv.pdf")
	// Everything typed is kept.
	kept := map[string]string{
		`document.getElementById('given_name').value`:                                            "Amina",
		`document.getElementById('email').value`:                                                 email,
		`document.getElementById('date_of_birth').value`:                                         "1998-04-23",
		`document.getElementById('nationality').value`:                                           "JO",
		`document.getElementById('english_level').value`:                                         "c1",
		`document.getElementById('fee_waiver_reason').value`:                                     "My scholarship does not cover fees.",
		`document.querySelector('input[name=sector]:checked').value`:                             "student",
		`document.querySelector('input[name="` + q[school.QuestionSingle] + `"]:checked').value`: "Climate and mobility",
		`String(document.getElementById('consent_processing').checked)`:                          "true",
		`String(document.getElementById('consent_photos').checked)`:                              "true",
		`String(document.getElementById('consent_mailings').checked)`:                            "false",
		`String(document.getElementById('cv').files.length)`:                                     "0",
		`String(document.getElementById('cv').required)`:                                         "false",
	}
	for expr, want := range kept {
		if got := evaluate[string](t, ctx, expr); got != want {
			t.Errorf("after the errors %s = %q, want %q", expr, got, want)
		}
	}
	if n := len(inbox.Received()); n != 0 {
		t.Errorf("a form with a mistake sent %d emails", n)
	}
	checkSchemes(t, ctx, "application form with its errors")

	// The applicant follows the summary's link, writes their motivation, and sends the form
	// again without choosing the CV again.
	browse(t, ctx, "fix the mistake",
		chromedp.Click(chromedp.CSS(`.error-summary a[href="#motivation"]`)),
		chromedp.SendKeys(field("motivation"), "Climate moves people within Jordan."),
	)
	// The live word count follows the typing.
	if got := evaluate[string](t, ctx, `document.getElementById('motivation-count').innerText`); !strings.HasPrefix(got, "5 ") {
		t.Errorf("the word count says %q after five words", got)
	}
	if status := submitForm(t, ctx, "send the corrected form", submit); status != 200 {
		t.Fatalf("the corrected form ended on a page answering %d", status)
	}
	loc := evaluate[string](t, ctx, `location.pathname + location.search`)
	if !sentLocation.MatchString(loc) {
		t.Fatalf("the corrected form led to %s, not to the page after sending", loc)
	}
	wantPageText(t, ctx, "the page after submitting", "Thank you", "We have sent an email to the address you gave")
	summer, err := ts.store.PublicEdition(context.Background(), summerSlug)
	if err != nil {
		t.Fatal(err)
	}
	a, err := ts.store.ApplicationByEmail(context.Background(), summer.ID, email)
	if err != nil {
		t.Fatal(err)
	}
	if a.Motivation == "" || a.CVFileName != "cv.pdf" {
		t.Errorf("stored motivation %q, CV %q", a.Motivation, a.CVFileName)
	}

	// The receipt arrives once, to the applicant, with their status link.
	inbox.Wait(t, 1)
	time.Sleep(200 * time.Millisecond) // a second copy would have arrived by now
	msgs := inbox.Received()
	if len(msgs) != 1 || len(msgs[0].To) != 1 || msgs[0].To[0] != email {
		var to []string
		for _, m := range msgs {
			to = append(to, strings.Join(m.To, ","))
		}
		t.Fatalf("the SMTP server received %d messages, to %v; want one to %s", len(msgs), to, email)
	}
	receipt := testkit.ReadEmail(t, msgs[0].Data) // multipart parts come out of quoted-printable
	if s := receipt.Subject(t); !strings.Contains(s, a.Reference) {
		t.Errorf("the receipt's subject %q lacks the reference %s", s, a.Reference)
	}
	link := statusLinkInEmail.FindStringSubmatch(receipt.Text)
	if link == nil {
		t.Fatalf("the receipt has no status link:\n%s", receipt.Text)
	}
	if id := applicationOf(t, ts, link[1]).ID; id != a.ID {
		t.Fatalf("the receipt links to application %d, not to %d", id, a.ID)
	}

	// The link, opened in the browser (the server runs on a port of its own, the link's host
	// is the configured base URL's).
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(base+"/status/"+link[1]))
	if err != nil {
		t.Fatalf("open the receipt's link: %v", err)
	}
	if resp.Status != 200 {
		t.Fatalf("the receipt's link answered %d", resp.Status)
	}
	if badge := statusBadge(t, ctx); badge != "Submitted" {
		t.Errorf("the status page says %q, want Submitted", badge)
	}
	wantPageText(t, ctx, "the status page", a.Reference, "Amina", "Climate and mobility")
	checkSchemes(t, ctx, "status page")

	// Withdraw, with a confirmation step.
	follow(t, ctx, chromedp.CSS(`#main a[href="/status/`+link[1]+`/withdraw"]`))
	wantPageText(t, ctx, "the withdrawal page", "Do you really want to withdraw?")
	checkSchemes(t, ctx, "withdrawal confirmation")
	if status := submitForm(t, ctx, "confirm the withdrawal",
		chromedp.CSS(`#main form[action="/status/`+link[1]+`/withdraw"] button[type=submit]`)); status != 200 {
		t.Fatalf("the withdrawal ended on a page answering %d", status)
	}
	if badge := statusBadge(t, ctx); badge != "Withdrawn" {
		t.Errorf("after withdrawing the status page says %q, want Withdrawn", badge)
	}
	if got := applicationOf(t, ts, link[1]).Status; got != school.StatusWithdrawn {
		t.Errorf("stored status %s after withdrawing", got)
	}
	if n := evaluate[int](t, ctx, `document.querySelectorAll('#main a[href$="/withdraw"]').length`); n != 0 {
		t.Error("a withdrawn application still offers to withdraw")
	}
}

// submitForm presses a form's submit button and waits for the page it leads to, and returns
// that page's HTTP status (after redirects).
func submitForm(t testing.TB, ctx context.Context, what string, button chromedp.CSS) int64 {
	t.Helper()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(button, chromedp.NodeVisible))
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return resp.Status
}

// statusBadge is the application's status as its status page states it.
func statusBadge(t testing.TB, ctx context.Context) string {
	t.Helper()
	return strings.TrimSpace(evaluate[string](t, ctx, `(document.querySelector('#main .badge') || {}).innerText || ''`))
}

// checkSchemes runs axe-core on the open page in the light and the dark colour scheme (Pico
// follows the visitor's), and leaves the tab in the light one.
func checkSchemes(t testing.TB, ctx context.Context, name string) {
	t.Helper()
	for _, scheme := range []string{"light", "dark"} {
		colourScheme(t, ctx, scheme)
		testkit.CheckAccessibility(t, ctx, name+" ("+scheme+")")
	}
	colourScheme(t, ctx, "light")
}

// colourScheme emulates a preferred colour scheme and waits until the page has its colours.
func colourScheme(t testing.TB, ctx context.Context, scheme string) {
	t.Helper()
	_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
	})
	if err != nil {
		t.Fatalf("emulate the %s colour scheme: %v", scheme, err)
	}
	// Pico eases colour changes: axe-core must not measure a colour halfway.
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](
		`Promise.race([Promise.all(document.getAnimations().map(a => a.finished.catch(() => null))),
			new Promise(done => setTimeout(done, 3000))])`,
		chromedp.EvalAwaitPromise)); err != nil {
		t.Fatalf("wait for the %s colour scheme: %v", scheme, err)
	}
}
