package db

import (
	"context"
	"fmt"
	"time"

	"registrar/app/school"
)

// Alumni are the participants who attended an edition that has ended, whose data is still held.
// The directory lists by name only those of them who agreed to it.
const alumniWhere = ` a.status = 'attended' AND a.erased_at IS NULL
	AND a.edition_id IN (SELECT e.id FROM editions e WHERE` + publicEditions + ` AND e.ends_on < ?)`

// listedAlumni is the condition for alumni who agreed to be listed in the directory.
const listedAlumni = ` AND EXISTS (SELECT 1 FROM consents c WHERE c.application_id = a.id
	AND c.kind = 'alumni_directory' AND c.granted = 1)`

// Alumnus is what the alumni directory shows of a person: never their email.
type Alumnus struct {
	GivenName   string
	FamilyName  string
	Nationality string
	Institution string
}

// Name is the alumnus' full name.
func (a Alumnus) Name() string { return a.GivenName + " " + a.FamilyName }

// EditionAlumni lists an ended edition's alumni who agreed to be listed, by family name, and
// counts all its alumni.
func (s *Store) EditionAlumni(ctx context.Context, editionID int64, today time.Time) ([]Alumnus, int, error) {
	var total int
	if err := s.reader.QueryRowContext(ctx, `SELECT COUNT(*) FROM applications a
		WHERE a.edition_id = ? AND`+alumniWhere, editionID, formatDate(today)).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("db: edition alumni: %w", err)
	}
	rows, err := s.reader.QueryContext(ctx, `SELECT a.given_name, a.family_name, a.nationality,
		a.institution FROM applications a WHERE a.edition_id = ? AND`+alumniWhere+listedAlumni+`
		ORDER BY a.family_name COLLATE NOCASE, a.given_name COLLATE NOCASE, a.id`, editionID, formatDate(today))
	if err != nil {
		return nil, 0, fmt.Errorf("db: edition alumni: %w", err)
	}
	defer rows.Close()
	var list []Alumnus
	for rows.Next() {
		var a Alumnus
		if err := rows.Scan(&a.GivenName, &a.FamilyName, &a.Nationality, &a.Institution); err != nil {
			return nil, 0, fmt.Errorf("db: edition alumni: %w", err)
		}
		list = append(list, a)
	}
	return list, total, rows.Err()
}

// EditionAlumniCount is how many alumni of an edition the directory lists: none before it ends.
func (s *Store) EditionAlumniCount(ctx context.Context, editionID int64, today time.Time) (int, error) {
	var n int
	err := s.reader.QueryRowContext(ctx, `SELECT COUNT(*) FROM applications a
		WHERE a.edition_id = ? AND`+alumniWhere+listedAlumni, editionID, formatDate(today)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("db: edition alumni: %w", err)
	}
	return n, nil
}

// EditionParticipants counts those who attended an edition, erased or not: the number a past
// edition's page gives, whoever the directory lists.
func (s *Store) EditionParticipants(ctx context.Context, editionID int64) (int, error) {
	var n int
	err := s.reader.QueryRowContext(ctx, `SELECT COUNT(*) FROM applications
		WHERE edition_id = ? AND status = 'attended'`, editionID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("db: edition participants: %w", err)
	}
	return n, nil
}

// AlumniEdition is an ended edition with its alumni: all of them, and those listed by name.
type AlumniEdition struct {
	Edition school.Edition
	Alumni  int
	Listed  int
}

// AlumniByEdition lists the ended public editions that have alumni, newest first.
func (s *Store) AlumniByEdition(ctx context.Context, today time.Time) ([]AlumniEdition, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT a.edition_id, COUNT(*),
		COUNT(*) FILTER (WHERE EXISTS (SELECT 1 FROM consents c WHERE c.application_id = a.id
			AND c.kind = 'alumni_directory' AND c.granted = 1))
		FROM applications a WHERE`+alumniWhere+` GROUP BY a.edition_id`, formatDate(today))
	if err != nil {
		return nil, fmt.Errorf("db: alumni by edition: %w", err)
	}
	counts := map[int64][2]int{}
	for rows.Next() {
		var id int64
		var all, listed int
		if err := rows.Scan(&id, &all, &listed); err != nil {
			rows.Close()
			return nil, fmt.Errorf("db: alumni by edition: %w", err)
		}
		counts[id] = [2]int{all, listed}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("db: alumni by edition: %w", err)
	}
	past, err := s.PastEditions(ctx, today, 0)
	if err != nil {
		return nil, err
	}
	var out []AlumniEdition
	for _, e := range past {
		if n, ok := counts[e.ID]; ok {
			out = append(out, AlumniEdition{Edition: e, Alumni: n[0], Listed: n[1]})
		}
	}
	return out, nil
}

// AlumniByCountry counts all alumni by nationality, the most first.
func (s *Store) AlumniByCountry(ctx context.Context, today time.Time) ([]Count, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT a.nationality, COUNT(*) FROM applications a
		WHERE`+alumniWhere+` GROUP BY a.nationality ORDER BY COUNT(*) DESC, a.nationality`, formatDate(today))
	if err != nil {
		return nil, fmt.Errorf("db: alumni by country: %w", err)
	}
	defer rows.Close()
	var counts []Count
	for rows.Next() {
		var c Count
		if err := rows.Scan(&c.Key, &c.N); err != nil {
			return nil, fmt.Errorf("db: alumni by country: %w", err)
		}
		counts = append(counts, c)
	}
	return counts, rows.Err()
}
