package school

import (
	"testing"
	"time"
)

func TestNextYearStartIsTheSameWeekdayNearestTheSameDate(t *testing.T) {
	for _, tt := range []struct{ start, want time.Time }{
		{day(2026, 7, 6), day(2027, 7, 5)},   // 52 weeks fall a day short of the date
		{day(2027, 7, 5), day(2028, 7, 3)},   // two days short across a leap day
		{day(2028, 2, 28), day(2029, 2, 26)}, // the leap day itself is crossed
	} {
		got := NextYearStart(tt.start)
		if !got.Equal(tt.want) || got.Weekday() != tt.start.Weekday() {
			t.Errorf("after %s: %s (%s), want %s", tt.start.Format(time.DateOnly), got.Format(time.DateOnly), got.Weekday(),
				tt.want.Format(time.DateOnly))
		}
	}
}

func TestCopyMovesEveryDateByWholeWeeksKeepingPragueTimes(t *testing.T) {
	at := func(y int, m time.Month, d, h, min int) time.Time {
		return time.Date(y, m, d, h, min, 0, 0, Prague).UTC()
	}
	// The call closes on Friday 30 March 2029, in summer time (from 25 March); 52 weeks on is
	// Friday 29 March 2030, still winter time (until 31 March): an hour more in UTC.
	e := Edition{ID: 7, Year: 2029, Slug: "summer-school-2029", Status: EditionPublished,
		TitleEN: "Summer School on Migration Studies 2029", TitleCS: "Letní škola migračních studií 2029",
		ThemeEN: "Borders since 2015", StartsOn: day(2029, 7, 2), EndsOn: day(2029, 7, 6),
		OpensAt: at(2029, 3, 1, 9, 0), ClosesAt: at(2029, 3, 30, 23, 59),
		Payment: PaymentAccount{DueOn: day(2029, 6, 11)}, SeatsInPerson: 30}
	plan, problem := e.CopyTo(day(2030, 7, 1))
	if problem != nil {
		t.Fatalf("a Monday a year on: %v", problem)
	}
	if plan.Weeks != 52 || plan.Years != 1 {
		t.Errorf("plan %+v, want 52 weeks and a year", plan)
	}
	n := plan.Apply(e)
	if n.ID != 0 || n.Status != EditionDraft || n.Year != 2030 || n.Slug != "summer-school-2030" || n.SeatsInPerson != 30 {
		t.Errorf("the copy: id %d, status %s, year %d, slug %q", n.ID, n.Status, n.Year, n.Slug)
	}
	if n.TitleEN != "Summer School on Migration Studies 2030" || n.TitleCS != "Letní škola migračních studií 2030" ||
		n.ThemeEN != "Borders since 2015" {
		t.Errorf("titles %q / %q, theme %q", n.TitleEN, n.TitleCS, n.ThemeEN)
	}
	if !n.StartsOn.Equal(day(2030, 7, 1)) || !n.EndsOn.Equal(day(2030, 7, 5)) || n.EndsOn.Weekday() != time.Friday ||
		!n.Payment.DueOn.Equal(day(2030, 6, 10)) {
		t.Errorf("days %s–%s, fee due %s", n.StartsOn, n.EndsOn, n.Payment.DueOn)
	}
	if !n.OpensAt.Equal(at(2030, 2, 28, 9, 0)) || !n.ClosesAt.Equal(at(2030, 3, 29, 23, 59)) ||
		n.ClosesAt.Sub(e.ClosesAt) != 52*7*24*time.Hour+time.Hour {
		t.Errorf("window %s – %s in Prague", n.OpensAt.In(Prague), n.ClosesAt.In(Prague))
	}
	if n.ClosesAt.Location() != time.UTC {
		t.Error("the copy's times are not in UTC")
	}
}

func TestCopyRefusesAStartThatMovesWeekdays(t *testing.T) {
	e := Edition{Year: 2027, Slug: "summer-2027", StartsOn: day(2027, 7, 5), EndsOn: day(2027, 7, 9)}
	for _, tt := range []struct {
		name  string
		start time.Time
		want  string
	}{
		{"the same calendar date", day(2028, 7, 5), "copy_error_weekday"},
		{"no date", time.Time{}, "copy_error_start_missing"},
		{"before the original", day(2026, 7, 6), "copy_error_start_later"},
		{"the same year", day(2027, 9, 6), "copy_error_start_later"},
		{"a mistyped year", day(2207, 7, 6), "copy_error_start_far"},
	} {
		_, p := e.CopyTo(tt.start)
		if p == nil || p.Field != "starts_on" || p.Message != tt.want {
			t.Errorf("%s: %v, want %s", tt.name, p, tt.want)
		}
	}
	// Two years on, the year moves by two.
	plan, p := e.CopyTo(day(2029, 7, 2))
	if p != nil || plan.Years != 2 || plan.Apply(e).Slug != "summer-2029" {
		t.Errorf("two years on: %+v %v", plan, p)
	}
	// An edition without dates moves a year on, 52 weeks for any time it has.
	plan, p = (Edition{Year: 2027, Slug: "conference"}).CopyTo(time.Time{})
	if p != nil || plan.Weeks != 52 || plan.Years != 1 {
		t.Errorf("without dates: %+v %v", plan, p)
	}
	if got := plan.Apply(Edition{Year: 2027, Slug: "conference"}); got.Slug != "conference-2028" || !got.StartsOn.IsZero() {
		t.Errorf("without dates: slug %q, starts %v", got.Slug, got.StartsOn)
	}
}

func TestMoveYearsInATitle(t *testing.T) {
	for in, want := range map[string]string{
		"Summer School 2027":            "Summer School 2028",
		"Winter School 2027/2028":       "Winter School 2028/2029",
		"summer-2027":                   "summer-2028",
		"20270 visitors, 12027 km":      "20270 visitors, 12027 km",
		"Migration since 1989":          "Migration since 1989",
		"Letní škola 2027: Praha 2027.": "Letní škola 2028: Praha 2028.",
	} {
		if got := moveYears(in, 2027, 1); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}
