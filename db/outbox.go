package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"registrar/app/school"
)

// OutboxMessage is a queued, sent or failed email.
type OutboxMessage struct {
	ID            int64
	To            string
	Lang          string
	Subject       string
	Text          string
	HTML          string
	Template      string
	ApplicationID int64
	Status        string
	Attempts      int
	LastError     string
	MessageID     string
	CreatedAt     time.Time
	// NextAttemptAt is when a queued email is tried next; for a failed one, when it was last
	// tried. SentAt is when the server took a sent one.
	NextAttemptAt time.Time
	SentAt        time.Time
	// StatusToken is the secret of the status link in the bodies until the email is sent; the
	// bodies of a sent email keep WithheldLink in its place.
	StatusToken string
}

// WithheldLink stands for the secret of a status link in a sent email's bodies and wherever
// staff see an email: the secret opens the applicant's application.
const WithheldLink = "…"

// statusLinkSecret is a status link's secret in a body (mail.NewStatusToken: 43 characters).
var statusLinkSecret = regexp.MustCompile(`/status/[A-Za-z0-9_-]{20,}`)

// Shown is the email's text and HTML as staff may see them, without the status link's secret:
// also in an email queued before the secret was kept apart (status_token NULL), whose secret
// only the link's form tells.
func (m OutboxMessage) Shown() (text, html string) {
	text, html = m.Text, m.HTML
	if m.StatusToken != "" {
		text, html = strings.ReplaceAll(text, m.StatusToken, WithheldLink), strings.ReplaceAll(html, m.StatusToken, WithheldLink)
	}
	withhold := "/status/" + WithheldLink
	return statusLinkSecret.ReplaceAllLiteralString(text, withhold), statusLinkSecret.ReplaceAllLiteralString(html, withhold)
}

const outboxColumns = `id, to_addr, lang, subject, text_body, html_body, template,
	COALESCE(application_id, 0), status, attempts, last_error, message_id, created_at,
	next_attempt_at, sent_at, COALESCE(status_token, '')`

func (s *Store) queryOutbox(ctx context.Context, query string, args ...any) ([]OutboxMessage, error) {
	rows, err := s.reader.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("db: outbox: %w", err)
	}
	defer rows.Close()
	var msgs []OutboxMessage
	for rows.Next() {
		var m OutboxMessage
		var created, next string
		var sent sql.NullString
		if err := rows.Scan(&m.ID, &m.To, &m.Lang, &m.Subject, &m.Text, &m.HTML, &m.Template,
			&m.ApplicationID, &m.Status, &m.Attempts, &m.LastError, &m.MessageID, &created,
			&next, &sent, &m.StatusToken); err != nil {
			return nil, fmt.Errorf("db: outbox: %w", err)
		}
		if m.CreatedAt, err = parseInstant(sql.NullString{String: created, Valid: true}); err != nil {
			return nil, err
		}
		if m.NextAttemptAt, err = parseInstant(sql.NullString{String: next, Valid: true}); err != nil {
			return nil, err
		}
		if m.SentAt, err = parseInstant(sent); err != nil {
			return nil, err
		}
		msgs = append(msgs, m)
	}
	return msgs, rows.Err()
}

// DueEmails lists queued emails whose next attempt is due, oldest first.
func (s *Store) DueEmails(ctx context.Context, now time.Time, limit int) ([]OutboxMessage, error) {
	return s.queryOutbox(ctx, `SELECT `+outboxColumns+` FROM outbox
		WHERE status = 'queued' AND next_attempt_at <= ? ORDER BY id LIMIT ?`,
		formatInstant(now), limit)
}

// ApplicationEmails lists the emails queued for an application, oldest first.
func (s *Store) ApplicationEmails(ctx context.Context, applicationID int64) ([]OutboxMessage, error) {
	return s.queryOutbox(ctx, `SELECT `+outboxColumns+` FROM outbox
		WHERE application_id = ? ORDER BY id`, applicationID)
}

// MarkEmailSent records that the SMTP server accepted the message. A sent message keeps its
// bodies with the status link's secret cut out (WithheldLink), so organisers can open it as it
// went and no backup holds a link that opens an application; erasure empties them. One queued
// before the secret was stored apart keeps no body. A message about an erased application
// (the confirmation of its erasure) keeps nothing of its address or subject either.
func (s *Store) MarkEmailSent(ctx context.Context, id int64, now time.Time) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE outbox SET status = 'sent', sent_at = ?1,
			text_body = CASE WHEN status_token IS NULL THEN '' ELSE replace(text_body, status_token, ?2) END,
			html_body = CASE WHEN status_token IS NULL THEN '' ELSE replace(html_body, status_token, ?2) END,
			status_token = CASE WHEN status_token IS NULL THEN NULL ELSE '' END,
			attempts = attempts + 1, last_error = '' WHERE id = ?3 AND status = 'queued'`,
			formatInstant(now), WithheldLink, id); err != nil {
			return err
		}
		var erased int64
		err := tx.QueryRowContext(ctx, `SELECT a.id FROM outbox o JOIN applications a ON a.id = o.application_id
			WHERE o.id = ? AND a.erased_at IS NOT NULL`, id).Scan(&erased)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE outbox SET to_addr = ?, subject = '', text_body = '', html_body = ''
			WHERE id = ?`, school.ErasedPlaceholder(erased), id)
		return err
	})
	if err != nil {
		return fmt.Errorf("db: mark email %d sent: %w", id, err)
	}
	return nil
}

// ErasedApplicationEmails lists the emails about erased applications, for removing what a
// sender kept of them outside the database.
func (s *Store) ErasedApplicationEmails(ctx context.Context) ([]int64, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT o.id FROM outbox o
		JOIN applications a ON a.id = o.application_id WHERE a.erased_at IS NOT NULL ORDER BY o.id`)
	if err != nil {
		return nil, fmt.Errorf("db: emails of erased applications: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("db: emails of erased applications: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// MarkEmailFailed records a failed attempt: retried at next, or given up when next is zero.
func (s *Store) MarkEmailFailed(ctx context.Context, id int64, cause string, next time.Time) error {
	status := "queued"
	if next.IsZero() {
		status = "failed"
	}
	_, err := s.writer.ExecContext(ctx, `UPDATE outbox SET status = ?, attempts = attempts + 1,
		last_error = ?, next_attempt_at = COALESCE(?, next_attempt_at) WHERE id = ? AND status = 'queued'`,
		status, cause, formatInstant(next), id)
	if err != nil {
		return fmt.Errorf("db: mark email %d failed: %w", id, err)
	}
	return nil
}

// QueueEmail queues an email that goes with no change of record.
func (s *Store) QueueEmail(ctx context.Context, m Email, applicationID int64, now time.Time) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error { return queueEmail(ctx, tx, now, m, applicationID) })
	if err != nil {
		return fmt.Errorf("db: queue email: %w", err)
	}
	return nil
}

// OutboxFilter narrows the outbox page.
type OutboxFilter struct {
	Status string // queued, sent, failed, or "" for all
	Scope  EmailScope
	Limit  int
}

// EmailScope is the part of the outbox a user may see: every email for administrators (All);
// otherwise the emails about applications of the editions in Editions. An email about no
// application (or about one deleted since) is administrators' only.
type EmailScope struct {
	All      bool
	Editions school.Scope
}

// condition is the scope as an SQL condition on the outbox, with its arguments.
func (sc EmailScope) condition() (string, []any) {
	switch {
	case sc.All:
		return "1", nil
	case sc.Editions.All:
		return "application_id IS NOT NULL", nil
	}
	marks, args := inList(sc.Editions.IDs)
	return "application_id IN (SELECT id FROM applications WHERE edition_id IN (" + marks + "))", args
}

// OutboxMessages lists emails newest first.
func (s *Store) OutboxMessages(ctx context.Context, f OutboxFilter) ([]OutboxMessage, error) {
	if f.Limit <= 0 {
		f.Limit = 200
	}
	scope, args := f.Scope.condition()
	return s.queryOutbox(ctx, `SELECT `+outboxColumns+` FROM outbox
		WHERE (? = '' OR status = ?) AND `+scope+` ORDER BY id DESC LIMIT ?`,
		slices.Concat([]any{f.Status, f.Status}, args, []any{f.Limit})...)
}

// OutboxMessage is one email of the scope; ErrNotFound when the scope has no such email.
func (s *Store) OutboxMessage(ctx context.Context, id int64, sc EmailScope) (OutboxMessage, error) {
	scope, args := sc.condition()
	msgs, err := s.queryOutbox(ctx, `SELECT `+outboxColumns+` FROM outbox WHERE id = ? AND `+scope,
		slices.Concat([]any{id}, args)...)
	if err != nil {
		return OutboxMessage{}, err
	}
	if len(msgs) == 0 {
		return OutboxMessage{}, ErrNotFound
	}
	return msgs[0], nil
}

// OutboxCounts counts the emails of a scope by status.
func (s *Store) OutboxCounts(ctx context.Context, sc EmailScope) (map[string]int, error) {
	scope, args := sc.condition()
	rows, err := s.reader.QueryContext(ctx, `SELECT status, COUNT(*) FROM outbox WHERE `+scope+`
		GROUP BY status`, args...)
	if err != nil {
		return nil, fmt.Errorf("db: outbox counts: %w", err)
	}
	defer rows.Close()
	counts := map[string]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("db: outbox counts: %w", err)
		}
		counts[st] = n
	}
	return counts, rows.Err()
}

// RetryEmail queues a failed email of the scope again, to be sent at once; ErrNotFound when
// the scope has no such failed email.
func (s *Store) RetryEmail(ctx context.Context, id int64, sc EmailScope, now time.Time) error {
	scope, args := sc.condition()
	err := affectedOne(s.writer.ExecContext(ctx, `UPDATE outbox SET status = 'queued', next_attempt_at = ?,
		attempts = 0 WHERE id = ? AND status = 'failed' AND `+scope,
		slices.Concat([]any{formatInstant(now), id}, args)...))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("db: retry email %d: %w", id, err)
	}
	return err
}
