package db

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"registrar/app/school"
)

// A generous reviewer scores 5, 5, 4 and a harsh one 2, 3, 1: sorted by normalised score, page
// by page, the harsh reviewer's middle application (0.00) comes before the generous reviewer's
// lowest (−1.41), the unscored last in the order they were sent; a reviewer's own sort counts
// only what they reviewed. The edition ranks by the normalised score once each has scored three.
func TestNormalisedSortAndRanking(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	s := openDemoStore(t, now)
	ctx := context.Background()
	editionID, ids, _, organiser := submittedApplications(t, s, now, 8)
	reviewer := func(email string) int64 {
		id, err := s.CreateUser(ctx, school.User{Email: email, Name: email, Role: school.RoleReviewer}, "")
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	generous, harsh := reviewer("generous@batch.example"), reviewer("harsh@batch.example")
	review := func(by int64, app int64, score float64) {
		t.Helper()
		if err := s.SubmitReview(ctx, school.Review{ApplicationID: app, ReviewerID: by, Weighted: score}, "test", now); err != nil {
			t.Fatal(err)
		}
	}
	ranking := func() Ranking {
		t.Helper()
		r, err := s.EditionRanking(ctx, editionID)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	review(generous, ids[0], 5)
	review(generous, ids[1], 5)
	review(generous, ids[2], 4)
	review(harsh, ids[3], 2)
	review(harsh, ids[4], 3)
	if r := ranking(); r != (Ranking{Setting: school.RankingAuto, By: school.RankingRaw}) {
		t.Errorf("with a reviewer who scored two, the ranking is %+v", r)
	}
	review(harsh, ids[5], 1)
	if r := ranking(); r != (Ranking{Setting: school.RankingAuto, By: school.RankingNormalised}) {
		t.Errorf("with each reviewer having scored three, the ranking is %+v", r)
	}

	sorted := func(scoredBy int64) []int64 {
		t.Helper()
		var out []int64
		for page := 1; page <= 5; page++ {
			apps, total, err := s.ApplicationList(ctx, ApplicationFilter{EditionID: editionID, Sort: "normalised",
				ScoredBy: scoredBy, Page: page, PerPage: 2})
			if err != nil || total != len(ids) {
				t.Fatalf("page %d: %d in all, %v", page, total, err)
			}
			for _, a := range apps {
				out = append(out, a.ID)
			}
		}
		return out
	}
	pick := func(is ...int) []int64 {
		var out []int64
		for _, i := range is {
			out = append(out, ids[i])
		}
		return out
	}
	if got, want := sorted(0), pick(4, 0, 1, 3, 5, 2, 6, 7); !slices.Equal(got, want) {
		t.Errorf("by normalised score %v, want %v", got, want)
	}
	if got, want := sorted(harsh), pick(4, 3, 5, 0, 1, 2, 6, 7); !slices.Equal(got, want) {
		t.Errorf("the harsh reviewer's order %v, want %v", got, want)
	}
	scores, err := s.EditionScores(ctx, editionID, ids)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprintf("%.2f %.2f", scores[ids[2]].Normalised, scores[ids[3]].Normalised); got != "-1.41 0.00" {
		t.Errorf("normalised scores %s, want -1.41 0.00", got)
	}

	if err := s.SetEditionRanking(ctx, editionID, school.RankingRaw, fmt.Sprint("user:", organiser), now); err != nil {
		t.Fatal(err)
	}
	if r := ranking(); r != (Ranking{Setting: school.RankingRaw, By: school.RankingRaw}) {
		t.Errorf("after choosing the raw score, the ranking is %+v", r)
	}
}
