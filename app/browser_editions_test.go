package app

import (
	"context"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"registrar/app/school"
	"registrar/app/testkit"
)

// TestBrowserOrganiserClonesEditsAndPublishesAnEdition: an organiser signs in, copies the demo
// summer school for next year, renames the copy, adds a session to its programme, publishes it,
// and the public sees it at once.
func TestBrowserOrganiserClonesEditsAndPublishesAnEdition(t *testing.T) {
	ts := newTestServer(t)
	organiser := createUser(t, ts, "organiser@school.test", school.RoleOrganiser)
	summer, err := ts.store.PublicEdition(context.Background(), summerSlug)
	if err != nil {
		t.Fatal(err)
	}
	base := ts.listen(t)
	office := testkit.NewTab(t)
	browse(t, office, "sign in", chromedp.Navigate(base+"/admin/login"),
		chromedp.WaitVisible(chromedp.CSS(`#password`)),
		chromedp.SendKeys(chromedp.CSS(`#email`), organiser.Email),
		chromedp.SendKeys(chromedp.CSS(`#password`), staffPassword),
		chromedp.Click(chromedp.CSS(`#main form[action="/admin/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#main table`)))

	editor := "/admin/editions/" + strconv.FormatInt(summer.ID, 10) + "/edit"
	follow(t, office, chromedp.CSS(`#main a[href="`+editor+`"]`))
	testkit.CheckAccessibility(t, office, "edition editor")
	follow(t, office, chromedp.CSS(`#main a[href$="/clone"]`))
	testkit.CheckAccessibility(t, office, "the copy form")
	if starts := evaluate[string](t, office, `document.querySelector('#starts_on').value`); starts != school.NextYearStart(summer.StartsOn).Format("2006-01-02") {
		t.Errorf("the copy form proposes %s", starts)
	}
	// The same date a year on is another weekday: the form comes back saying which days would do.
	browse(t, office, "a start on another weekday",
		chromedp.SetValue(chromedp.CSS(`#starts_on`), summer.StartsOn.AddDate(1, 0, 0).Format("2006-01-02")))
	click(t, office, "copy to another weekday", chromedp.CSS(`#main form[action$="/clone"] button[type=submit]`),
		chromedp.CSS(`#main .error-summary`))
	wantPageText(t, office, "the refused start", "the weekday this edition starts on")
	testkit.CheckAccessibility(t, office, "the copy form with an error")
	browse(t, office, "the proposed start",
		chromedp.SetValue(chromedp.CSS(`#starts_on`), school.NextYearStart(summer.StartsOn).Format("2006-01-02")))
	click(t, office, "make the copy", chromedp.CSS(`#main form[action$="/clone"] button[type=submit]`),
		chromedp.CSS(`#main section.notice[role=status]`))
	wantPageText(t, office, "the copy's editor", "This is the copy, a draft", "Copied:", "Status: Draft")
	if slug := evaluate[string](t, office, `document.querySelector('#slug').value`); slug != "summer-school-2028" {
		t.Errorf("the copy's address is %q", slug)
	}
	if starts := evaluate[string](t, office, `document.querySelector('#starts_on').value`); starts != school.NextYearStart(summer.StartsOn).Format("2006-01-02") {
		t.Errorf("the copy starts on %s; the original on %s", starts, summer.StartsOn.Format("2006-01-02"))
	}
	testkit.CheckAccessibility(t, office, "the copy's editor")

	browse(t, office, "rename the copy and preview",
		chromedp.SetValue(chromedp.CSS(`#title_en`), "Summer School on Migration Studies 2028: Cities of Arrival"),
		chromedp.Click(chromedp.CSS(`#main button[value=preview]`)),
		chromedp.WaitVisible(chromedp.CSS(`#preview-title`)))
	testkit.CheckAccessibility(t, office, "editor with the preview")
	// The preview's own notice is on the page already: wait for the saved page's response.
	follow(t, office, chromedp.CSS(`#main button[value=save]`))
	wantPageText(t, office, "the saved copy", "Saved.", "Cities of Arrival")
	copyEditor := evaluate[string](t, office, `location.pathname`)

	// The copy's programme gets a new session with a lecturer not yet in the shared list.
	follow(t, office, chromedp.CSS(`#main a[href$="/programme"]`))
	testkit.CheckAccessibility(t, office, "the copy's programme editor")
	follow(t, office, chromedp.CSS(`#main section.programme-day a[href*="/programme/new?day="]`))
	browse(t, office, "describe the new session",
		chromedp.SetValue(chromedp.CSS(`#title_en`), "Arrival Cities: Housing and Work"),
		chromedp.SetValue(chromedp.CSS(`#starts_at`), "09:30"),
		chromedp.SetValue(chromedp.CSS(`#ends_at`), "11:00"),
		chromedp.SetValue(chromedp.CSS(`#new_name`), "Aigerim Sadykova"),
		chromedp.SetValue(chromedp.CSS(`#new_affiliation`), "American University of Central Asia"))
	testkit.CheckAccessibility(t, office, "the new session form")
	follow(t, office, chromedp.CSS(`#main form[action*="/programme/new"] button[type=submit]`))
	wantPageText(t, office, "the programme after adding", "The session is added", "Arrival Cities: Housing and Work",
		"Aigerim Sadykova")

	browse(t, office, "back to the copy's editor", chromedp.Navigate(base+copyEditor),
		chromedp.WaitVisible(chromedp.CSS(`#main button[value=published]`)))
	follow(t, office, chromedp.CSS(`#main button[value=published]`))
	wantPageText(t, office, "the published copy", "Published: the edition is on the public pages now.")

	follow(t, office, chromedp.CSS(`#main a[href$="/form"]`))
	testkit.CheckAccessibility(t, office, "form builder")
	wantPageText(t, office, "the copy's form builder", "Extra questions", "Rubric")

	public := testkit.NewTab(t)
	browse(t, public, "open the public page", chromedp.Navigate(base+"/editions/summer-school-2028"),
		chromedp.WaitVisible(chromedp.CSS(`#main h1`)))
	wantPageText(t, public, "the public page of the copy", "Cities of Arrival", "Arrival Cities: Housing and Work",
		"Aigerim Sadykova")
	browse(t, public, "open the list of editions", chromedp.Navigate(base+"/editions"),
		chromedp.WaitVisible(chromedp.CSS(`#main a[href="/editions/summer-school-2028"]`)))
}
