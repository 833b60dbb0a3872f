package db

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"registrar/app/school"
)

// Caches of public pages and of the application form are keyed by the catalogue version: every
// write of the editor must change it.
func TestEveryEditorWriteChangesTheCatalogueVersion(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	s := openDemoStore(t, now)
	ctx := context.Background()
	e := newestDemoEdition(t, s)
	var newID, questionID int64
	steps := []struct {
		name  string
		write func() error
	}{
		{"save edition", func() error { _, err := s.SaveEdition(ctx, EditionDraft{Edition: e}, now); return err }},
		{"create edition", func() error {
			d := e
			d.ID, d.Slug = 0, "copy-by-hand"
			var err error
			newID, err = s.SaveEdition(ctx, EditionDraft{Edition: d}, now)
			return err
		}},
		{"status", func() error { return s.SetEditionStatus(ctx, newID, school.EditionPublished, ActorSystem, now) }},
		{"optional fields", func() error { return s.SetOptionalFields(ctx, newID, []school.OptionalField{school.FieldDietary}) }},
		{"add question", func() error {
			return s.AddQuestion(ctx, school.Question{EditionID: newID, Kind: school.QuestionText, LabelEN: "Why?"})
		}},
		{"update question", func() error {
			qs, err := s.Questions(ctx, newID)
			if err != nil || len(qs) != 1 {
				return errors.New("the question was not added")
			}
			questionID = qs[0].ID
			qs[0].LabelCS = "Proč?"
			return s.UpdateQuestion(ctx, qs[0])
		}},
		{"move question", func() error { return s.MoveQuestion(ctx, newID, questionID, true) }},
		{"remove question", func() error { _, err := s.RemoveQuestion(ctx, newID, questionID); return err }},
		{"add criterion", func() error {
			return s.AddCriterion(ctx, school.Criterion{EditionID: newID, LabelEN: "Motivation", Weight: 2})
		}},
		{"blind review", func() error { return s.SetBlindReview(ctx, newID, true) }},
		{"email template", func() error {
			return s.SaveEmailTemplate(ctx, EmailTemplate{EditionID: newID, Name: "application_received", Lang: "en",
				Subject: "S", Body: "B", UpdatedAt: time.Now()})
		}},
		{"default email", func() error { return s.DeleteEmailTemplate(ctx, newID, "application_received", "en") }},
		{"clone", func() error { _, err := s.CloneEdition(ctx, newID, time.Time{}, 0, ActorSystem, now); return err }},
	}
	for _, st := range steps {
		before := s.CatalogueVersion()
		if err := st.write(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if s.CatalogueVersion() == before {
			t.Errorf("%s left the catalogue version at %d", st.name, before)
		}
	}
	// A taken address is refused, and so is a new series whose address exists.
	d := e
	d.ID = 0
	if _, err := s.SaveEdition(ctx, EditionDraft{Edition: d}, now); !errors.Is(err, ErrSlugTaken) {
		t.Errorf("a second edition at %s: %v", e.Slug, err)
	}
	d.Slug = "another-one"
	if _, err := s.SaveEdition(ctx, EditionDraft{Edition: d, NewSeries: &school.Series{Slug: e.SeriesSlug, NameEN: "Again"}}, now); !errors.Is(err, ErrSlugTaken) {
		t.Errorf("a second series at %s: %v", e.SeriesSlug, err)
	}
}

// The form builder lists retired questions apart: moving a question skips them.
func TestAQuestionMovesAmongTheQuestionsStillAsked(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	s := openDemoStore(t, now)
	ctx := context.Background()
	d := newestDemoEdition(t, s)
	d.ID, d.Slug = 0, "questions-in-order"
	id, err := s.SaveEdition(ctx, EditionDraft{Edition: d}, now)
	if err != nil {
		t.Fatal(err)
	}
	for _, label := range []string{"A", "B (retired)", "C"} {
		if err := s.AddQuestion(ctx, school.Question{EditionID: id, Kind: school.QuestionText, LabelEN: label}); err != nil {
			t.Fatal(err)
		}
	}
	labels := func() []string {
		qs, _, err := s.AllQuestions(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, q := range qs {
			out = append(out, q.LabelEN)
		}
		return out
	}
	qs, _, err := s.AllQuestions(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.writer.ExecContext(ctx, `UPDATE questions SET retired = 1 WHERE id = ?`, qs[1].ID); err != nil {
		t.Fatal(err)
	}
	if err := s.MoveQuestion(ctx, id, qs[0].ID, false); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(labels(), ", "); got != "C, A, B (retired)" {
		t.Errorf("after moving A down: %s", got)
	}
}
