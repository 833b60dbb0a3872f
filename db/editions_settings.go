package db

import (
	"context"
	"fmt"
)

// SetBlindReview turns blind review of an edition's applications on or off: reviewers then do
// not see who the applicant is. Edition settings are cached by the catalogue version, so it
// changes too.
func (s *Store) SetBlindReview(ctx context.Context, editionID int64, blind bool) error {
	res, err := s.writer.ExecContext(ctx, `UPDATE editions SET blind_review = ? WHERE id = ?`, blind, editionID)
	if err != nil {
		return fmt.Errorf("db: set blind review: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("db: set blind review: %w", err)
	} else if n == 0 {
		return ErrNotFound
	}
	s.catalogueVersion.Add(1) // cached application forms keep the edition
	return nil
}
