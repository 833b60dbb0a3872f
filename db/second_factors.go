package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"registrar/app/school"
)

// SecondFactor is a user's authenticator app as stored: its sealed secret, whether it is set up
// yet, and the last time step whose code was accepted.
type SecondFactor struct {
	Secret    []byte
	Confirmed bool
	LastStep  int64
}

// SecondFactor is the user's second factor, set up or being set up; ErrNotFound when none.
func (s *Store) SecondFactor(ctx context.Context, userID int64) (SecondFactor, error) {
	var f SecondFactor
	err := s.reader.QueryRowContext(ctx, `SELECT secret, confirmed_at IS NOT NULL, last_step
		FROM second_factors WHERE user_id = ?`, userID).Scan(&f.Secret, &f.Confirmed, &f.LastStep)
	if errors.Is(err, sql.ErrNoRows) {
		return f, ErrNotFound
	}
	if err != nil {
		return f, fmt.Errorf("db: second factor of %d: %w", userID, err)
	}
	return f, nil
}

// StartSecondFactor keeps a new secret for the user to confirm with a code. A second factor
// already set up is left alone: ErrNotFound.
func (s *Store) StartSecondFactor(ctx context.Context, userID int64, secret []byte) error {
	err := affectedOne(s.writer.ExecContext(ctx, `INSERT INTO second_factors (user_id, secret)
		VALUES (?, ?) ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, last_step = 0
		WHERE confirmed_at IS NULL`, userID, secret))
	if err != nil {
		return fmt.Errorf("db: start second factor of %d: %w", userID, err)
	}
	return nil
}

// ConfirmSecondFactor marks the user's new second factor as set up, with the step of the code
// that confirmed it, and replaces their recovery codes by these (hashed).
func (s *Store) ConfirmSecondFactor(ctx context.Context, userID, step int64, codeHashes []string, now time.Time) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := affectedOne(tx.ExecContext(ctx, `UPDATE second_factors SET confirmed_at = ?, last_step = ?
			WHERE user_id = ? AND confirmed_at IS NULL`, formatInstant(now), step, userID)); err != nil {
			return fmt.Errorf("db: confirm second factor of %d: %w", userID, err)
		}
		return replaceRecoveryCodes(ctx, tx, userID, codeHashes)
	})
}

// ReplaceRecoveryCodes gives the user new recovery codes (hashed) in place of all their old ones.
func (s *Store) ReplaceRecoveryCodes(ctx context.Context, userID int64, codeHashes []string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error { return replaceRecoveryCodes(ctx, tx, userID, codeHashes) })
}

func replaceRecoveryCodes(ctx context.Context, tx *sql.Tx, userID int64, codeHashes []string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = ?`, userID); err != nil {
		return fmt.Errorf("db: recovery codes of %d: %w", userID, err)
	}
	for _, h := range codeHashes {
		if _, err := tx.ExecContext(ctx, `INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)`,
			userID, h); err != nil {
			return fmt.Errorf("db: recovery codes of %d: %w", userID, err)
		}
	}
	return nil
}

// UseTOTPStep records that a code of this time step signed the user in; false when a code of
// that step or a later one was accepted already, so no code is accepted twice.
func (s *Store) UseTOTPStep(ctx context.Context, userID, step int64) (bool, error) {
	err := affectedOne(s.writer.ExecContext(ctx, `UPDATE second_factors SET last_step = ?
		WHERE user_id = ? AND confirmed_at IS NOT NULL AND last_step < ?`, step, userID, step))
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("db: use code of %d: %w", userID, err)
	}
	return true, nil
}

// UseRecoveryCode spends one of the user's recovery codes; false when it is not theirs or was
// spent already.
func (s *Store) UseRecoveryCode(ctx context.Context, userID int64, codeHash string, now time.Time) (bool, error) {
	err := affectedOne(s.writer.ExecContext(ctx, `UPDATE recovery_codes SET used_at = ?
		WHERE user_id = ? AND code_hash = ? AND used_at IS NULL`, formatInstant(now), userID, codeHash))
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("db: use recovery code of %d: %w", userID, err)
	}
	return true, nil
}

// RecoveryCodesLeft is how many unused recovery codes the user has.
func (s *Store) RecoveryCodesLeft(ctx context.Context, userID int64) (int, error) {
	var n int
	err := s.reader.QueryRowContext(ctx, `SELECT count(*) FROM recovery_codes
		WHERE user_id = ? AND used_at IS NULL`, userID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("db: recovery codes of %d: %w", userID, err)
	}
	return n, nil
}

// ResetSecondFactor removes the user's second factor and recovery codes and ends their sessions,
// with an audit entry naming who did it; the user sets up a new one at their next sign-in if they
// must have one.
func (s *Store) ResetSecondFactor(ctx context.Context, u school.User, actor string, now time.Time) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := affectedOne(tx.ExecContext(ctx, `DELETE FROM second_factors WHERE user_id = ?`, u.ID)); err != nil {
			return fmt.Errorf("db: reset second factor of %d: %w", u.ID, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = ?`, u.ID); err != nil {
			return fmt.Errorf("db: reset second factor of %d: %w", u.ID, err)
		}
		// Whoever has the lost phone may be signed in with it: the user's sessions end.
		if _, err := tx.ExecContext(ctx, `UPDATE users SET session_generation = session_generation + 1
			WHERE id = ?`, u.ID); err != nil {
			return fmt.Errorf("db: reset second factor of %d: %w", u.ID, err)
		}
		return writeAudit(ctx, tx, userAudit(now, actor, "second_factor_reset", u))
	})
}

// secondFactorForAll is the site setting that asks a second factor of all staff, not only of
// admins.
const secondFactorForAll = "second_factor_for_all"

// SecondFactorForAll tells whether every staff user must sign in with a second factor.
func (s *Store) SecondFactorForAll(ctx context.Context) (bool, error) {
	var v string
	err := s.reader.QueryRowContext(ctx, `SELECT value FROM site_settings WHERE name = ?`, secondFactorForAll).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("db: setting %s: %w", secondFactorForAll, err)
	}
	return v == "1", nil
}

// SetSecondFactorForAll changes the setting, with an audit entry about the admin who did.
func (s *Store) SetSecondFactorForAll(ctx context.Context, on bool, admin school.User, actor string, now time.Time) error {
	v, action := "0", "second_factor_optional"
	if on {
		v, action = "1", "second_factor_for_all"
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO site_settings (name, value) VALUES (?, ?)
			ON CONFLICT (name) DO UPDATE SET value = excluded.value`, secondFactorForAll, v); err != nil {
			return fmt.Errorf("db: setting %s: %w", secondFactorForAll, err)
		}
		return writeAudit(ctx, tx, userAudit(now, actor, action, admin))
	})
}

// StaffHistory lists the audit entries about staff accounts, newest first.
func (s *Store) StaffHistory(ctx context.Context, limit int) ([]AuditEntry, error) {
	entries, err := s.auditEntries(ctx, auditSelect+`
		WHERE l.entity = 'user' ORDER BY l.id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("db: staff history: %w", err)
	}
	return entries, nil
}

// userAudit is an audit entry about a staff account; the detail keeps its address, so the
// entry still says whose it was if the account is removed.
func userAudit(at time.Time, actor, action string, u school.User) AuditEntry {
	return AuditEntry{At: at, Actor: actor, Action: action, Entity: "user", EntityID: u.ID, Detail: u.Email}
}
