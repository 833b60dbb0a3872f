package main

import (
	"bytes"
	"io"
	"log/slog"
	"strings"
	"testing"

	"registrar/app/school"
)

func TestPurgeCommandListsThenErasesOnce(t *testing.T) {
	store, _ := migratedStore(t)
	// One applicant not selected and one participant.
	e := endedSeminar(t, store, "old-seminar", "Old seminar")
	applicantOf(t, store, e, "not.selected@example.org", school.StatusRejected)
	applicantOf(t, store, e, "participant@example.org", school.StatusAccepted, school.StatusConfirmed, school.StatusAttended)
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
