package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"registrar/app/school"
	"registrar/db"
)

func TestPurgeCommandListsThenErasesOnce(t *testing.T) {
	store, _ := migratedStore(t)
	ctx := context.Background()
	// One applicant not selected and one participant.
	e := endedSeminar(t, store, "old-seminar", "Old seminar")
	for _, p := range []struct {
		email string
		to    []school.Status
	}{
		{"not.selected@example.org", []school.Status{school.StatusRejected}},
		{"participant@example.org", []school.Status{school.StatusAccepted, school.StatusConfirmed, school.StatusAttended}},
	} {
		a, err := store.CreateApplication(ctx, e, school.Application{Lang: "en", Email: p.email, GivenName: "Test",
			FamilyName: "Person", Nationality: "CZ"}, "", e.EndsOn.AddDate(0, -2, 0), nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, to := range p.to {
			if _, err := store.TransitionApplication(ctx, a.ID, to, db.ActorSystem, e.EndsOn.AddDate(0, -1, 0), nil); err != nil {
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
