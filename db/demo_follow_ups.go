package db

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"registrar/app/school"
)

// demoFollowUpDeadlineDays is how long before the demo summer school starts its follow-up
// answers are due.
const demoFollowUpDeadlineDays = 14

// insertDemoFollowUps gives the demo's coming summer school the usual follow-up questions and a
// deadline two weeks before it starts, at 23:59 Prague time.
func insertDemoFollowUps(ctx context.Context, tx *sql.Tx, now time.Time) error {
	var id int64
	var startsOn string
	err := tx.QueryRowContext(ctx, `SELECT e.id, e.starts_on FROM editions e JOIN series s ON s.id = e.series_id
		WHERE s.slug = 'summer-school' AND e.admission = 'selection' AND e.status = 'published' AND e.starts_on > ?
		ORDER BY e.starts_on LIMIT 1`, formatDate(now)).Scan(&id, &startsOn)
	if err != nil {
		return fmt.Errorf("the coming summer school: %w", err)
	}
	if err := insertDefaultFollowUps(ctx, tx, id); err != nil {
		return err
	}
	start, err := parseDate(startsOn)
	if err != nil {
		return err
	}
	y, m, d := start.AddDate(0, 0, -demoFollowUpDeadlineDays).Date()
	deadline := time.Date(y, m, d, 23, 59, 0, 0, school.Prague)
	_, err = tx.ExecContext(ctx, `INSERT INTO follow_up_settings (edition_id, deadline, passport_kept_days)
		VALUES (?, ?, ?)`, id, formatInstant(deadline), school.DefaultPassportKeptDays)
	return err
}

// demoPlaces are the demo applicants offered a place: who they are (an offset among the summer
// school's applications still submitted when their turn comes), whether they confirmed it, want a visa letter, and their answers.
var demoPlaces = []struct {
	offset    int
	confirmed bool
	visa      bool
	answers   map[school.Purpose]string
}{
	{offset: 10, confirmed: true, visa: true, answers: map[school.Purpose]string{
		school.PurposePassportName: "", school.PurposePassportNumber: "FE4471203", school.PurposePassportCountry: "Ukraine",
		school.PurposePassportExpiry: "2031-03-31", school.PurposeArrival: "+0", school.PurposeDeparture: "+6",
		school.PurposeAccommodation: "A quiet room, please.", school.PurposeEmergencyContact: "Iryna, +380 44 123 4567"}},
	{offset: 11, confirmed: true, answers: map[school.Purpose]string{
		school.PurposeArrival: "-1", school.PurposeDeparture: "+5", school.PurposeEmergencyContact: "Tomáš, +420 601 234 567"}},
	{offset: 12, confirmed: true, visa: true, answers: map[school.Purpose]string{
		school.PurposeArrival: "+0", school.PurposeDeparture: "+5"}},
	{offset: 13},
}

// loadDemoPlaces offers places to a few of the demo summer school's applicants, through the one
// transition and without emails, with their follow-up answers in: one has answered everything,
// one (without a visa letter) all asked of him, one is missing her passport, one has not begun.
func (s *Store) loadDemoPlaces(ctx context.Context, summerID int64, now time.Time) error {
	e, err := s.EditionByID(ctx, summerID)
	if err != nil {
		return err
	}
	questions, err := s.FollowUpQuestions(ctx, summerID)
	if err != nil {
		return err
	}
	for _, p := range demoPlaces {
		var id int64
		var given, family string
		if err := s.reader.QueryRowContext(ctx, `SELECT id, given_name, family_name FROM applications
			WHERE edition_id = ? AND status = 'submitted' ORDER BY id LIMIT 1 OFFSET ?`, summerID, p.offset).Scan(&id, &given, &family); err != nil {
			return err
		}
		// Who gave the passport's country is its citizen, so that the visa letter agrees.
		if err := s.write(ctx, "demo visa letter", func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE applications SET visa_letter = ?, passport_name = '',
				nationality = CASE WHEN ? <> '' THEN 'UA' ELSE nationality END WHERE id = ?`,
				p.visa, p.answers[school.PurposePassportCountry], id)
			return err
		}); err != nil {
			return err
		}
		if _, err := s.TransitionApplication(ctx, id, school.StatusAccepted, ActorSystem, now, nil); err != nil {
			return err
		}
		if p.confirmed {
			if _, err := s.TransitionApplication(ctx, id, school.StatusConfirmed, ActorApplicant, now, nil); err != nil {
				return err
			}
		}
		answers := map[int64]string{}
		for _, q := range questions {
			v, ok := p.answers[q.Purpose]
			switch {
			case !ok:
				continue
			case q.Purpose == school.PurposePassportName:
				v = strings.ToUpper(family + " " + given)
			case q.Purpose == school.PurposeArrival || q.Purpose == school.PurposeDeparture:
				var days int
				fmt.Sscan(v, &days)
				v = e.StartsOn.AddDate(0, 0, days).Format(time.DateOnly)
			}
			answers[q.ID] = v
		}
		if len(answers) > 0 {
			if err := s.SaveFollowUpAnswers(ctx, id, answers, now); err != nil {
				return err
			}
		}
	}
	return nil
}
