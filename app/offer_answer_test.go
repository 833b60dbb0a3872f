package app

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"registrar/app/school"
	"registrar/app/testkit"
)

// TestDecliningAsksOnceMoreOnItsOwnPage: one tap on the status page does not decline for
// good; it opens a page that says what will happen, and only its form declines.
func TestDecliningAsksOnceMoreOnItsOwnPage(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	r := releaseOffers(t, ts, "ask-decline-2027", 1)
	a := r.accepted[0]
	v := ts.visitor()
	page := "/status/" + statusLinkOf(t, lastEmail(t, ts, a.ID))

	_, body := v.get(t, page)
	if _, err := testkit.ReadForm(page, body, page+"/decline"); err == nil {
		t.Error("the status page has a form that declines at once")
	}
	if !strings.Contains(body, `href="`+page+`/decline"`) {
		t.Error("the status page does not link the page that declines")
	}
	wantText(t, body, "Decline the place")

	resp, body := v.get(t, page+"/decline")
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, testkit.MainText(t, body), "Decline the place", a.Reference,
		"You cannot undo this", "the place goes to the next applicant", "No, keep my offer")
	if st := statusOf(t, ts, a.ID).Status; st != school.StatusAccepted {
		t.Fatalf("opening the question changed the status to %s", st)
	}
	f := testkit.FormOn(t, page+"/decline", body, page+"/decline")
	if f.Values.Get("_csrf") == "" {
		t.Error("the decline form carries no CSRF token")
	}
	resp, body = v.submit(t, f, nil)
	wantStatus(t, resp, body, http.StatusSeeOther)
	if st := statusOf(t, ts, a.ID).Status; st != school.StatusDeclined {
		t.Errorf("stored as %s after declining", st)
	}

	t.Run("the question is not asked once the offer is answered", func(t *testing.T) {
		resp, body := v.get(t, page+"/decline")
		wantStatus(t, resp, body, http.StatusOK)
		wantText(t, body, "There is no open offer to answer", "Back to my application")
		if strings.Contains(body, "No, back") {
			t.Error("the page answers No to a question it no longer asks")
		}
		if _, err := testkit.ReadForm(page+"/decline", body, page+"/decline"); err == nil {
			t.Error("the answered offer can be declined again")
		}
	})
}

// TestBrowserOfferAnswersAreLargeAndApart measures, on a 320 and a 390 px phone, that Confirm
// and Decline are each at least 44 px tall and wide and far enough apart not to be hit together.
func TestBrowserOfferAnswersAreLargeAndApart(t *testing.T) {
	ts := newTestServer(t)
	r := releaseOffers(t, ts, "big-buttons-2027", 1)
	page := "/status/" + statusLinkOf(t, lastEmail(t, ts, r.accepted[0].ID))
	base := ts.listen(t)
	ctx := testkit.NewTab(t)
	type box struct{ Top, Bottom, Left, Right, Width, Height float64 }
	for _, width := range []int64{320, 390} {
		browse(t, ctx, "phone", chromedp.EmulateViewport(width, 800), chromedp.Navigate(base+page), chromedp.WaitVisible(chromedp.CSS(`#offer`)))
		confirm := evaluate[box](t, ctx, `(() => { const b = document.querySelector('form[action$="/confirm"] button').getBoundingClientRect(); return {Top: b.top, Bottom: b.bottom, Left: b.left, Right: b.right, Width: b.width, Height: b.height}; })()`)
		decline := evaluate[box](t, ctx, `(() => { const b = document.querySelector('a[href$="/decline"]').getBoundingClientRect(); return {Top: b.top, Bottom: b.bottom, Left: b.left, Right: b.right, Width: b.width, Height: b.height}; })()`)
		for name, b := range map[string]box{"confirm": confirm, "decline": decline} {
			if b.Height < 44 || b.Width < 44 {
				t.Errorf("%d px: %s is %.0f × %.0f px, want at least 44 × 44", width, name, b.Width, b.Height)
			}
		}
		gap := max(decline.Top-confirm.Bottom, confirm.Top-decline.Bottom, decline.Left-confirm.Right, confirm.Left-decline.Right)
		if gap < 24 {
			t.Errorf("%d px: confirm and decline are %.0f px apart, want at least 24", width, gap)
		}
		for name, b := range map[string]box{"confirm": confirm, "decline": decline} {
			if b.Left < 0 || b.Right > float64(width) {
				t.Errorf("%d px: %s runs off the screen (%.0f to %.0f px)", width, name, b.Left, b.Right)
			}
		}
	}
	testkit.CheckAccessibility(t, ctx, "status page with an offer")
	browse(t, ctx, "the decline page", chromedp.Navigate(base+page+"/decline"), chromedp.WaitVisible(chromedp.CSS(`h1`)))
	testkit.CheckAccessibility(t, ctx, "decline page")
	if !strings.Contains(pageText(t, ctx), "cannot undo") {
		t.Error("the decline page does not say it cannot be undone")
	}
}

// TestCzechWithdrawCannotBeReadAsDownload: in Czech "stáhnout" means to download, and the status
// page offers "Stáhnout všechna svá data" right above; withdrawing is worded "zrušit" on the
// page, in the history, on the question page and in the email.
func TestCzechWithdrawCannotBeReadAsDownload(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	e := createSelectionEdition(t, ts, "zruseni-2027", 2)
	a := createApplicant(t, ts, e, "Petra", "cs")
	v := ts.visitor()
	page := "/status/" + statusLinkOf(t, lastEmail(t, ts, a.ID))

	_, body := v.get(t, page+"?lang=cs")
	main := testkit.MainText(t, body)
	testkit.WantText(t, "the Czech status page", main, "Stáhnout všechna svá data", "Zrušit přihlášku")
	resp, body := v.get(t, page+"/withdraw?lang=cs")
	wantStatus(t, resp, body, http.StatusOK)
	testkit.WantText(t, "the Czech question", testkit.MainText(t, body), "Zrušení přihlášky",
		"Opravdu chcete přihlášku zrušit?", "Ano, zrušit přihlášku")
	resp, body = v.submit(t, testkit.FormOn(t, page+"/withdraw", body, page+"/withdraw"), nil)
	wantStatus(t, resp, body, http.StatusSeeOther)
	_, body = v.get(t, resp.Header.Get("Location")+"&lang=cs")
	testkit.WantText(t, "the Czech status page after", testkit.MainText(t, body), "Vaše přihláška je zrušena.",
		"Zrušena uchazečem", "Přihlášku jste zrušili.")
	receipt := emailsOf(t, ts, a.ID)[0]
	if receipt.Template != "application_received" || strings.Contains(receipt.Text+receipt.HTML, "odstoupení") ||
		!strings.Contains(receipt.Text, "ji zrušit") || !strings.Contains(receipt.HTML, "ji zrušit") {
		t.Errorf("the Czech receipt (%s) words withdrawing otherwise:\n%s", receipt.Template, receipt.Text)
	}
	m := lastEmail(t, ts, a.ID)
	testkit.WantText(t, "the Czech email", m.Subject+"\n"+m.Text, "Přihláška zrušena", "zrušili jste svou přihlášku")
	for where, text := range map[string]string{"status page": testkit.MainText(t, body), "email": m.Subject + m.Text + m.HTML} {
		if low := strings.ToLower(text); strings.Contains(low, "stáhl") || strings.Contains(low, "stažen") ||
			strings.Contains(low, "stáhnout přihlášku") {
			t.Errorf("the %s words withdrawing as downloading: %s", where, text)
		}
	}
}

// TestBrowserPaymentFitsAPhone: the payment instructions, their IBAN and QR codes stay inside a
// 320 px screen, and the page passes axe-core, in English and Czech.
func TestBrowserPaymentFitsAPhone(t *testing.T) {
	ts := newTestServer(t)
	e := paidSchool(t, ts, "phone-pay-2027")
	a, page := offeredApplicant(t, ts, e, "Petra", "en")
	setStatus(t, ts, e, a.ID, school.StatusConfirmed)
	base := ts.listen(t)
	ctx := testkit.NewTab(t)
	for _, lang := range []string{"en", "cs"} {
		browse(t, ctx, "the confirmed applicant's page", chromedp.EmulateViewport(320, 800),
			chromedp.Navigate(base+page+"?lang="+lang), chromedp.WaitVisible(chromedp.CSS(`#payment`)))
		overflow := evaluate[[]string](t, ctx, `[...document.querySelectorAll('#payment ~ *, #payment-details dd, .qr-codes img')]
			.filter(el => el.getBoundingClientRect().right > window.innerWidth).map(el => el.outerHTML.slice(0, 80))`)
		if len(overflow) > 0 {
			t.Errorf("%s: runs off a 320 px screen: %v", lang, overflow)
		}
		testkit.CheckAccessibility(t, ctx, "payment instructions in "+lang)
	}
}
