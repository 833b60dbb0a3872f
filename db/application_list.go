package db

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"registrar/app/school"
)

// SeatsTaken counts the applications that hold a seat.
func (e EditionSummary) SeatsTaken() int {
	return e.Counts[school.StatusAccepted] + e.Counts[school.StatusConfirmed]
}

// Attended counts the participants marked as attended.
func (e EditionSummary) Attended() int { return e.Counts[school.StatusAttended] }

// Confirmed counts those who confirmed their place, whether they came or not.
func (e EditionSummary) Confirmed() int {
	return e.Counts[school.StatusConfirmed] + e.Counts[school.StatusAttended] + e.Counts[school.StatusNoShow]
}

// EditionSummaries lists the editions of the scope newest first with their application counts.
func (s *Store) EditionSummaries(ctx context.Context, scope school.Scope) ([]EditionSummary, error) {
	if scope.Empty() {
		return nil, nil
	}
	editions, err := s.queryEditions(ctx, `SELECT `+editionColumns+editionFrom+`
		ORDER BY e.starts_on DESC, e.id DESC`)
	if err != nil {
		return nil, fmt.Errorf("db: edition summaries: %w", err)
	}
	// Only the editions asked for are counted: the edition dashboard asks for one, and counting
	// every edition's applications would read them all.
	countQuery, countArgs := `SELECT edition_id, status, COUNT(*) FROM applications
		GROUP BY edition_id, status`, []any(nil)
	if !scope.All {
		var marks string
		marks, countArgs = inList(scope.IDs)
		countQuery = `SELECT edition_id, status, COUNT(*) FROM applications
			WHERE edition_id IN (` + marks + `) GROUP BY edition_id, status`
	}
	rows, err := s.reader.QueryContext(ctx, countQuery, countArgs...)
	if err != nil {
		return nil, fmt.Errorf("db: edition summaries: %w", err)
	}
	defer rows.Close()
	counts := map[int64]map[school.Status]int{}
	for rows.Next() {
		var id int64
		var st school.Status
		var n int
		if err := rows.Scan(&id, &st, &n); err != nil {
			return nil, fmt.Errorf("db: edition summaries: %w", err)
		}
		if counts[id] == nil {
			counts[id] = map[school.Status]int{}
		}
		counts[id][st] = n
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []EditionSummary
	for _, e := range editions {
		if !scope.Allows(e.ID) {
			continue
		}
		sum := EditionSummary{Edition: e, Counts: counts[e.ID]}
		if sum.Counts == nil {
			sum.Counts = map[school.Status]int{}
		}
		for _, n := range sum.Counts {
			sum.Total += n
		}
		out = append(out, sum)
	}
	return out, nil
}

// offerMade holds for an application that was offered a place at some point, whether the offer
// is open, answered, lapsed or withdrawn from: its status is no longer "accepted" then, but the
// audit log keeps every status it entered. A status that only an offer leads to counts too (in a
// selection, a place is confirmed only after an offer), for rows older than their history, such
// as the demo's past editions. The funnel counts by the same condition.
const offerMade = `(a.status IN ('accepted', 'declined', 'expired')
	OR (a.status IN ('confirmed', 'attended', 'no_show')
		AND (SELECT admission FROM editions WHERE id = a.edition_id) = 'selection')
	OR EXISTS (SELECT 1 FROM audit_log l WHERE l.entity = 'application' AND l.entity_id = a.id
		AND l.action = 'status' AND l.to_state = 'accepted'))`

// ApplicationFilter narrows and orders an edition's application list.
type ApplicationFilter struct {
	EditionID   int64
	Status      school.Status
	Statuses    []school.Status // any of these, for exports
	Nationality string
	Countries   []string // nationality any of these: a region's countries
	Sector      school.Sector
	Reviewed    string  // "yes": has the required reviews; "no": not yet
	OfferMade   bool    // only those offered a place at some point, whatever became of the offer
	Required    int     // the edition's required number of reviews, for Reviewed
	MinScore    float64 // 0: no bound
	MaxScore    float64 // 0: no bound
	Query       string  // name, email or reference
	// Returning, "applied" or "alumni": only applicants who applied to, or attended, an earlier
	// edition of PastEditions (see samePerson).
	Returning    string
	PastEditions school.Scope
	// ScoredBy, when not 0, is a reviewer: only the applications they have reviewed (a declared
	// conflict is no review) have a score for the score bounds and order; the others pass no
	// bound and sort as if unscored, so nothing tells a reviewer how others scored them.
	ScoredBy int64
	Sort     string // a key of applicationSorts
	// References, "complete" or "incomplete": as many referees as the edition asks
	// (ReferencesAsked) have sent, or not yet (referees.go).
	References      string
	ReferencesAsked int
	Page            int // from 1
	PerPage         int
}

// applicationSorts is the whitelist of orders: never a column name from the query string.
var applicationSorts = map[string]string{
	"newest": "a.submitted_at DESC, a.id DESC",
	"oldest": "a.submitted_at, a.id",
	"name":   "a.family_name COLLATE NOCASE, a.given_name COLLATE NOCASE, a.id",
	// The stored score (see SubmitReview); SQLite puts NULLs, the unreviewed, last when descending.
	"score": "a.score DESC, a.submitted_at, a.id",
	// Within the same score, and for "normalised" (ordered by normalisedPage, as the score is not
	// stored): the order of sending.
	"normalised": "a.submitted_at, a.id",
	// References share their edition's prefix; the shorter number is the smaller one.
	"reference": "length(a.reference), a.reference, a.id",
}

// ApplicationSortKeys lists the accepted sort keys.
var ApplicationSortKeys = []string{"newest", "oldest", "name", "score", "normalised", "reference"}

// BlindSortKeys are the orders that tell nothing of who applied: not by name, nor by the time
// of sending, which a reviewer may know of a colleague's application.
var BlindSortKeys = []string{"reference", "score", "normalised"}

// ApplicationList is one page of an edition's applications and how many match in all.
func (s *Store) ApplicationList(ctx context.Context, f ApplicationFilter) ([]school.Application, int, error) {
	where := []string{"a.edition_id = ?"}
	args := []any{f.EditionID}
	if f.Status != "" {
		where, args = append(where, "a.status = ?"), append(args, f.Status)
	}
	if len(f.Statuses) > 0 {
		marks, values := inList(f.Statuses)
		where, args = append(where, "a.status IN ("+marks+")"), append(args, values...)
	}
	if f.Nationality != "" {
		where, args = append(where, "a.nationality = ?"), append(args, f.Nationality)
	}
	if len(f.Countries) > 0 {
		marks, values := inList(f.Countries)
		where, args = append(where, "a.nationality IN ("+marks+")"), append(args, values...)
	}
	switch f.Reviewed {
	case "yes":
		where, args = append(where, "a.review_count >= ?"), append(args, max(f.Required, 1))
	case "no":
		where, args = append(where, "a.review_count < ?"), append(args, max(f.Required, 1))
	}
	if f.OfferMade {
		where = append(where, offerMade)
	}
	if cond, ok := referencesCondition(f.References); ok {
		where, args = append(where, cond), append(args, f.ReferencesAsked)
	}
	score, scoreArgs := "a.score", []any{}
	if f.ScoredBy != 0 {
		score = `(CASE WHEN EXISTS (SELECT 1 FROM reviews m WHERE m.application_id = a.id
			AND m.reviewer_id = ? AND m.conflict = 0) THEN a.score END)`
		scoreArgs = []any{f.ScoredBy}
	}
	if f.MinScore > 0 {
		where, args = append(where, score+" >= ?"), append(append(args, scoreArgs...), f.MinScore)
	}
	if f.MaxScore > 0 {
		where, args = append(where, score+" <= ?"), append(append(args, scoreArgs...), f.MaxScore)
	}
	if f.Sector != "" {
		where, args = append(where, "a.sector = ?"), append(args, f.Sector)
	}
	if f.Returning == "applied" || f.Returning == "alumni" {
		cond, condArgs := returningCondition(f.Returning, f.PastEditions)
		where, args = append(where, cond), append(args, condArgs...)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(q) + "%"
		where = append(where, `(a.reference = ? OR a.email LIKE ? ESCAPE '\'
			OR (a.given_name || ' ' || a.family_name) LIKE ? ESCAPE '\')`)
		args = append(args, strings.ToUpper(q), like, like)
	}
	cond := " WHERE " + strings.Join(where, " AND ")
	var total int
	if err := s.reader.QueryRowContext(ctx, `SELECT COUNT(*) FROM applications a`+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("db: application list: %w", err)
	}
	order, ok := applicationSorts[f.Sort]
	if !ok {
		order = applicationSorts["newest"]
	}
	var orderArgs []any
	if f.Sort == "score" && f.ScoredBy != 0 {
		order, orderArgs = score+" DESC, a.submitted_at, a.id", scoreArgs
	}
	if f.PerPage <= 0 {
		f.PerPage = 50
	}
	if f.Page < 1 {
		f.Page = 1
	}
	if f.Sort == "normalised" {
		apps, err := s.normalisedPage(ctx, f, cond, args)
		return apps, total, err
	}
	// The page's ids first, from an index where the filter and order allow, and only then the 50
	// rows: a deep page skips index entries rather than whole rows.
	rows, err := s.reader.QueryContext(ctx, `SELECT `+applicationColumns+applicationFrom+
		` WHERE a.id IN (SELECT a.id FROM applications a`+cond+` ORDER BY `+order+` LIMIT ? OFFSET ?)
		ORDER BY `+order, slices.Concat(args, orderArgs, []any{f.PerPage, (f.Page - 1) * f.PerPage}, orderArgs)...)
	if err != nil {
		return nil, 0, fmt.Errorf("db: application list: %w", err)
	}
	defer rows.Close()
	var apps []school.Application
	for rows.Next() {
		a, err := scanApplication(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("db: application list: %w", err)
		}
		apps = append(apps, a)
	}
	return apps, total, rows.Err()
}

// normalisedPage is one page of the applications matching cond, best normalised score first
// (see EditionScores), then the unscored, each in the order of sending. The score is computed,
// not stored, as every review moves its reviewer's mean: so the matching ids are ordered here.
func (s *Store) normalisedPage(ctx context.Context, f ApplicationFilter, cond string, args []any) ([]school.Application, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT a.id FROM applications a`+cond+` ORDER BY `+applicationSorts["normalised"], args...)
	if err != nil {
		return nil, fmt.Errorf("db: application list: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("db: application list: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("db: application list: %w", err)
	}
	scores, err := s.allScores(ctx, f.EditionID)
	if err != nil {
		return nil, err
	}
	if f.ScoredBy != 0 {
		reviewed, err := s.ReviewedBy(ctx, f.EditionID, f.ScoredBy)
		if err != nil {
			return nil, err
		}
		maps.DeleteFunc(scores, func(id int64, _ ScoreSummary) bool { return !reviewed[id] })
	}
	slices.SortStableFunc(ids, func(a, b int64) int {
		sa, scoredA := scores[a]
		sb, scoredB := scores[b]
		if scoredA != scoredB {
			if scoredA {
				return -1
			}
			return 1
		}
		return cmp.Compare(sb.Normalised, sa.Normalised)
	})
	from := min(len(ids), (f.Page-1)*f.PerPage)
	ids = ids[from:min(len(ids), from+f.PerPage)]
	if len(ids) == 0 {
		return nil, nil
	}
	marks, idArgs := inList(ids)
	rows, err = s.reader.QueryContext(ctx, `SELECT `+applicationColumns+applicationFrom+` WHERE a.id IN (`+marks+`)`, idArgs...)
	if err != nil {
		return nil, fmt.Errorf("db: application list: %w", err)
	}
	defer rows.Close()
	apps := make([]school.Application, len(ids))
	for rows.Next() {
		a, err := scanApplication(rows)
		if err != nil {
			return nil, fmt.Errorf("db: application list: %w", err)
		}
		apps[slices.Index(ids, a.ID)] = a
	}
	return apps, rows.Err()
}

// inList is the placeholders of an IN (…) list for values, and the values as arguments.
func inList[T any](values []T) (string, []any) {
	args := make([]any, len(values))
	for i, v := range values {
		args[i] = v
	}
	return strings.TrimSuffix(strings.Repeat("?, ", len(values)), ", "), args
}
