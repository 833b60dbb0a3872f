package school

import (
	"errors"
	"math"
	"time"
)

// Criterion is one line of an edition's rubric.
type Criterion struct {
	ID        int64
	EditionID int64
	LabelEN   string
	LabelCS   string
	Weight    float64
}

// Label is the criterion in lang, falling back to the other language.
func (c Criterion) Label(lang string) string { return pick(lang, c.LabelEN, c.LabelCS) }

// Review is one reviewer's assessment of one application.
type Review struct {
	ID            int64
	ApplicationID int64
	ReviewerID    int64
	ReviewerEmail string
	ReviewerName  string // as the staff list names them; may be empty
	Conflict      bool
	Scores        map[int64]int // criterion id → 1..5
	Weighted      float64
	Comment       string
	SubmittedAt   time.Time
}

// Reviewer names the reviewer as staff know each other: their name, or their address when their
// account has none.
func (r Review) Reviewer() string {
	if r.ReviewerName != "" {
		return r.ReviewerName
	}
	return r.ReviewerEmail
}

// ErrScores is returned for a review whose scores do not fit the rubric.
var ErrScores = errors.New("school: every criterion needs a score from 1 to 5")

// WeightedScore is the weighted mean of a review's scores over the rubric.
func WeightedScore(rubric []Criterion, scores map[int64]int) (float64, error) {
	var sum, weights float64
	for _, c := range rubric {
		s, ok := scores[c.ID]
		if !ok || s < 1 || s > 5 {
			return 0, ErrScores
		}
		sum += float64(s) * c.Weight
		weights += c.Weight
	}
	if weights == 0 {
		return 0, ErrScores
	}
	return sum / weights, nil
}

// ReviewerStats is what normalising a reviewer's scores needs: the mean and spread of all the
// weighted scores they gave in an edition.
type ReviewerStats struct {
	Mean   float64
	StdDev float64
	Count  int
}

// Normalised is a score as a z-score within its reviewer's own scores, so a harsh or generous
// reviewer does not decide the ranking; 0 when the reviewer gave too few or identical scores.
func (r ReviewerStats) Normalised(score float64) float64 {
	if r.Count < 2 || r.StdDev < 1e-9 {
		return 0
	}
	return (score - r.Mean) / r.StdDev
}

// StdDev is the population standard deviation from a mean and a mean of squares.
func StdDev(mean, meanOfSquares float64) float64 {
	return math.Sqrt(math.Max(0, meanOfSquares-mean*mean))
}

// Ranking is which score ranks an edition's applications for the list and for filling seats.
type Ranking string

const (
	// RankingAuto: the normalised score once every reviewer has scored NormaliseAfter
	// applications, the raw score before.
	RankingAuto       Ranking = "auto"
	RankingRaw        Ranking = "raw"
	RankingNormalised Ranking = "normalised"
)

// Rankings lists the settings in the order the form offers them.
var Rankings = []Ranking{RankingAuto, RankingRaw, RankingNormalised}

// NormaliseAfter is how many applications each reviewer must have scored before the automatic
// ranking trusts normalised scores: fewer say little of how harsh or generous a reviewer is.
const NormaliseAfter = 3

// RankBy is the score that ranks under setting, given how many applications each reviewer of
// the edition has scored.
func RankBy(setting Ranking, scoredByReviewer []int) Ranking {
	if setting == RankingRaw || setting == RankingNormalised {
		return setting
	}
	if len(scoredByReviewer) == 0 {
		return RankingRaw
	}
	for _, n := range scoredByReviewer {
		if n < NormaliseAfter {
			return RankingRaw
		}
	}
	return RankingNormalised
}
