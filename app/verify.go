package app

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"registrar/app/school"
	"registrar/db"
)

// /verify checks a letter's or a certificate's code for whoever holds the paper: a consulate, an
// employer. It shows the holder's name, the kind of document, the edition and the date issued,
// nothing more; the route is rate-limited so codes cannot be tried in bulk.

type verifyPage struct {
	Code     string // as typed
	Searched bool
	Found    bool
	Holder   string
	Kind     school.DocumentKind
	Edition  string
	Issued   string
	Revoked  string // the day a visa letter was withdrawn, empty while it is valid
	Replaced string // the day a corrected letter replaced it, empty unless one did
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
