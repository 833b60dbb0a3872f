package app

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"registrar/app/mail"
	"registrar/app/school"
	"registrar/app/testkit"
	"registrar/db"
)

// draftLinkInEmail is a resume link's secret in an email's text.
var draftLinkInEmail = regexp.MustCompile(`http://127\.0\.0\.1/drafts/([A-Za-z0-9_-]{43})\?lang=(cs|en)`)

// saveAction is where the form's "Save and continue later" button sends it.
func saveAction(t testing.TB, body string) string {
	t.Helper()
	m := regexp.MustCompile(`formaction="([^"]+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("the form has no \"Save and continue later\" button:\n%.2000s", testkit.MainText(t, body))
	}
	return m[1]
}

// saveForLater opens the edition's form, types values into it and saves it for later.
func (v *visitor) saveForLater(t testing.TB, slug string, values url.Values, files ...formFile) (*http.Response, string) {
	t.Helper()
	resp, body := v.get(t, applyPath(slug))
	wantStatus(t, resp, body, http.StatusOK)
	f := testkit.FormOn(t, applyPath(slug), body, applyPath(slug))
	return v.post(t, saveAction(t, body), f.Page, f.With(values), files...)
}

// draftEmails are the resume emails queued to address, newest first.
func draftEmails(t testing.TB, ts *testServer, address string) []db.OutboxMessage {
	t.Helper()
	msgs, err := ts.store.OutboxMessages(context.Background(), db.OutboxFilter{Scope: db.EmailScope{All: true}, Limit: 1 << 30})
	if err != nil {
		t.Fatal(err)
	}
	var out []db.OutboxMessage
	for _, m := range msgs {
		if strings.EqualFold(m.To, address) && m.Template == mail.DraftSaved {
			out = append(out, m)
		}
	}
	return out
}

// draftLinkTo is the resume link (path and language) in the newest email to address.
func draftLinkTo(t testing.TB, ts *testServer, address string) string {
	t.Helper()
	msgs := draftEmails(t, ts, address)
	if len(msgs) == 0 {
		t.Fatalf("no resume link emailed to %s", address)
	}
	m := draftLinkInEmail.FindStringSubmatch(msgs[0].Text)
	if m == nil {
		t.Fatalf("the email to %s has no resume link:\n%s", address, msgs[0].Text)
	}
	return "/drafts/" + m[1] + "?lang=" + m[2]
}

func draftsHeld(t testing.TB, ts *testServer, e school.Edition) db.DraftsHeld {
	t.Helper()
	h, err := ts.store.EditionDrafts(context.Background(), e.ID)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// halfAForm is what an applicant types before stopping: a few fields, the CV, an answer.
func halfAForm(t testing.TB, ts *testServer, email string) url.Values {
	t.Helper()
	q := questionFields(t, ts, summerSlug)
	return url.Values{"given_name": {"Amina"}, "family_name": {"Haddad"}, "email": {email},
		"nationality": {"JO"}, "date_of_birth": {"23. 4. 1998"},
		"motivation":             {"I study how climate change moves people within Jordan."},
		q[school.QuestionSingle]: {"Climate and mobility"}, "consent_processing": {"yes"}}
}

// Without JavaScript, "Save and continue later" stores what was typed, the CV too, and emails
// a link; the link opens the form filled on a browser that never saw it, without changing
// anything; sending it makes one application with the CV and its receipt, and the draft is gone.
func TestASavedFormResumesOnAnotherBrowserAndSendsOnce(t *testing.T) {
	_, ts, summer := summerOnAClock(t)
	const email = "amina.draft@example.org"
	resp, body := ts.visitor().saveForLater(t, summerSlug, halfAForm(t, ts, email), cvFile("amina-cv.pdf"))
	wantStatus(t, resp, body, http.StatusSeeOther)
	saved := resp.Header.Get("Location")
	if saved != "/editions/"+summerSlug+"/apply/draft/saved" {
		t.Fatalf("saving led to %q", saved)
	}
	resp, body = ts.visitor().get(t, saved)
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "Your form is saved, not sent yet", "We have emailed a link to the address you gave")
	if _, err := ts.store.ApplicationByEmail(context.Background(), summer.ID, email); err == nil {
		t.Fatal("saving a form for later made an application")
	}
	if h := draftsHeld(t, ts, summer); h.Drafts != 1 || h.Files != 1 {
		t.Fatalf("the edition holds %+v, want one draft with its CV", h)
	}
	link := draftLinkTo(t, ts, email)
	msg := draftEmails(t, ts, email)[0]
	if msg.Lang != "en" || msg.ApplicationID != 0 {
		t.Errorf("the resume email is in %q about application %d", msg.Lang, msg.ApplicationID)
	}
	// Staff see the email without the link's secret, before it is sent as after.
	secret := strings.TrimPrefix(strings.Split(link, "?")[0], "/drafts/")
	if text, html := msg.Shown(); strings.Contains(text+html, secret) {
		t.Error("the outbox shows the resume link's secret")
	}
	if _, err := ts.Outbox().SendDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	if sent := draftEmails(t, ts, email)[0]; sent.Status != "sent" || strings.Contains(sent.Text+sent.HTML, secret) {
		t.Error("the sent email keeps the resume link's secret")
	}

	// Another browser: everything is back, the CV as received.
	other := ts.visitor()
	for range 2 { // opening it twice changes nothing
		resp, body = other.get(t, link)
		wantStatus(t, resp, body, http.StatusOK)
	}
	if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
		t.Errorf("the draft's page may be cached: %q", cc)
	}
	wantText(t, body, "This is the form you saved on 27 November 2026", "It is not sent yet",
		"Received: amina-cv.pdf. Choose another file only to replace it.")
	f := testkit.FormOn(t, strings.Split(link, "?")[0], body, "/drafts/")
	for name, want := range halfAForm(t, ts, email) {
		if name == "date_of_birth" {
			want = []string{"1998-04-23"}
		}
		if got := f.Values.Get(name); got != want[0] {
			t.Errorf("%s comes back as %q, want %q", name, got, want[0])
		}
	}
	if h := draftsHeld(t, ts, summer); h.Drafts != 1 {
		t.Fatalf("opening the link changed the drafts: %+v", h)
	}

	// Sent from the link with the rest filled in: one application, the saved CV with it.
	rest := summerAnswers(t, ts, email)
	resp, body = other.submit(t, f, rest)
	formSent(t, resp, body)
	a, err := ts.store.ApplicationByEmail(context.Background(), summer.ID, email)
	if err != nil {
		t.Fatalf("no application after sending the draft: %v", err)
	}
	if a.CVFileName != "amina-cv.pdf" || a.Motivation != rest.Get("motivation") || a.Status != school.StatusSubmitted {
		t.Errorf("the application has CV %q, motivation %q, status %s", a.CVFileName, a.Motivation, a.Status)
	}
	cv, err := ts.store.ApplicationUpload(context.Background(), a.ID, a.CVUploadID)
	if err != nil {
		t.Fatal(err)
	}
	if data, err := ts.store.FileData(context.Background(), cv.StoredName); err != nil || string(data) != string(minimalPDF("amina-cv.pdf")) {
		t.Errorf("the application's CV reads %q, %v", data, err)
	}
	if got := templatesOf(emailsOf(t, ts, a.ID)); len(got) != 1 || got[0] != mail.ApplicationReceived {
		t.Errorf("emails about the application: %v, want one receipt", got)
	}
	if h := draftsHeld(t, ts, summer); h != (db.DraftsHeld{}) {
		t.Errorf("the draft outlived its application: %+v", h)
	}
	// The same form sent again (its answer lost on the way back, the browser's copy sent once
	// online): the page after sending, not "no saved form", and still one receipt.
	resp, body = other.submit(t, f, rest)
	formSent(t, resp, body)
	if got := templatesOf(emailsOf(t, ts, a.ID)); len(got) != 1 {
		t.Errorf("emails after the form came twice: %v, want one receipt", got)
	}
	resp, body = other.get(t, link)
	wantStatus(t, resp, body, http.StatusNotFound)
	wantText(t, body, "This link opens no saved form")
}

// Saving a resumed form again updates the same draft and sends no second email; sending a
// draft with a mistake keeps it and says what to fix, the saved CV still there.
func TestASavedFormSavedAgainIsTheSameDraft(t *testing.T) {
	_, ts, summer := summerOnAClock(t)
	const email = "again@example.org"
	resp, body := ts.visitor().saveForLater(t, summerSlug, halfAForm(t, ts, email), cvFile("cv.pdf"))
	wantStatus(t, resp, body, http.StatusSeeOther)
	link := draftLinkTo(t, ts, email)

	v := ts.visitor()
	_, body = v.get(t, link)
	f := testkit.FormOn(t, strings.Split(link, "?")[0], body, "/drafts/")
	resp, body = v.post(t, saveAction(t, body), f.Page, f.With(url.Values{"institution": {"Charles University"}}))
	wantStatus(t, resp, body, http.StatusSeeOther)
	if loc := resp.Header.Get("Location"); !strings.HasSuffix(loc, "?again=yes") {
		t.Errorf("saving again led to %q", loc)
	}
	_, body = v.get(t, resp.Header.Get("Location"))
	wantText(t, body, "Your form is saved again")
	if n := len(draftEmails(t, ts, email)); n != 1 {
		t.Errorf("%d resume emails, want 1", n)
	}
	if h := draftsHeld(t, ts, summer); h.Drafts != 1 || h.Files != 1 {
		t.Errorf("after saving again the edition holds %+v", h)
	}
	_, body = v.get(t, link)
	f = testkit.FormOn(t, strings.Split(link, "?")[0], body, "/drafts/")
	if got := f.Values.Get("institution"); got != "Charles University" {
		t.Errorf("the institution saved again comes back as %q", got)
	}
	wantText(t, body, "Received: cv.pdf")

	// Sent without the consent: the form says so and the draft stays.
	resp, body = v.submit(t, f, url.Values{"consent_processing": nil})
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	wantText(t, body, "Received: cv.pdf")
	if h := draftsHeld(t, ts, summer); h.Drafts != 1 {
		t.Errorf("a draft sent with a mistake was deleted: %+v", h)
	}
}

// The email address is the one field a draft needs: without it the form says so, in the
// visitor's language, and nothing is saved.
func TestADraftNeedsAnEmailAddress(t *testing.T) {
	_, ts, summer := summerOnAClock(t)
	for lang, want := range map[string]string{
		"en": "Type your email address to save the form: we email you the link to continue.",
		"cs": "Aby šel formulář uložit, napište svou e-mailovou adresu: pošleme na ni odkaz, kterým budete pokračovat.",
	} {
		v := ts.visitor()
		v.get(t, "/?lang="+lang)
		values := halfAForm(t, ts, "")
		resp, body := v.saveForLater(t, summerSlug, values, cvFile("cv.pdf"))
		wantStatus(t, resp, body, http.StatusUnprocessableEntity)
		wantText(t, body, want)
		if m := regexp.MustCompile(`formaction="([^"]+)"`).FindStringSubmatch(body); m == nil || m[1] != applyPath(summerSlug)+"/draft" {
			t.Errorf("%s: the form sent back saves to %v", lang, m)
		}
	}
	if h := draftsHeld(t, ts, summer); h.Drafts != 0 {
		t.Errorf("a draft without an address was saved: %+v", h)
	}
}

// A file that is not a PDF is refused with the form's message; the rest is saved and its link
// emailed.
func TestADraftRefusesAFileThatIsNotAPDF(t *testing.T) {
	_, ts, summer := summerOnAClock(t)
	const email = "notpdf@example.org"
	resp, body := ts.visitor().saveForLater(t, summerSlug, halfAForm(t, ts, email),
		formFile{Field: "cv", Name: "cv.pdf", Data: []byte("<html>not a pdf</html>")})
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	wantText(t, body, "We have emailed a link to the address you gave")
	if !strings.Contains(testkit.MainText(t, body), "PDF") {
		t.Errorf("the refused file is not named:\n%s", testkit.MainText(t, body))
	}
	if h := draftsHeld(t, ts, summer); h.Drafts != 1 || h.Files != 0 {
		t.Errorf("the edition holds %+v, want the draft without the file", h)
	}
	if n := len(draftEmails(t, ts, email)); n != 1 {
		t.Errorf("%d resume emails, want 1", n)
	}
}

// One resume email per address within the quiet time, however many drafts name it; each
// draft is saved.
func TestResumeEmailsToOneAddressAreSpacedOut(t *testing.T) {
	clock, ts, summer := summerOnAClock(t)
	const email = "victim@example.org"
	for range 3 {
		resp, body := ts.visitor().saveForLater(t, summerSlug, url.Values{"email": {email}})
		wantStatus(t, resp, body, http.StatusSeeOther)
	}
	resp, body := ts.visitor().saveForLater(t, summerSlug, url.Values{"email": {email}})
	_, body = ts.visitor().get(t, resp.Header.Get("Location"))
	wantText(t, body, "we have not emailed a link to it")
	if n := len(draftEmails(t, ts, email)); n != 1 {
		t.Errorf("%d resume emails within %s, want 1", n, school.DraftEmailQuiet)
	}
	if h := draftsHeld(t, ts, summer); h.Drafts != 4 {
		t.Errorf("%d drafts saved, want 4", h.Drafts)
	}
	clock.Set(clock.Now().Add(school.DraftEmailQuiet + time.Minute))
	ts.visitor().saveForLater(t, summerSlug, url.Values{"email": {email}})
	if n := len(draftEmails(t, ts, email)); n != 2 {
		t.Errorf("%d resume emails after the quiet time, want 2", n)
	}
}

// Once the call closes, the link says the draft expired (in the visitor's language), and the
// clock's jobs delete it, files too; the link then opens nothing.
func TestADraftExpiresWithTheCall(t *testing.T) {
	clock, ts, summer := summerOnAClock(t)
	const email = "late@example.org"
	resp, body := ts.visitor().saveForLater(t, summerSlug, halfAForm(t, ts, email), cvFile("cv.pdf"))
	wantStatus(t, resp, body, http.StatusSeeOther)
	link := strings.Split(draftLinkTo(t, ts, email), "?")[0]
	clock.Set(summer.DraftKeptUntil())
	for lang, want := range map[string]string{"en": "This saved form has expired", "cs": "Platnost uloženého formuláře skončila"} {
		resp, body = ts.visitor().get(t, link+"?lang="+lang)
		wantStatus(t, resp, body, http.StatusGone)
		wantText(t, body, want)
	}
	if err := ts.jobs().PurgeDrafts(context.Background()); err != nil {
		t.Fatal(err)
	}
	if h := draftsHeld(t, ts, summer); h != (db.DraftsHeld{}) {
		t.Errorf("after the jobs the edition holds %+v", h)
	}
	resp, body = ts.visitor().get(t, link)
	wantStatus(t, resp, body, http.StatusNotFound)
}

// Organisers see how many forms are saved for later on the edition's dashboard and its
// personal-data page, and nothing of them in the applications.
func TestOrganisersSeeOnlyACountOfDrafts(t *testing.T) {
	_, ts, summer := summerOnAClock(t)
	ts.visitor().saveForLater(t, summerSlug, halfAForm(t, ts, "counted@example.org"), cvFile("cv.pdf"))
	createUser(t, ts, "organiser@example.org", school.RoleOrganiser)
	org := signIn(t, ts, "organiser@example.org")
	base := "/admin/editions/" + strconv.FormatInt(summer.ID, 10)
	_, body := org.get(t, base)
	wantText(t, body, "1 form saved for later, not sent yet")
	_, body = org.get(t, base+"/privacy")
	wantText(t, body, "Forms saved for later, not sent", "1 (files: 1,", "once the call has closed, with their files")
	_, body = org.get(t, base+"/applications?q=counted")
	if strings.Contains(body, "counted@example.org") || strings.Contains(body, "Haddad") && strings.Contains(body, "counted") {
		t.Error("the application list shows a draft")
	}
}

// A draft link's secret opens what its applicant typed: the request log masks it as it masks
// status links.
func TestDraftLinksAreMaskedInTheLog(t *testing.T) {
	_, ts, _ := summerOnAClock(t)
	const email = "logged.draft@example.org"
	ts.visitor().saveForLater(t, summerSlug, url.Values{"email": {email}})
	link := strings.Split(draftLinkTo(t, ts, email), "?")[0]
	var log lockedBuffer
	ts.log = slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	v := ts.visitor()
	_, body := v.get(t, link)
	f := testkit.FormOn(t, link, body, "/drafts/")
	v.post(t, link+"/draft", f.Page, f.Values)
	v.get(t, "/DRAFTS/"+strings.TrimPrefix(link, "/drafts/")+"x")
	got := log.String()
	if secret := strings.TrimPrefix(link, "/drafts/"); strings.Contains(got, secret[:12]) {
		t.Errorf("the log holds the draft link:\n%s", got)
	}
	for _, want := range []string{"path=/drafts/… ", "path=/drafts/…/draft ", "path=/DRAFTS/… "} {
		if !strings.Contains(got, want) {
			t.Errorf("the log has no %q:\n%s", want, got)
		}
	}
}

// A form sent back with a mistake keeps its CV; saved for later from there, the draft has it.
func TestAFormSentBackIsSavedWithItsKeptCV(t *testing.T) {
	_, ts, summer := summerOnAClock(t)
	const email = "sentback@example.org"
	v := ts.visitor()
	answers := summerAnswers(t, ts, email)
	answers.Del("motivation")
	resp, body := v.apply(t, summerSlug, answers, cvFile("kept-cv.pdf"))
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	f := testkit.FormOn(t, applyPath(summerSlug), body, applyPath(summerSlug))
	if f.Values.Get("cv_claim") == "" {
		t.Fatal("the form sent back does not keep the CV")
	}
	resp, body = v.post(t, saveAction(t, body), f.Page, f.Values)
	wantStatus(t, resp, body, http.StatusSeeOther)
	if h := draftsHeld(t, ts, summer); h.Drafts != 1 || h.Files != 1 {
		t.Fatalf("the edition holds %+v, want the draft with the kept CV", h)
	}
	_, body = ts.visitor().get(t, draftLinkTo(t, ts, email))
	wantText(t, body, "Received: kept-cv.pdf")
}

// Saved again with another address, the draft gets a new link, emailed there; the old one
// opens nothing.
func TestADraftSavedWithAnotherAddressGetsANewLink(t *testing.T) {
	_, ts, _ := summerOnAClock(t)
	ts.visitor().saveForLater(t, summerSlug, url.Values{"email": {"typo@exmaple.org"}})
	old := draftLinkTo(t, ts, "typo@exmaple.org")
	v := ts.visitor()
	_, body := v.get(t, old)
	f := testkit.FormOn(t, strings.Split(old, "?")[0], body, "/drafts/")
	resp, body := v.post(t, saveAction(t, body), f.Page, f.With(url.Values{"email": {"right@example.org"}}))
	wantStatus(t, resp, body, http.StatusSeeOther)
	_, body = v.get(t, resp.Header.Get("Location"))
	wantText(t, body, "We have emailed a link to the address you gave")
	resp, body = ts.visitor().get(t, draftLinkTo(t, ts, "right@example.org"))
	wantStatus(t, resp, body, http.StatusOK)
	resp, body = ts.visitor().get(t, old)
	wantStatus(t, resp, body, http.StatusNotFound)
}

// A form saved for later keeps the referee named on it, and sending it asks that referee as the
// form would.
func TestASavedFormKeepsItsRefereeAndAsksThemWhenSent(t *testing.T) {
	t.Parallel()
	_, ts, summer := summerOnAClock(t)
	askReferences(t, ts, summer, 1, false)
	const email = "draft.referee@example.org"
	half := halfAForm(t, ts, email)
	half.Set("referee_1_name", "Prof. Lina Saleh")
	half.Set("referee_1_email", "lina.saleh@uni.example")
	half.Set("referee_1_relation", "thesis supervisor")
	resp, body := ts.visitor().saveForLater(t, summerSlug, half, cvFile("cv.pdf"))
	wantStatus(t, resp, body, http.StatusSeeOther)

	other := ts.visitor()
	link := draftLinkTo(t, ts, email)
	resp, body = other.get(t, link)
	wantStatus(t, resp, body, http.StatusOK)
	f := testkit.FormOn(t, strings.Split(link, "?")[0], body, "/drafts/")
	for name, want := range map[string]string{"referee_1_name": "Prof. Lina Saleh",
		"referee_1_email": "lina.saleh@uni.example", "referee_1_relation": "thesis supervisor"} {
		if got := f.Values.Get(name); got != want {
			t.Errorf("%s comes back as %q, want %q", name, got, want)
		}
	}
	resp, body = other.submit(t, f, summerAnswers(t, ts, email))
	formSent(t, resp, body)
	a, err := ts.store.ApplicationByEmail(context.Background(), summer.ID, email)
	if err != nil {
		t.Fatal(err)
	}
	referees, err := ts.store.Referees(context.Background(), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(referees) != 1 || referees[0].Email != "lina.saleh@uni.example" {
		t.Fatalf("the application sent from the saved form has referees %+v", referees)
	}
	refereeEmail(t, ts, "lina.saleh@uni.example")
}
