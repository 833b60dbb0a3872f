package db

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode"

	"registrar/app/school"
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
	Lang    string // the language of the text shown: the reader's
	Context string // where the hit belongs: an edition's year and city, a session's edition, a lecturer's affiliation
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
// shown in lang: a page found by its text in the other language shows its own text in lang,
// from the beginning, without marks.
func (s *Store) Search(ctx context.Context, q, lang string, limit int) ([]SearchHit, error) {
	match := SearchQuery(q)
	if match == "" {
		return nil, nil
	}
	rows, err := s.reader.QueryContext(ctx, `
		SELECT kind, ref, lang, context,
		       highlight(catalogue_search, 4, ?, ?),
		       snippet(catalogue_search, 5, ?, ?, '…', 16)
		FROM catalogue_search
		WHERE catalogue_search MATCH ?
		ORDER BY bm25(catalogue_search, 0, 0, 0, 0, 8.0, 1.0)
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
		if err := rows.Scan(&h.Kind, &h.Path, &h.Lang, &h.Context, &title, &snippet); err != nil {
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
	return hits, s.inReadersLanguage(ctx, hits, lang)
}

// snippetWords is how long a snippet is that did not come from a match.
const snippetWords = 16

// inReadersLanguage replaces the hits found only in the other language by their pages' records in
// lang: the title and the beginning of the text, without marks.
func (s *Store) inReadersLanguage(ctx context.Context, hits []SearchHit, lang string) error {
	var refs []any
	for _, h := range hits {
		if h.Lang != lang {
			refs = append(refs, h.Path)
		}
	}
	if len(refs) == 0 {
		return nil
	}
	rows, err := s.reader.QueryContext(ctx, `SELECT ref, context, title, body FROM catalogue_search
		WHERE lang = ? AND ref IN (?`+strings.Repeat(", ?", len(refs)-1)+`)`, append([]any{lang}, refs...)...)
	if err != nil {
		return fmt.Errorf("db: search: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var ref, context, title, body string
		if err := rows.Scan(&ref, &context, &title, &body); err != nil {
			return fmt.Errorf("db: search: %w", err)
		}
		if words := strings.Fields(body); len(words) > snippetWords {
			body = strings.Join(words[:snippetWords], " ") + "…"
		}
		for i := range hits {
			if hits[i].Path == ref {
				hits[i].Lang, hits[i].Context = lang, context
				hits[i].Title, hits[i].Snippet = MatchedText{Text: title}, MatchedText{Text: body}
			}
		}
	}
	return rows.Err()
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

// searchRecord is one record of the search index.
type searchRecord struct {
	kind, ref, lang, context, title string
	body                            []string // the parts of the text, Markdown already made plain
}

// searchLanguages are the languages the index holds every record in.
var searchLanguages = []string{"en", "cs"}

// inLanguage is the text in lang, or in English when it has none in Czech (or in Czech when it
// has none in English).
func inLanguage(lang, en, cs string) string {
	if lang == "cs" && cs != "" || en == "" {
		return cs
	}
	return en
}

// rebuildSearch re-indexes the public catalogue. The catalogue is small (hundreds of rows) and
// changes rarely, so rebuilding it whole keeps the index right without triggers on every table.
// Every record is indexed in each language, so that a hit can be shown in the reader's.
func rebuildSearch(ctx context.Context, tx *sql.Tx) error {
	var records []searchRecord
	rows, err := tx.QueryContext(ctx, `
		SELECT e.slug, e.year, e.venue, e.city, e.venue_cs, e.city_cs, e.title_en, e.title_cs, e.theme_en, e.theme_cs,
		       s.name_en, s.name_cs, e.description_en, e.description_cs
		FROM editions e JOIN series s ON s.id = e.series_id
		WHERE e.status IN ('published', 'archived')`)
	if err != nil {
		return fmt.Errorf("rebuild search index: %w", err)
	}
	err = eachRow(rows, func() error {
		var slug, year, venue, city, venueCS, cityCS, titleEN, titleCS, themeEN, themeCS, seriesEN, seriesCS, descEN, descCS string
		if err := rows.Scan(&slug, &year, &venue, &city, &venueCS, &cityCS, &titleEN, &titleCS, &themeEN, &themeCS,
			&seriesEN, &seriesCS, &descEN, &descCS); err != nil {
			return err
		}
		for _, lang := range searchLanguages {
			records = append(records, searchRecord{
				kind: "edition", ref: "/editions/" + slug, lang: lang,
				context: joinParts(year, inLanguage(lang, city, cityCS)),
				title:   inLanguage(lang, titleEN, titleCS),
				body: []string{inLanguage(lang, themeEN, themeCS), school.PlainText(inLanguage(lang, descEN, descCS)),
					inLanguage(lang, seriesEN, seriesCS), inLanguage(lang, venue, venueCS), inLanguage(lang, city, cityCS), year},
			})
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("rebuild search index: editions: %w", err)
	}
	// Programme sessions, with their lecturers' names; the edition is their context, shown
	// beside them, and found as the edition's own record.
	rows, err = tx.QueryContext(ctx, `
		SELECT e.slug, ps.id, ps.title_en, ps.title_cs, ps.description_en, ps.description_cs,
		       e.title_en, e.title_cs,
		       COALESCE((SELECT group_concat(lc.name || ' (' || lc.affiliation || ')', ', ')
		                 FROM session_lecturers sl JOIN lecturers lc ON lc.id = sl.lecturer_id
		                 WHERE sl.session_id = ps.id), '')
		FROM programme_sessions ps JOIN editions e ON e.id = ps.edition_id
		WHERE e.status IN ('published', 'archived')`)
	if err != nil {
		return fmt.Errorf("rebuild search index: %w", err)
	}
	err = eachRow(rows, func() error {
		var slug, id, titleEN, titleCS, descEN, descCS, editionEN, editionCS, lecturers string
		if err := rows.Scan(&slug, &id, &titleEN, &titleCS, &descEN, &descCS, &editionEN, &editionCS, &lecturers); err != nil {
			return err
		}
		for _, lang := range searchLanguages {
			edition := inLanguage(lang, editionEN, editionCS)
			records = append(records, searchRecord{
				kind: "session", ref: "/editions/" + slug + "#session-" + id, lang: lang,
				context: edition,
				title:   inLanguage(lang, titleEN, titleCS),
				body:    []string{school.PlainText(inLanguage(lang, descEN, descCS)), lecturers},
			})
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("rebuild search index: sessions: %w", err)
	}
	rows, err = tx.QueryContext(ctx, `SELECT slug, name, affiliation, bio_en, bio_cs FROM lecturers WHERE`+publicLecturer)
	if err != nil {
		return fmt.Errorf("rebuild search index: %w", err)
	}
	err = eachRow(rows, func() error {
		var slug, name, affiliation, bioEN, bioCS string
		if err := rows.Scan(&slug, &name, &affiliation, &bioEN, &bioCS); err != nil {
			return err
		}
		for _, lang := range searchLanguages {
			records = append(records, searchRecord{
				kind: "lecturer", ref: "/lecturers/" + slug, lang: lang, context: affiliation, title: name,
				body: []string{school.PlainText(inLanguage(lang, bioEN, bioCS)), affiliation},
			})
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("rebuild search index: lecturers: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM catalogue_search`); err != nil {
		return fmt.Errorf("rebuild search index: %w", err)
	}
	insert, err := tx.PrepareContext(ctx, `INSERT INTO catalogue_search (kind, ref, lang, context, title, body)
		VALUES (?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("rebuild search index: %w", err)
	}
	defer insert.Close()
	for _, r := range records {
		if r.title == "" {
			continue
		}
		if _, err := insert.ExecContext(ctx, r.kind, r.ref, r.lang, r.context, r.title, joinParts(r.body...)); err != nil {
			return fmt.Errorf("rebuild search index: %w", err)
		}
	}
	return nil
}

// eachRow calls fn for every row and closes rows.
func eachRow(rows *sql.Rows, fn func() error) error {
	defer rows.Close()
	for rows.Next() {
		if err := fn(); err != nil {
			return err
		}
	}
	return rows.Err()
}

// joinParts joins the parts of a text that are not empty with a dot between them, so that a
// snippet across two of them shows where one ends.
func joinParts(parts ...string) string {
	var kept []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, " · ")
}
