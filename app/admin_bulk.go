package app

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"registrar/app/school"
	"registrar/db"
)

// bulkAction applies one action to the applications selected on the list: stage a decision
// (all of them or none; waiting-list ranks follow the order of selection), or mark attendance
// after the edition.
func (s *Server) bulkAction(c *fiber.Ctx) error {
	e, err := s.pathEdition(c)
	if err != nil {
		return err
	}
	L := s.i18n.Translator(langOf(c))
	form, err := c.MultipartForm()
	var ids []int64
	if err == nil {
		for _, v := range form.Value["ids"] {
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				ids = append(ids, n)
			}
		}
	} else {
		for _, v := range c.Context().PostArgs().PeekMulti("ids") {
			if n, err := strconv.ParseInt(string(v), 10, 64); err == nil {
				ids = append(ids, n)
			}
		}
	}
	if len(ids) == 0 {
		return badRequest(L.T("bulk_none_selected"))
	}
	ctx, now, u := c.UserContext(), s.now(), currentUser(c)
	// Every id must belong to this edition: the list only offers those.
	for _, appID := range ids {
		a, err := s.store.Application(ctx, appID)
		if err != nil {
			return err
		}
		if a.EditionID != e.ID {
			return db.ErrNotFound
		}
	}
	action := school.Status(c.FormValue("action"))
	done := 0
	switch action {
	case school.StatusAccepted, school.StatusWaitlisted, school.StatusRejected:
		// No rank given puts them after those already waiting, in the order selected (rank 0 is
		// the end of the list); a rank places the first there and the others after it.
		rank := 0
		if v := strings.TrimSpace(c.FormValue("first_rank")); v != "" {
			var err error
			if rank, err = strconv.Atoi(v); err != nil || rank < 1 {
				return badRequest(L.T("decision_bad_rank"))
			}
		}
		batch := make([]db.DecisionToStage, 0, len(ids))
		for _, appID := range ids {
			r := 0
			if action == school.StatusWaitlisted && rank > 0 {
				r, rank = rank, rank+1
			}
			batch = append(batch, db.DecisionToStage{ApplicationID: appID, Decision: action, Rank: r})
		}
		// All or none; those whose status cannot take the decision are left out.
		done, err = s.store.StageDecisions(ctx, e.ID, batch, u.ID, now)
		if errors.Is(err, db.ErrNoSeat) {
			return fiber.NewError(fiber.StatusConflict, L.T("bulk_stopped_no_seat", "Seats", e.Seats()))
		}
		if err != nil {
			return err
		}
	case school.StatusAttended, school.StatusNoShow:
		render, err := s.emails.Renderer(ctx, e)
		if err != nil {
			return err
		}
		for _, appID := range ids {
			_, err := s.store.TransitionApplication(ctx, appID, action, userActor(u), now, render)
			if errors.Is(err, school.ErrTransition) {
				continue
			}
			if err != nil {
				return err
			}
			done++
		}
	default:
		return badRequest(L.T("validation_choice"))
	}
	return c.Redirect("/admin/editions/"+strconv.FormatInt(e.ID, 10)+"/applications?done="+strconv.Itoa(done), fiber.StatusSeeOther)
}
