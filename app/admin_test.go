package app

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
	"golang.org/x/crypto/argon2"

	"registrar/app/auth"
	"registrar/app/school"
	"registrar/app/testkit"
)

// staffPassword is every test account's password.
const staffPassword = "correct horse battery staple"

// cheapHash is an argon2id hash of password in the format auth.HashPassword writes, with the
// smallest cost: a real hash takes seconds under the race detector and every login checks one.
// TestLoginWithARealPasswordHash checks a hash made by auth.HashPassword itself.
func cheapHash(t testing.TB, password string) string {
	t.Helper()
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		t.Fatal(err)
	}
	key := argon2.IDKey([]byte(password), salt, 1, 64, 1, 32)
	return fmt.Sprintf("$argon2id$v=%d$m=64,t=1,p=1$%s$%s", argon2.Version,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// createUser stores a back-office user whose password is staffPassword. Admins, who must have
// a second factor, get one set up (signIn types its codes).
func createUser(t testing.TB, ts *testServer, email string, role school.Role) school.User {
	t.Helper()
	u := school.User{Email: email, Name: strings.ToUpper(email[:1]) + email[1:strings.Index(email, "@")], Role: role}
	id, err := ts.store.CreateUser(context.Background(), u, cheapHash(t, staffPassword))
	if err != nil {
		t.Fatal(err)
	}
	u.ID = id
	if role == school.RoleAdmin {
		setUpSecondFactor(t, ts, u)
		u.SecondFactor = true
	}
	return u
}

// setUpSecondFactor gives u an authenticator app, as the account page does, and returns its
// secret.
func setUpSecondFactor(t testing.TB, ts *testServer, u school.User) string {
	t.Helper()
	ctx := context.Background()
	secret, err := auth.NewTOTPSecret()
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := ts.secrets.Seal(u.ID, secret)
	if err != nil {
		t.Fatal(err)
	}
	if err := ts.store.StartSecondFactor(ctx, u.ID, sealed); err != nil {
		t.Fatal(err)
	}
	if err := ts.store.ConfirmSecondFactor(ctx, u.ID, 0, nil, demoNow); err != nil {
		t.Fatal(err)
	}
	return secret
}

// totpSecret is the secret of the user's authenticator app, as the app knows it.
func totpSecret(t testing.TB, ts *testServer, email string) string {
	t.Helper()
	u, _, err := ts.store.UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	f, err := ts.store.SecondFactor(context.Background(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	secret, err := ts.secrets.Open(u.ID, f.Secret)
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

// typeCode completes the second step of a sign-in with the code the authenticator app shows.
// Each code works once and the test clock may stand still, so it tries the codes of the steps
// just before and after too, as a phone whose clock is a little off would show them.
func (v *visitor) typeCode(t testing.TB, email string) (*http.Response, string) {
	t.Helper()
	secret := totpSecret(t, v.ts, email)
	var resp *http.Response
	var body string
	for _, off := range []time.Duration{-30 * time.Second, 0, 30 * time.Second} {
		code, err := totp.GenerateCode(secret, v.ts.now().Add(off))
		if err != nil {
			t.Fatal(err)
		}
		f := v.openForm(t, "/admin/login/code", "/admin/login/code")
		if resp, body = v.submit(t, f, url.Values{"code": {code}}); resp.StatusCode == http.StatusSeeOther {
			break
		}
	}
	return resp, body
}

// staff is one user of each kind the authorisation table knows.
type staff struct {
	admin, organiser school.User
	reviewer         school.User // assigned to the demo summer school
	outsider         school.User // a reviewer assigned to another edition
}

func createStaff(t testing.TB, ts *testServer, summer, other int64) staff {
	t.Helper()
	s := staff{
		admin:     createUser(t, ts, "admin@school.test", school.RoleAdmin),
		organiser: createUser(t, ts, "organiser@school.test", school.RoleOrganiser),
		reviewer:  createUser(t, ts, "reviewer@school.test", school.RoleReviewer),
		outsider:  createUser(t, ts, "outsider@school.test", school.RoleReviewer),
	}
	ctx := context.Background()
	if err := ts.store.AssignStaff(ctx, s.reviewer.ID, summer); err != nil {
		t.Fatal(err)
	}
	if err := ts.store.AssignStaff(ctx, s.outsider.ID, other); err != nil {
		t.Fatal(err)
	}
	return s
}

// tryLogin sends the login form as a person who opened the login page at page.
func (v *visitor) tryLogin(t testing.TB, page, email, password string) (*http.Response, string) {
	t.Helper()
	f := v.openForm(t, page, "/admin/login")
	return v.submit(t, f, url.Values{"email": {email}, "password": {password}})
}

// signIn logs a new visitor in and returns it.
func signIn(t testing.TB, ts *testServer, email string) *visitor {
	t.Helper()
	v := ts.visitor()
	resp, body := v.tryLogin(t, "/admin/login", email, staffPassword)
	wantStatus(t, resp, body, http.StatusSeeOther)
	if resp.Header.Get("Location") == "/admin/login/code" {
		resp, body = v.typeCode(t, email)
		wantStatus(t, resp, body, http.StatusSeeOther)
	}
	if loc := resp.Header.Get("Location"); loc != "/admin" {
		t.Fatalf("login of %s led to %q", email, loc)
	}
	return v
}

// token is the CSRF token on the visitor's pages: the logout form's, once signed in, or the
// login form's.
func (v *visitor) token(t testing.TB) string {
	t.Helper()
	resp, body := v.get(t, "/admin/login")
	wantStatus(t, resp, body, http.StatusOK)
	return testkit.FormOn(t, "/admin/login", body, "/admin/login").Values.Get("_csrf")
}

// postAdmin sends a back-office form with the visitor's CSRF token.
func (v *visitor) postAdmin(t testing.TB, action string, values url.Values) (*http.Response, string) {
	t.Helper()
	if values == nil {
		values = url.Values{}
	}
	values.Set("_csrf", v.token(t))
	return v.post(t, action, "/admin", values)
}

// applyToSummer sends the demo summer school's form in English as a person with the given
// name and returns the stored application.
func applyToSummer(t testing.TB, ts *testServer, given, family, email string) school.Application {
	t.Helper()
	v := ts.visitor()
	answers := summerAnswers(t, ts, email)
	answers["given_name"] = []string{given}
	answers["family_name"] = []string{family}
	answers["motivation"] = []string{"I work on integration policy in a city administration and want to learn from comparative research."}
	f := v.openForm(t, applyPath(summerSlug)+"?lang=en", applyPath(summerSlug))
	resp, body := v.submit(t, f, answers, cvFile(strings.ToLower(family)+"-cv.pdf"))
	return applicationOf(t, ts, ts.submitted(t, resp, body, email))
}

// adminFixture is a demo server with staff, an application to the summer school and one to
// another edition.
type adminFixture struct {
	ts             *testServer
	staff          staff
	summer, winter school.Edition
	app, otherApp  school.Application
}

func newAdminFixture(t testing.TB) adminFixture {
	t.Helper()
	ts := newTestServerWith(t, func() time.Time { return demoNow }, func(c *Config) { c.ApplyLimit = 10000 })
	ctx := context.Background()
	summer, err := ts.store.PublicEdition(ctx, summerSlug)
	if err != nil {
		t.Fatal(err)
	}
	winter, err := ts.store.PublicEdition(ctx, winterSlug)
	if err != nil {
		t.Fatal(err)
	}
	f := adminFixture{ts: ts, summer: summer, winter: winter}
	f.staff = createStaff(t, ts, summer.ID, winter.ID)
	f.app = applyToSummer(t, ts, "Zenobia", "Quartermaine", "zenobia.q@example.org")
	if f.app.CVUploadID == 0 {
		t.Fatal("the application has no CV")
	}
	f.otherApp, err = ts.store.CreateApplication(ctx, winter, school.Application{Lang: "en",
		Email: "wendel@example.org", GivenName: "Wendel", FamilyName: "Winterbottom", Nationality: "AT",
		Residence: "AT", Sector: "government"}, "", demoNow, ts.renderer(t, winter))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestAdminRoutesWithBadIDsAreNotFound(t *testing.T) {
	t.Parallel()
	f := newAdminFixture(t)
	v := signIn(t, f.ts, f.staff.admin.Email)
	for _, path := range []string{"/admin/editions/abc/applications", "/admin/editions/999999/applications",
		"/admin/applications/999999", "/admin/applications/x", "/admin/editions/999999/decisions",
		"/admin/applications/" + strconv.FormatInt(f.app.ID, 10) + "/files/999999",
		"/admin/applications/" + strconv.FormatInt(f.otherApp.ID, 10) + "/files/" + strconv.FormatInt(f.app.CVUploadID, 10),
	} {
		if resp, body := v.get(t, path); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d\n%.300s", path, resp.StatusCode, testkit.MainText(t, body))
		}
	}
}

func TestWrongPasswordIsRefusedWithAMessage(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	u := createUser(t, ts, "organiser@school.test", school.RoleOrganiser)
	for _, email := range []string{u.Email, "nobody@school.test"} {
		v := ts.visitor()
		resp, body := v.tryLogin(t, "/admin/login", email, "not the password")
		wantStatus(t, resp, body, http.StatusUnauthorized)
		wantText(t, body, "That email and password do not match")
		// The address typed is kept, the password is not.
		f := testkit.FormOn(t, "/admin/login", body, "/admin/login")
		if f.Values.Get("email") != email || f.Values.Get("password") != "" {
			t.Errorf("the form sent back has email %q and password %q", f.Values.Get("email"), f.Values.Get("password"))
		}
		if _, ok := v.cookies["registrar_session"]; ok {
			t.Error("a failed login set a session cookie")
		}
		if resp, _ := v.get(t, "/admin"); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("after a failed login /admin answers %d", resp.StatusCode)
		}
	}
}

func TestLoginWithARealPasswordHash(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	hash, err := auth.HashPassword(staffPassword)
	if err != nil {
		t.Fatal(err)
	}
	u := school.User{Email: "real@school.test", Name: "Real", Role: school.RoleAdmin}
	if u.ID, err = ts.store.CreateUser(context.Background(), u, hash); err != nil {
		t.Fatal(err)
	}
	setUpSecondFactor(t, ts, u)
	v := signIn(t, ts, "real@school.test")
	resp, body := v.get(t, "/admin/users")
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "real@school.test")
}

func TestLoginRenewsTheSessionID(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	u := createUser(t, ts, "organiser@school.test", school.RoleOrganiser)
	v := ts.visitor()
	// An attacker plants a session id in the victim's browser before they log in.
	const planted = "0123456789abcdef0123456789abcdef"
	v.cookies["registrar_session"] = planted
	resp, body := v.tryLogin(t, "/admin/login", u.Email, staffPassword)
	wantStatus(t, resp, body, http.StatusSeeOther)
	got := v.cookies["registrar_session"]
	if got == "" || got == planted {
		t.Fatalf("session cookie after login %q: not renewed", got)
	}
	if resp, _ := v.get(t, "/admin"); resp.StatusCode != http.StatusOK {
		t.Fatalf("the new session does not open /admin: %d", resp.StatusCode)
	}
	attacker := ts.visitor()
	attacker.cookies["registrar_session"] = planted
	if resp, _ := attacker.get(t, "/admin"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("the planted session id opens /admin: %d", resp.StatusCode)
	}
	// Another login gives another id again.
	resp, body = v.tryLogin(t, "/admin/login", u.Email, staffPassword)
	wantStatus(t, resp, body, http.StatusSeeOther)
	if again := v.cookies["registrar_session"]; again == got {
		t.Error("a second login kept the session id")
	}
}

func TestLogoutEndsTheSessionForEveryCopyOfTheCookie(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	u := createUser(t, ts, "organiser@school.test", school.RoleOrganiser)
	v := signIn(t, ts, u.Email)
	old := v.cookies["registrar_session"]
	resp, body := v.postAdmin(t, "/admin/logout", nil)
	wantStatus(t, resp, body, http.StatusSeeOther)
	if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, "/admin/login") {
		t.Errorf("logout led to %q", loc)
	}
	// Someone who copied the cookie before the logout gets nothing with it.
	thief := ts.visitor()
	thief.cookies["registrar_session"] = old
	resp, _ = thief.get(t, "/admin")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/admin/login") {
		t.Errorf("the old session cookie still opens /admin: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestLoginGoesBackOnlyToBackOfficePages(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	u := createUser(t, ts, "organiser@school.test", school.RoleOrganiser)
	tests := []struct{ next, want string }{
		{"/admin/users", "/admin/users"},
		{"/admin/editions/1/applications?status=submitted&sort=name", "/admin/editions/1/applications?status=submitted&sort=name"},
		{"//evil.example", "/admin"},
		{"//evil.example/admin", "/admin"},
		{"https://evil.example/admin", "/admin"},
		{"/\\evil.example", "/admin"},
		{"/admin\\..\\\\evil.example", "/admin"},
		{"/status/lost", "/admin"},
		{"javascript:alert(1)", "/admin"},
		{"/admin\r\nSet-Cookie: evil=1", "/admin"},
		{"", "/admin"},
	}
	for _, tt := range tests {
		t.Run(tt.next, func(t *testing.T) {
			v := ts.visitor()
			page := "/admin/login?next=" + url.QueryEscape(tt.next)
			f := v.openForm(t, page, "/admin/login")
			if f.Values.Get("next") != tt.want && !(tt.want == "/admin" && f.Values.Get("next") == "") {
				t.Errorf("the login form carries next=%q", f.Values.Get("next"))
			}
			// Whatever the form carries, the server checks the value sent.
			resp, body := v.submit(t, f, url.Values{"email": {u.Email}, "password": {staffPassword}, "next": {tt.next}})
			wantStatus(t, resp, body, http.StatusSeeOther)
			if loc := resp.Header.Get("Location"); loc != tt.want {
				t.Errorf("login with next=%q led to %q, want %q", tt.next, loc, tt.want)
			}
		})
	}
}

func TestLoginAttemptsAreLimitedPerAccount(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	u := createUser(t, ts, "organiser@school.test", school.RoleOrganiser)
	other := createUser(t, ts, "reviewer@school.test", school.RoleReviewer)
	// Logins that work do not count: staff behind one office address sign in all day.
	for range 25 {
		signIn(t, ts, u.Email)
	}
	v := ts.visitor()
	const limit = 10
	for i := range limit {
		resp, body := v.tryLogin(t, "/admin/login", u.Email, fmt.Sprintf("guess %d", i))
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d, want 401\n%.300s", i+1, resp.StatusCode, testkit.MainText(t, body))
		}
	}
	// The next attempt is refused, however the address is written, even with the right password.
	for _, email := range []string{u.Email, "  ORGANISER@school.test "} {
		resp, body := v.tryLogin(t, "/admin/login", email, staffPassword)
		wantStatus(t, resp, body, http.StatusTooManyRequests)
		wantText(t, body, "Too many requests")
		if resp.Header.Get("Retry-After") == "" {
			t.Error("429 without Retry-After")
		}
	}
	if resp, _ := v.get(t, "/admin"); resp.StatusCode != http.StatusSeeOther {
		t.Error("a refused attempt signed in")
	}
	// Another account, from the same address, may still sign in.
	signIn(t, ts, other.Email)
}

func TestBlindReviewHidesWhoTheApplicantIs(t *testing.T) {
	t.Parallel()
	f := newAdminFixture(t)
	ts := f.ts
	ctx := context.Background()
	if err := ts.store.SetBlindReview(ctx, f.summer.ID, true); err != nil {
		t.Fatal(err)
	}
	a := f.app
	// Hidden: name, email, nationality, date of birth, gender, and what names the applicant
	// indirectly (referee, passport name, CV).
	hidden := []string{a.GivenName, a.FamilyName, a.Email, strings.ToUpper(a.GivenName), "Jordan",
		"23 April 1998", "1998-04-23", "1998", "Lina Saleh", "lina.saleh@example.org", a.CVFileName,
		"Female"}
	id := strconv.FormatInt(a.ID, 10)
	listPath := "/admin/editions/" + strconv.FormatInt(f.summer.ID, 10) + "/applications"
	appPath := "/admin/applications/" + id
	cvPath := appPath + "/files/" + strconv.FormatInt(a.CVUploadID, 10)

	reviewer := signIn(t, ts, f.staff.reviewer.Email)
	// A search by name would tell a blind reviewer whose application it is by what it finds, so
	// it is ignored: a name that matches no one still lists the application.
	for _, path := range []string{listPath, listPath + "?sort=name", listPath + "?nationality=JO",
		listPath + "?q=NoSuchName", appPath} {
		resp, body := reviewer.get(t, path)
		wantStatus(t, resp, body, http.StatusOK)
		if !strings.Contains(body, a.Reference) {
			t.Errorf("%s does not show the reference %s: a blind reviewer cannot find the application", path, a.Reference)
		}
		text := testkit.MainText(t, body)
		for _, h := range hidden {
			// Short strings are looked for in the text only: a token in the markup may hold them.
			if strings.Contains(text, h) || (len(h) > 5 && strings.Contains(body, h)) {
				t.Errorf("blind review: %s contains %q\n%s", path, h, text)
			}
		}
	}
	if resp, _ := reviewer.get(t, cvPath); resp.StatusCode != http.StatusNotFound {
		t.Errorf("blind review: the CV answers %d to the reviewer, want 404", resp.StatusCode)
	}

	// Organisers still see everything.
	organiser := signIn(t, ts, f.staff.organiser.Email)
	_, body := organiser.get(t, appPath)
	wantText(t, body, a.GivenName, a.FamilyName, a.Email, "Jordan", "23 April 1998")
	if resp, _ := organiser.get(t, cvPath); resp.StatusCode != http.StatusOK {
		t.Errorf("the organiser's CV download answers %d", resp.StatusCode)
	}
	// And without blind review the reviewer does too.
	if err := ts.store.SetBlindReview(ctx, f.summer.ID, false); err != nil {
		t.Fatal(err)
	}
	_, body = reviewer.get(t, appPath)
	wantText(t, body, a.GivenName, a.FamilyName, "Jordan")
	if resp, _ := reviewer.get(t, cvPath); resp.StatusCode != http.StatusOK {
		t.Errorf("without blind review the CV answers %d to the reviewer", resp.StatusCode)
	}
	if err := ts.store.SetBlindReview(ctx, 999999, true); err == nil {
		t.Error("SetBlindReview of a missing edition did not fail")
	}
}

func TestPeopleSigningInAtOnceGetTheirOwnSessions(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	const n = 6
	emails := make([]string, n)
	for i := range n {
		emails[i] = createUser(t, ts, fmt.Sprintf("user%d@school.test", i), school.RoleOrganiser).Email
	}
	visitors := make([]*visitor, n)
	forms := make([]testkit.Form, n)
	for i := range n {
		visitors[i] = ts.visitor()
		forms[i] = visitors[i].openForm(t, "/admin/login", "/admin/login")
	}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v := visitors[i]
			values := forms[i].With(url.Values{"email": {emails[i]}, "password": {staffPassword}})
			resp, _, err := v.tryPost(forms[i].Action, forms[i].Page, values)
			if err != nil {
				errs <- err
				return
			}
			if resp.StatusCode != http.StatusSeeOther {
				errs <- fmt.Errorf("%s: %d", emails[i], resp.StatusCode)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for i, v := range visitors {
		resp, body := v.get(t, "/admin")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, emails[i]) {
			t.Errorf("%s's session shows %d, not their own page", emails[i], resp.StatusCode)
		}
	}
}
