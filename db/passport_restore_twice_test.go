package db

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"registrar/app/school"
)

// The restored database journals the passport erasures it made again, as it journals whole
// erasures made again: restored once more from the same old backup, or from one taken before
// the first restore's nightly backup, it does not bring the passport details back.
func TestPassportErasureSurvivesASecondRestore(t *testing.T) {
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
			answers[q.ID] = "ZQ-PASSPORT-4410"
		}
	}
	s.mustExec(t, `UPDATE applications SET status = 'confirmed' WHERE id = ?`, ids[0])
	if err := s.SaveFollowUpAnswers(ctx, ids[0], answers, now); err != nil {
		t.Fatal(err)
	}
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
		if len(journal) != 1 || journal[0].What != ErasedPassport || journal[0].ApplicationID != ids[0] ||
			!journal[0].ErasedAt.Equal(erasedAt) {
			t.Errorf("restore %d: the restored journal holds %+v, want the passport erasure of %s", i+1, journal, erasedAt)
		}
		restored := openTestStore(t, path)
		got, err := restored.FollowUpAnswers(ctx, ids[0])
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
