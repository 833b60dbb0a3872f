package app

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"registrar/app/school"
	"registrar/app/testkit"
)

// A staged decision that can no longer be carried out (the application changed meanwhile)
// refuses the whole release; the page says which application it is and links to it, so the
// organiser can change its decision instead of hunting through every staged one.
func TestARefusedReleaseNamesTheApplicationThatChanged(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	e := createSelectionEdition(t, ts, "named-refusal-2027", 2)
	organiser := createUser(t, ts, "organiser@school.test", school.RoleOrganiser)
	anna := createApplicant(t, ts, e, "Anna", "en")
	ben := createApplicant(t, ts, e, "Ben", "en")
	v := signIn(t, ts, organiser.Email)
	stageOK(t, v, anna.ID, school.StatusAccepted, 0)
	stageOK(t, v, ben.ID, school.StatusWaitlisted, 1)
	setStatus(t, ts, e, ben.ID, school.StatusWithdrawn)
	ben = statusOf(t, ts, ben.ID)

	resp, body := release(t, v, e.ID)
	wantStatus(t, resp, body, http.StatusConflict)
	text := testkit.MainText(t, body)
	wantText(t, body, ben.Reference+" ("+ben.Name()+")", "is now Withdrawn", "nothing was released")
	if strings.Contains(text, anna.Reference) && !strings.Contains(text, "Anna") {
		t.Errorf("the refusal names the wrong application:\n%s", text)
	}
	if !strings.Contains(body, `href="/admin/applications/`+strconv.FormatInt(ben.ID, 10)+`"`) {
		t.Errorf("the refusal does not link to %s's application", ben.Reference)
	}
}
