package app

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"registrar/app/school"
	"registrar/db"
)

// Path parameters: the ids and editions an address names, each checked against what the
// signed-in user may see; a wrong or foreign id is a page that does not exist.

// editionScope is the editions the signed-in user may see (see school.StaffScope).
func (s *Server) editionScope(c *fiber.Ctx) (school.Scope, error) {
	u := currentUser(c)
	if u.Role == school.RoleAdmin {
		return school.AllEditions(), nil
	}
	ids, err := s.store.StaffEditions(c.UserContext(), u.ID)
	if err != nil {
		return school.Scope{}, err
	}
	return school.StaffScope(u, ids), nil
}

// staffEdition is the edition in the path, when the user may see it; otherwise 404, so a
// reviewer learns nothing of editions that are not theirs.
func (s *Server) staffEdition(c *fiber.Ctx, id int64) (school.Edition, error) {
	scope, err := s.editionScope(c)
	if err != nil {
		return school.Edition{}, err
	}
	if !scope.Allows(id) {
		return school.Edition{}, db.ErrNotFound
	}
	return s.store.EditionByID(c.UserContext(), id)
}

// pathEdition is the edition whose id is in the path, when the user may see it.
func (s *Server) pathEdition(c *fiber.Ctx) (school.Edition, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return school.Edition{}, err
	}
	return s.staffEdition(c, id)
}

// pathID is the number in the path parameter name; anything else is a page that does not exist.
func pathID(c *fiber.Ctx, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Params(name), 10, 64)
	if err != nil {
		return 0, db.ErrNotFound
	}
	return id, nil
}

// staffApplication is the application in the path, when the user may see its edition.
func (s *Server) staffApplication(c *fiber.Ctx) (school.Application, school.Edition, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return school.Application{}, school.Edition{}, db.ErrNotFound
	}
	a, err := s.store.Application(c.UserContext(), id)
	if err != nil {
		return a, school.Edition{}, err
	}
	e, err := s.staffEdition(c, a.EditionID)
	return a, e, err
}
