package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"registrar/app/school"
	"registrar/app/testkit"
)

// TestBrowserSaveAndContinueLater fills the whole form but the motivation's last words, saves it
// for later, and opens the link the real SMTP inbox received in another browser context (its
// own cookies and storage, as another device): every field is back, the CV as received; sending
// it from there makes the application.
func TestBrowserSaveAndContinueLater(t *testing.T) {
	ts, inbox := newMailingServer(t, "School of Migration Studies <school@registrar.test>", nil)
	ts.runOutbox(t)
	base := ts.listen(t)
	ctx := testkit.NewTab(t)

	cvPath := filepath.Join(t.TempDir(), "amina-cv.pdf")
	if err := os.WriteFile(cvPath, minimalPDF("Amina Haddad, curriculum vitae"), 0o600); err != nil {
		t.Fatal(err)
	}
	const email = "amina.later@example.org"
	q := questionFields(t, ts, summerSlug)
	field := func(name string) chromedp.CSS { return chromedp.CSS(`#main form [name="` + name + `"]`) }
	browse(t, ctx, "open the form", chromedp.Navigate(base+applyPath(summerSlug)),
		chromedp.WaitVisible(chromedp.CSS(`#given_name`)))
	// With no address to email the link to, the button is not offered yet.
	offered, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector("#main form button[formaction]").offsetParent !== null`))
	if err != nil {
		t.Fatal(err)
	}
	if offered {
		t.Error("save and continue later is offered before an email address is typed")
	}
	fillSummerForm(t, ctx, q, email, cvPath)
	browse(t, ctx, "fill the rest of the form",
		chromedp.WaitVisible(chromedp.CSS(`#main form button[formaction]`)),
		chromedp.Click(field("fee_waiver")),
		chromedp.SetValue(field("fee_waiver_reason"), "My scholarship does not cover fees."),
		chromedp.Click(field("visa_letter")),
		chromedp.SetValue(field("dietary"), "vegetarian"),
		chromedp.Click(field("consent_photos")),
	)
	if status := submitForm(t, ctx, "save and continue later", chromedp.CSS(`#main form button[formaction]`)); status != 200 {
		t.Fatalf("saving for later ended on a page answering %d", status)
	}
	wantPageText(t, ctx, "the page after saving", "Your form is saved, not sent yet", "We have emailed a link")
	testkit.CheckAccessibility(t, ctx, "the page after saving")

	inbox.Wait(t, 1)
	msgs := inbox.To(email)
	if len(msgs) != 1 {
		t.Fatalf("%d emails to %s, want the one with the link", len(msgs), email)
	}
	mail := testkit.ReadEmail(t, msgs[0].Data)
	link := draftLinkInEmail.FindStringSubmatch(mail.Text)
	if link == nil {
		t.Fatalf("the email has no link to continue:\n%s", mail.Text)
	}
	if s := mail.Subject(t); !strings.Contains(s, "Continue your application") {
		t.Errorf("the email's subject is %q", s)
	}

	// Another browser context: no cookie, no storage of the first.
	other, cancel := chromedp.NewContext(ctx, chromedp.WithNewBrowserContext())
	defer cancel()
	resp, err := chromedp.Run(other, chromedp.NavigateResponse(base+"/drafts/"+link[1]+"?lang="+link[2]))
	if err != nil {
		t.Fatalf("open the emailed link: %v", err)
	}
	if resp.Status != 200 {
		t.Fatalf("the emailed link answered %d", resp.Status)
	}
	back := map[string]string{
		`document.getElementById('given_name').value`:                                            "Amina",
		`document.getElementById('family_name').value`:                                           "Haddad",
		`document.getElementById('email').value`:                                                 email,
		`document.getElementById('date_of_birth').value`:                                         "1998-04-23",
		`document.getElementById('nationality').value`:                                           "JO",
		`document.getElementById('residence').value`:                                             "CZ",
		`document.getElementById('gender').value`:                                                "female",
		`document.querySelector('input[name=sector]:checked').value`:                             "student",
		`document.getElementById('institution').value`:                                           "Charles University",
		`document.getElementById('field_of_study').value`:                                        "Demography",
		`document.getElementById('highest_degree').value`:                                        "master",
		`document.getElementById('english_level').value`:                                         "c1",
		`document.getElementById('motivation').value`:                                            "Climate moves people within Jordan.",
		`document.getElementById('referee_name').value`:                                          "Dr. Lina Saleh",
		`document.getElementById('referee_email').value`:                                         "lina.saleh@example.org",
		`String(document.getElementById('fee_waiver').checked)`:                                  "true",
		`document.getElementById('fee_waiver_reason').value`:                                     "My scholarship does not cover fees.",
		`String(document.getElementById('visa_letter').checked)`:                                 "true",
		`document.getElementById('dietary').value`:                                               "vegetarian",
		`document.getElementById('heard_from').value`:                                            "university",
		`document.querySelector('input[name="` + q[school.QuestionSingle] + `"]:checked').value`: "Climate and mobility",
		`document.querySelector('input[name="` + q[school.QuestionYesNo] + `"]:checked').value`:  "no",
		`document.getElementById('` + q[school.QuestionLongText] + `').value`:                    "Water scarcity and internal migration.",
		`String(document.getElementById('consent_processing').checked)`:                          "true",
		`String(document.getElementById('consent_photos').checked)`:                              "true",
		`String(document.getElementById('consent_mailings').checked)`:                            "false",
		`String(document.getElementById('cv').required)`:                                         "false",
	}
	for expr, want := range back {
		if got := evaluate[string](t, other, expr); got != want {
			t.Errorf("in the other browser %s = %q, want %q", expr, got, want)
		}
	}
	wantPageText(t, other, "the resumed form", "Received: amina-cv.pdf")
	testkit.CheckAccessibility(t, other, "the resumed form")

	if status := submitForm(t, other, "send the resumed form",
		chromedp.CSS(`#main form[action^="/drafts/"] button[type=submit]:not([formaction])`)); status != 200 {
		t.Fatalf("sending the resumed form ended on a page answering %d", status)
	}
	wantPageText(t, other, "the page after sending", "Thank you")
	summer, err := ts.store.PublicEdition(context.Background(), summerSlug)
	if err != nil {
		t.Fatal(err)
	}
	a, err := ts.store.ApplicationByEmail(context.Background(), summer.ID, email)
	if err != nil {
		t.Fatalf("no application after sending the resumed form: %v", err)
	}
	if a.CVFileName != "amina-cv.pdf" || a.Institution != "Charles University" {
		t.Errorf("the application has CV %q, institution %q", a.CVFileName, a.Institution)
	}
	if h := draftsHeld(t, ts, summer); h.Drafts != 0 {
		t.Errorf("the draft outlived its application: %+v", h)
	}
	inbox.Wait(t, 2) // the receipt
}
