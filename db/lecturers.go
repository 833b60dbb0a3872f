package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"registrar/app/school"
)

// The programme editor's writes. Each one rebuilds the search index in its transaction and then
// moves the catalogue version on, so cached public pages show the change at once.

// freeLecturerSlug makes an address for a lecturer's page from their name: ASCII letters and
// digits joined by hyphens, with a number added when another lecturer has it.
func freeLecturerSlug(ctx context.Context, tx *sql.Tx, name string) (string, error) {
	base := school.Slugify(name)
	if base == "" {
		base = "lecturer"
	}
	for n := 1; ; n++ {
		slug := base
		if n > 1 {
			slug = base + "-" + strconv.Itoa(n)
		}
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM lecturers WHERE slug = ?`, slug).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return slug, nil
		}
		if err != nil {
			return "", err
		}
	}
}

// Lecturers lists every lecturer, by name.
func (s *Store) Lecturers(ctx context.Context) ([]school.Lecturer, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT id, slug, name, affiliation, bio_en, bio_cs
		FROM lecturers ORDER BY name COLLATE NOCASE, id`)
	if err != nil {
		return nil, fmt.Errorf("db: lecturers: %w", err)
	}
	defer rows.Close()
	var list []school.Lecturer
	for rows.Next() {
		var l school.Lecturer
		if err := rows.Scan(&l.ID, &l.Slug, &l.Name, &l.Affiliation, &l.BioEN, &l.BioCS); err != nil {
			return nil, fmt.Errorf("db: lecturers: %w", err)
		}
		list = append(list, l)
	}
	return list, rows.Err()
}

// LecturerByID is the lecturer with the given id.
func (s *Store) LecturerByID(ctx context.Context, id int64) (school.Lecturer, error) {
	var l school.Lecturer
	err := s.reader.QueryRowContext(ctx, `SELECT id, slug, name, affiliation, bio_en, bio_cs
		FROM lecturers WHERE id = ?`, id).
		Scan(&l.ID, &l.Slug, &l.Name, &l.Affiliation, &l.BioEN, &l.BioCS)
	if errors.Is(err, sql.ErrNoRows) {
		return l, ErrNotFound
	}
	if err != nil {
		return l, fmt.Errorf("db: lecturer %d: %w", id, err)
	}
	return l, nil
}

// UpdateLecturer changes a lecturer's name, affiliation and biography; the page's address stays,
// so links to it keep working.
func (s *Store) UpdateLecturer(ctx context.Context, l school.Lecturer) error {
	err := s.catalogueWrite(ctx, func(tx *sql.Tx) error {
		return affectedOne(tx.ExecContext(ctx, `UPDATE lecturers SET name = ?, affiliation = ?, bio_en = ?,
			bio_cs = ? WHERE id = ?`, l.Name, l.Affiliation, l.BioEN, l.BioCS, l.ID))
	})
	if err != nil {
		return fmt.Errorf("db: update lecturer %d: %w", l.ID, err)
	}
	return nil
}

// LecturerEditions lists the editions in whose programme the lecturer teaches.
func (s *Store) LecturerEditions(ctx context.Context, lecturerID int64) ([]int64, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT DISTINCT ps.edition_id FROM session_lecturers sl
		JOIN programme_sessions ps ON ps.id = sl.session_id WHERE sl.lecturer_id = ?`, lecturerID)
	if err != nil {
		return nil, fmt.Errorf("db: editions of lecturer %d: %w", lecturerID, err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("db: editions of lecturer %d: %w", lecturerID, err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
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
