package db

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"testing"
	"time"

	"registrar/app/school"
)

// An edition's audit entries carry the time the caller was given (the injected clock), not
// SQLite's clock: a clock set years away from the machine's shows in every entry.
func TestAnEditionsAuditEntriesCarryTheInjectedClocksTime(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	s := openDemoStore(t, now)
	ctx := context.Background()
	at := time.Date(2031, 2, 3, 4, 5, 0, 0, time.UTC)
	d := newestDemoEdition(t, s)
	d.ID, d.Slug = 0, "audited-by-the-clock"
	id, err := s.SaveEdition(ctx, EditionDraft{Edition: d, Actor: ActorSystem}, at)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetEditionStatus(ctx, id, school.EditionPublished, ActorSystem, at.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	copyID, err := s.CloneEdition(ctx, id, time.Time{}, 0, ActorSystem, at.Add(2*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		edition int64
		action  string
		want    time.Time
	}{
		{id, "edition_created", at},
		{id, "edition_status", at.Add(time.Minute)},
		{copyID, "edition_copied", at.Add(2 * time.Minute)},
	} {
		entries, err := s.EditionHistory(ctx, tc.edition)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, e := range entries {
			if e.Action == tc.action {
				found = true
				if !e.At.Equal(tc.want) {
					t.Errorf("%s stamped %s, want the injected %s", tc.action, e.At, tc.want)
				}
			}
		}
		if !found {
			t.Errorf("no %s entry in %+v", tc.action, entries)
		}
	}
}

func TestAnAuditEntryWithoutATimeIsRefused(t *testing.T) {
	s := openDemoStore(t, time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC))
	err := s.inTx(context.Background(), func(tx *sql.Tx) error {
		return writeAudit(context.Background(), tx, AuditEntry{Actor: ActorSystem, Action: "x", Entity: "edition", EntityID: 1})
	})
	if !errors.Is(err, errAuditWithoutTime) {
		t.Errorf("got %v, want errAuditWithoutTime", err)
	}
}

// A history entry made by a staff member carries their account as it is now, found from the
// "user:ID email" actor; the applicant's and the system's entries carry none.
func TestHistoryEntriesNameTheStaffMemberWhoMadeThem(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	s := openDemoStore(t, now)
	ctx := context.Background()
	jana := school.User{Email: "jana@school.test", Name: "Jana Nováková", Role: school.RoleOrganiser}
	id, err := s.CreateUser(ctx, jana, "not a real hash")
	if err != nil {
		t.Fatal(err)
	}
	d := newestDemoEdition(t, s)
	d.ID, d.Slug = 0, "audited-by-name"
	edition, err := s.SaveEdition(ctx, EditionDraft{Edition: d, Actor: ActorSystem}, now)
	if err != nil {
		t.Fatal(err)
	}
	actor := "user:" + strconv.FormatInt(id, 10) + " " + jana.Email
	if err := s.SetEditionStatus(ctx, edition, school.EditionPublished, actor, now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	entries, err := s.EditionHistory(ctx, edition)
	if err != nil || len(entries) != 2 {
		t.Fatalf("history %+v, %v", entries, err)
	}
	if got := entries[0].Staff; got.ID != id || got.Name != jana.Name || got.Email != jana.Email || got.Role != school.RoleOrganiser {
		t.Errorf("the publication names %+v, want %s", got, jana.Name)
	}
	if got := entries[1].Staff; got.ID != 0 {
		t.Errorf("the system's entry names %+v", got)
	}
}
