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
// questions, with a typo in the passport number, and made the visa letter.
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
		school.PurposeDeparture: "2027-08-28", school.PurposeEmergencyContact: "Iryna, +380 44 123 4567"}
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
	ts := newFormServer(t)
	e := documentEdition(t, ts, "follow-correct-keep-2027")
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
	sent := len(emailsOf(t, ts, p.app.ID))
	app := "/admin/applications/" + strconv.FormatInt(p.app.ID, 10)
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
