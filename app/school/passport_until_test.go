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
