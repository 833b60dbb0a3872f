package app

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"registrar/app/mail"
	"registrar/app/school"
	"registrar/app/testkit"
	"registrar/db"
)

// issuedHolder is an application stored through the store with a status link of its own.
type issuedHolder struct {
	app   school.Application
	token string
}

func (p issuedHolder) status() string { return "/status/" + p.token }

// createParticipant stores a submitted application to e whose status link the test holds.
func createParticipant(t testing.TB, ts *testServer, e school.Edition, given, family, lang, nationality string,
	visa bool, passport string) issuedHolder {
	t.Helper()
	token, hash, err := mail.NewStatusToken()
	if err != nil {
		t.Fatal(err)
	}
	a, err := ts.store.CreateApplication(context.Background(), e, school.Application{Lang: lang,
		Email:     "participant-" + strconv.FormatInt(time.Now().UnixNano(), 36) + "@example.org",
		GivenName: given, FamilyName: family, Nationality: nationality, Residence: nationality, Sector: "student",
		Institution: "Charles University", Motivation: "Comparative research.", VisaLetter: visa, PassportName: passport,
		DateOfBirth: time.Date(1998, 3, 14, 0, 0, 0, 0, time.UTC)}, hash, ts.now(), ts.renderer(t, e))
	if err != nil {
		t.Fatal(err)
	}
	return issuedHolder{app: a, token: token}
}

// documentEdition is a small summer school with a signatory and contact hours, like
// createSelectionEdition's.
func documentEdition(t testing.TB, ts *testServer, slug string) school.Edition {
	t.Helper()
	ctx := context.Background()
	series, err := ts.store.CreateSeries(ctx, school.Series{Slug: "series-" + slug, NameEN: "Schools", NameCS: "Školy"})
	if err != nil {
		t.Fatal(err)
	}
	e := school.Edition{SeriesID: series, Slug: slug, Year: 2027, Kind: school.KindSummerSchool,
		TitleEN: "Summer School on Migration Studies " + slug, TitleCS: "Letní škola migračních studií " + slug,
		StartsOn: time.Date(2027, 8, 23, 0, 0, 0, 0, time.UTC), EndsOn: time.Date(2027, 8, 27, 0, 0, 0, 0, time.UTC),
		Venue: "Charles University", City: "Prague", Mode: school.ModeInPerson, Language: "en", Currency: "EUR",
		SeatsInPerson: 10, OpensAt: demoNow.Add(-24 * time.Hour), ClosesAt: demoNow.Add(30 * 24 * time.Hour),
		Admission: school.AdmissionSelection, OfferDays: 7, Status: school.EditionPublished,
		OptionalFields: school.OptionalFields, SignatoryName: "Dr. Kateřina Horáková",
		SignatoryTitle: "Director, School of Migration Studies", Hours: 30}
	if e.ID, err = ts.store.CreateEdition(ctx, e); err != nil {
		t.Fatal(err)
	}
	if e, err = ts.store.EditionByID(ctx, e.ID); err != nil {
		t.Fatal(err)
	}
	return e
}

// pdfText downloads a document, checks it is a PDF and returns the text pdftotext reads from
// it, white space collapsed.
func pdfText(t testing.TB, v *visitor, target string) string {
	t.Helper()
	resp, body := v.get(t, target)
	wantStatus(t, resp, body, http.StatusOK)
	if ct := resp.Header.Get("Content-Type"); ct != "application/pdf" {
		t.Errorf("Content-Type %q", ct)
	}
	if !strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("Content-Disposition %q", resp.Header.Get("Content-Disposition"))
	}
	if !strings.HasPrefix(body, "%PDF-") {
		t.Fatalf("not a PDF: %.20q", body)
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext is missing: make test-deps installs poppler-utils")
	}
	path := filepath.Join(t.TempDir(), "document.pdf")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

var codeInPDF = regexp.MustCompile(`Verification code ([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})|Ověřovací kód ([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})`)

// verificationCode is the code printed on a document.
func verificationCode(t testing.TB, text string) string {
	t.Helper()
	m := codeInPDF.FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("no verification code in:\n%s", text)
	}
	return m[1] + m[2]
}

func TestVisaLetterOnlyForConfirmedApplicantsWhoAskedAndItVerifies(t *testing.T) {
	t.Parallel()
	ts := newFormServer(t)
	e := documentEdition(t, ts, "visa-2027")
	organiser := createUser(t, ts, "organiser@school.test", school.RoleOrganiser)
	staff := signIn(t, ts, organiser.Email)
	zaneta := createParticipant(t, ts, e, "Žaneta", "Dvořáková", "cs", "UA", true, "DVORAKOVA ZANETA")
	aigerim := createParticipant(t, ts, e, "Айгерим", "Нурланова", "en", "KZ", true, "")
	noVisa := createParticipant(t, ts, e, "Petr", "Svoboda", "cs", "CZ", false, "")
	applicant := ts.visitor()
	staffLetter := func(p issuedHolder) string {
		return "/admin/applications/" + strconv.FormatInt(p.app.ID, 10) + "/visa-letter.pdf"
	}

	t.Run("a submitted applicant gets no letter", func(t *testing.T) {
		resp, body := applicant.get(t, zaneta.status()+"/visa-letter.pdf")
		wantStatus(t, resp, body, http.StatusNotFound)
		resp, body = staff.get(t, staffLetter(zaneta))
		wantStatus(t, resp, body, http.StatusNotFound)
		_, body = applicant.get(t, zaneta.status())
		if strings.Contains(body, "visa-letter.pdf") {
			t.Error("the status page offers a letter before any offer")
		}
	})

	for _, p := range []issuedHolder{zaneta, aigerim, noVisa} {
		setStatus(t, ts, e, p.app.ID, school.StatusAccepted)
	}
	var staffCode string
	t.Run("an offer lets organisers issue it, not yet the applicant", func(t *testing.T) {
		resp, body := applicant.get(t, zaneta.status()+"/visa-letter.pdf")
		wantStatus(t, resp, body, http.StatusNotFound)
		resp, body = staff.get(t, "/admin/applications/"+strconv.FormatInt(zaneta.app.ID, 10))
		wantStatus(t, resp, body, http.StatusOK)
		wantText(t, body, "Letters and certificates", "Make the visa invitation letter (PDF)")
		issueLetter(t, staff, "/admin/applications/"+strconv.FormatInt(zaneta.app.ID, 10), staffLetter(zaneta))
		text := pdfText(t, staff, staffLetter(zaneta))
		staffCode = verificationCode(t, text)
		testkit.WantText(t, "the letter", text, "DVORAKOVA ZANETA has been selected for the programme and offered a place.")
	})

	for _, p := range []issuedHolder{zaneta, aigerim, noVisa} {
		setStatus(t, ts, e, p.app.ID, school.StatusConfirmed)
	}
	t.Run("a confirmed applicant downloads the same letter, in English", func(t *testing.T) {
		resp, body := applicant.get(t, zaneta.status())
		wantStatus(t, resp, body, http.StatusOK)
		wantText(t, body, "Your documents", "Visa invitation letter (PDF)")
		text := pdfText(t, applicant, zaneta.status()+"/visa-letter.pdf")
		testkit.WantText(t, "the letter", text, "School of Migration Studies", "Invitation letter", "Prague, 27 November 2026",
			"Name: Žaneta Dvořáková", "Name as in the passport: DVORAKOVA ZANETA", "Nationality: Ukraine",
			"Date of birth: 14 March 1998", zaneta.app.Reference, "invite DVORAKOVA ZANETA", e.TitleEN,
			"23–27 August 2027", "Charles University, Prague", "Dr. Kateřina Horáková",
			"Director, School of Migration Studies", "http://127.0.0.1/verify/"+staffCode,
			"DVORAKOVA ZANETA has been selected for the programme and has confirmed their place.")
		if code := verificationCode(t, text); code != staffCode {
			t.Errorf("the applicant's letter has the code %s, the organiser's %s", code, staffCode)
		}
		history, err := ts.store.ApplicationHistory(context.Background(), zaneta.app.ID)
		if err != nil {
			t.Fatal(err)
		}
		issued := 0
		for _, h := range history {
			if h.Action == "visa_letter_issued" {
				issued++
			}
		}
		if issued != 1 {
			t.Errorf("%d audit entries of the letter, want 1", issued)
		}
	})

	t.Run("a Cyrillic name prints as typed, the passport name falling back to it", func(t *testing.T) {
		issueLetter(t, applicant, aigerim.status(), aigerim.status()+"/visa-letter.pdf")
		text := pdfText(t, applicant, aigerim.status()+"/visa-letter.pdf")
		testkit.WantText(t, "the letter", text, "Name: Айгерим Нурланова", "Name as in the passport: Айгерим Нурланова",
			"Nationality: Kazakhstan")
	})

	t.Run("who did not ask for a letter gets none", func(t *testing.T) {
		resp, body := applicant.get(t, noVisa.status()+"/visa-letter.pdf")
		wantStatus(t, resp, body, http.StatusNotFound)
		resp, body = staff.get(t, staffLetter(noVisa))
		wantStatus(t, resp, body, http.StatusNotFound)
	})

	t.Run("the code verifies, however it is typed, and shows nothing more", func(t *testing.T) {
		for _, typed := range []string{staffCode, strings.ToLower(strings.ReplaceAll(staffCode, "-", ""))} {
			resp, body := ts.visitor().get(t, "/verify/"+typed)
			wantStatus(t, resp, body, http.StatusOK)
			// The name as in the passport is on the letter, for the consul to compare with the passport.
			wantText(t, body, "This document is genuine", "Žaneta Dvořáková", "Name as in the passport", "DVORAKOVA ZANETA",
				"Visa invitation letter", e.TitleEN, "27 November 2026")
			for _, private := range []string{"Ukraine", zaneta.app.Reference, zaneta.app.Email, "1998"} {
				if strings.Contains(body, private) {
					t.Errorf("the verification page shows %q", private)
				}
			}
		}
		// The form leads to the same page.
		resp, _ := ts.visitor().get(t, "/verify?code="+strings.ToLower(staffCode))
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/verify/"+staffCode {
			t.Errorf("the form answers %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
	})

	t.Run("a forged or malformed code is not found", func(t *testing.T) {
		forged := "7K3M-Q9XD-2HTW"
		if forged == staffCode {
			forged = "7K3M-Q9XD-2HTX"
		}
		for _, target := range []string{"/verify/" + forged, "/verify/not-a-code", "/verify?code=%3Cscript%3E",
			"/verify/" + strings.Repeat("A", 300)} {
			resp, body := ts.visitor().get(t, target)
			wantStatus(t, resp, body, http.StatusNotFound)
			wantText(t, body, "No document has this code")
			if strings.Contains(body, "<script>") {
				t.Error("the typed code is not escaped")
			}
		}
		resp, body := ts.visitor().get(t, "/verify")
		wantStatus(t, resp, body, http.StatusOK)
		wantText(t, body, "Verify a letter or certificate", "Verification code")
	})
}

func TestCertificatesAreIssuedOnceEmailedAndVerify(t *testing.T) {
	t.Parallel()
	ts := newFormServer(t)
	e := documentEdition(t, ts, "certificates-2027")
	organiser := createUser(t, ts, "organiser@school.test", school.RoleOrganiser)
	staff := signIn(t, ts, organiser.Email)
	aigerim := createParticipant(t, ts, e, "Айгерим", "Нурланова", "en", "KZ", false, "")
	zaneta := createParticipant(t, ts, e, "Žaneta", "Dvořáková", "cs", "CZ", false, "")
	confirmed := createParticipant(t, ts, e, "Ben", "Confirmed", "en", "GB", false, "")
	absent := createParticipant(t, ts, e, "Nora", "Absent", "en", "NO", false, "")
	for _, p := range []issuedHolder{aigerim, zaneta, confirmed, absent} {
		setStatus(t, ts, e, p.app.ID, school.StatusAccepted)
		setStatus(t, ts, e, p.app.ID, school.StatusConfirmed)
	}
	for _, p := range []issuedHolder{aigerim, zaneta} {
		setStatus(t, ts, e, p.app.ID, school.StatusAttended)
	}
	setStatus(t, ts, e, absent.app.ID, school.StatusNoShow)
	applicant := ts.visitor()
	dashboard := "/admin/editions/" + strconv.FormatInt(e.ID, 10)

	t.Run("before organisers issue them there is no certificate", func(t *testing.T) {
		for _, p := range []issuedHolder{aigerim, confirmed, absent} {
			resp, body := applicant.get(t, p.status()+"/certificate.pdf")
			wantStatus(t, resp, body, http.StatusNotFound)
			_, body = applicant.get(t, p.status())
			if strings.Contains(body, "certificate.pdf") {
				t.Errorf("%s's status page offers a certificate", p.app.GivenName)
			}
		}
	})

	before := queuedCount(t, ts)
	t.Run("the dashboard issues one to each who attended and emails them", func(t *testing.T) {
		resp, body := staff.get(t, dashboard)
		wantStatus(t, resp, body, http.StatusOK)
		wantText(t, body, "Certificates of attendance", "2 participants who attended have no certificate yet.")
		f := testkit.FormOn(t, dashboard, body, dashboard+"/certificates")
		resp, body = staff.submit(t, f, nil)
		wantStatus(t, resp, body, http.StatusSeeOther)
		resp, body = staff.get(t, resp.Header.Get("Location"))
		wantStatus(t, resp, body, http.StatusOK)
		wantText(t, body, "2 certificates issued", "Every participant who attended has a certificate.")
		if q := queuedCount(t, ts); q != before+2 {
			t.Errorf("%d emails queued, want 2", q-before)
		}
		if _, ok := testkit.FindForm(testkit.ParseHTML(t, body), dashboard+"/certificates"); ok {
			t.Error("the dashboard still offers to issue certificates")
		}

		// A second press, from the page as it was, issues and emails nothing more.
		resp, body = staff.submit(t, f, nil)
		wantStatus(t, resp, body, http.StatusSeeOther)
		if !strings.Contains(resp.Header.Get("Location"), "issued=0") {
			t.Errorf("the second press led to %q", resp.Header.Get("Location"))
		}
		if q := queuedCount(t, ts); q != before+2 {
			t.Errorf("a second press queued %d more", q-before-2)
		}
	})

	t.Run("each gets the email in their language and downloads the certificate from its link", func(t *testing.T) {
		for _, tt := range []struct {
			p       issuedHolder
			subject string
			wants   []string
		}{
			{aigerim, "Your certificate of attendance: " + e.TitleEN, []string{"Certificate of attendance",
				"This is to certify that", "Айгерим Нурланова", "attended the", e.TitleEN, "23–27 August 2027",
				"Charles University, Prague", "comprising 30 contact hours", "Dr. Kateřina Horáková", "Prague, 27 November 2026"}},
			{zaneta, "Vaše osvědčení o účasti: " + e.TitleCS, []string{"Osvědčení o účasti", "Potvrzujeme, že",
				"Žaneta Dvořáková", "se zúčastnil(a) programu", e.TitleCS, "23.–27. srpna 2027",
				"v rozsahu 30 kontaktních hodin", "V Praze dne 27. listopadu 2026"}},
		} {
			var ready []db.OutboxMessage
			for _, m := range emailsOf(t, ts, tt.p.app.ID) {
				if m.Template == "certificate_ready" {
					ready = append(ready, m)
				}
			}
			if len(ready) != 1 {
				t.Fatalf("%s has %d certificate emails, want 1", tt.p.app.GivenName, len(ready))
			}
			if ready[0].Subject != tt.subject || ready[0].Lang != tt.p.app.Lang {
				t.Errorf("%s's email: %q in %s", tt.p.app.GivenName, ready[0].Subject, ready[0].Lang)
			}
			status := "/status/" + statusLinkOf(t, ready[0])
			resp, body := applicant.get(t, status)
			wantStatus(t, resp, body, http.StatusOK)
			if !strings.Contains(body, `href="`+status+`/certificate.pdf"`) {
				t.Errorf("%s's status page has no certificate", tt.p.app.GivenName)
			}
			text := pdfText(t, applicant, status+"/certificate.pdf")
			testkit.WantText(t, "the certificate", text, tt.wants...)
			code := verificationCode(t, text)
			again := pdfText(t, applicant, tt.p.status()+"/certificate.pdf")
			if verificationCode(t, again) != code {
				t.Errorf("a second download has another code")
			}
			resp, body = ts.visitor().get(t, "/verify/"+code)
			wantStatus(t, resp, body, http.StatusOK)
			wantText(t, body, tt.p.app.Name(), "Certificate of attendance", e.TitleEN, "27 November 2026")
		}
	})

	t.Run("who did not attend still has no certificate", func(t *testing.T) {
		for _, p := range []issuedHolder{confirmed, absent} {
			resp, body := applicant.get(t, p.status()+"/certificate.pdf")
			wantStatus(t, resp, body, http.StatusNotFound)
			for _, m := range emailsOf(t, ts, p.app.ID) {
				if m.Template == "certificate_ready" {
					t.Errorf("%s was emailed a certificate", p.app.GivenName)
				}
			}
		}
	})
}

func TestVerificationIsRateLimited(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	v := ts.visitor()
	limited := false
	for i := range 15 {
		resp, _ := v.get(t, "/verify/7K3M-Q9XD-2H"+string("0123456789ABCDEF"[i])+"W")
		if resp.StatusCode == http.StatusTooManyRequests {
			limited = true
			break
		}
		if resp.StatusCode != http.StatusNotFound {
			t.Fatalf("lookup %d: %d", i, resp.StatusCode)
		}
	}
	if !limited {
		t.Error("15 lookups in a row from one address were all answered")
	}
}

func TestCertificateEmailArrivesOverSMTPInTheParticipantsLanguage(t *testing.T) {
	t.Parallel()
	ts, inbox := newMailingServer(t, "Škola migračních studií <school@registrar.test>", nil)
	ts.runOutbox(t)

	e := documentEdition(t, ts, "smtp-certificates-2027")
	zaneta := createParticipant(t, ts, e, "Žaneta", "Dvořáková", "cs", "CZ", false, "")
	for _, to := range []school.Status{school.StatusAccepted, school.StatusConfirmed, school.StatusAttended} {
		setStatus(t, ts, e, zaneta.app.ID, to)
	}
	render, err := ts.emails.Renderer(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := ts.store.IssueCertificates(context.Background(), e.ID, db.ActorSystem, ts.now(), render); err != nil {
			t.Fatal(err)
		}
	}
	ts.Outbox().Wake()
	m := waitForEmail(t, inbox, zaneta.app.Email, "Vaše osvědčení o účasti: "+e.TitleCS)
	if m.Header.Get("Content-Language") != "cs" || !strings.Contains(m.Text, "Dobrý den,") {
		t.Errorf("the email is not in Czech:\n%s", m.Text)
	}
	link := statusLinkInEmail.FindStringSubmatch(m.Text)
	if link == nil {
		t.Fatalf("no status link in:\n%s", m.Text)
	}
	testkit.WantText(t, "the certificate", pdfText(t, ts.visitor(), "/status/"+link[1]+"/certificate.pdf"), "Žaneta Dvořáková")
	time.Sleep(100 * time.Millisecond)
	n := 0
	for _, got := range inbox.Received() {
		if strings.HasPrefix(testkit.ReadEmail(t, got.Data).Subject(t), "Vaše osvědčení") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d certificate emails arrived, want 1", n)
	}
}

// A consulate that checks a visa letter learns when its holder gave up the place it invites
// them to.
func TestAVisaLetterIsNoLongerValidOnceThePlaceIsGivenUp(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ctx := context.Background()
	e := documentEdition(t, ts, "revoked-letters")
	holder := createParticipant(t, ts, e, "Dilnoza", "Karimova", "en", "UZ", true, "DILNOZA KARIMOVA")
	setStatus(t, ts, e, holder.app.ID, school.StatusAccepted)
	setStatus(t, ts, e, holder.app.ID, school.StatusConfirmed)
	letter, err := ts.store.IssueDocument(ctx, statusOf(t, ts, holder.app.ID), school.DocumentVisaLetter, db.ActorApplicant, ts.now())
	if err != nil {
		t.Fatal(err)
	}
	resp, body := ts.get(t, "/verify/"+school.FormatCode(letter.Code)+"?lang=en")
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "This document is genuine", "Dilnoza Karimova")
	if strings.Contains(body, "no longer valid") {
		t.Error("a valid letter is said to be withdrawn")
	}

	setStatus(t, ts, e, holder.app.ID, school.StatusWithdrawn)
	resp, body = ts.get(t, "/verify/"+school.FormatCode(letter.Code)+"?lang=en")
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "This letter is no longer valid", "The invitation was withdrawn on 27 November 2026", "Dilnoza Karimova")
	resp, body = ts.get(t, "/verify/"+school.FormatCode(letter.Code)+"?lang=cs")
	wantText(t, body, "Tento dopis již neplatí")
}
