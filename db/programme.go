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
		       ps.title_cs, ps.room, ps.description_en, ps.description_cs,
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
			&ps.TitleEN, &ps.TitleCS, &ps.Room, &ps.DescriptionEN, &ps.DescriptionCS,
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
		ends_at, kind, title_en, title_cs, room, description_en, description_cs)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		ps.EditionID, formatDate(ps.Day), ps.StartsAt, ps.EndsAt, ps.Kind, ps.TitleEN, ps.TitleCS,
		ps.Room, ps.DescriptionEN, ps.DescriptionCS)
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

// publicLecturer is the condition for lecturers the public may see: those who teach in a
// published or archived edition. One added to a draft's programme stays unknown until then.
const publicLecturer = ` EXISTS (SELECT 1 FROM session_lecturers sl
	JOIN programme_sessions ps ON ps.id = sl.session_id JOIN editions e ON e.id = ps.edition_id
	WHERE sl.lecturer_id = lecturers.id AND e.status IN ('published', 'archived'))`

// Lecturer is the lecturer with the given slug, when the public may see them.
func (s *Store) Lecturer(ctx context.Context, slug string) (school.Lecturer, error) {
	var l school.Lecturer
	err := s.reader.QueryRowContext(ctx, `SELECT id, slug, name, affiliation, bio_en, bio_cs
		FROM lecturers WHERE slug = ? AND`+publicLecturer, slug).
		Scan(&l.ID, &l.Slug, &l.Name, &l.Affiliation, &l.BioEN, &l.BioCS)
	if errors.Is(err, sql.ErrNoRows) {
		return l, ErrNotFound
	}
	if err != nil {
		return l, fmt.Errorf("db: lecturer %q: %w", slug, err)
	}
	return l, nil
}

func insertLecturer(ctx context.Context, tx *sql.Tx, l school.Lecturer) (int64, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO lecturers (slug, name, affiliation, bio_en, bio_cs)
		VALUES (?, ?, ?, ?, ?)`, l.Slug, l.Name, l.Affiliation, l.BioEN, l.BioCS)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// SessionsByLecturer lists what a lecturer taught in public editions, the most recent first.
func (s *Store) SessionsByLecturer(ctx context.Context, lecturerID int64) ([]school.TaughtSession, error) {
	rows, err := s.reader.QueryContext(ctx, `
		SELECT ps.id, ps.day, ps.starts_at, ps.ends_at, ps.kind, ps.title_en, ps.title_cs,
		       e.slug, e.title_en, e.title_cs, e.year
		FROM session_lecturers sl
		JOIN programme_sessions ps ON ps.id = sl.session_id
		JOIN editions e ON e.id = ps.edition_id
		WHERE sl.lecturer_id = ? AND`+publicEditions+`
		ORDER BY ps.day DESC, ps.starts_at`, lecturerID)
	if err != nil {
		return nil, fmt.Errorf("db: sessions by lecturer: %w", err)
	}
	defer rows.Close()
	var taught []school.TaughtSession
	for rows.Next() {
		var t school.TaughtSession
		var day string
		if err := rows.Scan(&t.ID, &day, &t.StartsAt, &t.EndsAt, &t.Kind, &t.TitleEN, &t.TitleCS,
			&t.EditionSlug, &t.EditionTitleEN, &t.EditionTitleCS, &t.EditionYear); err != nil {
			return nil, fmt.Errorf("db: sessions by lecturer: %w", err)
		}
		if t.Day, err = parseDate(day); err != nil {
			return nil, err
		}
		taught = append(taught, t)
	}
	return taught, rows.Err()
}

// PublicDocuments lists an edition's public documents in their order.
func (s *Store) PublicDocuments(ctx context.Context, editionID int64) ([]school.Document, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT id, edition_id, title_en, title_cs, kind, url,
		file_name, public FROM documents WHERE edition_id = ? AND public = 1
		ORDER BY position, id`, editionID)
	if err != nil {
		return nil, fmt.Errorf("db: documents: %w", err)
	}
	defer rows.Close()
	var docs []school.Document
	for rows.Next() {
		var d school.Document
		if err := rows.Scan(&d.ID, &d.EditionID, &d.TitleEN, &d.TitleCS, &d.Kind, &d.URL,
			&d.FileName, &d.Public); err != nil {
			return nil, fmt.Errorf("db: documents: %w", err)
		}
		docs = append(docs, d)
	}
	return docs, rows.Err()
}

func insertDocument(ctx context.Context, tx *sql.Tx, d school.Document) (int64, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO documents (edition_id, title_en, title_cs, kind,
		url, file_name, public) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		d.EditionID, d.TitleEN, d.TitleCS, d.Kind, d.URL, d.FileName, d.Public)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}
