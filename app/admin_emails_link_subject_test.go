package app

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"registrar/app/school"
	"registrar/app/testkit"
	"registrar/db"
)

// A secret link in an email's subject would stay in the outbox as staff see it (only the bodies
// have the secret withheld) and in every mailbox's list of subjects: a wording that puts the
// status link or the referee's link in the subject is refused beside the subject.
func TestAWordingWithASecretLinkInItsSubjectIsRefused(t *testing.T) {
	t.Parallel()
	_, ts, summer := summerOnAClock(t)
	organiser := createUser(t, ts, "organiser@school.test", school.RoleOrganiser)
	staff := signIn(t, ts, organiser.Email)
	for _, w := range []struct{ name, lang, subject, body, says string }{
		{"referee_request", "en", "Your link {referee_link}", "Hello,\n\n{referee_link}",
			"Keep {referee_link} out of the subject"},
		{"status_link", "cs", "Odkaz {status_link}", "Dobrý den,\n\n{status_link}",
			"Keep {status_link} out of the subject"},
	} {
		resp, body := editEmail(t, staff, summer, w.name, w.lang, w.subject, w.body, "save")
		wantStatus(t, resp, body, http.StatusUnprocessableEntity)
		msg := testkit.ByID(testkit.ParseHTML(t, body), "subject-error")
		if msg == nil {
			t.Fatalf("%s: a subject with the secret link is not refused beside the subject:\n%s", w.name, testkit.MainText(t, body))
		}
		testkit.WantText(t, w.name+": the subject's error", testkit.Text(msg), w.says)
	}
	if got := storedEmails(t, ts, summer); len(got) != 0 {
		t.Fatalf("stored %v", got)
	}
}

// A wording saved before secret links were kept out of subjects still sends no secret in its
// subject: the link stays in the text, where the outbox withholds it.
func TestAStoredSubjectWithTheStatusLinkCarriesNoSecret(t *testing.T) {
	t.Parallel()
	_, ts, summer := summerOnAClock(t)
	if err := ts.store.SaveEmailTemplate(context.Background(), db.EmailTemplate{EditionID: summer.ID,
		Name: "application_received", Lang: "en", Subject: "Received: {status_link}",
		Body: "Thank you.\n\n{status_link}", UpdatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	v := ts.visitor()
	f := v.openForm(t, applyPath(summerSlug), applyPath(summerSlug))
	resp, body := v.submit(t, f, summerAnswers(t, ts, "subject@example.org"), cvFile("cv.pdf"))
	a := applicationOf(t, ts, ts.submitted(t, resp, body, "subject@example.org"))
	msgs, err := ts.store.ApplicationEmails(context.Background(), a.ID)
	if err != nil || len(msgs) == 0 {
		t.Fatalf("no email queued (%v)", err)
	}
	m := msgs[0]
	if strings.Contains(m.Subject, "/status/") || strings.Contains(m.Subject, m.StatusToken) {
		t.Errorf("the subject staff see carries the status link: %q", m.Subject)
	}
	if !strings.Contains(m.Text, m.StatusToken) {
		t.Errorf("the text lost its status link:\n%s", m.Text)
	}
}
