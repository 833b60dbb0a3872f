package db

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"registrar/app/school"
)

// submittedApplications submits n applications to the demo's edition that selects its
// participants, and one to another edition; organiser is who stages the decisions.
func submittedApplications(t *testing.T, s *Store, now time.Time, n int) (editionID int64, ids []int64, other, organiser int64) {
	t.Helper()
	ctx := context.Background()
	organiser, err := s.CreateUser(ctx, school.User{Email: "organiser@batch.example", Name: "Organiser",
		Role: school.RoleOrganiser}, "")
	if err != nil {
		t.Fatal(err)
	}
	all, err := s.PublicEditions(ctx, EditionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var selection, another school.Edition
	for _, e := range all {
		if e.WindowAt(now) != school.WindowOpen {
			continue
		}
		if e.Admission == school.AdmissionSelection && selection.ID == 0 {
			selection = e
		} else {
			another = e
		}
	}
	if selection.ID == 0 || another.ID == 0 {
		t.Fatal("the demo has no two editions taking applications, one of them selecting")
	}
	submit := func(e school.Edition, i int) int64 {
		a, err := s.CreateApplication(ctx, e, school.Application{Lang: "en", Email: fmt.Sprintf("b%d@batch.example", i),
			GivenName: fmt.Sprintf("Person%d", i), FamilyName: "Tester", Nationality: "CZ", Residence: "CZ"}, "", now, nil)
		if err != nil {
			t.Fatal(err)
		}
		return a.ID
	}
	for i := range n {
		ids = append(ids, submit(selection, i))
	}
	return selection.ID, ids, submit(another, n), organiser
}

func stagedCount(t *testing.T, s *Store, editionID int64) int {
	t.Helper()
	staged, err := s.StagedDecisions(context.Background(), editionID)
	if err != nil {
		t.Fatal(err)
	}
	return len(staged)
}

// A batch is one transaction: when its third decision fails, the first two are not staged either.
func TestABatchOfDecisionsFailingHalfWayStagesNothing(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	s := openDemoStore(t, now)
	ctx := context.Background()
	editionID, ids, other, organiser := submittedApplications(t, s, now, 4)
	waitlist := func(id int64, rank int) DecisionToStage {
		return DecisionToStage{ApplicationID: id, Decision: school.StatusWaitlisted, Rank: rank}
	}

	t.Run("an application of another edition", func(t *testing.T) {
		batch := []DecisionToStage{waitlist(ids[0], 1), waitlist(ids[1], 2), waitlist(other, 3), waitlist(ids[2], 4)}
		if _, err := s.StageDecisions(ctx, editionID, batch, organiser, now); !errors.Is(err, ErrNotFound) {
			t.Fatalf("got %v, want ErrNotFound", err)
		}
		if n := stagedCount(t, s, editionID); n != 0 {
			t.Errorf("%d decisions staged, want none", n)
		}
	})

	t.Run("an accept beyond the seats", func(t *testing.T) {
		// Two seats left: the third accept finds none.
		if _, err := s.writer.ExecContext(ctx, `UPDATE editions SET seats_online = 0,
			seats_in_person = 2 + (SELECT COUNT(*) FROM applications WHERE edition_id = ?1
			AND status IN ('accepted', 'confirmed')) WHERE id = ?1`, editionID); err != nil {
			t.Fatal(err)
		}
		accept := func(id int64) DecisionToStage {
			return DecisionToStage{ApplicationID: id, Decision: school.StatusAccepted}
		}
		batch := []DecisionToStage{accept(ids[0]), accept(ids[1]), accept(ids[2]), waitlist(ids[3], 1)}
		if _, err := s.StageDecisions(ctx, editionID, batch, organiser, now); !errors.Is(err, ErrNoSeat) {
			t.Fatalf("got %v, want ErrNoSeat", err)
		}
		if n := stagedCount(t, s, editionID); n != 0 {
			t.Errorf("%d decisions staged, want none", n)
		}
		// The same batch within the seats is staged whole.
		n, err := s.StageDecisions(ctx, editionID, batch[:2], organiser, now)
		if err != nil || n != 2 {
			t.Fatalf("staged %d, %v; want 2", n, err)
		}
		if n := stagedCount(t, s, editionID); n != 2 {
			t.Errorf("%d decisions staged, want 2", n)
		}
	})
}

// An application whose status cannot take the decision is left out of the batch, as the lists
// offer mixed selections; the others are staged.
func TestABatchLeavesOutWhatItsStatusCannotTake(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	s := openDemoStore(t, now)
	ctx := context.Background()
	editionID, ids, _, organiser := submittedApplications(t, s, now, 3)
	if _, err := s.writer.ExecContext(ctx, `UPDATE applications SET status = 'rejected' WHERE id = ?`, ids[1]); err != nil {
		t.Fatal(err)
	}
	batch := []DecisionToStage{
		{ApplicationID: ids[0], Decision: school.StatusWaitlisted, Rank: 1},
		{ApplicationID: ids[1], Decision: school.StatusWaitlisted, Rank: 2},
		{ApplicationID: ids[2], Decision: school.StatusWaitlisted, Rank: 3},
	}
	n, err := s.StageDecisions(ctx, editionID, batch, organiser, now)
	if err != nil || n != 2 {
		t.Fatalf("staged %d, %v; want 2", n, err)
	}
	if n := stagedCount(t, s, editionID); n != 2 {
		t.Errorf("%d decisions staged, want 2", n)
	}
}
