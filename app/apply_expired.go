package app

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"registrar/db"
)

// A form whose page expired: an applicant who filled the form on a slow link, or sent it while
// offline and came back a day later, sends it with a CSRF token that is gone. The check refuses
// it as before, and nothing it carries is stored; but rather than a page saying that it expired,
// the answer is the form as it was typed, with a fresh token and a word to send it again. The
// browser's script (public/js/form_keep.js) takes the fresh token from that answer and sends
// the form once more by itself; without JavaScript the applicant presses the button again.

// localsPageExpired marks a request that the CSRF check refused because its token, one of
// ours, is gone (expired, or its cookie dropped), not because it had none or came from elsewhere.
const localsPageExpired = "pageExpired"

// sendAgainWhenExpired answers a form of this site refused for its expired token with again,
// after giving the request a fresh token; any other refusal stays as it was. A form that another
// site's page sent is never shown back: that page could fill this site's form for the visitor.
func (s *Server) sendAgainWhenExpired(again fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		err := c.Next()
		if expired, _ := c.Locals(localsPageExpired).(bool); !expired || !fromThisSite(c) {
			return err
		}
		if err := s.renewFormToken(c); err != nil {
			return err
		}
		return again(c)
	}
}

// fromThisSite says whether the browser says a request came from one of this site's pages: by
// Sec-Fetch-Site, or else by the Origin or Referer it sent. A browser saying nothing is not
// believed.
func fromThisSite(c *fiber.Ctx) bool {
	if site := c.Get("Sec-Fetch-Site"); site != "" {
		return site == "same-origin"
	}
	for _, header := range []string{fiber.HeaderOrigin, fiber.HeaderReferer} {
		if from := c.Get(header); from != "" {
			u, err := url.Parse(from)
			return err == nil && u.Scheme == c.Protocol() && u.Host == c.Hostname()
		}
	}
	return false
}

// applyFormAgain gives back the edition's form sent after its page expired, or the draft form
// saved so ("Save and continue later").
func (s *Server) applyFormAgain(c *fiber.Ctx) error {
	fe, err := s.formEdition(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	return s.formAgain(c, fe, nil)
}

// draftFormAgain gives back a draft's form sent or saved after its page expired, under the
// draft's link.
func (s *Server) draftFormAgain(c *fiber.Ctx) error {
	d, fe, ok, err := s.draftOf(c)
	if !ok {
		return err
	}
	c.Locals(localsDraftLink, c.Params("token"))
	return s.formAgain(c, fe, &d)
}

// formAgain renders the form as it was sent, saying that nothing was stored and to send it
// again. Its files were not kept (a refused form stores nothing); those kept from an earlier
// try of the form, and a draft's, stay with it.
func (s *Server) formAgain(c *fiber.Ctx, fe formEdition, d *db.Draft) error {
	e, questions := fe.edition, fe.questions
	L := s.i18n.Translator(langOf(c))
	if !e.AcceptsSubmission(s.signedTime(c.FormValue("opened_at")), s.now()) {
		return s.renderWindowClosed(c, e, L)
	}
	var ignored formErrors // shown as typed; sent again, the form is checked as always
	f := parseApplyForm(c, questions, &ignored)
	formReferees(c, fe, &f, L, &ignored)
	files := map[string]receivedFile{}
	for _, name := range fileFields(e, questions) {
		if claim := c.FormValue(name + "_claim"); claim != "" {
			if up, err := s.store.UploadByClaim(c.UserContext(), claim); err == nil {
				files[name] = receivedFile{Upload: up, Claim: claim}
			}
		}
	}
	if d != nil {
		files = s.withDraftFiles(files, *d)
	}
	said := "apply_page_expired"
	if len(files) > 0 && len(files) == len(fileFields(e, questions)) {
		said = "apply_page_expired_files_kept" // no file to choose again
	}
	c.Locals(localsNotStored, L.N(said, int(csrfLifetime.Hours())))
	return s.renderApplyForm(c, fiber.StatusForbidden, e, questions, f, formErrors{}, files,
		c.FormValue("opened_at"), false)
}
