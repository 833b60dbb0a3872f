package app

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"registrar/app/school"
	"registrar/app/testkit"
)

// passportGiven is a participant holding a confirmed place who answered the default follow-up
// questions (leaving on the edition's last day), with a typo in the passport number, and made the
// visa letter.
func passportGiven(t *testing.T, ts *testServer, e school.Edition, given, family, lang string) (issuedHolder, *visitor) {
	t.Helper()
	ctx := context.Background()
	p := createParticipant(t, ts, e, given, family, lang, "UA", true, "")
	setStatus(t, ts, e, p.app.ID, school.StatusAccepted)
	setStatus(t, ts, e, p.app.ID, school.StatusConfirmed)
	qs, err := ts.store.FollowUpQuestions(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	byPurpose := map[school.Purpose]string{school.PurposePassportName: strings.ToUpper(family + " " + given),
		school.PurposePassportNumber: "FE12345G", school.PurposePassportCountry: "Ukraine",
		school.PurposePassportExpiry: "2031-01-31", school.PurposeArrival: "2027-08-22",
		school.PurposeDeparture: "2027-08-27", school.PurposeEmergencyContact: "Iryna, +380 44 123 4567"}
	answers := map[int64]string{}
	for _, q := range qs {
		if v, ok := byPurpose[q.Purpose]; ok {
			answers[q.ID] = v
		}
	}
	if err := ts.store.SaveFollowUpAnswers(ctx, p.app.ID, answers, ts.now()); err != nil {
		t.Fatal(err)
	}
	applicant := ts.visitor()
	issueLetter(t, applicant, p.status(), p.status()+"/visa-letter.pdf")
	return p, applicant
}

// correction is an edition asking the default follow-up questions, its organiser signed in, and
// Olena, a participant who answered them with a typo in her passport number and made her visa
// letter; app is her application's page in the back office.
type correction struct {
	ts     *testServer
	e      school.Edition
	fields map[school.Purpose]string
	staff  *visitor
	p      issuedHolder
	app    string
}

func newCorrection(t *testing.T, slug string) correction {
	t.Helper()
	ts, e, fields := followUpServer(t, slug)
	organiser := createUser(t, ts, "organiser@school.test", school.RoleOrganiser)
	p, _ := passportGiven(t, ts, e, "Olena", "Kovalenko", "en")
	return correction{ts: ts, e: e, fields: fields, staff: signIn(t, ts, organiser.Email),
		p: p, app: "/admin/applications/" + strconv.FormatInt(p.app.ID, 10)}
}

// storeExpiry stores the passport's expiry as the applicant gave it, unchecked: as one given
// before the rule of three months was.
func (c correction) storeExpiry(t *testing.T, day string) {
	t.Helper()
	ctx := context.Background()
	qs, err := c.ts.store.FollowUpQuestions(ctx, c.e.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range qs {
		if q.Purpose == school.PurposePassportExpiry {
			if err := c.ts.store.SaveFollowUpAnswers(ctx, c.p.app.ID, map[int64]string{q.ID: day}, c.ts.now()); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestAnOrganiserCorrectsAPassportNumberAndTheVisaLetterIsMadeAgain(t *testing.T) {
	t.Parallel()
	ts := newFormServer(t)
	e := documentEdition(t, ts, "follow-correct-2027")
	ctx := context.Background()
	if err := ts.store.AddDefaultFollowUps(ctx, e.ID); err != nil {
		t.Fatal(err)
	}
	fields := followUpFieldsOf(t, ts, e)
	organiser := createUser(t, ts, "organiser@school.test", school.RoleOrganiser)
	staff := signIn(t, ts, organiser.Email)

	for _, c := range []struct{ lang, given, family, subject, text string }{
		{"en", "Olena", "Kovalenko", "Your corrected visa invitation letter", "We corrected your passport details"},
		{"cs", "Oksana", "Bondarenko", "Opravený zvací dopis pro vízum", "opravili jsme údaje z vašeho pasu"},
	} {
		p, applicant := passportGiven(t, ts, e, c.given, c.family, c.lang)
		old, err := ts.store.IssuedDocument(ctx, p.app.ID, school.DocumentVisaLetter)
		if err != nil {
			t.Fatal(err)
		}
		app := "/admin/applications/" + strconv.FormatInt(p.app.ID, 10)
		_, body := staff.get(t, app)
		wantText(t, body, "Follow-up answers", "Correct the answers")
		if !strings.Contains(body, `href="`+app+`/follow-ups"`) {
			t.Fatalf("%s: the application page has no link to correct the answers", c.lang)
		}

		f := staff.openForm(t, app+"/follow-ups", app+"/follow-ups")
		_, body = staff.get(t, app+"/follow-ups")
		wantText(t, body, "Correct the follow-up answers", "A visa invitation letter was made already")

		resp, body := staff.submit(t, f, url.Values{fields[school.PurposePassportExpiry]: {"2027-10-31"}})
		wantStatus(t, resp, body, http.StatusUnprocessableEntity)
		wantText(t, body, "The passport must be valid until at least 27 November 2027")

		resp, body = staff.submit(t, f, url.Values{fields[school.PurposePassportNumber]: {"FE123456"}})
		wantStatus(t, resp, body, http.StatusSeeOther)
		_, body = staff.get(t, resp.Header.Get("Location"))
		wantText(t, body, "the visa letter was made again with a new verification code",
			"Follow-up answers corrected: Passport number", "FE123456")

		// The old code says it was replaced; the new letter has a code of its own.
		current, err := ts.store.IssuedDocument(ctx, p.app.ID, school.DocumentVisaLetter)
		if err != nil {
			t.Fatal(err)
		}
		if current.Code == old.Code || !current.RevokedAt.IsZero() {
			t.Errorf("%s: the letter was not made again: %+v", c.lang, current)
		}
		visitor := ts.visitor()
		_, body = visitor.get(t, "/verify/"+school.FormatCode(old.Code))
		wantText(t, body, "This letter was replaced", "A corrected letter replaced this one")
		_, body = visitor.get(t, "/verify/"+school.FormatCode(current.Code))
		wantText(t, body, "This document is genuine")
		if strings.Contains(body, "replaced") {
			t.Errorf("%s: the new letter's code says it was replaced", c.lang)
		}
		text := pdfText(t, applicant, p.status()+"/visa-letter.pdf")
		testkit.WantText(t, "the corrected letter", text, "Passport number: FE123456", school.FormatCode(current.Code))

		// The applicant is told, in their language, through the outbox.
		m := lastEmail(t, ts, p.app.ID)
		if m.Template != "visa_letter_corrected" || !strings.Contains(m.Subject, c.subject) || !strings.Contains(m.Text, c.text) {
			t.Errorf("%s: the last email is %s %q:\n%s", c.lang, m.Template, m.Subject, m.Text)
		}

		// The history names the question changed, never the passport number.
		history, err := ts.store.ApplicationHistory(ctx, p.app.ID)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, h := range history {
			if strings.Contains(h.Detail, "FE12") {
				t.Errorf("%s: the history keeps the passport number: %+v", c.lang, h)
			}
			if h.Action == "follow_ups_corrected" {
				found = true
				if school.CorrectedQuestions(h.Detail, "en") != "Passport number" || h.Actor != userActor(organiser) {
					t.Errorf("%s: the correction's entry %+v", c.lang, h)
				}
			}
		}
		if !found {
			t.Errorf("%s: no history entry for the correction", c.lang)
		}
	}
}

func TestACorrectionNotOnTheLetterKeepsItsCode(t *testing.T) {
	t.Parallel()
	c := newCorrection(t, "follow-correct-keep-2027")
	ts, e, fields, staff, p, app := c.ts, c.e, c.fields, c.staff, c.p, c.app
	ctx := context.Background()
	old, err := ts.store.IssuedDocument(ctx, p.app.ID, school.DocumentVisaLetter)
	if err != nil {
		t.Fatal(err)
	}
	sent := len(emailsOf(t, ts, p.app.ID))
	f := staff.openForm(t, app+"/follow-ups", app+"/follow-ups")
	resp, body := staff.submit(t, f, url.Values{fields[school.PurposeArrival]: {"2027-08-21"}})
	wantStatus(t, resp, body, http.StatusSeeOther)
	_, body = staff.get(t, resp.Header.Get("Location"))
	wantText(t, body, "The answers were corrected.", "Follow-up answers corrected: Day of arrival")
	current, err := ts.store.IssuedDocument(ctx, p.app.ID, school.DocumentVisaLetter)
	if err != nil || current.Code != old.Code {
		t.Errorf("the letter changed: %+v (%v)", current, err)
	}
	if n := len(emailsOf(t, ts, p.app.ID)); n != sent {
		t.Errorf("%d emails after the correction, want %d", n, sent)
	}
	// Nothing changed: nothing noted.
	resp, body = staff.submit(t, staff.openForm(t, app+"/follow-ups", app+"/follow-ups"), nil)
	wantStatus(t, resp, body, http.StatusSeeOther)
	history, err := ts.store.ApplicationHistory(ctx, p.app.ID)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, h := range history {
		if h.Action == "follow_ups_corrected" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d corrections in the history, want 1", n)
	}
	// An applicant without a place has no answers to correct.
	other := createParticipant(t, ts, e, "Ivan", "Petrenko", "en", "UA", true, "")
	resp, body = staff.get(t, "/admin/applications/"+strconv.FormatInt(other.app.ID, 10)+"/follow-ups")
	wantStatus(t, resp, body, http.StatusNotFound)
}

// In Czech "tento dopis nahradil opravený dopis" may be read either way round (nominative and
// accusative alike): the page of a replaced letter's code says which letter replaced which.
func TestAReplacedLetterSaysInCzechWhichLetterReplacedWhich(t *testing.T) {
	t.Parallel()
	c := newCorrection(t, "verify-replaced-cs-2027")
	ts, fields, staff, p, app := c.ts, c.fields, c.staff, c.p, c.app
	ctx := context.Background()
	old, err := ts.store.IssuedDocument(ctx, p.app.ID, school.DocumentVisaLetter)
	if err != nil {
		t.Fatal(err)
	}
	f := staff.openForm(t, app+"/follow-ups", app+"/follow-ups")
	resp, body := staff.submit(t, f, url.Values{fields[school.PurposePassportNumber]: {"FE123456"}})
	wantStatus(t, resp, body, http.StatusSeeOther)
	_, body = ts.visitor().get(t, "/verify/"+school.FormatCode(old.Code)+"?lang=cs")
	wantText(t, body, "Tento dopis byl nahrazen", "byl tento dopis nahrazen opraveným dopisem")
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
	c := newCorrection(t, "correct-old-expiry-2027")
	fields, staff, app := c.fields, c.staff, c.app
	// Stored before the rule: a month past the edition's end.
	c.storeExpiry(t, "2027-09-30")
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
	c := newCorrection(t, "correct-labels-cs-2027")
	fields, staff, app := c.fields, c.staff, c.app
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
	c := newCorrection(t, "correct-outbox-2027")
	ts, fields, staff, p, app := c.ts, c.fields, c.staff, c.p, c.app
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

// The organisers' correction checks the passport against a later departure too, and words the
// problem for the organiser, who cannot renew the applicant's passport: check it with them.
func TestAnOrganiserIsToldToCheckAPassportEndingTooEarlyForTheDeparture(t *testing.T) {
	t.Parallel()
	c := newCorrection(t, "correct-departure-2027")
	fields, staff, app := c.fields, c.staff, c.app
	for _, w := range []struct{ lang, want, help string }{
		{"en", "The passport must be valid until at least 10 December 2027 (three months after the applicant's departure) for a visa: check the date with the applicant.",
			"For a visa the passport must be valid until at least 10 December 2027"},
		{"cs", "Pro vízum musí pas platit alespoň do 10. prosince 2027 (tři měsíce po odjezdu uchazeče): ověřte datum u\u00a0uchazeče.",
			"Pro vízum musí pas platit alespoň do 10. prosince 2027"},
	} {
		staff.get(t, app+"?lang="+w.lang)
		f := staff.openForm(t, app+"/follow-ups", app+"/follow-ups")
		resp, body := staff.submit(t, f, url.Values{fields[school.PurposeDeparture]: {"2027-09-10"},
			fields[school.PurposePassportExpiry]: {"2027-12-09"}})
		wantStatus(t, resp, body, http.StatusUnprocessableEntity)
		wantText(t, body, w.want)
		wantText(t, body, w.help)
		if strings.Contains(body, "renew it first") || strings.Contains(body, "nechte si nejdřív vystavit") {
			t.Errorf("%s: the organiser is told to renew the passport", w.lang)
		}
	}
	// Leaving on the edition's last day, the organiser reads the edition's end.
	resp, body := staff.submit(t, staff.openForm(t, app+"/follow-ups?lang=en", app+"/follow-ups"),
		url.Values{fields[school.PurposeDeparture]: {"2027-08-27"}, fields[school.PurposePassportExpiry]: {"2027-11-26"}})
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	wantText(t, body, "The passport must be valid until at least 27 November 2027 (three months after the edition ends) for a visa: check the date with the applicant.")
}

// An expiry kept as stored is forgiven only while the organiser's correction does not move the
// day it must reach: a later departure typed in checks it again.
func TestALaterDepartureChecksAStoredExpiryAgain(t *testing.T) {
	t.Parallel()
	c := newCorrection(t, "correct-later-departure-2027")
	fields, staff, app := c.fields, c.staff, c.app
	c.storeExpiry(t, "2027-11-30")
	f := staff.openForm(t, app+"/follow-ups?lang=en", app+"/follow-ups")
	resp, body := staff.submit(t, f, url.Values{fields[school.PurposeDeparture]: {"2027-09-10"}})
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	wantText(t, body, "The passport must be valid until at least 10 December 2027 (three months after the applicant's departure)")
	resp, body = staff.submit(t, f, url.Values{fields[school.PurposeDeparture]: {"2027-08-25"}})
	wantStatus(t, resp, body, http.StatusSeeOther)
}
