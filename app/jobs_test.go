package app

import (
	"context"
	"testing"
	"time"

	"registrar/app/school"
	"registrar/app/testkit"
)

func TestAnOfferAboutToLapseIsRemindedOnce(t *testing.T) {
	t.Parallel()
	clock := testkit.NewClock(demoNow)
	ts := newTestServerWith(t, clock.Now, nil)
	e := createSelectionEdition(t, ts, "reminded-2027", 2)
	a := createApplicant(t, ts, e, "Zarina", "cs")
	a = setStatus(t, ts, e, a.ID, school.StatusAccepted)
	ctx := context.Background()
	reminders := func() int {
		n := 0
		for _, m := range emailsOf(t, ts, a.ID) {
			if m.Template == "offer_reminder" {
				n++
			}
		}
		return n
	}

	// Three days before the offer lapses: too early.
	clock.Set(a.OfferExpiresAt.Add(-72 * time.Hour))
	if err := ts.jobs().RemindOffers(ctx); err != nil {
		t.Fatal(err)
	}
	if n := reminders(); n != 0 {
		t.Fatalf("%d reminders three days ahead, want none", n)
	}

	// A day before: one reminder, in Czech, with the deadline; a second run sends no more.
	clock.Set(a.OfferExpiresAt.Add(-24 * time.Hour))
	for range 2 {
		if err := ts.jobs().RemindOffers(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if n := reminders(); n != 1 {
		t.Fatalf("%d reminders, want exactly 1", n)
	}
	last := lastEmail(t, ts, a.ID)
	wantText(t, last.Subject, "Připomenutí")
	wantText(t, last.Text, "23:59", "/status/")

	// Once confirmed, nobody is reminded of it again.
	b := createApplicant(t, ts, e, "Bakyt", "en")
	b = setStatus(t, ts, e, b.ID, school.StatusAccepted)
	setStatus(t, ts, e, b.ID, school.StatusConfirmed)
	clock.Set(b.OfferExpiresAt.Add(-time.Hour))
	if err := ts.jobs().RemindOffers(ctx); err != nil {
		t.Fatal(err)
	}
	for _, m := range emailsOf(t, ts, b.ID) {
		if m.Template == "offer_reminder" {
			t.Error("a confirmed place was reminded")
		}
	}
}
