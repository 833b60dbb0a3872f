package app

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"registrar/app/school"
	"registrar/app/testkit"
	"registrar/db"
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
			// The page that asks once more says where the place goes.
			for lang, want := range map[string][]string{
				"en": {"if you hold a place, it goes to the next applicant", "a place you hold is not offered to anyone else"},
				"cs": {"pokud máte místo, nabídneme ho dalšímu uchazeči", "místo, pokud ho máte, už nikomu dalšímu nenabídneme"},
			} {
				_, body := v.get(t, page+"/withdraw?lang="+lang)
				said := want[1]
				if tc.offered {
					said = want[0]
				}
				wantText(t, body, said)
			}
			f := v.openForm(t, page+"/withdraw?lang=en", page+"/withdraw")
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

	// A school that begins while an offer is open: declining it frees the place for nobody, and
	// the page that asks once more says so.
	t.Run("declining once the school has begun", func(t *testing.T) {
		t.Parallel()
		clock := testkit.NewClock(demoNow)
		ts := newTestServerAt(t, clock.Now)
		r := releaseOffers(t, ts, "soon-2027", 1, 1)
		e := r.e
		e.StartsOn, e.EndsOn = time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)
		if _, err := ts.store.SaveEdition(context.Background(), db.EditionDraft{Edition: e, Actor: "test"}, demoNow); err != nil {
			t.Fatal(err)
		}
		page := "/status/" + statusLinkOf(t, lastEmail(t, ts, r.accepted[0].ID))
		clock.Set(prague(2026, 11, 30, 9))
		for lang, want := range map[string]string{
			"en": "The school has begun, so the place you decline is not offered to anyone else.",
			"cs": "Akce už začala, proto odmítnuté místo už nikomu dalšímu nenabídneme.",
		} {
			_, body := ts.visitor().get(t, page+"/decline?lang="+lang)
			wantText(t, body, want)
		}
		resp, body := answerOfferFromEmail(t, ts, r.accepted[0], "decline")
		wantStatus(t, resp, body, http.StatusSeeOther)
		if got := templatesOf(emailsOf(t, ts, r.waiting[0].ID)); slices.Contains(got, "decision_accepted") {
			t.Errorf("the first on the waiting list was offered the declined seat: %v", got)
		}
	})
}

// Seats added in the editor once the school has begun go to nobody on the waiting list, as a
// seat freed then does; before its first day they are offered as ever.
func TestSeatsRaisedOnceTheSchoolHasBegunAreOfferedToNobody(t *testing.T) {
	t.Parallel()
	clock := testkit.NewClock(demoNow)
	ts := newTestServerAt(t, clock.Now)
	r := releaseOffers(t, ts, "grow-late-2027", 1, 1, 2)
	clock.Set(time.Date(2027, 8, 24, 9, 0, 0, 0, school.Prague).UTC())
	organiser := signIn(t, ts, "organiser-grow-late-2027@school.test") // the session of months ago ended
	resp, body := saveSeats(t, organiser, r.e, 3, "en")
	wantStatus(t, resp, body, http.StatusSeeOther)
	for _, a := range r.waiting {
		if st := statusOf(t, ts, a.ID).Status; st != school.StatusWaitlisted {
			t.Errorf("%s is %s after the seats were raised during the school", a.GivenName, st)
		}
		if got := templatesOf(emailsOf(t, ts, a.ID)); slices.Contains(got, "decision_accepted") {
			t.Errorf("%s was offered a seat during the school: %v", a.GivenName, got)
		}
	}
}
