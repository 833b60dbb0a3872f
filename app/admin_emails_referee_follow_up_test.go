package app

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"registrar/app/school"
	"registrar/app/testkit"
	"registrar/db"
)

// An organiser rewords the referee's request in Czech: a referee named on a Czech form gets the
// reworded text with a link to their page that works, staff see it in the outbox without the
// link, and a wording without the link, or with the applicant's status link, is refused.
func TestOrganisersRewordTheRefereeRequest(t *testing.T) {
	t.Parallel()
	clock, ts, summer := summerOnAClock(t)
	askReferences(t, ts, summer, 1, false)
	organiser := createUser(t, ts, "organiser@school.test", school.RoleOrganiser)
	staff := signIn(t, ts, organiser.Email)

	_, body := staff.get(t, "/admin/editions/"+strconv.FormatInt(summer.ID, 10)+"/emails")
	wantText(t, body, "To a referee: reference request", "To a referee: reminder", "Follow-up questions: reminder",
		"Visa letter corrected")

	page := emailPage(summer, "referee_request", "cs")
	resp, body := staff.get(t, page)
	wantStatus(t, resp, body, http.StatusOK)
	testkit.WantText(t, "the referee request's editor", testkit.MainText(t, body), "{referee_link}", "{referee_name}",
		"{applicant_name}", "{reference_deadline}", "The referee's own link", "Žádost o doporučení")
	if list := testkit.Text(testkit.ByID(testkit.ParseHTML(t, body), "placeholders")); strings.Contains(list, "{status_link}") ||
		strings.Contains(list, "{given_name}") {
		t.Error("the referee's email offers the applicant's placeholders")
	}

	resp, body = editEmail(t, staff, summer, "referee_request", "cs", "Doporučení pro {applicant_name}",
		"Dobrý den,\n\nprosíme o doporučení.", "save")
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	if msg := testkit.ByID(testkit.ParseHTML(t, body), "body-error"); msg == nil ||
		!strings.Contains(testkit.Text(msg), "keep {referee_link} in the text") {
		t.Errorf("a wording without the referee's link is not refused beside the text:\n%s", testkit.MainText(t, body))
	}
	resp, body = editEmail(t, staff, summer, "referee_request", "cs", "Doporučení",
		"Dobrý den,\n\n{referee_link}\n\nStav přihlášky: {status_link}", "save")
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	wantText(t, body, "Unknown placeholder: {status_link}")
	if got := storedEmails(t, ts, summer); len(got) != 0 {
		t.Fatalf("stored %v", got)
	}

	saveEmail(t, staff, summer, "referee_request", "cs", "Prosba o doporučení pro {applicant_name}",
		"Dobrý den,\n\n{applicant_name} se hlásí do programu {edition} a uvádí vás ({referee_name}) jako doporučující osobu.\n\n"+
			"Doporučení pošlete do {reference_deadline} zde:\n{referee_link}\n\nDěkujeme, organizátoři")
	saveEmail(t, staff, summer, "referee_reminder", "cs", "Připomínáme: doporučení pro {applicant_name}",
		"Dobrý den,\n\nještě čekáme na vaše doporučení: {referee_link}")
	// The editor shows the wording on a sample referee, its link withheld.
	_, body = staff.get(t, page+"?done=saved")
	if text := testkit.MainText(t, body); !strings.Contains(text, "/referee/"+db.WithheldLink) {
		t.Errorf("the preview does not show the referee's link withheld:\n%s", text)
	}

	applicant := ts.visitor()
	f := applicant.openForm(t, applyPath(summerSlug)+"?lang=cs", applyPath(summerSlug))
	resp, body = applicant.submit(t, f, withReferee(t, ts, "amina@example.org", "lina.saleh@uni.example"), cvFile("cv.pdf"))
	a := applicationOf(t, ts, ts.submitted(t, resp, body, "amina@example.org"))

	m, secret := refereeEmail(t, ts, "lina.saleh@uni.example")
	refs, err := ts.store.References(context.Background(), summer.ID)
	if err != nil {
		t.Fatal(err)
	}
	deadline := ts.i18n.Translator("cs").Moment(refs.DeadlineFor(summer))
	if m.Subject != "Prosba o doporučení pro "+a.Name() {
		t.Errorf("the referee's subject %q", m.Subject)
	}
	testkit.WantText(t, "the referee's email", m.Text, "Dobrý den,\n\n"+a.Name()+" se hlásí do programu "+summer.TitleCS,
		"(Prof. Lina Saleh)", "do "+deadline+" zde:\nhttp://127.0.0.1/referee/"+secret, "Děkujeme, organizátoři")
	if !strings.Contains(m.HTML, `<a href="http://127.0.0.1/referee/`+secret+`?lang=cs">`) || !strings.Contains(m.HTML, `<html lang="cs">`) {
		t.Errorf("the HTML part:\n%s", m.HTML)
	}
	if strings.Contains(m.Text, "/status/") {
		t.Error("the referee's email carries the applicant's status link")
	}
	resp, body = ts.visitor().get(t, "/referee/"+secret+"?lang=en")
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, a.Name(), "thesis supervisor")

	// Staff see it in the outbox without the link.
	resp, body = staff.get(t, "/admin/outbox/"+strconv.FormatInt(m.ID, 10))
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "Prosba o doporučení pro "+a.Name(), "/referee/"+db.WithheldLink)
	resp, html := staff.get(t, "/admin/outbox/"+strconv.FormatInt(m.ID, 10)+"/html")
	wantStatus(t, resp, html, http.StatusOK)
	if strings.Contains(body+html, secret) {
		t.Error("staff see the referee's secret link in the outbox")
	}

	// The reminder, three days before the deadline, in its own wording.
	clock.Set(refs.DeadlineFor(summer).Add(-3*24*time.Hour + time.Minute))
	if err := ts.jobs().RemindReferees(context.Background()); err != nil {
		t.Fatal(err)
	}
	reminder, reminderSecret := refereeEmail(t, ts, "lina.saleh@uni.example")
	if reminder.Subject != "Připomínáme: doporučení pro "+a.Name() ||
		!strings.Contains(reminder.Text, "ještě čekáme na vaše doporučení: http://127.0.0.1/referee/"+reminderSecret) {
		t.Errorf("the reminder:\n%s\n%s", reminder.Subject, reminder.Text)
	}
	if resp, body := ts.visitor().get(t, "/referee/"+reminderSecret); resp.StatusCode != http.StatusOK {
		t.Errorf("the reminder's link: %d\n%.300s", resp.StatusCode, body)
	}

	// An English form's referee still gets the English default.
	clock.Set(demoNow)
	f = applicant.openForm(t, applyPath(summerSlug)+"?lang=en", applyPath(summerSlug))
	resp, body = applicant.submit(t, f, withReferee(t, ts, "omar@example.org", "english.referee@uni.example"), cvFile("cv.pdf"))
	ts.submitted(t, resp, body, "omar@example.org")
	if en, _ := refereeEmail(t, ts, "english.referee@uni.example"); !strings.HasPrefix(en.Subject, "A reference request") {
		t.Errorf("the English request: %q, want the default", en.Subject)
	}
}

// The follow-up reminder and the corrected visa letter's email are reworded like the others;
// the reminder may give the follow-up deadline and reaches the applicant with a working link.
func TestOrganisersRewordTheFollowUpReminder(t *testing.T) {
	t.Parallel()
	ts := newFormServer(t)
	e := documentEdition(t, ts, "follow-reword-2027")
	ctx := context.Background()
	if err := ts.store.AddDefaultFollowUps(ctx, e.ID); err != nil {
		t.Fatal(err)
	}
	deadline := ts.now().Add(48 * time.Hour)
	if err := ts.store.SetFollowUpSettings(ctx, e.ID, school.FollowUpSettings{Deadline: deadline, PassportKeptDays: 30}); err != nil {
		t.Fatal(err)
	}
	organiser := createUser(t, ts, "organiser@school.test", school.RoleOrganiser)
	staff := signIn(t, ts, organiser.Email)

	// The default gives the deadline too.
	when := ts.i18n.Translator("en").Moment(deadline)
	_, body := staff.get(t, emailPage(e, "follow_up_reminder", "en"))
	wantText(t, body, "{follow_up_deadline}", "The deadline for the follow-up answers", "{status_link}",
		"We take answers until "+when+".")
	_, body = staff.get(t, emailPage(e, "follow_up_reminder", "en")+"?lang=cs")
	wantText(t, body, "Lhůta pro odpovědi na doplňující otázky")
	staff.get(t, emailPage(e, "follow_up_reminder", "en")+"?lang=en")
	resp, body := editEmail(t, staff, e, "follow_up_reminder", "en", "Details, please", "Answer by {follow_up_deadline}.", "save")
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	wantText(t, body, "keep {status_link} in the text")
	resp, body = editEmail(t, staff, e, "visa_letter_corrected", "en", "Letter", "Your letter was corrected.", "preview")
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	wantText(t, body, "keep {status_link} in the text")

	saveEmail(t, staff, e, "follow_up_reminder", "en", "{edition}: your travel details by {follow_up_deadline}",
		"Hello {given_name},\n\nplease tell us your arrival and passport details by {follow_up_deadline}:\n{status_link}")
	saveEmail(t, staff, e, "visa_letter_corrected", "en", "Corrected letter: {reference}",
		"Hello {given_name},\n\nthe corrected letter is here: {status_link}")
	_, body = staff.get(t, emailPage(e, "visa_letter_corrected", "en"))
	wantText(t, body, "Corrected letter: ")

	p := createParticipant(t, ts, e, "Olena", "Kovalenko", "en", "UA", true, "")
	setStatus(t, ts, e, p.app.ID, school.StatusAccepted)
	if err := ts.jobs().RemindFollowUps(ctx); err != nil {
		t.Fatal(err)
	}
	var reminder db.OutboxMessage
	for _, m := range emailsOf(t, ts, p.app.ID) {
		if m.Template == "follow_up_reminder" {
			reminder = m
		}
	}
	if reminder.Subject != e.TitleEN+": your travel details by "+when {
		t.Fatalf("the reminder's subject %q", reminder.Subject)
	}
	testkit.WantText(t, "the reminder", reminder.Text, "Hello Olena,", "passport details by "+when+":\nhttp://127.0.0.1/status/")
	resp, body = ts.visitor().get(t, "/status/"+statusLinkOf(t, reminder))
	wantStatus(t, resp, body, http.StatusOK)
}
