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

// A backup made before files moved into the database (migration 0028) holds the database only:
// its uploads and documents name files that lay in the uploads/ and documents/ folders beside
// it. Restored on a data folder whose database holds those files (they moved in at the upgrade),
// the restore takes them from there; whatever is still missing, the restore says (FilesMissing).

// namedFiles are the stored names of every file an upload or a document names.
const namedFiles = `SELECT stored_name FROM uploads UNION SELECT stored_name FROM documents WHERE stored_name <> ''`

// takeFilesFrom copies into the database at path the bytes of the files it names but lacks, from
// the database at from, the one a restore replaces. Erasures are applied again before, so an
// erased applicant's files, whose rows are gone, are not brought back. It returns how many.
func takeFilesFrom(ctx context.Context, path, from string) (int, error) {
	if _, err := os.Stat(from); errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	conn, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=5000&_secure_delete=on")
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1) // ATTACH holds for one connection only
	if _, err := conn.ExecContext(ctx, `ATTACH DATABASE ? AS replaced`, "file:"+from+"?mode=ro"); err != nil {
		return 0, fmt.Errorf("db: restore: files from %s: %w", from, err)
	}
	var has bool
	if err := conn.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM replaced.sqlite_master
		WHERE type = 'table' AND name = 'file_blobs')`).Scan(&has); err != nil || !has {
		return 0, err
	}
	res, err := conn.ExecContext(ctx, `INSERT INTO main.file_blobs (name, data)
		SELECT r.name, r.data FROM replaced.file_blobs r
		WHERE r.name IN (`+namedFiles+`) AND r.name NOT IN (SELECT name FROM main.file_blobs)`)
	if err != nil {
		return 0, fmt.Errorf("db: restore: files from %s: %w", from, err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// FilesMissing counts the files that the database at path names without holding their bytes and
// that none of dirs holds either (the old uploads/ and documents/ folders, which MoveFilesIn
// takes in at start).
func FilesMissing(ctx context.Context, path string, dirs ...string) (int, error) {
	conn, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	rows, err := conn.QueryContext(ctx, `SELECT n.stored_name FROM (`+namedFiles+`) n
		WHERE n.stored_name NOT IN (SELECT name FROM file_blobs)`)
	if err != nil {
		return 0, fmt.Errorf("db: files missing: %w", err)
	}
	defer rows.Close()
	missing := 0
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return 0, err
		}
		if !inAny(name, dirs) {
			missing++
		}
	}
	return missing, rows.Err()
}

// inAny says whether a regular file of that name lies in one of dirs.
func inAny(name string, dirs []string) bool {
	for _, dir := range dirs {
		if fi, err := os.Stat(filepath.Join(dir, name)); err == nil && fi.Mode().IsRegular() {
			return true
		}
	}
	return false
}
