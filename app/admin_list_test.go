package app

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"registrar/app/school"
)

func TestApplicationListFiltersByRegionReviewsAndScore(t *testing.T) {
	t.Parallel()
	f := newAdminFixture(t)
	v := signIn(t, f.ts, f.staff.organiser.Email)
	base := "/admin/editions/" + strconv.FormatInt(f.summer.ID, 10) + "/applications"
	// The fixture's applicant comes from the demo answers; find their region by asking each.
	shown := func(query string) bool {
		t.Helper()
		resp, body := v.get(t, base+"?"+query)
		wantStatus(t, resp, body, http.StatusOK)
		return strings.Contains(body, f.app.Reference)
	}
	inSomeRegion := false
	for _, code := range regions {
		if shown("region=" + code) {
			if inSomeRegion {
				t.Errorf("%s is listed in more than one region", f.app.Reference)
			}
			inSomeRegion = true
		}
	}
	if !inSomeRegion {
		t.Errorf("%s (%s) is in no region", f.app.Reference, f.app.Nationality)
	}
	if !shown("region=nonsense") {
		t.Error("an unknown region hid the list instead of being ignored")
	}
	if !shown("reviewed=no") || shown("reviewed=yes") {
		t.Error("an unreviewed application is not where the reviews filter says")
	}
	if shown("min_score=1") {
		t.Error("an application without a score passed a score filter")
	}
	if !shown("min_score=9") {
		t.Error("an impossible score bound was not ignored")
	}
}

func TestOrganisersKeepInternalNotesThatReviewersDoNotSee(t *testing.T) {
	t.Parallel()
	f := newAdminFixture(t)
	page := "/admin/applications/" + strconv.FormatInt(f.app.ID, 10)
	organiser := signIn(t, f.ts, f.staff.organiser.Email)
	resp, body := organiser.postAdmin(t, page+"/notes", url.Values{"note": {"Call the referee <b>first</b>"}})
	wantStatus(t, resp, body, http.StatusSeeOther)
	resp, body = organiser.get(t, page)
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "Call the referee <b>first</b>", f.staff.organiser.Email)
	if !strings.Contains(body, "Call the referee &lt;b&gt;first&lt;/b&gt;") {
		t.Error("the note's markup is not escaped")
	}

	resp, body = organiser.postAdmin(t, page+"/notes", url.Values{"note": {"   "}})
	wantStatus(t, resp, body, http.StatusBadRequest)

	reviewer := signIn(t, f.ts, f.staff.reviewer.Email)
	resp, body = reviewer.get(t, page)
	wantStatus(t, resp, body, http.StatusOK)
	if strings.Contains(body, "Call the referee") {
		t.Error("a reviewer sees the organisers' notes")
	}
	resp, body = reviewer.postAdmin(t, page+"/notes", url.Values{"note": {"mine"}})
	wantStatus(t, resp, body, http.StatusForbidden)
}

func TestAnOrganiserAssignedToEditionsRunsOnlyThose(t *testing.T) {
	t.Parallel()
	f := newAdminFixture(t)
	winterOnly := createUser(t, f.ts, "winter@school.test", school.RoleOrganiser)
	admin := signIn(t, f.ts, f.staff.admin.Email)
	resp, body := admin.postAdmin(t, "/admin/users/assign", url.Values{
		"user": {strconv.FormatInt(winterOnly.ID, 10)}, "edition": {strconv.FormatInt(f.winter.ID, 10)}})
	wantStatus(t, resp, body, http.StatusSeeOther)

	v := signIn(t, f.ts, winterOnly.Email)
	resp, body = v.get(t, "/admin")
	wantStatus(t, resp, body, http.StatusOK)
	if strings.Contains(body, f.summer.TitleEN) || !strings.Contains(body, f.winter.TitleEN) {
		t.Error("the dashboard does not list just the winter school")
	}
	resp, body = v.get(t, "/admin/applications/"+strconv.FormatInt(f.app.ID, 10))
	wantStatus(t, resp, body, http.StatusNotFound)
	resp, body = v.get(t, "/admin/applications/"+strconv.FormatInt(f.otherApp.ID, 10))
	wantStatus(t, resp, body, http.StatusOK)

	// An organiser assigned to none runs every edition; only administrators assign.
	resp, body = signIn(t, f.ts, f.staff.organiser.Email).get(t, "/admin/applications/"+strconv.FormatInt(f.app.ID, 10))
	wantStatus(t, resp, body, http.StatusOK)
	resp, body = v.postAdmin(t, "/admin/users/assign", url.Values{
		"user": {strconv.FormatInt(winterOnly.ID, 10)}, "edition": {strconv.FormatInt(f.summer.ID, 10)}})
	wantStatus(t, resp, body, http.StatusForbidden)
}
