package app

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"registrar/app/school"
	"registrar/app/testkit"
)

// TestBrowserCertificateIsIssuedEmailedAndVerified: an organiser issues the certificates from
// the edition's dashboard; the Czech "certificate ready" email arrives over SMTP; its link opens
// the status page with the certificate; a stranger types the printed code into /verify.
func TestBrowserCertificateIsIssuedEmailedAndVerified(t *testing.T) {
	ts, inbox := newMailingServer(t, "School of Migration Studies <school@registrar.test>", func(c *Config) { c.ApplyLimit = 10000 })
	ts.runOutbox(t)

	e := documentEdition(t, ts, "browser-certificates-2027")
	organiser := createUser(t, ts, "organiser@school.test", school.RoleOrganiser)
	zaneta := createParticipant(t, ts, e, "Žaneta", "Dvořáková", "cs", "CZ", false, "")
	for _, to := range []school.Status{school.StatusAccepted, school.StatusConfirmed, school.StatusAttended} {
		setStatus(t, ts, e, zaneta.app.ID, to)
	}

	base := ts.listen(t)
	browser := testkit.NewTab(t)
	dashboard := "/admin/editions/" + strconv.FormatInt(e.ID, 10)
	browse(t, browser, "sign in", chromedp.Navigate(base+dashboard), chromedp.WaitVisible(chromedp.CSS(`#password`)),
		chromedp.SendKeys(chromedp.CSS(`#email`), organiser.Email),
		chromedp.SendKeys(chromedp.CSS(`#password`), staffPassword),
		chromedp.Click(chromedp.CSS(`#main form[action="/admin/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#certificates`)))
	wantPageText(t, browser, "the dashboard", "1 participant who attended has no certificate yet.")
	testkit.CheckAccessibility(t, browser, "dashboard with certificates to issue")
	// The answer lands on the certificates section (#certificates), where the notice is.
	browse(t, browser, "issue certificates", chromedp.Click(chromedp.CSS(`#main form[action$="/certificates"] button`), chromedp.NodeVisible))
	waitUntil(t, browser, "the notice", `document.querySelector('#main .notice') !== null`)
	wantPageText(t, browser, "the dashboard after issuing", "1 certificate issued")

	email := waitForEmail(t, inbox, zaneta.app.Email, "Vaše osvědčení o účasti")
	if !strings.Contains(email.Text, "Dobrý den,") || !strings.Contains(email.HTML, "Osvědčení nese ověřovací kód") {
		t.Errorf("the email is not the Czech certificate email:\n%s", email.Text)
	}
	status := openFromEmail(t, base, email)
	browse(t, browser, "open the status page", chromedp.Navigate(status), chromedp.WaitVisible(chromedp.CSS(`#letters`)))
	wantPageText(t, browser, "the status page", "Your documents", "Certificate of attendance (PDF)")
	testkit.CheckAccessibility(t, browser, "status page with a certificate")

	code := verificationCode(t, pdfText(t, ts.visitor(), strings.TrimPrefix(status, base)+"/certificate.pdf"))
	stranger := testkit.NewTab(t)
	browse(t, stranger, "open /verify", chromedp.Navigate(base+"/verify?lang=en"), chromedp.WaitVisible(chromedp.CSS(`#code`)))
	testkit.CheckAccessibility(t, stranger, "verify form")
	browse(t, stranger, "type a wrong code", chromedp.SendKeys(chromedp.CSS(`#code`), "7K3M-Q9XD-2HTU"),
		chromedp.Click(chromedp.CSS(`#main form button`)))
	waitUntil(t, stranger, "the answer", `location.search.includes('code=') && document.readyState === 'complete'`)
	wantPageText(t, stranger, "a malformed code", "No document has this code")
	testkit.CheckAccessibility(t, stranger, "document not found")
	browse(t, stranger, "type the printed code",
		chromedp.SetValue(chromedp.CSS(`#code`), strings.ToLower(strings.ReplaceAll(code, "-", " "))),
		chromedp.Click(chromedp.CSS(`#main form button`)))
	waitUntil(t, stranger, "the verified document", `document.querySelector('#main dl') !== null && document.readyState === 'complete'`)
	wantPageText(t, stranger, "the verified document", "This document is genuine", code, "Žaneta Dvořáková",
		"Certificate of attendance", e.TitleEN, "27 November 2026")
	testkit.CheckAccessibility(t, stranger, "verified document")
}

// waitUntil waits until a JavaScript condition holds in the tab, across the navigation a form
// sends it on.
func waitUntil(t testing.TB, ctx context.Context, what, condition string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](condition))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s: %v", what, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
