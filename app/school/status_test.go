package school

import (
	"errors"
	"testing"
	"time"
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
