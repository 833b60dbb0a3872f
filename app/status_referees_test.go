package app

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestSavingARefereeUnchangedSaysNothingChanged: the form to change a referee, saved as it
// came, corrects nothing, and the status page says so rather than that the details were
// corrected; nobody is emailed.
func TestSavingARefereeUnchangedSaysNothingChanged(t *testing.T) {
	_, ts, summer := summerOnAClock(t)
	askReferences(t, ts, summer, 1, false)
	applicant := ts.visitor()
	status := applicant.applyOK(t, summerSlug, withReferee(t, ts, "unchanged@example.org", "lina@uni.example"), cvFile("cv.pdf"))
	a := applicationOf(t, ts, status)
	base := "/status/" + status
	requests := func() int { return refereeRequestsSent(t, ts, a.ID) }
	before := requests()
	for _, tc := range []struct{ lang, says, not string }{
		{"en", "You changed nothing: your referee's details stay as they were.", "were corrected"},
		{"cs", "Nic jste nezměnili: údaje doporučující osoby zůstávají, jak byly.", "jsme opravili"},
	} {
		form := applicant.openForm(t, base+"/referees/1?lang="+tc.lang, base+"/referees/1")
		resp, body := applicant.submit(t, form, url.Values{})
		wantStatus(t, resp, body, http.StatusSeeOther)
		_, body = applicant.get(t, resp.Header.Get("Location"))
		wantText(t, body, tc.says)
		if strings.Contains(body, tc.not) {
			t.Errorf("saved unchanged, the %s page says the details were corrected", tc.lang)
		}
	}
	if got := requests(); got != before {
		t.Errorf("%d requests to referees after saving unchanged, want %d", got, before)
	}
}
