package app

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"registrar/app/school"
	"registrar/app/testkit"
	"registrar/db"
)

// refereeLinkInEmail finds a referee's link in an email's text.
var refereeLinkInEmail = regexp.MustCompile(`/referee/([A-Za-z0-9_-]{40,64})`)

// askReferences makes the demo summer school ask for n references, with one question.
func askReferences(t testing.TB, ts *testServer, e school.Edition, n int, seeLetters bool) {
	t.Helper()
	if err := ts.store.SaveReferences(context.Background(), e.ID, school.References{Asked: n,
		QuestionsEN: []string{"How long have you known the applicant?"},
		QuestionsCS: []string{"Jak dlouho uchazeče znáte?"}, ReviewersSeeLetters: seeLetters},
		"user:0 test", demoNow); err != nil {
		t.Fatal(err)
	}
}

// refereeEmail is the newest email queued to address and the secret of the referee's link in
// it, read before the outbox runs (a sent email keeps no secret).
func refereeEmail(t testing.TB, ts *testServer, address string) (db.OutboxMessage, string) {
	t.Helper()
	msgs, err := ts.store.OutboxMessages(context.Background(), db.OutboxFilter{Scope: db.EmailScope{Editions: school.AllEditions()}, Limit: 1 << 30})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		if strings.EqualFold(m.To, address) {
			link := refereeLinkInEmail.FindStringSubmatch(m.Text)
			if link == nil {
				t.Fatalf("the newest email to %s (%s) has no referee link", address, m.Template)
			}
			return m, link[1]
		}
	}
	t.Fatalf("no email to %s", address)
	return db.OutboxMessage{}, ""
}

// withReferee is the summer school's answers with one referee named.
func withReferee(t testing.TB, ts *testServer, email, refereeEmail string) url.Values {
	answers := summerAnswers(t, ts, email)
	answers.Set("referee_1_name", "Prof. Lina Saleh")
	answers.Set("referee_1_email", refereeEmail)
	answers.Set("referee_1_relation", "thesis supervisor")
	return answers
}

func TestAnEditionAskingAReferenceAsksForTheRefereeOnTheForm(t *testing.T) {
	t.Parallel()
	_, ts, summer := summerOnAClock(t)
	askReferences(t, ts, summer, 1, false)
	v := ts.visitor()
	_, body := v.get(t, applyPath(summerSlug)+"?lang=en")
	wantText(t, body, "Your referee", "Referee 1: name", "Referee 1: email", "Referee 1: how they know you")
	if strings.Contains(body, `name="referee_name"`) {
		t.Error("the form still asks the one optional referee beside the references")
	}

	answers := summerAnswers(t, ts, "half.referee@example.org")
	answers.Set("referee_1_name", "Dr Half")
	resp, body := v.apply(t, summerSlug, answers, cvFile("cv.pdf"))
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	wantText(t, body, "Referee 1: email", "Referee 1: how they know you")

	answers = withReferee(t, ts, "own@example.org", "OWN@example.org")
	resp, body = v.apply(t, summerSlug, answers, cvFile("cv.pdf"))
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	wantText(t, body, "Enter the referee's address, not your own.")

	// None named: the form is taken, and the status page asks for the referee.
	status := v.applyOK(t, summerSlug, summerAnswers(t, ts, "no.referee.yet@example.org"), cvFile("cv.pdf"))
	_, body = v.get(t, "/status/"+status+"?lang=en")
	wantText(t, body, "Referee 1: not named yet.", "Name a referee")
}

// The whole way of a reference: named on the form, asked by email through the outbox with a
// link staff never see, sent once as a PDF with an answer, shown to the applicant only as
// received, read by organisers; a blind reviewer does not read it while the edition says so.
func TestARefereeSendsALetterThroughTheirOwnLink(t *testing.T) {
	t.Parallel()
	clock, ts, summer := summerOnAClock(t)
	askReferences(t, ts, summer, 1, false)
	applicant := ts.visitor()
	answers := withReferee(t, ts, "amina@example.org", "lina.saleh@uni.example")
	f := applicant.openForm(t, applyPath(summerSlug)+"?lang=cs", applyPath(summerSlug))
	resp, body := applicant.submit(t, f, answers, cvFile("cv.pdf"))
	status := ts.submitted(t, resp, body, "amina@example.org")
	a := applicationOf(t, ts, status)

	m, secret := refereeEmail(t, ts, "lina.saleh@uni.example")
	if m.Lang != "cs" || !strings.Contains(m.Subject, "Žádost o doporučení") || !strings.Contains(m.Text, "?lang=en") {
		t.Errorf("the referee's email is not in the applicant's Czech with a way to English: %s %q", m.Lang, m.Subject)
	}
	if text, html := m.Shown(); strings.Contains(text+html, secret) {
		t.Error("staff see the referee's secret link in the outbox")
	}

	referee := ts.visitor()
	page := "/referee/" + secret + "?lang=en"
	_, body = referee.get(t, page)
	wantText(t, body, "Amina Haddad", summer.Title("en"), "thesis supervisor", "How long have you known the applicant?")
	for _, private := range []string{a.Motivation, a.Reference, "Jordan", "cv.pdf"} {
		if strings.Contains(testkit.MainText(t, body), private) {
			t.Errorf("the referee's page shows %q of the application", private)
		}
	}

	// Probes: another link, a form without its token, a file that is no PDF, nothing at all.
	resp, body = referee.get(t, "/referee/"+strings.Repeat("x", 43))
	wantStatus(t, resp, body, http.StatusNotFound)
	wantText(t, body, "This link does not work")
	form := referee.openForm(t, page, "/referee/")
	noToken := form.With(url.Values{"answer_1": {"Five years."}})
	noToken.Del("_csrf")
	resp, body = referee.post(t, form.Action, form.Page, noToken)
	wantStatus(t, resp, body, http.StatusForbidden)
	resp, body = referee.submit(t, form, nil, formFile{Field: "letter", Name: "letter.pdf", Data: []byte("<html>not a pdf</html>")})
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	wantText(t, body, "PDF")
	resp, body = referee.submit(t, form, nil)
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	wantText(t, body, "Attach your letter or answer at least one question.")

	resp, body = referee.submit(t, form, url.Values{"answer_1": {"Five years, as her supervisor."}},
		formFile{Field: "letter", Name: "saleh-reference.pdf", Data: minimalPDF("I recommend Amina.")})
	wantStatus(t, resp, body, http.StatusSeeOther)
	_, body = referee.get(t, page)
	wantText(t, body, "Thank you: your reference has arrived")
	resp, body = referee.submit(t, form, url.Values{"answer_1": {"Changed my mind."}})
	wantText(t, body, "Thank you: your reference has arrived")
	referees, err := ts.store.Referees(context.Background(), a.ID)
	if err != nil || len(referees) != 1 || referees[0].Answers[0].Answer != "Five years, as her supervisor." {
		t.Fatalf("the reference changed after it was sent: %+v %v", referees, err)
	}

	_, body = applicant.get(t, "/status/"+status+"?lang=en")
	wantText(t, body, "References", "Prof. Lina Saleh", "Received")
	if strings.Contains(body, "Five years") || strings.Contains(body, "/letter") {
		t.Error("the applicant sees the reference")
	}
	_, body = applicant.get(t, "/status/"+status+"/data.json")
	if !strings.Contains(body, `"email": "lina.saleh@uni.example"`) || !strings.Contains(body, `"received": true`) || strings.Contains(body, "Five years") {
		t.Errorf("the applicant's export of the referee: %s", body)
	}

	ctx := context.Background()
	st := createStaff(t, ts, summer.ID, summer.ID)
	appPath := "/admin/applications/" + strconv.FormatInt(a.ID, 10)
	organiser := signIn(t, ts, st.organiser.Email)
	_, body = organiser.get(t, appPath+"?lang=en")
	wantText(t, body, "References", "Prof. Lina Saleh", "Five years, as her supervisor.", "Letter")
	for _, m := range emailsOf(t, ts, a.ID) {
		if m.Template == "referee_request" {
			resp, body = organiser.get(t, "/admin/outbox/"+strconv.FormatInt(m.ID, 10))
			wantStatus(t, resp, body, http.StatusOK)
			if strings.Contains(body, secret) {
				t.Error("the organiser's outbox shows the referee's secret link")
			}
		}
	}
	letter := appPath + "/referees/" + strconv.FormatInt(referees[0].ID, 10) + "/letter"
	resp, body = organiser.get(t, letter)
	wantStatus(t, resp, body, http.StatusOK)
	if !strings.Contains(body, "I recommend Amina.") || resp.Header.Get("Content-Type") != "application/pdf" {
		t.Errorf("the organiser's letter: %s %.80q", resp.Header.Get("Content-Type"), body)
	}
	list := "/admin/editions/" + strconv.FormatInt(summer.ID, 10) + "/applications?lang=en&references="
	if _, body = organiser.get(t, list+"complete"); !strings.Contains(body, a.Reference) {
		t.Error("the list of complete references lacks the application")
	}
	if _, body = organiser.get(t, list+"incomplete"); strings.Contains(body, a.Reference) {
		t.Error("the list of incomplete references shows the application")
	}
	_, body = organiser.get(t, "/admin/editions/"+strconv.FormatInt(summer.ID, 10)+"/privacy?lang=en")
	wantText(t, body, "Referees", "referees named: 1, letters: 1")

	if err := ts.store.SetBlindReview(ctx, summer.ID, true); err != nil {
		t.Fatal(err)
	}
	reviewer := signIn(t, ts, st.reviewer.Email)
	for _, path := range []string{appPath + "?lang=en", appPath + "/review?lang=en"} {
		resp, body = reviewer.get(t, path)
		wantStatus(t, resp, body, http.StatusOK)
		if strings.Contains(body, "Five years") || strings.Contains(body, "/letter") || strings.Contains(body, "Lina Saleh") {
			t.Errorf("a blind reviewer reads the reference on %s with the setting off", path)
		}
	}
	resp, body = reviewer.get(t, letter)
	wantStatus(t, resp, body, http.StatusNotFound)
	askReferences(t, ts, summer, 1, true)
	_, body = reviewer.get(t, appPath+"?lang=en")
	wantText(t, body, "Five years, as her supervisor.")
	if strings.Contains(body, "Lina Saleh") {
		t.Error("a blind reviewer sees the referee's name, which blind review hides")
	}

	// After the deadline a link no longer takes anything, and says so.
	refs, _ := ts.store.References(ctx, summer.ID)
	clock.Set(refs.DeadlineFor(summer).Add(time.Minute))
	second := withReferee(t, ts, "late@example.org", "late.referee@uni.example")
	_ = second
	if _, err := ts.store.ReplaceReferee(ctx, a.ID, school.Referee{Position: 2, Name: "Late", Email: "late.referee@uni.example",
		Relation: "teacher", Lang: "en"}, clock.Now().Add(-time.Hour), ts.refereeRendererFor(t, summer, a)); err != nil {
		t.Fatal(err)
	}
	_, lateSecret := refereeEmail(t, ts, "late.referee@uni.example")
	resp, body = referee.get(t, "/referee/"+lateSecret+"?lang=cs")
	wantStatus(t, resp, body, http.StatusGone)
	wantText(t, body, "Lhůta pro doporučení skončila")
}

func (ts *testServer) refereeRendererFor(t testing.TB, e school.Edition, a school.Application) db.RefereeRenderer {
	t.Helper()
	refs, err := ts.store.References(context.Background(), e.ID)
	if err != nil {
		t.Fatal(err)
	}
	render, err := ts.emails.RefereeRenderer(context.Background(), e, a, refs)
	if err != nil {
		t.Fatal(err)
	}
	return render
}

// refereeLetterOf names a referee of application a who then sends a letter, and returns the
// letter's address in the back office.
func refereeLetterOf(t testing.TB, ts *testServer, e school.Edition, a school.Application) string {
	t.Helper()
	ctx := context.Background()
	if _, err := ts.store.ReplaceReferee(ctx, a.ID, school.Referee{Position: 1, Name: "Table Referee",
		Email: "table.referee@example.org", Relation: "teacher", Lang: "en"}, demoNow, ts.refereeRendererFor(t, e, a)); err != nil {
		t.Fatal(err)
	}
	referees, err := ts.store.Referees(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	pdf := minimalPDF("table letter")
	if err := ts.store.ReceiveReference(ctx, referees[0].ID, db.Reference{Letter: &db.Upload{StoredName: "table-letter",
		OriginalName: "letter.pdf", ContentType: "application/pdf", Size: int64(len(pdf))}, Data: pdf}, demoNow); err != nil {
		t.Fatal(err)
	}
	return "/admin/applications/" + strconv.FormatInt(a.ID, 10) + "/referees/" + strconv.FormatInt(referees[0].ID, 10) + "/letter"
}

// An applicant who applied before the edition asked for a reference names a referee on the
// status page, changes them, and may ask again only a day later; a reminder goes once, three
// days before the referees' deadline, to a referee who has sent nothing.
func TestTheApplicantNamesAndChangesAReferee(t *testing.T) {
	t.Parallel()
	clock, ts, summer := summerOnAClock(t)
	applicant := ts.visitor()
	status := applicant.applyOK(t, summerSlug, summerAnswers(t, ts, "later@example.org"), cvFile("cv.pdf"))
	a := applicationOf(t, ts, status)
	askReferences(t, ts, summer, 1, false)
	base := "/status/" + status
	_, body := applicant.get(t, base+"?lang=en")
	wantText(t, body, "References", "Referee 1: not named yet.")

	form := applicant.openForm(t, base+"/referees/1?lang=en", base+"/referees/1")
	resp, body := applicant.submit(t, form, url.Values{"referee_1_name": {"Dr First"}, "referee_1_email": {"bad"},
		"referee_1_relation": {"teacher"}})
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	wantText(t, body, "Enter the referee's email address")
	resp, body = applicant.submit(t, form, url.Values{"referee_1_name": {"Dr First"}, "referee_1_email": {"first@uni.example"},
		"referee_1_relation": {"teacher"}})
	wantStatus(t, resp, body, http.StatusSeeOther)
	_, firstSecret := refereeEmail(t, ts, "first@uni.example")
	_, body = applicant.get(t, base+"?lang=en")
	wantText(t, body, "Dr First", "Not yet", "You can send the request again from")

	// Changed: the first referee's link stops working, the second is asked.
	form = applicant.openForm(t, base+"/referees/1?lang=en", base+"/referees/1")
	resp, body = applicant.submit(t, form, url.Values{"referee_1_name": {"Dr Second"}, "referee_1_email": {"second@uni.example"},
		"referee_1_relation": {"employer"}})
	wantStatus(t, resp, body, http.StatusSeeOther)
	resp, body = ts.visitor().get(t, "/referee/"+firstSecret)
	wantStatus(t, resp, body, http.StatusNotFound)
	_, secondSecret := refereeEmail(t, ts, "second@uni.example")

	// Asking again: not within a day, then once.
	token := func() string {
		_, body := applicant.get(t, base)
		return testkit.FormOn(t, base, body, "").Values.Get("_csrf")
	}
	resp, body = applicant.post(t, base+"/referees/1/again", base, url.Values{"_csrf": {token()}})
	wantStatus(t, resp, body, http.StatusSeeOther)
	if loc := resp.Header.Get("Location"); strings.Contains(loc, "done=") {
		t.Errorf("asked again within a day, the status page says it was done: %s", loc)
	}
	clock.Set(demoNow.Add(25 * time.Hour))
	resp, body = applicant.post(t, base+"/referees/1/again", base, url.Values{"_csrf": {token()}})
	wantStatus(t, resp, body, http.StatusSeeOther)
	var requests int
	for _, m := range emailsOf(t, ts, a.ID) {
		if m.To == "second@uni.example" {
			requests++
		}
	}
	if requests != 2 {
		t.Errorf("%d requests to the second referee, want 2", requests)
	}
	if resp, body = ts.visitor().get(t, "/referee/"+secondSecret); resp.StatusCode != http.StatusOK {
		t.Errorf("the first link stopped working when the request went again: %d", resp.StatusCode)
	}

	// The reminder: not yet four days before the deadline, once three days before.
	refs, _ := ts.store.References(context.Background(), summer.ID)
	deadline := refs.DeadlineFor(summer)
	count := func() int {
		n := 0
		for _, m := range emailsOf(t, ts, a.ID) {
			if strings.HasPrefix(m.Subject, "Reminder:") {
				n++
			}
		}
		return n
	}
	jobs := ts.jobs()
	clock.Set(deadline.Add(-4 * 24 * time.Hour))
	if err := jobs.RemindReferees(context.Background()); err != nil {
		t.Fatal(err)
	}
	if count() != 0 {
		t.Error("a referee was reminded four days before the deadline")
	}
	clock.Set(deadline.Add(-3*24*time.Hour + time.Minute))
	for range 2 {
		if err := jobs.RemindReferees(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if count() != 1 {
		t.Errorf("%d reminders, want one", count())
	}
}

// Organisers set the references on the edition's editor; a deadline before the application
// deadline comes back with a message beside its field.
func TestOrganisersSetTheReferencesOnTheEditor(t *testing.T) {
	t.Parallel()
	_, ts, summer := summerOnAClock(t)
	st := createStaff(t, ts, summer.ID, summer.ID)
	organiser := signIn(t, ts, st.organiser.Email)
	editor := "/admin/editions/" + strconv.FormatInt(summer.ID, 10) + "/edit?lang=en"
	_, body := organiser.get(t, editor)
	wantText(t, body, "References asked for", "a week after the application deadline")
	form := testkit.FormOn(t, editor, body, "/admin/editions/"+strconv.FormatInt(summer.ID, 10)+"/references")
	resp, body := organiser.submit(t, form, url.Values{"references_asked": {"2"}, "references_deadline_on": {"2026-12-01"},
		"references_deadline_time": {"12:00"}})
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	wantText(t, body, "Set the referees' deadline after the application deadline.")
	resp, body = organiser.submit(t, form, url.Values{"references_asked": {"2"}, "references_deadline_on": {"2027-01-25"},
		"references_deadline_time": {"18:00"}, "references_questions_en": {"Strengths?\nWeaknesses?"},
		"references_questions_cs": {"Silné stránky?\nSlabé stránky?"}, "references_reviewers_see_letters": {"yes"}})
	wantStatus(t, resp, body, http.StatusSeeOther)
	refs, err := ts.store.References(context.Background(), summer.ID)
	if err != nil || refs.Asked != 2 || !refs.ReviewersSeeLetters || refs.QuestionsCS[1] != "Slabé stránky?" ||
		!refs.Deadline.Equal(time.Date(2027, 1, 25, 17, 0, 0, 0, time.UTC)) {
		t.Fatalf("saved %+v, %v", refs, err)
	}
	_, body = ts.visitor().get(t, applyPath(summerSlug)+"?lang=cs")
	wantText(t, body, "Doporučující osoby", "Doporučující osoba 2: e-mail", "25. ledna 2027")
}
