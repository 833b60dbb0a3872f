package db

import (
	"context"
	"testing"
	"time"

	"registrar/app/school"
)

// One form's key stores one application: the same key again, whatever the address, is refused
// as the same address twice is, and the key is found only for its own edition.
func TestASubmissionKeyStoresOneApplication(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, time.November, 27, 12, 0, 0, 0, time.UTC)
	s := openDemoStore(t, now)
	summer := openSummer(t, s, now)
	const key = "0123456789abcdef0123456789abcdef"
	apply := func(email string) error {
		_, err := s.CreateApplication(ctx, summer, school.Application{Lang: "en", Email: email,
			GivenName: "Once", FamilyName: "Only", Nationality: "UA", Residence: "UA", SubmissionKey: key}, "", now, nil)
		return err
	}
	if sent, err := s.SentWithKey(ctx, summer.ID, key); err != nil || sent {
		t.Fatalf("a key not yet used is found: %v, %v", sent, err)
	}
	if err := apply("once@example.org"); err != nil {
		t.Fatal(err)
	}
	if sent, err := s.SentWithKey(ctx, summer.ID, key); err != nil || !sent {
		t.Fatalf("the key of the stored form is not found: %v, %v", sent, err)
	}
	if sent, err := s.SentWithKey(ctx, summer.ID+1, key); err != nil || sent {
		t.Errorf("the key is found for another edition: %v, %v", sent, err)
	}
	if err := apply("other@example.org"); err != ErrDuplicate {
		t.Fatalf("the same key with another address: %v", err)
	}
	if apps, err := s.ApplicationsByEmail(ctx, "other@example.org"); err != nil || len(apps) != 0 {
		t.Errorf("%d applications stored for the second address (%v)", len(apps), err)
	}
}
