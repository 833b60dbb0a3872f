package app

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"registrar/app/school"
	"registrar/db"
)

// The release preview shows each kind of email as the release will send it: the HTML the
// applicants get, from the same renderer, in a frame that runs nothing, and the text version.
func TestTheReleasePreviewShowsTheEmailsAsTheyWillGo(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	e := createSelectionEdition(t, ts, "preview-2027", 2)
	organiser := createUser(t, ts, "organiser@school.test", school.RoleOrganiser)
	anna := createApplicant(t, ts, e, "Anna", "en")
	bohdan := createApplicant(t, ts, e, "Bohdan", "cs")
	// A name that would run script in the organiser's session if the HTML were not escaped.
	hostile, err := ts.store.CreateApplication(t.Context(), e, school.Application{Lang: "en",
		Email: "hostile@example.org", GivenName: hostileGiven, FamilyName: hostileFamily, Nationality: "AT",
		Residence: "AT", Sector: "student"}, "", ts.now(), ts.renderer(t, e))
	if err != nil {
		t.Fatal(err)
	}
	v := signIn(t, ts, organiser.Email)
	stageOK(t, v, anna.ID, school.StatusAccepted, 0)
	stageOK(t, v, hostile.ID, school.StatusRejected, 0)
	stageOK(t, v, bohdan.ID, school.StatusWaitlisted, 1)

	page := "/admin/editions/" + strconv.FormatInt(e.ID, 10) + "/decisions"
	resp, body := v.get(t, page)
	wantStatus(t, resp, body, http.StatusOK)
	if strings.Contains(body, "<script>alert") {
		t.Error("the decisions page shows the name unescaped")
	}
	for _, kind := range []string{"accepted", "waitlisted", "rejected"} {
		wantSandboxedFrame(t, body, page+"/preview/"+kind)
	}
	// The text version, in each applicant's language, and whom each example is rendered for.
	wantText(t, body, "Dear Anna", "Dobrý den", "Text version", anna.Reference, bohdan.Reference, hostile.Reference)

	wantEmailFrame(t, v, page+"/preview/accepted", "", "Dear Anna", "we are glad to offer you a place", "/status/"+db.WithheldLink)
	wantEmailFrame(t, v, page+"/preview/waitlisted", "", "Dobrý den", "je 1.")
	wantEmailFrame(t, v, page+"/preview/rejected", "", "&lt;script&gt;alert(1)&lt;/script&gt;")

	// No example of a kind nobody is staged for; no such kind at all.
	if err := ts.store.UnstageDecision(t.Context(), hostile.ID); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{page + "/preview/rejected", page + "/preview/confirmed", page + "/preview/x"} {
		resp, body := v.get(t, p)
		wantStatus(t, resp, body, http.StatusNotFound)
	}
}
