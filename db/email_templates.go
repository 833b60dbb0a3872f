package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"registrar/app/school"
)

// EmailTemplate is an organiser's own wording of one email of an edition in one language: plain
// text with {placeholders}, never run as a template. Without one the shipped default is sent.
type EmailTemplate struct {
	EditionID int64
	Name      string
	Lang      string
	Subject   string
	Body      string
	UpdatedAt time.Time
	UpdatedBy int64
	// UpdatedByEmail is who saved it last, "" when that account is gone.
	UpdatedByEmail string
}

// EmailTemplates lists an edition's customised emails, in no particular order. One query on the
// primary key: the email renderer loads them each time it is built.
func (s *Store) EmailTemplates(ctx context.Context, editionID int64) ([]EmailTemplate, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT t.edition_id, t.name, t.lang, t.subject, t.body,
		t.updated_at, COALESCE(t.updated_by, 0), COALESCE(u.email, '')
		FROM email_templates t LEFT JOIN users u ON u.id = t.updated_by WHERE t.edition_id = ?`, editionID)
	if err != nil {
		return nil, fmt.Errorf("db: email templates: %w", err)
	}
	defer rows.Close()
	var out []EmailTemplate
	for rows.Next() {
		var t EmailTemplate
		var at string
		if err := rows.Scan(&t.EditionID, &t.Name, &t.Lang, &t.Subject, &t.Body, &at, &t.UpdatedBy,
			&t.UpdatedByEmail); err != nil {
			return nil, fmt.Errorf("db: email templates: %w", err)
		}
		if t.UpdatedAt, err = parseInstant(sql.NullString{String: at, Valid: true}); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// SaveEmailTemplate stores an edition's own wording of an email, replacing the one before.
func (s *Store) SaveEmailTemplate(ctx context.Context, t EmailTemplate) error {
	_, err := s.writer.ExecContext(ctx, `INSERT INTO email_templates
		(edition_id, name, lang, subject, body, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, NULLIF(?, 0))
		ON CONFLICT (edition_id, name, lang) DO UPDATE SET subject = excluded.subject,
		body = excluded.body, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
		t.EditionID, t.Name, t.Lang, t.Subject, t.Body, formatInstant(t.UpdatedAt), t.UpdatedBy)
	if err != nil {
		return fmt.Errorf("db: save email template %s/%s: %w", t.Lang, t.Name, err)
	}
	s.catalogueVersion.Add(1) // cached application forms keep the edition's emails
	return nil
}

// DeleteEmailTemplate removes an edition's own wording of an email: the default is sent again.
func (s *Store) DeleteEmailTemplate(ctx context.Context, editionID int64, name, lang string) error {
	_, err := s.writer.ExecContext(ctx, `DELETE FROM email_templates WHERE edition_id = ? AND name = ? AND lang = ?`,
		editionID, name, lang)
	if err != nil {
		return fmt.Errorf("db: delete email template %s/%s: %w", lang, name, err)
	}
	s.catalogueVersion.Add(1)
	return nil
}

// NewestApplication is the edition's most recently submitted application, or ErrNotFound.
func (s *Store) NewestApplication(ctx context.Context, editionID int64) (school.Application, error) {
	return s.oneApplication(ctx, `WHERE a.id = (SELECT id FROM applications WHERE edition_id = ?
		ORDER BY submitted_at DESC, id DESC LIMIT 1)`, editionID)
}

// FirstWithStatus is the edition's earliest application in a status, or ErrNotFound.
func (s *Store) FirstWithStatus(ctx context.Context, editionID int64, status school.Status) (school.Application, error) {
	return s.oneApplication(ctx, `WHERE a.id = (SELECT id FROM applications WHERE edition_id = ?
		AND status = ? ORDER BY id LIMIT 1)`, editionID, status)
}

// CountWithStatus counts an edition's applications in a status.
func (s *Store) CountWithStatus(ctx context.Context, editionID int64, status school.Status) (int, error) {
	var n int
	err := s.reader.QueryRowContext(ctx, `SELECT COUNT(*) FROM applications WHERE edition_id = ? AND status = ?`,
		editionID, status).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("db: count applications: %w", err)
	}
	return n, nil
}

// ErrJustSent is returned when the same bulk email went to the same edition less than
// BulkEmailGuard ago: a second click, or a reload of the form.
var ErrJustSent = errors.New("db: this bulk email was just sent")

// BulkEmailGuard is how long after a bulk email the same one to the same edition is refused.
const BulkEmailGuard = time.Minute

// BulkEmail is a bulk email sent to an edition.
type BulkEmail struct {
	SentAt     time.Time
	SentBy     string
	Recipients int
}

// LastBulkEmail is the last time template went in bulk to the edition, or ErrNotFound.
func (s *Store) LastBulkEmail(ctx context.Context, editionID int64, template string) (BulkEmail, error) {
	return lastBulkEmail(ctx, s.reader, editionID, template)
}

type queryRower interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func lastBulkEmail(ctx context.Context, q queryRower, editionID int64, template string) (BulkEmail, error) {
	var b BulkEmail
	var at string
	err := q.QueryRowContext(ctx, `SELECT sent_at, sent_by, recipients FROM bulk_emails
		WHERE edition_id = ? AND template = ? ORDER BY sent_at DESC, id DESC LIMIT 1`, editionID, template).
		Scan(&at, &b.SentBy, &b.Recipients)
	if errors.Is(err, sql.ErrNoRows) {
		return b, ErrNotFound
	}
	if err != nil {
		return b, fmt.Errorf("db: last bulk email: %w", err)
	}
	b.SentAt, err = parseInstant(sql.NullString{String: at, Valid: true})
	return b, err
}

// QueueBulkEmail queues template for every application of the edition in status, each with its
// status link and an audit entry, in one transaction: all are queued or none. The same email to
// the same edition less than BulkEmailGuard after the last one queues nothing and returns
// ErrJustSent, so a double click sends it once.
func (s *Store) QueueBulkEmail(ctx context.Context, editionID int64, status school.Status, template, actor string,
	now time.Time, render Renderer) (int, error) {
	var n int
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		last, err := lastBulkEmail(ctx, tx, editionID, template)
		switch {
		case err == nil && now.Before(last.SentAt.Add(BulkEmailGuard)):
			return ErrJustSent
		case err != nil && !errors.Is(err, ErrNotFound):
			return err
		}
		apps, err := txApplications(ctx, tx, `WHERE a.edition_id = ? AND a.status = ? ORDER BY a.id`, editionID, status)
		if err != nil {
			return err
		}
		for _, a := range apps {
			if err := queueFor(ctx, tx, now, a, template, render); err != nil {
				return err
			}
			if err := writeAudit(ctx, tx, AuditEntry{At: now, Actor: actor, Action: "email_" + template,
				Entity: "application", EntityID: a.ID}); err != nil {
				return err
			}
		}
		n = len(apps)
		_, err = tx.ExecContext(ctx, `INSERT INTO bulk_emails (edition_id, template, sent_at, sent_by, recipients)
			VALUES (?, ?, ?, ?, ?)`, editionID, template, formatInstant(now), actor, n)
		return err
	})
	if errors.Is(err, ErrJustSent) {
		return 0, err
	}
	if err != nil {
		return 0, fmt.Errorf("db: queue %s: %w", template, err)
	}
	return n, nil
}
