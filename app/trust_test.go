package app

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"registrar/app/school"
	"registrar/app/testkit"
	"registrar/db"
)

// The trust basics: a privacy notice per edition and for the school, an accessibility
// statement, the school's contact on every page, email and letter, the record of processing
// for the data protection officer, and a way back to a lost status link.

const (
	testContact = "summer.school@iom.test"
	testAddress = "IOM Prague, Mezibranská 1579/4, 110 00 Praha 1, Czech Republic"
)

// newTrustServer is a demo server whose school contact and address are set as an operator would.
func newTrustServer(t testing.TB) *testServer {
	t.Helper()
	return newTestServerWith(t, func() time.Time { return demoNow }, func(c *Config) {
		c.ApplyLimit, c.Contact, c.SchoolAddress = 10000, testContact, testAddress
	})
}

// pageText is the whole page's text, header and footer included, white space collapsed.
func wholeText(t testing.TB, body string) string {
	t.Helper()
	return strings.Join(strings.Fields(testkit.Text(testkit.ParseHTML(t, body))), " ")
}

// footerOf is the markup of the page's footer.
func footerOf(t testing.TB, body string) string {
	t.Helper()
	i := strings.LastIndex(body, "<footer")
	if i < 0 {
		t.Fatal("the page has no footer")
	}
	return body[i:]
}

func TestPrivacyNoticeForTheSchoolAndEachEditionInBothLanguages(t *testing.T) {
	t.Parallel()
	ts := newTrustServer(t)
	v := ts.visitor()

	resp, body := v.get(t, "/privacy?lang=en")
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "Privacy notice", "IOM Prague", "Mezibranská 1579/4", testContact,
		"Office for Personal Data Protection", "Pplk. Sochora 27", "uoou.gov.cz",
		"Access", "Erasure", "Summer School on Migration Studies 2027")
	if !strings.Contains(body, `href="/editions/`+summerSlug+`/privacy"`) {
		t.Error("the school's notice does not link the open call's own")
	}

	resp, body = v.get(t, "/editions/"+summerSlug+"/privacy?lang=en")
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "Privacy notice", "Summer School on Migration Studies 2027", "IOM Prague",
		"Mezibranská 1579/4", testContact, "6 months after the event ends", "Reviewers", "organisers",
		"Office for Personal Data Protection", "Version 2026-12")

	resp, body = v.get(t, "/editions/"+summerSlug+"/privacy?lang=cs")
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "Zásady ochrany osobních údajů", "IOM Praha", testContact,
		"Úřadu pro ochranu osobních údajů (ÚOOÚ)", "6 měsíců po skončení akce", "Hodnotitelé")

	resp, body = v.get(t, "/editions/no-such-edition/privacy")
	wantStatus(t, resp, body, http.StatusNotFound)
}

func TestOrganisersEditTheNoticeAndTheConsentNamesItsVersion(t *testing.T) {
	t.Parallel()
	ts := newTrustServer(t)
	ctx := context.Background()
	summer, err := ts.store.PublicEdition(ctx, summerSlug)
	if err != nil {
		t.Fatal(err)
	}

	// The form's consent links the edition's notice.
	v := ts.visitor()
	resp, body := v.get(t, applyPath(summerSlug)+"?lang=en")
	wantStatus(t, resp, body, http.StatusOK)
	if n := strings.Count(body, `href="/editions/`+summerSlug+`/privacy"`); n != 1 {
		t.Errorf("the application form links the edition's privacy notice %d times, want once", n)
	}
	if strings.Contains(body, `href=""`) {
		t.Error("the application form has a link to nowhere")
	}
	first := applyToSummer(t, ts, "Amina", "Haddad", "amina@example.org")
	if got := consentVersion(t, first); got != school.ConsentWordingVersion+"+privacy-2026-12" {
		t.Errorf("the consent was recorded under %q", got)
	}

	organiser := createUser(t, ts, "organiser@school.test", school.RoleOrganiser)
	if err := ts.store.AssignStaff(ctx, organiser.ID, summer.ID); err != nil {
		t.Fatal(err)
	}
	staff := signIn(t, ts, organiser.Email)
	page := "/admin/editions/" + strconv.FormatInt(summer.ID, 10) + "/notice"
	f := staff.openForm(t, page, page)
	if !strings.Contains(f.Values.Get("notice_en"), "{retention}") {
		t.Errorf("the editor does not start from the default notice: %q", f.Values.Get("notice_en"))
	}
	resp, body = staff.submit(t, f, url.Values{
		"notice_en":     {f.Values.Get("notice_en") + "\n\nPhotos taken at the school are kept for ten years."},
		"contact_email": {"summer.2027@iom.test"},
	})
	wantStatus(t, resp, body, http.StatusSeeOther)

	resp, body = v.get(t, "/editions/"+summerSlug+"/privacy?lang=en")
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "Photos taken at the school are kept for ten years.", "summer.2027@iom.test",
		"Version 2026-11-27.1", "6 months after the event ends")
	for _, path := range []string{"/editions/" + summerSlug + "/privacy", "/editions/" + summerSlug,
		"/status/" + ts.linkEmailedTo(t, first.Email)} {
		if _, body := v.get(t, path); !strings.Contains(footerOf(t, body), "mailto:summer.2027@iom.test") {
			t.Errorf("%s does not show the edition's contact in its footer", path)
		}
	}
	if _, body := v.get(t, "/editions/"+winterSlug); !strings.Contains(footerOf(t, body), "mailto:"+testContact) {
		t.Error("another edition's page does not show the school's contact")
	}

	second := applyToSummer(t, ts, "Bilal", "Khan", "bilal@example.org")
	if got := consentVersion(t, second); got != school.ConsentWordingVersion+"+privacy-2026-11-27.1" {
		t.Errorf("after the edit the consent was recorded under %q", got)
	}
	if got := consentVersion(t, first); got != school.ConsentWordingVersion+"+privacy-2026-12" {
		t.Errorf("the first consent changed to %q", got)
	}

	// Next year's copy keeps the notice, under the same version.
	copied, err := ts.store.CloneEdition(ctx, summer.ID, time.Time{}, 0, "user:1", demoNow)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := ts.store.PrivacyNotice(ctx, copied); err != nil || n.Version() != "2026-11-27.1" ||
		!strings.Contains(n.TextEN, "ten years") || n.Contact != "summer.2027@iom.test" {
		t.Errorf("the copy's notice: version %q, contact %q, %v", n.Version(), n.Contact, err)
	}

	// A reviewer may not edit it.
	reviewer := createUser(t, ts, "reviewer@school.test", school.RoleReviewer)
	if err := ts.store.AssignStaff(ctx, reviewer.ID, summer.ID); err != nil {
		t.Fatal(err)
	}
	resp, body = signIn(t, ts, reviewer.Email).get(t, page)
	wantStatus(t, resp, body, http.StatusForbidden)
}

// consentVersion is the wording version of the application's consent to processing.
func consentVersion(t testing.TB, a school.Application) string {
	t.Helper()
	for _, c := range a.Consents {
		if c.Kind == school.ConsentProcessing {
			return c.Version
		}
	}
	t.Fatalf("%s has no consent to processing", a.Reference)
	return ""
}

func TestAccessibilityStatementInBothLanguages(t *testing.T) {
	t.Parallel()
	ts := newTrustServer(t)
	v := ts.visitor()
	resp, body := v.get(t, "/accessibility?lang=en")
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "Accessibility statement", "axe-core", "keyboard", "320", testContact)
	resp, body = v.get(t, "/accessibility?lang=cs")
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "Prohlášení o přístupnosti", "axe-core", "klávesnic", "320", testContact)
}

func TestEveryFooterLinksPrivacyAccessibilityAndTheContact(t *testing.T) {
	t.Parallel()
	ts := newTrustServer(t)
	v := ts.visitor()
	for _, path := range []string{"/", "/editions", "/editions/" + summerSlug, applyPath(summerSlug), "/archive",
		"/status/lost", "/admin/login", "/no-such-page", "/privacy", "/accessibility"} {
		for _, lang := range []string{"en", "cs"} {
			_, body := v.get(t, path+"?lang="+lang)
			footer := footerOf(t, body)
			for _, want := range []string{`href="/privacy"`, `href="/accessibility"`, `href="mailto:` + testContact + `"`} {
				if !strings.Contains(footer, want) {
					t.Errorf("%s in %s: the footer lacks %s", path, lang, want)
				}
			}
		}
	}
}

func TestEmailsCarryTheContact(t *testing.T) {
	t.Parallel()
	ts, inbox := newMailingServer(t, "School <school@iom.test>", func(c *Config) {
		c.ApplyLimit, c.Contact, c.SchoolAddress = 10000, testContact, testAddress
	})
	applyToSummer(t, ts, "Amina", "Haddad", "amina@example.org")
	ts.runOutbox(t) // after applying: a sent receipt keeps no link to read
	receipt := waitForEmail(t, inbox, "amina@example.org", "")
	testkit.WantText(t, "the receipt's text", receipt.Text, testContact)
	testkit.WantText(t, "the receipt's HTML", receipt.HTML, `mailto:`+testContact)
}

func TestTheVisaLetterGivesTheSchoolsAddressAndContact(t *testing.T) {
	t.Parallel()
	ts := newTrustServer(t)
	e := documentEdition(t, ts, "visa-contact-2027")
	p := createParticipant(t, ts, e, "Žaneta", "Dvořáková", "cs", "UA", true, "DVORAKOVA ZANETA")
	setStatus(t, ts, e, p.app.ID, school.StatusAccepted)
	setStatus(t, ts, e, p.app.ID, school.StatusConfirmed)
	applicant := ts.visitor()
	issueLetter(t, applicant, p.status(), p.status()+"/visa-letter.pdf")
	text := pdfText(t, applicant, p.status()+"/visa-letter.pdf")
	testkit.WantText(t, "the letter", text, "Mezibranská 1579/4", "110 00 Praha 1", testContact,
		"do not hesitate to contact us at "+testContact)
}

func TestRecordOfProcessingForTheDataProtectionOfficer(t *testing.T) {
	t.Parallel()
	ts := newTrustServer(t)
	ctx := context.Background()
	summer, err := ts.store.PublicEdition(ctx, summerSlug)
	if err != nil {
		t.Fatal(err)
	}
	questions, err := ts.store.Questions(ctx, summer.ID)
	if err != nil || len(questions) == 0 {
		t.Fatalf("the summer school's questions: %v, %v", questions, err)
	}
	organiser := createUser(t, ts, "organiser@school.test", school.RoleOrganiser)
	reviewer := createUser(t, ts, "reviewer@school.test", school.RoleReviewer)
	for _, u := range []school.User{organiser, reviewer} {
		if err := ts.store.AssignStaff(ctx, u.ID, summer.ID); err != nil {
			t.Fatal(err)
		}
	}
	staff := signIn(t, ts, organiser.Email)
	page := "/admin/editions/" + strconv.FormatInt(summer.ID, 10) + "/processing"
	resp, body := staff.get(t, page+"?lang=en")
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "Record of processing activities", "Article 30", "IOM Prague", testContact,
		"Date of birth", "Nationality", "Dietary needs", "only of applicants offered a place", "Passport number", questions[0].LabelEN,
		"CV (PDF)", "List me in the public alumni directory", "Reviewers (1)", "Organisers (1)",
		"6 months after the edition ends", "No transfers", "argon2id")

	text := pdfText(t, staff, page+".pdf?lang=en")
	testkit.WantText(t, "the record's PDF", text, "Record of processing activities", "Date of birth",
		questions[0].LabelEN, "Reviewers (1)", "6 months after the edition ends", "No transfers")

	resp, body = signIn(t, ts, reviewer.Email).get(t, page)
	wantStatus(t, resp, body, http.StatusForbidden)
}

func TestLostLinkIsOfferedAndAWrongStatusLinkSaysSo(t *testing.T) {
	t.Parallel()
	ts := newTrustServer(t)
	v := ts.visitor()
	for _, path := range []string{"/", "/editions/" + summerSlug, "/editions/" + archiveSlug} {
		_, body := v.get(t, path+"?lang=en")
		if !strings.Contains(body, `href="/status/lost"`) {
			t.Errorf("%s does not link to /status/lost", path)
		}
	}
	for _, lang := range []string{"en", "cs"} {
		resp, body := v.get(t, "/status/"+strings.Repeat("x", 43)+"?lang="+lang)
		wantStatus(t, resp, body, http.StatusNotFound)
		main := testkit.MainText(t, body)
		if !strings.Contains(body, `href="/status/lost"`) || strings.Contains(main, "archive") || strings.Contains(main, "archiv") {
			t.Errorf("a wrong status link in %s: %s", lang, main)
		}
		want := map[string]string{"en": "This link to an application is not valid", "cs": "Tento odkaz na přihlášku není platný"}[lang]
		wantText(t, body, want)
	}
}

// An edition's contact goes into mailto: links in every footer, email and notice: an address with
// what a mailto: link reads as its own parts (?bcc=, #, %) would write to someone else as well.
func TestTheEditionsContactIsAPlainAddress(t *testing.T) {
	t.Parallel()
	ts := newTrustServer(t)
	ctx := context.Background()
	summer, err := ts.store.PublicEdition(ctx, summerSlug)
	if err != nil {
		t.Fatal(err)
	}
	organiser := createUser(t, ts, "organiser@school.test", school.RoleOrganiser)
	if err := ts.store.AssignStaff(ctx, organiser.ID, summer.ID); err != nil {
		t.Fatal(err)
	}
	staff := signIn(t, ts, organiser.Email)
	page := "/admin/editions/" + strconv.FormatInt(summer.ID, 10) + "/notice"
	for _, contact := range []string{"info@school.test?bcc=spy%40evil.test", "info?cc=spy%40evil.test@school.test",
		"info#x@school.test", "info@[127.0.0.1]"} {
		f := staff.openForm(t, page, page)
		resp, body := staff.submit(t, f, url.Values{"contact_email": {contact}})
		wantStatus(t, resp, body, http.StatusUnprocessableEntity)
		wantText(t, body, "Enter an email address")
	}
	if _, body := ts.visitor().get(t, "/editions/"+summerSlug); !strings.Contains(footerOf(t, body), "mailto:"+testContact) {
		t.Error("the edition's page does not keep the school's contact")
	}
	f := staff.openForm(t, page, page)
	resp, body := staff.submit(t, f, url.Values{"contact_email": {"o'brien+summer@school.test"}})
	wantStatus(t, resp, body, http.StatusSeeOther)
}

// The notice's placeholders take the edition's title as text: a title with what Markdown reads as
// marks or markup reads in the notice as it reads everywhere else.
func TestTheNoticeShowsATitleAsWritten(t *testing.T) {
	t.Parallel()
	ts := newTrustServer(t)
	e := createSelectionEdition(t, ts, "marks", 2)
	e.TitleEN = "Borders <and> *Mobility* [2027]_studies_"
	if _, err := ts.store.SaveEdition(t.Context(), db.EditionDraft{Edition: e, Actor: "test"}, ts.now()); err != nil {
		t.Fatal(err)
	}
	resp, body := ts.visitor().get(t, "/editions/marks/privacy?lang=en")
	wantStatus(t, resp, body, http.StatusOK)
	if text := wholeText(t, body); !strings.Contains(text, "apply to the Borders <and> *Mobility* [2027]_studies_,") {
		t.Errorf("the notice does not name the edition as written: %s", text)
	}
}

// An edition with a contact of its own gives it on every page an applicant of it reads: the form,
// the page after sending it, and each page behind the status link, not the school's.
func TestAnEditionsContactOnEveryPageOfItsApplicants(t *testing.T) {
	t.Parallel()
	ts := newTrustServer(t)
	ctx := context.Background()
	summer, err := ts.store.PublicEdition(ctx, summerSlug)
	if err != nil {
		t.Fatal(err)
	}
	const own = "summer.2027@iom.test"
	if _, err := ts.store.SavePrivacyNotice(ctx, school.PrivacyNotice{EditionID: summer.ID, Contact: own}, "test", ts.now()); err != nil {
		t.Fatal(err)
	}
	a := applyToSummer(t, ts, "Amina", "Haddad", "amina@example.org")
	status := "/status/" + ts.linkEmailedTo(t, a.Email)
	for _, path := range []string{applyPath(summerSlug), "/editions/" + summerSlug + "/apply/sent", status,
		status + "/withdraw", status + "/decline"} {
		resp, body := ts.visitor().get(t, path+"?lang=en")
		wantStatus(t, resp, body, http.StatusOK)
		if footer := footerOf(t, body); !strings.Contains(footer, "mailto:"+own) {
			t.Errorf("%s: the footer does not give the edition's contact", path)
		}
	}
}

// The notice's version names the wording applicants read, and the edition fills that wording in:
// a change of the retention period, of blind review or of the contact makes a new version, so a
// consent given before names the wording as it was then.
func TestANoticeFilledInDifferentlyIsANewVersion(t *testing.T) {
	t.Parallel()
	ts := newTrustServer(t)
	ctx := context.Background()
	e := createSelectionEdition(t, ts, "versions", 2)
	version := func() string {
		t.Helper()
		_, body := ts.visitor().get(t, "/editions/versions/privacy?lang=en")
		text := wholeText(t, body)
		i := strings.Index(text, "Version ")
		if i < 0 {
			t.Fatalf("the notice names no version: %s", text)
		}
		return strings.Fields(text[i:])[1]
	}
	seen := map[string]string{version(): "the default"}
	for what, change := range map[string]func(){
		"the retention period": func() { e.RetentionMonths = 36 },
		"blind review":         func() { e.BlindReview = true },
		"the contact":          nil,
	} {
		if change != nil {
			change()
			if _, err := ts.store.SaveEdition(ctx, db.EditionDraft{Edition: e, Actor: "test"}, ts.now()); err != nil {
				t.Fatal(err)
			}
		} else if _, err := ts.store.SavePrivacyNotice(ctx, school.PrivacyNotice{EditionID: e.ID, Contact: "versions@iom.test"}, "test", ts.now()); err != nil {
			t.Fatal(err)
		}
		v := version()
		if before, ok := seen[v]; ok {
			t.Errorf("after a change of %s the notice is still version %s, as with %s", what, v, before)
		}
		seen[v] = what
	}
	// A save that leaves the notice as it reads keeps its version.
	before := version()
	e.FeeCents = 1000
	if _, err := ts.store.SaveEdition(ctx, db.EditionDraft{Edition: e, Actor: "test"}, ts.now()); err != nil {
		t.Fatal(err)
	}
	if after := version(); after != before {
		t.Errorf("a change of the fee made version %s of %s", after, before)
	}
}

// TestLimitsReadAsNumbersInTheReadersLanguage: a Czech organiser told the notice is too long
// reads the limit as Czech writes it, "40 000", not "40000".
func TestLimitsReadAsNumbersInTheReadersLanguage(t *testing.T) {
	t.Parallel()
	ts := newTrustServer(t)
	summer, err := ts.store.PublicEdition(t.Context(), summerSlug)
	if err != nil {
		t.Fatal(err)
	}
	organiser := createUser(t, ts, "limits@school.test", school.RoleOrganiser)
	if err := ts.store.AssignStaff(t.Context(), organiser.ID, summer.ID); err != nil {
		t.Fatal(err)
	}
	staff := signIn(t, ts, organiser.Email)
	page := "/admin/editions/" + strconv.FormatInt(summer.ID, 10) + "/notice"
	for lang, want := range map[string]string{"cs": "40\u00a0000", "en": "40,000"} {
		f := staff.openForm(t, page+"?lang="+lang, page)
		resp, body := staff.submit(t, f, url.Values{"notice_cs": {strings.Repeat("a", 40001)}})
		wantStatus(t, resp, body, http.StatusUnprocessableEntity)
		if !strings.Contains(html.UnescapeString(body), want) {
			main := testkit.MainText(t, body)
			t.Errorf("%s: the limit does not read %q: %s", lang, want, main[max(0, len(main)-200):])
		}
	}
}
