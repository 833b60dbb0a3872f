package app

import (
	"bytes"
	"encoding/base64"
	"image"
	_ "image/png"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	"golang.org/x/net/html"

	"registrar/app/school"
	"registrar/app/testkit"
	"registrar/db"
)

// paidSchool is a small summer school with a fee of 330 EUR, paid to the school's account by
// 30 June 2027.
func paidSchool(t testing.TB, ts *testServer, slug string) school.Edition {
	t.Helper()
	e := createSelectionEdition(t, ts, slug, 2)
	e.FeeCents, e.Currency = 33000, "EUR"
	e.Payment = school.PaymentAccount{Holder: "IOM Prague", IBAN: "CZ6508000000192000145399", BIC: "GIBACZPX",
		DueOn: time.Date(2027, 6, 30, 0, 0, 0, 0, time.UTC)}
	if _, err := ts.store.SaveEdition(t.Context(), db.EditionDraft{Edition: e, Actor: "test"}, ts.now()); err != nil {
		t.Fatal(err)
	}
	e, err := ts.store.EditionByID(t.Context(), e.ID)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// offeredApplicant applied to e asking for a visa letter and was offered a place; it returns
// the application and its status page.
func offeredApplicant(t testing.TB, ts *testServer, e school.Edition, given, lang string) (school.Application, string) {
	t.Helper()
	a, err := ts.store.CreateApplication(t.Context(), e, school.Application{Lang: lang,
		Email: strings.ToLower(given) + "@example.org", GivenName: given, FamilyName: "Nováková",
		Nationality: "UA", Residence: "UA", Sector: "student", Institution: "Kyiv University",
		Motivation: "Research.", VisaLetter: true, PassportName: given + " Novakova"}, "", ts.now(), ts.renderer(t, e))
	if err != nil {
		t.Fatal(err)
	}
	a = setStatus(t, ts, e, a.ID, school.StatusAccepted)
	return a, "/status/" + statusLinkOf(t, lastEmail(t, ts, a.ID))
}

// qrCodes decodes every QR code image the page shows, by its alt text.
func qrCodes(t testing.TB, body string) map[string]string {
	t.Helper()
	codes := map[string]string{}
	testkit.Walk(testkit.ParseHTML(t, body), func(n *html.Node) bool {
		src, _ := testkit.Attr(n, "src")
		data, ok := strings.CutPrefix(src, "data:image/png;base64,")
		if n.Type != html.ElementNode || n.Data != "img" || !ok {
			return true
		}
		raw, err := base64.StdEncoding.DecodeString(data)
		if err != nil {
			t.Fatalf("a QR code's data: %v", err)
		}
		img, _, err := image.Decode(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("a QR code's image: %v", err)
		}
		bmp, err := gozxing.NewBinaryBitmapFromImage(img)
		if err != nil {
			t.Fatal(err)
		}
		result, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
		if err != nil {
			t.Fatalf("the QR code does not decode: %v", err)
		}
		alt, _ := testkit.Attr(n, "alt")
		codes[alt] = result.GetText()
		return true
	})
	return codes
}

// TestConfirmedPlaceShowsHowToPay: once the place is confirmed, the status page and the
// confirmation email (over SMTP) say whom to pay, how much, by when and with which variable
// symbol, and the page shows a QR Platba and an EPC (SEPA) code that decode to exactly that
// payment; both say where the visa letter asked for is.
func TestConfirmedPlaceShowsHowToPay(t *testing.T) {
	t.Parallel()
	ts, inbox := newMailingServer(t, "School <school@registrar.test>", nil)
	e := paidSchool(t, ts, "paid-2027")
	a, page := offeredApplicant(t, ts, e, "Petra", "en")
	v := ts.visitor()

	_, body := v.get(t, page)
	if strings.Contains(body, "CZ65 0800") {
		t.Error("the payment is asked for before the place is confirmed")
	}
	wantText(t, body, "Once you confirm your place, you can download your visa invitation letter on this page.")
	resp, body := v.submit(t, testkit.FormOn(t, page, body, page+"/confirm"), nil)
	wantStatus(t, resp, body, http.StatusSeeOther)
	ts.runOutbox(t)

	resp, body = v.get(t, page)
	wantStatus(t, resp, body, http.StatusOK)
	L := ts.i18n.Translator("en")
	amount := L.Money(33000, "EUR")
	wantText(t, body, "How to pay the fee", "Please pay "+amount+" by 30 June 2027 by bank transfer.",
		"You can now download your visa invitation letter under “Your documents”.")
	details := map[string]string{}
	for _, p := range listed(t, body, "payment-details") {
		details[p[0]] = p[1]
	}
	for label, want := range map[string]string{"Account holder": "IOM Prague", "IBAN": "CZ65 0800 0000 1920 0014 5399",
		"BIC": "GIBACZPX", "Amount": strings.Join(strings.Fields(amount), " "), "Variable symbol": "20270001",
		"Message for the recipient": "SMS-2027-0001 Petra Nováková"} {
		if details[label] != want {
			t.Errorf("payment details: %s is %q, want %q", label, details[label], want)
		}
	}
	spayd := "SPD*1.0*ACC:CZ6508000000192000145399+GIBACZPX*AM:330.00*CC:EUR*DT:20270630*X-VS:20270001" +
		"*RN:IOM Prague*MSG:SMS-2027-0001 Petra Nováková"
	epc := "BCD\n002\n1\nSCT\nGIBACZPX\nIOM Prague\nCZ6508000000192000145399\nEUR330.00\n\n\nSMS-2027-0001 Petra Nováková"
	codes := qrCodes(t, body)
	if got := codes["QR Platba code for this payment"]; got != spayd {
		t.Errorf("the QR Platba code says\n%q\nwant\n%q", got, spayd)
	}
	if got := codes["SEPA (EPC) QR code for this payment"]; got != epc {
		t.Errorf("the EPC code says\n%q\nwant\n%q", got, epc)
	}

	m := waitForEmail(t, inbox, a.Email, "Place confirmed")
	for part, text := range map[string]string{"text": m.Text, "HTML": testkit.MainText(t, "<main>"+m.HTML+"</main>")} {
		testkit.WantText(t, "the confirmation email's "+part, strings.Join(strings.Fields(text), " "),
			"How to pay the fee", "Please pay "+strings.Join(strings.Fields(amount), " ")+" by 30 June 2027 by bank transfer.",
			"Account holder: IOM Prague", "IBAN: CZ65 0800 0000 1920 0014 5399", "BIC: GIBACZPX",
			"Variable symbol: 20270001", "Message for the recipient: SMS-2027-0001 Petra Nováková",
			"QR codes for your banking app", "visa invitation letter", "Your documents")
	}
}

// TestFeeWaiverSkipsThePayment: an organiser waives one participant's fee; their page and
// email ask for no payment, while another's do.
func TestFeeWaiverSkipsThePayment(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	e := paidSchool(t, ts, "waived-2027")
	a, page := offeredApplicant(t, ts, e, "Olena", "cs")
	organiser := signIn(t, ts, createUser(t, ts, "waiver@school.test", school.RoleOrganiser).Email)
	admin := "/admin/applications/" + strconv.FormatInt(a.ID, 10)
	_, body := organiser.get(t, admin)
	resp, body := organiser.submit(t, testkit.FormOn(t, admin, body, admin+"/fee-waiver"), nil)
	wantStatus(t, resp, body, http.StatusSeeOther)
	_, body = organiser.get(t, resp.Header.Get("Location"))
	wantText(t, body, "Fee waived")
	if !statusOf(t, ts, a.ID).FeeWaiverGranted {
		t.Fatal("the waiver was not stored")
	}

	v := ts.visitor()
	_, body = v.get(t, page)
	resp, body = v.submit(t, testkit.FormOn(t, page, body, page+"/confirm"), nil)
	wantStatus(t, resp, body, http.StatusSeeOther)
	_, body = v.get(t, page+"?lang=cs")
	if strings.Contains(body, "CZ65") || len(qrCodes(t, body)) != 0 {
		t.Error("the waived participant is asked to pay")
	}
	testkit.WantText(t, "the waived participant's page", testkit.MainText(t, body), "Poplatek vám byl prominut")
	if m := lastEmail(t, ts, a.ID); m.Template != "place_confirmed" || strings.Contains(m.Text, "CZ65") ||
		!strings.Contains(m.Text, "Poplatek vám byl prominut") || !strings.Contains(m.HTML, "Poplatek vám byl prominut") {
		t.Errorf("the waived participant's email %s does not say the fee is waived:\n%s", m.Template, m.Text)
	}
}

// TestAParticipantHearsWhenTheFeeChangesAfterConfirming: a confirmed participant was told how
// to pay; waiving the fee later, or charging it again, emails them what now holds, while a
// waiver before they confirm waits for the confirmation email.
func TestAParticipantHearsWhenTheFeeChangesAfterConfirming(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	e := paidSchool(t, ts, "fee-change-2027")
	a, page := offeredApplicant(t, ts, e, "Olena", "cs")
	organiser := signIn(t, ts, createUser(t, ts, "fees@school.test", school.RoleOrganiser).Email)
	admin := "/admin/applications/" + strconv.FormatInt(a.ID, 10)
	toggle := func() {
		t.Helper()
		_, body := organiser.get(t, admin)
		resp, body := organiser.submit(t, testkit.FormOn(t, admin, body, admin+"/fee-waiver"), nil)
		wantStatus(t, resp, body, http.StatusSeeOther)
	}
	feeEmails := func() []db.OutboxMessage {
		t.Helper()
		var found []db.OutboxMessage
		for _, m := range emailsOf(t, ts, a.ID) {
			if m.Template == "fee_changed" {
				found = append(found, m)
			}
		}
		return found
	}
	toggle()
	toggle()
	if n := len(feeEmails()); n != 0 {
		t.Fatalf("%d fee emails before the place was confirmed, want none", n)
	}

	v := ts.visitor()
	_, body := v.get(t, page)
	resp, body := v.submit(t, testkit.FormOn(t, page, body, page+"/confirm"), nil)
	wantStatus(t, resp, body, http.StatusSeeOther)
	toggle()
	sent := feeEmails()
	if len(sent) != 1 {
		t.Fatalf("%d fee emails after waiving a confirmed participant's fee, want 1", len(sent))
	}
	if m := sent[0]; !strings.Contains(m.Subject, "Poplatek") || !strings.Contains(m.Text, "Poplatek vám byl prominut") ||
		!strings.Contains(m.HTML, "Poplatek vám byl prominut") || strings.Contains(m.Text+m.HTML, "CZ65") ||
		!strings.Contains(m.Text, "/status/") {
		t.Errorf("the waiver email does not say the fee is waived:\n%s\n%s", m.Subject, m.Text)
	}
	toggle()
	sent = feeEmails()
	if len(sent) != 2 {
		t.Fatalf("%d fee emails after charging the fee again, want 2", len(sent))
	}
	if m := sent[1]; !strings.Contains(m.Text, "CZ65 0800 0000 1920 0014 5399") || !strings.Contains(m.HTML, "CZ65 0800") ||
		strings.Contains(m.Text, "Poplatek vám byl prominut") {
		t.Errorf("the email charging the fee again does not say how to pay:\n%s\n%s", m.Subject, m.Text)
	}
}

// TestEditionEditorChecksThePaymentAccount: organisers set the account in the edition editor;
// an IBAN whose check digits fail and a BIC of the wrong shape come back with what to do, in
// form order; a good account is kept, its IBAN shown in groups of four.
func TestEditionEditorChecksThePaymentAccount(t *testing.T) {
	t.Parallel()
	f := newAdminFixture(t)
	v := signIn(t, f.ts, f.staff.admin.Email)
	editor := editionPath(f.summer.ID, "/edit")
	form := v.openForm(t, editor+"?lang=en", editor)
	resp, body := v.submit(t, form, url.Values{"payment_holder": {"IOM Prague"},
		"payment_iban": {"CZ65 0800 0000 1920 0014 5398"}, "payment_bic": {"GIBA CZ"}})
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	main := testkit.MainText(t, body)
	iban, bic := "This IBAN is not right: its check digits do not match.", "A BIC has 8 or 11 letters and digits"
	testkit.WantText(t, "the editor", main, iban, bic)
	if strings.Index(main, iban) > strings.Index(main, bic) {
		t.Error("the summary lists the BIC's problem before the IBAN's")
	}
	if e, _ := f.ts.store.EditionByID(t.Context(), f.summer.ID); e.Payment.IBAN != f.summer.Payment.IBAN {
		t.Errorf("a wrong IBAN was saved: %q, the demo's account was %q", e.Payment.IBAN, f.summer.Payment.IBAN)
	}

	resp, body = v.submit(t, form, url.Values{"payment_holder": {"IOM Prague"},
		"payment_iban": {"cz65 0800 0000 1920 0014 5399"}, "payment_bic": {"gibaczpx"}, "payment_due_on": {"2027-06-30"}})
	wantStatus(t, resp, body, http.StatusSeeOther)
	e, err := f.ts.store.EditionByID(t.Context(), f.summer.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := school.PaymentAccount{Holder: "IOM Prague", IBAN: "CZ6508000000192000145399", BIC: "GIBACZPX",
		DueOn: time.Date(2027, 6, 30, 0, 0, 0, 0, time.UTC)}
	if e.Payment != want {
		t.Errorf("saved %+v, want %+v", e.Payment, want)
	}
	form = v.openForm(t, editor, editor)
	if got := form.Values.Get("payment_iban"); got != "CZ65 0800 0000 1920 0014 5399" {
		t.Errorf("the editor shows the IBAN as %q", got)
	}
}

// TestOrganisersWordingKeepsThePayment: an edition's own wording of the confirmation email
// still tells the participant how to pay and where the visa letter is.
func TestOrganisersWordingKeepsThePayment(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	e := paidSchool(t, ts, "worded-2027")
	if err := ts.store.SaveEmailTemplate(t.Context(), db.EmailTemplate{EditionID: e.ID, Name: "place_confirmed", Lang: "en",
		Subject: "Welcome, {given_name}", Body: "Dear {given_name},\n\nsee you in {city}!", UpdatedAt: ts.now()}); err != nil {
		t.Fatal(err)
	}
	a, page := offeredApplicant(t, ts, e, "Petra", "en")
	v := ts.visitor()
	_, body := v.get(t, page)
	resp, body := v.submit(t, testkit.FormOn(t, page, body, page+"/confirm"), nil)
	wantStatus(t, resp, body, http.StatusSeeOther)
	m := lastEmail(t, ts, a.ID)
	if m.Template != "place_confirmed" || m.Subject != "Welcome, Petra" {
		t.Fatalf("last email %s %q", m.Template, m.Subject)
	}
	for part, text := range map[string]string{"text": m.Text, "HTML": testkit.MainText(t, "<main>"+m.HTML+"</main>")} {
		testkit.WantText(t, "the reworded email's "+part, strings.Join(strings.Fields(text), " "), "see you in Prague!",
			"How to pay the fee", "IBAN: CZ65 0800 0000 1920 0014 5399", "Variable symbol: 20270001",
			"You asked for a visa invitation letter")
	}
	if !strings.Contains(m.HTML, `<a href="http`) {
		t.Error("the reworded email's HTML does not link the status page")
	}
}
