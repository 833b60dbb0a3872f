package db

import (
	"context"
	"testing"
	"time"

	"registrar/app/school"
)

// TestACopyKeepsTheScoreThatRanks: an organiser who chose the raw score for this year finds it
// chosen in next year's copy too, as every other setting; before, the copy went back to automatic.
func TestACopyKeepsTheScoreThatRanks(t *testing.T) {
	now := time.Date(2029, 8, 1, 12, 0, 0, 0, time.UTC)
	s := openDemoStore(t, now)
	ctx := context.Background()
	demo := newestDemoEdition(t, s)
	if err := s.SetEditionRanking(ctx, demo.ID, school.RankingRaw, ActorSystem, now); err != nil {
		t.Fatal(err)
	}
	copyID, err := s.CloneEdition(ctx, demo.ID, time.Time{}, 0, ActorSystem, now)
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.EditionRanking(ctx, copyID)
	if err != nil {
		t.Fatal(err)
	}
	if r.Setting != school.RankingRaw {
		t.Errorf("the copy ranks by %q, want %q as the edition copied", r.Setting, school.RankingRaw)
	}
}
