package app

import (
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"registrar/app/testkit"
)

// widerThanTheScreen lists what in the main content or the footer reaches past the viewport's
// right edge: the site's and the back office's navigation are the layout's own.
const widerThanTheScreen = `[...document.querySelectorAll('#main *, body > footer *')]
	.filter(el => !el.closest('nav') && el.getBoundingClientRect().right > innerWidth + 1)
	.map(el => el.tagName + ' ' + (el.textContent || '').trim().slice(0, 40))`

// TestBrowserTrustPagesFitAPhoneAndPassAxe opens the notices, the wrong status link's page and
// the back office's notice editor and record of processing on a 320-pixel phone and a desktop,
// in both languages, and an organiser saves the notice without JavaScript.
func TestBrowserTrustPagesFitAPhoneAndPassAxe(t *testing.T) {
	f := newAdminFixture(t)
	ts := f.ts
	base := ts.listen(t)
	ctx := testkit.NewTab(t)
	edition := "/admin/editions/" + strconv.FormatInt(f.summer.ID, 10)

	look := func(path string) {
		t.Helper()
		for _, width := range []int64{320, 1280} {
			for _, lang := range []string{"en", "cs"} {
				name := path + " " + lang + " " + strconv.FormatInt(width, 10) + " px"
				browse(t, ctx, name, chromedp.EmulateViewport(width, 800),
					chromedp.Navigate(base+path+"?lang="+lang), chromedp.WaitVisible(chromedp.CSS(`#main h1`)))
				if wide := evaluate[[]string](t, ctx, widerThanTheScreen); len(wide) > 0 {
					t.Errorf("%s: wider than the screen: %v", name, wide)
				}
				testkit.CheckAccessibility(t, ctx, name)
			}
		}
	}
	for _, path := range []string{"/privacy", "/editions/" + summerSlug + "/privacy", "/accessibility",
		"/status/" + "not-a-link-not-a-link-not-a-link-not-a-link-xx"} {
		look(path)
	}

	browse(t, ctx, "sign in", chromedp.EmulateViewport(1280, 800), chromedp.Navigate(base+"/admin/login"),
		chromedp.SendKeys(chromedp.CSS(`#email`), f.staff.organiser.Email),
		chromedp.SendKeys(chromedp.CSS(`#password`), staffPassword),
		chromedp.Click(chromedp.CSS(`#main form[action="/admin/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`nav.admin-nav`)))
	for _, path := range []string{edition + "/notice", edition + "/processing"} {
		look(path)
	}

	browse(t, ctx, "open the data held", chromedp.Navigate(base+edition+"/privacy?lang=en"),
		chromedp.WaitVisible(chromedp.CSS(`#main h1`)))
	follow(t, ctx, chromedp.CSS(`#main a[href="`+edition+`/notice"]`))
	browse(t, ctx, "add a paragraph and save",
		chromedp.SendKeys(chromedp.CSS(`#notice_en`), "\n\nPhotos are kept for ten years."),
		chromedp.Click(chromedp.CSS(`#main form[action="`+edition+`/notice"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#main [role=status]`)))
	wantPageText(t, ctx, "the saved notice", "Saved. The notice is now version")
	browse(t, ctx, "the public notice", chromedp.Navigate(base+"/editions/"+summerSlug+"/privacy?lang=en"),
		chromedp.WaitVisible(chromedp.CSS(`#main h1`)))
	wantPageText(t, ctx, "the public notice", "Photos are kept for ten years.")
}
