package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Upload is a stored file's record; the bytes live on disk under the stored name.
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

// CreateUpload records a file written to disk at now, not yet part of any application.
func (s *Store) CreateUpload(ctx context.Context, u Upload, now time.Time) (int64, error) {
	res, err := s.writer.ExecContext(ctx, `INSERT INTO uploads (claim_key, stored_name,
		original_name, content_type, size, sha256, sent_from, sent_for, created_at)
		VALUES (?, ?, ?, ?, ?, ?, NULLIF(?, ''), NULLIF(?, 0), ?)`,
		u.ClaimKey, u.StoredName, u.OriginalName, u.ContentType, u.Size, u.SHA256, u.SentFrom,
		u.SentFor, formatInstant(now))
	if err != nil {
		return 0, fmt.Errorf("db: create upload: %w", err)
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
// before before, from the database and then from uploadsDir, and returns how many went.
func (s *Store) RemoveUnattachedUploads(ctx context.Context, uploadsDir string, before time.Time) (int, error) {
	var names []string
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `DELETE FROM uploads WHERE application_id IS NULL
			AND created_at < ? RETURNING stored_name`, formatInstant(before))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var name string
			if err := rows.Scan(&name); err != nil {
				return err
			}
			names = append(names, name)
		}
		return rows.Err()
	})
	if err != nil {
		return 0, fmt.Errorf("db: remove unattached uploads: %w", err)
	}
	return len(names), removeFiles(uploadsDir, names)
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
