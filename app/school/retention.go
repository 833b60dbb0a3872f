package school

import (
	"strconv"
	"time"
)

// DefaultRetentionMonths is how long personal data of applicants who were not selected is kept
// after an edition ends, when the edition says nothing else.
const DefaultRetentionMonths = 6

// Selected reports whether an application's applicant was chosen to take part. Their data is
// kept after the edition: certificates and the alumni directory need it.
func (s Status) Selected() bool {
	switch s {
	case StatusAccepted, StatusConfirmed, StatusAttended, StatusNoShow:
		return true
	}
	return false
}

// NotSelected lists the statuses whose personal data the retention period erases: all but the
// selected ones.
var NotSelected = func() []Status {
	var not []Status
	for _, s := range Statuses {
		if !s.Selected() {
			not = append(not, s)
		}
	}
	return not
}()

// EndedAt is the first instant after the edition: midnight in Prague after its last day.
func (e Edition) EndedAt() time.Time {
	y, m, d := e.EndsOn.Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, Prague)
}

// PurgeAt is when the personal data of the edition's applicants who were not selected is
// erased: the retention period after the edition ended, at midnight in Prague. A month is a
// calendar month; a day the month lacks (31 August + 6 months) moves to the month's last day.
func (e Edition) PurgeAt() time.Time {
	months := e.RetentionMonths
	if months <= 0 {
		months = DefaultRetentionMonths
	}
	end := e.EndedAt()
	y, m, d := end.Date()
	first := time.Date(y, m+time.Month(months), 1, 0, 0, 0, 0, Prague)
	last := first.AddDate(0, 1, -1).Day()
	return time.Date(first.Year(), first.Month(), min(d, last), 0, 0, 0, 0, Prague)
}

// PurgeDue reports whether the retention period of the edition is over at now. A draft without
// dates has not ended.
func (e Edition) PurgeDue(now time.Time) bool {
	return !e.EndsOn.IsZero() && !now.Before(e.PurgeAt())
}

// ErasedPlaceholder is the email address an erased application keeps: unique per application,
// as an edition takes one application per address, and undeliverable (RFC 2606's .invalid).
func ErasedPlaceholder(id int64) string {
	return "erased-" + strconv.FormatInt(id, 10) + "@invalid"
}
