package db

import (
	"context"
	"testing"
	"time"

	"registrar/app/school"
)

func draftEmail(to string) *Email {
	return &Email{To: to, Lang: "en", Subject: "Continue your application", Text: "Your link", Template: "draft_saved"}
}

func draftFileCount(t *testing.T, s *Store) (files, blobs int) {
	t.Helper()
	if err := s.reader.QueryRow(`SELECT (SELECT COUNT(*) FROM draft_files),
		(SELECT COUNT(*) FROM file_blobs WHERE name LIKE 'draft-%')`).Scan(&files, &blobs); err != nil {
		t.Fatal(err)
	}
	return files, blobs
}

func draftOutbox(t *testing.T, s *Store, to string) int {
	t.Helper()
	var n int
	if err := s.reader.QueryRow(`SELECT COUNT(*) FROM outbox WHERE to_addr = ? AND template = 'draft_saved'`, to).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// A draft is saved with its file and its link's email, saved again in place (a new file
// replacing the old one's bytes), read back by its link, counted for its edition, and deleted
// with its files; a draft of a call that closed is purged, files too.
func TestADraftIsSavedUpdatedLoadedAndPurgedWithItsFiles(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, time.November, 27, 12, 0, 0, 0, time.UTC)
	s := openDemoStore(t, now)
	summer := openSummer(t, s, now)

	cv := DraftFile{Field: "cv", StoredName: "draft-cv-1", OriginalName: "cv.pdf", ContentType: "application/pdf",
		Size: 5, SHA256: "x", Data: []byte("%PDF1")}
	d := Draft{EditionID: summer.ID, Email: "amina@example.org", Lang: "cs", Form: []byte(`{"GivenName":"Amina"}`)}
	id, emailed, err := s.SaveDraft(ctx, DraftSave{Draft: d, LinkHash: "hash-1", Files: []DraftFile{cv},
		Email: draftEmail("amina@example.org")}, now)
	if err != nil || !emailed {
		t.Fatalf("save: id %d, emailed %v, %v", id, emailed, err)
	}
	got, err := s.DraftByLink(ctx, "hash-1")
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != id || got.Lang != "cs" || string(got.Form) != `{"GivenName":"Amina"}` || len(got.Files) != 1 ||
		got.Files[0].OriginalName != "cv.pdf" {
		t.Fatalf("loaded %+v", got)
	}
	if data, err := s.FileData(ctx, "draft-cv-1"); err != nil || string(data) != "%PDF1" {
		t.Fatalf("the draft's CV reads %q, %v", data, err)
	}

	// Saved again: the same draft, its new CV in place of the old one.
	got.Form = []byte(`{"GivenName":"Amina","FamilyName":"Haddad"}`)
	cv2 := cv
	cv2.StoredName, cv2.OriginalName, cv2.Data = "draft-cv-2", "cv-new.pdf", []byte("%PDF2")
	again, emailed, err := s.SaveDraft(ctx, DraftSave{Draft: got, Files: []DraftFile{cv2},
		Email: draftEmail("amina@example.org")}, now.Add(time.Minute))
	if err != nil || again != id {
		t.Fatalf("saved again as %d (want %d): %v", again, id, err)
	}
	if emailed || draftOutbox(t, s, "amina@example.org") != 1 {
		t.Errorf("a second link went to the address within %s (emailed %v)", school.DraftEmailQuiet, emailed)
	}
	got, err = s.DraftByLink(ctx, "hash-1")
	if err != nil || string(got.Form) != `{"GivenName":"Amina","FamilyName":"Haddad"}` || len(got.Files) != 1 ||
		got.Files[0].OriginalName != "cv-new.pdf" {
		t.Fatalf("after saving again: %+v, %v", got, err)
	}
	if files, blobs := draftFileCount(t, s); files != 1 || blobs != 1 {
		t.Errorf("after replacing the CV: %d files, %d blobs; want 1 and 1", files, blobs)
	}
	// A stranger's draft with the same address, later: saved, and its link emailed once the
	// quiet time is over.
	if _, emailed, err := s.SaveDraft(ctx, DraftSave{Draft: Draft{EditionID: summer.ID, Email: "AMINA@example.org",
		Lang: "en", Form: []byte(`{}`)}, LinkHash: "hash-2", Email: draftEmail("AMINA@example.org")}, now.Add(2*time.Minute)); err != nil || emailed {
		t.Fatalf("a draft with the same address 2 minutes later: emailed %v, %v", emailed, err)
	}
	if _, emailed, err := s.SaveDraft(ctx, DraftSave{Draft: Draft{EditionID: summer.ID, Email: "amina@example.org",
		Lang: "en", Form: []byte(`{}`)}, LinkHash: "hash-3", Email: draftEmail("amina@example.org")}, now.Add(school.DraftEmailQuiet+time.Minute)); err != nil || !emailed {
		t.Fatalf("a draft after the quiet time: emailed %v, %v", emailed, err)
	}
	if held, err := s.EditionDrafts(ctx, summer.ID); err != nil || held != (DraftsHeld{Drafts: 3, Files: 1, Bytes: 5}) {
		t.Errorf("the edition holds %+v, %v", held, err)
	}

	if err := s.DeleteDraft(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DraftByLink(ctx, "hash-1"); err != ErrNotFound {
		t.Errorf("a deleted draft still opens: %v", err)
	}
	if files, blobs := draftFileCount(t, s); files != 0 || blobs != 0 {
		t.Errorf("a deleted draft left %d files, %d blobs", files, blobs)
	}

	// Purged once the call closed, not before.
	if _, _, err := s.SaveDraft(ctx, DraftSave{Draft: Draft{EditionID: summer.ID, Email: "b@example.org", Lang: "en",
		Form: []byte(`{}`)}, LinkHash: "hash-4", Files: []DraftFile{cv}}, now); err != nil {
		t.Fatal(err)
	}
	if n, err := s.PurgeDrafts(ctx, summer.Deadline().Add(-time.Minute)); err != nil || n != 0 {
		t.Fatalf("before the deadline %d drafts purged, %v", n, err)
	}
	if n, err := s.PurgeDrafts(ctx, summer.DraftKeptUntil()); err != nil || n != 3 {
		t.Fatalf("after the call closed %d drafts purged, want 3: %v", n, err)
	}
	if files, blobs := draftFileCount(t, s); files != 0 || blobs != 0 {
		t.Errorf("purged drafts left %d files, %d blobs", files, blobs)
	}
	if held, err := s.EditionDrafts(ctx, summer.ID); err != nil || held != (DraftsHeld{}) {
		t.Errorf("after the purge the edition holds %+v, %v", held, err)
	}
}

// An applicant's erasure takes the drafts saved with their address to the edition, files too.
func TestAnErasureTakesTheApplicantsDrafts(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, time.November, 27, 12, 0, 0, 0, time.UTC)
	s := openDemoStore(t, now)
	summer := openSummer(t, s, now)
	cv := DraftFile{Field: "cv", StoredName: "draft-cv-erased", OriginalName: "cv.pdf", ContentType: "application/pdf",
		Size: 5, SHA256: "x", Data: []byte("%PDF1")}
	if _, _, err := s.SaveDraft(ctx, DraftSave{Draft: Draft{EditionID: summer.ID, Email: "Erased@example.org", Lang: "en",
		Form: []byte(`{}`)}, LinkHash: "hash-erased", Files: []DraftFile{cv}}, now); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.SaveDraft(ctx, DraftSave{Draft: Draft{EditionID: summer.ID, Email: "other@example.org", Lang: "en",
		Form: []byte(`{}`)}, LinkHash: "hash-other"}, now); err != nil {
		t.Fatal(err)
	}
	a, err := s.CreateApplication(ctx, summer, school.Application{Lang: "en", Email: "erased@example.org",
		GivenName: "Erased", FamilyName: "Applicant", Nationality: "UA", Residence: "UA"}, "", now, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RequestErasure(ctx, a.ID, now); err != nil {
		t.Fatal(err)
	}
	render := func(string, school.Application) (Email, error) { return Email{}, nil }
	if _, err := s.CarryOutErasure(ctx, a.ID, ActorSystem, now, render); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DraftByLink(ctx, "hash-erased"); err != ErrNotFound {
		t.Errorf("the erased applicant's draft is still there: %v", err)
	}
	if files, blobs := draftFileCount(t, s); files != 0 || blobs != 0 {
		t.Errorf("the erased applicant's draft left %d files, %d blobs", files, blobs)
	}
	if _, err := s.DraftByLink(ctx, "hash-other"); err != nil {
		t.Errorf("someone else's draft went with the erasure: %v", err)
	}
}
