package app

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"registrar/app/mail"
	"registrar/app/school"
	"registrar/app/testkit"
)

// refereeRequestsSent counts the requests, first or again, emailed to an application's referees.
func refereeRequestsSent(t *testing.T, ts *testServer, applicationID int64) int {
	t.Helper()
	n := 0
	for _, m := range emailsOf(t, ts, applicationID) {
		if m.Template == mail.RefereeRequest {
			n++
		}
	}
	return n
}

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

// Named again at once at the same address, the same referee is not emailed again (it is a
// correction, see TestCorrectingARefereesNameAsksThemNothingMore); after a day's worth of
// requests to others, the form says to wait.
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
	wantStatus(t, resp, body, http.StatusSeeOther)
	for i := 2; i <= school.RefereeRequestsPerDay; i++ {
		resp, body = name(fmt.Sprintf("other%d@uni.example", i))
		wantStatus(t, resp, body, http.StatusSeeOther)
	}
	resp, body = name("one.more@uni.example")
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	wantText(t, body, "Try again in 24 hours")
	requests := refereeRequestsSent(t, ts, a.ID)
	if requests != school.RefereeRequestsPerDay {
		t.Errorf("%d requests to referees, want %d", requests, school.RefereeRequestsPerDay)
	}
}

// A referee named with a wrong name or relation is corrected at once, however often, even after
// a day's worth of requests: the same address is the same person, who keeps their link and is
// not emailed again unless the applicant sends the request again, which keeps its day's wait.
func TestCorrectingARefereesNameAsksThemNothingMore(t *testing.T) {
	clock, ts, summer := summerOnAClock(t)
	askReferences(t, ts, summer, 2, false)
	applicant := ts.visitor()
	status := applicant.applyOK(t, summerSlug, withReferee(t, ts, "corrects@example.org", "lina.typo@uni.example"), cvFile("cv.pdf"))
	a := applicationOf(t, ts, status)
	_, secret := refereeEmail(t, ts, "lina.typo@uni.example")
	base := "/status/" + status
	name := func(lang, who, email, relation string) (*http.Response, string) {
		form := applicant.openForm(t, base+"/referees/1?lang="+lang, base+"/referees/1")
		return applicant.submit(t, form, url.Values{"referee_1_name": {who}, "referee_1_email": {email},
			"referee_1_relation": {relation}})
	}
	_, body := applicant.get(t, base+"/referees/1?lang=en")
	wantText(t, body, "To correct their name or how they know you, keep their email address")
	if f := testkit.FormOn(t, base, body, base+"/referees/1"); f.Values.Get("referee_1_email") != "lina.typo@uni.example" ||
		f.Values.Get("referee_1_name") != "Prof. Lina Saleh" {
		t.Errorf("the form to change the referee is not filled with them: %v", f.Values)
	}
	for i := 2; i <= school.RefereeRequestsPerDay; i++ { // the rest of a day's requests, to the second place
		form := applicant.openForm(t, base+"/referees/2?lang=en", base+"/referees/2")
		resp, body := applicant.submit(t, form, url.Values{"referee_2_name": {"Dr Other"},
			"referee_2_email": {fmt.Sprintf("other%d@uni.example", i)}, "referee_2_relation": {"teacher"}})
		wantStatus(t, resp, body, http.StatusSeeOther)
	}
	requests := func() int { return refereeRequestsSent(t, ts, a.ID) }
	before := requests()

	resp, body := name("en", "Prof. Lina Saleh-Haddad", "Lina.Typo@uni.example", "master's thesis supervisor")
	wantStatus(t, resp, body, http.StatusSeeOther)
	if loc := resp.Header.Get("Location"); !strings.Contains(loc, "done=referee_corrected") {
		t.Errorf("the correction sends to %s", loc)
	}
	_, body = applicant.get(t, resp.Header.Get("Location")+"&lang=en")
	wantText(t, body, "Your referee's details were corrected", "Prof. Lina Saleh-Haddad", "You can send the request again from")
	resp, body = name("cs", "Prof. Lina Saleh-Haddadová", "lina.typo@uni.example", "vedoucí diplomové práce")
	wantStatus(t, resp, body, http.StatusSeeOther)
	_, body = applicant.get(t, resp.Header.Get("Location")+"&lang=cs")
	wantText(t, body, "Údaje doporučující osoby jsme opravili")
	if got := requests(); got != before {
		t.Errorf("%d requests to referees after two corrections, want %d", got, before)
	}
	resp, body = ts.visitor().get(t, "/referee/"+secret+"?lang=en")
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "vedoucí diplomové práce")
	refs, err := ts.store.Referees(context.Background(), a.ID)
	if err != nil || len(refs) == 0 || refs[0].Name != "Prof. Lina Saleh-Haddadová" {
		t.Fatalf("referees after the corrections: %+v, %v", refs, err)
	}

	// Sending again keeps its own wait: not within a day of the last request, then once.
	again := func() string {
		_, body := applicant.get(t, base)
		return testkit.FormOn(t, base, body, "").Values.Get("_csrf")
	}
	resp, body = applicant.post(t, base+"/referees/1/again", base, url.Values{"_csrf": {again()}})
	wantStatus(t, resp, body, http.StatusSeeOther)
	if got := requests(); got != before {
		t.Errorf("sent again within a day of the last request: %d requests, want %d", got, before)
	}
	clock.Set(demoNow.Add(25 * time.Hour))
	resp, body = applicant.post(t, base+"/referees/1/again", base, url.Values{"_csrf": {again()}})
	wantStatus(t, resp, body, http.StatusSeeOther)
	if got := requests(); got != before+1 {
		t.Errorf("sent again after a day: %d requests, want %d", got, before+1)
	}
}

// An application out of the running wants no reference: its referee's link opens nothing (and
// says nothing of why), takes no letter, and no reminder goes to them.
func TestAnApplicationOutOfTheRunningAsksItsRefereesNothingMore(t *testing.T) {
	clock, ts, summer := summerOnAClock(t)
	askReferences(t, ts, summer, 1, false)
	withdrawn := applicationOf(t, ts, ts.visitor().applyOK(t, summerSlug,
		withReferee(t, ts, "gone.away@example.org", "gone.ref@uni.example"), cvFile("cv.pdf")))
	_, secret := refereeEmail(t, ts, "gone.ref@uni.example")
	declined := applicationOf(t, ts, ts.visitor().applyOK(t, summerSlug,
		withReferee(t, ts, "said.no@example.org", "no.ref@uni.example"), cvFile("cv.pdf")))
	referee := ts.visitor()
	page := "/referee/" + secret + "?lang=en"
	form := referee.openForm(t, page, "/referee/")

	setStatus(t, ts, summer, withdrawn.ID, school.StatusWithdrawn)
	setStatus(t, ts, summer, declined.ID, school.StatusAccepted)
	setStatus(t, ts, summer, declined.ID, school.StatusDeclined)
	resp, body := referee.get(t, page)
	wantStatus(t, resp, body, http.StatusNotFound)
	wantText(t, body, "This link does not work")
	resp, body = referee.submit(t, form, url.Values{"answer_1": {"Five years."}},
		formFile{Field: "letter", Name: "late.pdf", Data: minimalPDF("Too late.")})
	wantStatus(t, resp, body, http.StatusNotFound)
	if list, err := ts.store.Referees(context.Background(), withdrawn.ID); err != nil || len(list) != 1 || list[0].Received() {
		t.Errorf("the withdrawn application's referee: %+v, %v; want one who sent nothing", list, err)
	}

	refs, _ := ts.store.References(context.Background(), summer.ID)
	clock.Set(refs.DeadlineFor(summer).Add(-3*24*time.Hour + time.Minute))
	if err := ts.jobs().RemindReferees(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, a := range []school.Application{withdrawn, declined} {
		for _, m := range emailsOf(t, ts, a.ID) {
			if strings.HasPrefix(m.Subject, "Reminder:") {
				t.Errorf("a reminder went to %s, the referee of an application %s", m.To, statusOf(t, ts, a.ID).Status)
			}
		}
	}
}

// Blind review shows a reviewer only the day things happened, since the minute a form was sent
// can tell who sent it; a referee named on the form was asked that same minute, so the
// referees' block shows days too.
func TestABlindReviewerSeesTheDaysOfReferencesNotTheMinutes(t *testing.T) {
	clock, ts, summer := summerOnAClock(t)
	askReferences(t, ts, summer, 1, true)
	clock.Set(demoNow.Add(17*time.Minute + 3*time.Hour))
	a := applicationOf(t, ts, ts.visitor().applyOK(t, summerSlug,
		withReferee(t, ts, "blind.minute@example.org", "minute.ref@uni.example"), cvFile("cv.pdf")))
	st := createStaff(t, ts, summer.ID, summer.ID)
	if err := ts.store.SetBlindReview(context.Background(), summer.ID, true); err != nil {
		t.Fatal(err)
	}
	L := ts.i18n.Translator("en")
	sent := L.Moment(a.SubmittedAt)
	reviewer := signIn(t, ts, st.reviewer.Email)
	appPath := "/admin/applications/" + strconv.FormatInt(a.ID, 10)
	for _, path := range []string{appPath + "?lang=en", appPath + "/review?lang=en"} {
		resp, body := reviewer.get(t, path)
		wantStatus(t, resp, body, http.StatusOK)
		wantText(t, body, "References", "Asked on "+L.Date(a.SubmittedAt))
		if strings.Contains(body, sent) {
			t.Errorf("a blind reviewer sees on %s the minute the form was sent: %s", path, sent)
		}
	}
}

// A referee's page and a saved form's page sit behind secret links: like the status page they
// are marked noindex, name no canonical address (which would carry the secret) and are kept
// out of robots.txt's allowed paths.
func TestSecretLinkPagesAreKeptFromSearchEngines(t *testing.T) {
	_, ts, summer := summerOnAClock(t)
	askReferences(t, ts, summer, 1, false)
	ts.visitor().applyOK(t, summerSlug, withReferee(t, ts, "noindex@example.org", "noindex.ref@uni.example"), cvFile("cv.pdf"))
	_, secret := refereeEmail(t, ts, "noindex.ref@uni.example")
	ts.visitor().saveForLater(t, summerSlug, url.Values{"email": {"noindex.draft@example.org"}})
	draft := strings.Split(draftLinkTo(t, ts, "noindex.draft@example.org"), "?")[0]
	for _, path := range []string{"/referee/" + secret, draft} {
		resp, body := ts.visitor().get(t, path)
		wantStatus(t, resp, body, http.StatusOK)
		if !strings.Contains(body, `<meta name="robots" content="noindex">`) {
			t.Errorf("%s is not marked noindex", path)
		}
		if strings.Contains(body, `rel="canonical"`) || strings.Contains(body, `rel="alternate" hreflang`) {
			t.Errorf("%s names its secret address for search engines", path)
		}
	}
	_, body := ts.visitor().get(t, "/robots.txt")
	for _, want := range []string{"Disallow: /referee\n", "Disallow: /drafts\n"} {
		if !strings.Contains(body, want) {
			t.Errorf("robots.txt has no %q:\n%s", want, body)
		}
	}
}

// "Send the request again" pressed twice (a double click, a page sent again) asks the referee
// once, and the second press shows the status page saying when the request may go again, not
// an error page.
func TestSendingARefereeRequestAgainTwiceAsksOnce(t *testing.T) {
	clock, ts, summer := summerOnAClock(t)
	askReferences(t, ts, summer, 1, false)
	applicant := ts.visitor()
	status := applicant.applyOK(t, summerSlug, withReferee(t, ts, "twice@example.org", "twice.ref@uni.example"), cvFile("cv.pdf"))
	a := applicationOf(t, ts, status)
	clock.Set(demoNow.Add(25 * time.Hour))
	base := "/status/" + status
	_, body := applicant.get(t, base+"?lang=en")
	csrf := testkit.FormOn(t, base, body, "").Values.Get("_csrf")
	resp, body := applicant.post(t, base+"/referees/1/again", base, url.Values{"_csrf": {csrf}})
	wantStatus(t, resp, body, http.StatusSeeOther)
	resp, body = applicant.post(t, base+"/referees/1/again", base, url.Values{"_csrf": {csrf}})
	wantStatus(t, resp, body, http.StatusSeeOther)
	_, body = applicant.get(t, resp.Header.Get("Location"))
	wantText(t, body, "You can send the request again from")
	requests := refereeRequestsSent(t, ts, a.ID)
	if requests != 2 {
		t.Errorf("%d requests to the referee, want 2: the form's and one sent again", requests)
	}
}

// A letter sent through a link past its deadline is answered with the page saying the time is
// over, not with a page about the file's size, even when the file is larger than any form may
// send: the link is checked before the body is read. An open link still refuses a file too large.
func TestALetterTooLargeForALinkPastItsDeadlineSaysTheTimeIsOver(t *testing.T) {
	clock, ts, summer := summerOnAClock(t)
	askReferences(t, ts, summer, 1, false)
	ts.visitor().applyOK(t, summerSlug, withReferee(t, ts, "late.letter@example.org", "late.letter@uni.example"), cvFile("cv.pdf"))
	_, secret := refereeEmail(t, ts, "late.letter@uni.example")
	referee := ts.visitor()
	form := referee.openForm(t, "/referee/"+secret+"?lang=en", "/referee/")
	huge := formFile{Field: "letter", Name: "letter.pdf", Data: minimalPDF(strings.Repeat("x", MaxUploadBytes+2<<20))}
	resp, body := referee.submit(t, form, nil, huge)
	wantStatus(t, resp, body, http.StatusRequestEntityTooLarge)

	refs, err := ts.store.References(context.Background(), summer.ID)
	if err != nil {
		t.Fatal(err)
	}
	clock.Set(refs.DeadlineFor(summer).Add(time.Minute))
	large := formFile{Field: "letter", Name: "letter.pdf", Data: minimalPDF(strings.Repeat("x", 2<<20))}
	for _, letter := range []formFile{large, huge} {
		resp, body = referee.submit(t, form, nil, letter)
		wantStatus(t, resp, body, http.StatusGone)
		wantText(t, body, "The time for references is over")
	}
}
