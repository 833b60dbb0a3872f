package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Upload is a stored file's record; its bytes live in file_blobs under the stored name.
type Upload struct {
	ID            int64
	ClaimKey      string
	StoredName    string
	OriginalName  string
	ContentType   string
	Size          int64
	SHA256        string
	ApplicationID int64
	// SentFrom ties the files one browser sent (a hash of its CSRF token); SentFor is the
	// application whose applicant sent it, when known. Both matter while no application has
	// claimed the file: an erasure takes it with the application.
	SentFrom string
	SentFor  int64
}

// CreateUpload stores a file received at now, with its bytes, not yet part of any application.
func (s *Store) CreateUpload(ctx context.Context, u Upload, data []byte, now time.Time) (int64, error) {
	var id int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = insertUpload(ctx, tx, u, data, now)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("db: create upload: %w", err)
	}
	return id, nil
}

// insertUpload stores a file and its bytes inside tx, claimed by u.ApplicationID when not 0.
func insertUpload(ctx context.Context, tx *sql.Tx, u Upload, data []byte, now time.Time) (int64, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO uploads (claim_key, stored_name,
		original_name, content_type, size, sha256, sent_from, sent_for, application_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?, NULLIF(?, ''), NULLIF(?, 0), NULLIF(?, 0), ?)`,
		u.ClaimKey, u.StoredName, u.OriginalName, u.ContentType, u.Size, u.SHA256, u.SentFrom,
		u.SentFor, u.ApplicationID, formatInstant(now))
	if err != nil {
		return 0, err
	}
	if err := insertBlob(ctx, tx, u.StoredName, data); err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// UploadsSentFor ties the unattached files that the browser sentFrom sent to the application
// it has now sent, so that the applicant's erasure takes them too.
func (s *Store) UploadsSentFor(ctx context.Context, sentFrom string, applicationID int64) error {
	if sentFrom == "" {
		return nil
	}
	// Most browsers have none: asked of a reader, that costs the one writer nothing.
	var any bool
	if err := s.reader.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM uploads
		WHERE sent_from = ? AND application_id IS NULL AND sent_for IS NULL)`, sentFrom).Scan(&any); err != nil {
		return fmt.Errorf("db: uploads sent for %d: %w", applicationID, err)
	}
	if !any {
		return nil
	}
	_, err := s.writer.ExecContext(ctx, `UPDATE uploads SET sent_for = ?
		WHERE sent_from = ? AND application_id IS NULL AND sent_for IS NULL`, applicationID, sentFrom)
	if err != nil {
		return fmt.Errorf("db: uploads sent for %d: %w", applicationID, err)
	}
	return nil
}

// RemoveUnattachedUploads deletes the files that no application claimed and that were received
// before before, and returns how many went.
func (s *Store) RemoveUnattachedUploads(ctx context.Context, before time.Time) (int, error) {
	res, err := s.writer.ExecContext(ctx, `DELETE FROM uploads WHERE application_id IS NULL
		AND created_at < ?`, formatInstant(before))
	if err != nil {
		return 0, fmt.Errorf("db: remove unattached uploads: %w", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

const uploadColumns = `id, claim_key, stored_name, original_name, content_type, size, sha256,
	COALESCE(application_id, 0)`

func scanUpload(row scanner) (Upload, error) {
	var u Upload
	err := row.Scan(&u.ID, &u.ClaimKey, &u.StoredName, &u.OriginalName, &u.ContentType, &u.Size,
		&u.SHA256, &u.ApplicationID)
	if errors.Is(err, sql.ErrNoRows) {
		return u, ErrNotFound
	}
	if err != nil {
		return u, fmt.Errorf("db: upload: %w", err)
	}
	return u, nil
}

// UploadByClaim is the unclaimed upload with the given claim key.
func (s *Store) UploadByClaim(ctx context.Context, claim string) (Upload, error) {
	return scanUpload(s.reader.QueryRowContext(ctx, `SELECT `+uploadColumns+` FROM uploads
		WHERE claim_key = ? AND application_id IS NULL`, claim))
}

// ApplicationUpload is an upload that belongs to the given application.
func (s *Store) ApplicationUpload(ctx context.Context, applicationID, uploadID int64) (Upload, error) {
	return scanUpload(s.reader.QueryRowContext(ctx, `SELECT `+uploadColumns+` FROM uploads
		WHERE id = ? AND application_id = ?`, uploadID, applicationID))
}

func splitLines(s string) []string {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	return lines
}
