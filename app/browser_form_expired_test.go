package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"registrar/app/testkit"
)

// aDayPasses does to the form open in the tab what a day does: its CSRF token is gone from the
// server, and the browser has dropped the cookie that held it (it lasts six hours).
func aDayPasses(t testing.TB, ctx context.Context, ts *testServer, base string) {
	t.Helper()
	token := evaluate[string](t, ctx, `document.querySelector('#main form [name=_csrf]').value`)
	if err := ts.state.Delete(token); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.DeleteCookies, network.DeleteCookiesParams{Name: ts.cookieName("csrf_"), URL: base}); err != nil {
		t.Fatal(err)
	}
}

// TestBrowserFormSentADayLaterIsSentOnce fills the form and sends it a day later, its page long
// expired: with one press, or by itself when the connection comes back after a day offline. The
// server refuses the expired token and answers with a fresh one, with which the page sends the
// form once more: stored once, one receipt, nothing asked of the applicant.
func TestBrowserFormSentADayLaterIsSentOnce(t *testing.T) {
	ts, inbox := newMailingServer(t, "School of Migration Studies <school@registrar.test>", nil)
	ts.runOutbox(t)
	base := ts.listen(t)
	ctx := testkit.NewTab(t)
	q := questionFields(t, ts, summerSlug)
	cvPath := filepath.Join(t.TempDir(), "cv.pdf")
	if err := os.WriteFile(cvPath, minimalPDF("Amina Haddad, curriculum vitae"), 0o600); err != nil {
		t.Fatal(err)
	}
	send := chromedp.CSS(`#main form button[data-form-keep-send]`)
	for _, c := range []struct {
		name, email string
		offline     bool
	}{
		{"one press a day later", "amina@example.org", false},
		{"back online after a day offline", "amina.h@example.org", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			received := len(inbox.Received())
			browse(t, ctx, "open the form", chromedp.Navigate(base+applyPath(summerSlug)), chromedp.WaitVisible(keepField("given_name")))
			fillSummerForm(t, ctx, q, c.email, cvPath)
			if c.offline {
				setNetwork(t, ctx, true, true)
				browse(t, ctx, "send offline", chromedp.Click(send, chromedp.NodeVisible))
				waitUntil(t, ctx, "the page says it is not sent", `document.getElementById('keep-status').innerText.includes('You are offline')`)
				aDayPasses(t, ctx, ts, base)
				setNetwork(t, ctx, false, true)
			} else {
				aDayPasses(t, ctx, ts, base)
				browse(t, ctx, "send", chromedp.Click(send, chromedp.NodeVisible))
			}
			waitUntil(t, ctx, "the form is sent", `location.pathname.endsWith('/apply/sent') && document.readyState === 'complete' && document.querySelector('#main h1') !== null`)
			wantPageText(t, ctx, "the page after sending", "Thank you")
			apps, err := ts.store.ApplicationsByEmail(context.Background(), c.email)
			if err != nil || len(apps) != 1 || apps[0].CVFileName != "cv.pdf" {
				t.Fatalf("%d applications stored (%v), want 1 with its CV", len(apps), err)
			}
			inbox.Wait(t, received+1)
			time.Sleep(300 * time.Millisecond) // a second email would have arrived by now
			msgs := inbox.Received()
			if len(msgs) != received+1 {
				t.Fatalf("%d emails arrived, want one receipt", len(msgs)-received)
			}
			if s := testkit.ReadEmail(t, msgs[received].Data).Subject(t); !strings.Contains(s, apps[0].Reference) {
				t.Errorf("the email %q is not the receipt of %s", s, apps[0].Reference)
			}
			if got := evaluate[bool](t, ctx, `localStorage.getItem(`+formCopyKey+`) === null`); !got {
				t.Error("the browser's copy is still there after sending")
			}
		})
	}
}

// TestBrowserFormTooLargeSaysSoWithoutSendingAgain sends the form with a file past the form's
// limit: the server refuses it before reading it, and the page says so by the form, which stays
// as it is (the file chosen too) to be changed; the form is not sent again the usual way, which
// would carry the file once more for the same answer.
func TestBrowserFormTooLargeSaysSoWithoutSendingAgain(t *testing.T) {
	ts := newTestServer(t)
	base := ts.listen(t)
	ctx := testkit.NewTab(t)
	q := questionFields(t, ts, summerSlug)
	cvPath := filepath.Join(t.TempDir(), "cv.pdf")
	huge := append(minimalPDF("Amina Haddad"), make([]byte, applyBodyLimit)...)
	if err := os.WriteFile(cvPath, huge, 0o600); err != nil {
		t.Fatal(err)
	}
	browse(t, ctx, "open the form", chromedp.Navigate(base+applyPath(summerSlug)), chromedp.WaitVisible(keepField("given_name")))
	fillSummerForm(t, ctx, q, "amina@example.org", cvPath)
	browse(t, ctx, "mark the page and count the forms sent the usual way", chromedp.Evaluate[chromedp.Void](`
		window.samePage = true; window.submitted = 0;
		HTMLFormElement.prototype.submit = function () { window.submitted++; };`))
	browse(t, ctx, "send", chromedp.Click(chromedp.CSS(`#main form button[data-form-keep-send]`), chromedp.NodeVisible))
	waitUntil(t, ctx, "the page says the form is too large", `document.getElementById('keep-status').innerText.includes('What you sent is too large')`)
	for expr, want := range map[string]string{
		`String(window.samePage)`:                                                           "true",
		`String(window.submitted)`:                                                          "0",
		`document.getElementById('given_name').value`:                                       "Amina",
		`String(document.getElementById('cv').files.length)`:                                "1",
		`String(document.querySelector('#main form button[data-form-keep-send]').disabled)`: "false",
	} {
		if got := evaluate[string](t, ctx, expr); got != want {
			t.Errorf("after the answer %s = %q, want %q", expr, got, want)
		}
	}
	testkit.CheckAccessibility(t, ctx, "the form saying it is too large")
}
