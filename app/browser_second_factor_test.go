package app

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"registrar/app/school"
	"registrar/app/testkit"
)

// TestBrowserAdminSetsUpTwoFactorAuthentication: a new admin signs in with the password, is
// sent to set up two-factor authentication, sees the QR code (a data: image the
// Content-Security-Policy allows), turns it on with a code from the key, keeps the recovery
// codes, and signs in again with password and code; axe-core finds nothing serious on each page.
func TestBrowserAdminSetsUpTwoFactorAuthentication(t *testing.T) {
	ts := newTestServer(t)
	u := school.User{Email: "new-admin@school.test", Name: "New Admin", Role: school.RoleAdmin}
	var err error
	if u.ID, err = ts.store.CreateUser(context.Background(), u, cheapHash(t, staffPassword)); err != nil {
		t.Fatal(err)
	}
	base := ts.listen(t)
	office := testkit.NewTab(t)
	signInWith := func(what string, wait chromedp.CSS) {
		t.Helper()
		browse(t, office, what, chromedp.Navigate(base+"/admin/users"), chromedp.WaitVisible(chromedp.CSS(`#password`)),
			chromedp.SendKeys(chromedp.CSS(`#email`), u.Email),
			chromedp.SendKeys(chromedp.CSS(`#password`), staffPassword),
			chromedp.Click(chromedp.CSS(`#main form[action="/admin/login"] button[type=submit]`)),
			chromedp.WaitVisible(wait))
	}
	signInWith("sign in with the password", chromedp.CSS(`#main form[action="/admin/account/second-factor/new"] button`))
	if loc := evaluate[string](t, office, `location.pathname`); loc != "/admin/account" {
		t.Fatalf("a new admin lands on %s, not on the account page", loc)
	}
	wantPageText(t, office, "the account page", "must sign in with a code from an authenticator app")
	testkit.CheckAccessibility(t, office, "account page, second factor required")

	click(t, office, "set up", chromedp.CSS(`#main form[action="/admin/account/second-factor/new"] button`),
		chromedp.CSS(`#setup img`))
	waitUntil(t, office, "the QR code", `document.querySelector('#setup img').complete && document.querySelector('#setup img').naturalWidth >= 200`)
	testkit.CheckAccessibility(t, office, "second factor set-up")
	secret := evaluate[string](t, office, `document.querySelector('#setup code').textContent`)
	code, err := totp.GenerateCode(secret, demoNow)
	if err != nil {
		t.Fatalf("the key shown (%q) is not a TOTP key: %v", secret, err)
	}
	browse(t, office, "confirm with a code", chromedp.SendKeys(chromedp.CSS(`#code`), code),
		chromedp.Click(chromedp.CSS(`#main form[action="/admin/account/second-factor"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`.recovery-codes`)))
	if n := evaluate[int](t, office, `document.querySelectorAll('.recovery-codes li').length`); n != 10 {
		t.Errorf("%d recovery codes shown, want 10", n)
	}
	testkit.CheckAccessibility(t, office, "recovery codes")
	follow(t, office, chromedp.CSS(`#main a[href="/admin"]`))

	// Next time: password, then the code from the app.
	browse(t, office, "sign out", chromedp.Click(chromedp.CSS(`form[action="/admin/logout"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`#password`)))
	signInWith("sign in again", chromedp.CSS(`#code`))
	testkit.CheckAccessibility(t, office, "second sign-in step")
	next, err := totp.GenerateCode(secret, demoNow.Add(30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	browse(t, office, "type the code", chromedp.SendKeys(chromedp.CSS(`#code`), next),
		chromedp.Click(chromedp.CSS(`#main form[action="/admin/login/code"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`#main table`)))
	if loc := evaluate[string](t, office, `location.pathname`); loc != "/admin/users" {
		t.Errorf("after the code the admin is at %s, want /admin/users", loc)
	}
}
