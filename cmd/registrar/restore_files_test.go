package main

import (
	"compress/gzip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"registrar/db"
)

// A backup made before files moved into the database (migration 0028) holds the database only;
// its CVs lay in the uploads/ folder. Restored over the upgraded data folder, the restore takes
// them from the database it replaces. Restored onto an empty data folder, it says clearly that
// files are missing and which folders to copy where; copied, they are there after the start.
func TestABackupFromBeforeFilesMovedInIsRestoredWithItsFiles(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	if err := os.MkdirAll(filepath.Join(data, "uploads"), 0o750); err != nil {
		t.Fatal(err)
	}
	oldDatabase(t, filepath.Join(data, "registrar.db"))
	cv := []byte("%PDF-1.4\n% the CV of the first applicant, in the old uploads folder\n%%EOF\n")
	const name = "0f1e2d3c4b5a.pdf"
	sum := sha256.Sum256(cv)
	conn, err := sql.Open("sqlite3", "file:"+filepath.Join(data, "registrar.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(`INSERT INTO uploads (claim_key, stored_name, original_name, content_type, size, sha256, application_id)
		VALUES ('old-claim', ?, 'cv.pdf', 'application/pdf', ?, ?, (SELECT MIN(id) FROM applications))`,
		name, len(cv), hex.EncodeToString(sum[:])); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	if err := os.WriteFile(filepath.Join(data, "uploads", name), cv, 0o640); err != nil {
		t.Fatal(err)
	}
	// The nightly backup of those days: the database file alone (the README said to rsync the
	// folders alongside).
	backup := filepath.Join(dir, "registrar-old.db")
	copyTestFile(t, filepath.Join(data, "registrar.db"), backup)
	saved := filepath.Join(dir, "rsynced-uploads")
	if err := os.MkdirAll(saved, 0o750); err != nil {
		t.Fatal(err)
	}
	copyTestFile(t, filepath.Join(data, "uploads", name), filepath.Join(saved, name))

	// The upgrade moves the CV into the database and the folder goes.
	t.Setenv("REGISTRAR_DATA", data)
	registrar(t, "migrate")
	if _, err := os.Stat(filepath.Join(data, "uploads")); !os.IsNotExist(err) {
		t.Fatalf("after the upgrade the uploads folder is still there: %v", err)
	}
	wantCV(t, data, name, cv)

	// Restored over the upgraded folder: the CV comes from the database replaced.
	if out := registrar(t, "restore", backup); strings.Contains(out, "WARNING") {
		t.Errorf("restoring over the upgraded data folder warns:\n%s", out)
	}
	wantCV(t, data, name, cv)

	// The disk is lost: restored onto an empty data folder, the CV is nowhere, and the restore
	// says what to do.
	lost := filepath.Join(dir, "new-disk")
	t.Setenv("REGISTRAR_DATA", lost)
	out := registrar(t, "restore", backup)
	for _, want := range []string{"WARNING: the backup lacks 1 of the files", "migration 0028",
		"uploads/ and documents/", "into " + lost + ", then start Registrar"} {
		if !strings.Contains(out, want) {
			t.Errorf("restoring onto an empty data folder says nothing of %q:\n%s", want, out)
		}
	}
	// The operator copies the folder kept beside the backup; at the start it moves in.
	if err := os.MkdirAll(filepath.Join(lost, "uploads"), 0o750); err != nil {
		t.Fatal(err)
	}
	copyTestFile(t, filepath.Join(saved, name), filepath.Join(lost, "uploads", name))
	if out := registrar(t, "restore", backup); strings.Contains(out, "WARNING") {
		t.Errorf("with the folder copied the restore still warns:\n%s", out)
	}
	registrar(t, "migrate")
	wantCV(t, lost, name, cv)
}

// oldDatabase writes the first release's database (schema 12, files in folders) to path.
func oldDatabase(t *testing.T, path string) {
	t.Helper()
	gz, err := os.Open(firstRelease)
	if err != nil {
		t.Fatal(err)
	}
	defer gz.Close()
	r, err := gzip.NewReader(gz)
	if err != nil {
		t.Fatal(err)
	}
	old, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, old, 0o640); err != nil {
		t.Fatal(err)
	}
}

func copyTestFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o640); err != nil {
		t.Fatal(err)
	}
}

// wantCV checks that the database of the data folder holds the file's bytes, as an organiser
// opening the CV reads them.
func wantCV(t *testing.T, data, name string, want []byte) {
	t.Helper()
	store, err := db.Open(filepath.Join(data, "registrar.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	got, err := store.FileData(context.Background(), name)
	if err != nil || string(got) != string(want) {
		t.Errorf("the CV %s in %s: %d bytes (%v), want the %d the applicant sent", name, data, len(got), err, len(want))
	}
}
