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
	return s.renderPage(c, "admin/outbox", s.newPage(c, L.T("outbox_title"), "admin",
		outboxPage{User: currentUser(c), Status: status, Statuses: outboxStatuses, Counts: counts, Messages: msgs}))
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
