package main

import (
	"context"
	"fmt"
	"io"

	"registrar/app"
	"registrar/db"
)

// reportMissingFiles says, after a restore, how many files the restored database names but
// holds nowhere: a backup made before files moved into the database (migration 0028) holds
// the database only, and the restore found them neither in the database it replaced nor in the
// data folder's old uploads/ and documents/ folders.
func reportMissingFiles(ctx context.Context, cfg app.Config, stdout io.Writer) error {
	layout := cfg.Layout()
	missing, err := db.FilesMissing(ctx, layout.Database(), layout.Uploads(), layout.Documents())
	if err != nil || missing == 0 {
		return err
	}
	fmt.Fprintf(stdout, "\nWARNING: the backup lacks %d of the files its applications and documents name (CVs, answer files,\n"+
		"documents). It was made before files were kept in the database (migration 0028), when they\n"+
		"lay in the folders uploads/ and documents/ of the data folder, and the database it replaced does not\n"+
		"hold them either. Copy those two folders as they were when the backup was made (from where you kept\n"+
		"them beside the backup) into %s, then start Registrar: it moves them into the database as it starts.\n"+
		"Until then these files cannot be opened.\n", missing, cfg.DataDir)
	return nil
}
