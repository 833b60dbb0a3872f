package db

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestAnEmailQueuedBeforeItsSecretWasStoredApartShowsNoSecret: an email queued, or failed,
// before the status link's secret was kept apart (status_token NULL) still holds the link in
// its bodies, to be sent; staff opening it in the outbox must not read the secret, which opens
// the application as its applicant. Before, Shown gave such bodies as they were.
func TestAnEmailQueuedBeforeItsSecretWasStoredApartShowsNoSecret(t *testing.T) {
	s := openTestStore(t, filepath.Join(t.TempDir(), "registrar.db"))
	ctx := context.Background()
	now := time.Date(2026, 7, 1, 10, 0, 0, 0, time.UTC)
	const token = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA"
	link := "https://registrar.example/status/" + token
	if err := s.QueueEmail(ctx, Email{To: "old@example.org", Lang: "en", Subject: "Old", Text: "Yours: " + link,
		HTML: `<p><a href="` + link + `">` + link + `</a></p>`, Template: "status_link"}, 0, now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.writer.ExecContext(ctx, `UPDATE outbox SET status_token = NULL, status = 'failed'`); err != nil {
		t.Fatal(err)
	}
	msgs, err := s.OutboxMessages(ctx, OutboxFilter{Scope: EmailScope{All: true}})
	if err != nil || len(msgs) != 1 {
		t.Fatalf("outbox: %v, %v", msgs, err)
	}
	m, err := s.OutboxMessage(ctx, msgs[0].ID, EmailScope{All: true})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(m.Text, token) {
		t.Fatal("the failed email lost the link it is to send when retried")
	}
	text, html := m.Shown()
	if strings.Contains(text+html, token) {
		t.Errorf("staff would read the secret: %q, %q", text, html)
	}
	if text != "Yours: https://registrar.example/status/"+WithheldLink {
		t.Errorf("staff would read %q", text)
	}
}
