package app

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"registrar/app/school"
	"registrar/app/testkit"
	"registrar/db"
)

// rankOf is an application's waiting-list rank as stored, failing unless it is waitlisted.
func rankOf(t testing.TB, ts *testServer, a school.Application) int {
	t.Helper()
	now := statusOf(t, ts, a.ID)
	if now.Status != school.StatusWaitlisted {
		t.Fatalf("%s is %s, not on the waiting list", a.GivenName, now.Status)
	}
	return now.WaitlistRank
}

func TestASecondApplicantAtRankOneMovesTheFirstDown(t *testing.T) {
	t.Parallel()
	ts, e, v := organiserOfSelection(t, "ranks-2027", 1)
	anna := createApplicant(t, ts, e, "Anna", "en")
	ben := createApplicant(t, ts, e, "Ben", "cs")

	stageOK(t, v, anna.ID, school.StatusWaitlisted, 1)
	stageOK(t, v, ben.ID, school.StatusWaitlisted, 1)
	staged, err := ts.store.StagedDecisions(context.Background(), e.ID)
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, d := range staged {
		order = append(order, d.Reference+"@"+strconv.Itoa(d.WaitlistRank))
	}
	if want := []string{ben.Reference + "@1", anna.Reference + "@2"}; strings.Join(order, " ") != strings.Join(want, " ") {
		t.Fatalf("staged %v, want %v", order, want)
	}
	resp, body := release(t, v, e.ID)
	wantStatus(t, resp, body, http.StatusSeeOther)
	if r := rankOf(t, ts, ben); r != 1 {
		t.Errorf("Ben is number %d, want 1", r)
	}
	if r := rankOf(t, ts, anna); r != 2 {
		t.Errorf("Anna is number %d, want 2", r)
	}
	wantText(t, lastEmail(t, ts, anna.ID).Text, "you are number 2 on the waiting list")
	wantText(t, lastEmail(t, ts, ben.ID).Text, "vaše pořadí na ní je 1.")

	// Later Cleo is put at rank 1 too: those already waiting move down, and her email says 1;
	// Dora, staged at 10, is placed at the end of the list, and her email says so.
	cleo := createApplicant(t, ts, e, "Cleo", "en")
	dora := createApplicant(t, ts, e, "Dora", "en")
	stageOK(t, v, cleo.ID, school.StatusWaitlisted, 1)
	stageOK(t, v, dora.ID, school.StatusWaitlisted, 10)
	resp, body = release(t, v, e.ID)
	wantStatus(t, resp, body, http.StatusSeeOther)
	for want, a := range []school.Application{cleo, ben, anna, dora} {
		if r := rankOf(t, ts, a); r != want+1 {
			t.Errorf("%s is number %d, want %d", a.GivenName, r, want+1)
		}
	}
	wantText(t, lastEmail(t, ts, cleo.ID).Text, "you are number 1 on the waiting list")
	wantText(t, lastEmail(t, ts, dora.ID).Text, "you are number 4 on the waiting list")

	// Leaving the list closes the gap: Ben withdraws, Anna moves up to 2.
	setStatus(t, ts, e, ben.ID, school.StatusWithdrawn)
	for want, a := range []school.Application{cleo, anna, dora} {
		if r := rankOf(t, ts, a); r != want+1 {
			t.Errorf("after Ben withdrew %s is number %d, want %d", a.GivenName, r, want+1)
		}
	}

	// One release that both takes Cleo off the list (offered the seat) and puts Eve at 2: Eve's
	// email says the rank she holds once Cleo has left, not one that shifts after it was sent.
	eve := createApplicant(t, ts, e, "Eve", "en")
	stageOK(t, v, cleo.ID, school.StatusAccepted, 0)
	stageOK(t, v, eve.ID, school.StatusWaitlisted, 2)
	resp, body = release(t, v, e.ID)
	wantStatus(t, resp, body, http.StatusSeeOther)
	for want, a := range []school.Application{anna, eve, dora} {
		if r := rankOf(t, ts, a); r != want+1 {
			t.Errorf("after the release %s is number %d, want %d", a.GivenName, r, want+1)
		}
	}
	wantText(t, lastEmail(t, ts, eve.ID).Text, "you are number 2 on the waiting list")
}

// saveSeats saves the edition editor with another number of seats in person.
func saveSeats(t testing.TB, v *visitor, e school.Edition, seats int, lang string) (*http.Response, string) {
	t.Helper()
	f := v.openForm(t, editionPath(e.ID, "/edit?lang="+lang), editionPath(e.ID, "/edit"))
	return v.submit(t, f, url.Values{"seats_in_person": {strconv.Itoa(seats)}})
}

func TestRaisingTheSeatsOffersThemToTheWaitingList(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	r := releaseOffers(t, ts, "grow-2027", 1, 1, 2, 3)
	resp, body := saveSeats(t, r.organiser, r.e, 3, "en")
	wantStatus(t, resp, body, http.StatusSeeOther)
	for _, a := range r.waiting[:2] {
		if st := statusOf(t, ts, a.ID).Status; st != school.StatusAccepted {
			t.Errorf("%s is %s after two seats were added, want an offer", a.GivenName, st)
		}
		if m := lastEmail(t, ts, a.ID); m.Template != "decision_accepted" {
			t.Errorf("%s's last email is %s, want the offer", a.GivenName, m.Template)
		}
	}
	if rk := rankOf(t, ts, r.waiting[2]); rk != 1 {
		t.Errorf("the third waiting is number %d, want 1", rk)
	}

	// Where promotion is manual, added seats wait for the organiser.
	ctx := context.Background()
	m := releaseOffers(t, ts, "grow-manual-2027", 1, 1)
	e, err := ts.store.EditionByID(ctx, m.e.ID)
	if err != nil {
		t.Fatal(err)
	}
	e.ManualWaitlist = true
	if _, err := ts.store.SaveEdition(ctx, db.EditionDraft{Edition: e, Actor: db.ActorSystem}, ts.now()); err != nil {
		t.Fatal(err)
	}
	resp, body = saveSeats(t, m.organiser, e, 2, "en")
	wantStatus(t, resp, body, http.StatusSeeOther)
	if rk := rankOf(t, ts, m.waiting[0]); rk != 1 {
		t.Errorf("with manual promotion the waiting applicant is number %d, want still 1", rk)
	}
	// Turning automatic promotion on offers the seat that waited.
	e, err = ts.store.EditionByID(ctx, m.e.ID)
	if err != nil {
		t.Fatal(err)
	}
	e.ManualWaitlist = false
	if _, err := ts.store.SaveEdition(ctx, db.EditionDraft{Edition: e, Actor: db.ActorSystem, Render: ts.renderer(t, e)}, ts.now()); err != nil {
		t.Fatal(err)
	}
	if m := lastEmail(t, ts, m.waiting[0].ID); m.Template != "decision_accepted" {
		t.Errorf("after promotion became automatic the waiting applicant's last email is %s, want the offer", m.Template)
	}
}

func TestLoweringTheSeatsBelowWhatIsTakenIsRefusedSayingByWhom(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	r := releaseOffers(t, ts, "shrink-2027", 3)
	setStatus(t, ts, r.e, r.accepted[0].ID, school.StatusConfirmed)
	resp, body := saveSeats(t, r.organiser, r.e, 4, "en")
	wantStatus(t, resp, body, http.StatusSeeOther)
	late := createApplicant(t, ts, r.e, "Late", "en")
	stageOK(t, r.organiser, late.ID, school.StatusAccepted, 0)

	resp, body = saveSeats(t, r.organiser, r.e, 3, "en")
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	wantText(t, testkit.MainText(t, body),
		"4 seats are taken: 1 confirmed, 2 open offers, 1 staged acceptance — you can't go below 4.")
	resp, body = saveSeats(t, r.organiser, r.e, 2, "cs")
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	wantText(t, testkit.MainText(t, body),
		"Obsazena jsou 4 místa: 1 potvrzené, 2 otevřené nabídky, 1 připravené přijetí — méně než 4 nastavit nelze.")
	if e, _ := ts.store.EditionByID(context.Background(), r.e.ID); e.Seats() != 4 {
		t.Errorf("a refused change left %d seats, want 4", e.Seats())
	}
	// Down to exactly what is taken is fine.
	resp, body = saveSeats(t, r.organiser, r.e, 4, "en")
	wantStatus(t, resp, body, http.StatusSeeOther)
}

func TestReleasePreviewWarnsWhenStagedDecisionsNoLongerFit(t *testing.T) {
	t.Parallel()
	ts, e, v := organiserOfSelection(t, "no-fit-2027", 2)
	anna := createApplicant(t, ts, e, "Anna", "en")
	ben := createApplicant(t, ts, e, "Ben", "en")
	cleo := createApplicant(t, ts, e, "Cleo", "en")
	stageOK(t, v, anna.ID, school.StatusAccepted, 0)
	stageOK(t, v, ben.ID, school.StatusAccepted, 0)
	// Meanwhile a seat is given outside the staged decisions.
	setStatus(t, ts, e, cleo.ID, school.StatusAccepted)

	page := "/admin/editions/" + strconv.FormatInt(e.ID, 10) + "/decisions?lang=en"
	_, body := v.get(t, page)
	wantText(t, testkit.MainText(t, body), "The staged decisions no longer fit the seats",
		"Staged acceptances: 2. Free seats: 1 of 2.")
	if !strings.Contains(body, `disabled`) {
		t.Errorf("the release button is not disabled:\n%s", testkit.MainText(t, body))
	}
	// A release sent anyway (from a page opened before) is refused on a page that explains it.
	resp, body := v.post(t, "/admin/editions/"+strconv.FormatInt(e.ID, 10)+"/decisions?lang=en", page,
		url.Values{"_csrf": {v.token(t)}, "confirm": {"yes"}})
	wantStatus(t, resp, body, http.StatusConflict)
	wantText(t, testkit.MainText(t, body), "Nothing was released", "The staged decisions no longer fit the seats",
		anna.Reference)
}

func TestAOneDayOfferIsRemindedAfterTwelveHoursNotAtOnce(t *testing.T) {
	t.Parallel()
	offered := time.Date(2027, 7, 1, 21, 59, 40, 0, time.UTC) // 23:59:40 in Prague
	clock := testkit.NewClock(offered)
	ts := newTestServerWith(t, clock.Now, nil)
	ctx := context.Background()
	e := createSelectionEdition(t, ts, "one-day-2027", 2)
	e.OfferDays = 1
	if _, err := ts.store.SaveEdition(ctx, db.EditionDraft{Edition: e, Actor: db.ActorSystem}, offered); err != nil {
		t.Fatal(err)
	}
	a := createApplicant(t, ts, e, "Quick", "en")
	a = setStatus(t, ts, e, a.ID, school.StatusAccepted)
	if runs := a.OfferExpiresAt.Sub(offered); runs > 25*time.Hour {
		t.Fatalf("the offer runs %s, want about a day", runs)
	}
	reminded := func(after time.Duration) bool {
		clock.Set(offered.Add(after))
		if err := ts.jobs().RemindOffers(ctx); err != nil {
			t.Fatal(err)
		}
		for _, m := range emailsOf(t, ts, a.ID) {
			if m.Template == "offer_reminder" {
				return true
			}
		}
		return false
	}
	for _, after := range []time.Duration{20 * time.Second, time.Hour, 11*time.Hour + 59*time.Minute} {
		if reminded(after) {
			t.Fatalf("reminded %s after a one-day offer", after)
		}
	}
	if !reminded(12 * time.Hour) {
		t.Error("not reminded 12 hours into a one-day offer")
	}
}

func TestStatusPageShowsTheCurrentWaitlistRank(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	r := releaseOffers(t, ts, "rank-page-2027", 1, 1, 2, 3)
	third := r.waiting[2]
	page := "/status/" + statusLinkOf(t, lastEmail(t, ts, third.ID))
	v := ts.visitor()
	see := func(lang, want string) {
		t.Helper()
		resp, body := v.get(t, page+"?lang="+lang)
		wantStatus(t, resp, body, http.StatusOK)
		wantText(t, testkit.MainText(t, body), want)
	}
	see("en", "You are number 3 on the waiting list.")
	see("cs", "Vaše pořadí na čekací listině je 3.")
	// Someone ahead withdraws, and the one offered a seat declines: the third moves up twice.
	setStatus(t, ts, r.e, r.waiting[0].ID, school.StatusWithdrawn)
	see("en", "You are number 2 on the waiting list.")
	resp, body := answerOfferFromEmail(t, ts, r.accepted[0], "decline")
	wantStatus(t, resp, body, http.StatusSeeOther)
	see("en", "You are number 1 on the waiting list.")
}

// The list's bulk action puts those it sends to the waiting list after those already waiting,
// unless the organiser gives a first rank: nobody told "you are number 1" is moved down unasked.
func TestBulkWaitingListJoinsTheEndUnlessARankIsGiven(t *testing.T) {
	t.Parallel()
	ts, e, v := organiserOfSelection(t, "bulk-ranks-2027", 1)
	first := createApplicant(t, ts, e, "Anna", "en")
	second := createApplicant(t, ts, e, "Ben", "en")
	third := createApplicant(t, ts, e, "Cleo", "en")
	fourth := createApplicant(t, ts, e, "Dan", "en")
	stageOK(t, v, first.ID, school.StatusWaitlisted, 1)
	resp, body := release(t, v, e.ID)
	wantStatus(t, resp, body, http.StatusSeeOther)

	list := "/admin/editions/" + strconv.FormatInt(e.ID, 10) + "/applications"
	bulk := "/admin/editions/" + strconv.FormatInt(e.ID, 10) + "/bulk"
	resp, body = v.post(t, bulk, list, url.Values{"_csrf": {v.token(t)}, "action": {"waitlisted"},
		"ids": {strconv.FormatInt(second.ID, 10), strconv.FormatInt(third.ID, 10)}, "first_rank": {""}})
	wantStatus(t, resp, body, http.StatusSeeOther)
	resp, body = v.post(t, bulk, list, url.Values{"_csrf": {v.token(t)}, "action": {"waitlisted"},
		"ids": {strconv.FormatInt(fourth.ID, 10)}, "first_rank": {"1"}})
	wantStatus(t, resp, body, http.StatusSeeOther)
	resp, body = release(t, v, e.ID)
	wantStatus(t, resp, body, http.StatusSeeOther)
	for want, a := range []school.Application{fourth, first, second, third} {
		if got := statusOf(t, ts, a.ID).WaitlistRank; got != want+1 {
			t.Errorf("%s is number %d on the waiting list, want %d", a.GivenName, got, want+1)
		}
	}
}

// organiserOfSelection is a server with a small selective edition of seats and its organiser,
// signed in.
func organiserOfSelection(t *testing.T, slug string, seats int) (*testServer, school.Edition, *visitor) {
	t.Helper()
	ts := newTestServer(t)
	e := createSelectionEdition(t, ts, slug, seats)
	organiser := createUser(t, ts, "organiser@school.test", school.RoleOrganiser)
	return ts, e, signIn(t, ts, organiser.Email)
}
