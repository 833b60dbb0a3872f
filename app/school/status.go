package school

import (
	"errors"
	"fmt"
)

// Status is where an application stands.
type Status string

const (
	StatusSubmitted  Status = "submitted"
	StatusAccepted   Status = "accepted" // offered a seat, not yet confirmed
	StatusConfirmed  Status = "confirmed"
	StatusWaitlisted Status = "waitlisted"
	StatusRejected   Status = "rejected"
	StatusDeclined   Status = "declined"
	StatusExpired    Status = "expired" // the offer was not confirmed in time
	StatusWithdrawn  Status = "withdrawn"
	StatusAttended   Status = "attended"
	StatusNoShow     Status = "no_show"
)

// Statuses lists every status in the order of an application's life.
var Statuses = []Status{StatusSubmitted, StatusAccepted, StatusConfirmed, StatusWaitlisted,
	StatusRejected, StatusDeclined, StatusExpired, StatusWithdrawn, StatusAttended, StatusNoShow}

// transitions lists, for each status, the statuses it may move to. Everything else is refused.
var transitions = map[Status][]Status{
	StatusSubmitted:  {StatusAccepted, StatusWaitlisted, StatusRejected, StatusWithdrawn, StatusConfirmed},
	StatusWaitlisted: {StatusAccepted, StatusRejected, StatusWithdrawn, StatusConfirmed},
	StatusAccepted:   {StatusConfirmed, StatusDeclined, StatusExpired, StatusWithdrawn},
	StatusConfirmed:  {StatusAttended, StatusNoShow, StatusWithdrawn},
}

// ErrTransition is returned for a status change the application's life does not allow.
var ErrTransition = errors.New("school: status change not allowed")

// CheckTransition says whether an application may move from one status to another.
// (submitted → confirmed and waitlisted → confirmed are the open-admission paths: a
// registration confirmed at once while seats last.)
func CheckTransition(from, to Status) error {
	for _, allowed := range transitions[from] {
		if allowed == to {
			return nil
		}
	}
	return fmt.Errorf("%w: %s → %s", ErrTransition, from, to)
}

// TakesSeat reports whether an application in this status holds one of the edition's seats.
func (s Status) TakesSeat() bool { return s == StatusAccepted || s == StatusConfirmed }

// FreesSeat reports whether moving from one status to another gives a seat back to the edition:
// a declined, expired or withdrawn place does; marking attendance after the event does not.
func FreesSeat(from, to Status) bool {
	return from.TakesSeat() && !to.TakesSeat() && to != StatusAttended && to != StatusNoShow
}

// Withdrawable reports whether the applicant may still withdraw.
func (s Status) Withdrawable() bool { return CheckTransition(s, StatusWithdrawn) == nil }

// AdmitOpen decides a registration to an open-admission edition: confirmed while seats last,
// else waitlisted after the last one waiting.
func AdmitOpen(seats, taken, lastRank int) (Status, int) {
	if taken < seats {
		return StatusConfirmed, 0
	}
	return StatusWaitlisted, lastRank + 1
}

// EmailOnEntering names the email an applicant gets when their application enters a status;
// "" sends none.
func EmailOnEntering(to Status) string {
	switch to {
	case StatusAccepted, StatusWaitlisted, StatusRejected:
		return "decision_" + string(to)
	case StatusConfirmed:
		return "place_confirmed"
	case StatusDeclined:
		return "place_declined"
	case StatusExpired:
		return "offer_expired"
	case StatusWithdrawn:
		return "withdrawn"
	}
	return ""
}

// SeatsHeld counts who holds an edition's seats: confirmed places, open offers, and
// acceptances staged but not yet released.
type SeatsHeld struct{ Confirmed, Offers, Staged int }

// Total is how many seats are held.
func (h SeatsHeld) Total() int { return h.Confirmed + h.Offers + h.Staged }

// Free is how many of seats nobody holds, to offer to the waiting list.
func (h SeatsHeld) Free(seats int) int { return max(0, seats-h.Total()) }

// SeatsBelowHeld refuses an edition fewer seats than are held.
type SeatsBelowHeld struct {
	Seats int
	Held  SeatsHeld
}

func (e *SeatsBelowHeld) Error() string {
	return fmt.Sprintf("school: %d seats, fewer than the %d held", e.Seats, e.Held.Total())
}

// CheckSeats says whether an edition may have seats seats while held ones are taken: an
// organiser cannot take back a confirmed place, an open offer or a staged acceptance by
// lowering the number (SeatsBelowHeld).
func CheckSeats(seats int, held SeatsHeld) error {
	if seats < held.Total() {
		return &SeatsBelowHeld{Seats: seats, Held: held}
	}
	return nil
}
