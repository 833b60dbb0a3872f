package app

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"registrar/app/school"
	"registrar/app/testkit"
)

// followUpFieldsOf maps the edition's follow-up questions to their form fields, by purpose.
func followUpFieldsOf(t testing.TB, ts *testServer, e school.Edition) map[school.Purpose]string {
	t.Helper()
	qs, err := ts.store.FollowUpQuestions(context.Background(), e.ID)
	if err != nil {
		t.Fatal(err)
	}
	fields := map[school.Purpose]string{}
	for _, q := range qs {
		fields[q.Purpose] = followUpName(q.ID)
	}
	return fields
}

// postWithToken posts values to action with the CSRF token of the status page's erasure form,
// as a hand-made form would.
func postWithToken(t testing.TB, v *visitor, page, action string, values url.Values) (*http.Response, string) {
	t.Helper()
	f := v.openForm(t, page, page+"/erasure")
	values.Set("_csrf", f.With(nil).Get("_csrf"))
	return v.post(t, action, page, values)
}

func TestOrganisersSetFollowUpQuestionsAndTheirDeadline(t *testing.T) {
	t.Parallel()
	ts := newFormServer(t)
	e := documentEdition(t, ts, "follow-ups-2027")
	organiser := createUser(t, ts, "organiser@school.test", school.RoleOrganiser)
	staff := signIn(t, ts, organiser.Email)
	page := "/admin/editions/" + strconv.FormatInt(e.ID, 10) + "/follow-ups"

	resp, body := staff.get(t, page)
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "Follow-up questions", "No follow-up questions yet.", "Add the usual questions")

	resp, body = staff.submit(t, staff.openForm(t, page, page+"/defaults"), nil)
	wantStatus(t, resp, body, http.StatusSeeOther)
	_, body = staff.get(t, resp.Header.Get("Location"))
	wantText(t, body, "The usual questions were added.")
	for _, label := range []string{"Passport number", "Emergency contact (name and phone)"} {
		if !strings.Contains(body, `value="`+label+`"`) {
			t.Errorf("no question %q", label)
		}
	}

	t.Run("the deadline is a minute in Prague, shown back as typed", func(t *testing.T) {
		f := staff.openForm(t, page, page+"/settings")
		resp, body := staff.submit(t, f, url.Values{"deadline_on": {"2027-06-30"}, "deadline_at": {""}, "passport_kept_days": {"14"}})
		wantStatus(t, resp, body, http.StatusSeeOther)
		st, err := ts.store.FollowUpSettings(context.Background(), e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if want := time.Date(2027, 6, 30, 21, 59, 0, 0, time.UTC); !st.Deadline.Equal(want) || st.PassportKeptDays != 14 {
			t.Errorf("stored %s, %d days; want %s, 14", st.Deadline, st.PassportKeptDays, want)
		}
		_, body = staff.get(t, page)
		wantText(t, body, "Now: 30 June 2027, 23:59", "This edition: on 11 September 2027.")
		resp, body = staff.submit(t, f, url.Values{"deadline_on": {"30. 6. 2027"}, "passport_kept_days": {"many"}})
		wantStatus(t, resp, body, http.StatusUnprocessableEntity)
		wantText(t, body, "Enter the day as YYYY-MM-DD", "Enter a whole number of days from 0 to 3650.")
	})

	t.Run("a date purpose takes a short text; a file is no follow-up kind", func(t *testing.T) {
		token := staff.openForm(t, page, page+"/settings").With(nil).Get("_csrf")
		add := func(values url.Values) (*http.Response, string) {
			values.Set("_csrf", token)
			return staff.post(t, page+"/questions", page, values)
		}
		resp, body := add(url.Values{"kind": {"long_text"}, "label_en": {"Arrival time"}, "purpose": {"arrival"}})
		wantStatus(t, resp, body, http.StatusUnprocessableEntity)
		wantText(t, body, "Arrival, departure and the passport's expiry are dates")
		resp, body = add(url.Values{"kind": {"file"}, "label_en": {"Scan of the passport"}})
		wantStatus(t, resp, body, http.StatusUnprocessableEntity)
		wantText(t, body, "Choose one of the options")
		resp, body = add(url.Values{"kind": {"yes_no"}, "label_en": {"Will you come by train?"}, "label_cs": {"Přijedete vlakem?"}})
		wantStatus(t, resp, body, http.StatusSeeOther)
	})

	t.Run("the application form asks none of them", func(t *testing.T) {
		v := ts.visitor()
		_, body := v.get(t, applyPath(e.Slug))
		if !strings.Contains(body, `name="visa_letter"`) || strings.Contains(body, `name="passport_name"`) {
			t.Error("the form asks for the passport, or no longer whether a visa letter is wanted")
		}
		for _, label := range []string{"Passport number", "Will you come by train?", "Emergency contact"} {
			if strings.Contains(body, label) {
				t.Errorf("the application form asks %q", label)
			}
		}
	})
}

func TestAnApplicantHoldingAPlaceAnswersAndGetsTheVisaLetterWithThePassport(t *testing.T) {
	t.Parallel()
	ts := newFormServer(t)
	e := documentEdition(t, ts, "follow-visa-2027")
	organiser := createUser(t, ts, "organiser@school.test", school.RoleOrganiser)
	staff := signIn(t, ts, organiser.Email)
	if err := ts.store.AddDefaultFollowUps(context.Background(), e.ID); err != nil {
		t.Fatal(err)
	}
	fields := followUpFieldsOf(t, ts, e)
	olena := createParticipant(t, ts, e, "Olena", "Kovalenko", "en", "UA", true, "")
	petr := createParticipant(t, ts, e, "Petr", "Svoboda", "cs", "CZ", false, "")
	applicant := ts.visitor()

	_, body := applicant.get(t, olena.status())
	if strings.Contains(body, "A few more details") {
		t.Error("a submitted applicant is asked the follow-up questions")
	}
	resp, body := postWithToken(t, applicant, olena.status(), olena.status()+"/follow-ups", url.Values{})
	wantStatus(t, resp, body, http.StatusBadRequest)

	setStatus(t, ts, e, olena.app.ID, school.StatusAccepted)
	setStatus(t, ts, e, petr.app.ID, school.StatusAccepted)
	setStatus(t, ts, e, olena.app.ID, school.StatusConfirmed)

	t.Run("the status page asks, and says the letter waits for the passport", func(t *testing.T) {
		_, body := applicant.get(t, olena.status())
		wantText(t, body, "A few more details", "Passport number", "Day of arrival",
			"Your visa invitation letter will be ready once you give your passport details.")
		if strings.Contains(body, "You can now download your visa invitation letter") {
			t.Error("the page says the letter is ready while it waits for the passport")
		}
		if strings.Contains(body, "visa-letter.pdf") {
			t.Error("the letter is offered before the passport's details")
		}
		resp, body := applicant.get(t, olena.status()+"/visa-letter.pdf")
		wantStatus(t, resp, body, http.StatusSeeOther)
		// Without a visa letter, no passport question.
		_, body = applicant.get(t, petr.status())
		wantText(t, body, "A few more details", "Day of arrival")
		if strings.Contains(body, "Passport number") {
			t.Error("an applicant who wants no visa letter is asked for the passport")
		}
	})

	t.Run("answers with problems come back with what to do", func(t *testing.T) {
		f := applicant.openForm(t, olena.status(), olena.status()+"/follow-ups")
		resp, body := applicant.submit(t, f, url.Values{fields[school.PurposeArrival]: {"22 August"},
			fields[school.PurposePassportNumber]: {""}})
		wantStatus(t, resp, body, http.StatusUnprocessableEntity)
		wantText(t, body, "Some answers need a correction", "Enter a date as YYYY-MM-DD", "Please answer this question.")
		if !strings.Contains(body, `value="22 August"`) {
			t.Error("the answer as typed is lost")
		}
	})

	t.Run("answered, the letter carries the passport's name and number", func(t *testing.T) {
		f := applicant.openForm(t, olena.status(), olena.status()+"/follow-ups")
		resp, body := applicant.submit(t, f, url.Values{
			fields[school.PurposePassportName]: {"KOVALENKO OLENA"}, fields[school.PurposePassportNumber]: {"FE123456"},
			fields[school.PurposePassportCountry]: {"Ukraine"}, fields[school.PurposePassportExpiry]: {"2031-01-31"},
			fields[school.PurposeArrival]: {"2027-08-22"}, fields[school.PurposeDeparture]: {"2027-08-28"},
			fields[school.PurposeAccommodation]:    {"Ground floor, please"},
			fields[school.PurposeEmergencyContact]: {"Iryna Kovalenko, +380 44 123 4567"}})
		wantStatus(t, resp, body, http.StatusSeeOther)
		_, body = applicant.get(t, resp.Header.Get("Location"))
		wantText(t, body, "Your answers were saved.", "Make the visa invitation letter")
		if !strings.Contains(body, `value="FE123456"`) {
			t.Error("the form does not show the answer given")
		}
		issueLetter(t, applicant, olena.status(), olena.status()+"/visa-letter.pdf")
		text := pdfText(t, applicant, olena.status()+"/visa-letter.pdf")
		testkit.WantText(t, "the letter", text, "Name as in the passport: KOVALENKO OLENA", "Passport number: FE123456",
			"invite KOVALENKO OLENA")
	})

	t.Run("organisers' logistics list has the row; reviewers see no passport", func(t *testing.T) {
		base := "/admin/editions/" + strconv.FormatInt(e.ID, 10)
		resp, body := staff.get(t, base+"/logistics.csv")
		wantStatus(t, resp, body, http.StatusOK)
		wantText(t, body, "Arrival,Departure,Accommodation needs,Emergency contact",
			"Kovalenko,participant-", "2027-08-22,2027-08-28,\"Ground floor, please\",\"Iryna Kovalenko, +380 44 123 4567\"")
		if strings.Contains(body, "FE123456") {
			t.Error("the logistics list carries the passport number")
		}
		resp, body = staff.get(t, base+"/logistics.xlsx")
		wantStatus(t, resp, body, http.StatusOK)
		_, body = staff.get(t, base+"/follow-ups")
		wantText(t, body, "1 applicant holding a place still owes answers")
		_, body = staff.get(t, base)
		wantText(t, body, "Follow-up answers outstanding")
		_, body = staff.get(t, base+"/privacy")
		wantText(t, body, "participants' are erased 30 days after the edition ends, on 27 September 2027.")
		_, body = applicant.get(t, olena.status()+"/data.json")
		if !strings.Contains(body, `"follow_up_answers"`) || !strings.Contains(body, `"Passport number": "FE123456"`) {
			t.Errorf("the applicant's data export lacks the follow-up answers:\n%s", body)
		}
		_, body = staff.get(t, "/admin/applications/"+strconv.FormatInt(olena.app.ID, 10))
		wantText(t, body, "Follow-up answers", "Passport number", "FE123456", "Iryna Kovalenko")
		reviewer := createUser(t, ts, "reviewer@school.test", school.RoleReviewer)
		if err := ts.store.AssignStaff(context.Background(), reviewer.ID, e.ID); err != nil {
			t.Fatal(err)
		}
		rv := signIn(t, ts, reviewer.Email)
		for _, path := range []string{base + "/follow-ups", base + "/logistics.csv"} {
			resp, body := rv.get(t, path)
			wantStatus(t, resp, body, http.StatusForbidden)
		}
		resp, body = rv.get(t, "/admin/applications/"+strconv.FormatInt(olena.app.ID, 10))
		wantStatus(t, resp, body, http.StatusOK)
		if strings.Contains(body, "FE123456") || strings.Contains(body, "Iryna") {
			t.Error("a reviewer sees follow-up answers")
		}
	})

	t.Run("who owes answers is reminded once, three days before the deadline", func(t *testing.T) {
		if err := ts.store.SetFollowUpSettings(context.Background(), e.ID,
			school.FollowUpSettings{Deadline: ts.now().Add(48 * time.Hour), PassportKeptDays: 30}); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if err := ts.jobs().RemindFollowUps(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		count := func(id int64) int {
			n := 0
			for _, name := range templatesOf(emailsOf(t, ts, id)) {
				if name == "follow_up_reminder" {
					n++
				}
			}
			return n
		}
		if n := count(petr.app.ID); n != 1 {
			t.Errorf("Petr, who owes answers, got %d reminders, want 1", n)
		}
		if n := count(olena.app.ID); n != 0 {
			t.Errorf("Olena, who answered, got %d reminders", n)
		}
		msgs := emailsOf(t, ts, petr.app.ID)
		last := msgs[len(msgs)-1]
		if last.Template != "follow_up_reminder" {
			last = msgs[0]
		}
		if !strings.Contains(last.Subject, "pár údajů") && !strings.Contains(last.Subject, "a few details") {
			t.Errorf("the reminder's subject %q", last.Subject)
		}
	})

	t.Run("after the deadline answers are shown, not taken", func(t *testing.T) {
		if err := ts.store.SetFollowUpSettings(context.Background(), e.ID,
			school.FollowUpSettings{Deadline: ts.now().Add(-time.Minute), PassportKeptDays: 30}); err != nil {
			t.Fatal(err)
		}
		_, body := applicant.get(t, olena.status())
		wantText(t, body, "Answers were taken until", "FE123456")
		resp, body := postWithToken(t, applicant, olena.status(), olena.status()+"/follow-ups",
			url.Values{fields[school.PurposePassportNumber]: {"XX"}})
		wantStatus(t, resp, body, http.StatusBadRequest)
	})
}
