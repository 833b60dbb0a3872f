package jobs

import "context"

// RemindFollowUps emails, once, every applicant holding a place who still owes follow-up
// answers when the edition's deadline is near (school.FollowUpReminderDue).
func (r *Runner) RemindFollowUps(ctx context.Context) error {
	return r.remindEach(ctx, r.Store.FollowUpsToRemind, r.Store.RemindFollowUps)
}

// ErasePassportDetails erases participants' passport details where the edition's keeping time
// after its end is over, and logs how many answers went.
func (r *Runner) ErasePassportDetails(ctx context.Context) error {
	n, err := r.Store.ErasePassportDetails(ctx, r.Clock())
	if n > 0 {
		r.Log.Info("jobs: passport details erased", "answers", n)
	}
	return err
}
