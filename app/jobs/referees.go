package jobs

import (
	"context"

	"registrar/app/school"
)

// RemindReferees emails, once, every referee who has sent nothing when the reminder is due
// (school.RefereeReminderBefore the referees' deadline), through their own link.
func (r *Runner) RemindReferees(ctx context.Context) error {
	now := r.Clock()
	// A referee asked longer ago than a year is past any deadline: not looked at every minute.
	waiting, err := r.Store.WaitingReferees(ctx, now.AddDate(-1, 0, 0))
	if err != nil {
		return err
	}
	editions := map[int64]school.Edition{}
	asked := map[int64]school.References{}
	reminded := 0
	for _, w := range waiting {
		e, ok := editions[w.EditionID]
		if !ok {
			if e, err = r.Store.EditionByID(ctx, w.EditionID); err != nil {
				return err
			}
			editions[w.EditionID] = e
			if asked[e.ID], err = r.Store.References(ctx, e.ID); err != nil {
				return err
			}
		}
		refs := asked[e.ID]
		if !w.Referee.ReminderDue(refs, e, now) {
			continue
		}
		a, err := r.Store.Application(ctx, w.Referee.ApplicationID)
		if err != nil {
			return err
		}
		if !a.WantsReferences() {
			continue
		}
		render, err := r.Emails.RefereeRenderer(ctx, e, a, refs)
		if err != nil {
			return err
		}
		if err := r.Store.RemindReferee(ctx, w.Referee.ID, now, render); err != nil {
			return err
		}
		reminded++
	}
	if reminded > 0 {
		r.Outbox.Wake()
	}
	return nil
}
