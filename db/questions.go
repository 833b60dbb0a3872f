package db

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"registrar/app/school"
)

// Questions lists the extra questions an edition asks now, in order.
func (s *Store) Questions(ctx context.Context, editionID int64) ([]school.Question, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT id, edition_id, kind, label_en, label_cs,
		options_en, options_cs, required FROM questions
		WHERE edition_id = ? AND retired = 0 AND stage = 'application' ORDER BY position, id`, editionID)
	if err != nil {
		return nil, fmt.Errorf("db: questions: %w", err)
	}
	defer rows.Close()
	var qs []school.Question
	for rows.Next() {
		var q school.Question
		var optEN, optCS string
		if err := rows.Scan(&q.ID, &q.EditionID, &q.Kind, &q.LabelEN, &q.LabelCS, &optEN, &optCS,
			&q.Required); err != nil {
			return nil, fmt.Errorf("db: questions: %w", err)
		}
		q.OptionsEN, q.OptionsCS = splitLines(optEN), splitLines(optCS)
		qs = append(qs, q)
	}
	return qs, rows.Err()
}

func insertQuestion(ctx context.Context, tx *sql.Tx, q school.Question) (int64, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO questions (edition_id, position, kind, label_en,
		label_cs, options_en, options_cs, required)
		VALUES (?, (SELECT COALESCE(MAX(position), 0) + 1 FROM questions WHERE edition_id = ?),
		        ?, ?, ?, ?, ?, ?)`,
		q.EditionID, q.EditionID, q.Kind, q.LabelEN, q.LabelCS, strings.Join(q.OptionsEN, "\n"),
		strings.Join(q.OptionsCS, "\n"), q.Required)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// AllQuestions lists an edition's questions in order, retired ones too, with how many
// applications answered each: the form builder and the pages that show old answers need them.
func (s *Store) AllQuestions(ctx context.Context, editionID int64) ([]school.Question, map[int64]int, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT q.id, q.edition_id, q.kind, q.label_en, q.label_cs,
		q.options_en, q.options_cs, q.required, q.retired,
		(SELECT COUNT(*) FROM answers a WHERE a.question_id = q.id)
		FROM questions q WHERE q.edition_id = ? AND q.stage = 'application' ORDER BY q.retired, q.position, q.id`, editionID)
	if err != nil {
		return nil, nil, fmt.Errorf("db: all questions: %w", err)
	}
	defer rows.Close()
	var qs []school.Question
	answered := map[int64]int{}
	for rows.Next() {
		var q school.Question
		var optEN, optCS string
		var n int
		if err := rows.Scan(&q.ID, &q.EditionID, &q.Kind, &q.LabelEN, &q.LabelCS, &optEN, &optCS,
			&q.Required, &q.Retired, &n); err != nil {
			return nil, nil, fmt.Errorf("db: all questions: %w", err)
		}
		q.OptionsEN, q.OptionsCS = splitLines(optEN), splitLines(optCS)
		answered[q.ID] = n
		qs = append(qs, q)
	}
	return qs, answered, rows.Err()
}

// AddQuestion adds a question at the end of an edition's form.
func (s *Store) AddQuestion(ctx context.Context, q school.Question) error {
	return s.write(ctx, "add question", func(tx *sql.Tx) error {
		_, err := insertQuestion(ctx, tx, q)
		return err
	})
}

// UpdateQuestion rewords a question; the answers already given stay attached to it. Its kind
// changes only while nobody has answered it (ErrInUse otherwise).
func (s *Store) UpdateQuestion(ctx context.Context, q school.Question) error {
	return s.write(ctx, "update question", func(tx *sql.Tx) error {
		changed, err := exists(ctx, tx, `SELECT 1 FROM questions q WHERE q.id = ? AND q.kind <> ?
			AND EXISTS (SELECT 1 FROM answers a WHERE a.question_id = q.id)`, q.ID, q.Kind)
		if err != nil {
			return err
		}
		if changed {
			return ErrInUse
		}
		return affectedOne(tx.ExecContext(ctx, `UPDATE questions SET kind = ?, label_en = ?, label_cs = ?,
			options_en = ?, options_cs = ?, required = ? WHERE id = ? AND edition_id = ? AND stage = 'application'`,
			q.Kind, q.LabelEN, q.LabelCS, strings.Join(q.OptionsEN, "\n"), strings.Join(q.OptionsCS, "\n"),
			q.Required, q.ID, q.EditionID))
	})
}

// MoveQuestion moves a question up or down the form.
func (s *Store) MoveQuestion(ctx context.Context, editionID, id int64, up bool) error {
	return s.move(ctx, "questions", editionID, id, up)
}

// RemoveQuestion takes a question off the form: deleted when nobody answered it, else retired
// so that the answers stay readable. It reports whether the question was retired.
func (s *Store) RemoveQuestion(ctx context.Context, editionID, id int64) (retired bool, err error) {
	err = s.write(ctx, "remove question", func(tx *sql.Tx) error {
		if retired, err = exists(ctx, tx, `SELECT 1 FROM answers WHERE question_id = ? LIMIT 1`, id); err != nil {
			return err
		}
		if retired {
			return affectedOne(tx.ExecContext(ctx, `UPDATE questions SET retired = 1 WHERE id = ? AND edition_id = ?
				AND stage = 'application'`, id, editionID))
		}
		return affectedOne(tx.ExecContext(ctx, `DELETE FROM questions WHERE id = ? AND edition_id = ?
			AND stage = 'application'`, id, editionID))
	})
	return retired, err
}

// RestoreQuestion asks a retired question again.
func (s *Store) RestoreQuestion(ctx context.Context, editionID, id int64) error {
	return s.write(ctx, "restore question", func(tx *sql.Tx) error {
		return affectedOne(tx.ExecContext(ctx, `UPDATE questions SET retired = 0 WHERE id = ? AND edition_id = ?`, id, editionID))
	})
}
