package db

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"registrar/app/school"
)

func openTestStore(t *testing.T, path string) *Store {
	t.Helper()
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestBackupWhileTakingWritesRestoresEverythingItHad(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openTestStore(t, filepath.Join(dir, "registrar.db"))
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	if err := s.LoadDemo(ctx, now); err != nil {
		t.Fatal(err)
	}
	open, err := s.OpenCalls(ctx, now)
	if err != nil || len(open) == 0 {
		t.Fatalf("open calls %v, %v", open, err)
	}
	e := open[0]

	// Applications keep arriving while the backup is taken.
	var written atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			a := school.Application{Lang: "en", Email: "p" + string(rune('a'+i%26)) + time.Now().Format("150405.000000000") + "@example.org",
				GivenName: "P", FamilyName: "Q", Nationality: "CZ", Residence: "CZ"}
			if _, err := s.CreateApplication(ctx, e, a, "", now, nil); err != nil {
				t.Error(err)
				return
			}
			written.Add(1)
		}
	}()
	for written.Load() < 20 {
		time.Sleep(time.Millisecond)
	}
	backup := filepath.Join(dir, "backup.db")
	if err := s.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	close(stop)
	wg.Wait()
	if err := CheckBackup(ctx, backup); err != nil {
		t.Fatalf("the backup fails its check: %v", err)
	}
	if err := s.Backup(ctx, backup); err == nil {
		t.Error("a backup overwrote an existing file")
	}

	// Restore it in place of another database and find the applications it held.
	target := filepath.Join(t.TempDir(), "registrar.db")
	openTestStore(t, target).Close()
	kept, _, err := Restore(ctx, backup, target, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(kept); err != nil {
		t.Errorf("the replaced database was not kept: %v", err)
	}
	restored := openTestStore(t, target)
	_, total, err := restored.ApplicationList(ctx, ApplicationFilter{EditionID: e.ID})
	if err != nil {
		t.Fatal(err)
	}
	if total < 20 || int64(total) > written.Load() {
		t.Errorf("the restored database has %d applications; %d were written, at least 20 before the backup", total, written.Load())
	}
}

func TestRestoreRefusesWhatIsNotARegistrarDatabase(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	target := filepath.Join(dir, "registrar.db")
	openTestStore(t, target).Close()
	before, err := os.ReadFile(target)
	if err != nil {
		t.Fatal(err)
	}
	random := filepath.Join(dir, "random.db")
	if err := os.WriteFile(random, []byte("this is not a database, just some bytes"), 0o600); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "other.db")
	otherStore, err := Open(other) // SQLite, but never migrated
	if err != nil {
		t.Fatal(err)
	}
	otherStore.Close()
	for _, path := range []string{random, other, filepath.Join(dir, "missing.db")} {
		if _, _, err := Restore(ctx, path, target, time.Now()); err == nil {
			t.Errorf("restore accepted %s", filepath.Base(path))
		}
	}
	after, err := os.ReadFile(target)
	if err != nil {
		t.Fatal(err)
	}
	if string(before) != string(after) {
		t.Error("a refused restore changed the database")
	}
}

func TestNightlyBackupsRunOnceADayAndKeepTheNewest(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t, filepath.Join(t.TempDir(), "registrar.db"))
	dir := filepath.Join(t.TempDir(), "backups")
	day := time.Date(2026, 11, 1, 2, 0, 0, 0, time.UTC)
	for i := 0; i < 20; i++ {
		now := day.AddDate(0, 0, i)
		path, err := s.NightlyBackup(ctx, dir, now, 14)
		if err != nil || path == "" {
			t.Fatalf("day %d: %q, %v", i, path, err)
		}
		if again, err := s.NightlyBackup(ctx, dir, now.Add(time.Hour), 14); err != nil || again != "" {
			t.Fatalf("day %d: a second backup within the day: %q, %v", i, again, err)
		}
	}
	files, err := filepath.Glob(filepath.Join(dir, "registrar-*.db"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 14 || filepath.Base(files[0]) != "registrar-20261107-020000.db" {
		t.Errorf("kept %d backups, the oldest %v", len(files), files)
	}
}

func TestNightlyBackupsOlderThanTheLongestRetentionAreDeleted(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t, filepath.Join(t.TempDir(), "registrar.db"))
	series, err := s.CreateSeries(ctx, school.Series{Slug: "kept-series", NameEN: "Schools"})
	if err != nil {
		t.Fatal(err)
	}
	for i, months := range []int{6, 9} {
		e := school.Edition{SeriesID: series, Slug: "kept-" + string(rune('a'+i)), Year: 2026, Kind: school.KindSeminar,
			TitleEN: "Seminar", Mode: school.ModeInPerson, Language: "en", Currency: "EUR", SeatsInPerson: 5,
			Admission: school.AdmissionSelection, OfferDays: 7, Status: school.EditionDraft, RetentionMonths: months}
		if _, err := s.CreateEdition(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	dir := filepath.Join(t.TempDir(), "backups")
	now := time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)
	// Backups copied in from long ago: ten and eight months old.
	if err := os.MkdirAll(dir, 0o750); err != nil {
		t.Fatal(err)
	}
	for _, at := range []time.Time{now.AddDate(0, -10, 0), now.AddDate(0, -8, 0)} {
		if err := s.Backup(ctx, filepath.Join(dir, "registrar-"+at.Format("20060102-150405")+".db")); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.NightlyBackup(ctx, dir, now, 14); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(dir, "registrar-*.db"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 || filepath.Base(files[0]) != "registrar-"+now.AddDate(0, -8, 0).Format("20060102-150405")+".db" {
		t.Errorf("kept %v; want the eight-month-old backup (within nine months) and today's", files)
	}
}

func TestRestoreOverADatabaseWhoseErasuresCannotBeReadSaysWhatToDo(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openTestStore(t, filepath.Join(dir, "source.db"))
	backup := filepath.Join(dir, "backup.db")
	if err := s.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(dir, "registrar.db")
	if err := os.WriteFile(target, []byte("broken beyond reading"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err := Restore(ctx, backup, target, time.Now())
	if err == nil || !strings.Contains(err.Error(), "move that file aside and restore again") {
		t.Fatalf("restore over a broken database: %v", err)
	}
	if err := os.Rename(target, target+".broken"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Restore(ctx, backup, target, time.Now()); err != nil {
		t.Fatalf("restore once the broken file is aside: %v", err)
	}
}
