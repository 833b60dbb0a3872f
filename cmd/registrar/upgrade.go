package main

import (
	"context"
	"log/slog"
	"time"

	"registrar/app"
	"registrar/db"
)

// version is the build's version: the Makefile sets it from git describe with -ldflags.
var version = "dev"

// backupBeforeUpgrade copies a database with data into the backups folder before this binary
// migrates it to a newer schema, and logs where: the way back from an upgrade is
// `registrar restore` of that file with the old binary.
func backupBeforeUpgrade(ctx context.Context, cfg app.Config, store *db.Store, logger *slog.Logger) error {
	path, err := store.BackupBeforeUpgrade(ctx, cfg.Layout().Backups(), time.Now())
	if err == nil && path != "" {
		logger.Info("backup taken before upgrading the database schema", slog.String("backup", path),
			slog.String("database", cfg.Layout().Database()), slog.String("version", version))
	}
	return err
}
