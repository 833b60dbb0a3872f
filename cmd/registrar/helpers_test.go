package main

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"registrar/app/school"
	"registrar/db"
)

// migratedStore opens a migrated, empty database in a data folder of the test's own, which the
// command line then finds through REGISTRAR_DATA.
func migratedStore(t *testing.T) (*db.Store, string) {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("REGISTRAR_DATA", dir)
	store, err := db.Open(filepath.Join(dir, "registrar.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return store, dir
}

// endedSeminar creates a seminar that ended a year ago, past its retention period of six months:
// whoever it did not select is due for the purge.
func endedSeminar(t *testing.T, store *db.Store, slug, title string) school.Edition {
	t.Helper()
	ctx := context.Background()
	ended := time.Now().AddDate(-1, 0, 0).UTC().Truncate(24 * time.Hour)
	series, err := store.CreateSeries(ctx, school.Series{Slug: slug + "s", NameEN: "Seminars"})
	if err != nil {
		t.Fatal(err)
	}
	e := school.Edition{SeriesID: series, Slug: slug, Year: ended.Year(), Kind: school.KindSeminar,
		TitleEN: title, StartsOn: ended, EndsOn: ended, Mode: school.ModeInPerson, Language: "en",
		Currency: "EUR", SeatsInPerson: 5, Admission: school.AdmissionSelection, OfferDays: 7,
		Status: school.EditionArchived, RetentionMonths: 6}
	if e.ID, err = store.CreateEdition(ctx, e); err != nil {
		t.Fatal(err)
	}
	return e
}

// applicantOf creates an application to e, sent two months before it ended, and takes it along
// path, a month before it ended.
func applicantOf(t *testing.T, store *db.Store, e school.Edition, email string, path ...school.Status) school.Application {
	t.Helper()
	ctx := context.Background()
	a, err := store.CreateApplication(ctx, e, school.Application{Lang: "en", Email: email, GivenName: "Named",
		FamilyName: "Person", Nationality: "CZ"}, "", e.EndsOn.AddDate(0, -2, 0), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, to := range path {
		if _, err := store.TransitionApplication(ctx, a.ID, to, db.ActorSystem, e.EndsOn.AddDate(0, -1, 0), nil); err != nil {
			t.Fatal(err)
		}
	}
	return a
}
