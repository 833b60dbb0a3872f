package school

import (
	"testing"
	"time"
)

func TestOnlyApplicantsNotSelectedAreErasedAfterTheRetentionPeriod(t *testing.T) {
	for _, s := range Statuses {
		erased := true
		switch s {
		case StatusAccepted, StatusConfirmed, StatusAttended, StatusNoShow:
			erased = false
		}
		if s.Selected() == erased {
			t.Errorf("%s: selected %v", s, s.Selected())
		}
		inList := false
		for _, n := range NotSelected {
			inList = inList || n == s
		}
		if inList != erased {
			t.Errorf("%s: in NotSelected %v, want %v", s, inList, erased)
		}
	}
}

func TestPurgeAtIsTheRetentionPeriodAfterTheEditionEnded(t *testing.T) {
	date := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	prague := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, Prague) }
	tests := []struct {
		name   string
		endsOn time.Time
		months int
		want   time.Time
	}{
		{"six months by default", date(2026, 8, 28), 0, prague(2027, 2, 28)},
		{"one month", date(2026, 8, 28), 1, prague(2026, 9, 29)},
		{"a day the month lacks moves to its last day", date(2026, 8, 30), 6, prague(2027, 2, 28)},
		{"across the year", date(2026, 12, 31), 12, prague(2028, 1, 1)},
		{"a leap February", date(2027, 8, 30), 6, prague(2028, 2, 29)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := Edition{EndsOn: tt.endsOn, RetentionMonths: tt.months}
			if got := e.PurgeAt(); !got.Equal(tt.want) {
				t.Errorf("PurgeAt = %v, want %v", got, tt.want)
			}
			if e.PurgeDue(tt.want.Add(-time.Second)) {
				t.Error("due a second before")
			}
			if !e.PurgeDue(tt.want) {
				t.Error("not due at the moment")
			}
		})
	}
	if (Edition{}).PurgeDue(time.Now()) {
		t.Error("a draft without dates is due for the purge")
	}
}

func TestErasedPlaceholdersAreUniqueAndUndeliverable(t *testing.T) {
	if a, b := ErasedPlaceholder(7), ErasedPlaceholder(70); a == b || a != "erased-7@invalid" {
		t.Errorf("placeholders %q and %q", a, b)
	}
}
