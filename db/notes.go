package db

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Note is an organiser's internal note on an application.
type Note struct {
	At     time.Time
	Author string
	Body   string
}

// AddNote stores an internal note.
func (s *Store) AddNote(ctx context.Context, applicationID, userID int64, body string, now time.Time) error {
	_, err := s.writer.ExecContext(ctx, `INSERT INTO application_notes (application_id, user_id, at, body)
		VALUES (?, ?, ?, ?)`, applicationID, userID, formatInstant(now), body)
	if err != nil {
		return fmt.Errorf("db: add note: %w", err)
	}
	return nil
}

// Notes lists an application's internal notes, oldest first.
func (s *Store) Notes(ctx context.Context, applicationID int64) ([]Note, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT n.at, u.email, n.body FROM application_notes n
		JOIN users u ON u.id = n.user_id WHERE n.application_id = ? ORDER BY n.id`, applicationID)
	if err != nil {
		return nil, fmt.Errorf("db: notes: %w", err)
	}
	defer rows.Close()
	var notes []Note
	for rows.Next() {
		var n Note
		var at string
		if err := rows.Scan(&at, &n.Author, &n.Body); err != nil {
			return nil, fmt.Errorf("db: notes: %w", err)
		}
		if n.At, err = parseInstant(sql.NullString{String: at, Valid: true}); err != nil {
			return nil, err
		}
		notes = append(notes, n)
	}
	return notes, rows.Err()
}
