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
