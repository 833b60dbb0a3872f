package app

import (
	"context"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"registrar/app/school"
	"registrar/app/testkit"
)

// TestBrowserUnpublishingAsksOnceMore: an organiser presses Unpublish on a live edition, reads
// what it does on a page of its own, and confirms; the public page goes offline only then.
func TestBrowserUnpublishingAsksOnceMore(t *testing.T) {
	ts := newTestServer(t)
	organiser := createUser(t, ts, "organiser@school.test", school.RoleOrganiser)
	summer, err := ts.store.PublicEdition(context.Background(), summerSlug)
	if err != nil {
		t.Fatal(err)
	}
	base := ts.listen(t)
	office := testkit.NewTab(t)
	editor := "/admin/editions/" + strconv.FormatInt(summer.ID, 10) + "/edit"
	browse(t, office, "sign in", chromedp.Navigate(base+"/admin/login"),
		chromedp.WaitVisible(chromedp.CSS(`#password`)),
		chromedp.SendKeys(chromedp.CSS(`#email`), organiser.Email),
		chromedp.SendKeys(chromedp.CSS(`#password`), staffPassword),
		chromedp.Click(chromedp.CSS(`#main form[action="/admin/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#main table`)),
		chromedp.Navigate(base+editor), chromedp.WaitVisible(chromedp.CSS(`#main button[value=draft]`)))
	follow(t, office, chromedp.CSS(`#main button[value=draft]`))
	wantPageText(t, office, "the confirmation", "Unpublish "+summer.TitleEN+"?", "No, keep it published")
	testkit.CheckAccessibility(t, office, "unpublish confirmation")
	if resp, _ := ts.get(t, "/editions/"+summer.Slug); resp.StatusCode != 200 {
		t.Fatalf("the public page answers %d before the organiser confirmed", resp.StatusCode)
	}
	follow(t, office, chromedp.CSS(`#main form[action$="/status"] button`))
	wantPageText(t, office, "the editor after unpublishing", "Status: Draft")
	if resp, _ := ts.get(t, "/editions/"+summer.Slug); resp.StatusCode != 404 {
		t.Errorf("the unpublished edition's public page answers %d", resp.StatusCode)
	}
}
