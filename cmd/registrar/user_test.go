package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"registrar/app/school"
	"registrar/db"
)

func TestResetSecondFactorCommandLetsALockedOutAdminBackIn(t *testing.T) {
	store, dir := migratedStore(t)
	ctx := context.Background()
	u := school.User{Email: "only-admin@school.test", Name: "Only Admin", Role: school.RoleAdmin}
	var err error
	if u.ID, err = store.CreateUser(ctx, u, "$argon2id$unused"); err != nil {
		t.Fatal(err)
	}
	if err := store.StartSecondFactor(ctx, u.ID, []byte("sealed")); err != nil {
		t.Fatal(err)
	}
	if err := store.ConfirmSecondFactor(ctx, u.ID, 1, []string{"hash"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	store.Close()

	reset := func() (string, error) {
		var out bytes.Buffer
		err := run([]string{"user", "reset-second-factor", "--email", u.Email}, strings.NewReader(""), &out,
			slog.New(slog.NewTextHandler(io.Discard, nil)), new(slog.LevelVar))
		return out.String(), err
	}
	if out, err := reset(); err != nil || !strings.Contains(out, "two-factor authentication of only-admin@school.test removed") {
		t.Fatalf("reset printed %q, %v", out, err)
	}
	if _, err := reset(); err == nil || !strings.Contains(err.Error(), "has no two-factor authentication") {
		t.Errorf("a second reset: %v", err)
	}

	store, err = db.Open(filepath.Join(dir, "registrar.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if _, err := store.SecondFactor(ctx, u.ID); !errors.Is(err, db.ErrNotFound) {
		t.Errorf("after the reset the second factor is still there: %v", err)
	}
	history, err := store.StaffHistory(ctx, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(history) != 1 || history[0].Action != "second_factor_reset" || history[0].Actor != db.ActorSystem {
		t.Errorf("audit log: %+v", history)
	}
}
