package db

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// BackupBeforeUpgrade copies a database that holds editions into dir before migrations this
// binary carries change its schema, so a failed or unwanted upgrade can be undone with
// `registrar restore`. The copy is named after the old schema version and the time
// (before-upgrade-schema-0012-20261205-063000.db), apart from the nightly backups, which are
// pruned. It returns the copy's path, or "" when none was needed (a new database, or one
// already at this schema).
func (s *Store) BackupBeforeUpgrade(ctx context.Context, dir string, now time.Time) (string, error) {
	var tables int
	if err := s.reader.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master
		WHERE type = 'table' AND name IN ('goose_db_version', 'editions')`).Scan(&tables); err != nil {
		return "", fmt.Errorf("db: before upgrade: %w", err)
	}
	if tables < 2 {
		return "", nil
	}
	version, err := s.SchemaVersion(ctx)
	if err != nil {
		return "", err
	}
	latest, err := latestMigration()
	if err != nil {
		return "", err
	}
	if empty, err := s.IsEmpty(ctx); err != nil || empty || version >= latest {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", fmt.Errorf("db: before upgrade: %w", err)
	}
	path := filepath.Join(dir, fmt.Sprintf("before-upgrade-schema-%04d-%s.db", version, now.UTC().Format("20060102-150405")))
	if err := s.Backup(ctx, path); err != nil {
		return "", fmt.Errorf("db: before upgrade from schema %d: %w", version, err)
	}
	return path, nil
}
