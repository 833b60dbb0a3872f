package app

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"registrar/app/school"
	"registrar/app/testkit"
	"registrar/db"
)

// lockedBuffer is a log, or a process's output, written to concurrently while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestStatusLinksAreMaskedInTheLog(t *testing.T) {
	t.Parallel()
	ts := newFormServer(t)
	ap := applyFor(t, ts, "logged@example.org")
	var log lockedBuffer
	ts.log = slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))

	for _, path := range []string{ap.status(), ap.status() + "/files/999999", "/STATUS/" + ap.token + "/edit",
		"/status/" + ap.token + "/visa-letter.pdf", "/status/" + ap.token + "x"} {
		resp, body := ap.v.get(t, path)
		if resp.StatusCode >= 500 {
			t.Fatalf("%s: %d %s", path, resp.StatusCode, body)
		}
	}
	got := log.String()
	if strings.Contains(got, ap.token) || strings.Contains(got, ap.token[:12]) {
		t.Errorf("the log holds the status link:\n%s", got)
	}
	for _, want := range []string{"path=/status/…/files/999999 ", "path=/STATUS/…/edit ", "path=/status/… ", "status=404"} {
		if !strings.Contains(got, want) {
			t.Errorf("the log has no %q:\n%s", want, got)
		}
	}
	// The lost-link page carries no secret and is logged as it is.
	ts.get(t, "/status/lost")
	if !strings.Contains(log.String(), "path=/status/lost") {
		t.Errorf("the lost-link page is not logged by its path:\n%s", log.String())
	}
}

// emlFiles lists the .eml files the file sender wrote that mention text.
func emlFiles(t testing.TB, ts *testServer, text string) []string {
	t.Helper()
	entries, err := os.ReadDir(ts.cfg.Layout().Mail())
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		raw, err := os.ReadFile(filepath.Join(ts.cfg.Layout().Mail(), e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(raw), text) {
			names = append(names, e.Name())
		}
	}
	return names
}

func sendOutbox(t testing.TB, ts *testServer) {
	t.Helper()
	if _, err := ts.outbox.SendDue(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestSentEmailsKeepNoBodyAndErasureRemovesTheirFiles(t *testing.T) {
	t.Parallel()
	f := newAdminFixture(t)
	ts := f.ts
	ap := privacyApplicant(t, ts, "Zarina", "TJ", false)
	privacyApplicant(t, ts, "Timur", "TJ", false)
	sendOutbox(t, ts)

	// Sent: recipient, subject, template, times and bodies stay, the status link's secret cut out.
	msgs := emailsOf(t, ts, ap.app.ID)
	if len(msgs) == 0 {
		t.Fatal("no email")
	}
	for _, m := range msgs {
		if m.Status != "sent" || m.To != "zarina@example.org" || m.Subject == "" || m.Template == "" {
			t.Errorf("sent email: %+v", m)
		}
		if strings.Contains(m.Text, ap.token) || strings.Contains(m.HTML, ap.token) || m.StatusToken != "" {
			t.Errorf("the sent %s email keeps the status link:\n%s", m.Template, m.Text)
		}
		if !strings.Contains(m.Text, "/status/"+db.WithheldLink) || !strings.Contains(m.HTML, "Zarina") {
			t.Errorf("the sent %s email keeps no body to open:\n%s", m.Template, m.Text)
		}
	}
	v := signIn(t, ts, f.staff.admin.Email)
	resp, body := v.get(t, "/admin/outbox?status=sent")
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "zarina@example.org")

	// The development sender wrote them as files; erasure removes those of the erased only.
	if len(emlFiles(t, ts, "zarina@example.org")) == 0 || len(emlFiles(t, ts, "timur@example.org")) == 0 {
		t.Fatal("the file sender wrote no .eml files")
	}
	askErasure(t, ap)
	organiser := signIn(t, ts, f.staff.organiser.Email)
	action := "/admin/erasure/" + strconv.FormatInt(ap.app.ID, 10)
	resp, body = organiser.postAdmin(t, action, nil)
	wantStatus(t, resp, body, http.StatusSeeOther)
	if files := emlFiles(t, ts, "zarina@example.org"); len(files) > 0 {
		t.Errorf("after erasure the mail folder still holds %v", files)
	}
	if len(emlFiles(t, ts, "timur@example.org")) == 0 {
		t.Error("erasure removed another applicant's emails")
	}
	// The confirmation of the erasure is written after it; the daily jobs remove it.
	sendOutbox(t, ts)
	if err := ts.jobs().PurgeRetention(context.Background()); err != nil {
		t.Fatal(err)
	}
	if files := emlFiles(t, ts, "zarina@example.org"); len(files) > 0 {
		t.Errorf("after the daily jobs the mail folder still holds %v", files)
	}
	// Erasure empties the bodies the outbox kept, the confirmation's too.
	for _, m := range emailsOf(t, ts, ap.app.ID) {
		if m.Text != "" || m.HTML != "" || strings.Contains(m.To, "zarina") {
			t.Errorf("the erased applicant's %s email keeps %q, %q", m.Template, m.To, m.Text)
		}
	}
}

func TestRetentionRemovesTheEmailFilesOfThoseItErases(t *testing.T) {
	t.Parallel()
	clock, ts, summer := summerOnAClock(t)
	rejected := privacyApplicant(t, ts, "Kamila", "KG", false)
	setStatus(t, ts, summer, rejected.app.ID, school.StatusRejected)
	sendOutbox(t, ts)
	if len(emlFiles(t, ts, "kamila@example.org")) == 0 {
		t.Fatal("the file sender wrote no .eml files")
	}
	clock.Set(summer.PurgeAt().Add(time.Minute))
	if err := ts.jobs().PurgeRetention(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !statusOf(t, ts, rejected.app.ID).Erased() {
		t.Fatal("not erased")
	}
	if files := emlFiles(t, ts, "kamila@example.org"); len(files) > 0 {
		t.Errorf("after the retention period the mail folder still holds %v", files)
	}
}

// issueLetter sends the form on page that makes the visa letter, and returns where it leads.
func issueLetter(t testing.TB, v *visitor, page, action string) string {
	t.Helper()
	f := v.openForm(t, page, action)
	resp, body := v.submit(t, f, nil)
	wantStatus(t, resp, body, http.StatusSeeOther)
	return resp.Header.Get("Location")
}

func TestAVisaLetterIsMadeByAFormNeverByALink(t *testing.T) {
	t.Parallel()
	ts := newFormServer(t)
	e := documentEdition(t, ts, "post-letters-2027")
	organiser := createUser(t, ts, "organiser@school.test", school.RoleOrganiser)
	staff := signIn(t, ts, organiser.Email)
	p := createParticipant(t, ts, e, "Olena", "Kovalenko", "en", "UA", true, "KOVALENKO OLENA")
	other := createParticipant(t, ts, e, "Ivan", "Petrenko", "en", "UA", true, "")
	for _, to := range []school.Status{school.StatusAccepted, school.StatusConfirmed} {
		setStatus(t, ts, e, p.app.ID, to)
		setStatus(t, ts, e, other.app.ID, to)
	}
	ctx := context.Background()
	noLetter := func(who issuedHolder) {
		t.Helper()
		if _, err := ts.store.IssuedDocument(ctx, who.app.ID, school.DocumentVisaLetter); err == nil {
			t.Fatalf("a letter of %s exists", who.app.Reference)
		}
	}

	// Following a link, as another site may make a browser do, makes nothing: it leads to the
	// status page, which has the button.
	applicant := ts.visitor()
	letter := p.status() + "/visa-letter.pdf"
	resp, body := applicant.get(t, letter)
	wantStatus(t, resp, body, http.StatusSeeOther)
	if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, p.status()) || strings.Contains(loc, ".pdf") {
		t.Errorf("the link leads to %q", loc)
	}
	noLetter(p)
	staffPage := "/admin/applications/" + strconv.FormatInt(other.app.ID, 10)
	resp, body = staff.get(t, staffPage+"/visa-letter.pdf")
	wantStatus(t, resp, body, http.StatusSeeOther)
	noLetter(other)

	// A form without its token makes nothing either.
	resp, body = ts.visitor().post(t, letter, p.status(), url.Values{})
	wantStatus(t, resp, body, http.StatusForbidden)
	noLetter(p)

	// The button makes it once; its link then serves it.
	if loc := issueLetter(t, applicant, p.status(), letter); loc != letter {
		t.Errorf("the button leads to %q", loc)
	}
	testkit.WantText(t, "the letter", pdfText(t, applicant, letter), "KOVALENKO OLENA")
	if loc := issueLetter(t, staff, staffPage, staffPage+"/visa-letter.pdf"); loc != staffPage+"/visa-letter.pdf" {
		t.Errorf("the organiser's button leads to %q", loc)
	}
	testkit.WantText(t, "the letter", pdfText(t, staff, staffPage+"/visa-letter.pdf"), "Ivan Petrenko")
	_, body = applicant.get(t, p.status())
	if !strings.Contains(body, `href="`+letter+`"`) {
		t.Error("once made, the status page links to the letter")
	}
}
