package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// CheckBackup tells whether the file at path is a Registrar database that this version can
// use: SQLite that passes its integrity check, with a schema no newer than ours.
func CheckBackup(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("db: backup %s: %w", path, err)
	}
	conn, err := sql.Open("sqlite3", "file:"+url.PathEscape(path)+"?mode=ro")
	if err != nil {
		return fmt.Errorf("db: backup %s: %w", path, err)
	}
	defer conn.Close()
	var result string
	if err := conn.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&result); err != nil {
		return fmt.Errorf("db: %s is not a SQLite database: %w", path, err)
	}
	if result != "ok" {
		return fmt.Errorf("db: %s fails the integrity check: %s", path, result)
	}
	var version int64
	if err := conn.QueryRowContext(ctx, `SELECT COALESCE(MAX(version_id), 0) FROM goose_db_version
		WHERE is_applied = 1`).Scan(&version); err != nil {
		return fmt.Errorf("db: %s is not a Registrar database: %w", path, err)
	}
	latest, err := latestMigration()
	if err != nil {
		return err
	}
	if version < 1 || version > latest {
		return fmt.Errorf("db: %s has schema version %d; this Registrar knows 1 to %d", path, version, latest)
	}
	var editions int
	if err := conn.QueryRowContext(ctx, `SELECT COUNT(*) FROM editions`).Scan(&editions); err != nil {
		return fmt.Errorf("db: %s is not a Registrar database: %w", path, err)
	}
	return nil
}

// latestMigration is the number of the newest migration this binary carries.
func latestMigration() (int64, error) {
	entries, err := fs.ReadDir(migrations, "migrations")
	if err != nil {
		return 0, err
	}
	var latest int64
	for _, e := range entries {
		var n int64
		if _, err := fmt.Sscanf(e.Name(), "%d_", &n); err == nil && n > latest {
			latest = n
		}
	}
	return latest, nil
}

// Restore replaces the database file at dbPath with the backup at from, after checking the
// backup. Everyone erased from the replaced database (its journal of erasures) is erased from
// the restored one again, their files too: a backup must not bring them back.
// Files that a backup from before migration 0028 names but lacks are taken from the replaced
// database when it holds them (restore_files.go).
// The replaced file is kept beside it. No server may have the database open. It returns the
// kept file and how many applications were erased again.
func Restore(ctx context.Context, from, dbPath string, now time.Time) (kept string, erased int, err error) {
	if err := CheckBackup(ctx, from); err != nil {
		return "", 0, err
	}
	var journal []Erasure
	if _, err := os.Stat(dbPath); err == nil {
		if journal, err = readErasures(ctx, dbPath); err != nil {
			return "", 0, fmt.Errorf("db: restore: cannot read the journal of erasures of %s (%w): erasures made "+
				"since the backup would come back. To restore anyway, move that file aside and restore again; "+
				"whoever was erased since the backup must then be erased again by hand", dbPath, err)
		}
	}
	tmp := dbPath + ".restoring"
	if err := os.MkdirAll(filepath.Dir(dbPath), 0o700); err != nil { // a new disk's empty data folder
		return "", 0, fmt.Errorf("db: restore: %w", err)
	}
	if err := copyFile(from, tmp); err != nil {
		_ = os.Remove(tmp)
		return "", 0, fmt.Errorf("db: restore: %w", err)
	}
	if erased, err = eraseAgain(ctx, tmp, journal); err != nil {
		_ = os.Remove(tmp)
		return "", 0, err
	}
	if _, err := takeFilesFrom(ctx, tmp, dbPath); err != nil {
		_ = os.Remove(tmp)
		return "", 0, err
	}
	if _, err := os.Stat(dbPath); err == nil {
		kept = dbPath + ".before-restore-" + now.UTC().Format("20060102-150405")
		if err := os.Rename(dbPath, kept); err != nil {
			return "", 0, fmt.Errorf("db: restore: %w", err)
		}
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(dbPath + suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return kept, 0, fmt.Errorf("db: restore: %w", err)
		}
	}
	if err := os.Rename(tmp, dbPath); err != nil {
		return kept, 0, fmt.Errorf("db: restore: %w", err)
	}
	return kept, erased, nil
}

// eraseAgain brings the database file at path to this version's schema and erases again the
// applications of the journal it holds unerased.
func eraseAgain(ctx context.Context, path string, journal []Erasure) (int, error) {
	s, err := Open(path)
	if err != nil {
		return 0, fmt.Errorf("db: restore: %w", err)
	}
	err = s.Migrate(ctx)
	n := 0
	if err == nil {
		n, err = s.reapplyErasures(ctx, journal)
	}
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return n, fmt.Errorf("db: restore: %w", err)
	}
	return n, nil
}

// NightlyBackup writes a backup into dir when the newest there is about a day old (23 hours, so
// the time of day does not creep), and keeps the newest keep of them, none older than the
// longest retention period. It returns the path written, or "" when none was due.
func (s *Store) NightlyBackup(ctx context.Context, dir string, now time.Time, keep int) (string, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", fmt.Errorf("db: backups: %w", err)
	}
	existing, err := filepath.Glob(filepath.Join(dir, "registrar-*.db"))
	if err != nil {
		return "", err
	}
	sort.Strings(existing) // names carry the time, so this is oldest first
	written := ""
	if n := len(existing); n == 0 || !backupTime(existing[n-1]).After(now.Add(-23*time.Hour)) {
		written = filepath.Join(dir, "registrar-"+now.UTC().Format("20060102-150405")+".db")
		if err := s.Backup(ctx, written); err != nil {
			return "", err
		}
		existing = append(existing, written)
	}
	for len(existing) > keep {
		if err := os.Remove(existing[0]); err != nil {
			return written, fmt.Errorf("db: backups: %w", err)
		}
		existing = existing[1:]
	}
	_, err = s.pruneOldBackups(ctx, existing, now)
	return written, err
}

func backupTime(path string) time.Time {
	name := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(path), "registrar-"), ".db")
	t, _ := time.Parse("20060102-150405", name)
	return t
}

// copyFile copies the file at from to a new file at to, a piece at a time (a backup holds every
// file applicants sent, so it may be large), and syncs it.
func copyFile(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o640)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	return errors.Join(dst.Sync(), dst.Close())
}
