package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"registrar/app/school"
	"registrar/app/testkit"
	"registrar/db"
)

// createSelectionEdition stores a published summer school that selects its participants, with
// seats seats and a call open on demoNow.
func createSelectionEdition(t testing.TB, ts *testServer, slug string, seats int) school.Edition {
	t.Helper()
	ctx := context.Background()
	series, err := ts.store.CreateSeries(ctx, school.Series{Slug: "series-" + slug, NameEN: "Small schools", NameCS: "Malé školy"})
	if err != nil {
		t.Fatal(err)
	}
	e := school.Edition{SeriesID: series, Slug: slug, Year: 2027, Kind: school.KindSummerSchool,
		TitleEN: "Small Summer School " + slug, TitleCS: "Malá letní škola " + slug,
		StartsOn: time.Date(2027, 8, 23, 0, 0, 0, 0, time.UTC), EndsOn: time.Date(2027, 8, 27, 0, 0, 0, 0, time.UTC),
		Venue: "Charles University", City: "Prague", Mode: school.ModeInPerson, Language: "en", Currency: "EUR",
		SeatsInPerson: seats, OpensAt: demoNow.Add(-24 * time.Hour), ClosesAt: demoNow.Add(30 * 24 * time.Hour),
		Admission: school.AdmissionSelection, OfferDays: 7, Status: school.EditionPublished,
		OptionalFields: school.OptionalFields}
	if e.ID, err = ts.store.CreateEdition(ctx, e); err != nil {
		t.Fatal(err)
	}
	if e, err = ts.store.EditionByID(ctx, e.ID); err != nil {
		t.Fatal(err)
	}
	return e
}

// createApplicant stores a submitted application straight through the store, with its receipt.
func createApplicant(t testing.TB, ts *testServer, e school.Edition, given, lang string) school.Application {
	t.Helper()
	a, err := ts.store.CreateApplication(context.Background(), e, school.Application{Lang: lang,
		Email: strings.ToLower(given) + "@example.org", GivenName: given, FamilyName: "Tester",
		Nationality: "CZ", Residence: "CZ", Sector: "student", Institution: "Charles University",
		Motivation: "Comparative research."}, "", ts.now(), ts.renderer(t, e))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// setStatus moves an application through the one transition, as the system.
func setStatus(t testing.TB, ts *testServer, e school.Edition, id int64, to school.Status) school.Application {
	t.Helper()
	a, err := ts.store.TransitionApplication(context.Background(), id, to, db.ActorSystem, ts.now(), ts.renderer(t, e))
	if err != nil {
		t.Fatalf("application %d to %s: %v", id, to, err)
	}
	return a
}

func statusOf(t testing.TB, ts *testServer, id int64) school.Application {
	t.Helper()
	a, err := ts.store.Application(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// stage stages a decision through the application page's form, as the organiser.
func stage(t testing.TB, v *visitor, appID int64, decision school.Status, rank int) (*http.Response, string) {
	t.Helper()
	page := "/admin/applications/" + strconv.FormatInt(appID, 10)
	f := v.openForm(t, page, page+"/decision")
	change := url.Values{"decision": {string(decision)}}
	if rank > 0 {
		change["rank"] = []string{strconv.Itoa(rank)}
	}
	return v.submit(t, f, change)
}

func stageOK(t testing.TB, v *visitor, appID int64, decision school.Status, rank int) {
	t.Helper()
	resp, body := stage(t, v, appID, decision, rank)
	wantStatus(t, resp, body, http.StatusSeeOther)
	if loc := resp.Header.Get("Location"); !strings.HasSuffix(loc, "?done=staged") {
		t.Fatalf("staging led to %q", loc)
	}
}

// release releases an edition's staged decisions through the decisions page's form, its box
// ticked to confirm.
func release(t testing.TB, v *visitor, editionID int64) (*http.Response, string) {
	t.Helper()
	page := "/admin/editions/" + strconv.FormatInt(editionID, 10) + "/decisions"
	f := v.openForm(t, page, page)
	return v.submit(t, f, url.Values{"confirm": {"yes"}})
}

// lastEmail is the newest email queued for an application.
func lastEmail(t testing.TB, ts *testServer, id int64) db.OutboxMessage {
	t.Helper()
	msgs := emailsOf(t, ts, id)
	if len(msgs) == 0 {
		t.Fatalf("no email for application %d", id)
	}
	return msgs[len(msgs)-1]
}

// statusLinkOf is the status link's secret in an email.
func statusLinkOf(t testing.TB, m db.OutboxMessage) string {
	t.Helper()
	link := statusLinkInEmail.FindStringSubmatch(m.Text)
	if link == nil {
		t.Fatalf("the %s email has no status link:\n%s", m.Template, m.Text)
	}
	return link[1]
}

func TestReleasedDecisionsSendOneEmailEachInTheApplicantsLanguage(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	e := createSelectionEdition(t, ts, "small-2027", 2)
	organiser := createUser(t, ts, "organiser@school.test", school.RoleOrganiser)
	anna := createApplicant(t, ts, e, "Anna", "en")
	bohdan := createApplicant(t, ts, e, "Bohdan", "cs")
	chloe := createApplicant(t, ts, e, "Chloe", "en")
	dana := createApplicant(t, ts, e, "Dana", "cs")
	v := signIn(t, ts, organiser.Email)

	stageOK(t, v, anna.ID, school.StatusAccepted, 0)
	stageOK(t, v, bohdan.ID, school.StatusAccepted, 0)
	stageOK(t, v, chloe.ID, school.StatusWaitlisted, 1)
	stageOK(t, v, dana.ID, school.StatusRejected, 0)
	// Staging changes nothing yet: no status, no email.
	for _, a := range []school.Application{anna, bohdan, chloe, dana} {
		if st := statusOf(t, ts, a.ID).Status; st != school.StatusSubmitted {
			t.Errorf("%s is %s after staging", a.GivenName, st)
		}
		if got := templatesOf(emailsOf(t, ts, a.ID)); len(got) != 1 {
			t.Errorf("%s has emails %v after staging", a.GivenName, got)
		}
	}
	_, body := v.get(t, "/admin/applications/"+strconv.FormatInt(chloe.ID, 10))
	wantText(t, body, "Staged, not yet released: On the waiting list", "Waiting-list rank 1")

	// The preview counts the emails of each kind and renders one of each.
	page := "/admin/editions/" + strconv.FormatInt(e.ID, 10) + "/decisions"
	resp, body := v.get(t, page)
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "Seats taken: 0 / 2", "Offered a place: 2 emails", "On the waiting list: 1 email", "Not selected: 1 email",
		"You are offered a place: "+e.TitleEN, "Waiting list: "+e.TitleEN, "Dear Anna", "number 1 on the waiting list",
		"Release 4 decisions and send their emails")

	resp, body = release(t, v, e.ID)
	wantStatus(t, resp, body, http.StatusSeeOther)
	resp, body = v.get(t, resp.Header.Get("Location"))
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "4 decisions released", "Seats taken: 2 / 2", "No decisions are staged.")

	want := []struct {
		a       school.Application
		status  school.Status
		subject string
	}{
		{anna, school.StatusAccepted, "You are offered a place: " + e.TitleEN},
		{bohdan, school.StatusAccepted, "Nabídka místa: " + e.TitleCS},
		{chloe, school.StatusWaitlisted, "Waiting list: " + e.TitleEN},
		{dana, school.StatusRejected, ""},
	}
	for _, w := range want {
		a := statusOf(t, ts, w.a.ID)
		if a.Status != w.status {
			t.Errorf("%s is %s, want %s", w.a.GivenName, a.Status, w.status)
		}
		msgs := emailsOf(t, ts, w.a.ID)
		if got := templatesOf(msgs); len(got) != 2 || got[0] != "application_received" || got[1] != school.EmailOnEntering(w.status) {
			t.Errorf("%s's emails: %v, want the receipt and %s", w.a.GivenName, got, school.EmailOnEntering(w.status))
			continue
		}
		m := msgs[1]
		if m.Lang != w.a.Lang || m.To != w.a.Email {
			t.Errorf("%s's decision went to %s in %q", w.a.GivenName, m.To, m.Lang)
		}
		if w.subject != "" && m.Subject != w.subject {
			t.Errorf("%s's decision email: subject %q, want %q", w.a.GivenName, m.Subject, w.subject)
		}
		if w.status == school.StatusAccepted {
			if a.OfferExpiresAt.IsZero() {
				t.Errorf("%s's offer has no deadline", w.a.GivenName)
			}
			L := ts.i18n.Translator(w.a.Lang)
			if !strings.Contains(m.Text, L.Moment(a.OfferExpiresAt)) {
				t.Errorf("%s's offer does not give its deadline %q:\n%s", w.a.GivenName, L.Moment(a.OfferExpiresAt), m.Text)
			}
		}
		if w.status == school.StatusWaitlisted && a.WaitlistRank != 1 {
			t.Errorf("%s is number %d on the waiting list", w.a.GivenName, a.WaitlistRank)
		}
	}
	// Releasing again (a second click, a reload) sends nothing more.
	resp, body = v.postAdmin(t, page, url.Values{"confirm": {"yes"}})
	wantStatus(t, resp, body, http.StatusSeeOther)
	if loc := resp.Header.Get("Location"); !strings.HasSuffix(loc, "released=0") {
		t.Errorf("a second release led to %q", loc)
	}
	if q := queuedCount(t, ts); q != 8 {
		t.Errorf("%d emails queued, want 4 receipts and 4 decisions", q)
	}
}

func TestAcceptingBeyondTheSeatsIsRefused(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	e := createSelectionEdition(t, ts, "one-seat-2027", 1)
	organiser := createUser(t, ts, "organiser@school.test", school.RoleOrganiser)
	first := createApplicant(t, ts, e, "First", "en")
	second := createApplicant(t, ts, e, "Second", "en")
	v := signIn(t, ts, organiser.Email)

	stageOK(t, v, first.ID, school.StatusAccepted, 0)
	// Staging the same accept again is a change of mind, not a second seat.
	stageOK(t, v, first.ID, school.StatusAccepted, 0)
	resp, body := stage(t, v, second.ID, school.StatusAccepted, 0)
	wantStatus(t, resp, body, http.StatusConflict)
	wantText(t, body, "No seat is left: the edition has 1")
	// A waiting-list decision needs a rank.
	resp, body = stage(t, v, second.ID, school.StatusWaitlisted, 0)
	wantStatus(t, resp, body, http.StatusBadRequest)
	wantText(t, body, "A waiting-list decision needs a rank")
	stageOK(t, v, second.ID, school.StatusWaitlisted, 1)

	resp, body = release(t, v, e.ID)
	wantStatus(t, resp, body, http.StatusSeeOther)
	// Once the seat is taken, accepting another is refused too, and so is deciding again on an
	// application already decided.
	third := createApplicant(t, ts, e, "Third", "en")
	resp, body = stage(t, v, third.ID, school.StatusAccepted, 0)
	wantStatus(t, resp, body, http.StatusConflict)
	wantText(t, body, "No seat is left")
	resp, body = stage(t, v, first.ID, school.StatusRejected, 0)
	wantStatus(t, resp, body, http.StatusConflict)
	wantText(t, body, "not possible from the application's current status")
	_, body = v.get(t, "/admin")
	if !strings.Contains(testkit.MainText(t, body), "1 / 1") {
		t.Errorf("the dashboard does not count 1 / 1 seats:\n%s", testkit.MainText(t, body))
	}
}

func TestReleaseIsAllOrNothing(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	e := createSelectionEdition(t, ts, "all-or-nothing-2027", 1)
	organiser := createUser(t, ts, "organiser@school.test", school.RoleOrganiser)
	anna := createApplicant(t, ts, e, "Anna", "en")
	ben := createApplicant(t, ts, e, "Ben", "en")
	cleo := createApplicant(t, ts, e, "Cleo", "en")
	v := signIn(t, ts, organiser.Email)

	stageOK(t, v, anna.ID, school.StatusAccepted, 0)
	stageOK(t, v, ben.ID, school.StatusWaitlisted, 1)
	stageOK(t, v, cleo.ID, school.StatusRejected, 0)
	// Meanwhile Ben withdraws: his staged decision can no longer be carried out.
	setStatus(t, ts, e, ben.ID, school.StatusWithdrawn)
	before := queuedCount(t, ts)

	resp, body := release(t, v, e.ID)
	wantStatus(t, resp, body, http.StatusConflict)
	wantText(t, body, "nothing was released")
	for _, a := range []school.Application{anna, cleo} {
		if st := statusOf(t, ts, a.ID).Status; st != school.StatusSubmitted {
			t.Errorf("%s is %s after a refused release", a.GivenName, st)
		}
	}
	if q := queuedCount(t, ts); q != before {
		t.Errorf("a refused release queued %d emails", q-before)
	}
	staged, err := ts.store.StagedDecisions(context.Background(), e.ID)
	if err != nil || len(staged) != 3 {
		t.Errorf("after a refused release %d decisions are staged (%v), want 3 kept", len(staged), err)
	}

	// The seat taken meanwhile refuses the release too.
	resp, body = stage(t, v, ben.ID, school.StatusRejected, 0)
	wantStatus(t, resp, body, http.StatusConflict)
	resp, body = v.post(t, "/admin/applications/"+strconv.FormatInt(ben.ID, 10)+"/decision", "/admin",
		url.Values{"_csrf": {v.token(t)}, "decision": {"none"}})
	wantStatus(t, resp, body, http.StatusSeeOther)
	dora := createApplicant(t, ts, e, "Dora", "en")
	setStatus(t, ts, e, dora.ID, school.StatusAccepted)
	resp, body = release(t, v, e.ID)
	wantStatus(t, resp, body, http.StatusConflict)
	wantText(t, body, "Nothing was released: the staged acceptances need more seats than are free.")
	for _, a := range []school.Application{anna, cleo} {
		if st := statusOf(t, ts, a.ID).Status; st != school.StatusSubmitted {
			t.Errorf("%s is %s after a refused release", a.GivenName, st)
		}
	}
}

// acceptedWithWaitlist is an edition with seats seats, each taken by an offer released through
// the decisions page, and a waiting list: ranks gives each waitlisted applicant's rank.
type acceptedWithWaitlist struct {
	e         school.Edition
	organiser *visitor
	accepted  []school.Application
	waiting   []school.Application
}

func releaseOffers(t testing.TB, ts *testServer, slug string, seats int, ranks ...int) acceptedWithWaitlist {
	t.Helper()
	r := acceptedWithWaitlist{e: createSelectionEdition(t, ts, slug, seats)}
	u := createUser(t, ts, "organiser-"+slug+"@school.test", school.RoleOrganiser)
	r.organiser = signIn(t, ts, u.Email)
	for i := range seats {
		a := createApplicant(t, ts, r.e, fmt.Sprintf("Offered%d", i), "en")
		stageOK(t, r.organiser, a.ID, school.StatusAccepted, 0)
		r.accepted = append(r.accepted, a)
	}
	for i, rank := range ranks {
		a := createApplicant(t, ts, r.e, fmt.Sprintf("Waiting%d", i), "en")
		stageOK(t, r.organiser, a.ID, school.StatusWaitlisted, rank)
		r.waiting = append(r.waiting, a)
	}
	resp, body := release(t, r.organiser, r.e.ID)
	wantStatus(t, resp, body, http.StatusSeeOther)
	for i := range r.accepted {
		r.accepted[i] = statusOf(t, ts, r.accepted[i].ID)
	}
	return r
}

// answerOfferFromEmail opens the status page from the offer email and presses confirm, or opens
// the page that asks once more and presses decline.
func answerOfferFromEmail(t testing.TB, ts *testServer, a school.Application, button string) (*http.Response, string) {
	t.Helper()
	m := lastEmail(t, ts, a.ID)
	if m.Template != "decision_accepted" {
		t.Fatalf("%s's last email is %s, not the offer", a.GivenName, m.Template)
	}
	v := ts.visitor()
	page := "/status/" + statusLinkOf(t, m)
	question := page
	if button == "decline" {
		question = page + "/decline" // declining asks once more on its own page
	}
	f := v.openForm(t, question, page+"/"+button)
	return v.submit(t, f, nil)
}

func TestAcceptedApplicantConfirmsTheirPlace(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	r := releaseOffers(t, ts, "confirm-2027", 1)
	a := r.accepted[0]

	v := ts.visitor()
	page := "/status/" + statusLinkOf(t, lastEmail(t, ts, a.ID))
	resp, body := v.get(t, page)
	wantStatus(t, resp, body, http.StatusOK)
	deadline := ts.i18n.Translator("en").Moment(a.OfferExpiresAt)
	wantText(t, body, "Offered a place", "Your place is waiting for your answer",
		"Please confirm or decline by "+deadline, "Confirm my place", "Decline the place")
	if want := school.OfferExpiry(demoNow, 7); !a.OfferExpiresAt.Equal(want) {
		t.Errorf("the offer expires at %s, want %s", a.OfferExpiresAt, want)
	}
	if !strings.Contains(body, `href="`+page+`/decline"`) {
		t.Error("the status page does not link the page that declines")
	}

	f := testkit.FormOn(t, page, body, page+"/confirm")
	resp, body = v.submit(t, f, nil)
	wantStatus(t, resp, body, http.StatusSeeOther)
	resp, body = v.get(t, resp.Header.Get("Location"))
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "Confirmed")
	if strings.Contains(body, "Confirm my place") {
		t.Error("the confirmed applicant is still asked to confirm")
	}
	if st := statusOf(t, ts, a.ID).Status; st != school.StatusConfirmed {
		t.Errorf("stored as %s", st)
	}
	if m := lastEmail(t, ts, a.ID); m.Template != "place_confirmed" || m.Lang != "en" {
		t.Errorf("last email %s in %s, want place_confirmed", m.Template, m.Lang)
	}
	// Answering twice is refused politely and changes nothing.
	resp, body = v.submit(t, f, nil)
	wantStatus(t, resp, body, http.StatusBadRequest)
	wantText(t, body, "There is no open offer to answer")
	if got := templatesOf(emailsOf(t, ts, a.ID)); len(got) != 3 {
		t.Errorf("emails %v", got)
	}
}

func TestDeclineOffersTheSeatToTheFirstOnTheWaitingList(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	// Waiting: rank 2 first, rank 1 second, so the order of the list is the rank, not the date.
	r := releaseOffers(t, ts, "decline-2027", 1, 2, 1)
	a, second, first := r.accepted[0], r.waiting[0], r.waiting[1]

	resp, body := answerOfferFromEmail(t, ts, a, "decline")
	wantStatus(t, resp, body, http.StatusSeeOther)
	v := ts.visitor()
	_, body = v.get(t, resp.Header.Get("Location"))
	wantText(t, body, "Declined")
	if m := lastEmail(t, ts, a.ID); m.Template != "place_declined" {
		t.Errorf("the decliner's last email is %s", m.Template)
	}

	promoted := statusOf(t, ts, first.ID)
	if promoted.Status != school.StatusAccepted || promoted.WaitlistRank != 0 {
		t.Fatalf("the first on the waiting list is %s (rank %d), want accepted", promoted.Status, promoted.WaitlistRank)
	}
	if want := school.OfferExpiry(demoNow, 7); !promoted.OfferExpiresAt.Equal(want) {
		t.Errorf("the new offer expires at %s, want %s", promoted.OfferExpiresAt, want)
	}
	if got := templatesOf(emailsOf(t, ts, first.ID)); len(got) != 3 || got[2] != "decision_accepted" {
		t.Errorf("the promoted applicant's emails: %v", got)
	}
	// The one promoted leaves the list, and the second moves up to first.
	if st := statusOf(t, ts, second.ID); st.Status != school.StatusWaitlisted || st.WaitlistRank != 1 {
		t.Errorf("the second on the waiting list is %s (rank %d)", st.Status, st.WaitlistRank)
	}
	// The promoted applicant can confirm from their own email.
	resp, body = answerOfferFromEmail(t, ts, promoted, "confirm")
	wantStatus(t, resp, body, http.StatusSeeOther)
	if st := statusOf(t, ts, first.ID).Status; st != school.StatusConfirmed {
		t.Errorf("the promoted applicant is %s after confirming", st)
	}
	history, err := ts.store.ApplicationHistory(context.Background(), first.ID)
	if err != nil {
		t.Fatal(err)
	}
	var actors []string
	for _, h := range history {
		actors = append(actors, h.Actor+":"+h.To)
	}
	if got := strings.Join(actors, " "); !strings.Contains(got, "system:accepted") || !strings.Contains(got, "applicant:confirmed") {
		t.Errorf("history %s", got)
	}
}

func TestUnansweredOfferExpiresAndTheNextIsOffered(t *testing.T) {
	t.Parallel()
	clock := testkit.NewClock(demoNow)
	ts := newTestServerAt(t, clock.Now)
	r := releaseOffers(t, ts, "expiry-2027", 1, 1)
	a, next := r.accepted[0], r.waiting[0]
	expires := a.OfferExpiresAt
	if want := school.OfferExpiry(demoNow, 7); !expires.Equal(want) {
		t.Fatalf("the offer expires at %s, want %s", expires, want)
	}
	ctx := context.Background()
	before := len(emailsOf(t, ts, a.ID))

	// Up to the end of the deadline's minute nothing happens.
	for _, at := range []time.Time{demoNow.Add(time.Hour), expires.Add(-24 * time.Hour), expires, expires.Add(59 * time.Second)} {
		clock.Set(at)
		if err := ts.jobs().ExpireOffers(ctx); err != nil {
			t.Fatal(err)
		}
		if st := statusOf(t, ts, a.ID).Status; st != school.StatusAccepted {
			t.Fatalf("at %s the offer is %s", at, st)
		}
	}
	if n := len(emailsOf(t, ts, a.ID)); n != before {
		t.Errorf("%d emails before the offer lapsed", n-before)
	}
	// The status page still offers the place in the last minute.
	page := "/status/" + statusLinkOf(t, lastEmail(t, ts, a.ID))
	_, body := ts.visitor().get(t, page)
	wantText(t, body, "Confirm my place")

	clock.Set(expires.Add(time.Minute))
	// The applicant is too late even before the job has run.
	v := ts.visitor()
	f := v.openForm(t, page, page)
	if strings.Contains(f.Action, "confirm") {
		t.Error("a lapsed offer still shows the confirm button")
	}
	resp, body := v.post(t, page+"/confirm", page, url.Values{"_csrf": f.Values["_csrf"]})
	wantStatus(t, resp, body, http.StatusBadRequest)
	wantText(t, body, "There is no open offer to answer")

	if err := ts.jobs().ExpireOffers(ctx); err != nil {
		t.Fatal(err)
	}
	if st := statusOf(t, ts, a.ID).Status; st != school.StatusExpired {
		t.Fatalf("after the deadline the offer is %s, want expired", st)
	}
	if m := lastEmail(t, ts, a.ID); m.Template != "offer_expired" {
		t.Errorf("the lapsed applicant's last email is %s", m.Template)
	}
	promoted := statusOf(t, ts, next.ID)
	if promoted.Status != school.StatusAccepted {
		t.Fatalf("the next on the waiting list is %s", promoted.Status)
	}
	if want := school.OfferExpiry(expires.Add(time.Minute), 7); !promoted.OfferExpiresAt.Equal(want) {
		t.Errorf("the new offer expires at %s, want a week after the promotion: %s", promoted.OfferExpiresAt, want)
	}
	if m := lastEmail(t, ts, next.ID); m.Template != "decision_accepted" {
		t.Errorf("the promoted applicant's last email is %s", m.Template)
	}
	// Running the job again finds nothing more.
	n := queuedCount(t, ts)
	if err := ts.jobs().ExpireOffers(ctx); err != nil {
		t.Fatal(err)
	}
	if q := queuedCount(t, ts); q != n {
		t.Errorf("a second run queued %d emails", q-n)
	}
	_, body = ts.visitor().get(t, page)
	wantText(t, body, "Offer expired")
}

func TestTwoHundredAcceptsForTheLastSeatGiveItToExactlyOne(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	e := createSelectionEdition(t, ts, "last-seat-2027", 2)
	setStatus(t, ts, e, createApplicant(t, ts, e, "Holder", "en").ID, school.StatusAccepted)
	const n = 200
	ids := make([]int64, n)
	for i := range n {
		ids[i] = createApplicant(t, ts, e, fmt.Sprintf("Crowd%03d", i), "en").ID
	}
	render := ts.renderer(t, e)
	var won atomic.Int64
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, errs[i] = ts.store.TransitionApplication(context.Background(), ids[i], school.StatusAccepted,
				"user:1 organiser@school.test", demoNow, render)
		}()
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		switch {
		case err == nil:
			won.Add(1)
		case !errors.Is(err, db.ErrNoSeat):
			t.Errorf("application %d: %v, want ErrNoSeat", ids[i], err)
		}
	}
	if won.Load() != 1 {
		t.Fatalf("%d accepts succeeded for the last seat, want exactly 1", won.Load())
	}
	if taken := seatsTakenOf(t, ts, e.ID); taken != 2 {
		t.Errorf("%d seats taken of 2", taken)
	}
	offers := 0
	for _, id := range ids {
		for _, m := range emailsOf(t, ts, id) {
			if m.Template == "decision_accepted" {
				offers++
			}
		}
	}
	if offers != 1 {
		t.Errorf("%d offer emails queued, want 1", offers)
	}
}

// seatsTakenOf counts an edition's accepted and confirmed applications.
func seatsTakenOf(t testing.TB, ts *testServer, editionID int64) int {
	t.Helper()
	sums, err := ts.store.EditionSummaries(context.Background(), school.OnlyEditions(editionID))
	if err != nil || len(sums) != 1 {
		t.Fatalf("edition summary: %v", err)
	}
	return sums[0].SeatsTaken()
}

func TestDeclineAndPromotionRacingWithAManualAcceptNeverOverbook(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	const rounds = 25
	outcomes := map[string]int{}
	for round := range rounds {
		seats := 1 + round%2
		e := createSelectionEdition(t, ts, fmt.Sprintf("race-%02d", round), seats)
		var holders []school.Application
		for i := range seats {
			holders = append(holders, setStatus(t, ts, e, createApplicant(t, ts, e, fmt.Sprintf("Holder%d", i), "en").ID, school.StatusAccepted))
		}
		if seats == 2 {
			setStatus(t, ts, e, holders[1].ID, school.StatusConfirmed)
		}
		waiting := createApplicant(t, ts, e, "Waiting", "en")
		setStatus(t, ts, e, waiting.ID, school.StatusWaitlisted)
		manual := createApplicant(t, ts, e, "Manual", "en")
		render := ts.renderer(t, e)

		var wg sync.WaitGroup
		var declineErr, acceptErr error
		start := make(chan struct{})
		wg.Add(2)
		go func() {
			defer wg.Done()
			<-start
			_, declineErr = ts.store.TransitionApplication(context.Background(), holders[0].ID, school.StatusDeclined,
				db.ActorApplicant, demoNow, render)
		}()
		go func() {
			defer wg.Done()
			<-start
			_, acceptErr = ts.store.TransitionApplication(context.Background(), manual.ID, school.StatusAccepted,
				"user:1 organiser@school.test", demoNow, render)
		}()
		close(start)
		wg.Wait()
		if declineErr != nil {
			t.Fatalf("round %d: decline: %v", round, declineErr)
		}
		if acceptErr != nil && !errors.Is(acceptErr, db.ErrNoSeat) {
			t.Fatalf("round %d: manual accept: %v", round, acceptErr)
		}
		if taken := seatsTakenOf(t, ts, e.ID); taken > seats {
			t.Fatalf("round %d: %d seats taken of %d: overbooked", round, taken, seats)
		}
		w, m := statusOf(t, ts, waiting.ID).Status, statusOf(t, ts, manual.ID).Status
		// Exactly one of the two got the freed seat.
		if (w == school.StatusAccepted) == (m == school.StatusAccepted) {
			t.Fatalf("round %d: the waiting applicant is %s and the manual accept %s", round, w, m)
		}
		outcomes[string(w)+"/"+string(m)]++
	}
	t.Logf("outcomes (waitlisted applicant / manual accept): %v", outcomes)
}
