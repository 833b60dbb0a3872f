package db

import (
	"context"
	"fmt"
)

// Count is how many applications share a value.
type Count struct {
	Key string
	N   int
}

// EditionStats is what the edition dashboard charts.
type EditionStats struct {
	ByNationality []Count
	BySector      []Count
	ByGender      []Count
	// ByHour counts by the UTC hour of submission (YYYY-MM-DDTHH), oldest first: SQLite knows
	// no time zones, and Prague's offsets are whole hours, so the chart sums them into Prague days.
	ByHour     []Count
	Reviewed   int // applications with at least the required number of reviews
	OffersMade int // applications offered a place at some point, as ApplicationFilter.OfferMade
}

// EditionStatistics counts an edition's applications by nationality, sector, gender and hour.
func (s *Store) EditionStatistics(ctx context.Context, editionID int64, requiredReviews int) (EditionStats, error) {
	var st EditionStats
	groups := []struct {
		into  *[]Count
		query string
	}{
		{&st.ByNationality, `SELECT nationality, COUNT(*) FROM applications WHERE edition_id = ?
			GROUP BY nationality ORDER BY COUNT(*) DESC, nationality`},
		{&st.BySector, `SELECT sector, COUNT(*) FROM applications WHERE edition_id = ?
			GROUP BY sector ORDER BY COUNT(*) DESC, sector`},
		{&st.ByGender, `SELECT gender, COUNT(*) FROM applications WHERE edition_id = ?
			GROUP BY gender ORDER BY COUNT(*) DESC, gender`},
		{&st.ByHour, `SELECT substr(submitted_at, 1, 13), COUNT(*) FROM applications WHERE edition_id = ?
			GROUP BY substr(submitted_at, 1, 13) ORDER BY 1`},
	}
	for _, g := range groups {
		rows, err := s.reader.QueryContext(ctx, g.query, editionID)
		if err != nil {
			return st, fmt.Errorf("db: edition statistics: %w", err)
		}
		for rows.Next() {
			var c Count
			if err := rows.Scan(&c.Key, &c.N); err != nil {
				rows.Close()
				return st, fmt.Errorf("db: edition statistics: %w", err)
			}
			*g.into = append(*g.into, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return st, err
		}
	}
	err := s.reader.QueryRowContext(ctx, `SELECT COUNT(*) FILTER (WHERE a.review_count >= ?),
		COUNT(*) FILTER (WHERE `+offerMade+`) FROM applications a
		WHERE a.edition_id = ?`, max(requiredReviews, 1), editionID).Scan(&st.Reviewed, &st.OffersMade)
	if err != nil {
		return st, fmt.Errorf("db: edition statistics: %w", err)
	}
	return st, nil
}
