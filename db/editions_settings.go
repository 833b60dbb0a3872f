package db

import (
	"context"
	"errors"
	"fmt"
)

// SetBlindReview turns blind review of an edition's applications on or off: reviewers then do
// not see who the applicant is. Edition settings are cached by the catalogue version, so it
// changes too.
func (s *Store) SetBlindReview(ctx context.Context, editionID int64, blind bool) error {
	err := affectedOne(s.writer.ExecContext(ctx, `UPDATE editions SET blind_review = ? WHERE id = ?`, blind, editionID))
	if errors.Is(err, ErrNotFound) {
		return err
	}
	if err != nil {
		return fmt.Errorf("db: set blind review: %w", err)
	}
	s.catalogueVersion.Add(1) // cached application forms keep the edition
	return nil
}
