package db

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"registrar/app/school"
)

// followUpEdition is an empty store with one selective edition ending on 27 August 2027 and
// n submitted applications to it, every other one asking for a visa letter.
func followUpEdition(t *testing.T, now time.Time, n int) (*Store, school.Edition, []int64) {
	t.Helper()
	ctx := context.Background()
	s, err := Open(filepath.Join(t.TempDir(), "r.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	series, err := s.CreateSeries(ctx, school.Series{Slug: "schools", NameEN: "Schools", NameCS: "Školy"})
	if err != nil {
		t.Fatal(err)
	}
	e := school.Edition{SeriesID: series, Slug: "summer-2027", Year: 2027, Kind: school.KindSummerSchool,
		TitleEN: "Summer School", TitleCS: "Letní škola", StartsOn: time.Date(2027, 8, 23, 0, 0, 0, 0, time.UTC),
		EndsOn: time.Date(2027, 8, 27, 0, 0, 0, 0, time.UTC), Venue: "Charles University", City: "Prague",
		Mode: school.ModeInPerson, Language: "en", Currency: "EUR", SeatsInPerson: 10, OpensAt: now.Add(-time.Hour),
		ClosesAt: now.Add(30 * 24 * time.Hour), Admission: school.AdmissionSelection, OfferDays: 7,
		Status: school.EditionPublished}
	if e.ID, err = s.CreateEdition(ctx, e); err != nil {
		t.Fatal(err)
	}
	if e, err = s.EditionByID(ctx, e.ID); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for i := range n {
		a, err := s.CreateApplication(ctx, e, school.Application{Lang: "en", Email: fmt.Sprintf("p%d@example.org", i),
			GivenName: fmt.Sprintf("Person%d", i), FamilyName: "Tester", Nationality: "UA", Residence: "UA",
			VisaLetter: i%2 == 0}, "", now, nil)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, a.ID)
	}
	return s, e, ids
}

func (s *Store) mustExec(t *testing.T, query string, args ...any) {
	t.Helper()
	if _, err := s.writer.ExecContext(context.Background(), query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

func TestFollowUpQuestionsStayOffTheApplicationForm(t *testing.T) {
	now := time.Date(2027, 5, 1, 10, 0, 0, 0, time.UTC)
	s, e, _ := followUpEdition(t, now, 0)
	ctx := context.Background()
	if err := s.AddQuestion(ctx, school.Question{EditionID: e.ID, Kind: school.QuestionText, LabelEN: "On the form"}); err != nil {
		t.Fatal(err)
	}
	if err := s.AddDefaultFollowUps(ctx, e.ID); err != nil {
		t.Fatal(err)
	}
	form, err := s.Questions(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	all, _, err := s.AllQuestions(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(form) != 1 || len(all) != 1 || form[0].LabelEN != "On the form" {
		t.Fatalf("the form asks %v (all %v), want only its own question", form, all)
	}
	follow, err := s.FollowUpQuestions(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	var purposes []school.Purpose
	for _, q := range follow {
		purposes = append(purposes, q.Purpose)
		if q.Purpose.Passport() != q.OnlyWithVisa {
			t.Errorf("%s: only with a visa letter %v", q.LabelEN, q.OnlyWithVisa)
		}
	}
	if !slices.Equal(purposes, school.Purposes[1:]) {
		t.Errorf("default purposes %v", purposes)
	}
	// Moving the first follow-up question up leaves it first: the form's question is no peer.
	if err := s.MoveQuestion(ctx, e.ID, follow[1].ID, true); err != nil {
		t.Fatal(err)
	}
	moved, _ := s.FollowUpQuestions(ctx, e.ID)
	if moved[0].ID != follow[1].ID || moved[1].ID != follow[0].ID {
		t.Errorf("after moving up the second: %d, %d", moved[0].ID, moved[1].ID)
	}
	// The form builder's own changes leave follow-up questions alone.
	if _, err := s.RemoveQuestion(ctx, e.ID, follow[0].ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("the form builder removed a follow-up question: %v", err)
	}
	if err := s.UpdateQuestion(ctx, follow[0].Question); !errors.Is(err, ErrNotFound) {
		t.Errorf("the form builder changed a follow-up question: %v", err)
	}
	// A copy for next year takes both, each where it was.
	copyID, err := s.CloneEdition(ctx, e.ID, e.StartsOn.AddDate(0, 0, 364), 0, "test", now)
	if err != nil {
		t.Fatal(err)
	}
	copied, _ := s.FollowUpQuestions(ctx, copyID)
	copiedForm, _ := s.Questions(ctx, copyID)
	if len(copied) != len(follow) || len(copiedForm) != 1 {
		t.Errorf("the copy has %d follow-up and %d form questions", len(copied), len(copiedForm))
	}
}

func TestOutstandingFollowUpsCountOnlyPlacesAndTheQuestionsAskedOfThem(t *testing.T) {
	now := time.Date(2027, 5, 1, 10, 0, 0, 0, time.UTC)
	s, e, ids := followUpEdition(t, now, 4)
	ctx := context.Background()
	if err := s.AddDefaultFollowUps(ctx, e.ID); err != nil {
		t.Fatal(err)
	}
	qs, _ := s.FollowUpQuestions(ctx, e.ID)
	count := func() int {
		t.Helper()
		n, err := s.FollowUpsOutstanding(ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(); n != 0 {
		t.Errorf("%d outstanding before any offer", n)
	}
	for _, id := range ids[:3] {
		s.mustExec(t, `UPDATE applications SET status = 'accepted' WHERE id = ?`, id)
	}
	if n := count(); n != 3 {
		t.Errorf("%d outstanding with three offers, want 3", n)
	}
	// ids[1] wants no visa letter: the travel answers are all it owes.
	answers := map[int64]string{}
	for _, q := range qs {
		if !q.OnlyWithVisa {
			answers[q.ID] = "2027-08-22"
		}
	}
	if err := s.SaveFollowUpAnswers(ctx, ids[1], answers, now); err != nil {
		t.Fatal(err)
	}
	// ids[0] wants one: without the passport's details it still owes answers.
	if err := s.SaveFollowUpAnswers(ctx, ids[0], answers, now); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 2 {
		t.Errorf("%d outstanding, want 2", n)
	}
	got, _ := s.FollowUpAnswers(ctx, ids[1])
	if len(got) != len(answers) {
		t.Errorf("stored %d answers, want %d", len(got), len(answers))
	}
	// An empty answer removes the one stored.
	for id := range answers {
		answers[id] = ""
	}
	if err := s.SaveFollowUpAnswers(ctx, ids[1], answers, now); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.FollowUpAnswers(ctx, ids[1]); len(got) != 0 {
		t.Errorf("answers left after clearing: %v", got)
	}
}

func TestFollowUpReminderGoesOnceNearTheDeadline(t *testing.T) {
	now := time.Date(2027, 5, 1, 10, 0, 0, 0, time.UTC)
	s, e, ids := followUpEdition(t, now, 2)
	ctx := context.Background()
	if err := s.AddDefaultFollowUps(ctx, e.ID); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		s.mustExec(t, `UPDATE applications SET status = 'confirmed' WHERE id = ?`, id)
	}
	deadline := time.Date(2027, 6, 30, 21, 59, 0, 0, time.UTC)
	if err := s.SetFollowUpSettings(ctx, e.ID, school.FollowUpSettings{Deadline: deadline, PassportKeptDays: 30}); err != nil {
		t.Fatal(err)
	}
	due := func(at time.Time) []int64 {
		t.Helper()
		got, err := s.FollowUpsToRemind(ctx, at)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if got := due(deadline.Add(-school.FollowUpReminderLead - time.Minute)); len(got) != 0 {
		t.Errorf("reminded too early: %v", got)
	}
	at := deadline.Add(-school.FollowUpReminderLead)
	if got := due(at); !slices.Equal(got, ids) {
		t.Fatalf("to remind %v, want %v", got, ids)
	}
	render := func(name string, a school.Application) (Email, error) {
		return Email{To: a.Email, Lang: "en", Subject: name, Text: name, Template: name}, nil
	}
	for _, id := range ids {
		if err := s.RemindFollowUps(ctx, id, at, render); err != nil {
			t.Fatal(err)
		}
		if err := s.RemindFollowUps(ctx, id, at, render); err != nil {
			t.Fatal(err)
		}
		msgs, err := s.ApplicationEmails(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, m := range msgs {
			if m.Template == "follow_up_reminder" {
				n++
			}
		}
		if n != 1 {
			t.Errorf("application %d: %d reminders queued, want 1", id, n)
		}
	}
	if got := due(at.Add(time.Hour)); len(got) != 0 {
		t.Errorf("reminded twice: %v", got)
	}
	// Past the deadline's minute nobody is reminded.
	s.mustExec(t, `DELETE FROM follow_up_reminders`)
	if got := due(deadline.Add(time.Minute)); len(got) != 0 {
		t.Errorf("reminded after the deadline: %v", got)
	}
}

func TestPassportDetailsGoWithAnErasureAndAfterTheEditionForParticipants(t *testing.T) {
	now := time.Date(2027, 5, 1, 10, 0, 0, 0, time.UTC)
	s, e, ids := followUpEdition(t, now, 2)
	ctx := context.Background()
	if err := s.AddDefaultFollowUps(ctx, e.ID); err != nil {
		t.Fatal(err)
	}
	qs, _ := s.FollowUpQuestions(ctx, e.ID)
	answers := map[int64]string{}
	for _, q := range qs {
		answers[q.ID] = "PASSPORT-SECRET " + string(q.Purpose)
	}
	for _, id := range ids {
		s.mustExec(t, `UPDATE applications SET status = 'confirmed' WHERE id = ?`, id)
		if err := s.SaveFollowUpAnswers(ctx, id, answers, now); err != nil {
			t.Fatal(err)
		}
	}
	// The applicant asking for erasure loses every answer.
	if err := s.RequestErasure(ctx, ids[1], now); err != nil {
		t.Fatal(err)
	}
	render := func(name string, a school.Application) (Email, error) {
		return Email{To: a.Email, Lang: "en", Subject: name, Text: name, Template: name}, nil
	}
	if _, err := s.CarryOutErasure(ctx, ids[1], "test", now, render); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.FollowUpAnswers(ctx, ids[1]); len(got) != 0 {
		t.Errorf("answers left after the erasure: %v", got)
	}
	if err := s.SetFollowUpSettings(ctx, e.ID, school.FollowUpSettings{PassportKeptDays: 10}); err != nil {
		t.Fatal(err)
	}
	// The edition ends on 27 August; ten days later, on 6 September, the passport details stay,
	// and go at midnight Prague time on 7 September.
	for _, c := range []struct {
		at   time.Time
		want int64
	}{{time.Date(2027, 9, 6, 21, 59, 0, 0, time.UTC), 0}, {time.Date(2027, 9, 6, 22, 0, 0, 0, time.UTC), 4}} {
		n, err := s.ErasePassportDetails(ctx, c.at)
		if err != nil {
			t.Fatal(err)
		}
		if n != c.want {
			t.Errorf("at %s: %d answers erased, want %d", c.at, n, c.want)
		}
	}
	left, _ := s.FollowUpAnswers(ctx, ids[0])
	for _, q := range qs {
		if _, kept := left[q.ID]; kept == q.Purpose.Passport() {
			t.Errorf("%s kept %v", q.Purpose, kept)
		}
	}
}

func TestTheDemoSummerSchoolAsksFollowUpsAndHasPlacesWithAnswers(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	s := openDemoStore(t, now)
	ctx := context.Background()
	if err := s.LoadDemoApplicants(ctx, now); err != nil {
		t.Fatal(err)
	}
	summer := newestDemoEdition(t, s)
	qs, err := s.FollowUpQuestions(ctx, summer.ID)
	if err != nil || len(qs) != len(school.Purposes)-1 {
		t.Fatalf("the demo summer school asks %d follow-up questions (%v)", len(qs), err)
	}
	st, err := s.FollowUpSettings(ctx, summer.ID)
	if err != nil || st.Deadline.IsZero() || !st.Deadline.Before(summer.StartsOn) {
		t.Errorf("deadline %s (%v), the school starts on %s", st.Deadline, err, summer.StartsOn)
	}
	list, err := s.LogisticsList(ctx, summer.ID)
	if err != nil || len(list) != len(demoPlaces) {
		t.Fatalf("%d places in the logistics list, want %d (%v)", len(list), len(demoPlaces), err)
	}
	if n, _ := s.FollowUpsOutstanding(ctx, summer.ID); n != 2 {
		t.Errorf("%d owe answers, want 2", n)
	}
	passports := 0
	for _, l := range list {
		if p := school.PassportOf(qs, l.Answers); p.Number != "" && p.Name != "" {
			passports++
		}
	}
	if passports != 1 {
		t.Errorf("%d passports given, want 1", passports)
	}
}
