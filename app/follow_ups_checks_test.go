package app

import (
	"strconv"
	"strings"
	"time"

	"context"
	"net/http"
	"net/url"
	"registrar/app/testkit"
	"testing"

	"registrar/app/school"
)

// followUpServer is a server with an edition asking the default follow-up questions, and the
// form fields of those questions by purpose.
func followUpServer(t *testing.T, slug string) (*testServer, school.Edition, map[school.Purpose]string) {
	t.Helper()
	ts := newFormServer(t)
	e := documentEdition(t, ts, slug)
	if err := ts.store.AddDefaultFollowUps(context.Background(), e.ID); err != nil {
		t.Fatal(err)
	}
	return ts, e, followUpFieldsOf(t, ts, e)
}

// answeringFollowUps is an applicant offered a place who opens the follow-up questions on their
// status page in lang.
func answeringFollowUps(t *testing.T, ts *testServer, e school.Edition, given, family, lang, country string,
	visa bool) (issuedHolder, *visitor, testkit.Form) {
	t.Helper()
	p := createParticipant(t, ts, e, given, family, lang, country, visa, "")
	setStatus(t, ts, e, p.app.ID, school.StatusAccepted)
	v := ts.visitor()
	v.get(t, p.status()+"?lang="+lang)
	return p, v, v.openForm(t, p.status(), p.status()+"/follow-ups")
}

func TestADepartureBeforeTheArrivalIsSentBackInTheApplicantsLanguage(t *testing.T) {
	t.Parallel()
	ts, e, fields := followUpServer(t, "follow-dates-2027")
	for _, c := range []struct{ lang, want string }{
		{"en", "You leave before you arrive"},
		{"cs", "Den odjezdu je dřív než den příjezdu"},
	} {
		p, v, f := answeringFollowUps(t, ts, e, "Petr", "Svoboda", c.lang, "CZ", false)
		resp, body := v.submit(t, f, url.Values{fields[school.PurposeArrival]: {"2027-08-28"},
			fields[school.PurposeDeparture]: {"2027-08-22"}, fields[school.PurposeEmergencyContact]: {"Jana, +420 601 000 000"}})
		wantStatus(t, resp, body, http.StatusUnprocessableEntity)
		wantText(t, body, c.want)
		if answers, err := ts.store.FollowUpAnswers(context.Background(), p.app.ID); err != nil || len(answers) > 0 {
			t.Errorf("%s: stored %v (%v)", c.lang, answers, err)
		}
		resp, body = v.submit(t, f, url.Values{fields[school.PurposeArrival]: {"2027-08-22"},
			fields[school.PurposeDeparture]: {"2027-08-22"}, fields[school.PurposeEmergencyContact]: {"Jana, +420 601 000 000"}})
		wantStatus(t, resp, body, http.StatusSeeOther)
	}
}

// After the deadline the status page shows the answers given: a choice in the applicant's
// language, as the options were offered, not as stored; a date as the pages write dates.
func TestAnswersShownAfterTheDeadlineAreInTheApplicantsLanguage(t *testing.T) {
	t.Parallel()
	ts := newFormServer(t)
	e := documentEdition(t, ts, "follow-closed-2027")
	ctx := context.Background()
	for _, q := range []school.FollowUpQuestion{
		{Question: school.Question{EditionID: e.ID, Kind: school.QuestionYesNo, LabelEN: "By train?", LabelCS: "Vlakem?"}},
		{Question: school.Question{EditionID: e.ID, Kind: school.QuestionSingle, LabelEN: "Room", LabelCS: "Pokoj",
			OptionsEN: []string{"Single room", "Shared room"}, OptionsCS: []string{"Jednolůžkový", "Sdílený"}}},
		{Question: school.Question{EditionID: e.ID, Kind: school.QuestionText, LabelEN: "Arrival", LabelCS: "Příjezd"},
			Purpose: school.PurposeArrival},
	} {
		if err := ts.store.AddFollowUpQuestion(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	qs, err := ts.store.FollowUpQuestions(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	p := createParticipant(t, ts, e, "Petr", "Svoboda", "cs", "CZ", false, "")
	setStatus(t, ts, e, p.app.ID, school.StatusAccepted)
	v := ts.visitor()
	v.get(t, p.status()+"?lang=cs")
	f := v.openForm(t, p.status(), p.status()+"/follow-ups")
	resp, body := v.submit(t, f, url.Values{followUpName(qs[0].ID): {"yes"}, followUpName(qs[1].ID): {"Shared room"},
		followUpName(qs[2].ID): {"2027-08-22"}})
	wantStatus(t, resp, body, http.StatusSeeOther)
	if err := ts.store.SetFollowUpSettings(ctx, e.ID, school.FollowUpSettings{Deadline: ts.now().Add(-time.Minute),
		PassportKeptDays: 30}); err != nil {
		t.Fatal(err)
	}
	_, body = v.get(t, p.status())
	text := testkit.MainText(t, body)
	testkit.WantText(t, "the status page", text, "Vlakem?Ano", "PokojSdílený", "Příjezd22. srpna 2027")
	if strings.Contains(text, "Shared room") {
		t.Errorf("the page shows the stored English option: %s", text)
	}
}

// The follow-up reminder reads as written in each language: in Czech the event is named in
// quotes, not as "program" (the schedule too); in English the sentence after the greeting starts
// with a capital.
func TestTheFollowUpReminderReadsRightInCzechAndEnglish(t *testing.T) {
	t.Parallel()
	ts := newFormServer(t)
	e := documentEdition(t, ts, "follow-remind-2027")
	ctx := context.Background()
	if err := ts.store.AddDefaultFollowUps(ctx, e.ID); err != nil {
		t.Fatal(err)
	}
	cs := createParticipant(t, ts, e, "Petr", "Svoboda", "cs", "CZ", false, "")
	en := createParticipant(t, ts, e, "Olena", "Kovalenko", "en", "UA", true, "")
	for _, p := range []issuedHolder{cs, en} {
		setStatus(t, ts, e, p.app.ID, school.StatusAccepted)
	}
	if err := ts.store.SetFollowUpSettings(ctx, e.ID, school.FollowUpSettings{Deadline: ts.now().Add(48 * time.Hour),
		PassportKeptDays: 30}); err != nil {
		t.Fatal(err)
	}
	if err := ts.jobs().RemindFollowUps(ctx); err != nil {
		t.Fatal(err)
	}
	reminder := func(p issuedHolder) string {
		for _, m := range emailsOf(t, ts, p.app.ID) {
			if m.Template == "follow_up_reminder" {
				return m.Subject + "\n" + m.Text
			}
		}
		t.Fatalf("%s was not reminded", p.app.GivenName)
		return ""
	}
	testkit.WantText(t, "the Czech reminder", reminder(cs), "„"+e.TitleCS+"“", "pobyt")
	if text := reminder(cs); strings.Contains(text, "programu") {
		t.Errorf("the Czech reminder calls the event a programme:\n%s", text)
	}
	testkit.WantText(t, "the English reminder", reminder(en), "To prepare your stay")
}

// The applicant's data export holds every follow-up answer, also of a question retired and asked
// again under the same words: answers are keyed by the question's words, and two were one.
func TestTheDataExportKeepsAnswersToQuestionsOfTheSameWords(t *testing.T) {
	t.Parallel()
	ts := newFormServer(t)
	e := documentEdition(t, ts, "follow-export-2027")
	ctx := context.Background()
	ask := func() int64 {
		if err := ts.store.AddFollowUpQuestion(ctx, school.FollowUpQuestion{Question: school.Question{EditionID: e.ID,
			Kind: school.QuestionText, LabelEN: "Dietary needs", LabelCS: "Strava"}}); err != nil {
			t.Fatal(err)
		}
		qs, err := ts.store.FollowUpQuestions(ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		return qs[len(qs)-1].ID
	}
	p := createParticipant(t, ts, e, "Petr", "Svoboda", "en", "CZ", false, "")
	setStatus(t, ts, e, p.app.ID, school.StatusAccepted)
	first := ask()
	if err := ts.store.SaveFollowUpAnswers(ctx, p.app.ID, map[int64]string{first: "vegetarian"}, ts.now()); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.store.RemoveFollowUpQuestion(ctx, e.ID, first); err != nil {
		t.Fatal(err)
	}
	second := ask()
	if err := ts.store.SaveFollowUpAnswers(ctx, p.app.ID, map[int64]string{second: "no nuts"}, ts.now()); err != nil {
		t.Fatal(err)
	}
	_, body := ts.visitor().get(t, p.status()+"/data.json")
	testkit.WantText(t, "the data export", body, "vegetarian", "no nuts")
}

// Once participants' passport details are erased after the edition, the status page asks for
// them no more (it asked again, and took them again), and the visa letter is not made.
func TestPassportDetailsErasedAfterTheEditionAreNotAskedAgain(t *testing.T) {
	t.Parallel()
	clock := testkit.NewClock(demoNow)
	ts := newTestServerWith(t, clock.Now, func(c *Config) { c.ApplyLimit = 10000 })
	ctx := context.Background()
	p, answers := confirmedVisaApplicant(t, ts, "follow-erased-2027")
	v := ts.visitor()
	all := answers("KOVALENKO OLENA", "FE123456")
	resp, body := v.submit(t, v.openForm(t, p.status(), p.status()+"/follow-ups"), all)
	wantStatus(t, resp, body, http.StatusSeeOther)

	clock.Set(time.Date(2027, 10, 1, 8, 0, 0, 0, time.UTC)) // 30 days after the end are over
	if n, err := ts.store.ErasePassportDetails(ctx, clock.Now()); err != nil || n != 4 {
		t.Fatalf("%d answers erased (%v), want 4", n, err)
	}
	// The edition's personal-data page lists the erasure with the others, in both languages.
	organiser := createUser(t, ts, "organiser@school.test", school.RoleOrganiser)
	staff := signIn(t, ts, organiser.Email)
	privacy := "/admin/editions/" + strconv.FormatInt(p.app.EditionID, 10) + "/privacy"
	_, body = staff.get(t, privacy+"?lang=en")
	wantText(t, body, "Erased by the retention period", "passport details of 1 participant erased")
	_, body = staff.get(t, privacy+"?lang=cs")
	wantText(t, body, "vymazány údaje z pasu 1 účastníka")
	_, body = v.get(t, p.status())
	for _, asked := range []string{"Passport number", "once you give your passport details", "visa-letter.pdf"} {
		if strings.Contains(body, asked) {
			t.Errorf("after the erasure the status page still shows %q", asked)
		}
	}
	resp, body = v.submit(t, v.openForm(t, p.status(), p.status()+"/follow-ups"), all)
	wantStatus(t, resp, body, http.StatusSeeOther)
	stored, err := ts.store.FollowUpAnswers(ctx, p.app.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, value := range stored {
		if value == "FE123456" {
			t.Error("the passport number is taken again after its erasure")
		}
	}
}

// A visa letter, once made, vouches for the passport it names under its verification code: the
// applicant can no longer change that name and number (the letter printed whatever was typed
// last, under the same code), and is told to write to the organisers instead.
func TestTheVisaLettersPassportCannotBeChangedOnceItIsMade(t *testing.T) {
	t.Parallel()
	ts := newFormServer(t)
	p, answers := confirmedVisaApplicant(t, ts, "follow-fixed-2027")
	v := ts.visitor()
	resp, body := v.submit(t, v.openForm(t, p.status(), p.status()+"/follow-ups"), answers("KOVALENKO OLENA", "FE123456"))
	wantStatus(t, resp, body, http.StatusSeeOther)
	issueLetter(t, v, p.status(), p.status()+"/visa-letter.pdf")

	_, body = v.get(t, p.status())
	wantText(t, body, "Your visa letter names this passport", "KOVALENKO OLENA", "FE123456")
	resp, body = v.submit(t, v.openForm(t, p.status(), p.status()+"/follow-ups"), answers("SOMEONE ELSE", "XX000000"))
	wantStatus(t, resp, body, http.StatusSeeOther)
	text := pdfText(t, v, p.status()+"/visa-letter.pdf")
	testkit.WantText(t, "the letter", text, "Name as in the passport: KOVALENKO OLENA", "Passport number: FE123456")
	if strings.Contains(text, "XX000000") || strings.Contains(text, "SOMEONE ELSE") {
		t.Errorf("the letter made earlier now names another passport:\n%s", text)
	}
}

// confirmedVisaApplicant is Olena, holding a confirmed place and asking for a visa letter, in a
// new edition asking the usual follow-up questions; answers fills them in with her passport's
// name and number as given.
func confirmedVisaApplicant(t *testing.T, ts *testServer, slug string) (issuedHolder, func(name, number string) url.Values) {
	t.Helper()
	e := documentEdition(t, ts, slug)
	if err := ts.store.AddDefaultFollowUps(context.Background(), e.ID); err != nil {
		t.Fatal(err)
	}
	fields := followUpFieldsOf(t, ts, e)
	p := createParticipant(t, ts, e, "Olena", "Kovalenko", "en", "UA", true, "")
	setStatus(t, ts, e, p.app.ID, school.StatusAccepted)
	setStatus(t, ts, e, p.app.ID, school.StatusConfirmed)
	return p, func(name, number string) url.Values {
		return url.Values{fields[school.PurposePassportName]: {name}, fields[school.PurposePassportNumber]: {number},
			fields[school.PurposePassportCountry]: {"Ukraine"}, fields[school.PurposePassportExpiry]: {"2031-01-31"},
			fields[school.PurposeArrival]: {"2027-08-22"}, fields[school.PurposeDeparture]: {"2027-08-28"},
			fields[school.PurposeEmergencyContact]: {"Iryna Kovalenko, +380 44 123 4567"}}
	}
}

// An applicant whose passport ends too early for a Schengen visa is told the day it must reach,
// in their language.
func TestAPassportEndingTooEarlyForTheVisaIsRefusedWithTheDayItMustReach(t *testing.T) {
	t.Parallel()
	ts, e, fields := followUpServer(t, "follow-expiry-2027")
	for _, c := range []struct{ lang, want string }{
		{"en", "The passport must be valid until at least 27 November 2027"},
		{"cs", "Pas musí platit alespoň do 27. listopadu 2027"},
	} {
		p, v, f := answeringFollowUps(t, ts, e, "Olena", "Kovalenko", c.lang, "UA", true)
		answers := url.Values{fields[school.PurposePassportName]: {"KOVALENKO OLENA"},
			fields[school.PurposePassportNumber]: {"FE123456"}, fields[school.PurposePassportCountry]: {"Ukraine"},
			fields[school.PurposePassportExpiry]: {"2027-11-26"}, fields[school.PurposeArrival]: {"2027-08-22"},
			fields[school.PurposeDeparture]: {"2027-08-27"}, fields[school.PurposeEmergencyContact]: {"Iryna, +380 44 123 4567"}}
		resp, body := v.submit(t, f, answers)
		wantStatus(t, resp, body, http.StatusUnprocessableEntity)
		wantText(t, body, c.want)
		if answers, err := ts.store.FollowUpAnswers(context.Background(), p.app.ID); err != nil || len(answers) > 0 {
			t.Errorf("%s: stored %v (%v)", c.lang, answers, err)
		}
		answers.Set(fields[school.PurposePassportExpiry], "2027-11-27")
		resp, body = v.submit(t, f, answers)
		wantStatus(t, resp, body, http.StatusSeeOther)
	}
}

// A participant who stays on after the edition needs a passport valid three months past their
// departure: the form names that day, in the error and in the help, in their language.
func TestAPassportMustReachThreeMonthsPastALaterDeparture(t *testing.T) {
	t.Parallel()
	ts, e, fields := followUpServer(t, "follow-departure-2027")
	for _, c := range []struct{ lang, want, help string }{
		{"en", "The passport must be valid until at least 10 December 2027: three months after your departure",
			"For a visa the passport must be valid until at least 10 December 2027"},
		{"cs", "Pas musí platit alespoň do 10. prosince 2027: tři měsíce po vašem odjezdu",
			"Pro vízum musí pas platit alespoň do 10. prosince 2027"},
	} {
		p, v, f := answeringFollowUps(t, ts, e, "Olena", "Kovalenko", c.lang, "UA", true)
		// Valid three months past the edition's end, not past the departure.
		answers := url.Values{fields[school.PurposePassportName]: {"KOVALENKO OLENA"},
			fields[school.PurposePassportNumber]: {"FE123456"}, fields[school.PurposePassportCountry]: {"Ukraine"},
			fields[school.PurposePassportExpiry]: {"2027-12-09"}, fields[school.PurposeArrival]: {"2027-08-22"},
			fields[school.PurposeDeparture]: {"2027-09-10"}, fields[school.PurposeEmergencyContact]: {"Iryna, +380 44 123 4567"}}
		resp, body := v.submit(t, f, answers)
		wantStatus(t, resp, body, http.StatusUnprocessableEntity)
		wantText(t, body, c.want)
		wantText(t, body, c.help)
		answers.Set(fields[school.PurposePassportExpiry], "2027-12-10")
		resp, body = v.submit(t, f, answers)
		wantStatus(t, resp, body, http.StatusSeeOther)
		_, body = v.get(t, p.status())
		wantText(t, body, c.help)
	}
}
