package app

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"registrar/app/mail"
	"registrar/app/school"
	"registrar/app/testkit"
	"registrar/db"
)

// emailPage is the address of an edition's email editor.
func emailPage(e school.Edition, name, lang string) string {
	return "/admin/editions/" + strconv.FormatInt(e.ID, 10) + "/emails/" + name + "/" + lang
}

// editEmail sends the editor's form with a subject, a body and the button pressed.
func editEmail(t testing.TB, v *visitor, e school.Edition, name, lang, subject, body, action string) (*http.Response, string) {
	t.Helper()
	page := emailPage(e, name, lang)
	f := v.openForm(t, page, page)
	return v.submit(t, f, url.Values{"subject": {subject}, "body": {body}, "action": {action}})
}

func saveEmail(t testing.TB, v *visitor, e school.Edition, name, lang, subject, body string) {
	t.Helper()
	resp, page := editEmail(t, v, e, name, lang, subject, body, "save")
	wantStatus(t, resp, page, http.StatusSeeOther)
	if loc := resp.Header.Get("Location"); loc != emailPage(e, name, lang)+"?done=saved" {
		t.Fatalf("saving led to %q", loc)
	}
}

func storedEmails(t testing.TB, ts *testServer, e school.Edition) []db.EmailTemplate {
	t.Helper()
	list, err := ts.store.EmailTemplates(context.Background(), e.ID)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func TestCustomisedEmailReplacesTheDefaultInItsLanguageOnly(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	e := createSelectionEdition(t, ts, "custom-2027", 2)
	organiser := createUser(t, ts, "organiser@school.test", school.RoleOrganiser)
	anna := createApplicant(t, ts, e, "Anna", "en")
	bohdan := createApplicant(t, ts, e, "Bohdan", "cs")
	v := signIn(t, ts, organiser.Email)

	// Every email in both languages is listed, all default to begin with.
	resp, body := v.get(t, "/admin/editions/"+strconv.FormatInt(e.ID, 10)+"/emails")
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "Decision: offered a place", "Practical information", "Application withdrawn")
	if n := strings.Count(testkit.MainText(t, body), "Default"); n != 2*len(mail.Kinds) {
		t.Errorf("%d emails say Default, want %d", n, 2*len(mail.Kinds))
	}

	// The editor lists the placeholders and shows the default, rendered on the newest application.
	page := emailPage(e, "decision_accepted", "cs")
	resp, body = v.get(t, page)
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "{given_name}", "The applicant's given name", "{status_link}", "Nabídka místa: "+e.TitleCS,
		"Dobrý den,", "Bohdan", "Shown for the application "+bohdan.Reference)

	saveEmail(t, v, e, "decision_accepted", "cs", "Gratulujeme, {given_name}: {edition}",
		"Dobrý den, {given_name},\r\n\r\nmísto v programu {edition} ({dates}, {city}) potvrďte do {offer_deadline}:\r\n{status_link}\r\n\r\nOrganizátoři")
	resp, body = v.get(t, page+"?done=saved")
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "Saved.", "Customised on", "organiser@school.test", "Gratulujeme, Bohdan: "+e.TitleCS)
	_, body = v.get(t, "/admin/editions/"+strconv.FormatInt(e.ID, 10)+"/emails")
	wantText(t, body, "Customised")

	stageOK(t, v, anna.ID, school.StatusAccepted, 0)
	stageOK(t, v, bohdan.ID, school.StatusAccepted, 0)
	resp, body = release(t, v, e.ID)
	wantStatus(t, resp, body, http.StatusSeeOther)

	cs := lastEmail(t, ts, bohdan.ID)
	if cs.Template != "decision_accepted" || cs.Subject != "Gratulujeme, Bohdan: "+e.TitleCS {
		t.Errorf("the Czech decision: %s %q", cs.Template, cs.Subject)
	}
	offered := statusOf(t, ts, bohdan.ID)
	for _, want := range []string{"Dobrý den, Bohdan,\n\nmísto v programu " + e.TitleCS,
		ts.i18n.Translator("cs").Moment(offered.OfferExpiresAt), "Organizátoři\n"} {
		if !strings.Contains(cs.Text, want) {
			t.Errorf("the Czech decision does not say %q:\n%s", want, cs.Text)
		}
	}
	if strings.Contains(cs.Text, "{") {
		t.Errorf("a placeholder is left in:\n%s", cs.Text)
	}
	// The status link works, and is a link in the HTML part, inside the email layout.
	token := statusLinkOf(t, cs)
	if !strings.Contains(cs.HTML, `<a href="http://127.0.0.1/status/`+token+`">`) || !strings.Contains(cs.HTML, "<p>Dobrý den, Bohdan,</p>") ||
		!strings.Contains(cs.HTML, `<html lang="cs">`) {
		t.Errorf("the HTML part:\n%s", cs.HTML)
	}
	resp, body = ts.visitor().get(t, "/status/"+token)
	wantStatus(t, resp, body, http.StatusOK)

	en := lastEmail(t, ts, anna.ID)
	if en.Subject != "You are offered a place: "+e.TitleEN {
		t.Errorf("the English decision: %q, want the default", en.Subject)
	}
}

func TestEmailTextIsCheckedAndNeverRunAsHTML(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	e := createSelectionEdition(t, ts, "checked-2027", 2)
	organiser := createUser(t, ts, "organiser@school.test", school.RoleOrganiser)
	v := signIn(t, ts, organiser.Email)

	t.Run("an unknown placeholder is refused beside the field", func(t *testing.T) {
		resp, body := editEmail(t, v, e, "application_received", "en", "Thanks {given_name}",
			"Hello {first_name},\n\nwe have {reference}. {{.Application.Email}}", "save")
		wantStatus(t, resp, body, http.StatusUnprocessableEntity)
		doc := testkit.ParseHTML(t, body)
		if msg := testkit.ByID(doc, "body-error"); msg == nil || !strings.Contains(testkit.Text(msg), "Unknown placeholder: {first_name}, {.Application.Email}") {
			t.Errorf("no message beside the text:\n%s", testkit.MainText(t, body))
		}
		if testkit.ByID(doc, "subject-error") != nil {
			t.Error("the subject, which is right, has an error")
		}
		// What was written is kept.
		if f := testkit.FormOn(t, "page", body, emailPage(e, "application_received", "en")); !strings.Contains(f.Values.Get("body"), "{first_name}") {
			t.Errorf("the text was lost: %q", f.Values.Get("body"))
		}
		if got := storedEmails(t, ts, e); len(got) != 0 {
			t.Errorf("stored %v", got)
		}
	})

	t.Run("in Czech", func(t *testing.T) {
		page := emailPage(e, "application_received", "en")
		f := v.openForm(t, page+"?lang=cs", page)
		resp, body := v.submit(t, f, url.Values{"subject": {"Díky {jmeno}"}, "body": {"Text"}, "action": {"save"}})
		wantStatus(t, resp, body, http.StatusUnprocessableEntity)
		if msg := testkit.ByID(testkit.ParseHTML(t, body), "subject-error"); msg == nil || !strings.Contains(testkit.Text(msg), "Neznámý zástupný údaj: {jmeno}") {
			t.Errorf("no Czech message beside the subject:\n%s", testkit.MainText(t, body))
		}
		v.get(t, page+"?lang=en")
	})

	t.Run("double braces are refused", func(t *testing.T) {
		resp, body := editEmail(t, v, e, "application_received", "en", "Hi", "Hello {{given_name}}", "save")
		wantStatus(t, resp, body, http.StatusUnprocessableEntity)
		wantText(t, body, "Write placeholders with single braces")
	})

	t.Run("a preview saves nothing", func(t *testing.T) {
		page := emailPage(e, "application_received", "en")
		resp, body := editEmail(t, v, e, "application_received", "en", "Received: {reference}", "Hello {given_name} {family_name}!\n\n{status_link}", "preview")
		wantStatus(t, resp, body, http.StatusOK)
		wantText(t, body, "This is a preview: nothing is saved yet.", "Shown for a sample application", "Received: SMS-2027-0001",
			"Hello Jana Nováková!")
		if f := testkit.FormOn(t, page, body, page); f.Values.Get("subject") != "Received: {reference}" {
			t.Errorf("the previewed subject is not kept in the form: %q", f.Values.Get("subject"))
		}
		if got := storedEmails(t, ts, e); len(got) != 0 {
			t.Errorf("a preview stored %v", got)
		}
		a := createApplicant(t, ts, e, "Petra", "en")
		if m := lastEmail(t, ts, a.ID); strings.HasPrefix(m.Subject, "Received") {
			t.Errorf("the receipt after a preview: %q", m.Subject)
		}
	})

	t.Run("script in the text is escaped in the HTML part", func(t *testing.T) {
		saveEmail(t, v, e, "application_received", "en", "We have your application <b>{reference}</b>",
			"Hello {given_name},\n\n<script>alert(1)</script> & <a href=\"http://evil.test\">x</a>\nline two\n\nLink: {status_link}")
		a := createApplicant(t, ts, e, "Olga", "en")
		m := lastEmail(t, ts, a.ID)
		if m.Subject != "We have your application <b>"+a.Reference+"</b>" {
			t.Errorf("subject %q", m.Subject)
		}
		if strings.Contains(m.HTML, "<script") || strings.Contains(m.HTML, "evil.test\">") {
			t.Errorf("the HTML part runs the organiser's markup:\n%s", m.HTML)
		}
		for _, want := range []string{"<p>Hello Olga,</p>", "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;a href=&#34;http://evil.test&#34;&gt;x&lt;/a&gt;<br>\nline two</p>",
			`<p>Link: <a href="http://127.0.0.1/status/`} {
			if !strings.Contains(m.HTML, want) {
				t.Errorf("the HTML part lacks %q:\n%s", want, m.HTML)
			}
		}
		if !strings.Contains(m.Text, "<script>alert(1)</script>") {
			t.Errorf("the text part is plain text as written:\n%s", m.Text)
		}
		// The editor shows the text escaped as well.
		_, body := v.get(t, emailPage(e, "application_received", "en"))
		if strings.Contains(body, "<script>alert") {
			t.Error("the editor page carries the script")
		}
	})

	t.Run("back to the default", func(t *testing.T) {
		resp, body := editEmail(t, v, e, "application_received", "en", "", "", "default")
		wantStatus(t, resp, body, http.StatusSeeOther)
		resp, body = v.get(t, resp.Header.Get("Location"))
		wantStatus(t, resp, body, http.StatusOK)
		wantText(t, body, "The default wording is used again.", "This email uses the default wording")
		if got := storedEmails(t, ts, e); len(got) != 0 {
			t.Errorf("still stored: %v", got)
		}
		a := createApplicant(t, ts, e, "Quentin", "en")
		if m := lastEmail(t, ts, a.ID); !strings.Contains(m.Text, "Dear Quentin") || strings.Contains(m.Text, "<script>") {
			t.Errorf("the receipt after going back to the default:\n%s", m.Text)
		}
	})

	t.Run("unknown emails and languages are not found", func(t *testing.T) {
		for _, p := range []string{emailPage(e, "nonsense", "en"), emailPage(e, "withdrawn", "de")} {
			if resp, body := v.get(t, p); resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s: %d\n%.300s", p, resp.StatusCode, body)
			}
		}
	})
}

func TestOnlyOrganisersEditAndSendEmails(t *testing.T) {
	t.Parallel()
	f := newAdminFixture(t)
	id := strconv.FormatInt(f.summer.ID, 10)
	page := emailPage(f.summer, "withdrawn", "en")
	routes := []struct {
		method, path string
		form         url.Values
	}{
		{"GET", "/admin/editions/" + id + "/emails", nil},
		{"GET", page, nil},
		{"POST", page, url.Values{"subject": {"Hi"}, "body": {"Text"}, "action": {"save"}}},
		{"GET", "/admin/editions/" + id + "/send", nil},
		{"POST", "/admin/editions/" + id + "/send", url.Values{}},
	}
	for _, u := range []school.User{f.staff.reviewer, f.staff.outsider} {
		v := signIn(t, f.ts, u.Email)
		for _, r := range routes {
			var resp *http.Response
			var body string
			if r.method == "GET" {
				resp, body = v.get(t, r.path)
			} else {
				resp, body = v.postAdmin(t, r.path, r.form)
			}
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s %s as %s: %d, want 403\n%.300s", r.method, r.path, u.Email, resp.StatusCode, testkit.MainText(t, body))
			}
		}
	}
	if got := storedEmails(t, f.ts, f.summer); len(got) != 0 {
		t.Errorf("a reviewer stored %v", got)
	}
	for _, u := range []school.User{f.staff.admin, f.staff.organiser} {
		v := signIn(t, f.ts, u.Email)
		for _, r := range routes[:2] {
			resp, body := v.get(t, r.path)
			wantStatus(t, resp, body, http.StatusOK)
		}
	}
	// Without a session: the login page.
	resp, _ := f.ts.visitor().get(t, page)
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/admin/login") {
		t.Errorf("without a session: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestPracticalInformationGoesOnceToEachConfirmedParticipant(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	e := createSelectionEdition(t, ts, "practical-2027", 5)
	organiser := createUser(t, ts, "organiser@school.test", school.RoleOrganiser)
	var confirmed []school.Application
	for _, who := range []struct{ name, lang string }{{"Alena", "cs"}, {"Ben", "en"}, {"Cyril", "cs"}} {
		a := createApplicant(t, ts, e, who.name, who.lang)
		setStatus(t, ts, e, a.ID, school.StatusAccepted)
		confirmed = append(confirmed, setStatus(t, ts, e, a.ID, school.StatusConfirmed))
	}
	offered := createApplicant(t, ts, e, "Dora", "en")
	setStatus(t, ts, e, offered.ID, school.StatusAccepted) // offered, not confirmed
	waiting := createApplicant(t, ts, e, "Emil", "en")
	v := signIn(t, ts, organiser.Email)

	// The Czech wording is the edition's own; the English one the default.
	saveEmail(t, v, e, "practical_information", "cs", "Praktické informace: {edition}",
		"Dobrý den, {given_name},\n\nsraz je v {city} první den v 9:00.")

	page := "/admin/editions/" + strconv.FormatInt(e.ID, 10) + "/send"
	resp, body := v.get(t, page)
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "3 confirmed participants will receive it.", "Shown for the application "+confirmed[0].Reference,
		"sraz je v Prague první den", "Czech: Customised", "English: Default", "Send to 3 participants")
	// The preview's status link was made for it and opens nothing: it is withheld, as in the outbox.
	if live := regexp.MustCompile(`/status/[A-Za-z0-9_-]{20,}`).FindString(body); live != "" {
		t.Errorf("the preview shows a status link that opens nothing: %s", live)
	}

	before := queuedCount(t, ts)
	f := testkit.FormOn(t, page, body, page)
	resp, body = v.submit(t, f, nil)
	wantStatus(t, resp, body, http.StatusSeeOther)
	// The whole outbox, saying what was queued: by the time it opens the emails may be sent.
	loc := resp.Header.Get("Location")
	if loc != "/admin/outbox?queued=3" {
		t.Errorf("sending led to %q", loc)
	}
	resp, body = v.get(t, loc)
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, testkit.MainText(t, body), "3 emails were queued.", "Practical information: "+e.TitleEN)
	if q := queuedCount(t, ts); q != before+3 {
		t.Errorf("%d emails queued, want 3", q-before)
	}
	for _, a := range confirmed {
		m := lastEmail(t, ts, a.ID)
		if m.Template != "practical_information" || m.Lang != a.Lang {
			t.Errorf("%s's last email: %s in %s", a.GivenName, m.Template, m.Lang)
		}
		if a.Lang == "cs" && m.Subject != "Praktické informace: "+e.TitleCS {
			t.Errorf("%s's subject %q", a.GivenName, m.Subject)
		}
		if a.Lang == "en" && (m.Subject != "Practical information: "+e.TitleEN || !strings.Contains(m.Text, "Charles University, Prague")) {
			t.Errorf("%s's email: %q\n%s", a.GivenName, m.Subject, m.Text)
		}
		if a.Lang == "en" {
			statusLinkOf(t, m) // the default carries the status link
		}
		history, err := ts.store.ApplicationHistory(context.Background(), a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if last := history[len(history)-1]; last.Action != "email_practical_information" || !strings.Contains(last.Actor, organiser.Email) {
			t.Errorf("%s's last audit entry: %+v", a.GivenName, last)
		}
	}
	for _, a := range []school.Application{offered, waiting} {
		if m := lastEmail(t, ts, a.ID); m.Template == "practical_information" {
			t.Errorf("%s, %s, got the practical information", a.GivenName, statusOf(t, ts, a.ID).Status)
		}
	}

	// A second click (the clock has not moved) queues nothing more, and lands on the outbox too.
	resp, body = v.submit(t, f, nil)
	wantStatus(t, resp, body, http.StatusSeeOther)
	resp, body = v.get(t, resp.Header.Get("Location"))
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, testkit.MainText(t, body), "Nothing new was queued")
	if q := queuedCount(t, ts); q != before+3 {
		t.Errorf("a second click queued %d more", q-before-3)
	}
	resp, body = v.get(t, "/admin/outbox?status=queued")
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "Practical information: "+e.TitleEN)
	resp, body = v.get(t, page)
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "Last sent on", "recipients: 3")
}

func TestPracticalInformationWithNobodyConfirmedOffersNoButton(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	e := createSelectionEdition(t, ts, "nobody-2027", 5)
	organiser := createUser(t, ts, "organiser@school.test", school.RoleOrganiser)
	v := signIn(t, ts, organiser.Email)
	page := "/admin/editions/" + strconv.FormatInt(e.ID, 10) + "/send"
	resp, body := v.get(t, page)
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "No participant has confirmed a place yet", "Shown for a sample application", "Dear Jana")
	if _, ok := testkit.FindForm(testkit.ParseHTML(t, body), page); ok {
		t.Error("the page offers to send to nobody")
	}
}
