package app

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"registrar/app/school"
	"registrar/app/testkit"
)

// newProxiedServer is a demo server behind a trusted reverse proxy (app.Test requests come from
// 0.0.0.0), so each visitor's ip field is the address the rate limits count.
func newProxiedServer(t testing.TB) *testServer {
	t.Helper()
	return newTestServerWith(t, func() time.Time { return demoNow }, func(c *Config) {
		c.TrustedProxies = []string{"0.0.0.0"}
	})
}

func TestAStrangerCannotLockAnOrganiserOut(t *testing.T) {
	t.Parallel()
	ts := newProxiedServer(t)
	u := createUser(t, ts, "organiser@school.test", school.RoleOrganiser)
	stranger := ts.visitor()
	stranger.ip = "203.0.113.66"
	for i := range 10 {
		resp, body := stranger.tryLogin(t, "/admin/login", u.Email, fmt.Sprintf("guess %d", i))
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("the stranger's attempt %d: %d, want 401\n%.300s", i+1, resp.StatusCode, testkit.MainText(t, body))
		}
	}
	// The organiser, from the office, signs in at once.
	office := ts.visitor()
	office.ip = "198.51.100.7"
	resp, body := office.tryLogin(t, "/admin/login", u.Email, staffPassword)
	wantStatus(t, resp, body, http.StatusSeeOther)
	if resp, _ := office.get(t, "/admin"); resp.StatusCode != http.StatusOK {
		t.Errorf("the organiser's session opens /admin with %d", resp.StatusCode)
	}
	// The stranger's eleventh try is refused, even with the right password, in their language.
	resp, body = stranger.tryLogin(t, "/admin/login", u.Email, staffPassword)
	wantStatus(t, resp, body, http.StatusTooManyRequests)
	wantText(t, body, "Too many sign-in attempts", "15 minutes")
	if resp.Header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	stranger.cookies["lang"] = "cs"
	resp, body = stranger.tryLogin(t, "/admin/login", u.Email, "guess")
	wantStatus(t, resp, body, http.StatusTooManyRequests)
	wantText(t, body, "Příliš mnoho pokusů o přihlášení")
}

func TestOneAddressCannotSprayPasswordsOverManyAccounts(t *testing.T) {
	t.Parallel()
	ts := newProxiedServer(t)
	u := createUser(t, ts, "organiser@school.test", school.RoleOrganiser)
	sprayer := ts.visitor()
	sprayer.ip = "203.0.113.67"
	for i := range 20 {
		resp, body := sprayer.tryLogin(t, "/admin/login", fmt.Sprintf("staff%d@school.test", i), "Summer2027!")
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d, want 401\n%.300s", i+1, resp.StatusCode, testkit.MainText(t, body))
		}
	}
	resp, body := sprayer.tryLogin(t, "/admin/login", u.Email, "Summer2027!")
	wantStatus(t, resp, body, http.StatusTooManyRequests)
	// Others are not held up by it.
	office := ts.visitor()
	office.ip = "198.51.100.7"
	resp, body = office.tryLogin(t, "/admin/login", u.Email, staffPassword)
	wantStatus(t, resp, body, http.StatusSeeOther)
}
