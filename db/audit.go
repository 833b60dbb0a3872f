package db

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"registrar/app/school"
)

// AuditEntry is one line of a record's history: who did what to which record, when.
type AuditEntry struct {
	At       time.Time
	Actor    string
	Action   string
	Entity   string // "application", "edition" or "user"; empty on entries read back
	EntityID int64
	From     string
	To       string
	Detail   string
	// Staff is the back-office user behind a "user:ID email" actor, read back with the entry
	// from their account as it is now; zero for the applicant, the system, or a removed account.
	Staff school.User
}

// errAuditWithoutTime refuses an entry whose caller forgot the clock: every entry carries the
// time the caller was given (the injected clock), never SQLite's own, so that tests and
// replays see the times they set.
var errAuditWithoutTime = errors.New("db: audit entry without a time")

// writeAudit is the one writer of the audit log, inside the caller's transaction.
func writeAudit(ctx context.Context, tx *sql.Tx, e AuditEntry) error {
	if e.At.IsZero() {
		return errAuditWithoutTime
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO audit_log (at, actor, action, entity, entity_id,
		from_state, to_state, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		formatInstant(e.At), e.Actor, e.Action, e.Entity, e.EntityID, e.From, e.To, e.Detail)
	return err
}

// auditSelect reads audit entries (audit_log l) with the account of the staff member who made
// each: a user's actor is "user:ID email", and CAST takes the ID from its front.
const auditSelect = `SELECT l.at, l.actor, l.action, l.from_state, l.to_state, l.detail,
	COALESCE(u.id, 0), COALESCE(u.email, ''), COALESCE(u.name, ''), COALESCE(u.role, '')
	FROM audit_log l LEFT JOIN users u
	  ON l.actor LIKE 'user:%' AND u.id = CAST(substr(l.actor, 6) AS INTEGER)`

// auditEntries runs a query that starts with auditSelect.
func (s *Store) auditEntries(ctx context.Context, query string, args ...any) ([]AuditEntry, error) {
	rows, err := s.reader.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var entries []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var at string
		if err := rows.Scan(&at, &e.Actor, &e.Action, &e.From, &e.To, &e.Detail,
			&e.Staff.ID, &e.Staff.Email, &e.Staff.Name, &e.Staff.Role); err != nil {
			return nil, err
		}
		if e.At, err = parseInstant(sql.NullString{String: at, Valid: true}); err != nil {
			return nil, err
		}
		entries = append(entries, e)
	}
	return entries, rows.Err()
}
