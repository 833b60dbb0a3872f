package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"registrar/app/school"
	"registrar/db"
)

// registrar runs the command line with args and returns what it printed.
func registrar(t *testing.T, args ...string) string {
	t.Helper()
	var out bytes.Buffer
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if err := run(args, strings.NewReader(""), &out, logger, new(slog.LevelVar)); err != nil {
		t.Fatalf("registrar %v: %v", args, err)
	}
	return out.String()
}

func TestARestoredBackupDoesNotBringErasedApplicantsBack(t *testing.T) {
	store, dir := migratedStore(t)
	ctx := context.Background()
	e := endedSeminar(t, store, "restored-seminar", "Restored seminar")
	people := map[string]school.Application{}
	people["rejected@example.org"] = applicantOf(t, store, e, "rejected@example.org", school.StatusRejected)
	for _, email := range []string{"asked@example.org", "kept@example.org"} {
		people[email] = applicantOf(t, store, e, email, school.StatusAccepted, school.StatusConfirmed, school.StatusAttended)
	}
	if err := store.RequestErasure(ctx, people["asked@example.org"].ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	store.Close()

	// A backup, then both erasures: by the retention period and by request.
	backup := filepath.Join(t.TempDir(), "before-erasure.db")
	registrar(t, "backup", backup)
	registrar(t, "purge")
	store, err := db.Open(filepath.Join(dir, "registrar.db"))
	if err != nil {
		t.Fatal(err)
	}
	render := func(name string, a school.Application) (db.Email, error) {
		return db.Email{To: a.Email, Lang: "en", Subject: name, Text: name, Template: name}, nil
	}
	if _, err := store.CarryOutErasure(ctx, people["asked@example.org"].ID, "user:1", time.Now(), render); err != nil {
		t.Fatal(err)
	}
	store.Close()

	for round := 1; round <= 2; round++ { // a second restore of the same backup erases them too
		out := registrar(t, "restore", backup)
		if round == 1 && !strings.Contains(out, "2 applications erased since the backup erased again") {
			t.Errorf("restore printed %q", out)
		}
		if _, err := os.Stat(filepath.Join(dir, "registrar.db.restoring-wal")); !os.IsNotExist(err) {
			t.Errorf("the restore left a write-ahead log behind: %v", err)
		}
		store, err = db.Open(filepath.Join(dir, "registrar.db"))
		if err != nil {
			t.Fatal(err)
		}
		for email, a := range people {
			got, err := store.Application(ctx, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			if erased := email != "kept@example.org"; got.Erased() != erased || (erased && (got.GivenName != "" || got.Email == email)) {
				t.Errorf("round %d: %s after the restore: erased %v, name %q, address %q", round, email, got.Erased(), got.GivenName, got.Email)
			}
		}
		store.Close()
	}
}
