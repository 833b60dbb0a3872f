package db

import (
	"database/sql"
	"fmt"
	"time"
)

const dateLayout = "2006-01-02"

// scanner is what *sql.Row and *sql.Rows have in common.
type scanner interface {
	Scan(dest ...any) error
}

func parseDate(s string) (time.Time, error) {
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("db: bad date %q: %w", s, err)
	}
	return t, nil
}

func parseInstant(s sql.NullString) (time.Time, error) {
	if !s.Valid || s.String == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, s.String)
	if err != nil {
		return time.Time{}, fmt.Errorf("db: bad time %q: %w", s.String, err)
	}
	return t, nil
}

func formatDate(t time.Time) string { return t.Format(dateLayout) }

// formatInstant stores t in UTC, or NULL for the zero time.
func formatInstant(t time.Time) sql.NullString {
	if t.IsZero() {
		return sql.NullString{}
	}
	return sql.NullString{String: t.UTC().Format(time.RFC3339), Valid: true}
}

// parseOptionalDate reads an edition's date, which a draft may leave empty.
func parseOptionalDate(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return parseDate(s)
}

// formatOptionalDate stores an edition's date, "" for none.
func formatOptionalDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return formatDate(t)
}
