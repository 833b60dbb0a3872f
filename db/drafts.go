package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"registrar/app/school"
)

// Draft is a form saved with "Save and continue later". It is not an application: it has no
// reference and is counted nowhere but as an open draft of its edition.
type Draft struct {
	ID        int64
	EditionID int64
	Email     string
	Lang      string
	Form      []byte // the typed values, as JSON
	CreatedAt time.Time
	UpdatedAt time.Time
	Files     []DraftFile
}

// File is the draft's file of a field, if it has one.
func (d Draft) File(field string) (DraftFile, bool) {
	for _, f := range d.Files {
		if f.Field == field {
			return f, true
		}
	}
	return DraftFile{}, false
}

// DraftFile is a draft's file of one field (cv, or a file question's field); its bytes live in
// file_blobs under StoredName. Data holds them only for a file new in the save that stores it.
type DraftFile struct {
	Field        string
	StoredName   string
	OriginalName string
	ContentType  string
	Size         int64
	SHA256       string
	Data         []byte
}

// DraftSave is one press of "Save and continue later".
type DraftSave struct {
	Draft Draft // ID 0 for a new draft
	// LinkHash is the hash of the link that resumes it: a new draft's, or a new one replacing
	// the draft's link; empty keeps the link as it is.
	LinkHash string
	Files    []DraftFile // new in this save, each replacing the draft's file of its field
	// Email carries the link; nil sends none. It is queued unless a resume link went to its
	// address less than school.DraftEmailQuiet before.
	Email *Email
}

// SaveDraft stores a draft, new or again, with its new files, and queues the email with its
// link, all in one transaction. It returns the draft's id and whether the email was queued.
func (s *Store) SaveDraft(ctx context.Context, sv DraftSave, now time.Time) (id int64, emailed bool, err error) {
	d := sv.Draft
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		id = d.ID
		if id == 0 {
			res, err := tx.ExecContext(ctx, `INSERT INTO drafts (edition_id, token_hash, email, lang, form,
				created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
				d.EditionID, sv.LinkHash, d.Email, d.Lang, string(d.Form), formatInstant(now), formatInstant(now))
			if err != nil {
				return err
			}
			if id, err = res.LastInsertId(); err != nil {
				return err
			}
		} else {
			if err := affectedOne(tx.ExecContext(ctx, `UPDATE drafts SET email = ?, lang = ?, form = ?,
				updated_at = ?, token_hash = COALESCE(NULLIF(?, ''), token_hash) WHERE id = ?`,
				d.Email, d.Lang, string(d.Form), formatInstant(now), sv.LinkHash, id)); err != nil {
				return err
			}
		}
		for _, f := range sv.Files {
			// The field's earlier file goes, its bytes with it (the trigger).
			if _, err := tx.ExecContext(ctx, `DELETE FROM draft_files WHERE draft_id = ? AND field = ?`,
				id, f.Field); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO draft_files (draft_id, field, stored_name,
				original_name, content_type, size, sha256) VALUES (?, ?, ?, ?, ?, ?, ?)`,
				id, f.Field, f.StoredName, f.OriginalName, f.ContentType, f.Size, f.SHA256); err != nil {
				return err
			}
			if err := insertBlob(ctx, tx, f.StoredName, f.Data); err != nil {
				return err
			}
		}
		if sv.Email == nil {
			return nil
		}
		var recent bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM drafts
			WHERE emailed_to = ? COLLATE NOCASE AND emailed_at > ?)`,
			sv.Email.To, formatInstant(now.Add(-school.DraftEmailQuiet))).Scan(&recent); err != nil {
			return err
		}
		if recent {
			return nil
		}
		if err := queueEmail(ctx, tx, now, *sv.Email, 0); err != nil {
			return err
		}
		emailed = true
		_, err := tx.ExecContext(ctx, `UPDATE drafts SET emailed_at = ?, emailed_to = ? WHERE id = ?`,
			formatInstant(now), sv.Email.To, id)
		return err
	})
	if err != nil {
		return 0, false, fmt.Errorf("db: save draft: %w", err)
	}
	return id, emailed, nil
}

// DraftByLink is the draft whose link's secret hashes to linkHash, with its files (without
// their bytes: FileData reads them).
func (s *Store) DraftByLink(ctx context.Context, linkHash string) (Draft, error) {
	var d Draft
	var form, created, updated string
	err := s.reader.QueryRowContext(ctx, `SELECT id, edition_id, email, lang, form, created_at, updated_at
		FROM drafts WHERE token_hash = ?`, linkHash).Scan(&d.ID, &d.EditionID, &d.Email, &d.Lang, &form,
		&created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return d, ErrNotFound
	}
	if err != nil {
		return d, fmt.Errorf("db: draft: %w", err)
	}
	d.Form = []byte(form)
	if d.CreatedAt, err = parseInstant(sql.NullString{String: created, Valid: true}); err != nil {
		return d, err
	}
	if d.UpdatedAt, err = parseInstant(sql.NullString{String: updated, Valid: true}); err != nil {
		return d, err
	}
	rows, err := s.reader.QueryContext(ctx, `SELECT field, stored_name, original_name, content_type, size, sha256
		FROM draft_files WHERE draft_id = ? ORDER BY field`, d.ID)
	if err != nil {
		return d, fmt.Errorf("db: draft files: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var f DraftFile
		if err := rows.Scan(&f.Field, &f.StoredName, &f.OriginalName, &f.ContentType, &f.Size, &f.SHA256); err != nil {
			return d, fmt.Errorf("db: draft files: %w", err)
		}
		d.Files = append(d.Files, f)
	}
	return d, rows.Err()
}

// DeleteDraft deletes a draft, its files and its emails: once sent as an application, it is
// not kept.
func (s *Store) DeleteDraft(ctx context.Context, id int64) error {
	if err := s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := deleteDrafts(ctx, tx, `d.id = ?`, id)
		return err
	}); err != nil {
		return fmt.Errorf("db: delete draft %d: %w", id, err)
	}
	return nil
}

// eraseDrafts deletes, with their files and emails, the drafts of an edition saved with
// address: an applicant's erasure takes those too.
func eraseDrafts(ctx context.Context, tx *sql.Tx, editionID int64, address string) error {
	_, err := deleteDrafts(ctx, tx, `d.edition_id = ? AND d.email = ? COLLATE NOCASE`, editionID, address)
	return err
}

// deleteDrafts deletes the drafts d that where picks with their files (their bytes by trigger)
// and the emails that carried their links, queued or sent, which name an address and an edition.
// The outbox names no draft: a draft's email ("draft_saved", mail.DraftSaved) is the one to its
// address queued since the draft was made.
func deleteDrafts(ctx context.Context, tx *sql.Tx, where string, args ...any) (int64, error) {
	if _, err := tx.ExecContext(ctx, `DELETE FROM outbox WHERE template = 'draft_saved'
		AND application_id IS NULL AND EXISTS (SELECT 1 FROM drafts d WHERE `+where+`
		AND outbox.to_addr COLLATE NOCASE IN (d.email, d.emailed_to) AND outbox.created_at >= d.created_at)`,
		args...); err != nil {
		return 0, err
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM drafts AS d WHERE `+where, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// DraftsHeld is what an edition holds in open drafts.
type DraftsHeld struct {
	Drafts int
	Files  int
	Bytes  int64
}

// EditionDrafts counts an edition's open drafts and their files.
func (s *Store) EditionDrafts(ctx context.Context, editionID int64) (DraftsHeld, error) {
	var h DraftsHeld
	err := s.reader.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM drafts WHERE edition_id = ?1),
		(SELECT COUNT(*) FROM draft_files f JOIN drafts d ON d.id = f.draft_id WHERE d.edition_id = ?1),
		(SELECT COALESCE(SUM(f.size), 0) FROM draft_files f JOIN drafts d ON d.id = f.draft_id WHERE d.edition_id = ?1)`,
		editionID).Scan(&h.Drafts, &h.Files, &h.Bytes)
	if err != nil {
		return h, fmt.Errorf("db: drafts of edition %d: %w", editionID, err)
	}
	return h, nil
}

// PurgeDrafts deletes, with their files, the drafts of every edition whose drafts expired at
// now (school.Edition.DraftExpired), and returns how many drafts went.
func (s *Store) PurgeDrafts(ctx context.Context, now time.Time) (int, error) {
	editions, err := s.queryEditions(ctx, `SELECT `+editionColumns+editionFrom+
		` WHERE e.id IN (SELECT DISTINCT edition_id FROM drafts) ORDER BY e.id`)
	if err != nil {
		return 0, fmt.Errorf("db: purge drafts: %w", err)
	}
	purged := 0
	for _, e := range editions {
		if !e.DraftExpired(now) {
			continue
		}
		var n int64
		if err := s.inTx(ctx, func(tx *sql.Tx) (err error) {
			n, err = deleteDrafts(ctx, tx, `d.edition_id = ?`, e.ID)
			return err
		}); err != nil {
			return purged, fmt.Errorf("db: purge drafts of edition %d: %w", e.ID, err)
		}
		purged += int(n)
	}
	return purged, nil
}
