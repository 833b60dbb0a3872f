package app

import (
	"context"
	"html/template"
	"io/fs"
	"strings"

	"github.com/gofiber/fiber/v2"

	"registrar/app/i18n"
	"registrar/app/school"
	"registrar/views"
)

// The public notices: the school's privacy notice, each edition's (its own text or the default,
// with the edition's retention period and contact), and the accessibility statement. Their
// default texts are Markdown in views/notices, NAME.LANG.md, with placeholders in single braces.

type noticePage struct {
	Heading string
	Edition *school.Edition // nil on the school's notice
	Version string          // the privacy notice's version
	Body    template.HTML
	Others  []school.Edition // on the school's notice: the editions taking applications
}

// defaultNotice is the default text of a notice in lang.
func defaultNotice(name, lang string) (string, error) {
	b, err := fs.ReadFile(views.FS, "notices/"+name+"."+lang+".md")
	return string(b), err
}

// noticeValues are the values of a privacy notice's placeholders for edition e, or for the
// school when e is nil.
func (s *Server) noticeValues(L *i18n.Translator, e *school.Edition, contact string) map[string]string {
	v := map[string]string{"school_address": school.EscapeMarkdown(s.cfg.SchoolAddressIn(L.Lang)),
		"contact": mailtoMarkdown(contact)}
	if e == nil {
		v["event"] = L.T("notice_any_event")
		v["retention"] = L.T("notice_retention_any", "Months", L.N("privacy_months", school.DefaultRetentionMonths))
		v["reviewers"] = L.T("notice_reviewers_any")
		return v
	}
	months := e.RetentionMonths
	if months <= 0 {
		months = school.DefaultRetentionMonths
	}
	v["event"] = L.T("notice_event", "Title", school.EscapeMarkdown(e.Title(L.Lang)))
	v["retention"] = L.T("notice_retention", "Months", L.N("privacy_months", months))
	v["reviewers"] = L.T("notice_reviewers")
	if hidden := blindHiddenList(L, *e); e.BlindReview && hidden != "" {
		v["reviewers"] = L.T("notice_reviewers_blind", "Hidden", hidden)
	}
	return v
}

// editionNoticeText is edition e's privacy notice in L's language as applicants read it: its own
// text or the default, its placeholders filled.
func (s *Server) editionNoticeText(L *i18n.Translator, e school.Edition, n school.PrivacyNotice) (string, error) {
	text := n.Text(L.Lang)
	if text == "" {
		var err error
		if text, err = defaultNotice("privacy", L.Lang); err != nil {
			return "", err
		}
	}
	return school.FillNotice(text, s.noticeValues(L, &e, s.emails.Contact(n))), nil
}

// showSchoolPrivacy is the school's privacy notice, which links each open call's own.
func (s *Server) showSchoolPrivacy(c *fiber.Ctx) error {
	L := s.i18n.Translator(langOf(c))
	text, err := defaultNotice("privacy", L.Lang)
	if err != nil {
		return err
	}
	open, err := s.store.OpenCalls(c.UserContext(), s.now())
	if err != nil {
		return err
	}
	data := noticePage{Heading: L.T("notice_privacy_title"), Version: school.DefaultNoticeVersion, Others: open,
		Body: s.markdown.render(school.FillNotice(text, s.noticeValues(L, nil, s.cfg.Contact)))}
	p := s.newPage(c, data.Heading, "", data)
	p.Description = L.T("meta_privacy")
	return s.renderPage(c, "catalogue/notice", p)
}

// showEditionPrivacy is an edition's privacy notice, which its application form links.
func (s *Server) showEditionPrivacy(c *fiber.Ctx) error {
	ctx := c.UserContext()
	e, err := s.store.PublicEdition(ctx, c.Params("slug"))
	if err != nil {
		return err
	}
	n, err := s.store.PrivacyNotice(ctx, e.ID)
	if err != nil {
		return err
	}
	L := s.i18n.Translator(langOf(c))
	text, err := s.editionNoticeText(L, e, n)
	if err != nil {
		return err
	}
	data := noticePage{Heading: L.T("notice_privacy_title"), Edition: &e, Version: n.Version(),
		Body: s.markdown.render(text)}
	p := s.newPage(c, data.Heading+" · "+e.Title(L.Lang), "editions", data)
	p.Contact = s.emails.Contact(n)
	p.Description = L.T("meta_edition_privacy", "Edition", e.Title(L.Lang))
	return s.renderPage(c, "catalogue/notice", p)
}

// showAccessibility is the accessibility statement.
func (s *Server) showAccessibility(c *fiber.Ctx) error {
	L := s.i18n.Translator(langOf(c))
	text, err := defaultNotice("accessibility", L.Lang)
	if err != nil {
		return err
	}
	data := noticePage{Heading: L.T("notice_accessibility_title"),
		Body: s.markdown.render(school.FillNotice(text, map[string]string{"contact": mailtoMarkdown(s.cfg.Contact)}))}
	p := s.newPage(c, data.Heading, "", data)
	p.Description = L.T("meta_accessibility")
	return s.renderPage(c, "catalogue/notice", p)
}

// mailtoMarkdown is an email address as a Markdown link that writes to it.
func mailtoMarkdown(address string) string {
	return "[" + address + "](mailto:" + address + ")"
}

// editionContact is the address an edition's applicants write to: its own, or the school's.
func (s *Server) editionContact(ctx context.Context, editionID int64) (string, error) {
	n, err := s.store.PrivacyNotice(ctx, editionID)
	return s.emails.Contact(n), err
}

// blindHiddenList names, for a privacy notice, the details blind review hides from reviewers of
// e: "your name, email … or the names of your files".
func blindHiddenList(L *i18n.Translator, e school.Edition) string {
	var names []string
	for _, f := range school.IdentifyingFields {
		if !school.VisibilityFor(e, school.RoleReviewer).Visible(f) {
			names = append(names, L.T("blind_notice_"+string(f)))
		}
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + L.T("blind_notice_last") + names[len(names)-1]
}
