package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/mattn/go-sqlite3"

	"registrar/app/school"
)

// insertSubmissionKey records inside tx the key of the form that sent a, if it carries one. The
// same key twice (two requests of one form that raced past SentWithKey) is ErrDuplicate, as the
// same email twice is: the request that comes second stores nothing.
func insertSubmissionKey(ctx context.Context, tx *sql.Tx, a school.Application) error {
	if a.SubmissionKey == "" {
		return nil
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO submission_keys (key, edition_id, application_id)
		VALUES (?, ?, ?)`, a.SubmissionKey, a.EditionID, a.ID)
	var serr sqlite3.Error
	if errors.As(err, &serr) && serr.ExtendedCode == sqlite3.ErrConstraintPrimaryKey ||
		errors.As(err, &serr) && serr.ExtendedCode == sqlite3.ErrConstraintUnique &&
			strings.Contains(serr.Error(), "submission_keys.key") {
		return ErrDuplicate
	}
	return err
}

// SentWithKey reports whether an application to the edition was stored from the form with key.
func (s *Store) SentWithKey(ctx context.Context, editionID int64, key string) (bool, error) {
	if key == "" {
		return false, nil
	}
	var n int
	err := s.reader.QueryRowContext(ctx, `SELECT count(*) FROM submission_keys
		WHERE key = ? AND edition_id = ?`, key, editionID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("db: submission key: %w", err)
	}
	return n > 0, nil
}

// EditionSentWithKey is the slug of the edition an application was stored to from the form
// with key, and whether there is one: a saved form sent again has no draft left to name it.
func (s *Store) EditionSentWithKey(ctx context.Context, key string) (string, bool, error) {
	if key == "" {
		return "", false, nil
	}
	var slug string
	err := s.reader.QueryRowContext(ctx, `SELECT e.slug FROM submission_keys k
		JOIN editions e ON e.id = k.edition_id WHERE k.key = ?`, key).Scan(&slug)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("db: submission key: %w", err)
	}
	return slug, true, nil
}
