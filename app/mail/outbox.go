package mail

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sync"
	"time"

	"github.com/jordan-wright/email"

	"registrar/db"
)

// Sender delivers one message.
type Sender interface {
	Send(ctx context.Context, from string, m db.OutboxMessage, raw []byte) error
	// Where says where messages go, for the log.
	Where() string
}

// Retry policy: 30 s, 1 min, 2 min, … capped at an hour; given up after maxAttempts.
const (
	firstRetry  = 30 * time.Second
	lastRetry   = time.Hour
	maxAttempts = 12
	batchSize   = 50
	pollEvery   = 5 * time.Second
)

// Outbox sends queued emails.
type Outbox struct {
	store  *db.Store
	sender Sender
	from   string
	log    *slog.Logger
	clock  func() time.Time
	wake   chan struct{}
	// sending lets one pass run at a time: two concurrent passes would both find a message
	// due and send it twice.
	sending sync.Mutex
	// interval is the least time between two messages (SetRate); lastSend is when the last
	// one went.
	interval time.Duration
	lastSend time.Time
}

// NewOutbox returns an outbox that sends from the given address through sender.
func NewOutbox(store *db.Store, sender Sender, from string, logger *slog.Logger, clock func() time.Time) *Outbox {
	return &Outbox{store: store, sender: sender, from: from, log: logger, clock: clock,
		wake: make(chan struct{}, 1)}
}

// SetRate limits sending to perSecond messages a second; zero sends as fast as the server
// takes them. Relays throttle senders that go faster than they allow, and a burst of
// applications then leaves the machine to the applicants while their receipts follow.
func (o *Outbox) SetRate(perSecond int) {
	o.interval = 0
	if perSecond > 0 {
		o.interval = time.Second / time.Duration(perSecond)
	}
}

// pace waits until the next message may go, or ctx ends.
func (o *Outbox) pace(ctx context.Context) error {
	if err := ctx.Err(); err != nil || o.interval == 0 {
		return err
	}
	wait := time.Until(o.lastSend.Add(o.interval))
	if wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	o.lastSend = time.Now()
	return nil
}

// Wake tells the worker that an email was queued, so it does not wait for the next poll.
func (o *Outbox) Wake() {
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

// Run sends due emails until ctx ends.
func (o *Outbox) Run(ctx context.Context) {
	o.log.Info("outbox: sending emails", "to", o.sender.Where())
	ticker := time.NewTicker(pollEvery)
	defer ticker.Stop()
	for {
		if _, err := o.SendDue(ctx); err != nil && ctx.Err() == nil {
			o.log.Error("outbox", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		case <-o.wake:
		}
	}
}

// SendDue makes one pass over the due emails and returns how many were sent.
func (o *Outbox) SendDue(ctx context.Context) (int, error) {
	o.sending.Lock()
	defer o.sending.Unlock()
	sent := 0
	for {
		due, err := o.store.DueEmails(ctx, o.clock(), batchSize)
		if err != nil {
			return sent, err
		}
		if len(due) == 0 {
			return sent, nil
		}
		failures := 0
		for _, m := range due {
			if err := o.pace(ctx); err != nil {
				return sent, err
			}
			if err := o.send(ctx, m); err != nil {
				failures++
				o.log.Warn("outbox: send failed", "id", m.ID, "to", m.To, "attempt", m.Attempts+1, "error", err)
				if err := o.store.MarkEmailFailed(ctx, m.ID, err.Error(), o.nextAttempt(m.Attempts+1)); err != nil {
					return sent, err
				}
				continue
			}
			if err := o.store.MarkEmailSent(ctx, m.ID, o.clock()); err != nil {
				return sent, err
			}
			sent++
		}
		if failures == len(due) {
			return sent, nil // the server is down: wait for the next attempt time
		}
	}
}

// nextAttempt is when to retry after the given number of failed attempts; zero means give up.
func (o *Outbox) nextAttempt(attempts int) time.Time {
	if attempts >= maxAttempts {
		return time.Time{}
	}
	wait := time.Duration(float64(firstRetry) * math.Pow(2, float64(attempts-1)))
	if wait > lastRetry {
		wait = lastRetry
	}
	return o.clock().Add(wait)
}

func (o *Outbox) send(ctx context.Context, m db.OutboxMessage) error {
	e := email.NewEmail()
	e.From = o.from
	e.To = []string{m.To}
	e.Subject = m.Subject
	e.Text = []byte(m.Text)
	e.HTML = []byte(m.HTML)
	e.Headers.Set("Message-Id", m.MessageID)
	e.Headers.Set("Content-Language", m.Lang)
	e.Headers.Set("Auto-Submitted", "auto-generated")
	raw, err := e.Bytes()
	if err != nil {
		return fmt.Errorf("build message: %w", err)
	}
	if err := o.sender.Send(ctx, o.from, m, raw); err != nil {
		return err
	}
	return nil
}

// ErrNoRecipient is returned for a message without an address.
var ErrNoRecipient = errors.New("mail: no recipient")
