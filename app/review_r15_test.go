package app

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"registrar/app/school"
	"registrar/app/testkit"
)

// A blind reviewer who may not see the nationality is not told either that the visa letter was
// made again nor which passport lines organisers corrected: both say the applicant needs a visa.
func TestABlindReviewerIsNotToldOfACorrectedVisaLetter(t *testing.T) {
	t.Parallel()
	ts := newFormServer(t)
	e := documentEdition(t, ts, "blind-corrected-2027")
	ctx := context.Background()
	if err := ts.store.AddDefaultFollowUps(ctx, e.ID); err != nil {
		t.Fatal(err)
	}
	fields := followUpFieldsOf(t, ts, e)
	organiser := createUser(t, ts, "organiser@school.test", school.RoleOrganiser)
	reviewer := createUser(t, ts, "reviewer@school.test", school.RoleReviewer)
	if err := ts.store.AssignStaff(ctx, reviewer.ID, e.ID); err != nil {
		t.Fatal(err)
	}
	staff := signIn(t, ts, organiser.Email)
	p, _ := passportGiven(t, ts, e, "Olena", "Kovalenko", "en")
	app := "/admin/applications/" + strconv.FormatInt(p.app.ID, 10)
	f := staff.openForm(t, app+"/follow-ups", app+"/follow-ups")
	resp, body := staff.submit(t, f, url.Values{fields[school.PurposePassportNumber]: {"FE123456"}})
	wantStatus(t, resp, body, http.StatusSeeOther)
	setBlindReview(t, staff, e.ID, school.IdentifyingFields)

	look := map[string][]string{
		"en": {"Visa invitation letter", "Passport", "passport"},
		"cs": {"Zvací dopis pro vízum", "zvací dopis", "pasu", "Pas"},
	}
	blindReviewer := signIn(t, ts, reviewer.Email)
	for lang, words := range look {
		resp, body := blindReviewer.get(t, app+"?lang="+lang)
		wantStatus(t, resp, body, http.StatusOK)
		text := visibleText(t, body)
		for _, w := range words {
			if strings.Contains(text, w) {
				t.Errorf("%s: the blind reviewer reads %q on the application's page", lang, w)
			}
		}
	}
	// The organiser still reads both.
	_, body = staff.get(t, app+"?lang=en")
	wantText(t, body, "Visa invitation letter replaced by a corrected one", "Follow-up answers corrected: Passport number")
}

// In Czech "tento dopis nahradil opravený dopis" may be read either way round (nominative and
// accusative alike): the page of a replaced letter's code says which letter replaced which.
func TestAReplacedLetterSaysInCzechWhichLetterReplacedWhich(t *testing.T) {
	t.Parallel()
	ts := newFormServer(t)
	e := documentEdition(t, ts, "verify-replaced-cs-2027")
	ctx := context.Background()
	if err := ts.store.AddDefaultFollowUps(ctx, e.ID); err != nil {
		t.Fatal(err)
	}
	fields := followUpFieldsOf(t, ts, e)
	organiser := createUser(t, ts, "organiser@school.test", school.RoleOrganiser)
	staff := signIn(t, ts, organiser.Email)
	p, _ := passportGiven(t, ts, e, "Olena", "Kovalenko", "en")
	old, err := ts.store.IssuedDocument(ctx, p.app.ID, school.DocumentVisaLetter)
	if err != nil {
		t.Fatal(err)
	}
	app := "/admin/applications/" + strconv.FormatInt(p.app.ID, 10)
	f := staff.openForm(t, app+"/follow-ups", app+"/follow-ups")
	resp, body := staff.submit(t, f, url.Values{fields[school.PurposePassportNumber]: {"FE123456"}})
	wantStatus(t, resp, body, http.StatusSeeOther)
	_, body = ts.visitor().get(t, "/verify/"+school.FormatCode(old.Code)+"?lang=cs")
	wantText(t, body, "Tento dopis byl nahrazen", "byl tento dopis nahrazen opraveným dopisem")
}

// Seats added in the editor once the school has begun go to nobody on the waiting list, as a
// seat freed then does; before its first day they are offered as ever.
func TestSeatsRaisedOnceTheSchoolHasBegunAreOfferedToNobody(t *testing.T) {
	t.Parallel()
	clock := testkit.NewClock(demoNow)
	ts := newTestServerAt(t, clock.Now)
	r := releaseOffers(t, ts, "grow-late-2027", 1, 1, 2)
	clock.Set(time.Date(2027, 8, 24, 9, 0, 0, 0, school.Prague).UTC())
	organiser := signIn(t, ts, "organiser-grow-late-2027@school.test") // the session of months ago ended
	resp, body := saveSeats(t, organiser, r.e, 3, "en")
	wantStatus(t, resp, body, http.StatusSeeOther)
	for _, a := range r.waiting {
		if st := statusOf(t, ts, a.ID).Status; st != school.StatusWaitlisted {
			t.Errorf("%s is %s after the seats were raised during the school", a.GivenName, st)
		}
		if got := templatesOf(emailsOf(t, ts, a.ID)); slices.Contains(got, "decision_accepted") {
			t.Errorf("%s was offered a seat during the school: %v", a.GivenName, got)
		}
	}
}

// The correction of follow-up answers is for the edition's organisers only, with the form's
// CSRF token, while the applicant holds a place.
func TestFollowUpCorrectionIsRefusedToOthersAndWithoutItsToken(t *testing.T) {
	t.Parallel()
	ts := newFormServer(t)
	e := documentEdition(t, ts, "correct-refused-2027")
	other := documentEdition(t, ts, "correct-refused-other-2027")
	ctx := context.Background()
	if err := ts.store.AddDefaultFollowUps(ctx, e.ID); err != nil {
		t.Fatal(err)
	}
	fields := followUpFieldsOf(t, ts, e)
	organiser := createUser(t, ts, "organiser@school.test", school.RoleOrganiser)
	elsewhere := createUser(t, ts, "elsewhere@school.test", school.RoleOrganiser)
	reviewer := createUser(t, ts, "reviewer@school.test", school.RoleReviewer)
	if err := ts.store.AssignStaff(ctx, elsewhere.ID, other.ID); err != nil {
		t.Fatal(err)
	}
	if err := ts.store.AssignStaff(ctx, reviewer.ID, e.ID); err != nil {
		t.Fatal(err)
	}
	p, _ := passportGiven(t, ts, e, "Olena", "Kovalenko", "en")
	page := "/admin/applications/" + strconv.FormatInt(p.app.ID, 10) + "/follow-ups"
	staff := signIn(t, ts, organiser.Email)
	f := staff.openForm(t, page, page)
	change := url.Values{fields[school.PurposePassportNumber]: {"XX999999"}}

	for name, who := range map[string]*visitor{"an organiser of another edition": signIn(t, ts, elsewhere.Email),
		"a reviewer of the edition": signIn(t, ts, reviewer.Email)} {
		resp, body := who.get(t, page)
		if resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s opens the correction: %d", name, resp.StatusCode)
		}
		if strings.Contains(body, "FE12345G") {
			t.Errorf("%s reads the passport number", name)
		}
		values := url.Values{"_csrf": {who.token(t)}, fields[school.PurposePassportNumber]: {"XX999999"}}
		resp, _ = who.post(t, page, page, values)
		if resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s sends a correction: %d", name, resp.StatusCode)
		}
	}
	// The organiser's own form without its token changes nothing.
	values := url.Values{}
	for k, v := range f.Values {
		if k != "_csrf" {
			values[k] = v
		}
	}
	values.Set(fields[school.PurposePassportNumber], "XX999999")
	resp, _ := staff.post(t, page, page, values)
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("a correction without its token: %d", resp.StatusCode)
	}
	// Once the applicant withdrew, nothing is corrected.
	setStatus(t, ts, e, p.app.ID, school.StatusWithdrawn)
	resp, body := staff.submit(t, f, change)
	wantStatus(t, resp, body, http.StatusNotFound)
	answers, err := ts.store.FollowUpAnswers(ctx, p.app.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range answers {
		if v == "XX999999" {
			t.Fatal("the passport number was changed")
		}
	}
}

// An organiser who corrects a typo in the passport number is not held up by a passport expiry
// the applicant gave before the rule of three months past the edition, which the organiser did
// not change; a new expiry typed in is checked.
func TestAnOrganiserCorrectsThePassportNumberOfAnExpiryGivenBeforeTheRule(t *testing.T) {
	t.Parallel()
	ts := newFormServer(t)
	e := documentEdition(t, ts, "correct-old-expiry-2027")
	ctx := context.Background()
	if err := ts.store.AddDefaultFollowUps(ctx, e.ID); err != nil {
		t.Fatal(err)
	}
	fields := followUpFieldsOf(t, ts, e)
	organiser := createUser(t, ts, "organiser@school.test", school.RoleOrganiser)
	staff := signIn(t, ts, organiser.Email)
	p, _ := passportGiven(t, ts, e, "Olena", "Kovalenko", "en")
	qs, err := ts.store.FollowUpQuestions(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	// Stored before the rule: a month past the edition's end.
	for _, q := range qs {
		if q.Purpose == school.PurposePassportExpiry {
			if err := ts.store.SaveFollowUpAnswers(ctx, p.app.ID, map[int64]string{q.ID: "2027-09-30"}, ts.now()); err != nil {
				t.Fatal(err)
			}
		}
	}
	app := "/admin/applications/" + strconv.FormatInt(p.app.ID, 10)
	f := staff.openForm(t, app+"/follow-ups", app+"/follow-ups")
	resp, body := staff.submit(t, f, url.Values{fields[school.PurposePassportNumber]: {"FE123456"}})
	wantStatus(t, resp, body, http.StatusSeeOther)
	resp, body = staff.submit(t, staff.openForm(t, app+"/follow-ups", app+"/follow-ups"),
		url.Values{fields[school.PurposePassportExpiry]: {"2027-10-31"}})
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	wantText(t, body, "The passport must be valid until at least 27 November 2027")
}

// The history names the questions corrected in the reader's language, as it names everything
// else: a Czech organiser reads the Czech labels.
func TestTheCorrectedQuestionsAreNamedInTheReadersLanguage(t *testing.T) {
	t.Parallel()
	ts := newFormServer(t)
	e := documentEdition(t, ts, "correct-labels-cs-2027")
	ctx := context.Background()
	if err := ts.store.AddDefaultFollowUps(ctx, e.ID); err != nil {
		t.Fatal(err)
	}
	fields := followUpFieldsOf(t, ts, e)
	organiser := createUser(t, ts, "organiser@school.test", school.RoleOrganiser)
	staff := signIn(t, ts, organiser.Email)
	p, _ := passportGiven(t, ts, e, "Olena", "Kovalenko", "en")
	app := "/admin/applications/" + strconv.FormatInt(p.app.ID, 10)
	f := staff.openForm(t, app+"/follow-ups", app+"/follow-ups")
	resp, body := staff.submit(t, f, url.Values{fields[school.PurposePassportNumber]: {"FE123456"},
		fields[school.PurposeArrival]: {"2027-08-21"}})
	wantStatus(t, resp, body, http.StatusSeeOther)
	_, body = staff.get(t, app+"?lang=cs")
	wantText(t, body, "Opravené odpovědi na doplňující otázky: Číslo pasu; Den příjezdu")
	_, body = staff.get(t, app+"?lang=en")
	wantText(t, body, "Follow-up answers corrected: Passport number; Day of arrival")
}

// The email about a corrected letter carries the applicant's status link: the outbox shows it
// to organisers without the link.
func TestTheCorrectedLetterEmailIsShownWithoutItsStatusLink(t *testing.T) {
	t.Parallel()
	ts := newFormServer(t)
	e := documentEdition(t, ts, "correct-outbox-2027")
	ctx := context.Background()
	if err := ts.store.AddDefaultFollowUps(ctx, e.ID); err != nil {
		t.Fatal(err)
	}
	fields := followUpFieldsOf(t, ts, e)
	organiser := createUser(t, ts, "organiser@school.test", school.RoleOrganiser)
	staff := signIn(t, ts, organiser.Email)
	p, _ := passportGiven(t, ts, e, "Olena", "Kovalenko", "en")
	app := "/admin/applications/" + strconv.FormatInt(p.app.ID, 10)
	f := staff.openForm(t, app+"/follow-ups", app+"/follow-ups")
	resp, body := staff.submit(t, f, url.Values{fields[school.PurposePassportNumber]: {"FE123456"}})
	wantStatus(t, resp, body, http.StatusSeeOther)
	m := lastEmail(t, ts, p.app.ID)
	if m.Template != "visa_letter_corrected" {
		t.Fatalf("the last email is %s", m.Template)
	}
	token := statusLinkOf(t, m)
	page := "/admin/outbox/" + strconv.FormatInt(m.ID, 10)
	resp, body = staff.get(t, page)
	wantStatus(t, resp, body, http.StatusOK)
	if strings.Contains(body, token) || strings.Contains(body, "FE123456") {
		t.Error("the outbox shows the status link or the passport number")
	}
	wantEmailFrame(t, staff, page+"/html", token)
	// The link works for the applicant.
	resp, body = ts.visitor().get(t, "/status/"+token)
	wantStatus(t, resp, body, http.StatusOK)
}

// The application's page links to the correction only when there is something to correct: an
// edition asking follow-up questions only of those who need a visa has none for the others.
func TestTheCorrectionIsLinkedOnlyWhenItHasQuestions(t *testing.T) {
	t.Parallel()
	ts := newFormServer(t)
	e := documentEdition(t, ts, "correct-link-visa-only-2027")
	ctx := context.Background()
	if err := ts.store.AddDefaultFollowUps(ctx, e.ID); err != nil {
		t.Fatal(err)
	}
	qs, err := ts.store.FollowUpQuestions(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range qs {
		if !q.OnlyWithVisa {
			if _, err := ts.store.RemoveFollowUpQuestion(ctx, e.ID, q.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	organiser := createUser(t, ts, "organiser@school.test", school.RoleOrganiser)
	staff := signIn(t, ts, organiser.Email)
	p := createParticipant(t, ts, e, "Petr", "Svoboda", "en", "CZ", false, "")
	setStatus(t, ts, e, p.app.ID, school.StatusAccepted)
	app := "/admin/applications/" + strconv.FormatInt(p.app.ID, 10)
	_, body := staff.get(t, app)
	if strings.Contains(body, `href="`+app+`/follow-ups"`) {
		resp, _ := staff.get(t, app+"/follow-ups")
		t.Errorf("the page links to a correction that answers %d", resp.StatusCode)
	}
}
