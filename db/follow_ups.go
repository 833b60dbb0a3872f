package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"registrar/app/school"
)

// Follow-up questions live in the questions table with stage 'follow_up'; their answers in
// follow_up_answers, apart from the application's answers, which reviewers read.

const followUpColumns = `q.id, q.edition_id, q.kind, q.label_en, q.label_cs, q.options_en, q.options_cs,
	q.required, q.retired, q.purpose, q.only_with_visa`

func scanFollowUpQuestion(sc scanner, extra ...any) (school.FollowUpQuestion, error) {
	var q school.FollowUpQuestion
	var optEN, optCS, purpose string
	err := sc.Scan(append([]any{&q.ID, &q.EditionID, &q.Kind, &q.LabelEN, &q.LabelCS, &optEN, &optCS,
		&q.Required, &q.Retired, &purpose, &q.OnlyWithVisa}, extra...)...)
	q.OptionsEN, q.OptionsCS, q.Purpose = splitLines(optEN), splitLines(optCS), school.Purpose(purpose)
	return q, err
}

// FollowUpQuestions lists the follow-up questions an edition asks now, in order.
func (s *Store) FollowUpQuestions(ctx context.Context, editionID int64) ([]school.FollowUpQuestion, error) {
	qs, _, err := s.followUpQuestions(ctx, editionID, false)
	return qs, err
}

// AllFollowUpQuestions lists an edition's follow-up questions, retired ones last, with how many
// applicants answered each.
func (s *Store) AllFollowUpQuestions(ctx context.Context, editionID int64) ([]school.FollowUpQuestion, map[int64]int, error) {
	return s.followUpQuestions(ctx, editionID, true)
}

func (s *Store) followUpQuestions(ctx context.Context, editionID int64, retired bool) ([]school.FollowUpQuestion, map[int64]int, error) {
	cond := ` AND q.retired = 0`
	if retired {
		cond = ``
	}
	rows, err := s.reader.QueryContext(ctx, `SELECT `+followUpColumns+`,
		(SELECT COUNT(*) FROM follow_up_answers f WHERE f.question_id = q.id)
		FROM questions q WHERE q.edition_id = ? AND q.stage = 'follow_up'`+cond+`
		ORDER BY q.retired, q.position, q.id`, editionID)
	if err != nil {
		return nil, nil, fmt.Errorf("db: follow-up questions: %w", err)
	}
	defer rows.Close()
	var qs []school.FollowUpQuestion
	answered := map[int64]int{}
	for rows.Next() {
		var n int
		q, err := scanFollowUpQuestion(rows, &n)
		if err != nil {
			return nil, nil, fmt.Errorf("db: follow-up questions: %w", err)
		}
		answered[q.ID] = n
		qs = append(qs, q)
	}
	return qs, answered, rows.Err()
}

func insertFollowUpQuestion(ctx context.Context, tx *sql.Tx, q school.FollowUpQuestion) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO questions (edition_id, position, kind, label_en,
		label_cs, options_en, options_cs, required, stage, purpose, only_with_visa)
		VALUES (?, (SELECT COALESCE(MAX(position), 0) + 1 FROM questions WHERE edition_id = ?),
		        ?, ?, ?, ?, ?, ?, 'follow_up', ?, ?)`,
		q.EditionID, q.EditionID, q.Kind, q.LabelEN, q.LabelCS, strings.Join(q.OptionsEN, "\n"),
		strings.Join(q.OptionsCS, "\n"), q.Required, q.Purpose, q.OnlyWithVisa)
	return err
}

// AddFollowUpQuestion adds a follow-up question at the end of the edition's list.
func (s *Store) AddFollowUpQuestion(ctx context.Context, q school.FollowUpQuestion) error {
	return s.write(ctx, "add follow-up question", func(tx *sql.Tx) error {
		return insertFollowUpQuestion(ctx, tx, q)
	})
}

// UpdateFollowUpQuestion rewords a follow-up question; its kind changes only while nobody has
// answered it (ErrInUse otherwise).
func (s *Store) UpdateFollowUpQuestion(ctx context.Context, q school.FollowUpQuestion) error {
	return s.write(ctx, "update follow-up question", func(tx *sql.Tx) error {
		changed, err := exists(ctx, tx, `SELECT 1 FROM questions q WHERE q.id = ? AND q.kind <> ?
			AND EXISTS (SELECT 1 FROM follow_up_answers f WHERE f.question_id = q.id)`, q.ID, q.Kind)
		if err != nil {
			return err
		}
		if changed {
			return ErrInUse
		}
		return affectedOne(tx.ExecContext(ctx, `UPDATE questions SET kind = ?, label_en = ?, label_cs = ?,
			options_en = ?, options_cs = ?, required = ?, purpose = ?, only_with_visa = ?
			WHERE id = ? AND edition_id = ? AND stage = 'follow_up'`,
			q.Kind, q.LabelEN, q.LabelCS, strings.Join(q.OptionsEN, "\n"), strings.Join(q.OptionsCS, "\n"),
			q.Required, q.Purpose, q.OnlyWithVisa, q.ID, q.EditionID))
	})
}

// RemoveFollowUpQuestion deletes a follow-up question nobody answered, else retires it so that
// the answers stay readable; it reports whether it was retired.
func (s *Store) RemoveFollowUpQuestion(ctx context.Context, editionID, id int64) (retired bool, err error) {
	err = s.write(ctx, "remove follow-up question", func(tx *sql.Tx) error {
		if retired, err = exists(ctx, tx, `SELECT 1 FROM follow_up_answers WHERE question_id = ? LIMIT 1`, id); err != nil {
			return err
		}
		if retired {
			return affectedOne(tx.ExecContext(ctx, `UPDATE questions SET retired = 1
				WHERE id = ? AND edition_id = ? AND stage = 'follow_up'`, id, editionID))
		}
		return affectedOne(tx.ExecContext(ctx, `DELETE FROM questions
			WHERE id = ? AND edition_id = ? AND stage = 'follow_up'`, id, editionID))
	})
	return retired, err
}

// AddDefaultFollowUps adds the usual follow-up questions to an edition: the passport's details
// (asked only of those who want a visa letter), travel, accommodation, an emergency contact.
func (s *Store) AddDefaultFollowUps(ctx context.Context, editionID int64) error {
	return s.write(ctx, "add default follow-ups", func(tx *sql.Tx) error {
		return insertDefaultFollowUps(ctx, tx, editionID)
	})
}

func insertDefaultFollowUps(ctx context.Context, tx *sql.Tx, editionID int64) error {
	q := func(p school.Purpose, kind school.QuestionKind, en, cs string, visa bool) school.FollowUpQuestion {
		return school.FollowUpQuestion{Question: school.Question{EditionID: editionID, Kind: kind, LabelEN: en,
			LabelCS: cs, Required: true}, Purpose: p, OnlyWithVisa: visa}
	}
	for _, fq := range []school.FollowUpQuestion{
		q(school.PurposePassportName, school.QuestionText, "Name as in your passport", "Jméno jako v pasu", true),
		q(school.PurposePassportNumber, school.QuestionText, "Passport number", "Číslo pasu", true),
		q(school.PurposePassportCountry, school.QuestionText, "Country that issued your passport", "Stát, který pas vydal", true),
		q(school.PurposePassportExpiry, school.QuestionText, "Passport valid until", "Platnost pasu do", true),
		q(school.PurposeArrival, school.QuestionText, "Day of arrival", "Den příjezdu", false),
		q(school.PurposeDeparture, school.QuestionText, "Day of departure", "Den odjezdu", false),
		q(school.PurposeAccommodation, school.QuestionLongText, "Accommodation needs", "Požadavky na ubytování", false),
		q(school.PurposeEmergencyContact, school.QuestionText, "Emergency contact (name and phone)",
			"Kontakt pro případ nouze (jméno a telefon)", false),
	} {
		if fq.Purpose == school.PurposeAccommodation {
			fq.Required = false
		}
		if err := insertFollowUpQuestion(ctx, tx, fq); err != nil {
			return err
		}
	}
	return nil
}

// FollowUpSettings reads an edition's follow-up deadline and passport keeping.
func (s *Store) FollowUpSettings(ctx context.Context, editionID int64) (school.FollowUpSettings, error) {
	st := school.FollowUpSettings{PassportKeptDays: school.DefaultPassportKeptDays}
	var deadline sql.NullString
	err := s.reader.QueryRowContext(ctx, `SELECT deadline, passport_kept_days FROM follow_up_settings
		WHERE edition_id = ?`, editionID).Scan(&deadline, &st.PassportKeptDays)
	if errors.Is(err, sql.ErrNoRows) {
		return st, nil
	}
	if err != nil {
		return st, fmt.Errorf("db: follow-up settings: %w", err)
	}
	st.Deadline, err = parseInstant(deadline)
	return st, err
}

// SetFollowUpSettings stores an edition's follow-up deadline and passport keeping.
func (s *Store) SetFollowUpSettings(ctx context.Context, editionID int64, st school.FollowUpSettings) error {
	return s.write(ctx, "follow-up settings", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO follow_up_settings (edition_id, deadline, passport_kept_days)
			VALUES (?, ?, ?) ON CONFLICT (edition_id) DO UPDATE SET deadline = excluded.deadline,
			passport_kept_days = excluded.passport_kept_days`,
			editionID, formatInstant(st.Deadline), st.PassportKeptDays)
		return err
	})
}

// FollowUpAnswers are an application's follow-up answers, by question.
func (s *Store) FollowUpAnswers(ctx context.Context, applicationID int64) (map[int64]string, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT question_id, value FROM follow_up_answers
		WHERE application_id = ?`, applicationID)
	if err != nil {
		return nil, fmt.Errorf("db: follow-up answers: %w", err)
	}
	defer rows.Close()
	answers := map[int64]string{}
	for rows.Next() {
		var id int64
		var v string
		if err := rows.Scan(&id, &v); err != nil {
			return nil, fmt.Errorf("db: follow-up answers: %w", err)
		}
		answers[id] = v
	}
	return answers, rows.Err()
}

// SaveFollowUpAnswers stores the applicant's answers to the questions given, an empty answer
// removing the one stored, and notes it in the application's history.
func (s *Store) SaveFollowUpAnswers(ctx context.Context, applicationID int64, answers map[int64]string, now time.Time) error {
	return s.write(ctx, "save follow-up answers", func(tx *sql.Tx) error {
		if err := storeFollowUpAnswers(ctx, tx, applicationID, answers, now); err != nil {
			return err
		}
		return writeAudit(ctx, tx, AuditEntry{At: now, Actor: ActorApplicant, Action: "follow_ups_answered",
			Entity: "application", EntityID: applicationID})
	})
}

func storeFollowUpAnswers(ctx context.Context, tx *sql.Tx, applicationID int64, answers map[int64]string, now time.Time) error {
	for id, v := range answers {
		var err error
		if v == "" {
			_, err = tx.ExecContext(ctx, `DELETE FROM follow_up_answers WHERE application_id = ? AND question_id = ?`,
				applicationID, id)
		} else {
			_, err = tx.ExecContext(ctx, `INSERT INTO follow_up_answers (application_id, question_id, value, answered_at)
				VALUES (?, ?, ?, ?) ON CONFLICT (application_id, question_id) DO UPDATE SET
				value = excluded.value, answered_at = excluded.answered_at`,
				applicationID, id, v, formatInstant(now))
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// FollowUpCorrection is an organiser's correction of an application's follow-up answers.
type FollowUpCorrection struct {
	Application school.Application
	Answers     map[int64]string // the answers changed; "" removes one
	// Note names the questions changed, for the history (school.CorrectionNote): their labels,
	// never the answers, which may be a passport number.
	Note string
	// Reissue: the passport's name or number the visa letter prints changed.
	Reissue bool
	Actor   string
	Now     time.Time
	Render  Renderer
}

// CorrectFollowUpAnswers stores an organiser's correction of the follow-up answers with its
// history entry and, when the passport's lines of a visa letter already made changed, replaces
// the letter: the old one is revoked as replaced (its code says so on /verify), a new one gets a
// fresh code, and the applicant is emailed. It reports whether the letter was re-issued.
func (s *Store) CorrectFollowUpAnswers(ctx context.Context, c FollowUpCorrection) (bool, error) {
	var reissued bool
	a := c.Application
	err := s.write(ctx, "correct follow-up answers", func(tx *sql.Tx) error {
		if err := storeFollowUpAnswers(ctx, tx, a.ID, c.Answers, c.Now); err != nil {
			return err
		}
		if err := writeAudit(ctx, tx, AuditEntry{At: c.Now, Actor: c.Actor, Action: "follow_ups_corrected",
			Entity: "application", EntityID: a.ID, Detail: c.Note}); err != nil {
			return err
		}
		if !c.Reissue {
			return nil
		}
		// Only a letter that stands: one withdrawn with the place stays withdrawn.
		res, err := tx.ExecContext(ctx, `UPDATE issued_documents SET revoked_at = ?, replaced_at = ?
			WHERE application_id = ? AND kind = 'visa_letter' AND replaced_at IS NULL AND revoked_at IS NULL`,
			formatInstant(c.Now), formatInstant(c.Now), a.ID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		if err := writeAudit(ctx, tx, AuditEntry{At: c.Now, Actor: c.Actor, Action: "visa_letter_replaced",
			Entity: "application", EntityID: a.ID}); err != nil {
			return err
		}
		if reissued, err = issueDocument(ctx, tx, a, school.DocumentVisaLetter, c.Actor, c.Now); err != nil {
			return err
		}
		return queueFor(ctx, tx, c.Now, a, "visa_letter_corrected", c.Render)
	})
	return reissued, err
}

// outstandingCondition holds for an application (a) that holds a place and has a required
// follow-up question asked of it unanswered.
const outstandingCondition = `a.status IN ('accepted', 'confirmed') AND COALESCE(a.erased_at, '') = ''
	AND EXISTS (SELECT 1 FROM questions q WHERE q.edition_id = a.edition_id AND q.stage = 'follow_up'
		AND q.retired = 0 AND q.required = 1 AND (q.only_with_visa = 0 OR a.visa_letter = 1)
		AND NOT EXISTS (SELECT 1 FROM follow_up_answers f WHERE f.application_id = a.id AND f.question_id = q.id))`

// FollowUpsOutstanding counts the edition's applicants holding a place who still owe a
// required follow-up answer.
func (s *Store) FollowUpsOutstanding(ctx context.Context, editionID int64) (int, error) {
	var n int
	err := s.reader.QueryRowContext(ctx, `SELECT count(*) FROM applications a
		WHERE a.edition_id = ? AND `+outstandingCondition, editionID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("db: follow-ups outstanding: %w", err)
	}
	return n, nil
}

// Logistics is one participant's line of the logistics list: who, and their follow-up answers.
type Logistics struct {
	Application school.Application
	Answers     map[int64]string
}

// LogisticsList lists the edition's applicants holding a place (accepted, confirmed, attended)
// with their follow-up answers, by family name.
func (s *Store) LogisticsList(ctx context.Context, editionID int64) ([]Logistics, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT a.id, a.reference, a.status, a.given_name, a.family_name,
		a.email, a.dietary, a.accessibility, a.visa_letter
		FROM applications a WHERE a.edition_id = ? AND a.status IN ('accepted', 'confirmed', 'attended')
		AND COALESCE(a.erased_at, '') = '' ORDER BY a.family_name, a.given_name, a.id`, editionID)
	if err != nil {
		return nil, fmt.Errorf("db: logistics: %w", err)
	}
	var list []Logistics
	for rows.Next() {
		var a school.Application
		if err := rows.Scan(&a.ID, &a.Reference, &a.Status, &a.GivenName, &a.FamilyName, &a.Email,
			&a.Dietary, &a.Accessibility, &a.VisaLetter); err != nil {
			rows.Close()
			return nil, fmt.Errorf("db: logistics: %w", err)
		}
		list = append(list, Logistics{Application: a})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("db: logistics: %w", err)
	}
	for i := range list {
		if list[i].Answers, err = s.FollowUpAnswers(ctx, list[i].Application.ID); err != nil {
			return nil, err
		}
	}
	return list, nil
}

// FollowUpsToRemind lists the applications owing follow-up answers whose edition's deadline is
// less than school.FollowUpReminderLead away and who were not reminded yet.
func (s *Store) FollowUpsToRemind(ctx context.Context, now time.Time) ([]int64, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT a.id FROM applications a
		JOIN follow_up_settings st ON st.edition_id = a.edition_id
		WHERE st.deadline IS NOT NULL AND st.deadline <= ? AND st.deadline > ?
		AND NOT EXISTS (SELECT 1 FROM follow_up_reminders r WHERE r.application_id = a.id)
		AND `+outstandingCondition+` ORDER BY a.id`,
		formatInstant(now.Add(school.FollowUpReminderLead)), formatInstant(now.Add(-time.Minute)))
	if err != nil {
		return nil, fmt.Errorf("db: follow-ups to remind: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("db: follow-ups to remind: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// RemindFollowUps queues the follow-up reminder of an application and records it, in one
// transaction, so nobody is reminded twice.
func (s *Store) RemindFollowUps(ctx context.Context, id int64, now time.Time, render Renderer) error {
	return s.write(ctx, fmt.Sprintf("remind follow-ups %d", id), func(tx *sql.Tx) error {
		a, err := scanApplication(tx.QueryRowContext(ctx,
			`SELECT `+applicationColumns+applicationFrom+` WHERE a.id = ?`, id))
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO follow_up_reminders (application_id, reminded_at)
			VALUES (?, ?)`, id, formatInstant(now))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		return queueFor(ctx, tx, now, a, "follow_up_reminder", render)
	})
}

// ErasePassportDetails erases the passport details given as follow-up answers in every edition
// whose participants' keeping time (school.PassportErasureDue) is over, and says how many
// answers went. Each application's erasure is journalled (reference only) and the edition's
// history counts the participants.
func (s *Store) ErasePassportDetails(ctx context.Context, now time.Time) (int64, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT e.id, e.ends_on, COALESCE(st.passport_kept_days, ?)
		FROM editions e LEFT JOIN follow_up_settings st ON st.edition_id = e.id
		WHERE EXISTS (SELECT 1 FROM follow_up_answers f JOIN questions q ON q.id = f.question_id
			WHERE q.edition_id = e.id AND q.purpose LIKE 'passport\_%' ESCAPE '\')`, school.DefaultPassportKeptDays)
	if err != nil {
		return 0, fmt.Errorf("db: passport erasure: %w", err)
	}
	var due []int64
	for rows.Next() {
		var id int64
		var endsOn string
		var days int
		if err := rows.Scan(&id, &endsOn, &days); err != nil {
			rows.Close()
			return 0, fmt.Errorf("db: passport erasure: %w", err)
		}
		ends, _ := parseOptionalDate(endsOn)
		if school.PassportErasureDue(ends, days, now) {
			due = append(due, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("db: passport erasure: %w", err)
	}
	var erased int64
	for _, id := range due {
		err := s.write(ctx, "erase passport details", func(tx *sql.Tx) error {
			// Journalled like whole erasures, by id and reference, so that a restored backup
			// loses them again (reapplyErasures).
			journalled, err := tx.ExecContext(ctx, `INSERT INTO erasures (application_id, reference, erased_at, what)
				SELECT a.id, a.reference, ?, ? FROM applications a WHERE EXISTS (SELECT 1 FROM follow_up_answers f
					WHERE f.application_id = a.id AND `+passportAnswers+`) AND a.edition_id = ? ORDER BY a.id`,
				formatInstant(now), ErasedPassport, id)
			if err != nil {
				return err
			}
			participants, err := journalled.RowsAffected()
			if err != nil {
				return err
			}
			res, err := tx.ExecContext(ctx, `DELETE FROM follow_up_answers WHERE question_id IN
				(SELECT id FROM questions WHERE edition_id = ? AND purpose LIKE 'passport\_%' ESCAPE '\')`, id)
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			erased += n
			if err != nil {
				return err
			}
			return writeAudit(ctx, tx, AuditEntry{At: now, Actor: ActorSystem, Action: "passport_details_erased",
				Entity: "edition", EntityID: id, Detail: fmt.Sprint(participants)})
		})
		if err != nil {
			return erased, err
		}
	}
	return erased, nil
}
