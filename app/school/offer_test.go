package school

import (
	"testing"
	"time"
)

func TestOfferExpiresAt2359PragueTimeAcrossDaylightSaving(t *testing.T) {
	utc := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, time.UTC) }
	tests := []struct {
		name string
		now  time.Time
		days int
		want time.Time
	}{
		{"winter time", utc(2027, 1, 5, 9, 0), 7, utc(2027, 1, 12, 22, 59)},
		{"summer time", utc(2027, 6, 1, 9, 0), 7, utc(2027, 6, 8, 21, 59)},
		// Summer time starts on 28 March 2027: an offer made in winter expires in summer.
		{"into summer time", utc(2027, 3, 25, 12, 0), 7, utc(2027, 4, 1, 21, 59)},
		{"on the day clocks go forward", utc(2027, 3, 21, 12, 0), 7, utc(2027, 3, 28, 21, 59)},
		// Summer time ends on 31 October 2027.
		{"into winter time", utc(2027, 10, 28, 12, 0), 7, utc(2027, 11, 4, 22, 59)},
		{"on the day clocks go back", utc(2027, 10, 24, 12, 0), 7, utc(2027, 10, 31, 22, 59)},
		// The day counts from the date in Prague, not in UTC.
		{"23:30 in Prague is still that day", utc(2027, 6, 10, 21, 30), 7, utc(2027, 6, 17, 21, 59)},
		{"00:30 in Prague is the next day though UTC is not", utc(2027, 6, 10, 22, 30), 7, utc(2027, 6, 18, 21, 59)},
		{"23:59 in Prague", utc(2027, 1, 10, 22, 59), 2, utc(2027, 1, 12, 22, 59)},
		{"one day", utc(2027, 1, 10, 8, 0), 1, utc(2027, 1, 11, 22, 59)},
		{"no setting means 7 days", utc(2027, 1, 5, 9, 0), 0, utc(2027, 1, 12, 22, 59)},
		{"a negative setting means 7 days", utc(2027, 1, 5, 9, 0), -3, utc(2027, 1, 12, 22, 59)},
		{"a time given in Prague", time.Date(2027, 1, 5, 23, 30, 0, 0, Prague), 7, utc(2027, 1, 12, 22, 59)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := OfferExpiry(tt.now, tt.days)
			if !got.Equal(tt.want) {
				t.Errorf("OfferExpiry(%s, %d) = %s (%s in Prague), want %s", tt.now, tt.days, got, got.In(Prague), tt.want)
			}
			if got.Location() != time.UTC {
				t.Errorf("OfferExpiry returns %s time, want UTC for storage", got.Location())
			}
			if p := got.In(Prague); p.Hour() != 23 || p.Minute() != 59 {
				t.Errorf("the offer expires at %s in Prague, not 23:59", p.Format("15:04"))
			}
		})
	}
}

func TestOfferCanBeConfirmedUntilTheEndOfItsLastMinute(t *testing.T) {
	// 23:59 Prague on 8 June 2027 (summer time).
	expires := OfferExpiry(time.Date(2027, 6, 1, 9, 0, 0, 0, time.UTC), 7)
	tests := []struct {
		name   string
		now    time.Time
		lapsed bool
	}{
		{"a week before", expires.Add(-7 * 24 * time.Hour), false},
		{"at 23:58", expires.Add(-time.Minute), false},
		{"at 23:59:00", expires, false},
		{"at 23:59:59.999", expires.Add(time.Minute - time.Millisecond), false},
		{"at midnight", expires.Add(time.Minute), true},
		{"a day later", expires.Add(24 * time.Hour), true},
		{"midnight seen from another zone", expires.Add(time.Minute).In(time.FixedZone("UTC-5", -5*3600)), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := OfferLapsed(expires, tt.now); got != tt.lapsed {
				t.Errorf("OfferLapsed(%s, %s) = %v", expires.In(Prague), tt.now.In(Prague), got)
			}
		})
	}
	if OfferLapsed(time.Time{}, time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Error("an application without an offer deadline counts as lapsed")
	}
}

func TestOfferExpiryAcrossTheAutumnChangeKeepsItsLastMinute(t *testing.T) {
	// On 31 October 2027 the hour from 02:00 to 03:00 happens twice in Prague; the deadline is
	// still one minute long and at 23:59 CET.
	expires := OfferExpiry(time.Date(2027, 10, 24, 12, 0, 0, 0, time.UTC), 7)
	if OfferLapsed(expires, time.Date(2027, 10, 31, 22, 59, 30, 0, time.UTC)) {
		t.Error("lapsed at 23:59:30 CET")
	}
	if !OfferLapsed(expires, time.Date(2027, 10, 31, 23, 0, 0, 0, time.UTC)) {
		t.Error("not lapsed at midnight CET")
	}
}

func TestOfferReminderIsTwoDaysBeforeLongOffersAndHalfwayThroughShortOnes(t *testing.T) {
	offered := time.Date(2027, 7, 1, 21, 59, 40, 0, time.UTC)
	const h, day = time.Hour, 24 * time.Hour
	tests := []struct {
		name   string
		runs   time.Duration // from the offer to its end
		after  time.Duration // the reminder, after the offer
		remind bool
	}{
		{"a week: two days before the end", 7 * day, 5 * day, true},
		{"just over four days: two days before the end", 4*day + h, 2*day + h, true},
		{"four days: halfway", 4 * day, 2 * day, true},
		{"one day: halfway, not at once", day, 12 * h, true},
		{"three hours: halfway", 3 * h, 90 * time.Minute, true},
		{"two hours: an hour after the offer", 2 * h, h, true},
		{"under two hours: none, it would come within the hour", 2*h - time.Minute, 0, false},
		{"already over: none", 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			at, ok := OfferReminder(offered, offered.Add(tt.runs))
			if ok != tt.remind {
				t.Fatalf("remind = %v, want %v", ok, tt.remind)
			}
			if ok && !at.Equal(offered.Add(tt.after)) {
				t.Errorf("reminder %s after the offer, want %s", at.Sub(offered), tt.after)
			}
		})
	}
}
