package app

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"registrar/app/mail"
	"registrar/app/school"
	"registrar/app/testkit"
	"registrar/db"
)

// refuseReferees makes the database refuse every new referee, as a full disk or a broken row
// would, until the returned function lets them in again.
func refuseReferees(t testing.TB, ts *testServer) (allow func()) {
	t.Helper()
	conn, err := sql.Open("sqlite3", "file:"+ts.cfg.Layout().Database()+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if _, err := conn.Exec(`CREATE TRIGGER referees_refused BEFORE INSERT ON referees
		BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`); err != nil {
		t.Fatal(err)
	}
	return func() {
		t.Helper()
		if _, err := conn.Exec(`DROP TRIGGER referees_refused`); err != nil {
			t.Fatal(err)
		}
	}
}

// wantNothingStoredFor fails the test when an application of e was stored with address, or an
// email other than a draft's link was queued to it or to referee.
func wantNothingStoredFor(t testing.TB, ts *testServer, e school.Edition, address, referee string) {
	t.Helper()
	if _, err := ts.store.ApplicationByEmail(context.Background(), e.ID, address); !errors.Is(err, db.ErrNotFound) {
		t.Errorf("an application of %s is stored although its referee was not (%v)", address, err)
	}
	msgs, err := ts.store.OutboxMessages(context.Background(), db.OutboxFilter{Scope: db.EmailScope{All: true}, Limit: 1 << 30})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		if m.Template != mail.DraftSaved && (strings.EqualFold(m.To, address) || strings.EqualFold(m.To, referee)) {
			t.Errorf("%s was emailed (%s) for an application not stored", m.To, m.Template)
		}
	}
}

// wantOneApplicationAsking checks that the form sent as address made one application, with its
// CV, its one receipt, and its one referee asked by email.
func wantOneApplicationAsking(t testing.TB, ts *testServer, status, cv, referee string) {
	t.Helper()
	a := applicationOf(t, ts, status)
	if a.CVFileName != cv {
		t.Errorf("the application's CV is %q, want %q", a.CVFileName, cv)
	}
	refs, err := ts.store.Referees(context.Background(), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(refs) != 1 || refs[0].Email != referee || refs[0].Name != "Prof. Lina Saleh" {
		t.Errorf("the application names referees %+v, want Prof. Lina Saleh <%s>", refs, referee)
	}
	count := map[string]int{}
	for _, m := range emailsOf(t, ts, a.ID) {
		count[m.Template]++
	}
	if count[mail.ApplicationReceived] != 1 || count[mail.RefereeRequest] != 1 {
		t.Errorf("emails of the application: %v, want one receipt and one request to the referee", count)
	}
	refereeEmail(t, ts, referee)
}

// The referees named on the form are stored in the application's own transaction: when one
// cannot be stored, neither is the application, nobody is emailed, and the applicant gets the
// form back with all they typed and what to do; sent again, it makes one application asking its
// referee, and sent once more (a retry), nothing more.
func TestAFormWhoseRefereeCannotBeStoredComesBackWithNothingStored(t *testing.T) {
	_, ts, summer := summerOnAClock(t)
	askReferences(t, ts, summer, 1, false)
	const email, referee = "amina.kept@example.org", "lina.kept@uni.example"
	answers := withReferee(t, ts, email, referee)
	allow := refuseReferees(t, ts)
	applicant := ts.visitor()
	f := applicant.openForm(t, applyPath(summerSlug)+"?lang=en", applyPath(summerSlug))
	resp, body := applicant.submit(t, f, answers, cvFile("amina-cv.pdf"))
	wantStatus(t, resp, body, http.StatusServiceUnavailable)
	wantText(t, body, "Your application could not be stored", "no email was sent", "send the form again")
	wantNothingStoredFor(t, ts, summer, email, referee)
	back := testkit.FormOn(t, f.Page, body, applyPath(summerSlug))
	for _, field := range []string{"given_name", "motivation", "referee_1_name", "referee_1_email", "referee_1_relation"} {
		if got := back.Values.Get(field); got != answers.Get(field) {
			t.Errorf("the form came back with %s %q, want %q", field, got, answers.Get(field))
		}
	}
	if back.Values.Get("cv_claim") == "" {
		t.Error("the form came back without the CV sent with it")
	}

	allow()
	resp, body = applicant.submit(t, back, nil)
	status := ts.submitted(t, resp, body, email)
	wantOneApplicationAsking(t, ts, status, "amina-cv.pdf", referee)
	resp, body = applicant.submit(t, back, nil)
	formSent(t, resp, body)
	wantOneApplicationAsking(t, ts, status, "amina-cv.pdf", referee)
}

// A saved form sent from its draft link goes the same way: nothing stored and the draft kept
// while its referee cannot be stored, in Czech for a Czech form; one application after.
func TestADraftWhoseRefereeCannotBeStoredStaysADraft(t *testing.T) {
	_, ts, summer := summerOnAClock(t)
	askReferences(t, ts, summer, 1, false)
	const email, referee = "amina.draft.kept@example.org", "lina.draft@uni.example"
	answers := withReferee(t, ts, email, referee)
	resp, body := ts.visitor().saveForLater(t, summerSlug, answers, cvFile("draft-cv.pdf"))
	wantStatus(t, resp, body, http.StatusSeeOther)
	link := draftLinkTo(t, ts, email)
	link = strings.Replace(link, "?lang=en", "?lang=cs", 1)

	allow := refuseReferees(t, ts)
	applicant := ts.visitor()
	f := applicant.openForm(t, link, "/drafts/")
	resp, body = applicant.submit(t, f, nil)
	wantStatus(t, resp, body, http.StatusServiceUnavailable)
	wantText(t, body, "Přihlášku se nepodařilo uložit")
	wantNothingStoredFor(t, ts, summer, email, referee)
	if held := draftsHeld(t, ts, summer); held.Drafts != 1 {
		t.Errorf("%d drafts open after the failed sending, want the one kept", held.Drafts)
	}
	back := testkit.FormOn(t, f.Page, body, "/drafts/")
	if got := back.Values.Get("referee_1_email"); got != referee {
		t.Errorf("the form came back with the referee %q, want %q", got, referee)
	}

	allow()
	resp, body = applicant.submit(t, back, url.Values{})
	status := ts.submitted(t, resp, body, email)
	wantOneApplicationAsking(t, ts, status, "draft-cv.pdf", referee)
	if held := draftsHeld(t, ts, summer); held.Drafts != 0 {
		t.Errorf("%d drafts open after sending, want none", held.Drafts)
	}
}
