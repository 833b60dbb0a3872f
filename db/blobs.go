package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Files' bytes live in the table file_blobs, under the stored name of the upload or document
// that holds them, and are written in the same transaction as that row: a crash leaves no file
// without its record nor a record without its file, and a backup or a replica of the database
// holds every file. Deleting the row deletes the bytes (a trigger), and the writer runs with
// secure_delete, so an erased file does not linger in the database's free pages.

// insertBlob stores the bytes of the file named name inside tx.
func insertBlob(ctx context.Context, tx *sql.Tx, name string, data []byte) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO file_blobs (name, data) VALUES (?, ?)`, name, data); err != nil {
		return fmt.Errorf("store file %s: %w", name, err)
	}
	return nil
}

// FileData reads the bytes of the stored file named name (at most 5 MB for an upload, 20 MB for
// a document), for serving.
func (s *Store) FileData(ctx context.Context, name string) ([]byte, error) {
	var data []byte
	err := s.reader.QueryRowContext(ctx, `SELECT data FROM file_blobs WHERE name = ?`, name).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("db: file %s: %w", name, err)
	}
	return data, nil
}

// MoveFilesIn moves into the database the files that a data folder made before files lived in
// it still keeps in dirs (the old uploads/ and documents/ folders): each file that an upload or
// a document names and whose bytes the database lacks is stored, in a transaction of its own,
// and removed from disk once that is committed. Files nothing names stay where they are, and a
// folder left empty goes. A second run finds nothing to do. It returns how many files moved.
func (s *Store) MoveFilesIn(ctx context.Context, dirs ...string) (int, error) {
	moved := 0
	for _, dir := range dirs {
		entries, err := os.ReadDir(dir)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return moved, fmt.Errorf("db: move files in: %w", err)
		}
		for _, e := range entries {
			if !e.Type().IsRegular() {
				continue
			}
			ok, err := s.moveFileIn(ctx, filepath.Join(dir, e.Name()))
			if err != nil {
				return moved, fmt.Errorf("db: move files in: %w", err)
			}
			if ok {
				moved++
			}
		}
		_ = os.Remove(dir) // only when empty
	}
	return moved, nil
}

// moveFileIn stores the file at path when an upload or a document names it, then removes it.
func (s *Store) moveFileIn(ctx context.Context, path string) (bool, error) {
	name := filepath.Base(path)
	var named bool
	if err := s.reader.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM uploads WHERE stored_name = ?1)
		OR EXISTS (SELECT 1 FROM documents WHERE stored_name = ?1)`, name).Scan(&named); err != nil || !named {
		return false, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return false, err
	}
	// Stored by an earlier run that stopped before removing it: the bytes are kept, not doubled.
	if _, err := s.writer.ExecContext(ctx, `INSERT INTO file_blobs (name, data) VALUES (?, ?)
		ON CONFLICT (name) DO NOTHING`, name, data); err != nil {
		return false, err
	}
	return true, os.Remove(path)
}
