package db

import (
	"context"
	"database/sql"
	"time"

	"registrar/app/school"
)

// AuditEntry is one line of a record's history.
type AuditEntry struct {
	At     time.Time
	Actor  string
	Action string
	From   string
	To     string
	Detail string
}

func audit(ctx context.Context, tx *sql.Tx, now time.Time, actor, action string, applicationID int64,
	from, to, detail string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO audit_log (at, actor, action, entity, entity_id,
		from_state, to_state, detail) VALUES (?, ?, ?, 'application', ?, ?, ?, ?)`,
		formatInstant(now), actor, action, applicationID, from, to, detail)
	return err
}

// auditEdition writes an audit entry about an edition itself, stamped like its updated_at.
func auditEdition(ctx context.Context, tx *sql.Tx, actor, action string, editionID int64, from, to, detail string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO audit_log (at, actor, action, entity, entity_id,
		from_state, to_state, detail) VALUES (strftime('%Y-%m-%dT%H:%M:%SZ','now'), ?, ?, 'edition', ?, ?, ?, ?)`,
		actor, action, editionID, from, to, detail)
	return err
}

// auditUser writes an audit entry about a staff account; the detail keeps its address, so the
// entry still says whose it was if the account is removed.
func auditUser(ctx context.Context, tx *sql.Tx, now time.Time, actor, action string, u school.User) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO audit_log (at, actor, action, entity, entity_id, detail)
		VALUES (?, ?, ?, 'user', ?, ?)`, formatInstant(now), actor, action, u.ID, u.Email)
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
