package app

import (
	"context"
	"database/sql"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"registrar/app/school"
	"registrar/app/testkit"
)

// formCopyKey is where the browser keeps the copy of the summer school's application form.
const formCopyKey = `'registrar.form-copy:/editions/` + summerSlug + `/apply'`

// keepField is a field of the application form open in the tab.
func keepField(name string) chromedp.CSS { return chromedp.CSS(`#main form [name="` + name + `"]`) }

// keepChoice is one option of a radio group of the application form.
func keepChoice(name, value string) chromedp.CSS {
	return chromedp.CSS(`#main form input[name="` + name + `"][value="` + value + `"]`)
}

// typed tells the page's scripts that a field set at once was typed into, as typing does.
func typed(name string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](`document.querySelector('#main form [name="` + name + `"]')
		.dispatchEvent(new Event('input', {bubbles: true}))`)
}

// TestBrowserFormCopyComesBackInANewTab fills half the form, closes the tab and opens the form in
// a new one: the browser offers its copy, and taking it brings everything back but the file.
func TestBrowserFormCopyComesBackInANewTab(t *testing.T) {
	ts := newTestServer(t)
	base := ts.listen(t)
	browser := testkit.NewTab(t)
	q := questionFields(t, ts, summerSlug)
	const motivation = "Climate moves people within Jordan, and I want to measure how."

	first, closeFirst := chromedp.NewContext(browser)
	browse(t, first, "open the form", chromedp.Navigate(base+applyPath(summerSlug)), chromedp.WaitVisible(keepField("given_name")))
	if hidden := evaluate[bool](t, first, `document.getElementById('keep-offer').hidden`); !hidden {
		t.Error("an empty browser offers a copy")
	}
	browse(t, first, "fill half the form",
		chromedp.SendKeys(keepField("given_name"), "Amina"),
		chromedp.SendKeys(keepField("email"), "amina@example.org"),
		chromedp.SetValue(keepField("motivation"), motivation), typed("motivation"),
		chromedp.SetValue(keepField("english_level"), "c1"), typed("english_level"),
		chromedp.Click(keepChoice("sector", "student")),
		chromedp.Click(keepChoice(q[school.QuestionSingle], "Climate and mobility")),
		chromedp.Click(keepField("consent_photos")),
	)
	waitUntil(t, first, "the copy is kept", `(JSON.parse(localStorage.getItem(`+formCopyKey+`)) || {values: {}}).values.consent_photos?.length === 1`)
	copied := evaluate[string](t, first, `localStorage.getItem(`+formCopyKey+`)`)
	for _, never := range []string{"_csrf", "submission_key", "opened_at", "website", `"cv"`} {
		if strings.Contains(copied, never) {
			t.Errorf("the copy holds %s: %s", never, copied)
		}
	}
	closeFirst()

	second, closeSecond := chromedp.NewContext(browser)
	defer closeSecond()
	browse(t, second, "open the form again", chromedp.Navigate(base+applyPath(summerSlug)), chromedp.WaitVisible(`#keep-offer`))
	if got := evaluate[string](t, second, `document.getElementById('given_name').value`); got != "" {
		t.Errorf("the copy was put in before it was accepted: given name %q", got)
	}
	wantPageText(t, second, "the offer", "This browser kept a copy of a form you did not send", "Restore what I filled in", "Discard the copy")
	if focused := evaluate[string](t, second, `document.activeElement.id`); focused != "keep-offer" {
		t.Errorf("the focus is on %q, not on the offer", focused)
	}
	testkit.CheckAccessibility(t, second, "the offer to restore the copy")
	browse(t, second, "restore", chromedp.Click(`#keep-offer [data-keep=restore]`, chromedp.NodeVisible))
	want := map[string]string{
		`document.getElementById('given_name').value`:                                            "Amina",
		`document.getElementById('email').value`:                                                 "amina@example.org",
		`document.getElementById('motivation').value`:                                            motivation,
		`document.getElementById('english_level').value`:                                         "c1",
		`document.querySelector('input[name=sector]:checked').value`:                             "student",
		`document.querySelector('input[name="` + q[school.QuestionSingle] + `"]:checked').value`: "Climate and mobility",
		`String(document.getElementById('consent_photos').checked)`:                              "true",
		`String(document.getElementById('consent_processing').checked)`:                          "false",
		`String(document.getElementById('keep-offer').hidden)`:                                   "true",
	}
	for expr, w := range want {
		if got := evaluate[string](t, second, expr); got != w {
			t.Errorf("after restoring %s = %q, want %q", expr, got, w)
		}
	}
	// The word count follows the restored motivation.
	if got := evaluate[string](t, second, `document.getElementById('motivation-count').innerText`); !strings.HasPrefix(got, "11 ") {
		t.Errorf("the word count says %q", got)
	}
	wantPageText(t, second, "after restoring", "What you filled in is back", "choose them again")

	// Opened once more after discarding, the form is empty and offers nothing.
	third, closeThird := chromedp.NewContext(browser)
	defer closeThird()
	browse(t, third, "open the form a third time", chromedp.Navigate(base+applyPath(summerSlug)), chromedp.WaitVisible(`#keep-offer`),
		chromedp.Click(`#keep-offer [data-keep=discard]`, chromedp.NodeVisible))
	wantPageText(t, third, "after discarding", "The copy is discarded.")
	if got := evaluate[string](t, third, `document.getElementById('given_name').value`); got != "" {
		t.Errorf("after discarding the given name is %q", got)
	}
	browse(t, third, "reload", chromedp.Reload(), chromedp.WaitVisible(keepField("given_name")))
	if hidden := evaluate[bool](t, third, `document.getElementById('keep-offer').hidden`); !hidden {
		t.Error("the discarded copy is offered again")
	}
}

// setNetwork cuts the tab's network or gives it back, as Chromium's network emulation does:
// requests fail, and when the browser is told (browserKnows) navigator.onLine and the
// online/offline events follow.
func setNetwork(t testing.TB, ctx context.Context, offline, browserKnows bool) {
	t.Helper()
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
		MatchedNetworkConditions: []*network.Conditions{{Offline: offline, DownloadThroughput: -1, UploadThroughput: -1}},
	}); err != nil {
		t.Fatalf("emulate the network offline=%v: %v", offline, err)
	}
	if browserKnows {
		if _, err := chromedp.Call(ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{
			Offline: offline, DownloadThroughput: -1, UploadThroughput: -1,
		}); err != nil {
			t.Fatalf("tell the browser offline=%v: %v", offline, err)
		}
	}
}

// fillSummerForm fills the whole summer school form in the tab, a CV chosen.
func fillSummerForm(t testing.TB, ctx context.Context, q map[school.QuestionKind]string, email, cvPath string) {
	t.Helper()
	browse(t, ctx, "fill the form",
		chromedp.SendKeys(keepField("given_name"), "Amina"),
		chromedp.SetValue(keepField("family_name"), "Haddad"),
		chromedp.SendKeys(keepField("email"), email), // typed: the save-for-later button follows it
		chromedp.SetValue(keepField("date_of_birth"), "1998-04-23"),
		chromedp.SetValue(keepField("nationality"), "JO"),
		chromedp.SetValue(keepField("residence"), "CZ"),
		chromedp.SetValue(keepField("gender"), "female"),
		chromedp.Click(keepChoice("sector", "student")),
		chromedp.SetValue(keepField("institution"), "Charles University"),
		chromedp.SetValue(keepField("field_of_study"), "Demography"),
		chromedp.SetValue(keepField("highest_degree"), "master"),
		chromedp.SetValue(keepField("english_level"), "c1"),
		chromedp.SetUploadFiles(keepField("cv"), []string{cvPath}),
		chromedp.SetValue(keepField("motivation"), "Climate moves people within Jordan."),
		chromedp.SetValue(keepField("referee_name"), "Dr. Lina Saleh"),
		chromedp.SetValue(keepField("referee_email"), "lina.saleh@example.org"),
		chromedp.SetValue(keepField("heard_from"), "university"),
		chromedp.Click(keepChoice(q[school.QuestionSingle], "Climate and mobility")),
		chromedp.Click(keepChoice(q[school.QuestionYesNo], "no")),
		chromedp.SetValue(keepField(q[school.QuestionLongText]), "Water scarcity and internal migration."),
		chromedp.Click(keepField("consent_processing")),
	)
}

// TestBrowserFormSentOfflineIsSentOnceWhenBackOnline fills the whole form, cuts the network and
// sends: the page keeps everything and says so. The network back, the form goes by itself, is
// stored once with one receipt over SMTP, and the browser's copy is gone. A connection that drops
// while the browser believes it is online is tried again the same way.
func TestBrowserFormSentOfflineIsSentOnceWhenBackOnline(t *testing.T) {
	ts, inbox := newMailingServer(t, "School of Migration Studies <school@registrar.test>", nil)
	ts.runOutbox(t)
	base := ts.listen(t)
	ctx := testkit.NewTab(t)
	q := questionFields(t, ts, summerSlug)
	cvPath := filepath.Join(t.TempDir(), "cv.pdf")
	if err := os.WriteFile(cvPath, minimalPDF("Amina Haddad, curriculum vitae"), 0o600); err != nil {
		t.Fatal(err)
	}
	summer, err := ts.store.PublicEdition(context.Background(), summerSlug)
	if err != nil {
		t.Fatal(err)
	}
	send := chromedp.CSS(`#main form button[data-form-keep-send]`)

	for _, c := range []struct {
		name, email  string
		browserKnows bool
		said         string
	}{
		{"offline", "amina@example.org", true, "You are offline, so the application is not sent yet"},
		{"connection dropped", "amina.h@example.org", false, "The connection dropped while sending"},
	} {
		t.Run(c.name, func(t *testing.T) {
			received := len(inbox.Received())
			browse(t, ctx, "open the form", chromedp.Navigate(base+applyPath(summerSlug)), chromedp.WaitVisible(keepField("given_name")))
			fillSummerForm(t, ctx, q, c.email, cvPath)
			setNetwork(t, ctx, true, c.browserKnows)
			browse(t, ctx, "send without a network", chromedp.Click(send, chromedp.NodeVisible))
			waitUntil(t, ctx, "the page says it is not sent",
				`document.getElementById('keep-status').innerText.includes(`+jsString(c.said)+`)`)
			if got := evaluate[string](t, ctx, `document.getElementById('keep-status').getAttribute('role')`); got != "status" {
				t.Errorf("the message is in a region with role %q", got)
			}
			kept := map[string]string{
				`location.pathname`:                                             applyPath(summerSlug),
				`document.getElementById('given_name').value`:                   "Amina",
				`document.getElementById('motivation').value`:                   "Climate moves people within Jordan.",
				`String(document.getElementById('cv').files.length)`:            "1",
				`String(document.getElementById('consent_processing').checked)`: "true",
				`String(localStorage.getItem(` + formCopyKey + `) !== null)`:    "true",
			}
			for expr, w := range kept {
				if got := evaluate[string](t, ctx, expr); got != w {
					t.Errorf("not sent, %s = %q, want %q", expr, got, w)
				}
			}
			if apps, err := ts.store.ApplicationsByEmail(context.Background(), c.email); err != nil || len(apps) != 0 {
				t.Fatalf("%d applications stored without a network (%v)", len(apps), err)
			}

			setNetwork(t, ctx, false, c.browserKnows)
			waitUntil(t, ctx, "the form is sent once the network is back", `location.pathname.endsWith('/apply/sent') && document.readyState === 'complete' && document.querySelector('#main h1') !== null`)
			wantPageText(t, ctx, "the page after sending", "Thank you")
			if got := evaluate[bool](t, ctx, `localStorage.getItem(`+formCopyKey+`) === null`); !got {
				t.Error("the browser's copy is still there after sending")
			}
			apps, err := ts.store.ApplicationsByEmail(context.Background(), c.email)
			if err != nil || len(apps) != 1 {
				t.Fatalf("%d applications stored (%v), want 1", len(apps), err)
			}
			if apps[0].EditionID != summer.ID || apps[0].CVFileName != "cv.pdf" {
				t.Errorf("stored for edition %d with CV %q", apps[0].EditionID, apps[0].CVFileName)
			}
			msgs := inbox.Wait(t, received+1)
			time.Sleep(300 * time.Millisecond) // a second copy would have arrived by now
			if msgs = inbox.Received(); len(msgs) != received+1 {
				t.Fatalf("%d emails arrived, want one receipt", len(msgs)-received)
			}
			if to := msgs[received].To; len(to) != 1 || to[0] != c.email {
				t.Errorf("the receipt went to %v", to)
			}
			if s := testkit.ReadEmail(t, msgs[received].Data).Subject(t); !strings.Contains(s, apps[0].Reference) {
				t.Errorf("the email %q is not the receipt of %s", s, apps[0].Reference)
			}
		})
	}
}

// jsString quotes s for a JavaScript expression.
func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// TestBrowserFormWithAMistakeSendsItsFileOnce sends the form with a mistake: the page shows the
// errors as without JavaScript, the CV kept, and the CV travelled once (the form's second trip,
// which shows the errors, claims the file the first one left on the server).
func TestBrowserFormWithAMistakeSendsItsFileOnce(t *testing.T) {
	ts := newTestServer(t)
	base := ts.listen(t)
	ctx := testkit.NewTab(t)
	q := questionFields(t, ts, summerSlug)
	cvPath := filepath.Join(t.TempDir(), "cv.pdf")
	if err := os.WriteFile(cvPath, minimalPDF("Amina Haddad, curriculum vitae"), 0o600); err != nil {
		t.Fatal(err)
	}
	browse(t, ctx, "open the form", chromedp.Navigate(base+applyPath(summerSlug)), chromedp.WaitVisible(keepField("given_name")))
	fillSummerForm(t, ctx, q, "amina@example.org", cvPath)
	browse(t, ctx, "forget the motivation", chromedp.Evaluate[chromedp.Void](`document.getElementById('motivation').value = ''`))
	status := submitForm(t, ctx, "send the form with a mistake", chromedp.CSS(`#main form button[data-form-keep-send]`))
	if status != 422 {
		t.Fatalf("the form with a mistake ended on a page answering %d, want 422", status)
	}
	wantPageText(t, ctx, "the form with its errors", "There is 1 problem with your form", "Received: cv.pdf")
	if got := evaluate[string](t, ctx, `document.getElementById('given_name').value`); got != "Amina" {
		t.Errorf("the given name is %q after the errors", got)
	}
	if hidden := evaluate[bool](t, ctx, `document.getElementById('keep-offer').hidden`); !hidden {
		t.Error("the form sent back with its errors offers the browser's copy, which it shows already")
	}
	conn, err := sql.Open("sqlite3", "file:"+ts.cfg.Layout().Database()+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var uploads int
	if err := conn.QueryRow(`SELECT count(*) FROM uploads`).Scan(&uploads); err != nil {
		t.Fatal(err)
	}
	if uploads != 1 {
		t.Errorf("%d files stored for one CV sent once", uploads)
	}
}

// answerLostOnce puts a front before the server at backend that passes the first application
// form on to it and then drops the connection before the answer reaches the browser, as a link
// that fails at the worst moment does. It returns the front's address and the number of forms
// that reached the server.
func answerLostOnce(t testing.TB, backend string) (string, *atomic.Int32) {
	t.Helper()
	target, err := url.Parse(backend)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	var forms atomic.Int32
	front := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/apply") {
			proxy.ServeHTTP(w, r)
			return
		}
		if forms.Add(1) > 1 {
			proxy.ServeHTTP(w, r)
			return
		}
		proxy.ServeHTTP(httptest.NewRecorder(), r) // stored, and its answer lost
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			_ = conn.Close()
		}
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: front, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return "http://" + ln.Addr().String(), &forms
}

// TestBrowserFormWhoseAnswerIsLostIsStoredOnce sends the form over a link that drops after the
// server stored it: the browser sends it again, and the server, knowing the form's submission
// key, shows the page after sending without a second application or a second receipt.
func TestBrowserFormWhoseAnswerIsLostIsStoredOnce(t *testing.T) {
	ts, inbox := newMailingServer(t, "School of Migration Studies <school@registrar.test>", nil)
	ts.runOutbox(t)
	base, forms := answerLostOnce(t, ts.listen(t))
	ctx := testkit.NewTab(t)
	q := questionFields(t, ts, summerSlug)
	cvPath := filepath.Join(t.TempDir(), "cv.pdf")
	if err := os.WriteFile(cvPath, minimalPDF("Amina Haddad, curriculum vitae"), 0o600); err != nil {
		t.Fatal(err)
	}
	const email = "amina@example.org"
	browse(t, ctx, "open the form", chromedp.Navigate(base+applyPath(summerSlug)), chromedp.WaitVisible(keepField("given_name")))
	fillSummerForm(t, ctx, q, email, cvPath)
	browse(t, ctx, "send", chromedp.Click(chromedp.CSS(`#main form button[data-form-keep-send]`), chromedp.NodeVisible))
	waitUntil(t, ctx, "the form is sent again and the page after sending shown", `location.pathname.endsWith('/apply/sent') && document.readyState === 'complete' && document.querySelector('#main h1') !== null`)
	if n := forms.Load(); n < 2 {
		t.Fatalf("the form reached the server %d times; the test wants it sent again", n)
	}
	apps, err := ts.store.ApplicationsByEmail(context.Background(), email)
	if err != nil || len(apps) != 1 {
		t.Fatalf("%d applications stored (%v), want 1", len(apps), err)
	}
	inbox.Wait(t, 1)
	time.Sleep(300 * time.Millisecond) // a second email would have arrived by now
	if msgs := inbox.Received(); len(msgs) != 1 {
		t.Fatalf("%d emails arrived, want one receipt", len(msgs))
	}
	if got := evaluate[bool](t, ctx, `localStorage.getItem(`+formCopyKey+`) === null`); !got {
		t.Error("the browser's copy is still there after sending")
	}
}
