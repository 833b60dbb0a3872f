package school

import (
	"testing"
	"time"
)

// Three months after a month's last days is the last day of the third month, not a day or two
// into the fourth: a passport valid until 29 February 2028 does for an edition ending on
// 30 November 2027.
func TestPassportValidUntilStaysInTheThirdMonth(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	for _, c := range []struct{ ends, want time.Time }{
		{day(2027, 8, 27), day(2027, 11, 27)},
		{day(2027, 11, 30), day(2028, 2, 29)},
		{day(2026, 11, 30), day(2027, 2, 28)},
		{day(2027, 5, 31), day(2027, 8, 31)},
		{day(2027, 3, 31), day(2027, 6, 30)},
		{day(2027, 10, 31), day(2028, 1, 31)},
	} {
		if got := PassportValidUntil(c.ends); !got.Equal(c.want) {
			t.Errorf("ends %s: valid until %s, want %s", c.ends.Format(time.DateOnly), got.Format(time.DateOnly),
				c.want.Format(time.DateOnly))
		}
	}
}

// A Schengen visa counts the three months from the day one leaves: a participant staying on
// after the edition needs a passport valid three months past their departure, by the same
// calendar rule; a departure before the edition's end changes nothing.
func TestThePassportMustReachThreeMonthsPastALaterDeparture(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	questions := []FollowUpQuestion{
		{Question: Question{ID: 1, Kind: QuestionText}, Purpose: PurposePassportExpiry},
		{Question: Question{ID: 2, Kind: QuestionText}, Purpose: PurposeArrival},
		{Question: Question{ID: 3, Kind: QuestionText}, Purpose: PurposeDeparture},
	}
	ends := day(2027, 8, 27)
	for _, c := range []struct {
		departure       string
		want            time.Time
		afterDeparture  bool
		expiry, problem string
	}{
		{"2027-09-10", day(2027, 12, 10), true, "2027-12-09", FollowUpPassportExpiry},
		{"2027-09-10", day(2027, 12, 10), true, "2027-12-10", ""},
		{"2027-11-30", day(2028, 2, 29), true, "2028-02-29", ""},
		{"2027-08-25", day(2027, 11, 27), false, "2027-11-27", ""},
		{"", day(2027, 11, 27), false, "2027-11-26", FollowUpPassportExpiry},
	} {
		answers := map[int64]string{2: "2027-08-22", 3: c.departure}
		until, after := PassportNeededUntil(questions, answers, ends)
		if !until.Equal(c.want) || after != c.afterDeparture {
			t.Errorf("departure %q: until %s (after departure %v), want %s (%v)", c.departure,
				until.Format(time.DateOnly), after, c.want.Format(time.DateOnly), c.afterDeparture)
		}
		typed := map[int64][]string{1: {c.expiry}, 2: {"2027-08-22"}, 3: {c.departure}}
		if _, problems := CheckFollowUps(questions, Application{}, ends, typed); problems[1] != c.problem {
			t.Errorf("departure %q, expiry %s: problem %q, want %q", c.departure, c.expiry, problems[1], c.problem)
		}
	}
}
