package app

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"registrar/app/school"
	"registrar/app/testkit"
	"registrar/db"
)

// privacyApplicant applies to the demo summer school through the form, with a CV, from a
// country, agreeing or not to the alumni directory.
func privacyApplicant(t testing.TB, ts *testServer, given, nationality string, alumni bool) applied {
	t.Helper()
	email := strings.ToLower(given) + "@example.org"
	answers := summerAnswers(t, ts, email)
	answers["given_name"] = []string{given}
	answers["family_name"] = []string{"Privacy"}
	answers["nationality"] = []string{nationality}
	if alumni {
		answers["consent_alumni_directory"] = []string{"yes"}
	}
	v := ts.visitor()
	token := v.applyOK(t, summerSlug, answers, cvFile(strings.ToLower(given)+"-cv.pdf"))
	return applied{v: v, token: token, app: applicationOf(t, ts, token)}
}

// storedCV is the stored name of an application's CV, whose bytes are in the database.
func storedCV(t testing.TB, ts *testServer, a school.Application) string {
	t.Helper()
	up, err := ts.store.ApplicationUpload(context.Background(), a.ID, a.CVUploadID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ts.store.FileData(context.Background(), up.StoredName); err != nil {
		t.Fatalf("the CV of %s is not stored: %v", a.Reference, err)
	}
	return up.StoredName
}

// fileStored tells whether the bytes of the file stored under name are in the database.
func fileStored(t testing.TB, ts *testServer, name string) bool {
	t.Helper()
	_, err := ts.store.FileData(context.Background(), name)
	if err != nil && !errors.Is(err, db.ErrNotFound) {
		t.Fatal(err)
	}
	return err == nil
}

func TestRetentionErasesOnlyApplicantsNotSelectedOnceTheEditionIsPastRetention(t *testing.T) {
	t.Parallel()
	clock, ts, summer := summerOnAClock(t)
	ctx := context.Background()
	organiser := createUser(t, ts, "organiser@school.test", school.RoleOrganiser)

	rejected := privacyApplicant(t, ts, "Rustam", "UZ", false)
	waitlisted := privacyApplicant(t, ts, "Oksana", "UA", false)
	pending := privacyApplicant(t, ts, "Gulnara", "KZ", false)
	attended := privacyApplicant(t, ts, "Aigerim", "KZ", true)
	setStatus(t, ts, summer, rejected.app.ID, school.StatusRejected)
	for _, to := range []school.Status{school.StatusAccepted, school.StatusConfirmed, school.StatusAttended} {
		setStatus(t, ts, summer, attended.app.ID, to)
	}
	// After the participant attended: attending frees a seat, which would go to the waiting list.
	setStatus(t, ts, summer, waitlisted.app.ID, school.StatusWaitlisted)
	if err := ts.store.AddNote(ctx, rejected.app.ID, organiser.ID, "Strong but late.", demoNow); err != nil {
		t.Fatal(err)
	}
	rejectedCV, attendedCV := storedCV(t, ts, rejected.app), storedCV(t, ts, attended.app)

	// Another edition, which keeps data for a year: still within retention at the same moment.
	kept := createSelectionEdition(t, ts, "kept-2027", 5)
	kept.ID, kept.Slug, kept.RetentionMonths = 0, "kept-longer-2027", 12
	var err error
	if kept.ID, err = ts.store.CreateEdition(ctx, kept); err != nil {
		t.Fatal(err)
	}
	if !kept.PurgeAt().After(summer.PurgeAt().Add(24 * time.Hour)) {
		t.Fatal("the test needs the other edition to be kept longer")
	}
	keptApp := createApplicant(t, ts, kept, "Farrukh", "en")
	setStatus(t, ts, kept, keptApp.ID, school.StatusRejected)

	statsBefore, err := ts.store.EditionStatistics(ctx, summer.ID, 1)
	if err != nil {
		t.Fatal(err)
	}

	// A day before the retention period ends: nothing to erase.
	clock.Set(summer.PurgeAt().Add(-24 * time.Hour))
	if purges, err := ts.store.PurgeRetention(ctx, clock.Now(), true); err != nil || len(purges) != 0 {
		t.Fatalf("before the period ends: %+v, %v", purges, err)
	}

	// Once it has ended, a dry run counts the three not selected and changes nothing.
	clock.Set(summer.PurgeAt().Add(time.Hour))
	purges, err := ts.store.PurgeRetention(ctx, clock.Now(), true)
	if err != nil {
		t.Fatal(err)
	}
	if len(purges) != 1 || purges[0].Edition.ID != summer.ID || purges[0].Applications != 3 || purges[0].Files != 3 {
		t.Fatalf("dry run: %+v", purges)
	}
	if a := statusOf(t, ts, rejected.app.ID); a.Erased() || a.GivenName != "Rustam" {
		t.Fatal("the dry run erased an application")
	}
	if !fileStored(t, ts, rejectedCV) {
		t.Fatal("the dry run removed a file")
	}

	if err := ts.jobs().PurgeRetention(ctx); err != nil {
		t.Fatal(err)
	}
	for _, ap := range []applied{rejected, waitlisted, pending} {
		a := statusOf(t, ts, ap.app.ID)
		if !a.Erased() || a.GivenName != "" || a.FamilyName != "" || a.Motivation != "" || a.Institution != "" ||
			a.PassportName != "" || a.RefereeName != "" || !a.DateOfBirth.IsZero() || a.CVUploadID != 0 || len(a.Answers) != 0 {
			t.Errorf("%s is not erased: %+v", a.Reference, a)
		}
		if a.Email != school.ErasedPlaceholder(a.ID) {
			t.Errorf("%s keeps the email %q", a.Reference, a.Email)
		}
		if a.Nationality == "" || a.Gender != "female" || a.Sector != "student" || a.Status == "" {
			t.Errorf("%s lost what the statistics need: %+v", a.Reference, a)
		}
		for _, m := range emailsOf(t, ts, a.ID) {
			if m.Subject != "" || m.Text != "" || m.HTML != "" || strings.Contains(m.To, "example.org") {
				t.Errorf("%s keeps an email: %q to %q", a.Reference, m.Subject, m.To)
			}
		}
		// The status link no longer opens anything.
		resp, body := ap.v.get(t, ap.status())
		wantStatus(t, resp, body, http.StatusNotFound)
	}
	if fileStored(t, ts, rejectedCV) {
		t.Error("the CV of the rejected applicant is still stored")
	}
	if _, err := ts.store.ApplicationUpload(ctx, rejected.app.ID, rejected.app.CVUploadID); !errors.Is(err, db.ErrNotFound) {
		t.Errorf("the CV's record survives: %v", err)
	}
	if notes, err := ts.store.Notes(ctx, rejected.app.ID); err != nil || len(notes) != 0 {
		t.Errorf("notes survive: %v, %v", notes, err)
	}

	// The participant is kept, with their CV; the other edition's applicant too.
	if a := statusOf(t, ts, attended.app.ID); a.Erased() || a.GivenName != "Aigerim" {
		t.Errorf("the participant was erased: %+v", a)
	}
	if !fileStored(t, ts, attendedCV) {
		t.Error("the participant's CV is gone")
	}
	if a := statusOf(t, ts, keptApp.ID); a.Erased() {
		t.Error("an application of an edition within retention was erased")
	}

	// The statistics count the same.
	statsAfter, err := ts.store.EditionStatistics(ctx, summer.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !sameCounts(statsBefore.ByNationality, statsAfter.ByNationality) || !sameCounts(statsBefore.BySector, statsAfter.BySector) {
		t.Errorf("statistics changed: %v → %v", statsBefore.ByNationality, statsAfter.ByNationality)
	}

	// The audit log says what was erased, once.
	history, err := ts.store.EditionHistory(ctx, summer.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(history) != 1 || history[0].Action != "retention_purge" || !strings.Contains(history[0].Detail, "applications=3 files=3") {
		t.Fatalf("edition history: %+v", history)
	}

	// A second run erases nothing more and writes no entry.
	purges, err = ts.store.PurgeRetention(ctx, clock.Now(), false)
	if err != nil || len(purges) != 0 {
		t.Fatalf("second run: %+v, %v", purges, err)
	}
	if history, _ := ts.store.EditionHistory(ctx, summer.ID); len(history) != 1 {
		t.Errorf("%d entries after the second run", len(history))
	}

	// Every back-office page still works and shows "(erased)" for a name.
	v := signIn(t, ts, organiser.Email)
	id := strconv.FormatInt(summer.ID, 10)
	for _, page := range []string{"/admin", "/admin/editions/" + id, "/admin/editions/" + id + "/applications",
		"/admin/applications/" + strconv.FormatInt(rejected.app.ID, 10), "/admin/editions/" + id + "/export.csv",
		"/admin/editions/" + id + "/export.xlsx", "/admin/editions/" + id + "/decisions", "/admin/editions/" + id + "/review",
		"/admin/editions/" + id + "/fill", "/admin/outbox"} {
		resp, body := v.get(t, page)
		wantStatus(t, resp, body, http.StatusOK)
		if strings.Contains(body, "Rustam") || strings.Contains(body, "rustam@example.org") {
			t.Errorf("%s still shows the erased applicant", page)
		}
	}
	_, body := v.get(t, "/admin/editions/"+id+"/applications")
	wantText(t, testkit.MainText(t, body), "(erased)", "Aigerim")
	_, body = v.get(t, "/admin/applications/"+strconv.FormatInt(rejected.app.ID, 10))
	wantText(t, testkit.MainText(t, body), "(erased)", "Personal data erased")
	_, body = v.get(t, "/admin/editions/"+id)
	wantText(t, testkit.MainText(t, body), "Kazakhstan", "Uzbekistan")
}

func sameCounts(a, b []db.Count) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// askErasure sends the erasure request from the applicant's status page.
func askErasure(t testing.TB, ap applied) {
	t.Helper()
	_, page := ap.v.get(t, ap.status())
	f := testkit.FormOn(t, ap.status(), page, ap.status()+"/erasure")
	resp, body := ap.v.submit(t, f, nil)
	wantStatus(t, resp, body, http.StatusSeeOther)
}

func TestErasureQueueCarriesOutARequestAndConfirmsByEmail(t *testing.T) {
	t.Parallel()
	f := newAdminFixture(t)
	ts, ctx := f.ts, context.Background()
	participant := privacyApplicant(t, ts, "Dilnoza", "UZ", true)
	next := privacyApplicant(t, ts, "Bogdan", "MD", false)
	setStatus(t, ts, f.summer, participant.app.ID, school.StatusAccepted)
	setStatus(t, ts, f.summer, participant.app.ID, school.StatusConfirmed)
	setStatus(t, ts, f.summer, next.app.ID, school.StatusWaitlisted)
	cv := storedCV(t, ts, participant.app)
	askErasure(t, participant)

	// An organiser of another edition neither sees the request nor carries it out; reviewers
	// have no queue.
	winterOrganiser := createUser(t, ts, "winter.organiser@school.test", school.RoleOrganiser)
	if err := ts.store.AssignStaff(ctx, winterOrganiser.ID, f.winter.ID); err != nil {
		t.Fatal(err)
	}
	other := signIn(t, ts, winterOrganiser.Email)
	resp, body := other.get(t, "/admin/erasure")
	wantStatus(t, resp, body, http.StatusOK)
	if strings.Contains(body, participant.app.Reference) {
		t.Error("an organiser of another edition sees the request")
	}
	action := "/admin/erasure/" + strconv.FormatInt(participant.app.ID, 10)
	resp, body = other.postAdmin(t, action, nil)
	wantStatus(t, resp, body, http.StatusNotFound)
	resp, body = signIn(t, ts, f.staff.reviewer.Email).get(t, "/admin/erasure")
	wantStatus(t, resp, body, http.StatusForbidden)

	v := signIn(t, ts, f.staff.organiser.Email)
	queue := v.openForm(t, "/admin/erasure", action)
	_, body = v.get(t, "/admin/erasure")
	wantText(t, testkit.MainText(t, body), participant.app.Reference, "Dilnoza Privacy", "Confirmed")
	resp, body = v.submit(t, queue, nil)
	wantStatus(t, resp, body, http.StatusSeeOther)
	resp, body = v.get(t, resp.Header.Get("Location"))
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, testkit.MainText(t, body), "The application was erased", "No erasure request is waiting.")

	a := statusOf(t, ts, participant.app.ID)
	if !a.Erased() || a.GivenName != "" || a.Status != school.StatusWithdrawn {
		t.Errorf("after erasure: %+v", a)
	}
	if fileStored(t, ts, cv) {
		t.Error("the CV is still stored")
	}
	// The seat went to the waiting list, as on any withdrawal.
	if b := statusOf(t, ts, next.app.ID); b.Status != school.StatusAccepted {
		t.Errorf("the next on the waiting list is %s", b.Status)
	}
	if m := lastEmail(t, ts, next.app.ID); m.Template != "decision_accepted" {
		t.Errorf("the next on the waiting list got %q", m.Template)
	}

	// The confirmation goes to the address the application had; earlier emails are scrubbed.
	msgs := emailsOf(t, ts, participant.app.ID)
	last := msgs[len(msgs)-1]
	if last.Template != "erasure_done" || last.To != "dilnoza@example.org" || last.Status != "queued" {
		t.Fatalf("last email: %s to %s (%s)", last.Template, last.To, last.Status)
	}
	wantText(t, last.Subject, participant.app.Reference)
	wantText(t, last.Text, "Dilnoza", "erased")
	if strings.Contains(last.Text, "Charles University") || strings.Contains(last.Text, "/status/") {
		t.Error("the confirmation repeats the form or carries a status link")
	}
	for _, m := range msgs[:len(msgs)-1] {
		if m.Subject != "" || m.To == "dilnoza@example.org" || m.Status == "queued" {
			t.Errorf("an earlier email survives: %s %q to %s (%s)", m.Template, m.Subject, m.To, m.Status)
		}
	}
	history, err := ts.store.ApplicationHistory(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if h := history[len(history)-1]; h.Action != "erased" || !strings.HasPrefix(h.Actor, "user:") {
		t.Errorf("last audit entry: %+v", h)
	}

	// A second attempt finds no request.
	resp, body = v.postAdmin(t, action, nil)
	wantStatus(t, resp, body, http.StatusNotFound)
}

func TestPrivacyPageShowsWhatAnEditionHolds(t *testing.T) {
	t.Parallel()
	f := newAdminFixture(t) // one application to the summer school, with a CV
	ts := f.ts
	rejected := privacyApplicant(t, ts, "Timur", "TJ", false)
	attended := privacyApplicant(t, ts, "Mariam", "GE", true)
	setStatus(t, ts, f.summer, rejected.app.ID, school.StatusRejected)
	for _, to := range []school.Status{school.StatusAccepted, school.StatusConfirmed, school.StatusAttended} {
		setStatus(t, ts, f.summer, attended.app.ID, to)
	}
	askErasure(t, rejected)
	held, err := ts.store.EditionPersonalData(context.Background(), f.summer.ID)
	if err != nil {
		t.Fatal(err)
	}
	if held.Applications != 3 || held.NotSelected != 2 || held.Files != 3 || held.Requests != 1 || held.Erased != 0 {
		t.Fatalf("held: %+v", held)
	}

	page := "/admin/editions/" + strconv.FormatInt(f.summer.ID, 10) + "/privacy"
	v := signIn(t, ts, f.staff.organiser.Email)
	_, dashboard := v.get(t, "/admin/editions/"+strconv.FormatInt(f.summer.ID, 10))
	if !strings.Contains(dashboard, `href="`+page+`"`) {
		t.Error("the edition's dashboard does not link its privacy page")
	}
	resp, body := v.get(t, page)
	wantStatus(t, resp, body, http.StatusOK)
	// Table cells run together in the page's text.
	wantText(t, body, "Applications holding personal data3", "not selected (erased when the retention period ends)2",
		"Files (CVs and answers)3 ("+fileSize(held.Bytes, "en")+")", "Erasure requests waiting1", "6 months",
		"28 February 2028, 00:00")
	resp, body = v.get(t, page+"?lang=cs")
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "6 měsíců", "28. února 2028")

	// Reviewers do not reach it.
	resp, body = signIn(t, ts, f.staff.reviewer.Email).get(t, page)
	wantStatus(t, resp, body, http.StatusForbidden)
}

func TestTheDailyJobsEraseApplicantsNotSelected(t *testing.T) {
	t.Parallel()
	clock, ts, summer := summerOnAClock(t)
	rejected := privacyApplicant(t, ts, "Azamat", "KG", false)
	setStatus(t, ts, summer, rejected.app.ID, school.StatusRejected)
	clock.Set(summer.PurgeAt().Add(time.Minute))

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { ts.jobs().Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	for deadline := time.Now().Add(10 * time.Second); !statusOf(t, ts, rejected.app.ID).Erased(); {
		if time.Now().After(deadline) {
			t.Fatal("the jobs did not erase the applicant")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestAnErasedApplicationNeverChangesStatus(t *testing.T) {
	t.Parallel()
	clock, ts, summer := summerOnAClock(t)
	waiting := privacyApplicant(t, ts, "Kamila", "TJ", false)
	setStatus(t, ts, summer, waiting.app.ID, school.StatusWaitlisted)
	clock.Set(summer.PurgeAt())
	if err := ts.jobs().PurgeRetention(context.Background()); err != nil {
		t.Fatal(err)
	}
	_, err := ts.store.TransitionApplication(context.Background(), waiting.app.ID, school.StatusAccepted, db.ActorSystem,
		clock.Now(), ts.renderer(t, summer))
	if !errors.Is(err, school.ErrTransition) {
		t.Errorf("an erased application was offered a seat: %v", err)
	}
}

// TestErasureLeavesNoLetterCertificateOrAddressBehind: an attended participant who asks for
// erasure gets no certificate afterwards, a withdrawn applicant's visa letter stops verifying once
// the retention period erases them, and the erasure's confirmation keeps nothing once sent.
func TestErasureLeavesNoLetterCertificateOrAddressBehind(t *testing.T) {
	t.Parallel()
	clock := testkit.NewClock(demoNow)
	ts := newTestServerWith(t, clock.Now, func(c *Config) { c.ApplyLimit = 10000 })
	ctx := context.Background()
	e := documentEdition(t, ts, "erasure-letters")
	render := ts.renderer(t, e)

	attended := createParticipant(t, ts, e, "Žaneta", "Dvořáková", "cs", "CZ", false, "")
	for _, st := range []school.Status{school.StatusAccepted, school.StatusConfirmed, school.StatusAttended} {
		setStatus(t, ts, e, attended.app.ID, st)
	}
	if err := ts.store.RequestErasure(ctx, attended.app.ID, clock.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.store.CarryOutErasure(ctx, attended.app.ID, db.ActorSystem, clock.Now(), render); err != nil {
		t.Fatal(err)
	}
	if n, err := ts.store.IssueCertificates(ctx, e.ID, db.ActorSystem, clock.Now(), render); err != nil || n != 0 {
		t.Errorf("certificates issued to an erased participant: %d, %v", n, err)
	}
	if _, err := ts.Outbox().SendDue(ctx); err != nil {
		t.Fatal(err)
	}
	for _, m := range emailsOf(t, ts, attended.app.ID) {
		if m.Subject != "" || m.Text != "" || strings.Contains(m.To, "@example.org") {
			t.Errorf("an email about the erased application keeps %s %q to %s (%s)", m.Template, m.Subject, m.To, m.Status)
		}
	}

	withdrawn := createParticipant(t, ts, e, "Айгерим", "Нурланова", "en", "KZ", true, "AIGERIM NURLANOVA")
	setStatus(t, ts, e, withdrawn.app.ID, school.StatusAccepted)
	letter, err := ts.store.IssueDocument(ctx, statusOf(t, ts, withdrawn.app.ID), school.DocumentVisaLetter, db.ActorSystem, clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	setStatus(t, ts, e, withdrawn.app.ID, school.StatusWithdrawn)
	resp, body := ts.get(t, "/verify/"+letter.Code)
	wantStatus(t, resp, body, http.StatusOK)
	clock.Set(e.PurgeAt())
	if err := ts.jobs().PurgeRetention(ctx); err != nil {
		t.Fatal(err)
	}
	resp, body = ts.get(t, "/verify/"+letter.Code)
	wantStatus(t, resp, body, http.StatusNotFound)
	if strings.Contains(body, "Нурланова") {
		t.Error("the verify page still names the erased holder")
	}
}
