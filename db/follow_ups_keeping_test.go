package db

import (
	"context"
	"testing"
	"time"

	"registrar/app/school"
)

// The copy for next year asks the same follow-up questions and keeps passport details as briefly
// as the organisers chose for this year; the deadline follows the copy's own dates.
func TestTheCopyForNextYearKeepsTheFollowUpsAndHowLongPassportsAreKept(t *testing.T) {
	now := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	s, e, _ := followUpEdition(t, now, 0)
	ctx := context.Background()
	if err := s.AddDefaultFollowUps(ctx, e.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.SetFollowUpSettings(ctx, e.ID, school.FollowUpSettings{Deadline: now.AddDate(0, 3, 0), PassportKeptDays: 7}); err != nil {
		t.Fatal(err)
	}
	copyID, err := s.CloneEdition(ctx, e.ID, time.Time{}, 0, ActorSystem, now)
	if err != nil {
		t.Fatal(err)
	}
	qs, err := s.FollowUpQuestions(ctx, copyID)
	if err != nil || len(qs) != 8 {
		t.Fatalf("the copy asks %d follow-up questions (%v), want 8", len(qs), err)
	}
	st, err := s.FollowUpSettings(ctx, copyID)
	if err != nil {
		t.Fatal(err)
	}
	if st.PassportKeptDays != 7 || !st.Deadline.IsZero() {
		t.Errorf("the copy keeps passports %d days with deadline %s; want 7 days and no deadline", st.PassportKeptDays, st.Deadline)
	}
}

// Passport details erased after the edition leave no bytes in the database file, nor does the
// history keep them.
func TestErasedPassportDetailsLeaveNoTraceInTheDatabaseFile(t *testing.T) {
	now := time.Date(2027, 5, 1, 10, 0, 0, 0, time.UTC)
	s, e, ids := followUpEdition(t, now, 1)
	ctx := context.Background()
	if err := s.AddDefaultFollowUps(ctx, e.ID); err != nil {
		t.Fatal(err)
	}
	qs, _ := s.FollowUpQuestions(ctx, e.ID)
	answers := map[int64]string{}
	for _, q := range qs {
		if q.Purpose == school.PurposePassportNumber {
			answers[q.ID] = "ZQ-PASSPORT-7731"
		}
	}
	s.mustExec(t, `UPDATE applications SET status = 'confirmed' WHERE id = ?`, ids[0])
	if err := s.SaveFollowUpAnswers(ctx, ids[0], answers, now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.writer.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	if !filesHold(t, s.path, []byte("ZQ-PASSPORT-7731")) {
		t.Fatal("the passport number is not in the database file before the erasure")
	}
	if n, err := s.ErasePassportDetails(ctx, time.Date(2028, 1, 1, 0, 0, 0, 0, time.UTC)); err != nil || n != 1 {
		t.Fatalf("%d answers erased (%v), want 1", n, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if filesHold(t, s.path, []byte("ZQ-PASSPORT-7731")) {
		t.Error("the erased passport number's bytes are still in the database file")
	}
}
