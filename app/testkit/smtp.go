package testkit

import (
	"io"
	"log"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Inbox is an SMTP server on loopback (emersion/go-smtp, in process) that keeps every message
// it accepts, duplicates included, until the test ends.
type Inbox struct {
	Addr string // host:port it listens on

	mu       sync.Mutex
	messages []Message
	arrived  chan struct{} // closed and replaced on each message, to wake Wait
	reject   atomic.Bool
}

// Message is one message as the server received it.
type Message struct {
	From string   // envelope sender
	To   []string // envelope recipients, as the client gave them
	Data []byte   // the raw message
}

// StartInbox serves SMTP on a free loopback port.
func StartInbox(t testing.TB) *Inbox {
	t.Helper()
	return StartInboxAt(t, "127.0.0.1:0")
}

// StartInboxAt serves SMTP on addr, for a test that needs the server back on the address a
// sender already knows.
func StartInboxAt(t testing.TB, addr string) *Inbox {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	in := &Inbox{Addr: ln.Addr().String(), arrived: make(chan struct{})}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &session{in: in}, nil
	}))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.MaxMessageBytes = 10 << 20
	// A client killed mid-session (the crash test) is expected, not news.
	srv.ErrorLog = log.New(io.Discard, "", 0)
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { srv.Close() })
	return in
}

// URL is the inbox's address as Registrar's SMTP setting spells it.
func (in *Inbox) URL() string { return "smtp://" + in.Addr }

// RejectRecipients makes the server refuse (550) every recipient while on is true.
func (in *Inbox) RejectRecipients(on bool) { in.reject.Store(on) }

// Received lists every message accepted so far.
func (in *Inbox) Received() []Message {
	in.mu.Lock()
	defer in.mu.Unlock()
	return append([]Message(nil), in.messages...)
}

// To lists the messages addressed to addr (case-insensitive), each delivery counted.
func (in *Inbox) To(addr string) []Message {
	var out []Message
	for _, m := range in.Received() {
		for _, to := range m.To {
			if strings.EqualFold(strings.Trim(to, "<>"), addr) {
				out = append(out, m)
				break
			}
		}
	}
	return out
}

// Arrived is closed when the next message arrives.
func (in *Inbox) Arrived() <-chan struct{} {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.arrived
}

// Wait waits up to ten seconds until n messages have arrived, and lists them.
func (in *Inbox) Wait(t testing.TB, n int) []Message {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		in.mu.Lock()
		got, arrived := len(in.messages), in.arrived
		in.mu.Unlock()
		if got >= n {
			return in.Received()
		}
		select {
		case <-arrived:
		case <-deadline:
			t.Fatalf("%d messages arrived, want %d", got, n)
		}
	}
}

type session struct {
	in  *Inbox
	msg Message
}

func (s *session) Reset()        { s.msg = Message{} }
func (s *session) Logout() error { return nil }

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.msg.From = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if s.in.reject.Load() {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such mailbox"}
	}
	s.msg.To = append(s.msg.To, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m := s.msg
	m.To = append([]string(nil), m.To...)
	m.Data = data
	s.in.mu.Lock()
	s.in.messages = append(s.in.messages, m)
	close(s.in.arrived)
	s.in.arrived = make(chan struct{})
	s.in.mu.Unlock()
	return nil
}

// ClosedAddress is a loopback address nothing listens on: a mail server that is down.
func ClosedAddress(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}
