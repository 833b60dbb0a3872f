package school

import (
	"testing"
	"time"
)

func TestEditionDaysRunFromTheFirstToTheLastDay(t *testing.T) {
	day := func(m time.Month, d int) time.Time { return time.Date(2027, m, d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		name       string
		start, end time.Time
		want       int
	}{
		{"one day", day(8, 23), day(8, 23), 1},
		{"a week across the month's end", day(8, 28), day(9, 3), 7},
		{"across the switch to winter time", day(10, 30), day(11, 1), 3},
		{"dates the wrong way round", day(8, 27), day(8, 23), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			days := EditionDays(Edition{StartsOn: tt.start, EndsOn: tt.end})
			if len(days) != tt.want {
				t.Fatalf("%d days, want %d: %v", len(days), tt.want, days)
			}
			for i, d := range days {
				if want := tt.start.AddDate(0, 0, i); !d.Equal(want) {
					t.Errorf("day %d is %s, want %s", i, d, want)
				}
			}
		})
	}
}
