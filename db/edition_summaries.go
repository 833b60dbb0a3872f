package db

import (
	"context"

	"registrar/app/school"
)

// EditionSummary is an edition with its applications counted by status, for the back office.
type EditionSummary struct {
	school.Edition
	Counts map[school.Status]int
	Total  int
}

// EditionSummary is one edition with its application counts.
func (s *Store) EditionSummary(ctx context.Context, editionID int64) (EditionSummary, error) {
	list, err := s.EditionSummaries(ctx, school.OnlyEditions(editionID))
	if err != nil {
		return EditionSummary{}, err
	}
	if len(list) == 0 {
		return EditionSummary{}, ErrNotFound
	}
	return list[0], nil
}
