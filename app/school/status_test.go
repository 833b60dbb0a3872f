package school

import (
	"errors"
	"testing"
)

// allowedTransitions is the state diagram of ../shared/DESIGN.md ("Application states"), written
// out by hand rather than read from the code it checks:
//
//	submitted ──(decisions released)──> accepted ──confirm──> confirmed ──> attended / no_show
//	accepted ──decline / offer expired──> declined / expired
//	submitted ──> waitlisted(rank) ──(seat frees)──> accepted
//	submitted ──> rejected; waitlisted ──> rejected when the edition closes
//	withdrawn by the applicant from submitted, waitlisted, accepted or confirmed
//
// and the open-admission paths of the same section: a registration "becomes confirmed while
// seats last, else waitlisted", and a seat freed in an open edition goes straight to the next
// waitlisted registration as a confirmed place (no offer to answer).
var allowedTransitions = map[[2]Status]bool{
	{StatusSubmitted, StatusAccepted}:   true,
	{StatusSubmitted, StatusWaitlisted}: true,
	{StatusSubmitted, StatusRejected}:   true,
	{StatusSubmitted, StatusWithdrawn}:  true,
	{StatusSubmitted, StatusConfirmed}:  true, // open admission

	{StatusWaitlisted, StatusAccepted}:  true,
	{StatusWaitlisted, StatusRejected}:  true,
	{StatusWaitlisted, StatusWithdrawn}: true,
	{StatusWaitlisted, StatusConfirmed}: true, // open admission

	{StatusAccepted, StatusConfirmed}: true,
	{StatusAccepted, StatusDeclined}:  true,
	{StatusAccepted, StatusExpired}:   true,
	{StatusAccepted, StatusWithdrawn}: true,

	{StatusConfirmed, StatusAttended}:  true,
	{StatusConfirmed, StatusNoShow}:    true,
	{StatusConfirmed, StatusWithdrawn}: true,
}

func TestEveryTransitionOfTheStateDiagramIsAllowedAndNoOther(t *testing.T) {
	if len(Statuses) != 10 {
		t.Fatalf("%d statuses: a status was added; extend allowedTransitions from DESIGN.md", len(Statuses))
	}
	allowed := 0
	for _, from := range Statuses {
		for _, to := range Statuses {
			err := CheckTransition(from, to)
			switch {
			case allowedTransitions[[2]Status{from, to}]:
				allowed++
				if err != nil {
					t.Errorf("%s → %s is in the state diagram but refused: %v", from, to, err)
				}
			case err == nil:
				t.Errorf("%s → %s is not in the state diagram but allowed", from, to)
			case !errors.Is(err, ErrTransition):
				t.Errorf("%s → %s refused with %v, not ErrTransition", from, to, err)
			}
		}
	}
	if allowed != len(allowedTransitions) {
		t.Errorf("checked %d allowed transitions, the table has %d", allowed, len(allowedTransitions))
	}
}

func TestUnknownStatusesCannotMoveOrBeReached(t *testing.T) {
	for _, pair := range [][2]Status{{"", StatusAccepted}, {StatusSubmitted, ""},
		{"archived", StatusAccepted}, {StatusSubmitted, "certificate"}} {
		if err := CheckTransition(pair[0], pair[1]); !errors.Is(err, ErrTransition) {
			t.Errorf("%q → %q: %v, want ErrTransition", pair[0], pair[1], err)
		}
	}
}

func TestSeatsAreHeldByOpenOffersAndConfirmedPlaces(t *testing.T) {
	for _, st := range Statuses {
		want := st == StatusAccepted || st == StatusConfirmed
		if st.TakesSeat() != want {
			t.Errorf("%s.TakesSeat() = %v", st, !want)
		}
		wantWithdrawable := st == StatusSubmitted || st == StatusWaitlisted || st == StatusAccepted || st == StatusConfirmed
		if st.Withdrawable() != wantWithdrawable {
			t.Errorf("%s.Withdrawable() = %v", st, !wantWithdrawable)
		}
	}
}

func TestOnlyAPlaceGivenUpFreesASeatForTheWaitingList(t *testing.T) {
	for _, tc := range []struct {
		from, to Status
		want     bool
	}{
		{StatusAccepted, StatusDeclined, true},
		{StatusAccepted, StatusExpired, true},
		{StatusAccepted, StatusWithdrawn, true},
		{StatusConfirmed, StatusWithdrawn, true},
		{StatusAccepted, StatusConfirmed, false},
		{StatusConfirmed, StatusAttended, false}, // the event has happened: no seat to give
		{StatusConfirmed, StatusNoShow, false},
		{StatusWaitlisted, StatusWithdrawn, false},
		{StatusSubmitted, StatusRejected, false},
	} {
		if got := FreesSeat(tc.from, tc.to); got != tc.want {
			t.Errorf("FreesSeat(%s, %s) = %v", tc.from, tc.to, got)
		}
	}
}

func TestEmailOnEnteringEachStatus(t *testing.T) {
	want := map[Status]string{
		StatusSubmitted:  "", // the receipt is sent by the submission itself
		StatusAccepted:   "decision_accepted",
		StatusWaitlisted: "decision_waitlisted",
		StatusRejected:   "decision_rejected",
		StatusConfirmed:  "place_confirmed",
		StatusDeclined:   "place_declined",
		StatusExpired:    "offer_expired",
		StatusWithdrawn:  "withdrawn",
		StatusAttended:   "",
		StatusNoShow:     "",
	}
	if len(want) != len(Statuses) {
		t.Fatalf("the table covers %d of %d statuses", len(want), len(Statuses))
	}
	for _, st := range Statuses {
		if got := EmailOnEntering(st); got != want[st] {
			t.Errorf("EmailOnEntering(%s) = %q, want %q", st, got, want[st])
		}
	}
}

func TestSeatsMayNotGoBelowThoseHeld(t *testing.T) {
	held := SeatsHeld{Confirmed: 8, Offers: 3, Staged: 1}
	tests := []struct {
		seats int
		ok    bool
		free  int
	}{{11, false, 0}, {12, true, 0}, {15, true, 3}}
	for _, tt := range tests {
		err := CheckSeats(tt.seats, held)
		var below *SeatsBelowHeld
		if (err == nil) != tt.ok || (err != nil && (!errors.As(err, &below) || below.Held != held)) {
			t.Errorf("%d seats: %v", tt.seats, err)
		}
		if f := held.Free(tt.seats); f != tt.free {
			t.Errorf("%d seats: %d free, want %d", tt.seats, f, tt.free)
		}
	}
}
