package db

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A sent email keeps its bodies with the status link's secret cut out; one queued before the
// secret was stored apart (status_token NULL) keeps no body, since its secret can't be found.
func TestASentEmailKeepsItsBodiesWithoutTheStatusLink(t *testing.T) {
	s := openTestStore(t, filepath.Join(t.TempDir(), "registrar.db"))
	ctx := context.Background()
	now := time.Date(2026, 7, 1, 10, 0, 0, 0, time.UTC)
	const token = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA"
	link := "https://registrar.example/status/" + token
	for _, m := range []Email{
		{To: "new@example.org", Lang: "en", Subject: "New", Text: "Yours: " + link, HTML: `<a href="` + link + `">` + link + `</a>`,
			Template: "status_link", StatusToken: token},
		{To: "old@example.org", Lang: "en", Subject: "Old", Text: "Yours: " + link, HTML: "<p>" + link + "</p>", Template: "status_link"},
	} {
		if err := s.QueueEmail(ctx, m, 0, now); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.writer.ExecContext(ctx, `UPDATE outbox SET status_token = NULL WHERE to_addr = 'old@example.org'`); err != nil {
		t.Fatal(err)
	}
	due, err := s.DueEmails(ctx, now, 10)
	if err != nil || len(due) != 2 {
		t.Fatalf("due: %v, %v", due, err)
	}
	for _, m := range due {
		if !strings.Contains(m.Text, token) {
			t.Errorf("the queued email to %s lost the link it is to send", m.To)
		}
		if text, html := m.Shown(); m.To == "new@example.org" && (strings.Contains(text+html, token) || !strings.Contains(text, "/status/"+WithheldLink)) {
			t.Errorf("staff would see the queued email as %q, %q", text, html)
		}
		if err := s.MarkEmailSent(ctx, m.ID, now); err != nil {
			t.Fatal(err)
		}
	}
	sent, err := s.OutboxMessages(ctx, OutboxFilter{Scope: EmailScope{All: true}})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range sent {
		switch {
		case strings.Contains(m.Text+m.HTML+m.StatusToken, token):
			t.Errorf("the sent email to %s keeps the secret: %+v", m.To, m)
		case m.To == "new@example.org" && (m.Text != "Yours: https://registrar.example/status/"+WithheldLink || !strings.Contains(m.HTML, "/status/"+WithheldLink+`">`)):
			t.Errorf("the sent email keeps %q, %q", m.Text, m.HTML)
		case m.To == "old@example.org" && (m.Text != "" || m.HTML != ""):
			t.Errorf("the email queued before keeps %q, %q", m.Text, m.HTML)
		}
		if !m.SentAt.Equal(now) {
			t.Errorf("the email to %s was sent at %v", m.To, m.SentAt)
		}
	}
}
