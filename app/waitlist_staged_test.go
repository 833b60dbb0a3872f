package app

import (
	"net/http"
	"strconv"
	"testing"

	"registrar/app/school"
	"registrar/app/testkit"
)

// TestASeatThatFreesUpSkipsTheOneAlreadyStagedForAPlace: the organiser has staged an offer for
// the first on the waiting list, using the free seat; a seat added then goes to the second, and
// the release still goes through. Before, the added seat was offered to the first (whose staged
// acceptance kept counting a seat), the second got nothing and the release was refused.
func TestASeatThatFreesUpSkipsTheOneAlreadyStagedForAPlace(t *testing.T) {
	t.Parallel()
	ts, e, v := organiserOfSelection(t, "staged-grow-2027", 2)
	anna := createApplicant(t, ts, e, "Anna", "en")
	ben := createApplicant(t, ts, e, "Ben", "en")
	cleo := createApplicant(t, ts, e, "Cleo", "en")
	stageOK(t, v, anna.ID, school.StatusAccepted, 0)
	stageOK(t, v, ben.ID, school.StatusWaitlisted, 1)
	stageOK(t, v, cleo.ID, school.StatusWaitlisted, 2)
	resp, body := release(t, v, e.ID)
	wantStatus(t, resp, body, http.StatusSeeOther)

	// The second seat, free, is staged for Ben; then a third seat is added.
	stageOK(t, v, ben.ID, school.StatusAccepted, 0)
	resp, body = saveSeats(t, v, e, 3, "en")
	wantStatus(t, resp, body, http.StatusSeeOther)
	if st := statusOf(t, ts, cleo.ID).Status; st != school.StatusAccepted {
		t.Errorf("Cleo is %s after a seat was added, want an offer: Ben's seat was staged already", st)
	}
	if st := statusOf(t, ts, ben.ID).Status; st != school.StatusWaitlisted {
		t.Errorf("Ben is %s before the release, want still waiting for it", st)
	}
	resp, body = release(t, v, e.ID)
	wantStatus(t, resp, body, http.StatusSeeOther)
	if st := statusOf(t, ts, ben.ID).Status; st != school.StatusAccepted {
		t.Errorf("Ben is %s after the release, want the staged offer", st)
	}
}

// TestFillSeatsPutsItsWaitingListAfterThoseAlreadyWaiting: a second round of fill seats ranks
// the applications it shows, which are those still undecided; its waiting list goes after the
// applicants already waiting, who were told their rank. Before, the second round's first took
// rank 1 and moved Boris, told "number 1", down without a word.
func TestFillSeatsPutsItsWaitingListAfterThoseAlreadyWaiting(t *testing.T) {
	t.Parallel()
	f := newAdminFixture(t)
	ts, e := f.ts, f.summer
	reviewer := signIn(t, ts, f.staff.reviewer.Email)
	organiser := signIn(t, ts, f.staff.admin.Email)
	sendReview(t, ts, reviewer, f.app, 3, "")
	anna := applicantFrom(t, ts, e, "Anna", "CZ", "student")
	boris := applicantFrom(t, ts, e, "Boris", "SK", "student")
	sendReview(t, ts, reviewer, anna, 5, "")
	sendReview(t, ts, reviewer, boris, 4, "")
	path := "/admin/editions/" + strconv.FormatInt(e.ID, 10) + "/fill"
	stageAll := func(query string, accept ...int64) {
		t.Helper()
		_, body := organiser.get(t, path+"?"+query)
		form := testkit.FormOn(t, path, body, path)
		values := form.Values
		values.Del("accept")
		for _, id := range accept {
			values.Add("accept", strconv.FormatInt(id, 10))
		}
		resp, body := postAsBrowser(t, organiser, path, values)
		wantStatus(t, resp, body, http.StatusSeeOther)
		resp, body = release(t, organiser, e.ID)
		wantStatus(t, resp, body, http.StatusSeeOther)
	}
	// Round one: Anna offered a place, Boris and Zenobia waiting, in the order of their scores.
	stageAll("seats=1", anna.ID)
	if r := rankOf(t, ts, boris); r != 1 {
		t.Fatalf("after round one Boris is number %d, want 1", r)
	}
	wantText(t, lastEmail(t, ts, boris.ID).Text, "you are number 1 on the waiting list")

	// Round two: Cleo applied late and scored well, yet none is offered a place; the page says
	// where its waiting list goes.
	cleo := applicantFrom(t, ts, e, "Cleo", "PL", "student")
	sendReview(t, ts, reviewer, cleo, 5, "")
	_, body := organiser.get(t, path+"?seats=1")
	wantText(t, testkit.MainText(t, body), "The others go onto the waiting list in the order shown, after those already waiting")
	stageAll("seats=1")
	if r := rankOf(t, ts, boris); r != 1 {
		t.Errorf("after round two Boris is number %d, want still 1", r)
	}
	if r := rankOf(t, ts, f.app); r != 2 {
		t.Errorf("after round two Zenobia is number %d, want still 2", r)
	}
	if r := rankOf(t, ts, cleo); r != 3 {
		t.Errorf("after round two Cleo is number %d, want 3, after those already waiting", r)
	}
	wantText(t, lastEmail(t, ts, cleo.ID).Text, "you are number 3 on the waiting list")
}
