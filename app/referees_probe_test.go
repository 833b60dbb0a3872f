package app

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"registrar/app/mail"
	"registrar/app/school"
)

// A referee's link lets whoever holds it send the reference: the request log masks it as it
// masks status and draft links.
func TestRefereeLinksAreMaskedInTheLog(t *testing.T) {
	_, ts, summer := summerOnAClock(t)
	askReferences(t, ts, summer, 1, false)
	ts.visitor().applyOK(t, summerSlug, withReferee(t, ts, "logged.referee@example.org", "logged.ref@uni.example"), cvFile("cv.pdf"))
	_, secret := refereeEmail(t, ts, "logged.ref@uni.example")
	var log lockedBuffer
	ts.log = slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	referee := ts.visitor()
	resp, body := referee.get(t, "/referee/"+secret)
	wantStatus(t, resp, body, http.StatusOK)
	referee.get(t, "/REFEREE/"+secret+"x")
	got := log.String()
	if strings.Contains(got, secret[:12]) {
		t.Errorf("the log holds the referee's link:\n%s", got)
	}
	for _, want := range []string{"path=/referee/… ", "path=/REFEREE/… "} {
		if !strings.Contains(got, want) {
			t.Errorf("the log has no %q:\n%s", want, got)
		}
	}
}

// Named again at once, the same referee is not emailed again: the form says when the request
// may go again; after a day's worth of requests, it says to wait.
func TestNamingTheSameRefereeAgainWaitsADay(t *testing.T) {
	_, ts, summer := summerOnAClock(t)
	applicant := ts.visitor()
	status := applicant.applyOK(t, summerSlug, summerAnswers(t, ts, "again.again@example.org"), cvFile("cv.pdf"))
	a := applicationOf(t, ts, status)
	askReferences(t, ts, summer, 1, false)
	base := "/status/" + status
	name := func(email string) (*http.Response, string) {
		form := applicant.openForm(t, base+"/referees/1?lang=en", base+"/referees/1")
		return applicant.submit(t, form, url.Values{"referee_1_name": {"Dr Same"}, "referee_1_email": {email},
			"referee_1_relation": {"teacher"}})
	}
	resp, body := name("same@uni.example")
	wantStatus(t, resp, body, http.StatusSeeOther)
	resp, body = name("Same@uni.example")
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	wantText(t, body, "You can send the request again from")
	for i := 2; i <= school.RefereeRequestsPerDay; i++ {
		resp, body = name(fmt.Sprintf("other%d@uni.example", i))
		wantStatus(t, resp, body, http.StatusSeeOther)
	}
	resp, body = name("one.more@uni.example")
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	wantText(t, body, "Try again in 24 hours")
	requests := 0
	for _, m := range emailsOf(t, ts, a.ID) {
		if m.Template == mail.RefereeRequest {
			requests++
		}
	}
	if requests != school.RefereeRequestsPerDay {
		t.Errorf("%d requests to referees, want %d", requests, school.RefereeRequestsPerDay)
	}
}
