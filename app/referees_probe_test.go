package app

import (
	"log/slog"
	"net/http"
	"strings"
	"testing"
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
