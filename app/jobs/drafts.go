package jobs

import "context"

// PurgeDrafts deletes, with their files, the forms saved for later of every edition whose call
// has closed: their links then open nothing. It runs every minute, so that none outlives its
// call by more than that.
func (r *Runner) PurgeDrafts(ctx context.Context) error {
	n, err := r.Store.PurgeDrafts(ctx, r.Clock())
	if n > 0 {
		r.Log.Info("jobs: saved forms deleted after their call closed", "drafts", n)
	}
	return err
}
