package db

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"registrar/app/school"
)

// RecordSSOSignIn writes to the staff history that u was signed in by the school's identity
// provider (action "sso_sign_in"), or confirmed by it and then asked for the code of their
// authenticator app ("sso_sign_in_code").
func (s *Store) RecordSSOSignIn(ctx context.Context, u school.User, codeAsked bool, actor string, now time.Time) error {
	action := "sso_sign_in"
	if codeAsked {
		action = "sso_sign_in_code"
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error { return writeAudit(ctx, tx, userAudit(now, actor, action, u)) })
	if err != nil {
		return fmt.Errorf("db: sign-in of %d: %w", u.ID, err)
	}
	return nil
}
