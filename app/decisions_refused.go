package app

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"registrar/app/school"
	"registrar/db"
)

// refusedRelease shows the decisions page after a release that a staged decision refused: the
// application changed since its decision was staged. It names that application and links to it.
func (s *Server) refusedRelease(c *fiber.Ctx, e school.Edition, err error) error {
	L := s.i18n.Translator(langOf(c))
	var refused *db.DecisionRefused
	if !errors.As(err, &refused) {
		return s.decisionsView(c, e, fiber.StatusConflict, L.T("decision_release_changed"), 0)
	}
	a, aerr := s.store.Application(c.UserContext(), refused.ApplicationID)
	if aerr != nil {
		return aerr
	}
	text := L.T("decision_release_refused_by", "Reference", a.Reference, "Name", a.Name(),
		"Status", L.T("status_"+string(a.Status)))
	return s.decisionsView(c, e, fiber.StatusConflict, text, a.ID)
}
