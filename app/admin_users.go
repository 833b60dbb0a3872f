package app

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"registrar/app/school"
	"registrar/db"
)

// The users page: staff accounts, their editions and the history of changes to them.

type usersPage struct {
	User     school.User
	Users    []school.User
	Editions []db.EditionSummary
	Done     bool
	// SecondFactorForAll asks a second factor of every staff user, not only of admins.
	SecondFactorForAll bool
	Saved              bool
	Reset              string        // whose second factor was just reset
	History            []historyLine // changes to staff accounts, newest first
}

// staffHistoryShown is how many changes to staff accounts the users page lists.
const staffHistoryShown = 20

func (s *Server) listUsers(c *fiber.Ctx) error {
	ctx := c.UserContext()
	users, err := s.store.Users(ctx)
	if err != nil {
		return err
	}
	editions, err := s.store.EditionSummaries(ctx, school.AllEditions())
	if err != nil {
		return err
	}
	forAll, err := s.store.SecondFactorForAll(ctx)
	if err != nil {
		return err
	}
	entries, err := s.store.StaffHistory(ctx, staffHistoryShown)
	if err != nil {
		return err
	}
	L := s.i18n.Translator(langOf(c))
	p := usersPage{User: currentUser(c), Users: users, Editions: editions, Done: c.Query("done") == "1",
		SecondFactorForAll: forAll, Saved: c.Query("saved") == "1"}
	for _, u := range users {
		if strconv.FormatInt(u.ID, 10) == c.Query("reset") {
			p.Reset = u.Email
		}
	}
	for _, h := range entries {
		p.History = append(p.History, historyLine{At: L.Moment(h.At),
			Text: L.T("history_"+h.Action, "Email", h.Detail) + " · " + actorName(L, h)})
	}
	return s.renderPage(c, "admin/users", s.newPage(c, L.T("admin_users_title"), "admin", p))
}

// assignStaff gives a reviewer or an organiser an edition.
func (s *Server) assignStaff(c *fiber.Ctx) error {
	L := s.i18n.Translator(langOf(c))
	userID, err1 := strconv.ParseInt(c.FormValue("user"), 10, 64)
	editionID, err2 := strconv.ParseInt(c.FormValue("edition"), 10, 64)
	if err1 != nil || err2 != nil {
		return badRequest(L.T("validation_choice"))
	}
	ctx := c.UserContext()
	if _, err := s.store.User(ctx, userID); err != nil {
		return err
	}
	if _, err := s.store.EditionByID(ctx, editionID); err != nil {
		return err
	}
	if err := s.store.AssignStaff(ctx, userID, editionID); err != nil {
		return err
	}
	return c.Redirect("/admin/users?done=1", fiber.StatusSeeOther)
}
