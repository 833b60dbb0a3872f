package app

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"registrar/app/i18n"
	appmail "registrar/app/mail"
	"registrar/app/school"
)

// The editor of an edition's privacy notice and contact address: organisers of the edition.

// noticeMax bounds a notice's text in each language.
const noticeMax = 40000

type noticeEditorPage struct {
	User       school.User
	Edition    school.Edition
	TextEN     string
	TextCS     string
	Contact    string
	School     string // the school's contact, given when the edition has none
	Version    string
	Saved      bool
	ErrEN      string
	ErrCS      string
	ErrContact string
}

func noticePath(e school.Edition) string {
	return "/admin/editions/" + strconv.FormatInt(e.ID, 10) + "/notice"
}

// showNoticeEditor shows the edition's notice in both languages, the default where it has none
// of its own, ready to edit.
func (s *Server) showNoticeEditor(c *fiber.Ctx) error {
	e, err := s.pathEdition(c)
	if err != nil {
		return err
	}
	n, err := s.store.PrivacyNotice(c.UserContext(), e.ID)
	if err != nil {
		return err
	}
	data := noticeEditorPage{User: currentUser(c), Edition: e, Contact: n.Contact, School: s.cfg.Contact,
		Version: n.Version(), Saved: c.Query("done") == "saved"}
	if data.TextEN, err = orDefaultNotice(n.TextEN, "en"); err != nil {
		return err
	}
	if data.TextCS, err = orDefaultNotice(n.TextCS, "cs"); err != nil {
		return err
	}
	return s.renderNoticeEditor(c, fiber.StatusOK, data)
}

func (s *Server) renderNoticeEditor(c *fiber.Ctx, status int, data noticeEditorPage) error {
	L := s.i18n.Translator(langOf(c))
	return s.renderStatus(c, status, "admin/notice", s.newPage(c, L.T("notice_editor_title"), "admin", data))
}

func orDefaultNotice(own, lang string) (string, error) {
	if own != "" {
		return own, nil
	}
	return defaultNotice("privacy", lang)
}

// saveNotice stores the edition's notice texts and contact. A text left as the default is stored
// as none, so the edition keeps following the default.
func (s *Server) saveNotice(c *fiber.Ctx) error {
	e, err := s.pathEdition(c)
	if err != nil {
		return err
	}
	L := s.i18n.Translator(langOf(c))
	data := noticeEditorPage{User: currentUser(c), Edition: e, School: s.cfg.Contact,
		TextEN:  appmail.NormaliseText(c.FormValue("notice_en")),
		TextCS:  appmail.NormaliseText(c.FormValue("notice_cs")),
		Contact: strings.TrimSpace(c.FormValue("contact_email"))}
	data.ErrEN, data.ErrCS = noticeTextError(L, data.TextEN), noticeTextError(L, data.TextCS)
	if data.Contact != "" && !school.ValidContact(data.Contact) {
		data.ErrContact = L.T("notice_editor_bad_contact")
	}
	if data.ErrEN != "" || data.ErrCS != "" || data.ErrContact != "" {
		n, err := s.store.PrivacyNotice(c.UserContext(), e.ID)
		if err != nil {
			return err
		}
		data.Version = n.Version()
		return s.renderNoticeEditor(c, fiber.StatusUnprocessableEntity, data)
	}
	n := school.PrivacyNotice{EditionID: e.ID, Contact: data.Contact}
	if n.TextEN, err = ownNotice(data.TextEN, "en"); err != nil {
		return err
	}
	if n.TextCS, err = ownNotice(data.TextCS, "cs"); err != nil {
		return err
	}
	if _, err := s.store.SavePrivacyNotice(c.UserContext(), n, userActor(currentUser(c)), s.now()); err != nil {
		return err
	}
	return c.Redirect(noticePath(e)+"?done=saved", fiber.StatusSeeOther)
}

// noticeTextError says what is wrong with a notice's text, or "".
func noticeTextError(L *i18n.Translator, text string) string {
	if utf8.RuneCountInString(text) > noticeMax {
		return L.T("notice_editor_too_long", "Max", L.Number(noticeMax))
	}
	return ""
}

// ownNotice is the text to store for a notice as typed: none when it is empty or the default.
func ownNotice(text, lang string) (string, error) {
	def, err := defaultNotice("privacy", lang)
	if err != nil || text == appmail.NormaliseText(def) {
		return "", err
	}
	return text, nil
}
