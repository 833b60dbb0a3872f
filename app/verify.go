package app

import (
	"context"
	"errors"

	"github.com/gofiber/fiber/v2"

	"registrar/app/school"
	"registrar/db"
)

// /verify checks a letter's or a certificate's code for whoever holds the paper: a consulate, an
// employer. It shows the holder's name, the kind of document, the edition and the date issued,
// and for a visa letter the name as in the passport, which a consul compares with the passport;
// nothing more, never the passport number: the code is printed on paper that passes through many
// hands, and the consul reads the number in the passport itself. The route is rate-limited so
// codes cannot be tried in bulk.

type verifyPage struct {
	Code     string // as typed
	Searched bool
	Found    bool
	Holder   string
	// PassportName is the name as in the passport a visa letter prints; "" for a certificate, a
	// replaced letter (its name may since have been corrected) or once the details are erased.
	PassportName string
	// NumberWithheld: the letter prints a passport number, which the page does not show.
	NumberWithheld bool
	Kind           school.DocumentKind
	Edition        string
	Issued         string
	Revoked        string // the day a visa letter was withdrawn, empty while it is valid
	Replaced       string // the day a corrected letter replaced it, empty unless one did
}

// showVerify shows the form; a code typed into it goes to its own address.
func (s *Server) showVerify(c *fiber.Ctx) error {
	typed := c.Query("code")
	if typed == "" {
		L := s.i18n.Translator(langOf(c))
		return s.renderPage(c, "verify/verify", s.newPage(c, L.T("verify_title"), "", verifyPage{}))
	}
	code, ok := school.ParseCode(typed)
	if !ok {
		return s.renderNotVerified(c, typed)
	}
	return c.Redirect("/verify/"+school.FormatCode(code), fiber.StatusSeeOther)
}

// verifyDocument shows what a code certifies, or says that no document has it.
func (s *Server) verifyDocument(c *fiber.Ctx) error {
	typed := c.Params("code")
	code, ok := school.ParseCode(typed)
	if !ok {
		return s.renderNotVerified(c, typed)
	}
	d, err := s.store.DocumentByCode(c.UserContext(), code)
	if errors.Is(err, db.ErrNotFound) {
		return s.renderNotVerified(c, typed)
	}
	if err != nil {
		return err
	}
	L := s.i18n.Translator(langOf(c))
	edition := school.Edition{TitleEN: d.EditionTitleEN, TitleCS: d.EditionTitleCS}
	data := verifyPage{Code: school.FormatCode(d.Code), Searched: true, Found: true, Holder: d.HolderName,
		Kind: d.Kind, Edition: edition.Title(L.Lang), Issued: L.Date(pragueDay(d.IssuedAt))}
	if data.PassportName, data.NumberWithheld, err = s.passportOnVerifiedLetter(c.UserContext(), d); err != nil {
		return err
	}
	heading := L.T("verify_found_heading")
	switch {
	case !d.ReplacedAt.IsZero():
		data.Replaced, heading = L.Date(pragueDay(d.ReplacedAt)), L.T("verify_replaced_heading")
	case !d.RevokedAt.IsZero():
		data.Revoked, heading = L.Date(pragueDay(d.RevokedAt)), L.T("verify_revoked_heading")
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return s.renderPage(c, "verify/verify", s.newPage(c, heading, "", data))
}

func (s *Server) renderNotVerified(c *fiber.Ctx, typed string) error {
	L := s.i18n.Translator(langOf(c))
	data := verifyPage{Code: typed, Searched: true}
	return s.renderStatus(c, fiber.StatusNotFound, "verify/verify", s.newPage(c, L.T("verify_not_found_heading"), "", data))
}

// passportOnVerifiedLetter is the name as in the passport that the visa letter d prints, drawn
// as the letter draws it from the application as it stands, and whether the letter prints a
// passport number; "" for a certificate, for a replaced letter, whose name the current answers may
// no longer give, and once the application or its passport details are erased.
func (s *Server) passportOnVerifiedLetter(ctx context.Context, d db.IssuedDocument) (string, bool, error) {
	if d.Kind != school.DocumentVisaLetter || !d.ReplacedAt.IsZero() || d.ApplicationID == 0 {
		return "", false, nil
	}
	a, err := s.store.Application(ctx, d.ApplicationID)
	if errors.Is(err, db.ErrNotFound) || (err == nil && a.Erased()) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	passport, given, err := s.passportForLetter(ctx, a)
	if err != nil || !given {
		return "", false, err
	}
	return a.NameOnLetter(passport), passport.Number != "", nil
}
