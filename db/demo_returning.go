package db

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"registrar/app/school"
)

// demoApplicants is how many applications LoadDemoApplicants gives the open summer school.
const demoApplicants = 60

// LoadDemoApplicants gives the demo's summer school, whose call is open at now, applications
// sent in the call's first three weeks, some of them reviewed, so that the back office has
// something to show. Three applicants came before: an alumna of 2019 writing from her old address
// in capitals, an alumnus of 2021 from a new address (found by name and date of birth), and one
// registered for the coming conference. The demo command loads them after LoadDemo; tests
// start from LoadDemo alone, whose upcoming editions have no applications.
func (s *Store) LoadDemoApplicants(ctx context.Context, now time.Time) error {
	var summerID int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		edition := func(series string, admission school.Admission) (school.Edition, error) {
			return scanEdition(tx.QueryRowContext(ctx, `SELECT `+editionColumns+editionFrom+`
				WHERE s.slug = ? AND e.admission = ? AND e.status = 'published' AND e.starts_on > ?
				ORDER BY e.starts_on LIMIT 1`, series, admission, formatDate(now)))
		}
		summer, err := edition("summer-school", school.AdmissionSelection)
		if err != nil {
			return fmt.Errorf("the open summer school: %w", err)
		}
		summerID = summer.ID
		conference, err := edition("conferences", school.AdmissionOpen)
		if err != nil {
			return fmt.Errorf("the coming conference: %w", err)
		}
		rubric, err := s.Rubric(ctx, summer.ID)
		if err != nil {
			return err
		}
		// Sent until ten days ago, reviewed since.
		sent := summer
		sent.ClosesAt = now.AddDate(0, 0, -10)
		if err := generateApplications(ctx, tx, sent, rubric, demoApplicants, rand.New(rand.NewPCG(uint64(summer.Year), 0xde40))); err != nil {
			return err
		}
		var first int64
		if err := tx.QueryRowContext(ctx, `SELECT MIN(id) FROM applications WHERE edition_id = ?`, summer.ID).Scan(&first); err != nil {
			return err
		}
		alumnus := func(slug string, n int) (int64, string, error) {
			var id int64
			var email string
			err := tx.QueryRowContext(ctx, `SELECT a.id, a.email FROM applications a JOIN editions e ON e.id = a.edition_id
				WHERE e.slug = ? AND a.status = 'attended' ORDER BY a.reference LIMIT 1 OFFSET ?`, slug, n).Scan(&id, &email)
			return id, email, err
		}
		// The alumna of 2019, from her old address in capitals.
		_, email, err := alumnus("summer-school-2019", 4)
		if err != nil {
			return fmt.Errorf("an alumna of 2019: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE applications SET email = ?, given_name = g, family_name = f,
			passport_name = upper(g || ' ' || f)
			FROM (SELECT given_name AS g, family_name AS f FROM applications WHERE email = ?)
			WHERE id = ?`, strings.ToUpper(email), email, first); err != nil {
			return err
		}
		// The alumnus of 2021, from a new address: his name and date of birth match.
		id2021, _, err := alumnus("summer-school-2021", 7)
		if err != nil {
			return fmt.Errorf("an alumnus of 2021: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE applications SET given_name = old.given_name,
			family_name = old.family_name, passport_name = upper(old.given_name || ' ' || old.family_name),
			email = lower(old.given_name || '.' || old.family_name) || '@new-address.example.org'
			FROM (SELECT given_name, family_name FROM applications WHERE id = ?) AS old WHERE id = ?`, id2021, first+1); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE applications SET date_of_birth =
			(SELECT date_of_birth FROM applications WHERE id = ?) WHERE id = ?`, first+1, id2021); err != nil {
			return err
		}
		// One registered for the conference, which comes first, with the same address.
		var last int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO reference_counters (year, last) VALUES (?, 1)
			ON CONFLICT (year) DO UPDATE SET last = last + 1 RETURNING last`, conference.Year).Scan(&last); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO applications (edition_id, reference, status, lang, email,
			given_name, family_name, date_of_birth, nationality, residence, gender, sector, institution,
			attendance_mode, submitted_at, updated_at)
			SELECT ?, ?, 'confirmed', lang, email, given_name, family_name, date_of_birth, nationality,
				residence, gender, sector, institution, 'in_person', ?, ?
			FROM applications WHERE id = ?`, conference.ID, school.Reference(conference.Year, last),
			formatInstant(now.AddDate(0, 0, -5)), formatInstant(now.AddDate(0, 0, -5)), first+2)
		return err
	})
	if err == nil {
		err = s.loadDemoPlaces(ctx, summerID, now)
	}
	if err != nil {
		return fmt.Errorf("db: demo applicants: %w", err)
	}
	return s.LoadDemoReferees(ctx, now)
}
