package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/smtp"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"registrar/db"
)

// SMTPSender sends over SMTP: smtp://user:pass@host:587 upgrades with STARTTLS when the server
// offers it; smtps://host:465 is TLS from the start. Every step has a timeout (net/smtp has
// none of its own).
type SMTPSender struct {
	url     *url.URL
	timeout time.Duration
}

// NewSMTPSender parses an smtp:// or smtps:// URL.
func NewSMTPSender(raw string) (*SMTPSender, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
		return nil, fmt.Errorf("mail: REGISTRAR_SMTP_URL must look like smtp://user:pass@host:587 or smtps://host:465")
	}
	if u.Port() == "" {
		port := "587"
		if u.Scheme == "smtps" {
			port = "465"
		}
		u.Host = net.JoinHostPort(u.Hostname(), port)
	}
	return &SMTPSender{url: u, timeout: 30 * time.Second}, nil
}

// Where is the server's address, without credentials.
func (s *SMTPSender) Where() string { return s.url.Scheme + "://" + s.url.Host }

// Send delivers one message.
func (s *SMTPSender) Send(ctx context.Context, from string, m db.OutboxMessage, raw []byte) error {
	if m.To == "" {
		return ErrNoRecipient
	}
	sender, err := mail.ParseAddress(from)
	if err != nil {
		return fmt.Errorf("mail: sender %q: %w", from, err)
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	dialer := &net.Dialer{Timeout: s.timeout}
	host := s.url.Hostname()
	var conn net.Conn
	if s.url.Scheme == "smtps" {
		conn, err = (&tls.Dialer{NetDialer: dialer, Config: &tls.Config{ServerName: host}}).DialContext(ctx, "tcp", s.url.Host)
	} else {
		conn, err = dialer.DialContext(ctx, "tcp", s.url.Host)
	}
	if err != nil {
		return fmt.Errorf("mail: connect %s: %w", s.url.Host, err)
	}
	deadline, _ := ctx.Deadline()
	_ = conn.SetDeadline(deadline)
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("mail: greeting: %w", err)
	}
	defer c.Close()
	if err := c.Hello("registrar"); err != nil {
		return fmt.Errorf("mail: hello: %w", err)
	}
	if ok, _ := c.Extension("STARTTLS"); ok && s.url.Scheme == "smtp" {
		if err := c.StartTLS(&tls.Config{ServerName: host}); err != nil {
			return fmt.Errorf("mail: starttls: %w", err)
		}
	}
	if s.url.User != nil {
		password, _ := s.url.User.Password()
		// net/smtp's PlainAuth refuses to send credentials over an unencrypted connection
		// except to localhost.
		if err := c.Auth(smtp.PlainAuth("", s.url.User.Username(), password, host)); err != nil {
			return fmt.Errorf("mail: auth: %w", err)
		}
	}
	if err := c.Mail(sender.Address); err != nil {
		return fmt.Errorf("mail: from: %w", err)
	}
	if err := c.Rcpt(m.To); err != nil {
		return fmt.Errorf("mail: to %s: %w", m.To, err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("mail: data: %w", err)
	}
	if _, err := w.Write(raw); err != nil {
		return fmt.Errorf("mail: write: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("mail: not accepted: %w", err)
	}
	// The server has the message now. Return at once, without waiting for the reply to QUIT,
	// so the row is marked sent as soon as possible: a crash in between sends it again.
	return nil
}

// FileSender writes each message as an .eml file, for development without an SMTP server.
type FileSender struct {
	Dir string
}

// Where is the folder the files go to.
func (f FileSender) Where() string { return f.Dir }

// Send writes the message to DIR/<id>-<template>.eml.
func (f FileSender) Send(_ context.Context, _ string, m db.OutboxMessage, raw []byte) error {
	if err := os.MkdirAll(f.Dir, 0o750); err != nil {
		return fmt.Errorf("mail: %w", err)
	}
	name := fmt.Sprintf("%06d-%s.eml", m.ID, strings.ReplaceAll(m.Template, "/", "-"))
	return os.WriteFile(filepath.Join(f.Dir, name), raw, 0o640)
}

// Forget removes the files of the given messages: an erased applicant's emails must not outlive
// the erasure in the mail folder.
func (f FileSender) Forget(ids []int64) error {
	entries, err := os.ReadDir(f.Dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("mail: %w", err)
	}
	forget := make(map[int64]bool, len(ids))
	for _, id := range ids {
		forget[id] = true
	}
	var errs []error
	for _, e := range entries {
		prefix, _, _ := strings.Cut(e.Name(), "-")
		if id, err := strconv.ParseInt(prefix, 10, 64); err != nil || !forget[id] {
			continue
		}
		if err := os.Remove(filepath.Join(f.Dir, e.Name())); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("mail: %w", err)
	}
	return nil
}

// ForgetErased removes the files of the emails about erased applications from dir, whether or
// not the files are still written there (an SMTP server may have been configured since).
func ForgetErased(ctx context.Context, store *db.Store, dir string) error {
	ids, err := store.ErasedApplicationEmails(ctx)
	if err != nil {
		return err
	}
	return FileSender{Dir: dir}.Forget(ids)
}
