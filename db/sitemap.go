package db

import (
	"context"
	"fmt"
	"time"
)

// PublicPage is a page of the public catalogue and when it last changed.
type PublicPage struct {
	Path    string
	Changed time.Time
}

// PublicPages lists the catalogue's own pages, for the sitemap: every published or archived
// edition, changed when it was last saved, and every lecturer the public may see, changed when
// the last of their editions was (a lecturer's record keeps no time of its own).
func (s *Store) PublicPages(ctx context.Context) ([]PublicPage, error) {
	rows, err := s.reader.QueryContext(ctx, `
		SELECT '/editions/' || e.slug, e.updated_at FROM editions e WHERE`+publicEditions+`
		UNION ALL
		SELECT '/lecturers/' || lecturers.slug, max(e.updated_at)
		FROM lecturers JOIN session_lecturers sl ON sl.lecturer_id = lecturers.id
		JOIN programme_sessions ps ON ps.id = sl.session_id JOIN editions e ON e.id = ps.edition_id
		WHERE`+publicEditions+`
		GROUP BY lecturers.id
		ORDER BY 1`)
	if err != nil {
		return nil, fmt.Errorf("db: public pages: %w", err)
	}
	defer rows.Close()
	var pages []PublicPage
	for rows.Next() {
		var p PublicPage
		var changed string
		if err := rows.Scan(&p.Path, &changed); err != nil {
			return nil, fmt.Errorf("db: public pages: %w", err)
		}
		if p.Changed, err = time.Parse("2006-01-02T15:04:05Z", changed); err != nil {
			return nil, fmt.Errorf("db: public pages: %s: %w", p.Path, err)
		}
		pages = append(pages, p)
	}
	return pages, rows.Err()
}
