package db

import (
	"context"
	"strings"
	"testing"
	"time"

	"registrar/app/school"
)

// pastApplicant is an applicant of a demo archive edition, by the edition's slug and its n-th
// applicant (by reference).
func pastApplicant(t *testing.T, s *Store, slug string, n int) school.Application {
	t.Helper()
	var id int64
	if err := s.reader.QueryRow(`SELECT a.id FROM applications a JOIN editions e ON e.id = a.edition_id
		WHERE e.slug = ? ORDER BY a.reference LIMIT 1 OFFSET ?`, slug, n).Scan(&id); err != nil {
		t.Fatalf("applicant %d of %s: %v", n, slug, err)
	}
	a, err := s.Application(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestReturningApplicantsMatchByEmailOrByNameAndBirthDateButNeverOnceErased(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, time.November, 27, 12, 0, 0, 0, time.UTC)
	s := openDemoStore(t, now)
	var summer school.Edition
	all, err := s.PublicEditions(ctx, EditionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range all {
		if e.SeriesSlug == "summer-school" && e.WindowAt(now) == school.WindowOpen {
			summer = e
		}
	}
	if summer.ID == 0 {
		t.Fatal("the demo has no open summer school")
	}
	exec := func(query string, args ...any) {
		t.Helper()
		if _, err := s.writer.Exec(query, args...); err != nil {
			t.Fatal(err)
		}
	}
	apply := func(a school.Application) school.Application {
		t.Helper()
		a.Lang, a.Nationality, a.Residence = "en", "UA", "UA"
		stored, err := s.CreateApplication(ctx, summer, a, "", now, nil)
		if err != nil {
			t.Fatal(err)
		}
		return stored
	}
	dob := time.Date(1994, time.March, 8, 0, 0, 0, 0, time.UTC)

	// An alumna of 2019 applies again from the same address, typed in capitals.
	alumna := pastApplicant(t, s, "summer-school-2019", 0)
	byEmail := apply(school.Application{Email: strings.ToUpper(alumna.Email), GivenName: "Someone", FamilyName: "Else"})
	// An alumnus of 2021 applies from a new address; his name (in other case) and birth date match.
	alumnus := pastApplicant(t, s, "summer-school-2021", 1)
	exec(`UPDATE applications SET date_of_birth = ? WHERE id = ?`, formatDate(dob), alumnus.ID)
	byName := apply(school.Application{Email: "new.address@example.net", GivenName: strings.ToUpper(alumnus.GivenName),
		FamilyName: strings.ToLower(alumnus.FamilyName), DateOfBirth: dob})
	// One offered a place in 2020 who did not come: applied before, no alumnus.
	noShow := pastApplicant(t, s, "summer-school-2020", 2)
	exec(`UPDATE applications SET status = 'no_show', date_of_birth = ? WHERE id = ?`, formatDate(dob), noShow.ID)
	noShow.Status = school.StatusNoShow
	again := apply(school.Application{Email: "no.show.again@example.net", GivenName: noShow.GivenName,
		FamilyName: noShow.FamilyName, DateOfBirth: dob})
	// The same name born on another day, and the same name with no date at all, are other people.
	otherDay := apply(school.Application{Email: "namesake@example.net", GivenName: alumnus.GivenName,
		FamilyName: alumnus.FamilyName, DateOfBirth: dob.AddDate(0, 0, 1)})
	noDate := pastApplicant(t, s, "summer-school-2018", 3)
	undated := apply(school.Application{Email: "undated@example.net", GivenName: noDate.GivenName, FamilyName: noDate.FamilyName})
	newcomer := apply(school.Application{Email: "first.time@example.net", GivenName: "First", FamilyName: "Timer", DateOfBirth: dob})

	past := func(a school.Application, scope school.Scope) []PastApplication {
		t.Helper()
		got, err := s.PastApplications(ctx, a.ID, scope)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	for _, c := range []struct {
		who     string
		a       school.Application
		want    school.Application
		byEmail bool
	}{{"the same email", byEmail, alumna, true}, {"the same name and birth date", byName, alumnus, false},
		{"the no-show", again, noShow, false}} {
		got := past(c.a, school.AllEditions())
		if len(got) != 1 || got[0].ID != c.want.ID || got[0].Reference != c.want.Reference ||
			got[0].Edition.ID != c.want.EditionID || got[0].Status != c.want.Status || got[0].ByEmail != c.byEmail {
			t.Errorf("%s: past applications %+v, want %s in edition %d (%s)", c.who, got, c.want.Reference, c.want.EditionID, c.want.Status)
		}
	}
	for _, a := range []school.Application{otherDay, undated, newcomer} {
		if got := past(a, school.AllEditions()); len(got) != 0 {
			t.Errorf("%s %s matches %+v", a.GivenName, a.FamilyName, got)
		}
	}
	// Only the editions the user may see.
	if got := past(byEmail, school.OnlyEditions(summer.ID)); len(got) != 0 {
		t.Errorf("a staff member of this edition only sees %+v", got)
	}

	list := func(returning string) []string {
		t.Helper()
		apps, _, err := s.ApplicationList(ctx, ApplicationFilter{EditionID: summer.ID, Returning: returning,
			PastEditions: school.AllEditions(), Sort: "reference"})
		if err != nil {
			t.Fatal(err)
		}
		var refs []string
		for _, a := range apps {
			refs = append(refs, a.Reference)
		}
		return refs
	}
	if got, want := strings.Join(list("applied"), " "), strings.Join([]string{byEmail.Reference, byName.Reference, again.Reference}, " "); got != want {
		t.Errorf("applied before: %s, want %s", got, want)
	}
	if got, want := strings.Join(list("alumni"), " "), byEmail.Reference+" "+byName.Reference; got != want {
		t.Errorf("alumni: %s, want %s", got, want)
	}

	render := func(string, school.Application) (Email, error) { return Email{}, nil }
	// Once the alumna's old application is erased, nothing of it matches any more: not the
	// placeholder address, not the emptied name.
	if err := s.RequestErasure(ctx, alumna.ID, now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CarryOutErasure(ctx, alumna.ID, ActorSystem, now, render); err != nil {
		t.Fatal(err)
	}
	if got := past(byEmail, school.AllEditions()); len(got) != 0 {
		t.Errorf("an erased application still matches: %+v", got)
	}
	if got := strings.Join(list("alumni"), " "); got != byName.Reference {
		t.Errorf("alumni after the erasure: %s", got)
	}
	// Nor does an erased application look for its past.
	if err := s.RequestErasure(ctx, byName.ID, now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CarryOutErasure(ctx, byName.ID, ActorSystem, now, render); err != nil {
		t.Fatal(err)
	}
	if got := past(byName, school.AllEditions()); len(got) != 0 {
		t.Errorf("an erased application has a past: %+v", got)
	}
	if got := strings.Join(list("applied"), " "); got != again.Reference {
		t.Errorf("applied before, after the erasures: %s", got)
	}
}

// TestReturningApplicantsAreFoundThroughIndexes: the matches are looked up, never found by
// reading every application of every year.
func TestReturningApplicantsAreFoundThroughIndexes(t *testing.T) {
	now := time.Date(2026, time.November, 27, 12, 0, 0, 0, time.UTC)
	s := openDemoStore(t, now)
	type plan struct {
		query string
		args  []any
	}
	plans := map[string]plan{}
	query, args := pastApplicationsQuery(1, school.AllEditions())
	plans["past applications"] = plan{query, args}
	for _, returning := range []string{"applied", "alumni"} {
		for scopeName, scope := range map[string]school.Scope{"all": school.AllEditions(), "two": school.OnlyEditions(1, 2)} {
			cond, condArgs := returningCondition(returning, scope)
			plans[returning+" in "+scopeName] = plan{`SELECT a.id FROM applications a WHERE a.edition_id = ? AND ` + cond,
				append([]any{1}, condArgs...)}
		}
	}
	for name, p := range plans {
		rows, err := s.reader.Query(`EXPLAIN QUERY PLAN `+p.query, p.args...)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		all := strings.Join(plan, "\n")
		// In a list, each applicant's earlier applications are looked up directly, not tested
		// one by one against a list made for each.
		looked := "byemail"
		if name != "past applications" {
			looked = "p"
		}
		byName := "byname"
		if name != "past applications" {
			byName = "p"
		}
		if strings.Contains(all, "SCAN ") || !strings.Contains(all, "SEARCH "+looked+" USING INDEX applications_by_email (email=?)") ||
			!strings.Contains(all, "SEARCH "+byName+" USING INDEX applications_by_person (date_of_birth=? AND family_name=? AND given_name=?)") {
			t.Errorf("%s is not looked up by email and by name:\n%s", name, all)
		}
	}
}

// TestTheDemoHasReturningApplicants: the demo's summer school has applicants who applied before,
// two of them alumni, for a newcomer to see on the application page and in the list's filters.
func TestTheDemoHasReturningApplicants(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, time.November, 27, 12, 0, 0, 0, time.UTC)
	s := openDemoStore(t, now)
	if err := s.LoadDemoApplicants(ctx, now); err != nil {
		t.Fatal(err)
	}
	var summer int64
	if err := s.reader.QueryRow(`SELECT edition_id FROM applications GROUP BY edition_id
		ORDER BY COUNT(*) DESC LIMIT 1`).Scan(&summer); err != nil {
		t.Fatal(err)
	}
	for returning, want := range map[string]int{"": demoApplicants, "applied": 3, "alumni": 2} {
		apps, total, err := s.ApplicationList(ctx, ApplicationFilter{EditionID: summer, Returning: returning,
			PastEditions: school.AllEditions()})
		if err != nil {
			t.Fatal(err)
		}
		if total != want {
			t.Errorf("%q: %d applications, want %d", returning, total, want)
		}
		for _, a := range apps {
			if a.SubmittedAt.After(now) {
				t.Errorf("%s was sent after now: %v", a.Reference, a.SubmittedAt)
			}
		}
	}
}
