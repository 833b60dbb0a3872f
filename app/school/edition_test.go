package school

import (
	"testing"
	"time"
)

// callEdition is an edition whose call runs from 00:00 Prague time on 28 October 2026 to 23:59
// Prague time (CET, UTC+1) on 11 January 2027.
func callEdition() Edition {
	return Edition{
		OpensAt:  time.Date(2026, 10, 27, 23, 0, 0, 0, time.UTC),
		ClosesAt: time.Date(2027, 1, 11, 22, 59, 0, 0, time.UTC),
	}
}

func TestWindowAtFollowsTheCallMinuteByMinute(t *testing.T) {
	e := callEdition()
	tests := []struct {
		name string
		e    Edition
		now  time.Time
		want Window
	}{
		{"an edition without a call takes no applications", Edition{}, time.Now(), WindowNone},
		{"an edition with only an opening takes no applications",
			Edition{OpensAt: e.OpensAt}, e.OpensAt.Add(time.Hour), WindowNone},
		{"a nanosecond before the opening the call is not yet open", e, e.OpensAt.Add(-time.Nanosecond), WindowNotYet},
		{"at the opening instant the call is open", e, e.OpensAt, WindowOpen},
		{"in the middle of the window the call is open", e, time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC), WindowOpen},
		{"at the closing minute the call is open", e, e.ClosesAt, WindowOpen},
		{"59 seconds into the closing minute the call is still open", e, e.ClosesAt.Add(59 * time.Second), WindowOpen},
		{"the last nanosecond of the closing minute is still open", e, e.ClosesAt.Add(time.Minute - time.Nanosecond), WindowOpen},
		{"60 seconds after the closing minute began the call is closed", e, e.ClosesAt.Add(time.Minute), WindowClosed},
		{"a year later the call is closed", e, e.ClosesAt.AddDate(1, 0, 0), WindowClosed},
		{"the same instant in another zone gives the same answer", e,
			e.ClosesAt.Add(59 * time.Second).In(Prague), WindowOpen},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.e.WindowAt(tt.now); got != tt.want {
				t.Errorf("WindowAt(%s) = %q, want %q", tt.now.Format(time.RFC3339Nano), got, tt.want)
			}
		})
	}
}

func TestDeadlineIsTheFirstInstantAfterTheClosingMinute(t *testing.T) {
	tests := []struct {
		name     string
		closesAt time.Time
		want     time.Time
	}{
		{"a whole minute", time.Date(2027, 1, 11, 22, 59, 0, 0, time.UTC), time.Date(2027, 1, 11, 23, 0, 0, 0, time.UTC)},
		{"seconds in the closing time are dropped", time.Date(2027, 1, 11, 22, 59, 30, 0, time.UTC), time.Date(2027, 1, 11, 23, 0, 0, 0, time.UTC)},
		{"the end of a year rolls over", time.Date(2026, 12, 31, 23, 59, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"summer time in Prague", time.Date(2027, 7, 15, 23, 59, 0, 0, Prague), time.Date(2027, 7, 15, 22, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Edition{ClosesAt: tt.closesAt}.Deadline()
			if !got.Equal(tt.want) {
				t.Errorf("Deadline() = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestDaysLeftCountsPartialDaysAndStopsAtZero(t *testing.T) {
	e := callEdition()
	deadline := e.Deadline() // 2027-01-11 23:00 UTC
	tests := []struct {
		name string
		now  time.Time
		want int
	}{
		{"the demo's moment: 45 days and 11 hours round up to 46", time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC), 46},
		{"exactly two days before", deadline.Add(-48 * time.Hour), 2},
		{"a nanosecond more than one day before", deadline.Add(-24*time.Hour - time.Nanosecond), 2},
		{"exactly one day before", deadline.Add(-24 * time.Hour), 1},
		{"one second before", deadline.Add(-time.Second), 1},
		{"at the deadline", deadline, 0},
		{"after the deadline", deadline.Add(time.Hour), 0},
		{"long after the deadline", deadline.AddDate(2, 0, 0), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := e.DaysLeft(tt.now); got != tt.want {
				t.Errorf("DaysLeft(%s) = %d, want %d", tt.now.Format(time.RFC3339Nano), got, tt.want)
			}
		})
	}
}

func TestIsPastUsesThePragueDay(t *testing.T) {
	e := Edition{StartsOn: time.Date(2016, 9, 4, 0, 0, 0, 0, time.UTC), EndsOn: time.Date(2016, 9, 10, 0, 0, 0, 0, time.UTC)}
	tests := []struct {
		name string
		now  time.Time
		want bool
	}{
		{"on the last day it is not past", time.Date(2016, 9, 10, 12, 0, 0, 0, time.UTC), false},
		{"late on the last day in UTC it is already the next day in Prague", time.Date(2016, 9, 10, 22, 30, 0, 0, time.UTC), true},
		{"before it starts it is not past", time.Date(2016, 9, 1, 0, 0, 0, 0, time.UTC), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := e.IsPast(tt.now); got != tt.want {
				t.Errorf("IsPast(%s) = %v, want %v", tt.now, got, tt.want)
			}
		})
	}
}

func TestTitlesFallBackToTheOtherLanguage(t *testing.T) {
	tests := []struct {
		name string
		e    Edition
		lang string
		want string
	}{
		{"English title in English", Edition{TitleEN: "Summer", TitleCS: "Léto"}, "en", "Summer"},
		{"Czech title in Czech", Edition{TitleEN: "Summer", TitleCS: "Léto"}, "cs", "Léto"},
		{"no Czech title falls back to English", Edition{TitleEN: "Summer"}, "cs", "Summer"},
		{"no English title falls back to Czech", Edition{TitleCS: "Léto"}, "en", "Léto"},
		{"an unknown language is English", Edition{TitleEN: "Summer", TitleCS: "Léto"}, "de", "Summer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.e.Title(tt.lang); got != tt.want {
				t.Errorf("Title(%q) = %q, want %q", tt.lang, got, tt.want)
			}
		})
	}
}

func TestRankBy(t *testing.T) {
	for _, tc := range []struct {
		setting Ranking
		scored  []int
		want    Ranking
	}{
		{RankingAuto, nil, RankingRaw},
		{RankingAuto, []int{3, 2}, RankingRaw},
		{RankingAuto, []int{3, 7}, RankingNormalised},
		{RankingRaw, []int{3, 7}, RankingRaw},
		{RankingNormalised, []int{1}, RankingNormalised},
		{"", []int{5}, RankingNormalised},
	} {
		if got := RankBy(tc.setting, tc.scored); got != tc.want {
			t.Errorf("RankBy(%q, %v) = %q, want %q", tc.setting, tc.scored, got, tc.want)
		}
	}
}

func TestAFreedSeatIsOfferedOnlyBeforeTheFirstPragueDay(t *testing.T) {
	e := Edition{StartsOn: time.Date(2016, 9, 4, 0, 0, 0, 0, time.UTC), EndsOn: time.Date(2016, 9, 10, 0, 0, 0, 0, time.UTC)}
	tests := []struct {
		name   string
		e      Edition
		now    time.Time
		offers bool
	}{
		{"the day before", e, time.Date(2016, 9, 3, 12, 0, 0, 0, time.UTC), true},
		{"late the day before in UTC is the first day in Prague", e, time.Date(2016, 9, 3, 22, 30, 0, 0, time.UTC), false},
		{"on the first day", e, time.Date(2016, 9, 4, 8, 0, 0, 0, time.UTC), false},
		{"after the last day", e, time.Date(2016, 9, 20, 8, 0, 0, 0, time.UTC), false},
		{"promotion by hand offers nothing by itself", Edition{StartsOn: e.StartsOn, ManualWaitlist: true},
			time.Date(2016, 8, 1, 8, 0, 0, 0, time.UTC), false},
		{"an edition without dates", Edition{}, time.Date(2016, 9, 20, 8, 0, 0, 0, time.UTC), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.e.OffersFreedSeats(tt.now); got != tt.offers {
				t.Errorf("OffersFreedSeats(%s) = %v, want %v", tt.now, got, tt.offers)
			}
		})
	}
}
