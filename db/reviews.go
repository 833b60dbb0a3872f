package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"registrar/app/school"
)

// ErrReviewed is returned when a reviewer reviews the same application twice.
var ErrReviewed = errors.New("db: already reviewed")

// SubmitReview stores a reviewer's scores, or their declared conflict of interest, with an audit
// entry. A reviewer reviews an application once.
func (s *Store) SubmitReview(ctx context.Context, r school.Review, actor string, now time.Time) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var weighted sql.NullFloat64
		if !r.Conflict {
			weighted = sql.NullFloat64{Float64: r.Weighted, Valid: true}
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO reviews (application_id, edition_id, reviewer_id,
			conflict, weighted_score, comment, submitted_at)
			VALUES (?1, (SELECT edition_id FROM applications WHERE id = ?1), ?2, ?3, ?4, ?5, ?6)
			ON CONFLICT (application_id, reviewer_id) DO NOTHING`,
			r.ApplicationID, r.ReviewerID, r.Conflict, weighted, r.Comment, formatInstant(now))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return ErrReviewed
		}
		id, err := res.LastInsertId()
		if err != nil {
			return err
		}
		for criterion, score := range r.Scores {
			if r.Conflict {
				break
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO review_scores (review_id, criterion_id, score)
				VALUES (?, ?, ?)`, id, criterion, score); err != nil {
				return err
			}
		}
		if err := updateScore(ctx, tx, r.ApplicationID); err != nil {
			return err
		}
		action := "review"
		if r.Conflict {
			action = "conflict_declared"
		}
		return writeAudit(ctx, tx, AuditEntry{At: now, Actor: actor, Action: action,
			Entity: "application", EntityID: r.ApplicationID})
	})
	if errors.Is(err, ErrReviewed) {
		return err
	}
	if err != nil {
		return fmt.Errorf("db: submit review: %w", err)
	}
	return nil
}

// updateScore recomputes the score and review count stored with an application from its
// reviews without a conflict: the list sorts by them.
func updateScore(ctx context.Context, tx *sql.Tx, applicationID int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE applications SET
		score = (SELECT AVG(weighted_score) FROM reviews WHERE application_id = ?1 AND conflict = 0),
		review_count = (SELECT COUNT(*) FROM reviews WHERE application_id = ?1 AND conflict = 0)
		WHERE id = ?1`, applicationID)
	return err
}

// Reviews lists an application's reviews, oldest first, with their scores.
func (s *Store) Reviews(ctx context.Context, applicationID int64) ([]school.Review, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT r.id, r.application_id, r.reviewer_id, u.email, u.name,
		r.conflict, COALESCE(r.weighted_score, 0), r.comment, r.submitted_at,
		COALESCE(rs.criterion_id, 0), COALESCE(rs.score, 0)
		FROM reviews r JOIN users u ON u.id = r.reviewer_id
		LEFT JOIN review_scores rs ON rs.review_id = r.id
		WHERE r.application_id = ? ORDER BY r.id`, applicationID)
	if err != nil {
		return nil, fmt.Errorf("db: reviews: %w", err)
	}
	defer rows.Close()
	var reviews []school.Review
	for rows.Next() {
		var r school.Review
		var at string
		var criterion int64
		var score int
		if err := rows.Scan(&r.ID, &r.ApplicationID, &r.ReviewerID, &r.ReviewerEmail, &r.ReviewerName, &r.Conflict,
			&r.Weighted, &r.Comment, &at, &criterion, &score); err != nil {
			return nil, fmt.Errorf("db: reviews: %w", err)
		}
		if n := len(reviews); n == 0 || reviews[n-1].ID != r.ID {
			if r.SubmittedAt, err = parseInstant(sql.NullString{String: at, Valid: true}); err != nil {
				return nil, err
			}
			r.Scores = map[int64]int{}
			reviews = append(reviews, r)
		}
		if criterion != 0 {
			reviews[len(reviews)-1].Scores[criterion] = score
		}
	}
	return reviews, rows.Err()
}

// ReviewedBy is the set of an edition's applications a reviewer has scored; a declared conflict
// of interest is no review.
func (s *Store) ReviewedBy(ctx context.Context, editionID, reviewerID int64) (map[int64]bool, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT application_id FROM reviews
		WHERE edition_id = ? AND reviewer_id = ? AND conflict = 0`, editionID, reviewerID)
	if err != nil {
		return nil, fmt.Errorf("db: reviewed by: %w", err)
	}
	defer rows.Close()
	reviewed := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("db: reviewed by: %w", err)
		}
		reviewed[id] = true
	}
	return reviewed, rows.Err()
}

// ReviewProgress is what is left to review in an edition, as a reviewer's queue tells it.
type ReviewProgress struct {
	Reviewed  int // applications the reviewer scored
	Conflicts int // applications the reviewer declared a conflict of interest on
	// Short is how many submitted applications have fewer reviews than the edition asks for,
	// and Required is that number.
	Short, Required int
}

// ReviewProgress counts what a reviewer has done in an edition and what still waits for
// reviews from anyone.
func (s *Store) ReviewProgress(ctx context.Context, editionID, reviewerID int64, required int) (ReviewProgress, error) {
	p := ReviewProgress{Required: max(required, 1)}
	err := s.reader.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM reviews WHERE edition_id = ?1 AND reviewer_id = ?2 AND conflict = 0),
		(SELECT COUNT(*) FROM reviews WHERE edition_id = ?1 AND reviewer_id = ?2 AND conflict = 1),
		(SELECT COUNT(*) FROM applications WHERE edition_id = ?1 AND status = 'submitted'
		   AND erased_at IS NULL AND review_count < ?3)`,
		editionID, reviewerID, p.Required).Scan(&p.Reviewed, &p.Conflicts, &p.Short)
	if err != nil {
		return p, fmt.Errorf("db: review progress: %w", err)
	}
	return p, nil
}

// ReviewQueue lists the submitted applications of an edition that a reviewer has neither
// reviewed nor declared a conflict on, those with the fewest reviews first; an erased one has
// nothing left to review.
func (s *Store) ReviewQueue(ctx context.Context, editionID, reviewerID int64, limit int) ([]school.Application, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT `+applicationColumns+applicationFrom+`
		WHERE a.edition_id = ? AND a.status = 'submitted' AND a.erased_at IS NULL
		  AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.application_id = a.id AND r.reviewer_id = ?)
		ORDER BY (SELECT COUNT(*) FROM reviews r WHERE r.application_id = a.id AND r.conflict = 0),
		         a.submitted_at, a.id
		LIMIT ?`, editionID, reviewerID, limit)
	if err != nil {
		return nil, fmt.Errorf("db: review queue: %w", err)
	}
	defer rows.Close()
	var apps []school.Application
	for rows.Next() {
		a, err := scanApplication(rows)
		if err != nil {
			return nil, fmt.Errorf("db: review queue: %w", err)
		}
		apps = append(apps, a)
	}
	return apps, rows.Err()
}

// ScoreSummary is an application's aggregate score: the mean of its reviews' weighted scores
// and the mean of their z-scores within each reviewer's scores.
type ScoreSummary struct {
	Reviews    int
	Score      float64
	Normalised float64
}

// EditionScores computes the score summaries of the given applications of an edition.
func (s *Store) EditionScores(ctx context.Context, editionID int64, applicationIDs []int64) (map[int64]ScoreSummary, error) {
	all, err := s.allScores(ctx, editionID)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]ScoreSummary, len(applicationIDs))
	for _, id := range applicationIDs {
		out[id] = all[id]
	}
	return out, nil
}

// allScores computes the score summaries of every reviewed application of an edition from its
// reviews, read once: normalising needs each reviewer's scores of the whole edition anyway.
func (s *Store) allScores(ctx context.Context, editionID int64) (map[int64]ScoreSummary, error) {
	type review struct {
		application, reviewer int64
		score                 float64
	}
	rows, err := s.reader.QueryContext(ctx, `SELECT application_id, reviewer_id, weighted_score
		FROM reviews WHERE edition_id = ? AND conflict = 0 ORDER BY id`, editionID)
	if err != nil {
		return nil, fmt.Errorf("db: edition scores: %w", err)
	}
	defer rows.Close()
	var reviews []review
	sums := map[int64]*struct{ sum, squares float64 }{}
	stats := map[int64]school.ReviewerStats{}
	for rows.Next() {
		var r review
		if err := rows.Scan(&r.application, &r.reviewer, &r.score); err != nil {
			return nil, fmt.Errorf("db: edition scores: %w", err)
		}
		reviews = append(reviews, r)
		if sums[r.reviewer] == nil {
			sums[r.reviewer] = &struct{ sum, squares float64 }{}
		}
		sums[r.reviewer].sum += r.score
		sums[r.reviewer].squares += r.score * r.score
		st := stats[r.reviewer]
		st.Count++
		stats[r.reviewer] = st
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("db: edition scores: %w", err)
	}
	for id, st := range stats {
		n := float64(st.Count)
		st.Mean = sums[id].sum / n
		st.StdDev = school.StdDev(st.Mean, sums[id].squares/n)
		stats[id] = st
	}
	out := map[int64]ScoreSummary{}
	for _, r := range reviews {
		sum := out[r.application]
		sum.Reviews++
		sum.Score += r.score
		sum.Normalised += stats[r.reviewer].Normalised(r.score)
		out[r.application] = sum
	}
	for id, sum := range out {
		sum.Score /= float64(sum.Reviews)
		sum.Normalised /= float64(sum.Reviews)
		out[id] = sum
	}
	return out, nil
}

// Ranking is an edition's ranking setting and the score it ranks by now (school.RankBy).
type Ranking struct {
	Setting school.Ranking
	By      school.Ranking
}

// EditionRanking reads which score ranks an edition's applications.
func (s *Store) EditionRanking(ctx context.Context, editionID int64) (Ranking, error) {
	var r Ranking
	err := s.reader.QueryRowContext(ctx, `SELECT ranking FROM editions WHERE id = ?`, editionID).Scan(&r.Setting)
	if errors.Is(err, sql.ErrNoRows) {
		return r, ErrNotFound
	}
	if err != nil {
		return r, fmt.Errorf("db: edition ranking: %w", err)
	}
	rows, err := s.reader.QueryContext(ctx, `SELECT COUNT(*) FROM reviews
		WHERE edition_id = ? AND conflict = 0 GROUP BY reviewer_id`, editionID)
	if err != nil {
		return r, fmt.Errorf("db: edition ranking: %w", err)
	}
	defer rows.Close()
	var scored []int
	for rows.Next() {
		var n int
		if err := rows.Scan(&n); err != nil {
			return r, fmt.Errorf("db: edition ranking: %w", err)
		}
		scored = append(scored, n)
	}
	r.By = school.RankBy(r.Setting, scored)
	return r, rows.Err()
}

// SetEditionRanking chooses which score ranks an edition's applications; actor and now are who
// chooses and when, for the audit log.
func (s *Store) SetEditionRanking(ctx context.Context, editionID int64, ranking school.Ranking, actor string, now time.Time) error {
	return s.write(ctx, "set edition ranking", func(tx *sql.Tx) error {
		var from string
		err := tx.QueryRowContext(ctx, `SELECT ranking FROM editions WHERE id = ?`, editionID).Scan(&from)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE editions SET ranking = ? WHERE id = ?`, ranking, editionID); err != nil {
			return err
		}
		return writeAudit(ctx, tx, AuditEntry{At: now, Actor: actor, Action: "edition_ranking",
			Entity: "edition", EntityID: editionID, From: from, To: string(ranking)})
	})
}
