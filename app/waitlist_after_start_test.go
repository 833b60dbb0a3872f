package app

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"registrar/app/school"
	"registrar/app/testkit"
)

// A seat freed once the school has begun goes to nobody: an offer then would ask someone to
// confirm, and travel, for a school already under way or over. Before its first day the seat
// is offered as ever.
func TestASeatFreedOnceTheSchoolHasBegunIsOfferedToNobody(t *testing.T) {
	t.Parallel()
	prague := func(y int, m time.Month, d, h int) time.Time {
		return time.Date(y, m, d, h, 0, 0, 0, school.Prague).UTC()
	}
	// The school runs from 23 to 27 August 2027.
	for _, tc := range []struct {
		name    string
		at      time.Time
		offered bool
	}{
		{"the evening before its first day", prague(2027, 8, 22, 23), true},
		{"on its first morning", prague(2027, 8, 23, 0), false},
		{"on its last day", prague(2027, 8, 27, 18), false},
		{"after it ended", prague(2027, 9, 3, 10), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			clock := testkit.NewClock(demoNow)
			ts := newTestServerAt(t, clock.Now)
			r := releaseOffers(t, ts, "late-2027", 1, 1)
			a, waiting := r.accepted[0], r.waiting[0]
			page := "/status/" + statusLinkOf(t, lastEmail(t, ts, a.ID))
			waitingPage := "/status/" + statusLinkOf(t, lastEmail(t, ts, waiting.ID))
			resp, body := answerOfferFromEmail(t, ts, a, "confirm")
			wantStatus(t, resp, body, http.StatusSeeOther)

			clock.Set(tc.at)
			v := ts.visitor()
			f := v.openForm(t, page+"/withdraw", page+"/withdraw")
			resp, body = v.submit(t, f, nil)
			wantStatus(t, resp, body, http.StatusSeeOther)
			if st := statusOf(t, ts, a.ID).Status; st != school.StatusWithdrawn {
				t.Fatalf("the participant is %s after withdrawing", st)
			}

			got := statusOf(t, ts, waiting.ID)
			emails := templatesOf(emailsOf(t, ts, waiting.ID))
			offered := slices.Contains(emails, "decision_accepted")
			if offered != tc.offered || (got.Status == school.StatusAccepted) != tc.offered {
				t.Errorf("the first on the waiting list is %s with emails %v; offered %v, want %v",
					got.Status, emails, offered, tc.offered)
			}
			if tc.offered {
				return
			}
			if got.Status != school.StatusWaitlisted || got.WaitlistRank != 1 {
				t.Errorf("the first on the waiting list is %s (rank %d), want still first", got.Status, got.WaitlistRank)
			}
			// Their status page no longer promises an offer.
			for lang, want := range map[string]string{
				"en": "The school has begun, so no more places are offered from the waiting list.",
				"cs": "Akce už začala, proto z čekací listiny žádná další místa nenabízíme.",
			} {
				_, body := ts.visitor().get(t, waitingPage+"?lang="+lang)
				wantText(t, body, want)
			}
		})
	}

	// An offer lapsing once the school has begun frees its seat for nobody either.
	t.Run("an offer lapsing on the first day", func(t *testing.T) {
		t.Parallel()
		clock := testkit.NewClock(demoNow)
		ts := newTestServerAt(t, clock.Now)
		r := releaseOffers(t, ts, "lapse-2027", 1, 1)
		clock.Set(prague(2027, 8, 23, 9))
		if err := ts.jobs().ExpireOffers(context.Background()); err != nil {
			t.Fatal(err)
		}
		if st := statusOf(t, ts, r.accepted[0].ID).Status; st != school.StatusExpired {
			t.Fatalf("the offer is %s", st)
		}
		if got := templatesOf(emailsOf(t, ts, r.waiting[0].ID)); slices.Contains(got, "decision_accepted") {
			t.Errorf("the first on the waiting list was offered the seat: %v", got)
		}
	})
}
