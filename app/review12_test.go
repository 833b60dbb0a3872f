package app

import (
	"net/http"
	"testing"

	"registrar/app/school"
)

// TestASeatThatFreesUpSkipsTheOneAlreadyStagedForAPlace: the organiser has staged an offer for
// the first on the waiting list, using the free seat; a seat added then goes to the second, and
// the release still goes through. Before, the added seat was offered to the first (whose staged
// acceptance kept counting a seat), the second got nothing and the release was refused.
func TestASeatThatFreesUpSkipsTheOneAlreadyStagedForAPlace(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	e := createSelectionEdition(t, ts, "staged-grow-2027", 2)
	u := createUser(t, ts, "organiser@school.test", school.RoleOrganiser)
	v := signIn(t, ts, u.Email)
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
