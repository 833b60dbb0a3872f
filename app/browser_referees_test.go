package app

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"registrar/app/school"
	"registrar/app/testkit"
)

// TestBrowserARefereeSendsALetterFromTheEmailedLink: the applicant names a referee on the
// status page; the referee opens the link of the email the SMTP server received and uploads a
// PDF; the applicant's page then says received; the organiser reads the letter, and a reviewer
// reviewing blind does not while the edition keeps letters from reviewers.
func TestBrowserARefereeSendsALetterFromTheEmailedLink(t *testing.T) {
	ts, inbox := newMailingServer(t, "School of Migration Studies <school@registrar.test>", func(c *Config) { c.ApplyLimit = 10000 })
	summer, err := ts.store.PublicEdition(t.Context(), summerSlug)
	if err != nil {
		t.Fatal(err)
	}
	st := createStaff(t, ts, summer.ID, summer.ID)
	status := ts.visitor().applyOK(t, summerSlug, summerAnswers(t, ts, "named.later@example.org"), cvFile("cv.pdf"))
	a := applicationOf(t, ts, status)
	askReferences(t, ts, summer, 1, false)
	if err := ts.store.SetBlindReview(t.Context(), summer.ID, true); err != nil {
		t.Fatal(err)
	}
	ts.runOutbox(t)
	base := ts.listen(t)

	applicant := testkit.NewTab(t)
	browse(t, applicant, "open the status page", chromedp.Navigate(base+"/status/"+status+"?lang=en"),
		chromedp.WaitVisible(chromedp.CSS(`#referees`)))
	follow(t, applicant, chromedp.CSS(`a[href$="/referees/1"]`))
	browse(t, applicant, "name the referee",
		chromedp.SendKeys(chromedp.CSS(`#referee_1_name`), "Prof. Lina Saleh"),
		chromedp.SendKeys(chromedp.CSS(`#referee_1_email`), "lina.saleh@uni.example"),
		chromedp.SendKeys(chromedp.CSS(`#referee_1_relation`), "thesis supervisor"),
		chromedp.Click(chromedp.CSS(`#main form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#referees`)))
	wantPageText(t, applicant, "the status page", "Prof. Lina Saleh", "Not yet")

	email := waitForEmail(t, inbox, "lina.saleh@uni.example", "A reference request")
	link := refereeLinkInEmail.FindString(email.Text)
	if link == "" {
		t.Fatalf("the referee's email has no link:\n%s", email.Text)
	}
	letter := filepath.Join(t.TempDir(), "saleh-letter.pdf")
	if err := os.WriteFile(letter, onePagePDF("I recommend Amina."), 0o600); err != nil {
		t.Fatal(err)
	}
	referee := testkit.NewTab(t)
	browse(t, referee, "open the emailed link", chromedp.Navigate(base+link), chromedp.WaitVisible(chromedp.CSS(`#letter`)))
	wantPageText(t, referee, "the referee's page", "Amina Haddad", summer.Title("en"), "thesis supervisor")
	testkit.CheckAccessibility(t, referee, "the referee's page")
	browse(t, referee, "send the letter",
		chromedp.SetUploadFiles(chromedp.CSS(`#letter`), []string{letter}),
		chromedp.SendKeys(chromedp.CSS(`#answer_1`), "Five years."),
		chromedp.Click(chromedp.CSS(`#main form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#received-title`)))
	wantPageText(t, referee, "the confirmation", "Thank you: your reference has arrived")

	browse(t, applicant, "reload the status page", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`#referees`)))
	wantPageText(t, applicant, "the status page", "Received")

	appPage := base + "/admin/applications/" + strconv.FormatInt(a.ID, 10) + "?lang=en"
	for _, who := range []struct {
		user    school.User
		letters bool
	}{{st.organiser, true}, {st.reviewer, false}} {
		office := testkit.NewTab(t)
		browse(t, office, "sign in", chromedp.Navigate(base+"/admin/login"),
			chromedp.SendKeys(chromedp.CSS(`#email`), who.user.Email),
			chromedp.SendKeys(chromedp.CSS(`#password`), staffPassword),
			chromedp.Click(chromedp.CSS(`#main form[action="/admin/login"] button[type=submit]`)),
			// Signed in once the login form is gone: a navigation started before would abort.
			chromedp.WaitNotPresent(chromedp.CSS(`#password`)))
		browse(t, office, "open the application", chromedp.Navigate(appPage), chromedp.WaitVisible(chromedp.CSS(`#referees`)))
		links := evaluate[int](t, office, `document.querySelectorAll('a[href$="/letter"]').length`)
		if who.letters && links != 1 {
			t.Errorf("the organiser sees %d letters, want 1", links)
		}
		if !who.letters && links != 0 {
			t.Errorf("a blind reviewer sees %d letters with the setting off", links)
		}
		if who.letters {
			wantPageText(t, office, "the organiser's application page", "Prof. Lina Saleh", "Five years.")
		}
	}
}
