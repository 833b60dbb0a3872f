package app

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/oauth2-proxy/mockoidc"
	"golang.org/x/net/html"

	"registrar/app/auth"
	"registrar/app/school"
	"registrar/app/testkit"
)

// Single sign-on is tested against a real OpenID Connect provider, mockoidc, on loopback: the
// browser is an HTTP client with a cookie jar that follows every redirect, from Registrar to the
// provider and back.

// idpUser is a person as the provider knows them: their address, whether the provider vouches
// for it (nil sends no email_verified claim), the methods they signed in with (amr), and a nonce
// that replaces the one Registrar asked for, for a provider that mixes attempts up.
type idpUser struct {
	email    string
	verified *bool
	amr      []string
	nonce    string
}

func verifiedUser(email string) idpUser {
	yes := true
	return idpUser{email: email, verified: &yes}
}

func (u idpUser) ID() string { return "subject-" + u.email }

func (u idpUser) Userinfo([]string) ([]byte, error) {
	return json.Marshal(map[string]string{"sub": u.ID(), "email": u.email})
}

func (u idpUser) Claims(_ []string, base *mockoidc.IDTokenClaims) (jwt.Claims, error) {
	if u.nonce != "" {
		base.Nonce = u.nonce
	}
	return &idpClaims{IDTokenClaims: base, Email: u.email, EmailVerified: u.verified, AMR: u.amr}, nil
}

type idpClaims struct {
	*mockoidc.IDTokenClaims
	Email         string   `json:"email"`
	EmailVerified *bool    `json:"email_verified,omitempty"`
	AMR           []string `json:"amr,omitempty"`
}

// ssoSite is Registrar listening on loopback with single sign-on through a mockoidc provider,
// its log kept for the test to read.
type ssoSite struct {
	*testServer
	idp   *mockoidc.MockOIDC
	base  string
	clock *testkit.Clock
	logs  *lockedBuffer
}

// newSSOSite starts the provider and Registrar; configure may change the settings further.
func newSSOSite(t *testing.T, configure func(*auth.SSOSettings)) *ssoSite {
	t.Helper()
	idp, err := mockoidc.NewServer(nil)
	if err != nil {
		t.Fatal(err)
	}
	idpListener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := idp.Start(idpListener, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = idp.Shutdown() })
	// The provider's clock reads the test's: its tokens are issued at demoNow.
	idp.FastForward(demoNow.Sub(time.Now()))

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	clock := testkit.NewClock(demoNow)
	ts := newTestServerWith(t, clock.Now, func(c *Config) {
		c.BaseURL = base
		c.SSO = auth.SSOSettings{Issuer: idp.Issuer(), ClientID: idp.ClientID,
			ClientSecret: auth.Secret(idp.ClientSecret), Name: "Microsoft"}
		if configure != nil {
			configure(&c.SSO)
		}
	})
	logs := &lockedBuffer{}
	ts.log = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	go func() { _ = ts.Handler().Listener(ln) }()
	return &ssoSite{testServer: ts, idp: idp, base: base, logs: logs, clock: clock}
}

// ssoBrowser is a person's browser: it keeps cookies and follows redirects, noting each address.
type ssoBrowser struct {
	client  *http.Client
	visited []*url.URL
	pages   []string // every body it was shown
}

func newSSOBrowser(t *testing.T) *ssoBrowser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	b := &ssoBrowser{}
	b.client = &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(req *http.Request, _ []*http.Request) error {
			b.visited = append(b.visited, req.URL)
			return nil
		}}
	return b
}

func (b *ssoBrowser) get(t *testing.T, target string) (*http.Response, string) {
	t.Helper()
	resp, err := b.client.Get(target)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	b.pages = append(b.pages, string(body))
	return resp, string(body)
}

// callback is the address the provider sent the browser back to.
func (b *ssoBrowser) callback(t *testing.T) string {
	t.Helper()
	for _, u := range b.visited {
		if u.Path == "/admin/login/sso/callback" {
			return u.String()
		}
	}
	t.Fatalf("the browser never came back from the provider: %v", b.visited)
	return ""
}

// signInWithSSO presses the login page's button as user of the provider, following every
// redirect, and returns the page the browser ends on.
func (site *ssoSite) signInWithSSO(t *testing.T, b *ssoBrowser, user idpUser) (*http.Response, string) {
	t.Helper()
	_, login := b.get(t, site.base+"/admin/login")
	href := ""
	testkit.Walk(testkit.ParseHTML(t, login), func(n *html.Node) bool {
		if h, ok := testkit.Attr(n, "href"); ok && n.Data == "a" && strings.HasPrefix(h, "/admin/login/sso") {
			href = h
		}
		return true
	})
	if href == "" {
		t.Fatalf("the login page has no button for the school's account:\n%s", testkit.MainText(t, login))
	}
	site.idp.QueueUser(user)
	return b.get(t, site.base+href)
}

// wantSignedOut checks the browser has no back-office session.
func (site *ssoSite) wantSignedOut(t *testing.T, b *ssoBrowser) {
	t.Helper()
	resp, _ := b.get(t, site.base+"/admin")
	if resp.Request.URL.Path != "/admin/login" {
		t.Errorf("after a refused sign-in /admin shows %s", resp.Request.URL)
	}
}

func TestSSOSignsInAKnownOrganiserWhoSeesTheBackOffice(t *testing.T) {
	site := newSSOSite(t, nil)
	organiser := createUser(t, site.testServer, "summer.organiser@school.test", school.RoleOrganiser)

	b := newSSOBrowser(t)
	_, cs := b.get(t, site.base+"/admin/login?lang=cs")
	testkit.WantText(t, "the Czech login page", testkit.MainText(t, cs), "Přihlásit se účtem Microsoft", "Nebo se přihlaste e-mailem a heslem")
	_, en := b.get(t, site.base+"/admin/login?lang=en")
	testkit.WantText(t, "the English login page", testkit.MainText(t, en), "Sign in with Microsoft", "Or sign in with your email and password")

	// The provider writes the address as it likes; the account is found all the same.
	resp, body := site.signInWithSSO(t, b, verifiedUser("Summer.Organiser@School.TEST"))
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/admin" {
		t.Fatalf("the sign-in ended on %s with %d:\n%s", resp.Request.URL, resp.StatusCode, testkit.MainText(t, body))
	}
	testkit.WantText(t, "the back office", body, "Sign out", "Summer School on Migration Studies")
	history, err := site.store.StaffHistory(context.Background(), 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(history) == 0 || history[0].Action != "sso_sign_in" || history[0].Detail != organiser.Email ||
		!strings.HasPrefix(history[0].Actor, "user:") {
		t.Errorf("the staff history after the sign-in: %+v", history)
	}
	admin := createUser(t, site.testServer, "admin@school.test", school.RoleAdmin)
	_, users := signIn(t, site.testServer, admin.Email).get(t, "/admin/users")
	testkit.WantText(t, "the users page", testkit.MainText(t, users), "summer.organiser@school.test signed in with the school's account")

	// The answer from the provider is taken once: from the same browser, or another.
	callback := b.callback(t)
	for _, browser := range []*ssoBrowser{b, newSSOBrowser(t)} {
		resp, body := browser.get(t, callback)
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("a replayed callback answered %d", resp.StatusCode)
		}
		testkit.WantText(t, "a replayed callback", testkit.MainText(t, body), "This sign-in has expired or was used already")
	}
	site.wantSignedOut(t, newSSOBrowser(t))
}

func TestSSORefusesAnAddressWithoutAStaffAccountAndCreatesNone(t *testing.T) {
	site := newSSOSite(t, nil)
	before, err := site.store.Users(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	b := newSSOBrowser(t)
	resp, body := site.signInWithSSO(t, b, verifiedUser("stranger@school.test"))
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("an unknown address answered %d", resp.StatusCode)
	}
	testkit.WantText(t, "the refusal", testkit.MainText(t, body),
		"No staff account has the address stranger@school.test, and none was created")
	after, err := site.store.Users(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before) {
		t.Errorf("%d staff accounts before the sign-in, %d after", len(before), len(after))
	}
	site.wantSignedOut(t, b)

	czech := newSSOBrowser(t)
	czech.get(t, site.base+"/admin/login?lang=cs")
	_, body = site.signInWithSSO(t, czech, verifiedUser("stranger@school.test"))
	testkit.WantText(t, "the Czech refusal", testkit.MainText(t, body), "Žádný účet pracovníka nemá adresu stranger@school.test")
}

func TestSSORefusesAnAddressTheProviderDoesNotVouchFor(t *testing.T) {
	site := newSSOSite(t, nil)
	createUser(t, site.testServer, "summer.organiser@school.test", school.RoleOrganiser)
	no := false
	for name, user := range map[string]idpUser{
		"email_verified false": {email: "summer.organiser@school.test", verified: &no},
		"no email_verified":    {email: "summer.organiser@school.test"},
	} {
		b := newSSOBrowser(t)
		resp, body := site.signInWithSSO(t, b, user)
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s: answered %d", name, resp.StatusCode)
		}
		testkit.WantText(t, name, testkit.MainText(t, body), "did not confirm that this email address is yours")
		site.wantSignedOut(t, b)
	}
}

func TestSSORefusesAnAnswerOfAnotherAttemptOrAnExpiredToken(t *testing.T) {
	site := newSSOSite(t, nil)
	createUser(t, site.testServer, "summer.organiser@school.test", school.RoleOrganiser)

	t.Run("wrong state", func(t *testing.T) {
		b := newSSOBrowser(t)
		// The browser stops at the provider's answer, whose state an attacker changed.
		b.client.CheckRedirect = func(req *http.Request, _ []*http.Request) error {
			if req.URL.Path == "/admin/login/sso/callback" {
				return http.ErrUseLastResponse
			}
			return nil
		}
		resp, _ := site.signInWithSSO(t, b, verifiedUser("summer.organiser@school.test"))
		back, err := url.Parse(resp.Header.Get("Location"))
		if err != nil || back.Path != "/admin/login/sso/callback" {
			t.Fatalf("the provider answered %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		q := back.Query()
		q.Set("state", "forged")
		back.RawQuery = q.Encode()
		resp, body := b.get(t, back.String())
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("a forged state answered %d", resp.StatusCode)
		}
		testkit.WantText(t, "a forged state", testkit.MainText(t, body), "This sign-in has expired or was used already")
		site.wantSignedOut(t, b)
	})
	t.Run("wrong nonce", func(t *testing.T) {
		b := newSSOBrowser(t)
		user := verifiedUser("summer.organiser@school.test")
		user.nonce = "the nonce of another attempt"
		resp, body := site.signInWithSSO(t, b, user)
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("a wrong nonce answered %d", resp.StatusCode)
		}
		testkit.WantText(t, "a wrong nonce", testkit.MainText(t, body), "could not be confirmed")
		site.wantSignedOut(t, b)
	})
	t.Run("expired token", func(t *testing.T) {
		// The provider's tokens lapse ten minutes after they are issued: these, an hour ago.
		site.idp.FastForward(-time.Hour)
		defer site.idp.FastForward(time.Hour)
		b := newSSOBrowser(t)
		resp, body := site.signInWithSSO(t, b, verifiedUser("summer.organiser@school.test"))
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("an expired token answered %d", resp.StatusCode)
		}
		testkit.WantText(t, "an expired token", testkit.MainText(t, body), "could not be confirmed")
		site.wantSignedOut(t, b)
	})
	t.Run("late", func(t *testing.T) {
		// An attempt is kept ten minutes: one started before is gone.
		b := newSSOBrowser(t)
		b.client.CheckRedirect = func(req *http.Request, _ []*http.Request) error {
			if req.URL.Path == "/admin/login/sso/callback" {
				return http.ErrUseLastResponse
			}
			return nil
		}
		resp, _ := site.signInWithSSO(t, b, verifiedUser("summer.organiser@school.test"))
		site.clock.Set(demoNow.Add(11 * time.Minute))
		defer site.clock.Set(demoNow)
		resp, body := b.get(t, resp.Header.Get("Location"))
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("a late answer answered %d", resp.StatusCode)
		}
		testkit.WantText(t, "a late answer", testkit.MainText(t, body), "This sign-in has expired or was used already")
		site.wantSignedOut(t, b)
	})
}

func TestSSOCountsAsTheSecondFactorOnlyWhenTheProviderAskedForMore(t *testing.T) {
	site := newSSOSite(t, nil)
	admin := createUser(t, site.testServer, "admin@school.test", school.RoleAdmin)

	resp, body := site.signInWithSSO(t, newSSOBrowser(t), verifiedUser("admin@school.test"))
	if resp.Request.URL.Path != "/admin/login/code" {
		t.Fatalf("an admin signed in with a password alone at the provider ended on %s", resp.Request.URL)
	}
	testkit.WantText(t, "the code step", testkit.MainText(t, body), "The school's account confirmed who you are")

	user := verifiedUser("admin@school.test")
	user.amr = []string{"pwd", "mfa"}
	resp, body = site.signInWithSSO(t, newSSOBrowser(t), user)
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/admin" {
		t.Fatalf("an admin signed in with MFA at the provider ended on %s:\n%s", resp.Request.URL, testkit.MainText(t, body))
	}
	history, err := site.store.StaffHistory(context.Background(), 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(history) < 2 || history[0].Action != "sso_sign_in" || history[1].Action != "sso_sign_in_code" ||
		history[1].Detail != admin.Email {
		t.Errorf("the staff history: %+v", history)
	}
}

func TestSSONeverShowsOrLogsTheClientSecret(t *testing.T) {
	site := newSSOSite(t, nil)
	createUser(t, site.testServer, "summer.organiser@school.test", school.RoleOrganiser)
	secret := site.idp.ClientSecret
	b := newSSOBrowser(t)
	site.signInWithSSO(t, b, verifiedUser("summer.organiser@school.test"))
	site.signInWithSSO(t, b, verifiedUser("stranger@school.test"))
	// With a secret the provider does not know, the code cannot be traded: the log says why.
	wrong := newSSOSite(t, func(s *auth.SSOSettings) { s.ClientSecret = "not-the-secret-" + auth.Secret(secret) })
	w := newSSOBrowser(t)
	resp, _ := wrong.signInWithSSO(t, w, verifiedUser("summer.organiser@school.test"))
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("a wrong client secret answered %d", resp.StatusCode)
	}
	for _, page := range append(b.pages, w.pages...) {
		if strings.Contains(page, secret) {
			t.Fatalf("a page shows the client secret:\n%s", page)
		}
	}
	for _, logs := range []string{site.logs.String(), wrong.logs.String()} {
		if strings.Contains(logs, secret) {
			t.Fatalf("the log has the client secret:\n%s", logs)
		}
	}
	testkit.WantText(t, "the log", wrong.logs.String(), "could not be confirmed")
	// The settings print and log hidden.
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("config", slog.Any("cfg", wrong.cfg))
	if strings.Contains(logged.String(), secret) {
		t.Errorf("the configuration logs the secret: %s", logged.String())
	}
}

func TestSSOCallbacksAreRateLimitedAsLogins(t *testing.T) {
	site := newSSOSite(t, nil)
	b := newSSOBrowser(t)
	for i := range 10 {
		resp, _ := b.get(t, site.base+"/admin/login/sso/callback?state=guess&code=guess")
		if resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("callback %d answered %d", i+1, resp.StatusCode)
		}
	}
	resp, body := b.get(t, site.base+"/admin/login/sso/callback?state=guess&code=guess")
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("the 11th wrong callback answered %d", resp.StatusCode)
	}
	testkit.WantText(t, "the limit", testkit.MainText(t, body), "Wait 15 minutes")
}

func TestSSOSaysSoWhenThePersonCancelledAtTheProvider(t *testing.T) {
	site := newSSOSite(t, nil)
	b := newSSOBrowser(t)
	// The browser stops before the provider, which answers as it does to a person who cancelled.
	b.client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, _ := site.signInWithSSO(t, b, verifiedUser("summer.organiser@school.test"))
	to, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || to.Query().Get("state") == "" {
		t.Fatalf("the start answered %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	for _, want := range []string{"code_challenge", "nonce", "state"} {
		if to.Query().Get(want) == "" {
			t.Errorf("the provider is not sent a %s: %s", want, to)
		}
	}
	resp, body := b.get(t, site.base+"/admin/login/sso/callback?"+url.Values{"error": {"access_denied"},
		"state": {to.Query().Get("state")}}.Encode())
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("a cancelled sign-in answered %d", resp.StatusCode)
	}
	testkit.WantText(t, "a cancelled sign-in", testkit.MainText(t, body), "was cancelled or refused")
}
