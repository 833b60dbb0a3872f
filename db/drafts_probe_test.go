package db

import (
	"context"
	"testing"
	"time"

	"registrar/app/school"
)

// The email that carried a draft's link names its address and edition; it goes with its draft:
// sent as an application, purged when the call closes, or erased with its applicant. Another
// address's email stays.
func TestADraftsEmailGoesWithItsDraft(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, time.November, 27, 12, 0, 0, 0, time.UTC)
	s := openDemoStore(t, now)
	summer := openSummer(t, s, now)
	save := func(address, hash string) int64 {
		id, emailed, err := s.SaveDraft(ctx, DraftSave{Draft: Draft{EditionID: summer.ID, Email: address, Lang: "en",
			Form: []byte(`{}`)}, LinkHash: hash, Email: draftEmail(address)}, now)
		if err != nil || !emailed {
			t.Fatalf("save %s: emailed %v, %v", address, emailed, err)
		}
		return id
	}
	sent := save("sent@example.org", "hash-sent")
	save("purged@example.org", "hash-purged")
	save("erased@example.org", "hash-erased")

	if err := s.DeleteDraft(ctx, sent); err != nil {
		t.Fatal(err)
	}
	if n := draftOutbox(t, s, "sent@example.org"); n != 0 {
		t.Errorf("%d emails of a draft sent as an application are left", n)
	}
	a, err := s.CreateApplication(ctx, summer, school.Application{Lang: "en", Email: "erased@example.org",
		GivenName: "Erased", FamilyName: "Applicant", Nationality: "UA", Residence: "UA"}, "", now, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RequestErasure(ctx, a.ID, now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CarryOutErasure(ctx, a.ID, ActorSystem, now,
		func(string, school.Application) (Email, error) { return Email{}, nil }); err != nil {
		t.Fatal(err)
	}
	if n := draftOutbox(t, s, "erased@example.org"); n != 0 {
		t.Errorf("%d emails of an erased applicant's draft are left", n)
	}
	if n := draftOutbox(t, s, "purged@example.org"); n != 1 {
		t.Errorf("%d emails of an open draft, want 1", n)
	}
	if _, err := s.PurgeDrafts(ctx, summer.DraftKeptUntil()); err != nil {
		t.Fatal(err)
	}
	if n := draftOutbox(t, s, "purged@example.org"); n != 0 {
		t.Errorf("%d emails of a purged draft are left", n)
	}
}
