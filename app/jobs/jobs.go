package jobs

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"registrar/app/mail"
	"registrar/app/school"
	"registrar/db"
)

// backupsKept is how many nightly backups stay in BackupsDir.
const backupsKept = 14

// Runner does the work that time brings. The web server does not run it: the command that
// serves does, beside the outbox, and `registrar purge` runs its Retention.
type Runner struct {
	Store  *db.Store
	Emails *mail.Emails // renders the reminders and the emails of expired offers
	Outbox *mail.Outbox // woken when emails were queued
	Log    *slog.Logger
	Clock  func() time.Time
	// The data folder's places: nightly backups, .eml files written when no SMTP server is
	// configured.
	BackupsDir, MailDir string
	// FormLifetime is how long a file sent with a form that was sent back waits for the form
	// to come again before it is removed.
	FormLifetime time.Duration
}

// Run does the work, every minute until ctx ends: applicants are reminded of offers about to
// lapse; offers not confirmed in time expire, and their seats go to the waiting list; forms
// saved for later go once their call has closed (drafts.go); once a day the database is backed
// up and the personal data of applicants who were not selected is erased where the edition's
// retention period is over.
func (r *Runner) Run(ctx context.Context) {
	ticker := time.NewTicker(time.Minute)
	defer ticker.Stop()
	var purgedOn string // the Prague day of the last retention run
	for {
		if err := r.RemindOffers(ctx); err != nil && ctx.Err() == nil {
			r.Log.Error("jobs: remind offers", "error", err)
		}
		if err := r.ExpireOffers(ctx); err != nil && ctx.Err() == nil {
			r.Log.Error("jobs: expire offers", "error", err)
		}
		if err := r.PurgeDrafts(ctx); err != nil && ctx.Err() == nil {
			r.Log.Error("jobs: purge drafts", "error", err)
		}
		if err := r.RemindReferees(ctx); err != nil && ctx.Err() == nil {
			r.Log.Error("jobs: remind referees", "error", err)
		}
		if err := r.RemindFollowUps(ctx); err != nil && ctx.Err() == nil {
			r.Log.Error("jobs: remind follow-ups", "error", err)
		}
		if path, err := r.Store.NightlyBackup(ctx, r.BackupsDir, r.Clock(), backupsKept); err != nil && ctx.Err() == nil {
			r.Log.Error("jobs: backup", "error", err)
		} else if path != "" {
			r.Log.Info("jobs: backup written", "path", path)
		}
		if today := r.Clock().In(school.Prague).Format(time.DateOnly); today != purgedOn {
			if err := r.PurgeRetention(ctx); err != nil && ctx.Err() == nil {
				r.Log.Error("jobs: retention", "error", err)
			} else {
				purgedOn = today
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

// ExpireOffers moves every lapsed offer to expired, through the one transition, which also
// offers the seat to the next on the waiting list.
func (r *Runner) ExpireOffers(ctx context.Context) error {
	now := r.Clock()
	ids, err := r.Store.LapsedOffers(ctx, now)
	if err != nil {
		return err
	}
	for _, id := range ids {
		render, err := r.rendererFor(ctx, id)
		if err != nil {
			return err
		}
		_, err = r.Store.TransitionApplication(ctx, id, school.StatusExpired, db.ActorSystem, now, render)
		if err != nil && !errors.Is(err, school.ErrTransition) { // confirmed meanwhile
			return err
		}
	}
	if len(ids) > 0 {
		r.Outbox.Wake()
	}
	return nil
}

// RemindOffers emails, once, every applicant whose offer's reminder is due: two days before a
// long offer lapses, halfway through a short one (school.OfferReminder).
func (r *Runner) RemindOffers(ctx context.Context) error {
	return r.remindEach(ctx, r.Store.OffersToRemind, r.Store.RemindOffer)
}

// remindEach queues the reminder of every application due lists, each in its edition's emails,
// and wakes the outbox when it queued any.
func (r *Runner) remindEach(ctx context.Context, due func(context.Context, time.Time) ([]int64, error),
	remind func(context.Context, int64, time.Time, db.Renderer) error) error {
	now := r.Clock()
	ids, err := due(ctx, now)
	if err != nil {
		return err
	}
	for _, id := range ids {
		render, err := r.rendererFor(ctx, id)
		if err != nil {
			return err
		}
		if err := remind(ctx, id, now, render); err != nil {
			return err
		}
	}
	if len(ids) > 0 {
		r.Outbox.Wake()
	}
	return nil
}

// rendererFor renders the emails of an application's edition.
func (r *Runner) rendererFor(ctx context.Context, applicationID int64) (db.Renderer, error) {
	a, err := r.Store.Application(ctx, applicationID)
	if err != nil {
		return nil, err
	}
	e, err := r.Store.EditionByID(ctx, a.EditionID)
	if err != nil {
		return nil, err
	}
	return r.Emails.Renderer(ctx, e)
}

// PurgeRetention is the daily Retention, logged; files sent with forms that were sent back and
// that no form claimed go too, once their form has expired.
func (r *Runner) PurgeRetention(ctx context.Context) error {
	purges, err := r.Retention(ctx, false)
	for _, p := range purges {
		r.Log.Info("jobs: personal data erased", "edition", p.Edition.Slug,
			"applications", p.Applications, "files", p.Files)
	}
	n, uerr := r.Store.RemoveUnattachedUploads(ctx, r.Clock().Add(-r.FormLifetime))
	if n > 0 {
		r.Log.Info("jobs: unattached files removed", "files", n)
	}
	return errors.Join(err, uerr, r.ErasePassportDetails(ctx))
}

// Retention erases the personal data of applicants who were not selected, in every edition
// whose retention period is over, with the .eml files written about them, and says what it
// erased; dryRun only says what it would erase. It needs Store, Clock and MailDir.
func (r *Runner) Retention(ctx context.Context, dryRun bool) ([]db.Purge, error) {
	purges, err := r.Store.PurgeRetention(ctx, r.Clock(), dryRun)
	if dryRun {
		return purges, err
	}
	return purges, errors.Join(err, mail.ForgetErased(ctx, r.Store, r.MailDir))
}
