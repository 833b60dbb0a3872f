package app

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"registrar/app/school"
	"registrar/app/testkit"
)

// TestBrowserFollowUpQuestionsLeadToTheVisaLetterAndTheLogisticsList: an organiser offers a
// place; the applicant's status page asks the follow-up questions, says the visa letter waits
// for the passport, takes the answers; the letter is then offered with the passport's name and
// number, and the organiser's logistics list has the row.
func TestBrowserFollowUpQuestionsLeadToTheVisaLetterAndTheLogisticsList(t *testing.T) {
	ts := newFormServer(t)
	e := documentEdition(t, ts, "browser-follow-ups-2027")
	if err := ts.store.AddDefaultFollowUps(context.Background(), e.ID); err != nil {
		t.Fatal(err)
	}
	fields := followUpFieldsOf(t, ts, e)
	organiser := createUser(t, ts, "organiser@school.test", school.RoleOrganiser)
	olena := createParticipant(t, ts, e, "Olena", "Kovalenko", "en", "UA", true, "")
	base := ts.listen(t)

	office := testkit.NewTab(t)
	page := "/admin/applications/" + strconv.FormatInt(olena.app.ID, 10)
	browse(t, office, "sign in", chromedp.Navigate(base+page), chromedp.WaitVisible(chromedp.CSS(`#password`)),
		chromedp.SendKeys(chromedp.CSS(`#email`), organiser.Email),
		chromedp.SendKeys(chromedp.CSS(`#password`), staffPassword),
		chromedp.Click(chromedp.CSS(`#main form[action="/admin/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#decision`)))
	browse(t, office, "stage the offer",
		chromedp.SetValue(chromedp.CSS(`#main select[name=decision]`), string(school.StatusAccepted)),
		chromedp.Click(chromedp.CSS(`#main form[action="`+page+`/decision"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#main p.notice[role=status]`)))
	decisions := "/admin/editions/" + strconv.FormatInt(e.ID, 10) + "/decisions"
	browse(t, office, "open the decisions", chromedp.Navigate(base+decisions),
		chromedp.WaitVisible(chromedp.CSS(`#main form[action="`+decisions+`"]`)),
		chromedp.Click(chromedp.CSS(`#main form[action="`+decisions+`"] input[name=confirm]`)))
	click(t, office, "release", chromedp.CSS(`#main form[action="`+decisions+`"] button[type=submit]`), chromedp.CSS(`#main p.notice[role=status]`))
	follow := "/admin/editions/" + strconv.FormatInt(e.ID, 10) + "/follow-ups"
	browse(t, office, "open the follow-up questions", chromedp.Navigate(base+follow), chromedp.WaitVisible(chromedp.CSS(`#questions`)))
	wantPageText(t, office, "the follow-up questions", "1 applicant holding a place still owes answers")
	testkit.CheckAccessibility(t, office, "follow-up questions")

	applicant := testkit.NewTab(t)
	browse(t, applicant, "open the status page", chromedp.Navigate(base+olena.status()+"?lang=en"),
		chromedp.WaitVisible(chromedp.CSS(`#follow-ups`)))
	wantPageText(t, applicant, "the status page", "A few more details",
		"Your visa invitation letter will be ready once you give your passport details.")
	testkit.CheckAccessibility(t, applicant, "status page asking the follow-up questions")
	click(t, applicant, "confirm the place", chromedp.CSS(`form[action$="/confirm"] button`), chromedp.CSS(`#main p.notice[role=status]`))
	field := func(p school.Purpose) chromedp.CSS { return chromedp.CSS(`#` + fields[p]) }
	browse(t, applicant, "answer",
		chromedp.SetValue(field(school.PurposePassportName), "KOVALENKO OLENA"),
		chromedp.SetValue(field(school.PurposePassportNumber), "FE123456"),
		chromedp.SetValue(field(school.PurposePassportCountry), "Ukraine"),
		chromedp.SetValue(field(school.PurposePassportExpiry), "2031-01-31"),
		chromedp.SetValue(field(school.PurposeArrival), "2027-08-22"),
		chromedp.SetValue(field(school.PurposeDeparture), "2027-08-28"),
		chromedp.SetValue(field(school.PurposeEmergencyContact), "Iryna Kovalenko, +380 44 123 4567"),
		chromedp.Click(chromedp.CSS(`#follow-ups form button[type=submit]`)))
	waitUntil(t, applicant, "the answers saved", `location.search.includes('done=follow_ups') && document.readyState === 'complete'`)
	wantPageText(t, applicant, "the status page after answering", "Your answers were saved.", "Make the visa invitation letter")
	testkit.CheckAccessibility(t, applicant, "status page with the answers given")

	v := ts.visitor()
	issueLetter(t, v, olena.status(), olena.status()+"/visa-letter.pdf")
	testkit.WantText(t, "the letter", pdfText(t, v, olena.status()+"/visa-letter.pdf"),
		"Name as in the passport: KOVALENKO OLENA", "Passport number: FE123456")

	staff := signIn(t, ts, organiser.Email)
	resp, body := staff.get(t, "/admin/editions/"+strconv.FormatInt(e.ID, 10)+"/logistics.csv")
	wantStatus(t, resp, body, http.StatusOK)
	if !strings.Contains(body, "Olena,Kovalenko,"+olena.app.Email+",2027-08-22,2027-08-28,,\"Iryna Kovalenko, +380 44 123 4567\"") {
		t.Errorf("the logistics list lacks Olena's row:\n%s", body)
	}
}
