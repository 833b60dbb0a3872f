package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"registrar/app/school"
)

// Purge is what the retention period erased, or would erase, in one edition.
type Purge struct {
	Edition      school.Edition
	Applications int
	Files        int
	Bytes        int64
}

// notSelectedList is school.NotSelected as an SQL list of literals, from our own constants.
func notSelectedList() string {
	quoted := make([]string, len(school.NotSelected))
	for i, st := range school.NotSelected {
		quoted[i] = "'" + string(st) + "'"
	}
	return strings.Join(quoted, ", ")
}

// PurgeRetention erases the personal data of every applicant who was not selected to an edition
// whose retention period is over at now, their files too: one transaction and one audit entry
// per edition. dryRun counts what would go and changes
// nothing. Editions with nothing left to erase are not listed, so a second run lists none.
func (s *Store) PurgeRetention(ctx context.Context, now time.Time, dryRun bool) ([]Purge, error) {
	editions, err := s.queryEditions(ctx, `SELECT `+editionColumns+editionFrom+` WHERE e.id IN
		(SELECT DISTINCT edition_id FROM applications
		 WHERE erased_at IS NULL AND status IN (`+notSelectedList()+`)) ORDER BY e.ends_on, e.id`)
	if err != nil {
		return nil, fmt.Errorf("db: purge: %w", err)
	}
	var purges []Purge
	for _, e := range editions {
		if !e.PurgeDue(now) {
			continue
		}
		p, err := s.purgeEdition(ctx, e, now, dryRun)
		if err != nil {
			return purges, fmt.Errorf("db: purge %s: %w", e.Slug, err)
		}
		purges = append(purges, p)
	}
	return purges, nil
}

func (s *Store) purgeEdition(ctx context.Context, e school.Edition, now time.Time, dryRun bool) (Purge, error) {
	p := Purge{Edition: e}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		ids, err := queryIDs(ctx, tx, `SELECT id FROM applications WHERE edition_id = ?
			AND erased_at IS NULL AND status IN (`+notSelectedList()+`) ORDER BY id`, e.ID)
		if err != nil {
			return err
		}
		for _, id := range ids {
			held, err := applicationFiles(ctx, tx, id)
			if err != nil {
				return err
			}
			for _, f := range held {
				p.Files++
				p.Bytes += f.Size
			}
			if dryRun {
				continue
			}
			if err := eraseApplication(ctx, tx, id, ActorSystem, "retention", now, held); err != nil {
				return err
			}
		}
		p.Applications = len(ids)
		if dryRun {
			return errDryRun
		}
		return writeAudit(ctx, tx, AuditEntry{At: now, Actor: ActorSystem, Action: "retention_purge",
			Entity: "edition", EntityID: e.ID,
			Detail: fmt.Sprintf(PurgeDetail, p.Applications, p.Files, p.Bytes, e.RetentionMonths)})
	})
	if errors.Is(err, errDryRun) {
		return p, nil
	}
	return p, err
}

// PurgeDetail is the audit detail of a retention run in one edition: applications erased,
// files, their bytes and the retention period in months.
const PurgeDetail = "erased applications=%d files=%d bytes=%d retention_months=%d"

// errDryRun rolls back a dry run's transaction, which reads what a real run would erase.
var errDryRun = errors.New("db: dry run")

func queryIDs(ctx context.Context, tx *sql.Tx, query string, args ...any) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// applicationFiles lists the files an application holds: its CV, the files answering questions,
// and the files its applicant sent with forms that were sent back, which no form claimed.
func applicationFiles(ctx context.Context, tx *sql.Tx, id int64) ([]Upload, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+uploadColumns+` FROM uploads WHERE application_id = ?1
		OR id = (SELECT cv_upload_id FROM applications WHERE id = ?1)
		OR id IN (SELECT upload_id FROM answers WHERE application_id = ?1)
		OR (application_id IS NULL AND sent_for = ?1) ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ups []Upload
	for rows.Next() {
		u, err := scanUpload(rows)
		if err != nil {
			return nil, err
		}
		ups = append(ups, u)
	}
	return ups, rows.Err()
}

// ErasedBeforeSending is the last error of an email whose application was erased while it was
// still queued; the outbox page says so in the reader's language.
const ErasedBeforeSending = "erased"

// eraseApplication strips one application of its personal data inside tx. What the statistics
// count stays: edition, status, nationality, residence, sector, gender, degree, dates and review
// scores. The files go with their rows (their bytes by trigger, overwritten: secure_delete), so
// a rolled back erasure loses nothing.
func eraseApplication(ctx context.Context, tx *sql.Tx, id int64, actor, reason string, now time.Time, files []Upload) error {
	statements := []struct {
		query string
		args  []any
	}{
		{`UPDATE applications SET email = ?, given_name = '', family_name = '', date_of_birth = '',
			institution = '', field_of_study = '', motivation = '', referee_name = '',
			referee_email = '', fee_waiver_reason = '', passport_name = '', dietary = '',
			accessibility = '', heard_from = '', cv_upload_id = NULL, visa_letter = 0, erased_at = ?
			WHERE id = ?`, []any{school.ErasedPlaceholder(id), formatInstant(now), id}},
		{`DELETE FROM answers WHERE application_id = ?`, []any{id}},
		{`DELETE FROM follow_up_answers WHERE application_id = ?`, []any{id}},
		{`DELETE FROM consents WHERE application_id = ?`, []any{id}},
		{`DELETE FROM status_links WHERE application_id = ?`, []any{id}},
		{`DELETE FROM application_notes WHERE application_id = ?`, []any{id}},
		{`DELETE FROM staged_decisions WHERE application_id = ?`, []any{id}},
		// Referees' contacts, letters (their bytes by trigger) and links go whole.
		{`DELETE FROM referees WHERE application_id = ?`, []any{id}},
		{`UPDATE reviews SET comment = '' WHERE application_id = ?`, []any{id}},
		// A letter names its holder on /verify; the retention period erases only applicants
		// who were not selected, so certificates of participants are gone only on request.
		{`DELETE FROM issued_documents WHERE application_id = ?`, []any{id}},
		// Emails carry the name and the whole form; one still queued is never sent.
		{`UPDATE outbox SET to_addr = ?, subject = '', text_body = '', html_body = '', status_token = NULL,
			last_error = CASE status WHEN 'queued' THEN ? ELSE last_error END,
			status = CASE status WHEN 'queued' THEN 'failed' ELSE status END
			WHERE application_id = ?`, []any{school.ErasedPlaceholder(id), ErasedBeforeSending, id}},
	}
	for _, st := range statements {
		if _, err := tx.ExecContext(ctx, st.query, st.args...); err != nil {
			return err
		}
	}
	for _, f := range files {
		if _, err := tx.ExecContext(ctx, `DELETE FROM uploads WHERE id = ?`, f.ID); err != nil {
			return err
		}
	}
	if err := journalErasure(ctx, tx, id, now); err != nil {
		return err
	}
	return writeAudit(ctx, tx, AuditEntry{At: now, Actor: actor, Action: "erased",
		Entity: "application", EntityID: id, Detail: reason})
}

// PersonalData is what an edition still holds about people, for its privacy page.
type PersonalData struct {
	Applications int // not erased
	NotSelected  int // not erased, and erased when the retention period ends
	Erased       int
	Files        int
	Bytes        int64
	Requests     int // erasure asked for, not yet carried out
}

// EditionPersonalData counts what an edition holds about its applicants.
func (s *Store) EditionPersonalData(ctx context.Context, editionID int64) (PersonalData, error) {
	var d PersonalData
	err := s.reader.QueryRowContext(ctx, `SELECT
		COUNT(*) FILTER (WHERE erased_at IS NULL),
		COUNT(*) FILTER (WHERE erased_at IS NULL AND status IN (`+notSelectedList()+`)),
		COUNT(*) FILTER (WHERE erased_at IS NOT NULL),
		COUNT(*) FILTER (WHERE erased_at IS NULL AND erasure_asked_at IS NOT NULL)
		FROM applications WHERE edition_id = ?`, editionID).Scan(&d.Applications, &d.NotSelected, &d.Erased, &d.Requests)
	if err != nil {
		return d, fmt.Errorf("db: personal data: %w", err)
	}
	err = s.reader.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(u.size), 0) FROM uploads u
		JOIN applications a ON a.id = u.application_id WHERE a.edition_id = ?`, editionID).Scan(&d.Files, &d.Bytes)
	if err != nil {
		return d, fmt.Errorf("db: personal data: %w", err)
	}
	return d, nil
}

// ErasureRequest is an applicant's request to erase their data, waiting for an organiser.
type ErasureRequest struct {
	ApplicationID int64
	Reference     string
	Name          string
	Status        school.Status
	Edition       school.Edition
	AskedAt       time.Time
}

// ErasureRequests lists the requests not yet carried out in the editions of the scope, oldest
// first.
func (s *Store) ErasureRequests(ctx context.Context, scope school.Scope) ([]ErasureRequest, error) {
	query := `SELECT a.id, a.reference, a.given_name || ' ' || a.family_name, a.status,
		a.erasure_asked_at, ` + editionColumns + editionFrom + ` JOIN applications a ON a.edition_id = e.id
		WHERE a.erasure_asked_at IS NOT NULL AND a.erased_at IS NULL`
	var args []any
	if !scope.All {
		if scope.Empty() {
			return nil, nil
		}
		var marks string
		marks, args = inList(scope.IDs)
		query += ` AND e.id IN (` + marks + `)`
	}
	rows, err := s.reader.QueryContext(ctx, query+` ORDER BY a.erasure_asked_at, a.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("db: erasure requests: %w", err)
	}
	defer rows.Close()
	var reqs []ErasureRequest
	for rows.Next() {
		var r ErasureRequest
		var asked sql.NullString
		e, err := scanEdition(prefixScanner{rows, []any{&r.ApplicationID, &r.Reference, &r.Name, &r.Status, &asked}})
		if err != nil {
			return nil, fmt.Errorf("db: erasure requests: %w", err)
		}
		r.Edition = e
		if r.AskedAt, err = parseInstant(asked); err != nil {
			return nil, err
		}
		reqs = append(reqs, r)
	}
	return reqs, rows.Err()
}

// prefixScanner scans leading columns into prefix before handing the rest to a scan function.
type prefixScanner struct {
	row    scanner
	prefix []any
}

func (p prefixScanner) Scan(dest ...any) error { return p.row.Scan(append(p.prefix, dest...)...) }

// ErrNoErasureRequest is returned when an application has no erasure request waiting.
var ErrNoErasureRequest = errors.New("db: no erasure request waiting")

// CarryOutErasure erases an application whose applicant asked for it, entirely: a selected
// applicant loses their place first (the seat goes to the waiting list as on any withdrawal), and
// their letters and certificates go too. The confirmation, rendered from the application before
// it is erased, is queued to the address it had. One transaction, the files' bytes included.
func (s *Store) CarryOutErasure(ctx context.Context, id int64, actor string, now time.Time, render Renderer) (school.Application, error) {
	var a school.Application
	var files []Upload
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		a, err = scanApplication(tx.QueryRowContext(ctx,
			`SELECT `+applicationColumns+applicationFrom+` WHERE a.id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if a.ErasureAsked.IsZero() || a.Erased() {
			return ErrNoErasureRequest
		}
		confirmation, err := render("erasure_done", a)
		if err != nil {
			return err
		}
		if a.Status.Withdrawable() {
			// The withdrawal's own email is scrubbed with the rest below; the next on the
			// waiting list is told of their offer as usual.
			if a, err = transition(ctx, tx, id, school.StatusWithdrawn, 0, actor, now, render); err != nil {
				return err
			}
		}
		if files, err = applicationFiles(ctx, tx, id); err != nil {
			return err
		}
		if err := eraseApplication(ctx, tx, id, actor, "request", now, files); err != nil {
			return err
		}
		if err := eraseDrafts(ctx, tx, a.EditionID, a.Email); err != nil {
			return err
		}
		return queueEmail(ctx, tx, now, confirmation, id)
	})
	if errors.Is(err, ErrNotFound) || errors.Is(err, ErrNoErasureRequest) {
		return a, err
	}
	if err != nil {
		return a, fmt.Errorf("db: erase application %d: %w", id, err)
	}
	// The alumni directory may have listed them.
	s.catalogueVersion.Add(1)
	return a, nil
}

// EditionHistory lists the audit entries about an edition itself (such as what the retention
// period erased), newest first.
func (s *Store) EditionHistory(ctx context.Context, editionID int64) ([]AuditEntry, error) {
	entries, err := s.auditEntries(ctx, auditSelect+`
		WHERE l.entity = 'edition' AND l.entity_id = ? ORDER BY l.id DESC`, editionID)
	if err != nil {
		return nil, fmt.Errorf("db: edition history: %w", err)
	}
	return entries, nil
}
