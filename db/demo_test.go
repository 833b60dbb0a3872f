package db

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"registrar/app/school"
)

func openDemoStore(t testing.TB, now time.Time) *Store {
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
	if err := s.LoadDemo(ctx, now); err != nil {
		t.Fatalf("LoadDemo: %v", err)
	}
	return s
}

func TestLoadDemo(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, time.November, 27, 12, 0, 0, 0, time.UTC)
	s := openDemoStore(t, now)
	if s.CatalogueVersion() == 0 {
		t.Error("catalogue version did not change")
	}

	all, err := s.PublicEditions(ctx, EditionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	years := map[int]bool{}
	for _, e := range all {
		years[e.Year] = true
		if e.TitleEN == "" || e.TitleCS == "" || e.ThemeEN == "" || e.ThemeCS == "" ||
			e.DescriptionEN == "" || e.DescriptionCS == "" {
			t.Errorf("%s: missing title, theme or description in a language", e.Slug)
		}
		if e.EndsOn.Before(e.StartsOn) {
			t.Errorf("%s: ends before it starts", e.Slug)
		}
		if !e.ClosesAt.IsZero() && !e.ClosesAt.Before(e.StartsOn) {
			t.Errorf("%s: call closes %v, after the start %v", e.Slug, e.ClosesAt, e.StartsOn)
		}
		if e.IsPast(now) != (e.Status == school.EditionArchived) {
			t.Errorf("%s: status %s, past %v", e.Slug, e.Status, e.IsPast(now))
		}
	}
	for y := 2009; y <= 2021; y++ {
		if !years[y] {
			t.Errorf("no edition in %d", y)
		}
	}
	for _, y := range []int{2001, 2023} {
		if !years[y] {
			t.Errorf("no edition in %d", y)
		}
	}

	for slug, want := range map[string]string{
		"summer-school-2011":                        "Summer School on Migration and Development 2011",
		"summer-school-2013":                        "Summer School on Migration and Integration 2013",
		"conference-2017-challenges-of-integration": "Challenges of Integration",
		"conference-2018-integration-in-schools":    "Integration in Schools – Educating the Children of Migrants",
		"seminar-2001-counter-trafficking":          "Seminar about IOM Expertise in Counter-Trafficking",
	} {
		e, err := s.PublicEdition(ctx, slug)
		if err != nil {
			t.Errorf("%s: %v", slug, err)
		} else if e.TitleEN != want {
			t.Errorf("%s: title %q, want %q", slug, e.TitleEN, want)
		}
	}

	e2016, err := s.PublicEdition(ctx, "summer-school-2016")
	if err != nil {
		t.Fatal(err)
	}
	if got := e2016.StartsOn.Format(dateLayout) + ".." + e2016.EndsOn.Format(dateLayout); got != "2016-09-04..2016-09-10" {
		t.Errorf("2016 dates %s", got)
	}
	programme, err := s.Programme(ctx, e2016.ID)
	if err != nil {
		t.Fatal(err)
	}
	var theories *school.Session
	for i := range programme {
		if programme[i].TitleEN == "Migration Theories, Realities and Myths" {
			theories = &programme[i]
		}
	}
	if theories == nil {
		t.Fatalf("2016 programme lacks the theories lecture: %+v", programme)
	}
	if len(theories.Lecturers) != 1 || !strings.Contains(theories.Lecturers[0].Affiliation, "Charles University") {
		t.Errorf("theories lecture taught by %+v", theories.Lecturers)
	}
	docs, err := s.PublicDocuments(ctx, e2016.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) == 0 || !strings.HasPrefix(docs[0].URL, "https://") {
		t.Errorf("2016 documents %+v", docs)
	}

	e2021, err := s.PublicEdition(ctx, "summer-school-2021")
	if err != nil {
		t.Fatal(err)
	}
	if e2021.Mode != school.ModeHybrid || e2021.SeatsInPerson != 100 || e2021.SeatsOnline != 100 {
		t.Errorf("2021: mode %s, seats %d + %d", e2021.Mode, e2021.SeatsInPerson, e2021.SeatsOnline)
	}
	if got := e2021.ClosesAt.In(school.Prague).Format("2006-01-02 15:04"); got != "2021-07-15 23:59" {
		t.Errorf("2021 call closes %s Prague time", got)
	}

	// Lecturers are shared across editions.
	drbohlav, err := s.Lecturer(ctx, "dusan-drbohlav")
	if err != nil {
		t.Fatal(err)
	}
	taught, err := s.SessionsByLecturer(ctx, drbohlav.ID)
	if err != nil {
		t.Fatal(err)
	}
	taughtYears := map[int]bool{}
	for _, ts := range taught {
		taughtYears[ts.EditionYear] = true
	}
	if len(taughtYears) < 3 {
		t.Errorf("Drbohlav taught in %v, want at least three years", taughtYears)
	}

	// The upcoming editions.
	open, err := s.OpenCalls(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	// Soonest deadline first: the summer school's call, then the conference's registration.
	if len(open) != 2 || open[0].Slug != "summer-school-2027" || open[1].Admission != school.AdmissionOpen {
		t.Fatalf("open calls %+v, want summer-school-2027 and the conference", open)
	}
	summer := open[0]
	if summer.Status != school.EditionPublished || summer.FeeCents != 33000 || summer.Currency != "EUR" ||
		summer.SeatsInPerson != 100 || summer.Admission != school.AdmissionSelection {
		t.Errorf("upcoming summer school %+v", summer)
	}
	if summer.StartsOn.Month() != time.August || summer.StartsOn.Day() < 20 {
		t.Errorf("upcoming summer school starts %v", summer.StartsOn)
	}
	if got := summer.OpensAt.In(school.Prague).Format("2006-01-02 15:04"); got != "2026-10-28 00:00" {
		t.Errorf("summer call opens %s", got)
	}
	if got := summer.ClosesAt.In(school.Prague).Format("2006-01-02 15:04"); got != "2027-01-11 23:59" {
		t.Errorf("summer call closes %s", got)
	}
	if sessions, err := s.Programme(ctx, summer.ID); err != nil || len(sessions) == 0 {
		t.Errorf("upcoming summer programme: %d sessions, %v", len(sessions), err)
	}

	winter, err := s.PublicEdition(ctx, "winter-school-2027")
	if err != nil {
		t.Fatal(err)
	}
	if w := winter.WindowAt(now); w != school.WindowNotYet {
		t.Errorf("winter window at now: %s", w)
	}
	if winter.Currency != "CZK" || winter.FeeCents != 230000 || winter.SeatsInPerson != 70 {
		t.Errorf("winter school %+v", winter)
	}
	if winter.StartsOn.Month() != time.February || winter.StartsOn.Year() != 2027 {
		t.Errorf("winter school starts %v", winter.StartsOn)
	}

	upcoming, err := s.UpcomingEditions(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(upcoming) != 3 {
		t.Errorf("%d upcoming editions, want 3", len(upcoming))
	}

	// Search finds English prefixes and Czech words typed without accents.
	for _, q := range []string{"integr", "navsteva", "cesky", "Drbohlav"} {
		hits, err := s.Search(ctx, q, "en", 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) == 0 {
			t.Errorf("search %q: no hits", q)
		}
	}

	// A second load is refused and changes nothing.
	if err := s.LoadDemo(ctx, now); !errors.Is(err, ErrCatalogueNotEmpty) {
		t.Errorf("second LoadDemo: %v, want ErrCatalogueNotEmpty", err)
	}
	again, err := s.PublicEditions(ctx, EditionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != len(all) {
		t.Errorf("%d editions after a refused load, want %d", len(again), len(all))
	}
}

// TestUpcomingDemo checks the upcoming editions over a year of possible nows, including ones
// inside the archive's years.
func TestUpcomingDemo(t *testing.T) {
	start := time.Date(2026, time.January, 1, 10, 0, 0, 0, time.UTC)
	for now := start; now.Before(start.AddDate(1, 0, 0)); now = now.AddDate(0, 0, 3) {
		eds := upcomingDemo(now)
		if len(eds) != 3 {
			t.Fatalf("%v: %d upcoming", now, len(eds))
		}
		for _, de := range eds {
			e := de.edition
			e.OpensAt, e.ClosesAt = de.call.opens, de.call.closes
			if !e.ClosesAt.Before(e.StartsOn) || !e.OpensAt.Before(e.ClosesAt) {
				t.Errorf("%v %s: call %v..%v, start %v", now, e.Slug, e.OpensAt, e.ClosesAt, e.StartsOn)
			}
			want := school.WindowOpen
			if de.series == "winter-school" {
				want = school.WindowNotYet
			}
			if w := e.WindowAt(now); w != want {
				t.Errorf("%v %s: window %s, want %s", now, e.Slug, w, want)
			}
		}
	}
	for _, now := range []time.Time{
		time.Date(2019, time.March, 1, 8, 0, 0, 0, time.UTC),
		time.Date(2022, time.November, 1, 8, 0, 0, 0, time.UTC),
	} {
		openDemoStore(t, now) // fails on a slug collision
	}
}

// newestDemoEdition is the newest edition of the demo data in s.
func newestDemoEdition(t *testing.T, s *Store) school.Edition {
	t.Helper()
	editions, err := s.EditionSummaries(context.Background(), school.AllEditions())
	if err != nil || len(editions) == 0 {
		t.Fatalf("the demo editions: %v, %v", editions, err)
	}
	return editions[0].Edition
}
