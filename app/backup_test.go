package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"registrar/app/files"
	"registrar/app/school"
	"registrar/db"
)

// One backup holds everything: taken while the server runs, restored into an empty data folder,
// it brings back a Registrar on which an organiser opens every CV, byte for byte.
func TestARestoredBackupServesEveryCV(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ts := newFormServer(t)
	cvs := map[int64][]byte{}
	for i := range 3 {
		email := fmt.Sprintf("backed-up-%d@example.org", i)
		cv := formFile{Field: "cv", Name: "cv.pdf", Data: minimalPDF(strings.Repeat(email, 2000))}
		token := ts.visitor().applyOK(t, summerSlug, summerAnswers(t, ts, email), cv)
		cvs[applicationOf(t, ts, token).ID] = cv.Data
	}
	backup := filepath.Join(t.TempDir(), "registrar-backup.db")
	if err := ts.store.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	if _, _, err := db.Restore(ctx, backup, files.Layout(dir).Database(), demoNow); err != nil {
		t.Fatal(err)
	}
	store, err := db.Open(files.Layout(dir).Database())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{DataDir: dir, BaseURL: "http://127.0.0.1", Clock: func() time.Time { return demoNow }},
		store, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Shutdown(time.Second) })
	restored := &testServer{Server: s, store: store, dir: dir}
	createUser(t, restored, "restored-organiser@school.test", school.RoleOrganiser)
	v := signIn(t, restored, "restored-organiser@school.test")
	for id, want := range cvs {
		a, err := store.Application(ctx, id)
		if err != nil || a.CVUploadID == 0 {
			t.Fatalf("application %d after the restore: %+v, %v", id, a, err)
		}
		resp, body := v.get(t, fmt.Sprintf("/admin/applications/%d/files/%d", id, a.CVUploadID))
		wantStatus(t, resp, body, http.StatusOK)
		if body != string(want) || resp.Header.Get("Content-Type") != files.PDF {
			t.Errorf("the CV of %s came back as %d bytes of %s, want %d bytes of a PDF", a.Reference,
				len(body), resp.Header.Get("Content-Type"), len(want))
		}
	}
}
