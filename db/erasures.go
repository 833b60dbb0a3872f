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

// Erasure is an entry of the journal of erasures: an application erased, named by its id and
// reference only.
type Erasure struct {
	ApplicationID int64
	Reference     string
	ErasedAt      time.Time
}

// journalErasure records inside tx that the application was erased.
func journalErasure(ctx context.Context, tx *sql.Tx, id int64, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO erasures (application_id, reference, erased_at)
		SELECT id, reference, ? FROM applications WHERE id = ?`, formatInstant(now), id)
	return err
}

// readErasures reads the journal of erasures of the database file at path; a database from
// before the journal has none.
func readErasures(ctx context.Context, path string) ([]Erasure, error) {
	conn, err := sql.Open("sqlite3", "file:"+url.PathEscape(path)+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	rows, err := conn.QueryContext(ctx, `SELECT application_id, reference, erased_at FROM erasures ORDER BY erased_at`)
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
		if err := rows.Scan(&e.ApplicationID, &e.Reference, &at); err != nil {
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
// unerased (a restored backup taken before its erasure), at its original time, its files too.
// It returns how many it erased.
func (s *Store) reapplyErasures(ctx context.Context, journal []Erasure) (int, error) {
	n := 0
	for _, e := range journal {
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
