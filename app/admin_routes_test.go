package app

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"registrar/app/school"
	"registrar/app/testkit"
	"registrar/db"
)

// The roles the authorisation table checks, besides the anonymous visitor.
const (
	asAdmin          = iota
	asOrganiser      // organiser of the edition the row is about
	asOtherOrganiser // organiser of another edition only
	asReviewer       // reviewer of the edition
	asOtherReviewer  // reviewer of another edition only
	roleCount
)

var roleNames = [roleCount]string{"administrator", "organiser of the edition", "organiser of another edition",
	"reviewer of the edition", "reviewer of another edition"}

// routeCheck is one row of the authorisation table: a request to a route of the back office and
// the status each role gets. Anonymous visitors always go to the login page, except on public
// rows.
type routeCheck struct {
	path   func() string // the address, built anew for each request (a row may delete what it is about)
	form   url.Values    // nil: a GET
	want   [roleCount]int
	public bool // the login page: open to anonymous visitors
}

const (
	ok        = http.StatusOK
	done      = http.StatusSeeOther // a form that worked redirects
	invalid   = http.StatusBadRequest
	refused   = http.StatusUnprocessableEntity // a form that came back with errors
	forbidden = http.StatusForbidden
	notFound  = http.StatusNotFound
)

// Who may do what, by role. A role that may not use a route at all gets 403; one that may, but
// not on another edition's records, gets 404, so that it learns nothing of them.
var (
	everyone   = [roleCount]int{ok, ok, ok, ok, ok}
	adminsOnly = func(status int) [roleCount]int {
		return [roleCount]int{status, forbidden, forbidden, forbidden, forbidden}
	}
	editionStaff  = func(status int) [roleCount]int { return [roleCount]int{status, status, notFound, status, notFound} }
	editionRunner = func(status int) [roleCount]int { return [roleCount]int{status, status, notFound, forbidden, forbidden} }
	anyOrganiser  = func(status int) [roleCount]int { return [roleCount]int{status, status, status, forbidden, forbidden} }
)

// authorisationTable has a row for every back-office route, by method and pattern as the router
// knows them (Fiber's GetRoutes).
func authorisationTable(t testing.TB, f adminFixture) map[string]routeCheck {
	t.Helper()
	ctx := context.Background()
	ts := f.ts
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	fixed := func(p string) func() string { return func() string { return p } }
	edition := "/admin/editions/" + id(f.summer.ID)
	app := "/admin/applications/" + id(f.app.ID)

	programme, err := ts.store.Programme(ctx, f.summer.ID)
	if err != nil || len(programme) == 0 {
		t.Fatalf("the summer school's programme: %v, %v", programme, err)
	}
	var lecturer int64
	for _, ps := range programme {
		if len(ps.Lecturers) > 0 {
			lecturer = ps.Lecturers[0].ID
			break
		}
	}
	session := edition + "/programme/" + id(programme[0].ID)
	// A session and a document made for each request that deletes one.
	newSession := func() string {
		ps := programme[0]
		ps.ID, ps.Lecturers, ps.TitleEN, ps.TitleCS = 0, nil, "Spare session", "Náhradní blok"
		sid, err := ts.store.CreateSession(ctx, ps, db.SessionLecturers{})
		if err != nil {
			t.Fatal(err)
		}
		return edition + "/programme/" + id(sid)
	}
	newDocument := func() string {
		did, err := ts.store.CreateDocument(ctx, school.Document{EditionID: f.summer.ID, TitleEN: "Reading list",
			TitleCS: "Četba", Kind: "reading_list", URL: "https://example.org/reading"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return edition + "/documents/" + id(did)
	}
	document := newDocument()
	stored, err := ts.store.CreateDocument(ctx, school.Document{EditionID: f.summer.ID, TitleEN: "Report",
		TitleCS: "Zpráva", Kind: "report", FileName: "report.pdf", StoredName: "report-for-the-table",
		ContentType: "application/pdf", Size: 100}, minimalPDF("report"))
	if err != nil {
		t.Fatal(err)
	}
	questions, _, err := ts.store.AllQuestions(ctx, f.summer.ID)
	if err != nil || len(questions) == 0 {
		t.Fatalf("questions %v, %v", questions, err)
	}
	followUps, err := ts.store.FollowUpQuestions(ctx, f.summer.ID)
	if err != nil || len(followUps) == 0 {
		t.Fatalf("follow-up questions %v, %v", followUps, err)
	}
	// An applicant offered a place, whose follow-up answers organisers may correct.
	offered, err := ts.store.CreateApplication(ctx, f.summer, school.Application{Lang: "en", Email: "offered@example.org",
		GivenName: "Olga", FamilyName: "Offered", Nationality: "AT", Residence: "AT", Sector: "student"}, "", demoNow,
		ts.renderer(t, f.summer))
	if err != nil {
		t.Fatal(err)
	}
	participant := "/admin/applications/" + id(setStatus(t, ts, f.summer, offered.ID, school.StatusAccepted).ID)
	rubric, err := ts.store.Rubric(ctx, f.summer.ID)
	if err != nil || len(rubric) == 0 {
		t.Fatalf("rubric %v, %v", rubric, err)
	}
	emails, err := ts.store.ApplicationEmails(ctx, f.app.ID)
	if err != nil || len(emails) == 0 {
		t.Fatalf("emails %v, %v", emails, err)
	}
	// The email is failed again before each retry, so that every role finds it to retry.
	retry := func() string {
		if err := ts.store.MarkEmailFailed(ctx, emails[0].ID, "550 mailbox unavailable", time.Time{}); err != nil {
			t.Fatal(err)
		}
		return "/admin/outbox/" + id(emails[0].ID) + "/retry"
	}
	// A decision staged for an applicant of its own before each request, so the release
	// preview has an email to show although each role's release sends the last one.
	stagedApplicants := 0
	preview := func() string {
		stagedApplicants++
		a, err := ts.store.CreateApplication(ctx, f.summer, school.Application{Lang: "en",
			Email: "staged" + strconv.Itoa(stagedApplicants) + "@example.org", GivenName: "Stella", FamilyName: "Staged",
			Nationality: "AT", Residence: "AT", Sector: "student"}, "", demoNow, ts.renderer(t, f.summer))
		if err != nil {
			t.Fatal(err)
		}
		if err := ts.store.StageDecision(ctx, a.ID, school.StatusRejected, 0, f.staff.admin.ID, demoNow); err != nil {
			t.Fatal(err)
		}
		return edition + "/decisions/preview/rejected"
	}
	tooLong := url.Values{"comment": {strings.Repeat("x", 4001)}}
	none := url.Values{}

	return map[string]routeCheck{
		"GET /admin/login": {path: fixed("/admin/login"), want: everyone, public: true},
		"POST /admin/login": {path: fixed("/admin/login"), form: url.Values{"email": {"nobody@school.test"}, "password": {"wrong"}},
			want: [roleCount]int{http.StatusUnauthorized, http.StatusUnauthorized, http.StatusUnauthorized, http.StatusUnauthorized, http.StatusUnauthorized}, public: true},
		// Without a password given first, the code step sends back to the login page.
		"GET /admin/login/code":  {path: fixed("/admin/login/code"), want: [roleCount]int{done, done, done, done, done}, public: true},
		"POST /admin/login/code": {path: fixed("/admin/login/code"), form: none, want: [roleCount]int{done, done, done, done, done}, public: true},
		// Single sign-on is off here: there is nothing to start or finish (admin_sso_test.go tests it on).
		"GET /admin/login/sso":          {path: fixed("/admin/login/sso"), want: [roleCount]int{notFound, notFound, notFound, notFound, notFound}, public: true},
		"GET /admin/login/sso/callback": {path: fixed("/admin/login/sso/callback?state=guess&code=guess"), want: [roleCount]int{notFound, notFound, notFound, notFound, notFound}, public: true},
		"POST /admin/logout":            {path: fixed("/admin/logout"), form: none, want: [roleCount]int{done, done, done, done, done}},

		// Everyone's own account: the administrator has a second factor, the others none yet.
		"GET /admin/account": {path: fixed("/admin/account"), want: everyone},
		// Already set up, or nothing being set up: back to the account page.
		"POST /admin/account/second-factor/new": {path: fixed("/admin/account/second-factor/new"), form: none, want: [roleCount]int{done, done, done, done, done}},
		"POST /admin/account/second-factor":     {path: fixed("/admin/account/second-factor"), form: none, want: [roleCount]int{done, done, done, done, done}},
		"POST /admin/account/recovery-codes":    {path: fixed("/admin/account/recovery-codes"), form: none, want: [roleCount]int{ok, done, done, done, done}},
		"GET /admin/":                           {path: fixed("/admin"), want: everyone},

		"GET /admin/users":         {path: fixed("/admin/users"), want: adminsOnly(ok)},
		"GET /admin/system":        {path: fixed("/admin/system"), want: adminsOnly(ok)},
		"POST /admin/users/assign": {path: fixed("/admin/users/assign"), form: none, want: adminsOnly(invalid)},
		// Leaves the second factor optional for everyone but administrators.
		"POST /admin/users/second-factor": {path: fixed("/admin/users/second-factor"), form: none, want: adminsOnly(done)},
		// The reviewer has no second factor to reset.
		"POST /admin/users/:id/second-factor/reset": {path: fixed("/admin/users/" + id(f.staff.reviewer.ID) + "/second-factor/reset"), form: none, want: adminsOnly(notFound)},

		"GET /admin/editions/new":  {path: fixed("/admin/editions/new"), want: anyOrganiser(ok)},
		"POST /admin/editions/new": {path: fixed("/admin/editions/new"), form: none, want: anyOrganiser(refused)},

		"GET /admin/editions/:id":                                     {path: fixed(edition), want: editionStaff(ok)},
		"GET /admin/editions/:id/applications":                        {path: fixed(edition + "/applications?q=Quartermaine"), want: editionStaff(ok)},
		"GET /admin/editions/:id/export.:format<regex(^(csv|xlsx)$)>": {path: fixed(edition + "/export.csv"), want: editionStaff(ok)},
		"GET /admin/editions/:id/review":                              {path: fixed(edition + "/review"), want: editionStaff(ok)},
		"GET /admin/applications/:id":                                 {path: fixed(app), want: editionStaff(ok)},
		"GET /admin/applications/:id/files/:file":                     {path: fixed(app + "/files/" + id(f.app.CVUploadID)), want: editionStaff(ok)},
		"GET /admin/applications/:id/review":                          {path: fixed(app + "/review"), want: editionStaff(ok)},
		"GET /admin/applications/:id/referees/:referee/letter":        {path: fixed(refereeLetterOf(t, ts, f.summer, f.app)), want: editionStaff(ok)},
		// A comment too long: the form comes back, and no review is stored.
		"POST /admin/applications/:id/review": {path: fixed(app + "/review"), form: tooLong, want: editionStaff(refused)},

		// "none" removes a staged decision: allowed, and leaves nothing behind.
		"POST /admin/applications/:id/decision": {path: fixed(app + "/decision"), form: url.Values{"decision": {"none"}}, want: editionRunner(done)},
		"POST /admin/applications/:id/notes":    {path: fixed(app + "/notes"), form: none, want: editionRunner(invalid)},
		// Without "waive=yes" the fee is charged, as it already is: nothing changes.
		"POST /admin/applications/:id/fee-waiver": {path: fixed(app + "/fee-waiver"), form: none, want: editionRunner(done)},
		"GET /admin/editions/:id/decisions":       {path: fixed(edition + "/decisions"), want: editionRunner(ok)},
		// Releasing with nothing staged releases nothing.
		"POST /admin/editions/:id/decisions":                  {path: fixed(edition + "/decisions"), form: url.Values{"confirm": {"yes"}}, want: editionRunner(done)},
		"GET /admin/editions/:id/decisions/preview/:decision": {path: preview, want: editionRunner(ok)},
		"POST /admin/editions/:id/bulk":                       {path: fixed(edition + "/bulk"), form: none, want: editionRunner(invalid)},
		"GET /admin/editions/:id/fill":                        {path: fixed(edition + "/fill"), want: editionRunner(ok)},
		// Nothing asked for, nothing staged.
		"POST /admin/editions/:id/fill": {path: fixed(edition + "/fill"), form: none, want: editionRunner(done)},
		// Choosing the automatic ranking, as it is.
		"POST /admin/editions/:id/ranking": {path: fixed(edition + "/ranking"), form: url.Values{"ranking": {"auto"}}, want: editionRunner(done)},

		// The outbox shows each organiser their editions' emails (TestAnOrganiserSeesAndRetriesOnlyTheEmailsOfTheirEditions).
		"GET /admin/outbox":            {path: fixed("/admin/outbox"), want: anyOrganiser(ok)},
		"POST /admin/outbox/:id/retry": {path: retry, form: none, want: editionRunner(done)},
		// An email opens for those who see it in the outbox (TestAnOrganiserOpensAnEmailAsItWentWithoutItsStatusLink).
		"GET /admin/outbox/:id":      {path: fixed("/admin/outbox/" + id(emails[0].ID)), want: editionRunner(ok)},
		"GET /admin/outbox/:id/html": {path: fixed("/admin/outbox/" + id(emails[0].ID) + "/html"), want: editionRunner(ok)},

		"GET /admin/editions/:id/emails":              {path: fixed(edition + "/emails"), want: editionRunner(ok)},
		"GET /admin/editions/:id/emails/:name/:lang":  {path: fixed(edition + "/emails/application_received/en"), want: editionRunner(ok)},
		"POST /admin/editions/:id/emails/:name/:lang": {path: fixed(edition + "/emails/application_received/en"), form: none, want: editionRunner(refused)},
		"GET /admin/editions/:id/send":                {path: fixed(edition + "/send"), want: editionRunner(ok)},
		// Nobody has confirmed: nobody gets the practical information.
		"POST /admin/editions/:id/send": {path: fixed(edition + "/send"), form: none, want: editionRunner(done)},

		"GET /admin/editions/:id/programme":                  {path: fixed(edition + "/programme"), want: editionRunner(ok)},
		"GET /admin/editions/:id/programme/new":              {path: fixed(edition + "/programme/new"), want: editionRunner(ok)},
		"POST /admin/editions/:id/programme/new":             {path: fixed(edition + "/programme/new"), form: none, want: editionRunner(refused)},
		"GET /admin/editions/:id/programme/:session":         {path: fixed(session), want: editionRunner(ok)},
		"POST /admin/editions/:id/programme/:session":        {path: fixed(session), form: none, want: editionRunner(refused)},
		"POST /admin/editions/:id/programme/:session/delete": {path: func() string { return newSession() + "/delete" }, form: none, want: editionRunner(done)},
		"POST /admin/editions/:id/programme/:session/move":   {path: fixed(session + "/move"), form: url.Values{"day": {"nonsense"}}, want: editionRunner(invalid)},
		"GET /admin/lecturers/:id":                           {path: fixed("/admin/lecturers/" + id(lecturer)), want: editionRunner(ok)},
		"POST /admin/lecturers/:id":                          {path: fixed("/admin/lecturers/" + id(lecturer)), form: none, want: editionRunner(refused)},
		"GET /admin/editions/:id/documents":                  {path: fixed(edition + "/documents"), want: editionRunner(ok)},
		"POST /admin/editions/:id/documents":                 {path: fixed(edition + "/documents"), form: none, want: editionRunner(refused)},
		"POST /admin/editions/:id/documents/:doc/delete":     {path: func() string { return newDocument() + "/delete" }, form: none, want: editionRunner(done)},
		"POST /admin/editions/:id/documents/:doc/move":       {path: fixed(document + "/move"), form: url.Values{"direction": {"up"}}, want: editionRunner(done)},
		"GET /admin/documents/:id":                           {path: fixed("/admin/documents/" + id(stored)), want: editionStaff(ok)},
		"GET /admin/applications/:id/visa-letter.pdf":        {path: fixed(app + "/visa-letter.pdf"), want: [roleCount]int{notFound, notFound, notFound, forbidden, forbidden}},
		// A submitted application gets no letter: nothing is made.
		"POST /admin/applications/:id/visa-letter.pdf": {path: fixed(app + "/visa-letter.pdf"), form: none, want: [roleCount]int{notFound, notFound, notFound, forbidden, forbidden}},
		"GET /admin/applications/:id/certificate.pdf":  {path: fixed(app + "/certificate.pdf"), want: [roleCount]int{notFound, notFound, notFound, forbidden, forbidden}},
		"POST /admin/editions/:id/certificates":        {path: fixed(edition + "/certificates"), form: none, want: editionRunner(done)},
		"GET /admin/editions/:id/edit":                 {path: fixed(edition + "/edit"), want: editionRunner(ok)},
		"POST /admin/editions/:id/edit":                {path: fixed(edition + "/edit"), form: none, want: editionRunner(refused)},
		"POST /admin/editions/:id/references":          {path: fixed(edition + "/references"), form: none, want: editionRunner(refused)},
		"POST /admin/editions/:id/status":              {path: fixed(edition + "/status"), form: url.Values{"status": {"nonsense"}}, want: editionRunner(invalid)},
		"GET /admin/editions/:id/clone":                {path: fixed(edition + "/clone"), want: editionRunner(ok)},
		"POST /admin/editions/:id/clone":               {path: fixed(edition + "/clone"), form: none, want: editionRunner(refused)},
		"GET /admin/editions/:id/form":                 {path: fixed(edition + "/form"), want: editionRunner(ok)},
		"POST /admin/editions/:id/form/fields":         {path: fixed(edition + "/form/fields"), form: url.Values{"field_nonsense": {"required"}}, want: editionRunner(done)},
		"POST /admin/editions/:id/questions":           {path: fixed(edition + "/questions"), form: none, want: editionRunner(refused)},
		"POST /admin/editions/:id/questions/:q":        {path: fixed(edition + "/questions/" + id(questions[0].ID)), form: url.Values{"action": {"nonsense"}}, want: editionRunner(invalid)},
		"POST /admin/editions/:id/criteria":            {path: fixed(edition + "/criteria"), form: none, want: editionRunner(refused)},
		"POST /admin/editions/:id/criteria/:c":         {path: fixed(edition + "/criteria/" + id(rubric[0].ID)), form: url.Values{"action": {"nonsense"}}, want: editionRunner(invalid)},
		"GET /admin/editions/:id/privacy":              {path: fixed(edition + "/privacy"), want: editionRunner(ok)},
		"GET /admin/editions/:id/notice":               {path: fixed(edition + "/notice"), want: editionRunner(ok)},
		"POST /admin/editions/:id/notice":              {path: fixed(edition + "/notice"), form: url.Values{"notice_en": {"Our own notice."}, "contact_email": {"school@example.org"}}, want: editionRunner(done)},
		"GET /admin/editions/:id/processing":           {path: fixed(edition + "/processing"), want: editionRunner(ok)},
		"GET /admin/editions/:id/processing.pdf":       {path: fixed(edition + "/processing.pdf"), want: editionRunner(ok)},
		"GET /admin/erasure":                           {path: fixed("/admin/erasure"), want: anyOrganiser(ok)},
		// The applicant asked for nothing: there is no request to carry out.
		"POST /admin/erasure/:id": {path: fixed("/admin/erasure/" + id(f.app.ID)), form: none, want: editionRunner(notFound)},

		// Follow-up questions and the logistics list: organisers only, never reviewers.
		"GET /admin/editions/:id/follow-ups":                             {path: fixed(edition + "/follow-ups"), want: editionRunner(ok)},
		"POST /admin/editions/:id/follow-ups/settings":                   {path: fixed(edition + "/follow-ups/settings"), form: none, want: editionRunner(refused)},
		"POST /admin/editions/:id/follow-ups/defaults":                   {path: fixed(edition + "/follow-ups/defaults"), form: none, want: editionRunner(done)},
		"POST /admin/editions/:id/follow-ups/questions":                  {path: fixed(edition + "/follow-ups/questions"), form: none, want: editionRunner(refused)},
		"POST /admin/editions/:id/follow-ups/questions/:q":               {path: fixed(edition + "/follow-ups/questions/" + id(followUps[0].ID)), form: url.Values{"action": {"nonsense"}}, want: editionRunner(invalid)},
		"GET /admin/editions/:id/logistics.:format<regex(^(csv|xlsx)$)>": {path: fixed(edition + "/logistics.csv"), want: editionRunner(ok)},
		"GET /admin/applications/:id/follow-ups":                         {path: fixed(participant + "/follow-ups"), want: editionRunner(ok)},
		"POST /admin/applications/:id/follow-ups":                        {path: fixed(participant + "/follow-ups"), form: none, want: editionRunner(refused)},
	}
}

// adminRoutes are the back office's routes as the router has them, "METHOD pattern".
func adminRoutes(ts *testServer) []string {
	var out []string
	for _, r := range ts.web.GetRoutes(true) {
		if r.Method != http.MethodGet && r.Method != http.MethodPost {
			continue // HEAD goes with every GET
		}
		if r.Path == "/admin" || strings.HasPrefix(r.Path, "/admin/") {
			out = append(out, r.Method+" "+r.Path)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func TestEveryAdminRouteChecksTheSessionAndTheRole(t *testing.T) {
	t.Parallel()
	f := newAdminFixture(t)
	ts := f.ts
	ctx := context.Background()
	table := authorisationTable(t, f)
	routes := adminRoutes(ts)
	for _, r := range routes {
		if _, ok := table[r]; !ok {
			t.Errorf("%s has no row in the authorisation table", r)
		}
	}
	for key := range table {
		if !slices.Contains(routes, key) {
			t.Errorf("the authorisation table has a row for %s, which is no route", key)
		}
	}
	if t.Failed() {
		t.FailNow()
	}

	organiser := createUser(t, ts, "summer.organiser@school.test", school.RoleOrganiser)
	otherOrganiser := createUser(t, ts, "winter.organiser@school.test", school.RoleOrganiser)
	for u, e := range map[int64]int64{organiser.ID: f.summer.ID, otherOrganiser.ID: f.winter.ID} {
		if err := ts.store.AssignStaff(ctx, u, e); err != nil {
			t.Fatal(err)
		}
	}
	users := [roleCount]school.User{f.staff.admin, organiser, otherOrganiser, f.staff.reviewer, f.staff.outsider}
	send := func(v *visitor, key string, r routeCheck) (string, *http.Response, string) {
		method, path := strings.Fields(key)[0], r.path()
		if method == http.MethodGet {
			resp, body := v.get(t, path)
			return path, resp, body
		}
		resp, body := v.postAdmin(t, path, r.form)
		return path, resp, body
	}
	// Logging out ends the session: last.
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range table {
			if k != "POST /admin/logout" && !yield(k) {
				return
			}
		}
	})
	keys = append(keys, "POST /admin/logout")

	t.Run("anonymous", func(t *testing.T) {
		v := ts.visitor()
		for _, key := range keys {
			r := table[key]
			path, resp, body := send(v, key, r)
			if r.public {
				if want := r.want[asAdmin]; resp.StatusCode != want {
					t.Errorf("%s (%s) without a session: %d, want %d", key, path, resp.StatusCode, want)
				}
				continue
			}
			if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/admin/login") {
				t.Errorf("%s (%s) without a session: %d to %q\n%.300s", key, path, resp.StatusCode,
					resp.Header.Get("Location"), body)
			}
		}
	})
	for role, u := range users {
		t.Run(roleNames[role], func(t *testing.T) {
			v := signIn(t, ts, u.Email)
			for _, key := range keys {
				r := table[key]
				path, resp, body := send(v, key, r)
				if resp.StatusCode != r.want[role] {
					t.Errorf("%s (%s) as %s: %d, want %d\n%.300s", key, path, roleNames[role], resp.StatusCode,
						r.want[role], testkit.MainText(t, body))
				}
				if resp.StatusCode == ok && !r.public && strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") &&
					!strings.Contains(resp.Header.Get("Cache-Control"), "no-store") {
					t.Errorf("%s: Cache-Control %q lets a shared cache keep a back-office page", path, resp.Header.Get("Cache-Control"))
				}
			}
			if resp, _ := v.get(t, "/admin"); resp.StatusCode != http.StatusSeeOther {
				t.Errorf("after logout /admin answers %d", resp.StatusCode)
			}
		})
	}

	// Nothing the table sent changed an application.
	for _, a := range []school.Application{f.app, f.otherApp} {
		stored, err := ts.store.Application(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if stored.Status != school.StatusSubmitted {
			t.Errorf("%s is %s after the table", a.Reference, stored.Status)
		}
	}
}

func TestEveryRoleSeesTheEditionsItMay(t *testing.T) {
	t.Parallel()
	f := newAdminFixture(t)
	summerTitle, winterTitle := f.summer.Title("en"), f.winter.Title("en")
	for _, c := range []struct {
		who            school.User
		summer, winter bool
	}{
		{f.staff.admin, true, true},
		{f.staff.organiser, true, true}, // assigned to none: runs every edition
		{f.staff.reviewer, true, false},
		{f.staff.outsider, false, true},
	} {
		_, body := signIn(t, f.ts, c.who.Email).get(t, "/admin")
		if strings.Contains(body, summerTitle) != c.summer || strings.Contains(body, winterTitle) != c.winter {
			t.Errorf("%s's dashboard: summer school %v, winter school %v; want %v, %v", c.who.Email,
				strings.Contains(body, summerTitle), strings.Contains(body, winterTitle), c.summer, c.winter)
		}
	}
}
