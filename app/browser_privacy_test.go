package app

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"registrar/app/school"
	"registrar/app/testkit"
)

// TestBrowserOrganiserCarriesOutAnErasureRequest walks the privacy pages as an organiser, with
// axe-core on each: what an edition holds, the erasure queue, and a request carried out.
func TestBrowserOrganiserCarriesOutAnErasureRequest(t *testing.T) {
	f := newAdminFixture(t)
	ts := f.ts
	asking := privacyApplicant(t, ts, "Nodira", "UZ", false)
	askErasure(t, asking)

	base := ts.listen(t)
	office := testkit.NewTab(t)
	browse(t, office, "open the back office", chromedp.Navigate(base+"/admin"), chromedp.WaitVisible(chromedp.CSS(`#password`)))
	browse(t, office, "sign in",
		chromedp.SendKeys(chromedp.CSS(`#email`), f.staff.organiser.Email),
		chromedp.SendKeys(chromedp.CSS(`#password`), staffPassword),
		chromedp.Click(chromedp.CSS(`#main form[action="/admin/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#main table`)))

	edition := "/admin/editions/" + strconv.FormatInt(f.summer.ID, 10)
	browse(t, office, "open the edition", chromedp.Navigate(base+edition), chromedp.WaitVisible(chromedp.CSS(`#main h1`)))
	follow(t, office, chromedp.CSS(`#main a[href="`+edition+`/privacy"]`))
	if text := pageText(t, office); !strings.Contains(text, "Personal data held") || !strings.Contains(text, "Erasure requests waiting") {
		t.Fatalf("the privacy page says:\n%s", text)
	}
	testkit.CheckAccessibility(t, office, "privacy page")

	follow(t, office, chromedp.CSS(`nav.admin-nav a[href="/admin/erasure"]`))
	if text := pageText(t, office); !strings.Contains(text, asking.app.Reference) {
		t.Fatalf("the queue does not list the request:\n%s", text)
	}
	testkit.CheckAccessibility(t, office, "erasure queue")
	browse(t, office, "carry out the request",
		chromedp.Click(chromedp.CSS(`#main form[action="/admin/erasure/`+strconv.FormatInt(asking.app.ID, 10)+`"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`#main .notice`)))
	if text := pageText(t, office); !strings.Contains(text, "No erasure request is waiting.") {
		t.Errorf("after carrying out:\n%s", text)
	}
	testkit.CheckAccessibility(t, office, "erasure queue after")
	if a := statusOf(t, ts, asking.app.ID); !a.Erased() || a.Status != school.StatusWithdrawn {
		t.Errorf("after the browser carried it out: %+v", a)
	}
}

// TestBrowserAlumniPagesAreAccessible runs axe-core on the alumni pages in both languages and
// both colour schemes.
func TestBrowserAlumniPagesAreAccessible(t *testing.T) {
	ts := newTestServer(t)
	base := ts.listen(t)
	ctx := testkit.NewTab(t)
	for _, scheme := range []string{"light", "dark"} {
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
		})
		if err != nil {
			t.Fatalf("emulate %s colour scheme: %v", scheme, err)
		}
		for _, lang := range []string{"en", "cs"} {
			for _, p := range []string{"/alumni", "/editions/summer-school-2019/alumni"} {
				checkPageAccessibility(t, ctx, base, p, lang, scheme)
			}
		}
	}
}
