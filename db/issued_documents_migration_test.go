package db

import (
	"context"
	"testing"
	"time"

	"registrar/app/school"
)

// Migration 0034 makes issued_documents anew: every letter and certificate issued before it
// keeps its code, holder, dates and revocation, and answers on /verify as before; an
// application still has one current document of each kind.
func TestMigration0034KeepsEveryIssuedDocument(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, time.November, 27, 12, 0, 0, 0, time.UTC)
	s := openDemoStore(t, now)
	_, apps := attendedApplications(t, s, now, 3)
	migrateDownTo(t, s, 33)
	exec := func(query string, args ...any) {
		t.Helper()
		if _, err := s.writer.ExecContext(ctx, query, args...); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
	}
	// As the schema before 0034 stored them.
	at := formatInstant(now)
	exec(`INSERT INTO issued_documents (code, kind, application_id, edition_id, holder_name, issued_at)
		VALUES ('111111111111', 'visa_letter', ?, ?, 'Person0 Tester', ?)`, apps[0].ID, apps[0].EditionID, at)
	exec(`INSERT INTO issued_documents (code, kind, application_id, edition_id, holder_name, issued_at)
		VALUES ('222222222222', 'certificate', ?, ?, 'Person0 Tester', ?)`, apps[0].ID, apps[0].EditionID, at)
	exec(`INSERT INTO issued_documents (code, kind, application_id, edition_id, holder_name, issued_at, revoked_at)
		VALUES ('333333333333', 'visa_letter', ?, ?, 'Person1 Tester', ?, ?)`, apps[1].ID, apps[1].EditionID, at,
		formatInstant(now.Add(time.Hour)))
	// An erased application's certificate keeps its code with no application.
	exec(`INSERT INTO issued_documents (code, kind, application_id, edition_id, holder_name, issued_at)
		VALUES ('444444444444', 'certificate', NULL, ?, 'Erased Person', ?)`, apps[2].EditionID, at)
	exec(`INSERT INTO erasures (application_id, reference, erased_at) VALUES (?, ?, ?)`, apps[2].ID, apps[2].Reference, at)
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for code, want := range map[string]struct {
		kind    school.DocumentKind
		app     int64
		holder  string
		revoked bool
	}{
		"111111111111": {school.DocumentVisaLetter, apps[0].ID, "Person0 Tester", false},
		"222222222222": {school.DocumentCertificate, apps[0].ID, "Person0 Tester", false},
		"333333333333": {school.DocumentVisaLetter, apps[1].ID, "Person1 Tester", true},
		"444444444444": {school.DocumentCertificate, 0, "Erased Person", false},
	} {
		d, err := s.DocumentByCode(ctx, code)
		if err != nil {
			t.Fatalf("%s: %v", code, err)
		}
		if d.Kind != want.kind || d.ApplicationID != want.app || d.HolderName != want.holder ||
			!d.IssuedAt.Equal(now) || d.RevokedAt.IsZero() == want.revoked || !d.ReplacedAt.IsZero() {
			t.Errorf("%s after the migration: %+v", code, d)
		}
	}
	if d, err := s.IssuedDocument(ctx, apps[0].ID, school.DocumentVisaLetter); err != nil || d.Code != "111111111111" {
		t.Errorf("the current letter: %+v, %v", d, err)
	}
	// Asked again, the letter is the one issued before the migration.
	if d, err := s.IssueDocument(ctx, apps[0], school.DocumentVisaLetter, ActorApplicant, now.Add(time.Hour)); err != nil ||
		d.Code != "111111111111" {
		t.Errorf("issued again: %+v, %v", d, err)
	}
	// Still one current document of each kind.
	if _, err := s.writer.ExecContext(ctx, `INSERT INTO issued_documents (code, kind, application_id, edition_id,
		holder_name, issued_at) VALUES ('555555555555', 'certificate', ?, ?, 'Person0 Tester', ?)`,
		apps[0].ID, apps[0].EditionID, at); err == nil {
		t.Error("a second current certificate was stored")
	}
	var what string
	if err := s.reader.QueryRowContext(ctx, `SELECT what FROM erasures WHERE application_id = ?`, apps[2].ID).Scan(&what); err != nil ||
		what != ErasedApplication {
		t.Errorf("the journal's erasure is %q (%v), want %q", what, err, ErasedApplication)
	}
}

// Taken back below 0034, the journal of erasures cannot say what an entry erased, and a
// version before it reads every entry as a whole application erased: a restore would erase
// whole the participants whose passport details only were erased. Those entries go.
func TestMigration0034DownLeavesNoPassportErasureToBeReadAsAWholeOne(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, time.November, 27, 12, 0, 0, 0, time.UTC)
	s := openDemoStore(t, now)
	_, apps := attendedApplications(t, s, now, 2)
	at := formatInstant(now)
	for i, what := range []string{ErasedPassport, ErasedApplication} {
		if _, err := s.writer.ExecContext(ctx, `INSERT INTO erasures (application_id, reference, erased_at, what)
			VALUES (?, ?, ?, ?)`, apps[i].ID, apps[i].Reference, at, what); err != nil {
			t.Fatal(err)
		}
	}
	migrateDownTo(t, s, 33)
	var ids []int64
	rows, err := s.reader.QueryContext(ctx, `SELECT application_id FROM erasures ORDER BY application_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if len(ids) != 1 || ids[0] != apps[1].ID {
		t.Errorf("below 0034 the journal names applications %v as erased, want only %d", ids, apps[1].ID)
	}
}
