package school

import "time"

// OfferExpiry is the last minute to confirm an offer made at now: 23:59 Prague time offerDays
// later, inclusive like every deadline.
func OfferExpiry(now time.Time, offerDays int) time.Time {
	if offerDays <= 0 {
		offerDays = 7
	}
	y, m, d := now.In(Prague).AddDate(0, 0, offerDays).Date()
	return time.Date(y, m, d, 23, 59, 0, 0, Prague).UTC()
}

// OfferLapsed reports whether an offer expiring at expires can no longer be confirmed at now.
func OfferLapsed(expires, now time.Time) bool {
	return !expires.IsZero() && !now.Before(expires.Add(time.Minute))
}

// OfferReminder is when the applicant offered a seat at offered, to confirm by expires, is
// reminded of it: two days before the end of an offer longer than four days, else halfway
// through it. A reminder within an hour of the offer would repeat the offer itself, so an offer
// shorter than two hours gets none (ok is false).
func OfferReminder(offered, expires time.Time) (at time.Time, ok bool) {
	runs := expires.Sub(offered)
	if runs > 4*24*time.Hour {
		at = expires.Add(-48 * time.Hour)
	} else {
		at = offered.Add(runs / 2)
	}
	if at.Sub(offered) < time.Hour {
		return time.Time{}, false
	}
	return at, true
}
