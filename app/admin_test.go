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

	"golang.org/x/crypto/argon2"

	"registrar/app/auth"
	"registrar/app/school"
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

// createUser stores a back-office user whose password is staffPassword.
func createUser(t testing.TB, ts *testServer, email string, role school.Role) school.User {
	t.Helper()
	u := school.User{Email: email, Name: strings.ToUpper(email[:1]) + email[1:strings.Index(email, "@")], Role: role}
	id, err := ts.store.CreateUser(context.Background(), u, cheapHash(t, staffPassword))
	if err != nil {
		t.Fatal(err)
	}
	u.ID = id
	return u
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
	return formOn(t, "/admin/login", body, "/admin/login").Values.Get("_csrf")
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
	answers["passport_name"] = []string{strings.ToUpper(given + " " + family)}
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
		Residence: "AT", Sector: "government"}, "", demoNow, ts.renderer(winter, nil))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestEveryAdminRouteChecksTheSessionAndTheRole(t *testing.T) {
	f := newAdminFixture(t)
	ts := f.ts
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	summerApps := "/admin/editions/" + id(f.summer.ID) + "/applications"
	winterApps := "/admin/editions/" + id(f.winter.ID) + "/applications"
	appPage := "/admin/applications/" + id(f.app.ID)
	cv := appPage + "/files/" + id(f.app.CVUploadID)
	decisions := "/admin/editions/" + id(f.summer.ID) + "/decisions"
	otherApp := "/admin/applications/" + id(f.otherApp.ID)

	const (
		ok        = http.StatusOK
		done      = http.StatusSeeOther // a form that worked redirects
		forbidden = http.StatusForbidden
		notFound  = http.StatusNotFound
	)
	// Roles in the order admin, organiser, assigned reviewer, reviewer of another edition.
	routes := []struct {
		method, path string
		form         url.Values
		want         [4]int
	}{
		{"GET", "/admin", nil, [4]int{ok, ok, ok, ok}},
		{"GET", "/admin/users", nil, [4]int{ok, forbidden, forbidden, forbidden}},
		{"GET", summerApps, nil, [4]int{ok, ok, ok, notFound}},
		{"GET", winterApps, nil, [4]int{ok, ok, notFound, ok}},
		{"GET", appPage, nil, [4]int{ok, ok, ok, notFound}},
		{"GET", otherApp, nil, [4]int{ok, ok, notFound, ok}},
		{"GET", cv, nil, [4]int{ok, ok, ok, notFound}},
		{"GET", decisions, nil, [4]int{ok, ok, forbidden, forbidden}},
		{"GET", "/admin/editions/" + id(f.summer.ID), nil, [4]int{ok, ok, ok, notFound}},
		{"GET", "/admin/editions/" + id(f.summer.ID) + "/export.csv", nil, [4]int{ok, ok, ok, notFound}},
		{"GET", "/admin/editions/" + id(f.summer.ID) + "/review", nil, [4]int{ok, ok, ok, notFound}},
		{"GET", "/admin/outbox", nil, [4]int{ok, ok, forbidden, forbidden}},
		{"GET", "/admin/editions/" + id(f.summer.ID) + "/privacy", nil, [4]int{ok, ok, forbidden, forbidden}},
		{"GET", "/admin/erasure", nil, [4]int{ok, ok, forbidden, forbidden}},
		{"GET", "/admin/editions/new", nil, [4]int{ok, ok, forbidden, forbidden}},
		{"GET", "/admin/editions/" + id(f.summer.ID) + "/edit", nil, [4]int{ok, ok, forbidden, forbidden}},
		{"GET", "/admin/editions/" + id(f.summer.ID) + "/form", nil, [4]int{ok, ok, forbidden, forbidden}},
		{"GET", "/admin/editions/" + id(f.summer.ID) + "/programme", nil, [4]int{ok, ok, forbidden, forbidden}},
		{"GET", "/admin/editions/" + id(f.summer.ID) + "/programme/new", nil, [4]int{ok, ok, forbidden, forbidden}},
		{"GET", "/admin/editions/" + id(f.summer.ID) + "/documents", nil, [4]int{ok, ok, forbidden, forbidden}},
		// The applicant asked for nothing: there is no request to carry out.
		{"POST", "/admin/erasure/" + id(f.app.ID), url.Values{}, [4]int{notFound, notFound, forbidden, forbidden}},
		// "none" removes a staged decision: allowed, and leaves nothing behind.
		{"POST", appPage + "/decision", url.Values{"decision": {"none"}}, [4]int{done, done, forbidden, forbidden}},
		// Releasing with nothing staged releases nothing.
		{"POST", decisions, url.Values{}, [4]int{done, done, forbidden, forbidden}},
		// Nobody has attended: issuing certificates issues none. A submitted application has
		// no letter and no certificate.
		{"POST", "/admin/editions/" + id(f.summer.ID) + "/certificates", url.Values{}, [4]int{done, done, forbidden, forbidden}},
		{"GET", appPage + "/visa-letter.pdf", nil, [4]int{notFound, notFound, forbidden, forbidden}},
		{"GET", appPage + "/certificate.pdf", nil, [4]int{notFound, notFound, forbidden, forbidden}},
	}

	t.Run("without a session every route leads to the login page", func(t *testing.T) {
		v := ts.visitor()
		for _, r := range append(routes, struct {
			method, path string
			form         url.Values
			want         [4]int
		}{"POST", "/admin/logout", url.Values{}, [4]int{}}) {
			var resp *http.Response
			var body string
			if r.method == "GET" {
				resp, body = v.get(t, r.path)
			} else {
				resp, body = v.postAdmin(t, r.path, r.form)
			}
			if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/admin/login") {
				t.Errorf("%s %s without a session: %d to %q\n%.300s", r.method, r.path, resp.StatusCode,
					resp.Header.Get("Location"), body)
			}
		}
		// The way back after login is kept, as a path of this site.
		resp, _ := v.get(t, summerApps+"?status=submitted")
		if want := "/admin/login?next=" + url.QueryEscape(summerApps+"?status=submitted"); resp.Header.Get("Location") != want {
			t.Errorf("redirected to %q, want %q", resp.Header.Get("Location"), want)
		}
	})

	users := []school.User{f.staff.admin, f.staff.organiser, f.staff.reviewer, f.staff.outsider}
	for i, u := range users {
		t.Run(string(u.Role)+" "+u.Email, func(t *testing.T) {
			v := signIn(t, ts, u.Email)
			for _, r := range routes {
				var resp *http.Response
				var body string
				if r.method == "GET" {
					resp, body = v.get(t, r.path)
				} else {
					resp, body = v.postAdmin(t, r.path, r.form)
				}
				if resp.StatusCode != r.want[i] {
					t.Errorf("%s %s as %s: %d, want %d\n%.300s", r.method, r.path, u.Email, resp.StatusCode, r.want[i], mainText(t, body))
				}
				if resp.StatusCode == ok && r.path != cv && !strings.Contains(r.path, "export") && !strings.Contains(resp.Header.Get("Cache-Control"), "no-store") {
					t.Errorf("%s %s: Cache-Control %q lets a shared cache keep a back-office page", r.method, r.path, resp.Header.Get("Cache-Control"))
				}
			}
			// A reviewer's dashboard lists only the editions they are assigned to.
			_, body := v.get(t, "/admin")
			summerTitle, winterTitle := f.summer.Title("en"), f.winter.Title("en")
			switch u.ID {
			case f.staff.reviewer.ID:
				if !strings.Contains(body, summerTitle) || strings.Contains(body, winterTitle) {
					t.Errorf("the assigned reviewer's dashboard does not list exactly the summer school")
				}
			case f.staff.outsider.ID:
				if strings.Contains(body, summerTitle) || !strings.Contains(body, winterTitle) {
					t.Errorf("the other reviewer's dashboard does not list exactly the winter school")
				}
			default:
				if !strings.Contains(body, summerTitle) || !strings.Contains(body, winterTitle) {
					t.Errorf("%s's dashboard does not list every edition", u.Role)
				}
			}
			// Logging out ends the session.
			resp, body := v.postAdmin(t, "/admin/logout", nil)
			if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/admin/login") {
				t.Fatalf("logout: %d to %q\n%.300s", resp.StatusCode, resp.Header.Get("Location"), body)
			}
			resp, _ = v.get(t, "/admin")
			if resp.StatusCode != http.StatusSeeOther {
				t.Errorf("after logout /admin answers %d", resp.StatusCode)
			}
		})
	}

	// Nothing the table sent changed an application.
	for _, a := range []school.Application{f.app, f.otherApp} {
		stored, err := ts.store.Application(context.Background(), a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if stored.Status != school.StatusSubmitted {
			t.Errorf("%s is %s after the table", a.Reference, stored.Status)
		}
	}
}

func TestAdminRoutesWithBadIDsAreNotFound(t *testing.T) {
	f := newAdminFixture(t)
	v := signIn(t, f.ts, f.staff.admin.Email)
	for _, path := range []string{"/admin/editions/abc/applications", "/admin/editions/999999/applications",
		"/admin/applications/999999", "/admin/applications/x", "/admin/editions/999999/decisions",
		"/admin/applications/" + strconv.FormatInt(f.app.ID, 10) + "/files/999999",
		"/admin/applications/" + strconv.FormatInt(f.otherApp.ID, 10) + "/files/" + strconv.FormatInt(f.app.CVUploadID, 10),
	} {
		if resp, body := v.get(t, path); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d\n%.300s", path, resp.StatusCode, mainText(t, body))
		}
	}
}

func TestWrongPasswordIsRefusedWithAMessage(t *testing.T) {
	ts := newTestServer(t)
	u := createUser(t, ts, "organiser@school.test", school.RoleOrganiser)
	for _, email := range []string{u.Email, "nobody@school.test"} {
		v := ts.visitor()
		resp, body := v.tryLogin(t, "/admin/login", email, "not the password")
		wantStatus(t, resp, body, http.StatusUnauthorized)
		wantText(t, body, "That email and password do not match")
		// The address typed is kept, the password is not.
		f := formOn(t, "/admin/login", body, "/admin/login")
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
	ts := newTestServer(t)
	hash, err := auth.HashPassword(staffPassword)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ts.store.CreateUser(context.Background(), school.User{Email: "real@school.test", Name: "Real", Role: school.RoleAdmin}, hash); err != nil {
		t.Fatal(err)
	}
	v := signIn(t, ts, "real@school.test")
	resp, body := v.get(t, "/admin/users")
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "real@school.test")
}

func TestLoginRenewsTheSessionID(t *testing.T) {
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
	ts := newTestServer(t)
	u := createUser(t, ts, "admin@school.test", school.RoleAdmin)
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
			t.Fatalf("attempt %d: %d, want 401\n%.300s", i+1, resp.StatusCode, mainText(t, body))
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
		text := mainText(t, body)
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
	ts := newTestServer(t)
	const n = 6
	emails := make([]string, n)
	for i := range n {
		emails[i] = createUser(t, ts, fmt.Sprintf("user%d@school.test", i), school.RoleOrganiser).Email
	}
	visitors := make([]*visitor, n)
	forms := make([]htmlForm, n)
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
			values := forms[i].with(url.Values{"email": {emails[i]}, "password": {staffPassword}})
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
