package db

import (
	"context"
	"database/sql"
	"fmt"

	"registrar/app/school"
)

// Rubric lists an edition's criteria in order.
func (s *Store) Rubric(ctx context.Context, editionID int64) ([]school.Criterion, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT id, edition_id, label_en, label_cs, weight
		FROM criteria WHERE edition_id = ? ORDER BY position, id`, editionID)
	if err != nil {
		return nil, fmt.Errorf("db: rubric: %w", err)
	}
	defer rows.Close()
	var rubric []school.Criterion
	for rows.Next() {
		var c school.Criterion
		if err := rows.Scan(&c.ID, &c.EditionID, &c.LabelEN, &c.LabelCS, &c.Weight); err != nil {
			return nil, fmt.Errorf("db: rubric: %w", err)
		}
		rubric = append(rubric, c)
	}
	return rubric, rows.Err()
}

func insertCriterion(ctx context.Context, tx *sql.Tx, c school.Criterion) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO criteria (edition_id, position, label_en, label_cs, weight)
		VALUES (?, (SELECT COALESCE(MAX(position), 0) + 1 FROM criteria WHERE edition_id = ?), ?, ?, ?)`,
		c.EditionID, c.EditionID, c.LabelEN, c.LabelCS, c.Weight)
	return err
}

// AddCriterion adds a criterion at the end of an edition's rubric.
func (s *Store) AddCriterion(ctx context.Context, c school.Criterion) error {
	return s.write(ctx, "add criterion", func(tx *sql.Tx) error { return insertCriterion(ctx, tx, c) })
}

// UpdateCriterion rewords or reweighs a criterion. Reviews already submitted keep the weighted
// score they were given.
func (s *Store) UpdateCriterion(ctx context.Context, c school.Criterion) error {
	return s.write(ctx, "update criterion", func(tx *sql.Tx) error {
		return affectedOne(tx.ExecContext(ctx, `UPDATE criteria SET label_en = ?, label_cs = ?, weight = ?
			WHERE id = ? AND edition_id = ?`, c.LabelEN, c.LabelCS, c.Weight, c.ID, c.EditionID))
	})
}

// DeleteCriterion removes a criterion nobody has scored yet; one with scores is ErrInUse,
// since the reviews that scored it must stay readable.
func (s *Store) DeleteCriterion(ctx context.Context, editionID, id int64) error {
	return s.write(ctx, "delete criterion", func(tx *sql.Tx) error {
		if used, err := exists(ctx, tx, `SELECT 1 FROM review_scores WHERE criterion_id = ? LIMIT 1`, id); err != nil {
			return err
		} else if used {
			return ErrInUse
		}
		return affectedOne(tx.ExecContext(ctx, `DELETE FROM criteria WHERE id = ? AND edition_id = ?`, id, editionID))
	})
}

// MoveCriterion moves a criterion up or down the rubric.
func (s *Store) MoveCriterion(ctx context.Context, editionID, id int64, up bool) error {
	return s.move(ctx, "criteria", editionID, id, up)
}
