package app

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"registrar/app/ops"
	"registrar/app/school"
	"registrar/app/testkit"
)

// The System page is for admins only, whom the phone crawl does not sign in as: an admin signs
// in with the second step and the page is checked as the crawl checks each page (320, 390 and
// 1280 px, both languages, axe-core, touch targets), with the disk banner and the replication
// warnings showing.
func TestBrowserSystemPageFitsAPhone(t *testing.T) {
	disk := &fakeDisk{}
	disk.free.Store(100 << 20)
	ts := newTestServerWith(t, func() time.Time { return demoNow }, func(c *Config) {
		c.Ops = OpsConfig{MinFreeDisk: ops.DefaultThreshold, SpaceOf: disk.spaceOf, Version: "v1.2.3-test", WALLimit: 1}
		// Replication on with no Litestream: its two warnings, the longest lines of the page.
		c.Replicated = true
	})
	admin := createUser(t, ts, "admin@school.test", school.RoleAdmin)
	code, err := totp.GenerateCode(totpSecret(t, ts, admin.Email), ts.now())
	if err != nil {
		t.Fatal(err)
	}
	base := ts.listen(t)
	browser := testkit.NewTabWithin(t, 5*time.Minute)
	c := &crawler{t: t, base: base, shots: screenshotFolder(t), shapes: map[string]int{}, done: map[string]bool{},
		spent: map[string]time.Duration{}}
	tab := c.person(browser)
	browse(t, tab, "the admin signs in", chromedp.Navigate(base+"/admin/login?lang=en"),
		chromedp.WaitVisible(chromedp.CSS(`#password`)),
		chromedp.SendKeys(chromedp.CSS(`#email`), admin.Email),
		chromedp.SendKeys(chromedp.CSS(`#password`), staffPassword),
		chromedp.Click(chromedp.CSS(`#main form[action="/admin/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#code`)),
		chromedp.SendKeys(chromedp.CSS(`#code`), code),
		chromedp.Click(chromedp.CSS(`#main form[action="/admin/login/code"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.admin-nav`)))
	c.visit(tab, "admin", "/admin/system", true)
	// The crawl leaves the page in Czech.
	wantPageText(t, tab, "the System page", "v1.2.3-test", "Disk serveru je téměř plný", "neodpovídá",
		"Zápisový log databáze (WAL) stále roste")
}
