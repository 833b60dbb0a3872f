package app

import (
	"context"
	"errors"
	"time"

	"registrar/app/school"
	"registrar/db"
)

// offerReminder is how long before an offer lapses its applicant is reminded.
const offerReminder = 48 * time.Hour

// backupsKept is how many nightly backups stay in REGISTRAR_DATA/backups.
const backupsKept = 14

// RunJobs does the work that time brings, every minute until ctx ends: applicants are reminded
// of offers about to lapse; offers not confirmed in time expire, and their seats go to the
// waiting list; once a day the database is backed up and the personal data of applicants who
// were not selected is erased where the edition's retention period is over.
func (s *Server) RunJobs(ctx context.Context) {
	ticker := time.NewTicker(time.Minute)
	defer ticker.Stop()
	var purgedOn string // the Prague day of the last retention run
	for {
		if err := s.RemindOffers(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("jobs: remind offers", "error", err)
		}
		if err := s.ExpireOffers(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("jobs: expire offers", "error", err)
		}
		if path, err := s.store.NightlyBackup(ctx, s.cfg.Layout().Backups(), s.now(), backupsKept); err != nil && ctx.Err() == nil {
			s.log.Error("jobs: backup", "error", err)
		} else if path != "" {
			s.log.Info("jobs: backup written", "path", path)
		}
		if today := s.now().In(school.Prague).Format(time.DateOnly); today != purgedOn {
			if err := s.PurgeRetention(ctx); err != nil && ctx.Err() == nil {
				s.log.Error("jobs: retention", "error", err)
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
func (s *Server) ExpireOffers(ctx context.Context) error {
	now := s.now()
	ids, err := s.store.LapsedOffers(ctx, now)
	if err != nil {
		return err
	}
	for _, id := range ids {
		render, err := s.rendererFor(ctx, id)
		if err != nil {
			return err
		}
		_, err = s.store.TransitionApplication(ctx, id, school.StatusExpired, db.ActorSystem, now, render)
		if err != nil && !errors.Is(err, school.ErrTransition) { // confirmed meanwhile
			return err
		}
	}
	if len(ids) > 0 {
		s.outbox.Wake()
	}
	return nil
}

// RemindOffers emails, once, every applicant whose offer lapses within two days.
func (s *Server) RemindOffers(ctx context.Context) error {
	now := s.now()
	ids, err := s.store.OffersToRemind(ctx, now, offerReminder)
	if err != nil {
		return err
	}
	for _, id := range ids {
		render, err := s.rendererFor(ctx, id)
		if err != nil {
			return err
		}
		if err := s.store.RemindOffer(ctx, id, now, render); err != nil {
			return err
		}
	}
	if len(ids) > 0 {
		s.outbox.Wake()
	}
	return nil
}

// rendererFor renders the emails of an application's edition.
func (s *Server) rendererFor(ctx context.Context, applicationID int64) (db.Renderer, error) {
	a, err := s.store.Application(ctx, applicationID)
	if err != nil {
		return nil, err
	}
	e, err := s.store.EditionByID(ctx, a.EditionID)
	if err != nil {
		return nil, err
	}
	return s.editionRenderer(ctx, e)
}
