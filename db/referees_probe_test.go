package db

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"registrar/app/school"
)

// Naming a referee again emails whoever is named: an applicant changing a referee back and
// forth, or to address after address, must not turn the status page into a way to mail
// strangers. The same address is asked again only as "Send the request again" allows, and an
// application's referees are asked at most school.RefereeRequestsPerDay times a day.
func TestChangingARefereeCannotFloodAnInbox(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, time.November, 27, 12, 0, 0, 0, time.UTC)
	s := openDemoStore(t, now)
	a, err := s.CreateApplication(ctx, openSummer(t, s, now), school.Application{Lang: "en", Email: "flood@example.org",
		GivenName: "Flo", FamilyName: "Od", Nationality: "CZ", Residence: "CZ"}, "", now, nil)
	if err != nil {
		t.Fatal(err)
	}
	render, sent := fakeRefereeRenderer()
	victim := school.Referee{Position: 1, Name: "Victim", Email: "victim@example.org", Relation: "none", Lang: "en"}
	if _, err := s.ReplaceReferee(ctx, a.ID, victim, now, render); err != nil {
		t.Fatal(err)
	}
	again := victim
	again.Email = "VICTIM@example.org"
	if corrected, err := s.ReplaceReferee(ctx, a.ID, again, now.Add(time.Hour), render); err != nil || !corrected {
		t.Errorf("naming the same referee again after an hour: corrected %v, %v; want a correction", corrected, err)
	}
	if len(*sent) != 1 {
		t.Fatalf("%d requests to the same address within an hour, want 1", len(*sent))
	}
	for i := 2; i <= school.RefereeRequestsPerDay; i++ {
		r := victim
		r.Email = fmt.Sprintf("stranger%d@example.org", i)
		if _, err := s.ReplaceReferee(ctx, a.ID, r, now.Add(time.Hour), render); err != nil {
			t.Fatalf("request %d of the day: %v", i, err)
		}
	}
	r := victim
	r.Email = "one-too-many@example.org"
	if _, err := s.ReplaceReferee(ctx, a.ID, r, now.Add(2*time.Hour), render); !errors.Is(err, ErrTooSoon) {
		t.Errorf("request %d of the day: %v, want ErrTooSoon", school.RefereeRequestsPerDay+1, err)
	}
	// A correction emails nobody: the day's limit does not hold it back.
	r.Email = fmt.Sprintf("STRANGER%d@example.org", school.RefereeRequestsPerDay)
	r.Name = "Corrected"
	if corrected, err := s.ReplaceReferee(ctx, a.ID, r, now.Add(2*time.Hour), render); err != nil || !corrected {
		t.Errorf("a correction after a day's requests: corrected %v, %v", corrected, err)
	}
	if refs, err := s.Referees(ctx, a.ID); err != nil || len(refs) != 1 || refs[0].Name != "Corrected" ||
		refs[0].Email != fmt.Sprintf("stranger%d@example.org", school.RefereeRequestsPerDay) {
		t.Errorf("the corrected referee is %+v, %v", refs, err)
	}
	if len(*sent) != school.RefereeRequestsPerDay {
		t.Errorf("%d requests in a day, want %d", len(*sent), school.RefereeRequestsPerDay)
	}
	if _, err := s.ReplaceReferee(ctx, a.ID, r, now.Add(25*time.Hour), render); err != nil {
		t.Errorf("a day later: %v", err)
	}
}

// An erased applicant's referees leave no trace in the database file: neither their address
// (which the history of the application must not keep either) nor their letter.
func TestAnErasedApplicationsRefereesLeaveNoTrace(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, time.November, 27, 12, 0, 0, 0, time.UTC)
	s := openDemoStore(t, now)
	summer := openSummer(t, s, now)
	a, err := s.CreateApplication(ctx, summer, school.Application{Lang: "en", Email: "erased.ref@example.org",
		GivenName: "Erased", FamilyName: "Applicant", Nationality: "UA", Residence: "UA"}, "", now, nil)
	if err != nil {
		t.Fatal(err)
	}
	letter, marker := markedCV(t)
	address := "referee-" + string(marker[:16]) + "@uni.example"
	render, _ := fakeRefereeRenderer()
	if _, err := s.ReplaceReferee(ctx, a.ID, school.Referee{Position: 1, Name: "Dr Gone", Email: address,
		Relation: "teacher", Lang: "en"}, now, render); err != nil {
		t.Fatal(err)
	}
	if err := s.ResendReferee(ctx, a.ID, 1, now.Add(25*time.Hour), render); err != nil {
		t.Fatal(err)
	}
	r, err := s.RefereeByLink(ctx, "hash-1")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ReceiveReference(ctx, r.ID, Reference{Letter: &Upload{StoredName: "letter-gone",
		OriginalName: "letter.pdf", ContentType: "application/pdf", Size: int64(len(letter))}, Data: letter},
		now.Add(26*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.RequestErasure(ctx, a.ID, now.Add(27*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CarryOutErasure(ctx, a.ID, ActorSystem, now.Add(27*time.Hour),
		func(string, school.Application) (Email, error) { return Email{}, nil }); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if filesHold(t, s.path, []byte(address)) {
		t.Error("the erased applicant's referee's address is still in the database file")
	}
	if filesHold(t, s.path, marker) {
		t.Error("the erased applicant's referee's letter is still in the database file")
	}
}
