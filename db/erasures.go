package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	"registrar/app/school"
)

// Erasure is an entry of the journal of erasures: an application erased, or its passport
// details, named by its id and reference only.
type Erasure struct {
	ApplicationID int64
	Reference     string
	ErasedAt      time.Time
	What          string // ErasedApplication or ErasedPassport
}

// What an entry of the journal of erasures erased.
const (
	// ErasedApplication: the whole application (eraseApplication).
	ErasedApplication = "application"
	// ErasedPassport: the passport details among its follow-up answers, after the edition
	// (ErasePassportDetails); the rest of the application stays.
	ErasedPassport = "passport"
)

// journalErasure records inside tx that the application was erased.
func journalErasure(ctx context.Context, tx *sql.Tx, id int64, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO erasures (application_id, reference, erased_at, what)
		SELECT id, reference, ?, ? FROM applications WHERE id = ?`, formatInstant(now), ErasedApplication, id)
	return err
}

// passportAnswers is the condition on follow_up_answers (f) of the passport's details.
const passportAnswers = `f.question_id IN (SELECT id FROM questions WHERE purpose LIKE 'passport\_%' ESCAPE '\')`

// erasePassportOf erases again inside tx the passport details of the application with id and
// reference, as the journal names it, and reports whether it held any. It journals the erasure
// in this database too, as eraseApplication does, so that restoring an old backup once more
// loses them again.
func erasePassportOf(ctx context.Context, tx *sql.Tx, id int64, reference string, at time.Time) (bool, error) {
	res, err := tx.ExecContext(ctx, `DELETE FROM follow_up_answers AS f WHERE f.application_id = ?
		AND EXISTS (SELECT 1 FROM applications a WHERE a.id = f.application_id AND a.reference = ?)
		AND `+passportAnswers, id, reference)
	if err != nil {
		return false, err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO erasures (application_id, reference, erased_at, what)
		VALUES (?, ?, ?, ?)`, id, reference, formatInstant(at), ErasedPassport); err != nil {
		return false, err
	}
	return true, writeAudit(ctx, tx, AuditEntry{At: at, Actor: ActorSystem, Action: "passport_details_erased",
		Entity: "application", EntityID: id, Detail: "restore"})
}

// readErasures reads the journal of erasures of the database file at path; a database from
// before the journal has none.
func readErasures(ctx context.Context, path string) ([]Erasure, error) {
	conn, err := sql.Open("sqlite3", "file:"+url.PathEscape(path)+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	rows, err := conn.QueryContext(ctx, `SELECT application_id, reference, erased_at, what FROM erasures
		ORDER BY erased_at, rowid`)
	if err != nil && strings.Contains(err.Error(), "no such column") {
		// A journal from before migration 0034 holds whole erasures only.
		rows, err = conn.QueryContext(ctx, `SELECT application_id, reference, erased_at, 'application' FROM erasures
			ORDER BY erased_at, rowid`)
	}
	if err != nil {
		if strings.Contains(err.Error(), "no such table") {
			return nil, nil
		}
		return nil, err
	}
	defer rows.Close()
	var journal []Erasure
	for rows.Next() {
		var e Erasure
		var at string
		if err := rows.Scan(&e.ApplicationID, &e.Reference, &at, &e.What); err != nil {
			return nil, err
		}
		if e.ErasedAt, err = parseInstant(sql.NullString{String: at, Valid: true}); err != nil {
			return nil, err
		}
		journal = append(journal, e)
	}
	return journal, rows.Err()
}

// reapplyErasures erases again every application of the journal that this database still holds
// unerased (a restored backup taken before its erasure), at its original time, its files too,
// and the passport details erased after an edition that it still holds. It returns how many
// applications it erased, wholly or of their passport details.
func (s *Store) reapplyErasures(ctx context.Context, journal []Erasure) (int, error) {
	n := 0
	for _, e := range journal {
		if e.What == ErasedPassport {
			err := s.inTx(ctx, func(tx *sql.Tx) error {
				erased, err := erasePassportOf(ctx, tx, e.ApplicationID, e.Reference, e.ErasedAt)
				if erased {
					n++
				}
				return err
			})
			if err != nil {
				return n, fmt.Errorf("db: erase the passport details of %s again: %w", e.Reference, err)
			}
			continue
		}
		err := s.inTx(ctx, func(tx *sql.Tx) error {
			var id int64
			err := tx.QueryRowContext(ctx, `SELECT id FROM applications WHERE id = ? AND reference = ?
				AND erased_at IS NULL`, e.ApplicationID, e.Reference).Scan(&id)
			if errors.Is(err, sql.ErrNoRows) {
				return nil // erased in the backup already, or made after it
			}
			if err != nil {
				return err
			}
			files, err := applicationFiles(ctx, tx, id)
			if err != nil {
				return err
			}
			if err := eraseApplication(ctx, tx, id, ActorSystem, "restore", e.ErasedAt, files); err != nil {
				return err
			}
			n++
			return nil
		})
		if err != nil {
			return n, fmt.Errorf("db: erase %s again: %w", e.Reference, err)
		}
	}
	return n, nil
}

// pruneOldBackups removes the backups (oldest first) taken before the longest retention period
// of any edition: they hold personal data that the retention period has erased since.
func (s *Store) pruneOldBackups(ctx context.Context, existing []string, now time.Time) ([]string, error) {
	months, err := s.longestRetention(ctx)
	if err != nil {
		return existing, err
	}
	cutoff := now.AddDate(0, -months, 0)
	for len(existing) > 0 && backupTime(existing[0]).Before(cutoff) {
		if err := os.Remove(existing[0]); err != nil {
			return existing, fmt.Errorf("db: backups: %w", err)
		}
		existing = existing[1:]
	}
	return existing, nil
}

// longestRetention is the longest retention period of any edition, in months.
func (s *Store) longestRetention(ctx context.Context) (int, error) {
	var months sql.NullInt64
	if err := s.reader.QueryRowContext(ctx, `SELECT MAX(retention_months) FROM editions`).Scan(&months); err != nil {
		return 0, fmt.Errorf("db: longest retention: %w", err)
	}
	return max(int(months.Int64), school.DefaultRetentionMonths), nil
}
