package app

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"html"
	"image/png"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"registrar/app/school"
	"registrar/app/testkit"
)

var (
	totpKeyOnPage  = regexp.MustCompile(`<code>([A-Z2-7]{32})</code>`)
	qrOnPage       = regexp.MustCompile(`src="data:image/png;base64,([^"]+)"`)
	recoveryOnPage = regexp.MustCompile(`[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}`)
)

// wrongCode is a code the secret's app does not show around now.
func wrongCode(t testing.TB, secret string, now time.Time) string {
	t.Helper()
	right := map[string]bool{}
	for _, off := range []time.Duration{-30 * time.Second, 0, 30 * time.Second} {
		c, err := totp.GenerateCode(secret, now.Add(off))
		if err != nil {
			t.Fatal(err)
		}
		right[c] = true
	}
	for i := 0; ; i++ {
		if c := strconv.Itoa(100000 + i*7919); !right[c] {
			return c
		}
	}
}

// codeStep sends the second step's form.
func (v *visitor) codeStep(t testing.TB, code string) (*http.Response, string) {
	t.Helper()
	f := v.openForm(t, "/admin/login/code", "/admin/login/code")
	return v.submit(t, f, url.Values{"code": {code}})
}

// passwordStep sends the password and expects to be asked for the code.
func (v *visitor) passwordStep(t testing.TB, email string) {
	t.Helper()
	resp, body := v.tryLogin(t, "/admin/login", email, staffPassword)
	wantStatus(t, resp, body, http.StatusSeeOther)
	if loc := resp.Header.Get("Location"); loc != "/admin/login/code" {
		t.Fatalf("after the password %s is sent to %q, not asked for a code", email, loc)
	}
}

func TestAnAdminSetsUpTwoFactorAuthenticationBeforeAnythingElse(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ctx := context.Background()
	u := school.User{Email: "new-admin@school.test", Name: "New Admin", Role: school.RoleAdmin}
	var err error
	if u.ID, err = ts.store.CreateUser(ctx, u, cheapHash(t, staffPassword)); err != nil {
		t.Fatal(err)
	}
	v := signIn(t, ts, u.Email)
	// Every back-office page sends the admin to set up the second factor first.
	for _, path := range []string{"/admin", "/admin/users", "/admin/outbox"} {
		resp, _ := v.get(t, path)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/account" {
			t.Errorf("GET %s without a second factor: %d to %q", path, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	resp, body := v.get(t, "/admin/account")
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "Your account must sign in with a code from an authenticator app")
	resp, body = v.postAdmin(t, "/admin/account/second-factor/new", nil)
	wantStatus(t, resp, body, http.StatusSeeOther)

	// The page shows the QR code (a PNG) and the key as text for typing by hand.
	resp, body = v.get(t, "/admin/account")
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "Scan this QR code", "type this key into the app")
	key := totpKeyOnPage.FindStringSubmatch(body)
	qr := qrOnPage.FindStringSubmatch(body)
	if key == nil || qr == nil {
		t.Fatalf("the set-up page shows no key or no QR code:\n%s", body)
	}
	secret := key[1]
	raw, err := base64.StdEncoding.DecodeString(html.UnescapeString(qr[1]))
	if err != nil {
		t.Fatal(err)
	}
	if img, err := png.Decode(bytes.NewReader(raw)); err != nil || img.Bounds().Dx() < 200 {
		t.Errorf("the QR code is not a PNG of a readable size: %v", err)
	}
	// Before it is confirmed the second factor is not on: the admin is still sent here.
	if resp, _ := v.get(t, "/admin"); resp.Header.Get("Location") != "/admin/account" {
		t.Errorf("an unconfirmed second factor lets the admin in: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}

	// A wrong code is refused with a message; the right one turns it on and shows ten
	// recovery codes once.
	resp, body = v.postAdmin(t, "/admin/account/second-factor", url.Values{"code": {wrongCode(t, secret, demoNow)}})
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	wantText(t, body, "That code does not match")
	code, err := totp.GenerateCode(secret, demoNow)
	if err != nil {
		t.Fatal(err)
	}
	resp, body = v.postAdmin(t, "/admin/account/second-factor", url.Values{"code": {code}})
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "Two-factor authentication is on", "shown only this once")
	recovery := recoveryOnPage.FindAllString(body, -1)
	if len(recovery) != 10 {
		t.Fatalf("%d recovery codes shown, want 10", len(recovery))
	}
	resp, body = v.get(t, "/admin/account")
	if strings.Contains(body, recovery[0]) {
		t.Error("the recovery codes are shown a second time")
	}
	wantText(t, body, "You have 10 unused recovery codes")
	resp, body = v.get(t, "/admin/users")
	wantStatus(t, resp, body, http.StatusOK)

	// Neither the key nor a recovery code is stored as it is.
	raw2 := rawDB(t, ts)
	var sealed []byte
	if err := raw2.QueryRow(`SELECT secret FROM second_factors WHERE user_id = ?`, u.ID).Scan(&sealed); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, []byte(secret)) {
		t.Error("the TOTP key is stored in clear")
	}
	var stored int
	if err := raw2.QueryRow(`SELECT count(*) FROM recovery_codes WHERE user_id = ? AND (code_hash = ? OR code_hash = ?)`,
		u.ID, recovery[0], strings.ReplaceAll(recovery[0], "-", "")).Scan(&stored); err != nil || stored != 0 {
		t.Errorf("a recovery code is stored in clear (%v)", err)
	}

	// From now on the password alone opens nothing.
	resp, _ = v.postAdmin(t, "/admin/logout", nil)
	next := ts.visitor()
	next.passwordStep(t, u.Email)
	for _, path := range []string{"/admin", "/admin/account", "/admin/users"} {
		if resp, _ := next.get(t, path); resp.StatusCode != http.StatusSeeOther ||
			!strings.HasPrefix(resp.Header.Get("Location"), "/admin/login") {
			t.Errorf("GET %s between password and code: %d to %q", path, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	if resp, _ := next.postAdmin(t, "/admin/account/second-factor/new", nil); !strings.HasPrefix(resp.Header.Get("Location"), "/admin/login") {
		t.Errorf("a form sent between password and code answers %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	// The code that confirmed the set-up is spent; a wrong one is refused.
	for _, c := range []string{code, wrongCode(t, secret, demoNow)} {
		resp, body = next.codeStep(t, c)
		wantStatus(t, resp, body, http.StatusUnauthorized)
		wantText(t, body, "That code is not right, or it was used already")
	}
	// The next code of the app works, once.
	later, err := totp.GenerateCode(secret, demoNow.Add(30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	resp, body = next.codeStep(t, later)
	wantStatus(t, resp, body, http.StatusSeeOther)
	if resp.Header.Get("Location") != "/admin" {
		t.Errorf("after the code the admin is sent to %q", resp.Header.Get("Location"))
	}
	if resp, _ := next.get(t, "/admin/users"); resp.StatusCode != http.StatusOK {
		t.Errorf("signed in with password and code, /admin/users answers %d", resp.StatusCode)
	}
	again := ts.visitor()
	again.passwordStep(t, u.Email)
	resp, body = again.codeStep(t, later)
	wantStatus(t, resp, body, http.StatusUnauthorized)

	// A recovery code works once, however it is typed.
	resp, body = again.codeStep(t, "  "+strings.ToUpper(recovery[3])+" ")
	wantStatus(t, resp, body, http.StatusSeeOther)
	if loc := resp.Header.Get("Location"); loc != "/admin/account?recovered=1" {
		t.Errorf("after a recovery code the admin is sent to %q", loc)
	}
	_, body = again.get(t, "/admin/account?recovered=1")
	wantText(t, body, "You signed in with a recovery code; 9 are left")
	third := ts.visitor()
	third.passwordStep(t, u.Email)
	resp, body = third.codeStep(t, recovery[3])
	wantStatus(t, resp, body, http.StatusUnauthorized)
}

func TestTheCodeStepIsRateLimitedLikeThePassword(t *testing.T) {
	t.Parallel()
	ts := newProxiedServer(t)
	admin := createUser(t, ts, "admin@school.test", school.RoleAdmin)
	secret := totpSecret(t, ts, admin.Email)
	thief := ts.visitor() // knows the password, not the phone
	thief.ip = "203.0.113.66"
	thief.passwordStep(t, admin.Email)
	bad := wrongCode(t, secret, demoNow)
	for i := range 10 {
		resp, body := thief.codeStep(t, bad)
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("code %d: %d, want 401\n%.300s", i+1, resp.StatusCode, testkit.MainText(t, body))
		}
	}
	right, err := totp.GenerateCode(secret, demoNow)
	if err != nil {
		t.Fatal(err)
	}
	resp, body := thief.codeStep(t, right)
	wantStatus(t, resp, body, http.StatusTooManyRequests)
	wantText(t, body, "Too many sign-in attempts")
	// The admin, from the office, still signs in.
	office := ts.visitor()
	office.ip = "198.51.100.7"
	office.passwordStep(t, admin.Email)
	resp, body = office.codeStep(t, right)
	wantStatus(t, resp, body, http.StatusSeeOther)
}

func TestAnAdminResetsASecondFactorAndTheAuditLogSaysWho(t *testing.T) {
	t.Parallel()
	f := newAdminFixture(t)
	ts := f.ts
	organiser := f.staff.organiser
	setUpSecondFactor(t, ts, organiser)
	id := strconv.FormatInt(organiser.ID, 10)

	// Only an admin may reset one.
	ov := signIn(t, ts, organiser.Email)
	if resp, _ := ov.postAdmin(t, "/admin/users/"+id+"/second-factor/reset", nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("an organiser's reset answers %d, want 403", resp.StatusCode)
	}
	if resp, _ := ov.postAdmin(t, "/admin/users/second-factor", url.Values{"for_all": {"1"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("an organiser's change of the setting answers %d, want 403", resp.StatusCode)
	}

	admin := signIn(t, ts, f.staff.admin.Email)
	resp, body := admin.get(t, "/admin/users")
	wantStatus(t, resp, body, http.StatusOK)
	form := testkit.FormOn(t, "/admin/users", body, "/admin/users/"+id+"/second-factor/reset")
	resp, body = admin.submit(t, form, nil)
	wantStatus(t, resp, body, http.StatusSeeOther)
	_, body = admin.get(t, resp.Header.Get("Location"))
	// Whoever held the lost phone may have signed in with it: the organiser's open sessions end.
	if resp, _ := ov.get(t, "/admin"); resp.StatusCode != http.StatusSeeOther ||
		!strings.HasPrefix(resp.Header.Get("Location"), "/admin/login") {
		t.Errorf("after the reset the organiser's open session answers %d to %q, want the login page",
			resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := admin.get(t, "/admin"); resp.StatusCode != http.StatusOK {
		t.Errorf("the admin's own session answers %d after resetting another's second factor", resp.StatusCode)
	}
	wantText(t, body, "The two-factor authentication of organiser@school.test is reset",
		"Two-factor authentication of organiser@school.test reset · Admin (administrator)")
	history, err := ts.store.StaffHistory(context.Background(), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(history) != 1 || history[0].Action != "second_factor_reset" || history[0].Detail != organiser.Email ||
		history[0].Actor != userActor(f.staff.admin) {
		t.Errorf("audit log after the reset: %+v", history)
	}
	// The organiser signs in with the password alone again (organisers need none by default).
	signIn(t, ts, organiser.Email)
	// A missing user, or one without a second factor, is not found.
	for _, target := range []string{"999999", id} {
		if resp, _ := admin.postAdmin(t, "/admin/users/"+target+"/second-factor/reset", nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("reset of %s answers %d, want 404", target, resp.StatusCode)
		}
	}

	// Asked of all staff, the reviewer must set one up before anything else; audited too.
	resp, body = admin.postAdmin(t, "/admin/users/second-factor", url.Values{"for_all": {"1"}})
	wantStatus(t, resp, body, http.StatusSeeOther)
	rv := signIn(t, ts, f.staff.reviewer.Email)
	if resp, _ := rv.get(t, "/admin"); resp.Header.Get("Location") != "/admin/account" {
		t.Errorf("with two-factor asked of all, a reviewer without it gets %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body = admin.get(t, "/admin/users")
	wantText(t, body, "Two-factor authentication required of all staff")
	resp, body = admin.postAdmin(t, "/admin/users/second-factor", url.Values{})
	wantStatus(t, resp, body, http.StatusSeeOther)
	if resp, _ := rv.get(t, "/admin"); resp.StatusCode != http.StatusOK {
		t.Errorf("with two-factor asked of admins only, the reviewer's /admin answers %d", resp.StatusCode)
	}
}

func TestASessionEndsTwelveHoursAfterSignIn(t *testing.T) {
	t.Parallel()
	clock := testkit.NewClock(demoNow)
	ts := newTestServerAt(t, clock.Now)
	u := createUser(t, ts, "organiser@school.test", school.RoleOrganiser)
	v := signIn(t, ts, u.Email)
	// Busy all day: a request every hour keeps the session from going idle.
	for h := 1; h <= 11; h++ {
		clock.Set(demoNow.Add(time.Duration(h) * time.Hour))
		if resp, _ := v.get(t, "/admin"); resp.StatusCode != http.StatusOK {
			t.Fatalf("%d hours after sign-in /admin answers %d", h, resp.StatusCode)
		}
	}
	clock.Set(demoNow.Add(12*time.Hour + time.Minute))
	resp, _ := v.get(t, "/admin")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/admin/login") {
		t.Errorf("12 hours after sign-in /admin answers %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	// Signing in again starts a new 12 hours.
	signIn(t, ts, u.Email)
}

func TestOverHTTPSCookiesAreHostOnlyAndHSTSIsSent(t *testing.T) {
	t.Parallel()
	for _, base := range []string{"https://registrar.school.test", "http://127.0.0.1"} {
		t.Run(base, func(t *testing.T) {
			ts := newTestServerWith(t, func() time.Time { return demoNow }, func(c *Config) { c.BaseURL = base })
			https := strings.HasPrefix(base, "https")
			u := createUser(t, ts, "organiser@school.test", school.RoleOrganiser)
			v := ts.visitor()
			resp, _ := v.get(t, "/")
			hsts := resp.Header.Get("Strict-Transport-Security")
			if https && hsts != "max-age=31536000" || !https && hsts != "" {
				t.Errorf("Strict-Transport-Security: %q", hsts)
			}
			resp, _ = v.get(t, "/admin/login")
			checkCookie(t, resp, "csrf_", https)
			resp, body := v.tryLogin(t, "/admin/login", u.Email, staffPassword)
			wantStatus(t, resp, body, http.StatusSeeOther)
			checkCookie(t, resp, "registrar_session", https)
			if resp, _ := v.get(t, "/admin"); resp.StatusCode != http.StatusOK {
				t.Errorf("the session does not open /admin: %d", resp.StatusCode)
			}
		})
	}
}

// checkCookie checks how a response sets the cookie: over https with the __Host- prefix,
// Secure, for Path=/ and without Domain.
func checkCookie(t *testing.T, resp *http.Response, name string, https bool) {
	t.Helper()
	want := name
	if https {
		want = "__Host-" + name
	}
	for _, c := range resp.Cookies() {
		if c.Name == "__Host-"+name || c.Name == name {
			if c.Name != want || c.Secure != https || c.Path != "/" || c.Domain != "" || !c.HttpOnly {
				t.Errorf("cookie %s: Secure %v, Path %q, Domain %q, HttpOnly %v; want name %s", c.Name, c.Secure, c.Path,
					c.Domain, c.HttpOnly, want)
			}
			return
		}
	}
	t.Errorf("no %s cookie set: %q", want, resp.Header.Values("Set-Cookie"))
}

// rawDB opens the test server's database file read-only, to see what is stored as it is.
func rawDB(t testing.TB, ts *testServer) *sql.DB {
	t.Helper()
	conn, err := sql.Open("sqlite3", "file:"+ts.cfg.Layout().Database()+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// TestTheCodeStepIsLimitedPerAccountOverEveryAddress: one who has the password cannot try
// codes from address after address: the account's codes are limited over all of them.
func TestTheCodeStepIsLimitedPerAccountOverEveryAddress(t *testing.T) {
	ts := newProxiedServer(t)
	admin := createUser(t, ts, "admin@school.test", school.RoleAdmin)
	secret := totpSecret(t, ts, admin.Email)
	bad := wrongCode(t, secret, demoNow)
	tries := 0
	for a := 1; tries < codesPerAccount; a++ {
		thief := ts.visitor()
		thief.ip = fmt.Sprintf("2001:db8:%x::1", a) // each a /64 of its own
		thief.passwordStep(t, admin.Email)
		for range 5 {
			resp, body := thief.codeStep(t, bad)
			if resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("code %d: %d, want 401\n%.300s", tries+1, resp.StatusCode, testkit.MainText(t, body))
			}
			tries++
		}
	}
	thief := ts.visitor()
	thief.ip = "203.0.113.99"
	thief.passwordStep(t, admin.Email)
	resp, body := thief.codeStep(t, bad)
	wantStatus(t, resp, body, http.StatusTooManyRequests)
	wantText(t, body, "Too many sign-in attempts")
}

// TestAddressesOfOneIPv6NetworkCountAsOne: a phone or household is given a whole /64, so its
// addresses share one count.
func TestAddressesOfOneIPv6NetworkCountAsOne(t *testing.T) {
	ts := newProxiedServer(t)
	admin := createUser(t, ts, "admin@school.test", school.RoleAdmin)
	secret := totpSecret(t, ts, admin.Email)
	bad := wrongCode(t, secret, demoNow)
	for i := range 10 {
		thief := ts.visitor()
		thief.ip = fmt.Sprintf("2001:db8:1:2::%x", i+1)
		thief.passwordStep(t, admin.Email)
		resp, body := thief.codeStep(t, bad)
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("code %d: %d, want 401\n%.300s", i+1, resp.StatusCode, testkit.MainText(t, body))
		}
	}
	thief := ts.visitor()
	thief.ip = "2001:db8:1:2::ff"
	thief.passwordStep(t, admin.Email)
	resp, body := thief.codeStep(t, bad)
	wantStatus(t, resp, body, http.StatusTooManyRequests)
}
