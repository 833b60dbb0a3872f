package school

import (
	"testing"
	"time"
)

// TestMoveYearsOfAnAcademicYear: a school year written as a span moves as a whole, also when
// the edition starts in its second year (a winter school in January 2027 is "2026/2027") and
// when the second year is written short. Before, "2026/27" stayed as it was and "2027/28"
// became "2028/28".
func TestMoveYearsOfAnAcademicYear(t *testing.T) {
	for in, want := range map[string]string{
		"Winter School 2026/2027":        "Winter School 2027/2028",
		"Winter School 2026/27":          "Winter School 2027/28",
		"Zimní škola 2026–2027":          "Zimní škola 2027–2028",
		"winter-2026-27":                 "winter-2027-28",
		"Winter School 2027/28":          "Winter School 2028/29",
		"Winter School 2099/00":          "Winter School 2099/00",
		"School 2026/2030, since 2026":   "School 2026/2030, since 2026",
		"Summer School 2027, 2027-08-23": "Summer School 2028, 2028-08-23",
		"Winter School 2027/2028":        "Winter School 2028/2029",
		"Conference 2025/2026 follow-up": "Conference 2025/2026 follow-up",
		"Letní škola 2027: Praha 2027.":  "Letní škola 2028: Praha 2028.",
	} {
		if got := moveYears(in, 2027, 1); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}

// TestTheProposedStartOfACopyIsInTheNextYear: an edition that starts on 1 January (or 2
// January before a leap year's end) is proposed a first day 53 weeks on, as 52 weeks on falls
// in the same year, which the copy refuses. Before, the form proposed a day it then refused.
func TestTheProposedStartOfACopyIsInTheNextYear(t *testing.T) {
	for _, start := range []time.Time{
		time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2028, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2028, 1, 2, 0, 0, 0, 0, time.UTC),
		time.Date(2027, 1, 4, 0, 0, 0, 0, time.UTC),
		time.Date(2027, 12, 30, 0, 0, 0, 0, time.UTC),
	} {
		next := NextYearStart(start)
		e := Edition{StartsOn: start, EndsOn: start.AddDate(0, 0, 2)}
		if _, p := e.CopyTo(next); p != nil || next.Weekday() != start.Weekday() {
			t.Errorf("%s: proposed %s (%s), which the copy refuses: %v", start.Format(time.DateOnly),
				next.Format(time.DateOnly), next.Weekday(), p)
		}
	}
}
