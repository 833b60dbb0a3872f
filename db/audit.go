package db

import (
	"context"
	"database/sql"
	"errors"
	"time"
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

// auditEntries runs a query of audit_log's at, actor, action, from_state, to_state and detail.
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
		if err := rows.Scan(&at, &e.Actor, &e.Action, &e.From, &e.To, &e.Detail); err != nil {
			return nil, err
		}
		if e.At, err = parseInstant(sql.NullString{String: at, Valid: true}); err != nil {
			return nil, err
		}
		entries = append(entries, e)
	}
	return entries, rows.Err()
}
