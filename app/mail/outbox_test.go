package mail

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"mime"
	"net"
	netmail "net/mail"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"registrar/db"
)

// The outbox against a real SMTP server on loopback (emersion/go-smtp, in process) and a real
// SQLite database in a temporary folder.

var start = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

type clock struct{ ns atomic.Int64 }

func newClock() *clock {
	c := &clock{}
	c.set(start)
	return c
}

func (c *clock) now() time.Time  { return time.Unix(0, c.ns.Load()).UTC() }
func (c *clock) set(t time.Time) { c.ns.Store(t.UnixNano()) }

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

// inbox is an SMTP server that records what it accepts; reject makes it refuse recipients.
type inbox struct {
	addr     string
	srv      *smtp.Server
	mu       sync.Mutex
	messages []received
	reject   atomic.Bool
}

type received struct {
	from string
	to   []string
	data []byte
}

// startInbox serves SMTP on addr ("127.0.0.1:0" for any free port) until the test ends.
func startInbox(t *testing.T, addr string) *inbox {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	in := &inbox{addr: ln.Addr().String()}
	in.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &session{in: in}, nil
	}))
	in.srv.Domain = "localhost"
	in.srv.AllowInsecureAuth = true
	in.srv.ReadTimeout, in.srv.WriteTimeout = 10*time.Second, 10*time.Second
	go func() { _ = in.srv.Serve(ln) }()
	t.Cleanup(func() { in.srv.Close() })
	return in
}

func (in *inbox) received() []received {
	in.mu.Lock()
	defer in.mu.Unlock()
	return append([]received(nil), in.messages...)
}

type session struct {
	in  *inbox
	msg received
}

func (s *session) Reset()        { s.msg = received{} }
func (s *session) Logout() error { return nil }
func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.msg.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if s.in.reject.Load() {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such mailbox"}
	}
	s.msg.to = append(s.msg.to, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.msg.data = data
	s.in.mu.Lock()
	s.in.messages = append(s.in.messages, s.msg)
	s.in.mu.Unlock()
	return nil
}

// closedAddress is a loopback address nothing listens on.
func closedAddress(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

const from = "School of Migration Studies <school@registrar.test>"

func newTestOutbox(t *testing.T, store *db.Store, addr string, c *clock) *Outbox {
	t.Helper()
	sender, err := NewSMTPSender("smtp://" + addr)
	if err != nil {
		t.Fatal(err)
	}
	sender.timeout = 5 * time.Second
	return NewOutbox(store, sender, from, slog.New(slog.NewTextHandler(io.Discard, nil)), c.now)
}

func queue(t *testing.T, store *db.Store, c *clock, to, subject string) db.OutboxMessage {
	t.Helper()
	ctx := context.Background()
	err := store.QueueEmail(ctx, db.Email{To: to, Lang: "cs", Subject: subject,
		Text:     "Dobrý den,\nvaše přihláška SMS-2027-0042 je přijata.\n",
		HTML:     "<p>Dobrý den,</p><p>vaše přihláška <strong>SMS-2027-0042</strong> je přijata.</p>",
		Template: "application_received"}, 0, c.now())
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
func checkMessage(t *testing.T, got received, want db.OutboxMessage) {
	t.Helper()
	if got.from != "school@registrar.test" || len(got.to) != 1 || got.to[0] != want.To {
		t.Errorf("envelope from %q to %v, want to %q", got.from, got.to, want.To)
	}
	m, err := netmail.ReadMessage(bytes.NewReader(got.data))
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
	c := newClock()
	in := startInbox(t, "127.0.0.1:0")
	o := newTestOutbox(t, store, in.addr, c)
	want := queue(t, store, c, "jana@example.cz", "Přihláška přijata: SMS-2027-0042, Letní škola")

	if n := sendDue(t, o); n != 1 {
		t.Fatalf("sent %d, want 1", n)
	}
	got := in.received()
	if len(got) != 1 {
		t.Fatalf("%d messages arrived, want 1", len(got))
	}
	checkMessage(t, got[0], want)
	if left := queued(t, store); len(left) != 0 {
		t.Errorf("%d emails still queued after sending", len(left))
	}

	t.Run("a second pass sends nothing more", func(t *testing.T) {
		c.set(start.Add(time.Hour))
		if n := sendDue(t, o); n != 0 {
			t.Errorf("sent %d more", n)
		}
		if n := len(in.received()); n != 1 {
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
		if total.Load() != 1 || len(in.received()) != 2 {
			t.Errorf("sent %d, %d messages arrived in all; want 1 and 2", total.Load(), len(in.received()))
		}
	})
}

func TestOutboxKeepsEmailsWhileSMTPIsDownThenSendsOnce(t *testing.T) {
	store := openStore(t)
	c := newClock()
	addr := closedAddress(t)
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
	if due := dueAt(t, store, c.now()); len(due) != 0 {
		t.Error("the email is due again at once, not after a wait")
	}
	if due := dueAt(t, store, c.now().Add(firstRetry)); len(due) != 1 {
		t.Errorf("the email is not due %v after the failure", firstRetry)
	}

	// The server comes up on the same address; before the retry time nothing is sent.
	in := startInbox(t, addr)
	c.set(start.Add(firstRetry - time.Second))
	if n := sendDue(t, o); n != 0 || len(in.received()) != 0 {
		t.Fatalf("sent %d before the retry time", n)
	}
	c.set(start.Add(firstRetry + time.Second))
	if n := sendDue(t, o); n != 1 {
		t.Fatalf("sent %d after the retry time, want 1", n)
	}
	c.set(start.Add(time.Hour))
	if n := sendDue(t, o); n != 0 {
		t.Errorf("sent %d more", n)
	}
	got := in.received()
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
	c := newClock()
	in := startInbox(t, "127.0.0.1:0")
	in.reject.Store(true) // the server answers, but refuses the recipient
	o := newTestOutbox(t, store, in.addr, c)
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
		if len(dueAt(t, store, c.now().Add(wait-time.Second))) != 0 || len(dueAt(t, store, c.now().Add(wait))) != 1 {
			t.Fatalf("attempt %d: the next attempt is not %v later", attempt, wait)
		}
		c.set(c.now().Add(wait))
		wait = min(2*wait, lastRetry)
	}
	if n := len(in.received()); n != 0 {
		t.Errorf("%d messages arrived", n)
	}
}

func TestOutboxWithoutRecipientFailsThatEmailOnly(t *testing.T) {
	store := openStore(t)
	c := newClock()
	in := startInbox(t, "127.0.0.1:0")
	o := newTestOutbox(t, store, in.addr, c)
	queue(t, store, c, "", "No address")
	want := queue(t, store, c, "someone@example.org", "With address")
	if n := sendDue(t, o); n != 1 {
		t.Fatalf("sent %d, want 1", n)
	}
	got := in.received()
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
	c := newClock()
	in := startInbox(t, "127.0.0.1:0")
	o := newTestOutbox(t, store, in.addr, c)
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
	if n := len(in.received()); n != 3 {
		t.Errorf("%d messages arrived, want 3", n)
	}
}
