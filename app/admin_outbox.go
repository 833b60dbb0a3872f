package app

import (
	"slices"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"registrar/app/school"
	"registrar/db"
)

type outboxPage struct {
	User     school.User
	Status   string
	Statuses []string
	Counts   map[string]int
	Messages []db.OutboxMessage
	// Queued says how many emails a bulk send just queued, after one.
	Queued string
}

var outboxStatuses = []string{"queued", "sent", "failed"}

// showOutbox lists emails: what is queued, sent and failed, with the last error.
func (s *Server) showOutbox(c *fiber.Ctx) error {
	status := c.Query("status")
	if !slices.Contains(outboxStatuses, status) {
		status = ""
	}
	scope, err := s.emailScope(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	msgs, err := s.store.OutboxMessages(ctx, db.OutboxFilter{Status: status, Scope: scope})
	if err != nil {
		return err
	}
	counts, err := s.store.OutboxCounts(ctx, scope)
	if err != nil {
		return err
	}
	L := s.i18n.Translator(langOf(c))
	data := outboxPage{User: currentUser(c), Status: status, Statuses: outboxStatuses, Counts: counts, Messages: msgs}
	if q := c.Query("queued"); q != "" {
		if n, err := strconv.Atoi(q); err == nil && n > 0 {
			data.Queued = L.N("outbox_notice_queued", n)
		} else {
			data.Queued = L.T("outbox_notice_none_queued")
		}
	}
	return s.renderPage(c, "admin/outbox", s.newPage(c, L.T("outbox_title"), "admin", data))
}

// emailScope is the part of the outbox the user may see: the emails about applications of the
// editions they run; every email for an administrator.
func (s *Server) emailScope(c *fiber.Ctx) (db.EmailScope, error) {
	if currentUser(c).Role == school.RoleAdmin {
		return db.EmailScope{All: true}, nil
	}
	scope, err := s.editionScope(c)
	return db.EmailScope{Editions: scope}, err
}

type outboxEmailPage struct {
	User    school.User
	Message db.OutboxMessage
	Text    string // the text part as staff may see it (db.OutboxMessage.Shown)
	HasHTML bool
	// Reference is the application the email is about, if any.
	Reference string
}

// outboxEmail is the email of the path, if the user may see it.
func (s *Server) outboxEmail(c *fiber.Ctx) (db.OutboxMessage, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return db.OutboxMessage{}, db.ErrNotFound
	}
	scope, err := s.emailScope(c)
	if err != nil {
		return db.OutboxMessage{}, err
	}
	return s.store.OutboxMessage(c.UserContext(), id, scope)
}

// showEmail opens one email of the outbox as it went, or will go: its headers, its text, and its
// HTML in a frame that runs nothing (emailFrame). The status link's secret is left out.
func (s *Server) showEmail(c *fiber.Ctx) error {
	m, err := s.outboxEmail(c)
	if err != nil {
		return err
	}
	text, html := m.Shown()
	data := outboxEmailPage{User: currentUser(c), Message: m, Text: text, HasHTML: html != ""}
	if m.ApplicationID != 0 {
		a, err := s.store.Application(c.UserContext(), m.ApplicationID)
		if err != nil {
			return err
		}
		data.Reference = a.Reference
	}
	L := s.i18n.Translator(langOf(c))
	return s.renderPage(c, "admin/outbox_email", s.newPage(c, L.T("outbox_email_title", "Subject", m.Subject), "admin", data))
}

// showEmailHTML is the HTML part of an outbox email, for the frame of showEmail.
func (s *Server) showEmailHTML(c *fiber.Ctx) error {
	m, err := s.outboxEmail(c)
	if err != nil {
		return err
	}
	_, html := m.Shown()
	if html == "" {
		return db.ErrNotFound
	}
	return sendEmailFrame(c, html)
}

// emailFramePolicy lets an email's HTML show its inline styles and data: images and nothing
// else: no script runs, nothing is fetched, no form is sent, and only our own pages may frame it.
// The frame's empty sandbox also takes its origin away.
const emailFramePolicy = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; " +
	"frame-ancestors 'self'; form-action 'none'; base-uri 'none'"

// sendEmailFrame answers with an email's HTML, to be shown in a sandboxed frame: the HTML holds
// what applicants typed, escaped when rendered, and this policy is the second wall.
func sendEmailFrame(c *fiber.Ctx, html string) error {
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderContentSecurityPolicy, emailFramePolicy)
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderXFrameOptions, "SAMEORIGIN")
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.SendString(html)
}

// retryEmail sends a failed email again.
func (s *Server) retryEmail(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return db.ErrNotFound
	}
	scope, err := s.emailScope(c)
	if err != nil {
		return err
	}
	if err := s.store.RetryEmail(c.UserContext(), id, scope, s.now()); err != nil {
		return err
	}
	s.outbox.Wake()
	return c.Redirect("/admin/outbox?status=queued", fiber.StatusSeeOther)
}
