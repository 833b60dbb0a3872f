package app

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"registrar/app/files"
	"registrar/app/i18n"
	"registrar/app/letters"
	"registrar/app/school"
	"registrar/db"
)

// Participants' documents: the visa invitation letter (in English, for consulates) and the
// certificate of attendance (in the participant's language). Each carries a verification code
// that /verify checks. A document is issued once, with its code, holder and date; it is drawn
// anew on each download from the application as it stands.

// drawDocument draws an issued document of the application to the edition, with the edition's
// contact (its notice's, or the school's). The holder's name is the one stored when it was
// issued, the name /verify shows.
func (s *Server) drawDocument(e school.Edition, notice school.PrivacyNotice, a school.Application,
	d db.IssuedDocument, passport school.Passport) ([]byte, error) {
	lang := a.Lang
	if d.Kind == school.DocumentVisaLetter {
		lang = "en"
	}
	L := s.i18n.Translator(lang)
	issuedOn := L.Date(pragueDay(d.IssuedAt))
	code := school.FormatCode(d.Code)
	place := e.Place(lang)
	contact := s.emails.Contact(notice)
	doc := letters.Document{Lang: lang, School: L.T("site_name"), Organisation: L.T("letter_organisation"),
		Date: L.T("letter_place_date", "Date", issuedOn), SignatoryName: e.SignatoryName, SignatoryTitle: e.SignatoryTitle,
		Verification: L.T("document_verification", "Code", code, "URL", s.cfg.BaseURL+"/verify/"+code),
		Issued:       d.IssuedAt}
	doc.Address = L.T("letter_school_contact", "Address", s.cfg.SchoolAddressIn(lang), "Contact", contact)
	switch d.Kind {
	case school.DocumentVisaLetter:
		doc.Layout, doc.Title, doc.Closing = letters.Letter, L.T("letter_title"), L.T("letter_closing")
		a.PassportName = a.NameOnLetter(passport)
		holder := []string{L.T("letter_holder_name", "Name", d.HolderName),
			L.T("letter_holder_passport", "Name", a.NameOnPassport())}
		if passport.Number != "" {
			holder = append(holder, L.T("letter_holder_passport_number", "Number", passport.Number))
		}
		holder = append(holder, L.T("letter_holder_nationality", "Country", s.countries.name(lang, a.Nationality)))
		if !a.DateOfBirth.IsZero() {
			holder = append(holder, L.T("letter_holder_born", "Date", L.Date(a.DateOfBirth)))
		}
		holder = append(holder, L.T("letter_holder_reference", "Reference", a.Reference))
		selected := "letter_confirmed"
		if a.Status == school.StatusAccepted {
			selected = "letter_offered"
		}
		doc.Blocks = []letters.Block{
			{Text: L.T("letter_to_whom")},
			{Text: strings.Join(holder, "\n"), Bold: true},
			{Text: L.T("letter_invitation", "Name", a.NameOnPassport(), "Edition", e.Title(lang),
				"Dates", L.DateRange(e.StartsOn, e.EndsOn), "Place", place) + " " +
				L.T(selected, "Name", a.NameOnPassport())},
			{Text: L.T("letter_purpose")},
			{Text: L.T("letter_request", "Name", a.NameOnPassport(), "Contact", contact)},
		}
	case school.DocumentCertificate:
		doc.Layout, doc.Title = letters.Certificate, L.T("certificate_title")
		doc.Blocks = []letters.Block{
			{Text: L.T("certificate_certify")},
			{Text: d.HolderName, Bold: true, Large: true},
			{Text: L.T("certificate_attended")},
			{Text: e.Title(lang), Bold: true},
			{Text: joinNonEmpty(", ", L.DateRange(e.StartsOn, e.EndsOn), place)},
		}
		if e.Hours > 0 {
			doc.Blocks = append(doc.Blocks, letters.Block{Text: L.N("certificate_hours", e.Hours)})
		}
	}
	return letters.Draw(doc)
}

// pragueDay is the calendar day in Prague of an instant, as a date (midnight UTC).
func pragueDay(at time.Time) time.Time {
	local := at.In(school.Prague)
	return time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, time.UTC)
}

func joinNonEmpty(sep string, parts ...string) string {
	var kept []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, sep)
}

// sendLetter sends a drawn document as a PDF download named after the application.
func (s *Server) sendLetter(c *fiber.Ctx, e school.Edition, a school.Application, d db.IssuedDocument) error {
	notice, err := s.store.PrivacyNotice(c.UserContext(), e.ID)
	if err != nil {
		return err
	}
	passport, _, err := s.passportForLetter(c.UserContext(), a)
	if err != nil {
		return err
	}
	pdf, err := s.drawDocument(e, notice, a, d, passport)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	fileHeaders(c, files.PDF, strings.ToLower(a.Reference)+"-"+strings.ReplaceAll(string(d.Kind), "_", "-")+".pdf", false)
	return c.Send(pdf)
}

// issuedFor is the document of kind the application has, where it may have one. A visa letter
// is made by a form (issueLetter), a certificate by the organisers' "Issue certificates": never
// by following a link.
func (s *Server) issuedFor(ctx context.Context, a school.Application, kind school.DocumentKind, byApplicant bool) (db.IssuedDocument, error) {
	allowed := school.CertificateAllowed(a)
	if kind == school.DocumentVisaLetter {
		ready, err := s.visaLetterReady(ctx, a, byApplicant)
		if err != nil {
			return db.IssuedDocument{}, err
		}
		allowed = ready
	}
	if !allowed {
		return db.IssuedDocument{}, db.ErrNotFound
	}
	return s.store.IssuedDocument(ctx, a.ID, kind)
}

// downloadOwnDocument gives the applicant their visa letter or certificate, from the status
// page. A letter not made yet sends them to the page's button that makes it.
func (s *Server) downloadOwnDocument(kind school.DocumentKind) fiber.Handler {
	return func(c *fiber.Ctx) error {
		a, e, _, err := s.applicantApplication(c)
		if err != nil {
			return err
		}
		d, err := s.issuedFor(c.UserContext(), a, kind, true)
		if errors.Is(err, db.ErrNotFound) && kind == school.DocumentVisaLetter && school.VisaLetterAllowed(a, true) {
			return c.Redirect("/status/"+c.Params("token")+"#letters", fiber.StatusSeeOther)
		}
		if err != nil {
			return err
		}
		return s.sendLetter(c, e, a, d)
	}
}

// issueOwnLetter makes the applicant's visa letter, once, and leads to its download.
func (s *Server) issueOwnLetter(c *fiber.Ctx) error {
	a, _, _, err := s.applicantApplication(c)
	if err != nil {
		return err
	}
	if ready, err := s.visaLetterReady(c.UserContext(), a, true); err != nil || !ready {
		return errors.Join(err, db.ErrNotFound)
	}
	if _, err := s.store.IssueDocument(c.UserContext(), a, school.DocumentVisaLetter, db.ActorApplicant, s.now()); err != nil {
		return err
	}
	return c.Redirect("/status/"+c.Params("token")+"/visa-letter.pdf", fiber.StatusSeeOther)
}

// downloadStaffLetter gives organisers an application's visa letter or certificate, once made;
// a letter not made yet sends them to the application's page, whose button makes it.
func (s *Server) downloadStaffLetter(kind school.DocumentKind) fiber.Handler {
	return func(c *fiber.Ctx) error {
		a, e, err := s.staffApplication(c)
		if err != nil {
			return err
		}
		d, err := s.issuedFor(c.UserContext(), a, kind, false)
		if errors.Is(err, db.ErrNotFound) && kind == school.DocumentVisaLetter && school.VisaLetterAllowed(a, false) {
			return c.Redirect("/admin/applications/"+strconv.FormatInt(a.ID, 10)+"#documents", fiber.StatusSeeOther)
		}
		if err != nil {
			return err
		}
		return s.sendLetter(c, e, a, d)
	}
}

// issueStaffLetter makes an application's visa letter (from the offer on), once, and leads to
// its download.
func (s *Server) issueStaffLetter(c *fiber.Ctx) error {
	a, _, err := s.staffApplication(c)
	if err != nil {
		return err
	}
	if ready, err := s.visaLetterReady(c.UserContext(), a, false); err != nil || !ready {
		return errors.Join(err, db.ErrNotFound)
	}
	if _, err := s.store.IssueDocument(c.UserContext(), a, school.DocumentVisaLetter, userActor(currentUser(c)), s.now()); err != nil {
		return err
	}
	return c.Redirect("/admin/applications/"+strconv.FormatInt(a.ID, 10)+"/visa-letter.pdf", fiber.StatusSeeOther)
}

// documentLinks are the documents an application has, or may have at once (a button makes those), for its status page
// (base /status/<token>) or its back-office page (base /admin/applications/<id>).
func (s *Server) documentLinks(ctx context.Context, L *i18n.Translator, a school.Application, base string,
	byApplicant bool) ([]fileLink, error) {
	var links []fileLink
	ready, err := s.visaLetterReady(ctx, a, byApplicant)
	if err != nil {
		return nil, err
	}
	if ready {
		link := fileLink{Label: L.T("document_visa_letter"), URL: base + "/visa-letter.pdf"}
		switch _, err := s.store.IssuedDocument(ctx, a.ID, school.DocumentVisaLetter); {
		case errors.Is(err, db.ErrNotFound):
			link.Label, link.Make = L.T("document_visa_letter_make"), true
		case err != nil:
			return nil, err
		}
		links = append(links, link)
	}
	if school.CertificateAllowed(a) {
		switch _, err := s.store.IssuedDocument(ctx, a.ID, school.DocumentCertificate); {
		case err == nil:
			links = append(links, fileLink{Label: L.T("document_certificate"), URL: base + "/certificate.pdf"})
		case !errors.Is(err, db.ErrNotFound):
			return nil, err
		}
	}
	return links, nil
}

// issueCertificates issues certificates to the edition's participants who attended and have
// none yet, and queues an email telling each one.
func (s *Server) issueCertificates(c *fiber.Ctx) error {
	e, err := s.pathEdition(c)
	if err != nil {
		return err
	}
	render, err := s.emails.Renderer(c.UserContext(), e)
	if err != nil {
		return err
	}
	n, err := s.store.IssueCertificates(c.UserContext(), e.ID, userActor(currentUser(c)), s.now(), render)
	if err != nil {
		return err
	}
	s.outbox.Wake()
	return c.Redirect("/admin/editions/"+strconv.FormatInt(e.ID, 10)+"?issued="+strconv.Itoa(n)+"#certificates",
		fiber.StatusSeeOther)
}
