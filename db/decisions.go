package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"registrar/app/school"
)

// StagedDecision is a decision an organiser has prepared and not yet released.
type StagedDecision struct {
	ApplicationID int64
	Reference     string
	Name          string
	Lang          string
	Decision      school.Status
	WaitlistRank  int
}

// StageDecision prepares a decision on an application. It is refused when the application's
// status does not allow it, or when accepting would give more seats than the edition has,
// counting the accepts already staged.
func (s *Store) StageDecision(ctx context.Context, applicationID int64, decision school.Status, rank int,
	userID int64, now time.Time) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		return stageDecision(ctx, tx, 0, DecisionToStage{applicationID, decision, rank}, userID, now)
	})
	if errors.Is(err, ErrNotFound) || errors.Is(err, ErrNoSeat) || errors.Is(err, school.ErrTransition) {
		return err
	}
	if err != nil {
		return fmt.Errorf("db: stage decision: %w", err)
	}
	return nil
}

// DecisionToStage is one decision of a batch.
type DecisionToStage struct {
	ApplicationID int64
	Decision      school.Status
	Rank          int // the waiting-list rank of a waitlisted decision, else 0
}

// StageDecisions prepares a batch of decisions on an edition's applications in one transaction,
// so that a batch is staged whole or not at all: an application of another edition
// (ErrNotFound) or an accept beyond the seats (ErrNoSeat, counting the batch's own accepts)
// stages nothing. An application whose status cannot take its decision is left out, as the
// lists offer mixed selections; the count says how many were staged.
func (s *Store) StageDecisions(ctx context.Context, editionID int64, batch []DecisionToStage, userID int64,
	now time.Time) (int, error) {
	staged := 0
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		staged = 0
		for _, d := range batch {
			err := stageDecision(ctx, tx, editionID, d, userID, now)
			if errors.Is(err, school.ErrTransition) {
				continue
			}
			if err != nil {
				return err
			}
			staged++
		}
		return nil
	})
	if errors.Is(err, ErrNotFound) || errors.Is(err, ErrNoSeat) {
		return 0, err
	}
	if err != nil {
		return 0, fmt.Errorf("db: stage decisions: %w", err)
	}
	return staged, nil
}

// stageDecision stages one decision inside tx; editionID, unless 0, is the edition the
// application must belong to.
func stageDecision(ctx context.Context, tx *sql.Tx, editionID int64, d DecisionToStage, userID int64, now time.Time) error {
	applicationID, decision, rank := d.ApplicationID, d.Decision, d.Rank
	a, err := scanApplication(tx.QueryRowContext(ctx,
		`SELECT `+applicationColumns+applicationFrom+` WHERE a.id = ?`, applicationID))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && editionID != 0 && a.EditionID != editionID) {
		return ErrNotFound
	}
	if err != nil {
		return err
	}
	if err := school.CheckTransition(a.Status, decision); err != nil {
		return err
	}
	if decision == school.StatusAccepted {
		e, err := scanEdition(tx.QueryRowContext(ctx, `SELECT `+editionColumns+editionFrom+` WHERE e.id = ?`, a.EditionID))
		if err != nil {
			return err
		}
		taken, _, err := seatsTaken(ctx, tx, e.ID)
		if err != nil {
			return err
		}
		var staged int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM staged_decisions
			WHERE edition_id = ? AND decision = 'accepted' AND application_id <> ?`, e.ID, applicationID).Scan(&staged); err != nil {
			return err
		}
		if taken+staged >= e.Seats() {
			return ErrNoSeat
		}
	}
	// A change of mind replaces the decision staged before, which first gives up its rank.
	if err := unstage(ctx, tx, applicationID); err != nil {
		return err
	}
	if decision == school.StatusWaitlisted {
		if rank, err = stagedRank(ctx, tx, a.EditionID, rank); err != nil {
			return err
		}
	} else {
		rank = 0
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO staged_decisions (application_id, edition_id, decision,
		waitlist_rank, staged_by, staged_at) VALUES (?, ?, ?, ?, ?, ?)`,
		applicationID, a.EditionID, decision, rank, userID, formatInstant(now))
	return err
}

// stagedRank makes room at rank among an edition's staged waiting-list decisions, moving those
// staged at that rank and after one down, and returns the rank. A staged rank is the place on
// the waiting list as the release will leave it, so one past the end of that list (or a rank
// below 1) is the end of it.
func stagedRank(ctx context.Context, tx *sql.Tx, editionID int64, rank int) (int, error) {
	var staying, staged int
	if err := tx.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM applications a WHERE a.edition_id = ?1 AND a.status = 'waitlisted'
			AND NOT EXISTS (SELECT 1 FROM staged_decisions d WHERE d.application_id = a.id)),
		(SELECT COUNT(*) FROM staged_decisions WHERE edition_id = ?1 AND decision = 'waitlisted')`,
		editionID).Scan(&staying, &staged); err != nil {
		return 0, err
	}
	if rank < 1 || rank > staying+staged {
		return staying + staged + 1, nil
	}
	return rank, moveStagedRanks(ctx, tx, editionID, rank, 1)
}

// moveStagedRanks moves every staged waiting-list decision of an edition at rank from or later
// by places, through negative numbers as moveRanks does.
func moveStagedRanks(ctx context.Context, tx *sql.Tx, editionID int64, from, by int) error {
	if _, err := tx.ExecContext(ctx, `UPDATE staged_decisions SET waitlist_rank = -(waitlist_rank + ?)
		WHERE edition_id = ? AND decision = 'waitlisted' AND waitlist_rank >= ?`, by, editionID, from); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE staged_decisions SET waitlist_rank = -waitlist_rank
		WHERE edition_id = ? AND decision = 'waitlisted' AND waitlist_rank < 0`, editionID)
	return err
}

// unstage drops the decision staged for an application, if any, closing the gap its rank leaves.
func unstage(ctx context.Context, tx *sql.Tx, applicationID int64) error {
	var editionID int64
	var decision school.Status
	var rank int
	err := tx.QueryRowContext(ctx, `DELETE FROM staged_decisions WHERE application_id = ?
		RETURNING edition_id, decision, waitlist_rank`, applicationID).Scan(&editionID, &decision, &rank)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil || decision != school.StatusWaitlisted {
		return err
	}
	return moveStagedRanks(ctx, tx, editionID, rank+1, -1)
}

// UnstageDecision drops a prepared decision.
func (s *Store) UnstageDecision(ctx context.Context, applicationID int64) error {
	if err := s.inTx(ctx, func(tx *sql.Tx) error { return unstage(ctx, tx, applicationID) }); err != nil {
		return fmt.Errorf("db: unstage decision: %w", err)
	}
	return nil
}

// StagedDecisions lists an edition's prepared decisions.
func (s *Store) StagedDecisions(ctx context.Context, editionID int64) ([]StagedDecision, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT d.application_id, a.reference,
		a.given_name || ' ' || a.family_name, a.lang, d.decision, d.waitlist_rank
		FROM staged_decisions d JOIN applications a ON a.id = d.application_id
		WHERE d.edition_id = ? ORDER BY d.decision, d.waitlist_rank, a.reference`, editionID)
	if err != nil {
		return nil, fmt.Errorf("db: staged decisions: %w", err)
	}
	defer rows.Close()
	var out []StagedDecision
	for rows.Next() {
		var d StagedDecision
		if err := rows.Scan(&d.ApplicationID, &d.Reference, &d.Name, &d.Lang, &d.Decision, &d.WaitlistRank); err != nil {
			return nil, fmt.Errorf("db: staged decisions: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// ReleaseDecisions carries out every staged decision of an edition in one transaction, each
// through the one transition, with its audit entry and email. If any one is refused (no seat
// left, a status that changed meanwhile) nothing is released. Those leaving the waiting list go
// first and those joining it last, by rank: no later step moves a rank an email has told.
func (s *Store) ReleaseDecisions(ctx context.Context, editionID int64, actor string, now time.Time,
	render Renderer) (int, error) {
	var n int
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT application_id, decision, waitlist_rank
			FROM staged_decisions WHERE edition_id = ?
			ORDER BY decision = 'waitlisted', decision = 'accepted', waitlist_rank, application_id`, editionID)
		if err != nil {
			return err
		}
		type staged struct {
			id   int64
			to   school.Status
			rank int
		}
		var batch []staged
		for rows.Next() {
			var d staged
			if err := rows.Scan(&d.id, &d.to, &d.rank); err != nil {
				rows.Close()
				return err
			}
			batch = append(batch, d)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, d := range batch {
			if _, err := transition(ctx, tx, d.id, d.to, d.rank, actor, now, render); err != nil {
				if errors.Is(err, school.ErrTransition) {
					return &DecisionRefused{ApplicationID: d.id, Err: err}
				}
				return err
			}
		}
		n = len(batch)
		_, err = tx.ExecContext(ctx, `DELETE FROM staged_decisions WHERE edition_id = ?`, editionID)
		return err
	})
	if errors.Is(err, ErrNoSeat) || errors.Is(err, school.ErrTransition) {
		return 0, err
	}
	if err != nil {
		return 0, fmt.Errorf("db: release decisions: %w", err)
	}
	return n, nil
}

// LapsedOffers lists the accepted applications whose offer was not confirmed in time.
func (s *Store) LapsedOffers(ctx context.Context, now time.Time) ([]int64, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT id FROM applications
		WHERE status = 'accepted' AND offer_expires_at <= ?`, formatInstant(now.Add(-time.Minute)))
	if err != nil {
		return nil, fmt.Errorf("db: lapsed offers: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("db: lapsed offers: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// StagedDecisionFor is the decision staged for an application, or ErrNotFound.
func (s *Store) StagedDecisionFor(ctx context.Context, applicationID int64) (StagedDecision, error) {
	var d StagedDecision
	err := s.reader.QueryRowContext(ctx, `SELECT application_id, decision, waitlist_rank
		FROM staged_decisions WHERE application_id = ?`, applicationID).Scan(&d.ApplicationID, &d.Decision, &d.WaitlistRank)
	if errors.Is(err, sql.ErrNoRows) {
		return d, ErrNotFound
	}
	if err != nil {
		return d, fmt.Errorf("db: staged decision: %w", err)
	}
	return d, nil
}

// OffersToRemind lists accepted applications whose reminder (school.OfferReminder, set with the
// offer) is due and whose applicant has not been reminded yet.
func (s *Store) OffersToRemind(ctx context.Context, now time.Time) ([]int64, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT id FROM applications
		WHERE status = 'accepted' AND offer_reminded_at IS NULL AND offer_remind_at <= ?`,
		formatInstant(now))
	if err != nil {
		return nil, fmt.Errorf("db: offers to remind: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("db: offers to remind: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// RemindOffer queues the reminder of an open offer and records that it was sent, in one
// transaction, so nobody is reminded twice.
func (s *Store) RemindOffer(ctx context.Context, id int64, now time.Time, render Renderer) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		a, err := scanApplication(tx.QueryRowContext(ctx,
			`SELECT `+applicationColumns+applicationFrom+` WHERE a.id = ?`, id))
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE applications SET offer_reminded_at = ?
			WHERE id = ? AND status = 'accepted' AND offer_reminded_at IS NULL`, formatInstant(now), id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err // answered or reminded meanwhile
		}
		return queueFor(ctx, tx, now, a, "offer_reminder", render)
	})
	if err != nil {
		return fmt.Errorf("db: remind offer %d: %w", id, err)
	}
	return nil
}
