package mail

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"mime"
	netmail "net/mail"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"registrar/app/testkit"
	"registrar/db"
)

// The outbox against a real SMTP server on loopback (testkit.Inbox) and a real
// SQLite database in a temporary folder.

var start = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

func openStore(t *testing.T) *db.Store {
	t.Helper()
	store, err := db.Open(filepath.Join(t.TempDir(), "registrar.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if err := store.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return store
}

const from = "School of Migration Studies <school@registrar.test>"

func newTestOutbox(t *testing.T, store *db.Store, addr string, c *testkit.Clock) *Outbox {
	t.Helper()
	sender, err := NewSMTPSender("smtp://" + addr)
	if err != nil {
		t.Fatal(err)
	}
	sender.timeout = 5 * time.Second
	return NewOutbox(store, sender, from, slog.New(slog.NewTextHandler(io.Discard, nil)), c.Now)
}

func queue(t *testing.T, store *db.Store, c *testkit.Clock, to, subject string) db.OutboxMessage {
	t.Helper()
	ctx := context.Background()
	err := store.QueueEmail(ctx, db.Email{To: to, Lang: "cs", Subject: subject,
		Text:     "Dobrý den,\nvaše přihláška SMS-2027-0042 je přijata.\n",
		HTML:     "<p>Dobrý den,</p><p>vaše přihláška <strong>SMS-2027-0042</strong> je přijata.</p>",
		Template: "application_received"}, 0, c.Now())
	if err != nil {
		t.Fatal(err)
	}
	due := queued(t, store)
	return due[len(due)-1]
}

// queued lists every email still waiting to be sent, whenever it is due.
func queued(t *testing.T, store *db.Store) []db.OutboxMessage {
	t.Helper()
	msgs, err := store.DueEmails(context.Background(), start.AddDate(100, 0, 0), 1000)
	if err != nil {
		t.Fatal(err)
	}
	return msgs
}

// dueAt lists the emails due at the moment.
func dueAt(t *testing.T, store *db.Store, at time.Time) []db.OutboxMessage {
	t.Helper()
	msgs, err := store.DueEmails(context.Background(), at, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return msgs
}

func sendDue(t *testing.T, o *Outbox) int {
	t.Helper()
	n, err := o.SendDue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// checkMessage checks what the server received is the queued email, readable.
func checkMessage(t *testing.T, got testkit.Message, want db.OutboxMessage) {
	t.Helper()
	if got.From != "school@registrar.test" || len(got.To) != 1 || got.To[0] != want.To {
		t.Errorf("envelope from %q to %v, want to %q", got.From, got.To, want.To)
	}
	m, err := netmail.ReadMessage(bytes.NewReader(got.Data))
	if err != nil {
		t.Fatalf("not an email: %v", err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil || subject != want.Subject {
		t.Errorf("Subject %q (%v), want %q", subject, err, want.Subject)
	}
	if to, err := m.Header.AddressList("To"); err != nil || len(to) != 1 || to[0].Address != want.To {
		t.Errorf("To %v (%v)", to, err)
	}
	if id := m.Header.Get("Message-Id"); id != want.MessageID || id == "" {
		t.Errorf("Message-Id %q, want %q", id, want.MessageID)
	}
	if m.Header.Get("Content-Language") != "cs" || m.Header.Get("Auto-Submitted") != "auto-generated" {
		t.Errorf("Content-Language %q, Auto-Submitted %q", m.Header.Get("Content-Language"), m.Header.Get("Auto-Submitted"))
	}
}

func TestOutboxSendsEachEmailOnceOverSMTP(t *testing.T) {
	store := openStore(t)
	c := testkit.NewClock(start)
	in := testkit.StartInbox(t)
	o := newTestOutbox(t, store, in.Addr, c)
	want := queue(t, store, c, "jana@example.cz", "Přihláška přijata: SMS-2027-0042, Letní škola")

	if n := sendDue(t, o); n != 1 {
		t.Fatalf("sent %d, want 1", n)
	}
	got := in.Received()
	if len(got) != 1 {
		t.Fatalf("%d messages arrived, want 1", len(got))
	}
	checkMessage(t, got[0], want)
	if left := queued(t, store); len(left) != 0 {
		t.Errorf("%d emails still queued after sending", len(left))
	}

	t.Run("a second pass sends nothing more", func(t *testing.T) {
		c.Set(start.Add(time.Hour))
		if n := sendDue(t, o); n != 0 {
			t.Errorf("sent %d more", n)
		}
		if n := len(in.Received()); n != 1 {
			t.Errorf("%d messages arrived in all, want 1", n)
		}
	})
	t.Run("concurrent passes still send once", func(t *testing.T) {
		queue(t, store, c, "petr@example.cz", "Druhá zpráva")
		var wg sync.WaitGroup
		var total atomic.Int64
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := o.SendDue(context.Background())
				if err != nil {
					t.Error(err)
				}
				total.Add(int64(n))
			}()
		}
		wg.Wait()
		if total.Load() != 1 || len(in.Received()) != 2 {
			t.Errorf("sent %d, %d messages arrived in all; want 1 and 2", total.Load(), len(in.Received()))
		}
	})
}

func TestOutboxKeepsEmailsWhileSMTPIsDownThenSendsOnce(t *testing.T) {
	store := openStore(t)
	c := testkit.NewClock(start)
	addr := testkit.ClosedAddress(t)
	o := newTestOutbox(t, store, addr, c)
	want := queue(t, store, c, "amina@example.org", "Application received: SMS-2027-0001")

	if n := sendDue(t, o); n != 0 {
		t.Fatalf("sent %d to a server that is down", n)
	}
	left := queued(t, store)
	if len(left) != 1 {
		t.Fatalf("%d emails queued after the failure, want 1", len(left))
	}
	if m := left[0]; m.Attempts != 1 || m.LastError == "" || m.Status != "queued" {
		t.Errorf("after the failure: %d attempts, status %q, last error %q", m.Attempts, m.Status, m.LastError)
	} else if !strings.Contains(m.LastError, "connect") {
		t.Errorf("the last error %q does not say what failed", m.LastError)
	}
	if due := dueAt(t, store, c.Now()); len(due) != 0 {
		t.Error("the email is due again at once, not after a wait")
	}
	if due := dueAt(t, store, c.Now().Add(firstRetry)); len(due) != 1 {
		t.Errorf("the email is not due %v after the failure", firstRetry)
	}

	// The server comes up on the same address; before the retry time nothing is sent.
	in := testkit.StartInboxAt(t, addr)
	c.Set(start.Add(firstRetry - time.Second))
	if n := sendDue(t, o); n != 0 || len(in.Received()) != 0 {
		t.Fatalf("sent %d before the retry time", n)
	}
	c.Set(start.Add(firstRetry + time.Second))
	if n := sendDue(t, o); n != 1 {
		t.Fatalf("sent %d after the retry time, want 1", n)
	}
	c.Set(start.Add(time.Hour))
	if n := sendDue(t, o); n != 0 {
		t.Errorf("sent %d more", n)
	}
	got := in.Received()
	if len(got) != 1 {
		t.Fatalf("%d messages arrived, want 1", len(got))
	}
	checkMessage(t, got[0], want)
	if left := queued(t, store); len(left) != 0 {
		t.Errorf("%d emails still queued", len(left))
	}
}

func TestOutboxRetriesWithGrowingWaitsThenGivesUp(t *testing.T) {
	store := openStore(t)
	c := testkit.NewClock(start)
	in := testkit.StartInbox(t)
	in.RejectRecipients(true) // the server answers, but refuses the recipient
	o := newTestOutbox(t, store, in.Addr, c)
	queue(t, store, c, "gone@example.org", "Application received")

	wait := firstRetry
	for attempt := 1; attempt <= maxAttempts; attempt++ {
		if n := sendDue(t, o); n != 0 {
			t.Fatalf("attempt %d: sent %d", attempt, n)
		}
		left := queued(t, store)
		if attempt == maxAttempts {
			if len(left) != 0 {
				t.Errorf("still queued after %d attempts", attempt)
			}
			break
		}
		if len(left) != 1 || left[0].Attempts != attempt || !strings.Contains(left[0].LastError, "550") {
			t.Fatalf("attempt %d: queued %+v", attempt, left)
		}
		if len(dueAt(t, store, c.Now().Add(wait-time.Second))) != 0 || len(dueAt(t, store, c.Now().Add(wait))) != 1 {
			t.Fatalf("attempt %d: the next attempt is not %v later", attempt, wait)
		}
		c.Set(c.Now().Add(wait))
		wait = min(2*wait, lastRetry)
	}
	if n := len(in.Received()); n != 0 {
		t.Errorf("%d messages arrived", n)
	}
}

func TestOutboxWithoutRecipientFailsThatEmailOnly(t *testing.T) {
	store := openStore(t)
	c := testkit.NewClock(start)
	in := testkit.StartInbox(t)
	o := newTestOutbox(t, store, in.Addr, c)
	queue(t, store, c, "", "No address")
	want := queue(t, store, c, "someone@example.org", "With address")
	if n := sendDue(t, o); n != 1 {
		t.Fatalf("sent %d, want 1", n)
	}
	got := in.Received()
	if len(got) != 1 {
		t.Fatalf("%d messages arrived", len(got))
	}
	checkMessage(t, got[0], want)
	left := queued(t, store)
	if len(left) != 1 || !strings.Contains(left[0].LastError, ErrNoRecipient.Error()) {
		t.Errorf("queued %+v", left)
	}
}

func TestOutboxKeepsToItsSendingRate(t *testing.T) {
	store := openStore(t)
	c := testkit.NewClock(start)
	in := testkit.StartInbox(t)
	o := newTestOutbox(t, store, in.Addr, c)
	o.SetRate(20) // one message every 50 ms
	for _, to := range []string{"a@example.cz", "b@example.cz", "c@example.cz"} {
		queue(t, store, c, to, "Přihláška přijata")
	}
	began := time.Now()
	if n := sendDue(t, o); n != 3 {
		t.Fatalf("sent %d, want 3", n)
	}
	// Three messages at 20 a second leave two gaps of 50 ms between them.
	if took := time.Since(began); took < 100*time.Millisecond {
		t.Errorf("three messages went in %v, faster than 20 a second", took)
	}
	if n := len(in.Received()); n != 3 {
		t.Errorf("%d messages arrived, want 3", n)
	}
}
