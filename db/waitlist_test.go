package db

import (
	"context"
	"io/fs"
	"testing"
	"time"

	"github.com/pressly/goose/v3"
)

// A database from before ranks were unique, with a rank given twice and a rank left behind by
// an application no longer waiting, migrates to ranks 1, 2, 3 in the order the organisers meant,
// the earlier application first where two share a rank.
func TestMigrationMakesExistingWaitlistRanksUnique(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	s := openDemoStore(t, now)
	ctx := context.Background()
	editionID, ids, _, organiser := submittedApplications(t, s, now, 7)
	exec := func(query string, args ...any) {
		t.Helper()
		if _, err := s.writer.ExecContext(ctx, query, args...); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
	}
	// Back to the schema before 0026, then the data it allowed.
	migrateDownTo(t, s, 25)
	for i, rank := range []int{3, 1, 1} {
		exec(`UPDATE applications SET status = 'waitlisted', waitlist_rank = ? WHERE id = ?`, rank, ids[i])
	}
	exec(`UPDATE applications SET status = 'rejected', waitlist_rank = 2 WHERE id = ?`, ids[3])
	for _, id := range ids[4:6] {
		exec(`INSERT INTO staged_decisions (application_id, edition_id, decision, waitlist_rank, staged_by, staged_at)
			VALUES (?, ?, 'waitlisted', 1, ?, ?)`, id, editionID, organiser, formatInstant(now))
	}
	offered := now.Add(7 * 24 * time.Hour)
	exec(`UPDATE applications SET status = 'accepted', offer_expires_at = ? WHERE id = ?`, formatInstant(offered), ids[6])

	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[int64]int{ids[1]: 1, ids[2]: 2, ids[0]: 3, ids[3]: 0} {
		a, err := s.Application(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if a.WaitlistRank != want {
			t.Errorf("application %d (%s) has rank %d, want %d", id, a.Status, a.WaitlistRank, want)
		}
	}
	staged, err := s.StagedDecisions(ctx, editionID)
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range staged {
		if d.ApplicationID != ids[4+i] || d.WaitlistRank != i+1 {
			t.Errorf("staged %d: application %d at %d, want %d at %d", i, d.ApplicationID, d.WaitlistRank, ids[4+i], i+1)
		}
	}
	// An offer open before keeps its reminder two days before it lapses.
	var remind string
	if err := s.reader.QueryRowContext(ctx, `SELECT offer_remind_at FROM applications WHERE id = ?`,
		ids[6]).Scan(&remind); err != nil {
		t.Fatal(err)
	}
	if want := offered.Add(-48 * time.Hour).Format(time.RFC3339); remind != want {
		t.Errorf("the open offer's reminder is at %s, want %s", remind, want)
	}
	// The index keeps them unique from now on.
	if _, err := s.writer.ExecContext(ctx, `UPDATE applications SET waitlist_rank = 1 WHERE id = ?`, ids[0]); err == nil {
		t.Error("a second rank 1 was stored")
	}
}

// migrateDownTo runs the migrations' Down steps until the schema is at version.
func migrateDownTo(t *testing.T, s *Store, version int64) {
	t.Helper()
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	provider, err := goose.NewProvider(goose.DialectSQLite3, s.writer, sub)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := provider.DownTo(context.Background(), version); err != nil {
		t.Fatal(err)
	}
}
