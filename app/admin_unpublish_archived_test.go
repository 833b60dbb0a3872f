package app

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"registrar/app/school"
	"registrar/app/testkit"
	"registrar/db"
)

// An archived edition is on the public site too, among the past editions with its programme
// and alumni: unpublishing it asks once more, as for a live one, and says what goes offline.
func TestUnpublishingAnArchivedEditionAsksOnceMore(t *testing.T) {
	t.Parallel()
	f := newAdminFixture(t)
	ctx := context.Background()
	all, err := f.ts.store.PublicEditions(ctx, db.EditionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var past school.Edition
	for _, e := range all {
		if e.Status == school.EditionArchived {
			past = e
			break
		}
	}
	if past.ID == 0 {
		t.Fatal("the demo has no archived edition")
	}
	v := signIn(t, f.ts, f.staff.organiser.Email)
	status := editionPath(past.ID, "/status")
	for lang, want := range map[string][]string{
		"en": {"Unpublish " + past.TitleEN + "?", "leaves the archive of past editions", "Yes, unpublish", "No, keep it archived"},
		"cs": {"Zrušit zveřejnění ročníku " + past.TitleCS + "?", "zmizí z archivu minulých ročníků", "Ano, zrušit zveřejnění", "Ne, ponechat v archivu"},
	} {
		// Sent without the confirmation: a page asks, and the edition stays in the archive.
		resp, body := v.postAdmin(t, status+"?lang="+lang, url.Values{"status": {"draft"}})
		wantStatus(t, resp, body, http.StatusOK)
		wantText(t, testkit.MainText(t, body), want...)
		if e, err := f.ts.store.EditionByID(ctx, past.ID); err != nil || e.Status != school.EditionArchived {
			t.Fatalf("before the confirmation the edition is %q, %v", e.Status, err)
		}
		if resp, _ := f.ts.get(t, "/editions/"+past.Slug); resp.StatusCode != http.StatusOK {
			t.Fatalf("the archived edition's page answers %d before the organiser confirmed", resp.StatusCode)
		}
	}
	// Opening the address leaves it as it is: only the form's POST unpublishes.
	if resp, _ := v.get(t, status); resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusSeeOther {
		t.Errorf("GET %s answers %d", status, resp.StatusCode)
	}
	resp, body := v.postAdmin(t, status, url.Values{"status": {"draft"}})
	wantStatus(t, resp, body, http.StatusOK)
	form := testkit.FormOn(t, status, body, status)
	if form.Values.Get("_csrf") == "" {
		t.Error("the confirmation form carries no CSRF token")
	}
	resp, body = v.submit(t, form, nil)
	wantStatus(t, resp, body, http.StatusSeeOther)
	if e, err := f.ts.store.EditionByID(ctx, past.ID); err != nil || e.Status != school.EditionDraft {
		t.Errorf("after the confirmation the edition is %q, %v", e.Status, err)
	}
	if resp, _ := f.ts.get(t, "/editions/"+past.Slug); resp.StatusCode != http.StatusNotFound {
		t.Errorf("the unpublished edition's page answers %d", resp.StatusCode)
	}
}
