package db

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
	"time"

	"registrar/app/school"
)

// openSummer is the demo's summer school open at now.
func openSummer(t testing.TB, s *Store, now time.Time) school.Edition {
	t.Helper()
	all, err := s.PublicEditions(context.Background(), EditionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range all {
		if e.SeriesSlug == "summer-school" && e.WindowAt(now) == school.WindowOpen {
			return e
		}
	}
	t.Fatal("the demo has no open summer school")
	return school.Edition{}
}

// markedCV is a CV of about 200 KB made of one random marker, so that any piece of it left in a
// file is found.
func markedCV(t testing.TB) (cv, marker []byte) {
	t.Helper()
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	marker = []byte(hex.EncodeToString(b))
	return append(bytes.Repeat(marker, 200<<10/len(marker)), "\n%%EOF\n"...), marker
}

// filesHold tells whether the database file at path, or its log, holds marker.
func filesHold(t *testing.T, path string, marker []byte) bool {
	t.Helper()
	for _, p := range []string{path, path + "-wal"} {
		data, err := os.ReadFile(p)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		if bytes.Contains(data, marker) {
			return true
		}
	}
	return false
}

// An erased applicant's CV is gone from the database file itself, not only from its tables:
// without secure_delete its pages stayed in the free list, bytes and all.
func TestAnErasedCVLeavesNoTraceInTheDatabaseFile(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, time.November, 27, 12, 0, 0, 0, time.UTC)
	s := openDemoStore(t, now)
	summer := openSummer(t, s, now)
	cv, marker := markedCV(t)
	up := Upload{ClaimKey: "claim-erased", StoredName: "0123456789abcdef0123456789abcdef",
		OriginalName: "cv.pdf", ContentType: "application/pdf", Size: int64(len(cv)), SHA256: "x"}
	id, err := s.CreateUpload(ctx, up, cv, now)
	if err != nil {
		t.Fatal(err)
	}
	a, err := s.CreateApplication(ctx, summer, school.Application{Lang: "en", Email: "erased@example.org",
		GivenName: "Erased", FamilyName: "Applicant", Nationality: "UA", Residence: "UA", CVUploadID: id}, "", now, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.writer.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	if !filesHold(t, s.path, marker) {
		t.Fatal("the CV is not in the database file before the erasure")
	}

	if err := s.RequestErasure(ctx, a.ID, now); err != nil {
		t.Fatal(err)
	}
	render := func(string, school.Application) (Email, error) { return Email{}, nil }
	if _, err := s.CarryOutErasure(ctx, a.ID, ActorSystem, now, render); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FileData(ctx, up.StoredName); err != ErrNotFound {
		t.Errorf("the erased CV is still served: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if filesHold(t, s.path, marker) {
		t.Error("the erased CV's bytes are still in the database file")
	}
}

// A data folder made before files moved into the database keeps them in uploads/ and
// documents/: a start moves those that rows name into the database and off the disk, and a
// second start finds nothing left to do.
func TestFilesOfAnOldDataFolderMoveIntoTheDatabase(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, time.November, 27, 12, 0, 0, 0, time.UTC)
	s := openDemoStore(t, now)
	dir := filepath.Dir(s.path)
	uploads, documents := filepath.Join(dir, "uploads"), filepath.Join(dir, "documents")
	summer := openSummer(t, s, now)
	// The rows as the old version wrote them: a name, and the bytes in a folder.
	cv, _ := markedCV(t)
	if _, err := s.writer.Exec(`INSERT INTO uploads (claim_key, stored_name, original_name, content_type,
		size, sha256) VALUES ('old-claim', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'cv.pdf', 'application/pdf', ?, 'x')`,
		len(cv)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.writer.Exec(`INSERT INTO documents (edition_id, title_en, file_name, stored_name,
		content_type, size) VALUES (?, 'Programme', 'p.pdf', 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', 'application/pdf', 4)`,
		summer.ID); err != nil {
		t.Fatal(err)
	}
	for path, data := range map[string][]byte{
		filepath.Join(uploads, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"):   cv,
		filepath.Join(documents, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"): []byte("%PDF"),
		filepath.Join(uploads, ".incoming-123"):                      []byte("half a file nothing names"),
	} {
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o640); err != nil {
			t.Fatal(err)
		}
	}

	moved, err := s.MoveFilesIn(ctx, uploads, documents)
	if err != nil || moved != 2 {
		t.Fatalf("moved %d files: %v", moved, err)
	}
	if got, err := s.FileData(ctx, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"); err != nil || !bytes.Equal(got, cv) {
		t.Errorf("the CV moved as %d bytes: %v", len(got), err)
	}
	if got, err := s.FileData(ctx, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"); err != nil || string(got) != "%PDF" {
		t.Errorf("the document moved as %q: %v", got, err)
	}
	if _, err := os.Stat(documents); !os.IsNotExist(err) {
		t.Errorf("the emptied documents folder is still there: %v", err)
	}
	left, _ := os.ReadDir(uploads)
	if len(left) != 1 || left[0].Name() != ".incoming-123" {
		t.Errorf("left in uploads: %v", left)
	}
	if moved, err := s.MoveFilesIn(ctx, uploads, documents); err != nil || moved != 0 {
		t.Errorf("a second run moved %d files: %v", moved, err)
	}
}

// A CV sent with a form is written in the application's own transaction: stored with the
// application, and not at all when the application is refused (the same address twice).
func TestACVIsStoredWithItsApplicationOrNotAtAll(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, time.November, 27, 12, 0, 0, 0, time.UTC)
	s := openDemoStore(t, now)
	summer := openSummer(t, s, now)
	apply := func(name string) (school.Application, []byte, error) {
		cv, _ := markedCV(t)
		up := Upload{ClaimKey: "claim-" + name, StoredName: name, OriginalName: "cv.pdf",
			ContentType: "application/pdf", Size: int64(len(cv)), SHA256: "x"}
		a, err := s.CreateApplication(ctx, summer, school.Application{Lang: "en", Email: "twice@example.org",
			GivenName: "Twice", FamilyName: "Applicant", Nationality: "UA", Residence: "UA"}, "", now, nil,
			NewFile{Upload: up, Data: cv})
		return a, cv, err
	}
	first, cv, err := apply("11111111111111111111111111111111")
	if err != nil {
		t.Fatal(err)
	}
	up, err := s.ApplicationUpload(ctx, first.ID, first.CVUploadID)
	if err != nil {
		t.Fatalf("the application's CV: %v", err)
	}
	if got, err := s.FileData(ctx, up.StoredName); err != nil || !bytes.Equal(got, cv) {
		t.Errorf("the CV is stored as %d bytes: %v", len(got), err)
	}
	if _, _, err := apply("22222222222222222222222222222222"); err != ErrDuplicate {
		t.Fatalf("the same address again: %v", err)
	}
	if _, err := s.FileData(ctx, "22222222222222222222222222222222"); err != ErrNotFound {
		t.Errorf("the refused application's CV was stored: %v", err)
	}
	var uploads int
	if err := s.reader.QueryRow(`SELECT COUNT(*) FROM uploads WHERE claim_key LIKE 'claim-%'`).Scan(&uploads); err != nil || uploads != 1 {
		t.Errorf("%d uploads recorded: %v", uploads, err)
	}
}
