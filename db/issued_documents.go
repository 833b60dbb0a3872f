package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"registrar/app/school"
)

// IssuedDocument is a visa letter or a certificate given to an applicant, as /verify shows it.
type IssuedDocument struct {
	Code           string // without dashes
	Kind           school.DocumentKind
	ApplicationID  int64 // 0 once the application is erased
	EditionID      int64
	EditionTitleEN string
	EditionTitleCS string
	HolderName     string
	IssuedAt       time.Time
	RevokedAt      time.Time // zero while the document is valid
	// ReplacedAt is when a corrected letter replaced this one (revoked from then on); zero for
	// the current one.
	ReplacedAt time.Time
}

const issuedColumns = `d.code, d.kind, COALESCE(d.application_id, 0), d.edition_id, e.title_en,
	e.title_cs, d.holder_name, d.issued_at, d.revoked_at, d.replaced_at`

const issuedFrom = ` FROM issued_documents d JOIN editions e ON e.id = d.edition_id`

func scanIssued(row scanner) (IssuedDocument, error) {
	var d IssuedDocument
	var issued string
	var revoked, replaced sql.NullString
	err := row.Scan(&d.Code, &d.Kind, &d.ApplicationID, &d.EditionID, &d.EditionTitleEN, &d.EditionTitleCS,
		&d.HolderName, &issued, &revoked, &replaced)
	if err != nil {
		return d, err
	}
	if d.IssuedAt, err = parseInstant(sql.NullString{String: issued, Valid: true}); err != nil {
		return d, err
	}
	if d.RevokedAt, err = parseInstant(revoked); err != nil {
		return d, err
	}
	d.ReplacedAt, err = parseInstant(replaced)
	return d, err
}

func oneIssued(row *sql.Row) (IssuedDocument, error) {
	d, err := scanIssued(row)
	if errors.Is(err, sql.ErrNoRows) {
		return d, ErrNotFound
	}
	return d, err
}

// DocumentByCode is the document with the verification code (without dashes).
func (s *Store) DocumentByCode(ctx context.Context, code string) (IssuedDocument, error) {
	d, err := oneIssued(s.reader.QueryRowContext(ctx, `SELECT `+issuedColumns+issuedFrom+`
		WHERE d.code = ?`, code))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return d, fmt.Errorf("db: document by code: %w", err)
	}
	return d, err
}

// IssuedDocument is the application's current document of kind (not a replaced one), when it
// has been issued.
func (s *Store) IssuedDocument(ctx context.Context, applicationID int64, kind school.DocumentKind) (IssuedDocument, error) {
	d, err := oneIssued(s.reader.QueryRowContext(ctx, `SELECT `+issuedColumns+issuedFrom+`
		WHERE d.application_id = ? AND d.kind = ? AND d.replaced_at IS NULL`, applicationID, kind))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return d, fmt.Errorf("db: issued document: %w", err)
	}
	return d, err
}

// IssueDocument is the application's document of kind: issued now with a fresh code and an
// audit entry the first time, the same one (code and date) every time after.
func (s *Store) IssueDocument(ctx context.Context, a school.Application, kind school.DocumentKind, actor string,
	now time.Time) (IssuedDocument, error) {
	var d IssuedDocument
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := issueDocument(ctx, tx, a, kind, actor, now); err != nil {
			return err
		}
		var err error
		d, err = oneIssued(tx.QueryRowContext(ctx, `SELECT `+issuedColumns+issuedFrom+`
			WHERE d.application_id = ? AND d.kind = ? AND d.replaced_at IS NULL`, a.ID, kind))
		return err
	})
	if err != nil {
		return d, fmt.Errorf("db: issue %s: %w", kind, err)
	}
	return d, nil
}

// issueDocument gives the application its document of kind unless it has one, and reports
// whether it did.
func issueDocument(ctx context.Context, tx *sql.Tx, a school.Application, kind school.DocumentKind, actor string,
	now time.Time) (bool, error) {
	code, err := school.NewVerificationCode()
	if err != nil {
		return false, err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO issued_documents (code, kind, application_id,
		edition_id, holder_name, issued_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (application_id, kind) WHERE replaced_at IS NULL DO NOTHING`,
		code, kind, a.ID, a.EditionID, a.Name(), formatInstant(now))
	if err != nil {
		return false, err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return false, err
	}
	return true, writeAudit(ctx, tx, AuditEntry{At: now, Actor: actor, Action: string(kind) + "_issued",
		Entity: "application", EntityID: a.ID})
}

// CertificatesToIssue counts the edition's participants who attended and have no certificate yet.
func (s *Store) CertificatesToIssue(ctx context.Context, editionID int64) (int, error) {
	var n int
	err := s.reader.QueryRowContext(ctx, `SELECT COUNT(*) FROM applications a
		WHERE a.edition_id = ? AND a.status = 'attended' AND a.erased_at IS NULL
			AND NOT EXISTS (SELECT 1 FROM issued_documents d WHERE d.application_id = a.id AND d.kind = 'certificate')`,
		editionID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("db: certificates to issue: %w", err)
	}
	return n, nil
}

// IssueCertificates issues a certificate of attendance to every participant of the edition who
// attended and has none yet, each with its audit entry and a "certificate ready" email, in one
// transaction: all or none. Issuing again issues and emails only to those still without one.
func (s *Store) IssueCertificates(ctx context.Context, editionID int64, actor string, now time.Time,
	render Renderer) (int, error) {
	var n int
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		apps, err := txApplications(ctx, tx, `WHERE a.edition_id = ? AND a.status = 'attended'
			AND a.erased_at IS NULL
			AND NOT EXISTS (SELECT 1 FROM issued_documents d WHERE d.application_id = a.id AND d.kind = 'certificate')
			ORDER BY a.id`, editionID)
		if err != nil {
			return err
		}
		for _, a := range apps {
			issued, err := issueDocument(ctx, tx, a, school.DocumentCertificate, actor, now)
			if err != nil {
				return err
			}
			if !issued {
				continue
			}
			if err := queueFor(ctx, tx, now, a, "certificate_ready", render); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("db: issue certificates: %w", err)
	}
	return n, nil
}
