package db

import (
	"context"
	"errors"
	"testing"
	"time"

	"registrar/app/school"
)

// TestCopyMovesEveryDateByWholeWeeksAndTheYearInTitles: a Monday–Friday school copied to a
// Monday a year on stays Monday–Friday, its programme on the same weekdays, its deadline at
// 23:59 in Prague across a change of summer time, its titles and address a year on.
func TestCopyMovesEveryDateByWholeWeeksAndTheYearInTitles(t *testing.T) {
	now := time.Date(2029, 8, 1, 12, 0, 0, 0, time.UTC)
	s := openDemoStore(t, now)
	ctx := context.Background()
	demo := newestDemoEdition(t, s)
	prague := func(y int, m time.Month, d, h, min int) time.Time {
		return time.Date(y, m, d, h, min, 0, 0, school.Prague).UTC()
	}
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	e := demo
	e.ID, e.Slug, e.Year, e.Status = 0, "summer-2029", 2029, school.EditionDraft
	e.TitleEN, e.TitleCS = "Autumn Seminar on Borders 2029", "Podzimní seminář o hranicích 2029"
	e.StartsOn, e.EndsOn = day(2029, 7, 2), day(2029, 7, 6) // Monday to Friday
	// Friday 30 March 2029 is summer time; Friday 29 March 2030 still winter time.
	e.OpensAt, e.ClosesAt = prague(2029, 3, 1, 9, 0), prague(2029, 3, 30, 23, 59)
	e.Payment.DueOn = time.Time{}
	id, err := s.SaveEdition(ctx, EditionDraft{Edition: e, Actor: ActorSystem}, now)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []int{2, 4, 6} { // Monday, Wednesday, Friday
		if _, err := s.CreateSession(ctx, school.Session{EditionID: id, Day: day(2029, 7, d), StartsAt: "09:00",
			EndsAt: "10:30", Kind: school.SessionLecture, TitleEN: "Session"}, SessionLecturers{}); err != nil {
			t.Fatal(err)
		}
	}

	// A start on another weekday is refused: every date moves by whole weeks.
	if _, err := s.CloneEdition(ctx, id, day(2030, 7, 2), 0, ActorSystem, now); err == nil {
		t.Error("a copy starting on a Tuesday was made")
	}
	copyID, err := s.CloneEdition(ctx, id, day(2030, 7, 1), 0, ActorSystem, now)
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.EditionByID(ctx, copyID)
	if err != nil {
		t.Fatal(err)
	}
	if c.Slug != "summer-2030" || c.Year != 2030 || c.Status != school.EditionDraft ||
		c.TitleEN != "Autumn Seminar on Borders 2030" || c.TitleCS != "Podzimní seminář o hranicích 2030" {
		t.Errorf("the copy: %q, %d, %s, %q, %q", c.Slug, c.Year, c.Status, c.TitleEN, c.TitleCS)
	}
	if !c.StartsOn.Equal(day(2030, 7, 1)) || !c.EndsOn.Equal(day(2030, 7, 5)) {
		t.Errorf("the copy runs %s to %s", c.StartsOn, c.EndsOn)
	}
	if !c.OpensAt.Equal(prague(2030, 2, 28, 9, 0)) || !c.ClosesAt.Equal(prague(2030, 3, 29, 23, 59)) {
		t.Errorf("the copy's call: %s to %s in Prague", c.OpensAt.In(school.Prague), c.ClosesAt.In(school.Prague))
	}
	prog, err := s.Programme(ctx, copyID)
	if err != nil || len(prog) != 3 {
		t.Fatalf("the copy's programme: %d sessions, %v", len(prog), err)
	}
	for i, want := range []time.Weekday{time.Monday, time.Wednesday, time.Friday} {
		if prog[i].Day.Weekday() != want || prog[i].Day.Year() != 2030 || prog[i].StartsAt != "09:00" {
			t.Errorf("session %d on %s (%s) at %s", i, prog[i].Day.Format(time.DateOnly), prog[i].Day.Weekday(), prog[i].StartsAt)
		}
	}
	contents, err := s.EditionContents(ctx, copyID)
	if err != nil || contents.Sessions != 3 {
		t.Errorf("the copy's contents: %+v, %v", contents, err)
	}

	// Copying again would make a second "2030": the taken address is named, nothing is made.
	_, err = s.CloneEdition(ctx, id, day(2030, 7, 1), 0, ActorSystem, now)
	var taken *SlugTakenError
	if !errors.As(err, &taken) || !errors.Is(err, ErrSlugTaken) || taken.Slug != "summer-2030" || taken.EditionID != copyID {
		t.Errorf("a second copy: %v", err)
	}
	all, err := s.EditionSummaries(ctx, school.AllEditions())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, sum := range all {
		if sum.Edition.TitleEN == c.TitleEN {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d editions titled %q", n, c.TitleEN)
	}
}
