package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"registrar/app/school"
)

// Programme lists an edition's sessions in programme order (by day, then as the editor placed
// them, which is by time unless an organiser moved one), each with its lecturers.
func (s *Store) Programme(ctx context.Context, editionID int64) ([]school.Session, error) {
	rows, err := s.reader.QueryContext(ctx, `
		SELECT ps.id, ps.edition_id, ps.day, ps.starts_at, ps.ends_at, ps.kind, ps.title_en,
		       ps.title_cs, ps.room, ps.room_cs, ps.description_en, ps.description_cs,
		       l.id, l.slug, l.name, l.affiliation
		FROM programme_sessions ps
		LEFT JOIN session_lecturers sl ON sl.session_id = ps.id
		LEFT JOIN lecturers l ON l.id = sl.lecturer_id
		WHERE ps.edition_id = ?
		ORDER BY ps.day, ps.position, ps.starts_at, ps.id, sl.position`, editionID)
	if err != nil {
		return nil, fmt.Errorf("db: programme: %w", err)
	}
	defer rows.Close()
	var sessions []school.Session
	for rows.Next() {
		var ps school.Session
		var day string
		var lecturerID sql.NullInt64
		var slug, name, affiliation sql.NullString
		if err := rows.Scan(&ps.ID, &ps.EditionID, &day, &ps.StartsAt, &ps.EndsAt, &ps.Kind,
			&ps.TitleEN, &ps.TitleCS, &ps.Room, &ps.RoomCS, &ps.DescriptionEN, &ps.DescriptionCS,
			&lecturerID, &slug, &name, &affiliation); err != nil {
			return nil, fmt.Errorf("db: programme: %w", err)
		}
		if n := len(sessions); n == 0 || sessions[n-1].ID != ps.ID {
			if ps.Day, err = parseDate(day); err != nil {
				return nil, err
			}
			sessions = append(sessions, ps)
		}
		if lecturerID.Valid {
			last := &sessions[len(sessions)-1]
			last.Lecturers = append(last.Lecturers, school.Lecturer{
				ID: lecturerID.Int64, Slug: slug.String, Name: name.String, Affiliation: affiliation.String,
			})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("db: programme: %w", err)
	}
	return sessions, nil
}

func insertSession(ctx context.Context, tx *sql.Tx, ps school.Session, lecturerIDs []int64) (int64, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO programme_sessions (edition_id, day, starts_at,
		ends_at, kind, title_en, title_cs, room, room_cs, description_en, description_cs)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		ps.EditionID, formatDate(ps.Day), ps.StartsAt, ps.EndsAt, ps.Kind, ps.TitleEN, ps.TitleCS,
		ps.Room, ps.RoomCS, ps.DescriptionEN, ps.DescriptionCS)
	if err != nil {
		return 0, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	for i, lid := range lecturerIDs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO session_lecturers (session_id, lecturer_id,
			position) VALUES (?, ?, ?)`, id, lid, i); err != nil {
			return 0, err
		}
	}
	return id, nil
}

// Session is one session of an edition's programme, with its lecturers in their order.
func (s *Store) Session(ctx context.Context, editionID, id int64) (school.Session, error) {
	sessions, err := s.Programme(ctx, editionID)
	if err != nil {
		return school.Session{}, err
	}
	for _, ps := range sessions {
		if ps.ID == id {
			return ps, nil
		}
	}
	return school.Session{}, ErrNotFound
}

// SessionLecturers says who teaches a session: lecturers from the shared list, in order, and
// new ones to add to the list and append.
type SessionLecturers struct {
	IDs []int64
	New []school.Lecturer
}

// CreateSession adds a session to an edition's programme, in time order within its day, and
// returns its id.
func (s *Store) CreateSession(ctx context.Context, ps school.Session, who SessionLecturers) (int64, error) {
	var id int64
	err := s.catalogueWrite(ctx, func(tx *sql.Tx) error {
		ids, err := sessionLecturerIDs(ctx, tx, who)
		if err != nil {
			return err
		}
		if id, err = insertSession(ctx, tx, ps, ids); err != nil {
			return err
		}
		return placeSession(ctx, tx, ps.EditionID, id)
	})
	if err != nil {
		return 0, fmt.Errorf("db: create session: %w", err)
	}
	return id, nil
}

// UpdateSession changes a session and its lecturers; a session moved to another day or time
// takes its place in time order there.
func (s *Store) UpdateSession(ctx context.Context, ps school.Session, who SessionLecturers) error {
	err := s.catalogueWrite(ctx, func(tx *sql.Tx) error {
		var day, starts string
		err := tx.QueryRowContext(ctx, `SELECT day, starts_at FROM programme_sessions
			WHERE id = ? AND edition_id = ?`, ps.ID, ps.EditionID).Scan(&day, &starts)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		ids, err := sessionLecturerIDs(ctx, tx, who)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE programme_sessions SET day = ?, starts_at = ?,
			ends_at = ?, kind = ?, title_en = ?, title_cs = ?, room = ?, room_cs = ?, description_en = ?,
			description_cs = ? WHERE id = ?`,
			formatDate(ps.Day), ps.StartsAt, ps.EndsAt, ps.Kind, ps.TitleEN, ps.TitleCS, ps.Room,
			ps.RoomCS, ps.DescriptionEN, ps.DescriptionCS, ps.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM session_lecturers WHERE session_id = ?`, ps.ID); err != nil {
			return err
		}
		for i, lid := range ids {
			if _, err := tx.ExecContext(ctx, `INSERT INTO session_lecturers (session_id, lecturer_id,
				position) VALUES (?, ?, ?)`, ps.ID, lid, i); err != nil {
				return err
			}
		}
		if day == formatDate(ps.Day) && starts == ps.StartsAt {
			return nil
		}
		return placeSession(ctx, tx, ps.EditionID, ps.ID)
	})
	if err != nil {
		return fmt.Errorf("db: update session %d: %w", ps.ID, err)
	}
	return nil
}

// DeleteSession removes a session from an edition's programme.
func (s *Store) DeleteSession(ctx context.Context, editionID, id int64) error {
	err := s.catalogueWrite(ctx, func(tx *sql.Tx) error {
		return affectedOne(tx.ExecContext(ctx, `DELETE FROM programme_sessions WHERE id = ? AND edition_id = ?`, id, editionID))
	})
	if err != nil {
		return fmt.Errorf("db: delete session %d: %w", id, err)
	}
	return nil
}

// MoveSession swaps a session with the one before it in its day (up) or after it; at either
// end it stays.
func (s *Store) MoveSession(ctx context.Context, editionID, id int64, up bool) error {
	err := s.catalogueWrite(ctx, func(tx *sql.Tx) error {
		var day string
		err := tx.QueryRowContext(ctx, `SELECT day FROM programme_sessions WHERE id = ? AND edition_id = ?`,
			id, editionID).Scan(&day)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		order, err := dayOrder(ctx, tx, editionID, day)
		if err != nil {
			return err
		}
		return writeOrder(ctx, tx, `UPDATE programme_sessions SET position = ? WHERE id = ?`, swapped(order, id, up))
	})
	if err != nil {
		return fmt.Errorf("db: move session %d: %w", id, err)
	}
	return nil
}

// placeSession puts a session after the last one of its day that starts no later, numbering the
// day's sessions afresh; the order of the others is kept.
func placeSession(ctx context.Context, tx *sql.Tx, editionID, id int64) error {
	var day, starts string
	if err := tx.QueryRowContext(ctx, `SELECT day, starts_at FROM programme_sessions WHERE id = ?`, id).
		Scan(&day, &starts); err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, starts_at FROM programme_sessions
		WHERE edition_id = ? AND day = ? AND id <> ? ORDER BY position, starts_at, id`, editionID, day, id)
	if err != nil {
		return err
	}
	defer rows.Close()
	var order []int64
	at := 0
	for rows.Next() {
		var other int64
		var otherStarts string
		if err := rows.Scan(&other, &otherStarts); err != nil {
			return err
		}
		order = append(order, other)
		if otherStarts <= starts {
			at = len(order)
		}
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return err
	}
	order = append(order[:at], append([]int64{id}, order[at:]...)...)
	return writeOrder(ctx, tx, `UPDATE programme_sessions SET position = ? WHERE id = ?`, order)
}

// dayOrder lists the ids of a day's sessions in programme order.
func dayOrder(ctx context.Context, tx *sql.Tx, editionID int64, day string) ([]int64, error) {
	return queryIDs(ctx, tx, `SELECT id FROM programme_sessions WHERE edition_id = ? AND day = ?
		ORDER BY position, starts_at, id`, editionID, day)
}

// swapped is order with id moved one place up or down.
func swapped(order []int64, id int64, up bool) []int64 {
	for i, v := range order {
		if v != id {
			continue
		}
		j := i + 1
		if up {
			j = i - 1
		}
		if j >= 0 && j < len(order) {
			order[i], order[j] = order[j], order[i]
		}
		break
	}
	return order
}

// writeOrder numbers the rows in order with update, which takes the position and the id.
func writeOrder(ctx context.Context, tx *sql.Tx, update string, order []int64) error {
	for i, id := range order {
		if _, err := tx.ExecContext(ctx, update, i, id); err != nil {
			return err
		}
	}
	return nil
}

// sessionLecturerIDs checks the chosen lecturers exist and adds the new ones to the list.
func sessionLecturerIDs(ctx context.Context, tx *sql.Tx, who SessionLecturers) ([]int64, error) {
	var ids []int64
	for _, id := range who.IDs {
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM lecturers WHERE id = ?`, id).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotFound
		}
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	for _, l := range who.New {
		slug, err := freeLecturerSlug(ctx, tx, l.Name)
		if err != nil {
			return nil, err
		}
		l.Slug = slug
		id, err := insertLecturer(ctx, tx, l)
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}
