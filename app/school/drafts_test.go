package school

import (
	"testing"
	"time"
)

func TestADraftExpiresWhenTheCallCloses(t *testing.T) {
	closes := time.Date(2027, 1, 11, 22, 59, 0, 0, time.UTC)
	e := Edition{OpensAt: closes.AddDate(0, -2, 0), ClosesAt: closes}
	for _, tc := range []struct {
		at      time.Time
		expired bool
	}{
		{closes.Add(-time.Hour), false},
		{closes.Add(5 * time.Minute), false}, // within the grace of a form opened before
		{closes.Add(time.Minute + EditGrace), true},
		{closes.AddDate(0, 1, 0), true},
	} {
		if got := e.DraftExpired(tc.at); got != tc.expired {
			t.Errorf("at %s: expired %v, want %v", tc.at, got, tc.expired)
		}
	}
	if got := (Edition{}).DraftExpired(closes); !got {
		t.Error("a draft of an edition with no call does not expire")
	}
	if want := closes.Add(time.Minute + EditGrace); !e.DraftKeptUntil().Equal(want) {
		t.Errorf("kept until %s, want %s", e.DraftKeptUntil(), want)
	}
}
