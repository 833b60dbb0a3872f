package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"registrar/app/school"
	"registrar/db"
)

func TestPurgeCommandListsThenErasesOnce(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("REGISTRAR_DATA", dir)
	ctx := context.Background()
	store, err := db.Open(filepath.Join(dir, "registrar.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	// An edition that ended a year ago, with one applicant not selected and one participant.
	ended := time.Now().AddDate(-1, 0, 0).UTC().Truncate(24 * time.Hour)
	series, err := store.CreateSeries(ctx, school.Series{Slug: "old-seminars", NameEN: "Seminars"})
	if err != nil {
		t.Fatal(err)
	}
	e := school.Edition{SeriesID: series, Slug: "old-seminar", Year: ended.Year(), Kind: school.KindSeminar,
		TitleEN: "Old seminar", StartsOn: ended, EndsOn: ended, Mode: school.ModeInPerson, Language: "en",
		Currency: "EUR", SeatsInPerson: 5, Admission: school.AdmissionSelection, OfferDays: 7,
		Status: school.EditionArchived, RetentionMonths: 6}
	if e.ID, err = store.CreateEdition(ctx, e); err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct {
		email string
		to    []school.Status
	}{
		{"not.selected@example.org", []school.Status{school.StatusRejected}},
		{"participant@example.org", []school.Status{school.StatusAccepted, school.StatusConfirmed, school.StatusAttended}},
	} {
		a, err := store.CreateApplication(ctx, e, school.Application{Lang: "en", Email: p.email, GivenName: "Test",
			FamilyName: "Person", Nationality: "CZ"}, "", ended.AddDate(0, -2, 0), nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, to := range p.to {
			if _, err := store.TransitionApplication(ctx, a.ID, to, db.ActorSystem, ended.AddDate(0, -1, 0), nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	store.Close()

	purge := func(args ...string) string {
		t.Helper()
		var out bytes.Buffer
		logger := slog.New(slog.NewTextHandler(io.Discard, nil))
		if err := run(append([]string{"purge"}, args...), strings.NewReader(""), &out, logger, new(slog.LevelVar)); err != nil {
			t.Fatalf("purge %v: %v", args, err)
		}
		return out.String()
	}
	if out := purge("--dry-run"); !strings.Contains(out, "old-seminar: would erase 1 applications not selected") {
		t.Errorf("dry run printed %q", out)
	}
	if out := purge(); !strings.Contains(out, "old-seminar: erased 1 applications not selected") {
		t.Errorf("purge printed %q", out)
	}
	if out := purge(); !strings.Contains(out, "nothing to erase") {
		t.Errorf("second purge printed %q", out)
	}
}
