package db

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode"
)

// Highlight markers: control characters that never occur in catalogue text, which FTS5 puts around
// each match and matchedText takes out again as byte ranges.
const (
	markOpen  = "\x02"
	markClose = "\x03"
)

// SearchHit is one search result: a page of the catalogue, its title and a snippet of its text,
// each with the parts that matched the query.
type SearchHit struct {
	Kind    string // edition, session, lecturer
	Path    string // where the hit links to
	Lang    string // the language of the matching text
	Title   MatchedText
	Snippet MatchedText
}

// MatchedText is plain text and the parts of it that matched a search, in order and not
// overlapping. Showing the matches (escaping the text, marking the parts) is the page's business.
type MatchedText struct {
	Text    string
	Matches []Match
}

// Match is the part Text[Start:End] of a MatchedText, in bytes.
type Match struct {
	Start, End int
}

// maxSearchTerms bounds the work one query can ask for.
const maxSearchTerms = 8

// SearchQuery turns what a person typed into an FTS5 query: every word must match, as a prefix,
// each one quoted so that nothing typed is read as FTS5 syntax. It returns "" when nothing
// searchable was typed.
func SearchQuery(q string) string {
	words := strings.FieldsFunc(q, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	var terms []string
	for _, w := range words {
		if len(terms) == maxSearchTerms {
			break
		}
		if r := []rune(w); len(r) > 40 {
			w = string(r[:40])
		}
		terms = append(terms, `"`+w+`"*`)
	}
	return strings.Join(terms, " ")
}

// Search runs a full-text search over the public catalogue, best matches first, one hit a page,
// shown in lang when the page matched in lang too.
func (s *Store) Search(ctx context.Context, q, lang string, limit int) ([]SearchHit, error) {
	match := SearchQuery(q)
	if match == "" {
		return nil, nil
	}
	rows, err := s.reader.QueryContext(ctx, `
		SELECT kind, ref, lang,
		       highlight(catalogue_search, 3, ?, ?),
		       snippet(catalogue_search, 4, ?, ?, '…', 16)
		FROM catalogue_search
		WHERE catalogue_search MATCH ?
		ORDER BY bm25(catalogue_search, 0, 0, 0, 8.0, 1.0)
		LIMIT ?`, markOpen, markClose, markOpen, markClose, match, limit*4)
	if err != nil {
		return nil, fmt.Errorf("db: search: %w", err)
	}
	defer rows.Close()
	at := map[string]int{} // a page's place in hits
	var hits []SearchHit
	for rows.Next() {
		var h SearchHit
		var title, snippet string
		if err := rows.Scan(&h.Kind, &h.Path, &h.Lang, &title, &snippet); err != nil {
			return nil, fmt.Errorf("db: search: %w", err)
		}
		h.Title, h.Snippet = matchedText(title), matchedText(snippet)
		if i, ok := at[h.Path]; ok {
			if hits[i].Lang != lang && h.Lang == lang {
				hits[i] = h // same rank, the reader's language
			}
			continue
		}
		if len(hits) < limit {
			at[h.Path] = len(hits)
			hits = append(hits, h)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("db: search: %w", err)
	}
	return hits, nil
}

// matchedText takes the highlight markers out of s and keeps where they were as matches. A marker
// left open runs to the end of the text; a close marker without an open one is dropped.
func matchedText(s string) MatchedText {
	var m MatchedText
	var text strings.Builder
	text.Grow(len(s))
	start := -1
	for {
		i := strings.IndexAny(s, markOpen+markClose)
		if i < 0 {
			text.WriteString(s)
			break
		}
		text.WriteString(s[:i])
		switch s[i : i+1] {
		case markOpen:
			if start < 0 {
				start = text.Len()
			}
		case markClose:
			if start >= 0 {
				if start < text.Len() {
					m.Matches = append(m.Matches, Match{Start: start, End: text.Len()})
				}
				start = -1
			}
		}
		s = s[i+1:]
	}
	m.Text = text.String()
	if start >= 0 && start < len(m.Text) {
		m.Matches = append(m.Matches, Match{Start: start, End: len(m.Text)})
	}
	return m
}

// rebuildSearch re-indexes the public catalogue. The catalogue is small (hundreds of rows) and
// changes rarely, so rebuilding it whole keeps the index right without triggers on every table.
func rebuildSearch(ctx context.Context, tx *sql.Tx) error {
	stmts := []string{
		`DELETE FROM catalogue_search`,
		// Editions, once per language that has a title.
		`INSERT INTO catalogue_search (kind, ref, lang, title, body)
		 SELECT 'edition', '/editions/' || e.slug, l.lang,
		        CASE l.lang WHEN 'cs' THEN e.title_cs ELSE e.title_en END,
		        concat_ws(' ', CASE l.lang WHEN 'cs' THEN e.theme_cs ELSE e.theme_en END,
		                  CASE l.lang WHEN 'cs' THEN s.name_cs ELSE s.name_en END,
		                  CASE l.lang WHEN 'cs' THEN coalesce(nullif(e.venue_cs, ''), e.venue) ELSE e.venue END,
		                  CASE l.lang WHEN 'cs' THEN coalesce(nullif(e.city_cs, ''), e.city) ELSE e.city END, e.year,
		                  CASE l.lang WHEN 'cs' THEN e.description_cs ELSE e.description_en END)
		 FROM editions e JOIN series s ON s.id = e.series_id
		 JOIN (SELECT 'en' AS lang UNION ALL SELECT 'cs') l
		 WHERE e.status IN ('published', 'archived')
		   AND (CASE l.lang WHEN 'cs' THEN e.title_cs ELSE e.title_en END) <> ''`,
		// Programme sessions, with their lecturers' names.
		`INSERT INTO catalogue_search (kind, ref, lang, title, body)
		 SELECT 'session', '/editions/' || e.slug || '#session-' || ps.id, l.lang,
		        CASE l.lang WHEN 'cs' THEN ps.title_cs ELSE ps.title_en END,
		        concat_ws(' ', CASE l.lang WHEN 'cs' THEN e.title_cs ELSE e.title_en END,
		                  CASE l.lang WHEN 'cs' THEN ps.description_cs ELSE ps.description_en END,
		                  (SELECT group_concat(lc.name || ' ' || lc.affiliation, ', ')
		                   FROM session_lecturers sl JOIN lecturers lc ON lc.id = sl.lecturer_id
		                   WHERE sl.session_id = ps.id))
		 FROM programme_sessions ps JOIN editions e ON e.id = ps.edition_id
		 JOIN (SELECT 'en' AS lang UNION ALL SELECT 'cs') l
		 WHERE e.status IN ('published', 'archived')
		   AND (CASE l.lang WHEN 'cs' THEN ps.title_cs ELSE ps.title_en END) <> ''`,
		// Lecturers.
		`INSERT INTO catalogue_search (kind, ref, lang, title, body)
		 SELECT 'lecturer', '/lecturers/' || slug, 'en', name,
		        concat_ws(' ', affiliation, bio_en, bio_cs)
		 FROM lecturers WHERE` + publicLecturer,
	}
	for _, stmt := range stmts {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("rebuild search index: %w", err)
		}
	}
	return nil
}
