package app

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"registrar/app/i18n"
	"registrar/app/school"
	"registrar/app/testkit"
)

// TestBrowserOrganisersYear walks an organiser's whole year in a real browser, once in each
// language: copy last year's summer school, edit and publish the copy; applicants apply (one
// through the public form); two reviewers review every application; after the deadline the
// organiser fills the seats and releases the decisions; an applicant confirms from the link in
// her email; practical information goes out; after the school the organiser marks attendance and
// issues the certificates, which the applicant downloads. Every step is a click or a field a
// person fills, found by its visible text where it can be; each asserts what the person sees.
// axe-core must find no violation at all on any page the walk passes, and each step leaves a
// screenshot in the artefacts folder (year/).
func TestBrowserOrganisersYear(t *testing.T) {
	shots := yearScreenshotFolder(t)
	t.Logf("screenshots: %s", shots)
	for _, lang := range i18n.Languages {
		t.Run(lang, func(t *testing.T) {
			start := time.Now()
			walkOrganisersYear(t, lang, shots)
			t.Logf("the %s year took %v", lang, time.Since(start).Round(time.Millisecond))
		})
	}
}

// The year's moments, on the test clock: last year's school is over; the copy's call is open;
// the deadline has passed; an offer has lapsed; the school is near; the school is over.
var (
	yearAfterLastSchool = time.Date(2027, 9, 15, 8, 0, 0, 0, time.UTC)
	yearCallOpen        = time.Date(2027, 11, 10, 9, 0, 0, 0, time.UTC)
	yearAfterDeadline   = time.Date(2028, 1, 20, 9, 0, 0, 0, time.UTC)
	yearOffersLapsed    = time.Date(2028, 2, 7, 9, 0, 0, 0, time.UTC)
	yearBeforeSchool    = time.Date(2028, 7, 20, 9, 0, 0, 0, time.UTC)
	yearAfterSchool     = time.Date(2028, 9, 4, 9, 0, 0, 0, time.UTC)
)

// yearTitles are the names the organiser gives the copy.
var yearTitles = map[string]string{
	"en": "Summer School on Migration Studies 2028",
	"cs": "Letní škola migračních studií 2028",
}

// yearSubjects begin the subjects of the emails the applicant receives, by language.
var yearSubjects = map[string]map[string]string{
	"en": {"offer": "You are offered a place: ", "confirmed": "Place confirmed: ",
		"practical": "Practical information: ", "certificate": "Your certificate of attendance: "},
	"cs": {"offer": "Nabídka místa: ", "confirmed": "Místo potvrzeno: ",
		"practical": "Praktické informace: ", "certificate": "Vaše osvědčení o účasti: "},
}

// yearApplicant is who applies through the public form, in the walk's language.
var yearApplicant = map[string]struct{ given, family, nationality string }{
	"en": {"Amina", "Haddad", "JO"},
	"cs": {"Žaneta", "Dvořáková", "CZ"},
}

// editorPath is the address of an edition's editor.
var editorPath = regexp.MustCompile(`^/admin/editions/(\d+)/edit$`)

// yearSeats are the places the organiser offers: fewer than the five applications.
const yearSeats = 3

func walkOrganisersYear(t *testing.T, lang, shots string) {
	clock := testkit.NewClock(yearAfterLastSchool)
	inbox := testkit.StartInbox(t)
	ts := newTestServerWith(t, clock.Now, func(c *Config) {
		c.ApplyLimit = 10000
		c.SMTPURL = inbox.URL()
		c.MailFrom = "School of Migration Studies <school@registrar.test>"
	})
	ts.runOutbox(t)
	ctx := context.Background()
	last, err := ts.store.PublicEdition(ctx, summerSlug)
	if err != nil {
		t.Fatal(err)
	}
	organiser := createUser(t, ts, "organiser@school.test", school.RoleOrganiser)
	setUpSecondFactor(t, ts, organiser)
	reviewers := []school.User{createUser(t, ts, "first.reviewer@school.test", school.RoleReviewer),
		createUser(t, ts, "second.reviewer@school.test", school.RoleReviewer)}
	for _, r := range reviewers {
		setUpSecondFactor(t, ts, r)
	}

	w := &yearWalk{t: t, ts: ts, clock: clock, inbox: inbox, base: ts.listen(t), lang: lang,
		L: ts.i18n.Translator(lang), shots: shots, browser: testkit.NewTabWithin(t, 5*time.Minute), spent: map[string]time.Duration{}}
	defer func() { t.Logf("time spent: %v", w.spent) }()
	L := w.L
	title := yearTitles[lang]

	// September: last year's school is over. The organiser copies it, names the copy, makes it
	// smaller and publishes it.
	office := w.person()
	w.signIn(office, organiser, "/admin")
	w.look(office, "dashboard")
	w.click(office, "open last year's edition", last.Title(lang))
	w.look(office, "last year's edition")
	w.click(office, "open its editor", L.T("editor_edit"), L.T("menu_edit"))
	w.look(office, "last year's editor")
	w.click(office, "copy for next year", L.T("editor_clone"))
	if evaluate[bool](w.t, office, `!!document.querySelector('#main form[action$="/clone"] [name=starts_on]')`) {
		// The copy asks for its start date first, with one proposed: the organiser keeps it.
		proposed := evaluate[string](w.t, office, `document.querySelector('#main form[action$="/clone"] [name=starts_on]').value`)
		t.Logf("the copy proposes to start on %s", proposed)
		w.look(office, "copy asks for its start date")
		w.submitFormOf(office, "copy with the proposed date", `#main form[action$="/clone"] [name=starts_on]`)
	}
	wantPageText(t, office, "the copy's editor", L.T("editor_status")+": "+L.T("editor_status_draft"))
	w.wantNotice(office, "the copy's editor")
	w.look(office, "the copy's editor")
	copyEditor := evaluate[string](t, office, `location.pathname`)
	m := editorPath.FindStringSubmatch(copyEditor)
	if m == nil {
		t.Fatalf("the copy's editor is at %s", copyEditor)
	}
	copyID, _ := strconv.ParseInt(m[1], 10, 64)
	startsOn := evaluate[string](t, office, `document.querySelector('#starts_on').value`)
	if d, err := time.Parse("2006-01-02", startsOn); err != nil || d.Weekday() != last.StartsOn.Weekday() {
		t.Errorf("the copy starts on %s (%v), last year's on a %v", startsOn, d.Weekday(), last.StartsOn.Weekday())
	}
	if title := evaluate[string](t, office, `document.querySelector('#title_en').value`); !strings.Contains(title, strconv.Itoa(last.StartsOn.Year()+1)) {
		t.Errorf("the copy is called %q, not the next year's", title)
	}
	browse(t, office, "name the copy and make it smaller",
		chromedp.SetValue(chromedp.CSS(`#title_en`), yearTitles["en"]),
		chromedp.SetValue(chromedp.CSS(`#title_cs`), yearTitles["cs"]),
		chromedp.SetValue(chromedp.CSS(`#seats_in_person`), strconv.Itoa(yearSeats)))
	w.press(office, "save the copy", L.T("editor_save"), L.T("editor_done_saved"), title)
	w.look(office, "the copy saved")
	w.press(office, "publish the copy", L.T("editor_publish"), L.T("editor_done_published"))
	w.look(office, "the copy published")
	copied, err := ts.store.EditionByID(ctx, copyID)
	if err != nil {
		t.Fatal(err)
	}
	// The school's admin gives the copy its two reviewers.
	for _, r := range reviewers {
		if err := ts.store.AssignStaff(ctx, r.ID, copied.ID); err != nil {
			t.Fatal(err)
		}
	}

	// November: the call is open. One applicant applies through the public form in her browser;
	// four more send theirs.
	w.at(yearCallOpen)
	who := yearApplicant[lang]
	applicantEmail := strings.ToLower(school.Slugify(who.given+" "+who.family)) + "@example.org"
	browserApplicant := w.applyInBrowser(copied, who.given, who.family, who.nationality, applicantEmail)
	others := map[string]school.Application{}
	for _, given := range []string{"Ana", "Ben", "Cyril", "Dana"} {
		others[given] = createApplicant(t, ts, copied, given, lang)
	}
	// What the reviewers think: the browser's applicant best, then Ana, Ben, Cyril, Dana.
	scores := map[int64]int{browserApplicant.ID: 5, others["Ana"].ID: 4, others["Ben"].ID: 3,
		others["Cyril"].ID: 2, others["Dana"].ID: 1}
	offered := []school.Application{browserApplicant, others["Ana"], others["Ben"]}
	waiting := []school.Application{others["Cyril"], others["Dana"]}

	// January: the deadline has passed. Both reviewers work through their queues.
	w.at(yearAfterDeadline)
	for i, r := range reviewers {
		w.review(r, title, scores, fmt.Sprintf("reviewer %d", i+1))
	}

	// The organiser fills the seats from the scores and releases the decisions.
	office = w.person() // a new day, a new session
	w.signIn(office, organiser, "/admin")
	w.look(office, "dashboard in January")
	w.click(office, "open the copy", title)
	w.look(office, "the copy's dashboard")
	w.click(office, "open the applications", L.T("admin_applications"), L.T("menu_applications"))
	wantPageText(t, office, "the applications", L.N("admin_application_count", 5), browserApplicant.Reference)
	w.look(office, "applications after the deadline")
	w.backTo(office, copied)
	w.click(office, "open fill seats", L.T("fill_title"), L.T("menu_fill"))
	w.look(office, "fill seats")
	proposed := evaluate[string](t, office, `[...document.querySelectorAll('#main tr')]
		.filter(r => r.querySelector('input[type=checkbox]:checked')).map(r => r.innerText).join('\n')`)
	for _, a := range offered {
		testkit.WantText(t, "the rows fill seats proposes", proposed, a.Reference)
	}
	for _, a := range waiting {
		if strings.Contains(proposed, a.Reference) {
			t.Errorf("fill seats proposes %s (score %d) over a better one:\n%s", a.Reference, scores[a.ID], proposed)
		}
	}
	w.press(office, "stage the proposal", L.T("fill_stage"),
		L.T("status_accepted")+": "+L.N("decisions_emails", len(offered)),
		L.T("status_waitlisted")+": "+L.N("decisions_emails", len(waiting)))
	w.look(office, "decisions to release")
	w.press(office, "release the decisions", L.N("decisions_release", len(offered)+len(waiting)),
		L.N("decisions_released", len(offered)+len(waiting)), fmt.Sprintf("%s: %d / %d", L.T("admin_seats"), yearSeats, yearSeats))
	w.look(office, "decisions released")

	// The applicant opens the offer from her email and confirms her place; Ana confirms hers too.
	subjects := yearSubjects[lang]
	offer := w.email(applicantEmail, subjects["offer"]+title)
	applicant := w.person()
	w.visit(applicant, "the offer's link", strings.TrimPrefix(openFromEmail(t, w.base, offer), w.base))
	wantPageText(t, applicant, "the status page with the offer", L.T("offer_heading"), L.T("offer_confirm"))
	w.look(applicant, "status page with the offer")
	w.press(applicant, "confirm the place", L.T("offer_confirm"), L.T("status_notice_confirmed"))
	if badge := statusBadge(t, applicant); badge != L.T("status_confirmed") {
		t.Errorf("after confirming the status page says %q, want %q", badge, L.T("status_confirmed"))
	}
	w.look(applicant, "status page confirmed")
	w.email(applicantEmail, subjects["confirmed"]+title)
	w.confirmByLink(w.email(others["Ana"].Email, subjects["offer"]+title))

	// February: Ben let his offer lapse. It expires and his seat is offered to Cyril, the first
	// on the waiting list, who lets it lapse too; so does Dana after him.
	w.at(yearOffersLapsed)
	w.email(others["Cyril"].Email, subjects["offer"]+title)

	// July: the organiser sends the practical information to the two confirmed participants.
	w.at(yearBeforeSchool)
	office = w.person()
	w.signIn(office, organiser, "/admin/editions/"+strconv.FormatInt(copied.ID, 10))
	w.look(office, "the copy's dashboard in July")
	w.click(office, "open practical information", L.T("practical_title"), L.T("menu_send"))
	wantPageText(t, office, "the practical information", L.N("practical_count", 2))
	w.look(office, "practical information")
	w.press(office, "send the practical information", L.N("practical_send", 2), L.T("outbox_title"))
	w.look(office, "outbox after sending")
	for _, to := range []string{applicantEmail, others["Ana"].Email} {
		w.email(to, subjects["practical"]+title)
	}

	// September: the school is over. The organiser marks who attended and issues certificates.
	w.at(yearAfterSchool)
	office = w.person()
	w.signIn(office, organiser, "/admin/editions/"+strconv.FormatInt(copied.ID, 10))
	w.click(office, "open the applications", L.T("admin_applications"), L.T("menu_applications"))
	for _, a := range []school.Application{browserApplicant, others["Ana"]} {
		browse(t, office, "select "+a.Reference,
			chromedp.Click(chromedp.CSS(`#main input[type=checkbox][value="`+strconv.FormatInt(a.ID, 10)+`"]`), chromedp.NodeVisible))
	}
	browse(t, office, "choose to mark them attended", chromedp.SetValue(chromedp.CSS(`#main select[name=action]`), string(school.StatusAttended)))
	w.look(office, "applications with two selected")
	w.press(office, "mark attended", L.T("bulk_apply"), L.T("bulk_done", "Count", 2))
	w.look(office, "attendance marked")
	w.backTo(office, copied)
	wantPageText(t, office, "the dashboard after the school", L.N("certificates_to_issue", 2))
	w.look(office, "dashboard with certificates to issue")
	w.press(office, "issue the certificates", L.T("certificates_issue"), L.N("certificates_issued", 2))
	w.look(office, "certificates issued")

	certificate := w.email(applicantEmail, subjects["certificate"]+title)
	w.visit(applicant, "the certificate email's link", strings.TrimPrefix(openFromEmail(t, w.base, certificate), w.base))
	w.look(applicant, "status page with the certificate")
	href := evaluate[string](t, applicant, `(document.querySelector('#main a[href$="/certificate.pdf"]') || {}).href || ''`)
	if href == "" {
		t.Fatalf("the status page offers no certificate:\n%s", pageText(t, applicant))
	}
	u, err := url.Parse(href)
	if err != nil {
		t.Fatal(err)
	}
	testkit.WantText(t, "the certificate", pdfText(t, ts.visitor(), u.Path), who.given+" "+who.family, title)

	for _, c := range []struct {
		a    school.Application
		want school.Status
	}{{browserApplicant, school.StatusAttended}, {others["Ana"], school.StatusAttended},
		{others["Ben"], school.StatusExpired}, {others["Cyril"], school.StatusExpired}, {others["Dana"], school.StatusExpired}} {
		if st := statusOf(t, ts, c.a.ID).Status; st != c.want {
			t.Errorf("%s %s is %s at the end of the year, want %s", c.a.Reference, c.a.GivenName, st, c.want)
		}
	}
}

// yearWalk is one language's walk: the server, its clock and inbox, one Chromium whose
// browser contexts are the people, and where the screenshots go.
type yearWalk struct {
	t       *testing.T
	ts      *testServer
	clock   *testkit.Clock
	inbox   *testkit.Inbox
	base    string
	lang    string
	L       *i18n.Translator
	shots   string
	step    int
	browser context.Context
	spent   map[string]time.Duration // by kind of step, to see where the walk's time goes
	// signedIn and reviewed tell that the login pages and a review page have been checked.
	signedIn, reviewed bool
}

// timed runs a step and adds its time to its kind's.
func (w *yearWalk) timed(kind string, step func()) {
	start := time.Now()
	step()
	w.spent[kind] += time.Since(start)
}

// at moves the clock to t and runs the server's jobs, as they run every minute: offers about to
// lapse are reminded, lapsed ones expire and their seats go to the waiting list.
func (w *yearWalk) at(t time.Time) {
	w.t.Helper()
	w.clock.Set(t)
	jobs := w.ts.jobs()
	for _, job := range []func(context.Context) error{jobs.RemindOffers, jobs.ExpireOffers} {
		if err := job(context.Background()); err != nil {
			w.t.Fatal(err)
		}
	}
}

// person is a new tab in a browser context of its own: another person's browser, or the same
// person another day, with no cookies but the language they read.
func (w *yearWalk) person() context.Context {
	ctx, cancel := chromedp.NewContext(w.browser, chromedp.WithNewBrowserContext())
	w.t.Cleanup(cancel)
	return ctx
}

// visit opens a page by its address, as a link in an email does, in the walk's language.
func (w *yearWalk) visit(ctx context.Context, what, path string) {
	w.t.Helper()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(w.base+withLang(path, w.lang)))
	if err != nil {
		w.t.Fatalf("%s: %v", what, err)
	}
	if resp.Status != http.StatusOK {
		w.t.Fatalf("%s: %s answered %d", what, path, resp.Status)
	}
}

// signIn opens path in the back office as u: the login page with the password, then the code
// from u's authenticator app, and back to path.
func (w *yearWalk) signIn(ctx context.Context, u school.User, path string) {
	w.t.Helper()
	w.visit(ctx, "open the back office", path)
	look := w.look
	if w.signedIn {
		look = w.glance
	}
	w.signedIn = true
	if evaluate[string](w.t, ctx, `location.pathname`) == "/admin/login" {
		look(ctx, "login")
		// Set at once, as a password manager fills them: typing costs a round trip a key.
		browse(w.t, ctx, "fill in email and password",
			chromedp.SetValue(chromedp.CSS(`#email`), u.Email),
			chromedp.SetValue(chromedp.CSS(`#password`), staffPassword))
		w.click(ctx, "sign in", w.L.T("login_submit"))
	}
	if evaluate[string](w.t, ctx, `location.pathname`) == "/admin/login/code" {
		look(ctx, "login code")
		code, err := totp.GenerateCode(totpSecret(w.t, w.ts, u.Email), w.clock.Now())
		if err != nil {
			w.t.Fatal(err)
		}
		browse(w.t, ctx, "type the code", chromedp.SendKeys(chromedp.CSS(`#code`), code))
		w.submitFormOf(ctx, "send the code", `#code`)
	}
	if at := evaluate[string](w.t, ctx, `location.pathname`); at != path {
		w.t.Fatalf("%s signed in and is at %s, not at %s:\n%s", u.Email, at, path, pageText(w.t, ctx))
	}
}

// findScript marks the first shown link or button whose text (or label) is one of the texts,
// tried in turn, in the main content first; or, failing that, one in the main content whose
// text contains one. It returns the mark and the path the link leads or the form posts to. A box
// in the button's form that asks to confirm is ticked, as a person does before pressing a button
// that is hard to undo.
const findScript = `((texts) => {
	const norm = s => (s || '').replace(/\s+/g, ' ').trim();
	const shown = el => el.getClientRects().length > 0;
	const all = [...document.querySelectorAll('a[href], button, input[type=submit], [role=button]')].filter(shown);
	const main = document.getElementById('main');
	const inMain = all.filter(e => main && main.contains(e));
	const els = inMain.concat(all.filter(e => !main || !main.contains(e)));
	const label = e => norm(e.innerText || e.value);
	let el;
	for (const text of texts) {
		el = el || els.find(e => label(e) === text || norm(e.getAttribute('aria-label')) === text);
	}
	for (const text of texts) {
		el = el || inMain.find(e => label(e).includes(text));
	}
	if (!el) return {mark: '', path: ''};
	window.walkMarks = (window.walkMarks || 0) + 1;
	const mark = String(window.walkMarks);
	el.setAttribute('data-walk', mark);
	const form = el.form || el.closest('form');
	if (form && el.tagName !== 'A') {
		form.querySelectorAll('input[type=checkbox]').forEach(c => {
			if (!c.checked && (c.required || /confirm/i.test(c.name + ' ' + c.id))) c.click();
		});
	}
	const to = el.tagName === 'A' ? el.href : (el.formAction || (form && form.action) || location.href);
	return {mark, path: new URL(to, location.href).pathname};
})`

type foundTarget struct {
	Mark string `json:"mark"`
	Path string `json:"path"`
}

// click presses the link or button whose text is one of texts and waits for the page it leads
// to, which must answer 200; it returns the path the link or form led to. A link may go by two
// names: the edition menu (menu_*) names some entries otherwise than the links it replaces.
func (w *yearWalk) click(ctx context.Context, what string, texts ...string) string {
	w.t.Helper()
	list, err := json.Marshal(texts)
	if err != nil {
		w.t.Fatal(err)
	}
	found := evaluate[foundTarget](w.t, ctx, fmt.Sprintf("%s(%s)", findScript, list))
	if found.Mark == "" {
		w.t.Fatalf("%s: no link or button says %q on %s; the page says:\n%s", what, texts,
			evaluate[string](w.t, ctx, `location.pathname`), pageText(w.t, ctx))
	}
	w.follow(ctx, what, chromedp.CSS(`[data-walk="`+found.Mark+`"]`))
	return found.Path
}

// follow clicks an element and waits for the page it leads to, which must answer 200.
func (w *yearWalk) follow(ctx context.Context, what string, sel chromedp.CSS) {
	w.t.Helper()
	var resp *network.Response
	var err error
	w.timed("navigate", func() { resp, err = chromedp.RunResponse(ctx, chromedp.Click(sel, chromedp.NodeVisible)) })
	if err != nil {
		w.t.Fatalf("%s: %v", what, err)
	}
	if resp.Status != http.StatusOK {
		w.t.Fatalf("%s: %s answered %d:\n%s", what, resp.URL, resp.Status, pageText(w.t, ctx))
	}
}

// submitFormOf presses the submit button of the form holding the field.
func (w *yearWalk) submitFormOf(ctx context.Context, what, field string) {
	w.t.Helper()
	button := evaluate[string](w.t, ctx, fmt.Sprintf(`(() => {
		const f = document.querySelector(%q).form;
		const b = f && f.querySelector('button[type=submit], button:not([type]), input[type=submit]');
		if (!b) return '';
		b.setAttribute('data-walk', 'submit-' + (window.walkMarks = (window.walkMarks || 0) + 1));
		return b.getAttribute('data-walk');
	})()`, field))
	if button == "" {
		w.t.Fatalf("%s: the form of %s has no button", what, field)
	}
	w.follow(ctx, what, chromedp.CSS(`[data-walk="`+button+`"]`))
}

// press presses the button (or link) whose text is text and checks the page then shows want.
// When it does not and the page asks once more (a form posting where the button did, or to the
// page itself: a confirmation page), the person ticks its boxes and confirms.
func (w *yearWalk) press(ctx context.Context, what, text string, want ...string) {
	w.t.Helper()
	to := w.click(ctx, what, text)
	if !w.shows(ctx, want...) {
		confirm := evaluate[string](w.t, ctx, fmt.Sprintf(`((to) => {
			const forms = [...document.querySelectorAll('#main form')].filter(f => f.method === 'post' &&
				[to, location.pathname].includes(new URL(f.action, location.href).pathname));
			const b = forms.length && forms[0].querySelector('button[type=submit], button:not([type]), input[type=submit]');
			if (!b) return '';
			forms[0].querySelectorAll('input[type=checkbox]').forEach(c => { if (!c.checked) c.click(); });
			b.setAttribute('data-walk', 'confirm-' + (window.walkMarks = (window.walkMarks || 0) + 1));
			return b.getAttribute('data-walk');
		})(%q)`, to))
		if confirm != "" {
			w.look(ctx, what+", asked once more")
			w.follow(ctx, what+": confirm", chromedp.CSS(`[data-walk="`+confirm+`"]`))
		}
	}
	wantPageText(w.t, ctx, what, want...)
}

// shows reports whether the page shows every text.
func (w *yearWalk) shows(ctx context.Context, texts ...string) bool {
	w.t.Helper()
	page := pageText(w.t, ctx)
	for _, s := range texts {
		if !strings.Contains(page, s) {
			return false
		}
	}
	return true
}

// wantNotice fails unless the page shows a notice of what was just done.
func (w *yearWalk) wantNotice(ctx context.Context, where string) {
	w.t.Helper()
	if notice := evaluate[string](w.t, ctx, `(document.querySelector('#main .notice, #main [role=status]') || {}).innerText || ''`); notice == "" {
		w.t.Errorf("%s: no notice says what was done:\n%s", where, pageText(w.t, ctx))
	}
}

// backTo opens the edition's dashboard through the link to it on the page, or from the back
// office's dashboard when there is none.
func (w *yearWalk) backTo(ctx context.Context, e school.Edition) {
	w.t.Helper()
	dashboard := "/admin/editions/" + strconv.FormatInt(e.ID, 10)
	if evaluate[bool](w.t, ctx, `!!document.querySelector('#main a[href="`+dashboard+`"], nav a[href="`+dashboard+`"]')`) {
		w.follow(ctx, "back to the edition", chromedp.CSS(`a[href="`+dashboard+`"]`))
		return
	}
	w.click(ctx, "the back office's dashboard", w.L.T("admin_title"))
	w.click(ctx, "the edition", e.Title(w.lang))
}

// look runs axe-core on the page open in the tab, failing on every violation whatever its
// impact, and keeps a screenshot of it.
func (w *yearWalk) look(ctx context.Context, name string) {
	w.t.Helper()
	w.step++
	at := fmt.Sprintf("%s %02d %s (%s)", w.lang, w.step, name, evaluate[string](w.t, ctx, `location.pathname`))
	w.timed("axe", func() {
		for _, v := range testkit.AccessibilityViolations(w.t, ctx, at) {
			w.t.Error(v)
		}
	})
	w.timed("screenshot", func() { w.screenshot(ctx, at, name) })
}

// glance keeps a screenshot of a page the walk has checked with axe-core already, in the same
// state: the login's second time, the next application to review.
func (w *yearWalk) glance(ctx context.Context, name string) {
	w.t.Helper()
	w.step++
	at := fmt.Sprintf("%s %02d %s (%s)", w.lang, w.step, name, evaluate[string](w.t, ctx, `location.pathname`))
	w.timed("screenshot", func() { w.screenshot(ctx, at, name) })
}

// screenshot keeps what the tab's viewport shows as a PNG, numbered by the walk's step.
func (w *yearWalk) screenshot(ctx context.Context, at, name string) {
	// Where the page is scrolled to, as after a form that answers with an anchor (#certificates).
	view := evaluate[[]float64](w.t, ctx, `[window.scrollX, window.scrollY, window.innerWidth,
		Math.min(window.innerHeight, document.documentElement.scrollHeight)]`)
	shot, err := chromedp.Call(ctx, cdppage.CaptureScreenshot, cdppage.CaptureScreenshotParams{
		Format:      cdppage.CaptureScreenshotFormatPng,
		Clip:        &cdppage.Viewport{X: view[0], Y: view[1], Width: view[2], Height: view[3], Scale: 1},
		FromSurface: new(true)})
	if err != nil {
		w.t.Errorf("%s: screenshot: %v", at, err)
		return
	}
	file := fmt.Sprintf("year-%s-%02d-%s.png", w.lang, w.step, strings.Trim(nonWord.ReplaceAllString(strings.ToLower(name), "-"), "-"))
	if err := os.WriteFile(filepath.Join(w.shots, file), shot.Data, 0o644); err != nil {
		w.t.Fatal(err)
	}
}

var nonWord = regexp.MustCompile(`[^a-z0-9]+`)

// email waits for the email to addr whose subject is subject, checks it is in the walk's
// language, and returns it.
func (w *yearWalk) email(addr, subject string) testkit.Email {
	w.t.Helper()
	var e testkit.Email
	w.timed("email", func() { e = waitForEmail(w.t, w.inbox, addr, subject) })
	if got := e.Header.Get("Content-Language"); got != w.lang {
		w.t.Errorf("the email %q to %s is in %q, not in %q", subject, addr, got, w.lang)
	}
	return e
}

// confirmByLink confirms an offered place from the link in the offer, as the applicant's own
// browser does, without JavaScript.
func (w *yearWalk) confirmByLink(offer testkit.Email) {
	w.t.Helper()
	status := strings.TrimPrefix(openFromEmail(w.t, w.base, offer), w.base)
	v := w.ts.visitor()
	f := v.openForm(w.t, status, status+"/confirm")
	resp, body := v.submit(w.t, f, nil)
	wantStatus(w.t, resp, body, http.StatusSeeOther)
}

// applyInBrowser is an applicant opening the edition from the home page and sending its form,
// with her CV, in the walk's language.
func (w *yearWalk) applyInBrowser(e school.Edition, given, family, nationality, email string) school.Application {
	t := w.t
	t.Helper()
	L := w.L
	cvPath := filepath.Join(t.TempDir(), "cv.pdf")
	if err := os.WriteFile(cvPath, minimalPDF(given+" "+family+", curriculum vitae"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := w.person()
	w.visit(ctx, "open home", "/")
	w.click(ctx, "open the edition", e.Title(w.lang))
	w.look(ctx, "the copy's public page")
	w.click(ctx, "apply", L.T("apply"))
	q := questionFields(t, w.ts, e.Slug)
	field := func(name string) chromedp.CSS { return chromedp.CSS(`#main form [name="` + name + `"]`) }
	browse(t, ctx, "fill the form",
		chromedp.SendKeys(field("given_name"), given),
		chromedp.SendKeys(field("family_name"), family),
		chromedp.SendKeys(field("email"), email),
		chromedp.SetValue(field("date_of_birth"), "1998-04-23"),
		chromedp.SetValue(field("nationality"), nationality),
		chromedp.SetValue(field("residence"), "CZ"),
		chromedp.SetValue(field("gender"), "female"),
		chromedp.Click(chromedp.CSS(`#main form input[name=sector][value=student]`)),
		chromedp.SetValue(field("institution"), "Charles University"),
		chromedp.SetValue(field("field_of_study"), "Demography"),
		chromedp.SetValue(field("highest_degree"), "master"),
		chromedp.SetValue(field("english_level"), "c1"),
		chromedp.SetValue(field("motivation"), "I study how climate change moves people and want to compare it across Europe."),
		chromedp.SetUploadFiles(field("cv"), []string{cvPath}),
		chromedp.SetValue(field("referee_name"), "Dr. Lina Saleh"),
		chromedp.SetValue(field("referee_email"), "lina.saleh@example.org"),
		chromedp.SetValue(field("heard_from"), "university"),
		chromedp.Click(field(q[school.QuestionSingle])),
		chromedp.Click(chromedp.CSS(`#main form input[name="`+q[school.QuestionYesNo]+`"][value=no]`)),
		chromedp.Click(field("consent_processing")),
	)
	w.look(ctx, "application form filled in")
	w.submitFormOf(ctx, "send the form", `#main form [name=given_name]`)
	if at := evaluate[string](t, ctx, `location.pathname`); !sentLocation.MatchString(at) {
		t.Fatalf("the form led to %s:\n%s", at, pageText(t, ctx))
	}
	w.look(ctx, "application sent")
	a, err := w.ts.store.ApplicationByEmail(context.Background(), e.ID, email)
	if err != nil {
		t.Fatal(err)
	}
	if a.Lang != w.lang || a.CVFileName != "cv.pdf" {
		t.Errorf("the application is in %q with the CV %q", a.Lang, a.CVFileName)
	}
	return a
}

// review is a reviewer's January: sign in, open the edition's queue, score every application
// from the first to the last, and see the queue empty.
func (w *yearWalk) review(r school.User, title string, scores map[int64]int, who string) {
	t := w.t
	t.Helper()
	L := w.L
	ctx := w.person()
	look := w.look
	if w.reviewed {
		look = w.glance // the second reviewer sees the pages the first saw
	}
	w.signIn(ctx, r, "/admin")
	look(ctx, who+" dashboard")
	w.click(ctx, who+" opens the edition", title)
	look(ctx, who+" edition")
	w.click(ctx, who+" opens the queue", L.T("review_queue_title"), L.T("menu_review"))
	wantPageText(t, ctx, who+"'s queue", L.N("review_queue_count", len(scores)))
	look(ctx, who+" queue")
	w.click(ctx, who+" starts", L.T("review_start"))
	reviewPage := regexp.MustCompile(`^/admin/applications/(\d+)/review$`)
	for range len(scores) {
		m := reviewPage.FindStringSubmatch(evaluate[string](t, ctx, `location.pathname`))
		if m == nil {
			t.Fatalf("%s is at %s, not on a review:\n%s", who, evaluate[string](t, ctx, `location.pathname`), pageText(t, ctx))
		}
		id, _ := strconv.ParseInt(m[1], 10, 64)
		score, ok := scores[id]
		if !ok {
			t.Fatalf("%s is asked to review application %d, which is not one of the edition's", who, id)
		}
		if w.reviewed {
			w.glance(ctx, fmt.Sprintf("%s reviews %d", who, id))
		} else {
			w.look(ctx, fmt.Sprintf("%s reviews %d", who, id))
			w.reviewed = true
		}
		criteria := evaluate[[]string](t, ctx, `[...new Set([...document.querySelectorAll('#main input[type=radio][name^="score_"]')].map(i => i.name))]`)
		if len(criteria) == 0 {
			t.Fatalf("the review form has no criteria to score:\n%s", pageText(t, ctx))
		}
		var radios []string
		for _, c := range criteria {
			radios = append(radios, `#main input[name="`+c+`"][value="`+strconv.Itoa(score)+`"]`)
		}
		choose(t, ctx, who+" scores application "+m[1], radios...)
		browse(t, ctx, who+" comments on application "+m[1],
			chromedp.SetValue(chromedp.CSS(`#comment`), "Scored "+strconv.Itoa(score)+" by "+who+"."))
		w.click(ctx, who+" submits the review", L.T("review_submit"))
	}
	wantPageText(t, ctx, who+"'s queue at the end", L.T("review_queue_empty"))
	look(ctx, who+" queue done")
}

// yearScreenshotFolder is where the walk's screenshots go: year/ in $ARTEFACTS_DIR, or in
// .artefacts at the repository's root; screenshots of an earlier run are removed.
func yearScreenshotFolder(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("ARTEFACTS_DIR")
	if dir == "" {
		root, err := filepath.Abs("..") // tests run in app/
		if err != nil {
			t.Fatal(err)
		}
		dir = filepath.Join(root, ".artefacts")
	}
	dir = filepath.Join(dir, "year")
	old, _ := filepath.Glob(filepath.Join(dir, "*.png"))
	for _, f := range old {
		os.Remove(f)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}
