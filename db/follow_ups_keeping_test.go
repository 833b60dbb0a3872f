package db

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
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

// participantWithPassport is a store with one confirmed participant who gave the passport number.
func participantWithPassport(t *testing.T, number string) (*Store, int64) {
	t.Helper()
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
			answers[q.ID] = number
		}
	}
	s.mustExec(t, `UPDATE applications SET status = 'confirmed' WHERE id = ?`, ids[0])
	if err := s.SaveFollowUpAnswers(ctx, ids[0], answers, now); err != nil {
		t.Fatal(err)
	}
	return s, ids[0]
}

// Passport details erased after the edition leave no bytes in the database file, nor does the
// history keep them.
func TestErasedPassportDetailsLeaveNoTraceInTheDatabaseFile(t *testing.T) {
	s, _ := participantWithPassport(t, "ZQ-PASSPORT-7731")
	if _, err := s.writer.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	if !filesHold(t, s.path, []byte("ZQ-PASSPORT-7731")) {
		t.Fatal("the passport number is not in the database file before the erasure")
	}
	if n, err := s.ErasePassportDetails(context.Background(), time.Date(2028, 1, 1, 0, 0, 0, 0, time.UTC)); err != nil || n != 1 {
		t.Fatalf("%d answers erased (%v), want 1", n, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if filesHold(t, s.path, []byte("ZQ-PASSPORT-7731")) {
		t.Error("the erased passport number's bytes are still in the database file")
	}
}

// Erasing participants' passport details after the edition is journalled like other erasures:
// the journal names each application by id and reference only, and a backup taken before the
// erasure, once restored, loses the passport details again and keeps the rest.
func TestPassportErasureIsJournalledSoARestoredBackupLosesThemAgain(t *testing.T) {
	now := time.Date(2027, 5, 1, 10, 0, 0, 0, time.UTC)
	s, e, ids := followUpEdition(t, now, 2)
	ctx := context.Background()
	if err := s.AddDefaultFollowUps(ctx, e.ID); err != nil {
		t.Fatal(err)
	}
	qs, _ := s.FollowUpQuestions(ctx, e.ID)
	for i, id := range ids {
		answers := map[int64]string{}
		for _, q := range qs {
			switch q.Purpose {
			case school.PurposePassportNumber:
				answers[q.ID] = fmt.Sprintf("ZQ-PASSPORT-%d", i)
			case school.PurposeArrival:
				answers[q.ID] = "2027-08-22"
			}
		}
		s.mustExec(t, `UPDATE applications SET status = 'confirmed' WHERE id = ?`, id)
		if err := s.SaveFollowUpAnswers(ctx, id, answers, now); err != nil {
			t.Fatal(err)
		}
	}
	backup := filepath.Join(t.TempDir(), "before-erasure.db")
	if err := s.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	erasedAt := time.Date(2028, 1, 1, 0, 0, 0, 0, time.UTC)
	if n, err := s.ErasePassportDetails(ctx, erasedAt); err != nil || n != 2 {
		t.Fatalf("%d answers erased (%v), want 2", n, err)
	}
	if n, err := s.ErasePassportDetails(ctx, erasedAt.Add(time.Hour)); err != nil || n != 0 {
		t.Fatalf("a second run erased %d answers (%v)", n, err)
	}
	journal, err := readErasures(ctx, s.path)
	if err != nil {
		t.Fatal(err)
	}
	if len(journal) != 2 {
		t.Fatalf("the journal holds %+v, want the two applications' passport erasures", journal)
	}
	for i, j := range journal {
		a, err := s.Application(ctx, ids[i])
		if err != nil {
			t.Fatal(err)
		}
		if j.What != ErasedPassport || j.ApplicationID != a.ID || j.Reference != a.Reference || !j.ErasedAt.Equal(erasedAt) {
			t.Errorf("journal entry %+v, want the passport of %s at %s", j, a.Reference, erasedAt)
		}
	}
	path := s.path
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Restore(ctx, backup, path, erasedAt.Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	restored := openTestStore(t, path)
	for _, id := range ids {
		answers, err := restored.FollowUpAnswers(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range answers {
			if strings.HasPrefix(v, "ZQ-PASSPORT") {
				t.Errorf("the restored backup brought back the passport number of application %d", id)
			}
		}
		a, err := restored.Application(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if a.Erased() || a.GivenName == "" {
			t.Errorf("restoring erased the whole application %d: %+v", id, a)
		}
	}
	answers, err := restored.FollowUpAnswers(ctx, ids[0])
	if err != nil || len(answers) != 1 {
		t.Errorf("the restored application keeps %v (%v), want its arrival only", answers, err)
	}
}

// The restored database journals the passport erasures it made again, as it journals whole
// erasures made again: restored once more from the same old backup, or from one taken before
// the first restore's nightly backup, it does not bring the passport details back.
func TestPassportErasureSurvivesASecondRestore(t *testing.T) {
	s, id := participantWithPassport(t, "ZQ-PASSPORT-4410")
	ctx := context.Background()
	backup := filepath.Join(t.TempDir(), "before-erasure.db")
	if err := s.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	erasedAt := time.Date(2028, 1, 1, 0, 0, 0, 0, time.UTC)
	if n, err := s.ErasePassportDetails(ctx, erasedAt); err != nil || n != 1 {
		t.Fatalf("%d answers erased (%v), want 1", n, err)
	}
	path := s.path
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for i, at := range []time.Time{erasedAt.Add(24 * time.Hour), erasedAt.Add(48 * time.Hour)} {
		if _, _, err := Restore(ctx, backup, path, at); err != nil {
			t.Fatal(err)
		}
		journal, err := readErasures(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		if len(journal) != 1 || journal[0].What != ErasedPassport || journal[0].ApplicationID != id ||
			!journal[0].ErasedAt.Equal(erasedAt) {
			t.Errorf("restore %d: the restored journal holds %+v, want the passport erasure of %s", i+1, journal, erasedAt)
		}
		restored := openTestStore(t, path)
		got, err := restored.FollowUpAnswers(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range got {
			if strings.HasPrefix(v, "ZQ-PASSPORT") {
				t.Errorf("restore %d brought back the passport number", i+1)
			}
		}
		if err := restored.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
