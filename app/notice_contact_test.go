package app

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"registrar/app/school"
)

// The school's contact address (REGISTRAR_CONTACT) is part of every notice that gives no
// contact of its own: a restart with another address is a new wording, so a new version, and
// consents given after it name that version.
func TestANewSchoolContactIsANewNoticeVersion(t *testing.T) {
	t.Parallel()
	ts := newTrustServer(t)
	ctx := context.Background()
	winter, err := ts.store.PublicEdition(ctx, winterSlug)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ts.store.SavePrivacyNotice(ctx, school.PrivacyNotice{EditionID: winter.ID, Contact: "winter@iom.test"}, "test", demoNow); err != nil {
		t.Fatal(err)
	}
	// restart serves the same database with the contact given, a day later.
	restart := func(contact string, days int) *testServer {
		t.Helper()
		at := demoNow.Add(time.Duration(days) * 24 * time.Hour)
		cfg := Config{DataDir: t.TempDir(), BaseURL: "http://127.0.0.1", Clock: func() time.Time { return at },
			ApplyLimit: 10000, Contact: contact, SchoolAddress: testAddress}
		s, err := New(cfg, ts.store, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Shutdown(time.Second) })
		return &testServer{Server: s, store: ts.store, dir: cfg.DataDir}
	}
	version := func(ts *testServer, slug string) (version, text string) {
		t.Helper()
		_, body := ts.visitor().get(t, "/editions/"+slug+"/privacy?lang=en")
		text = wholeText(t, body)
		i := strings.Index(text, "Version ")
		if i < 0 {
			t.Fatalf("the notice names no version: %s", text)
		}
		return strings.Fields(text[i:])[1], text
	}
	summerBefore, _ := version(ts, summerSlug)
	winterBefore, _ := version(ts, winterSlug)

	// The same address again: nothing changed.
	same := restart(testContact, 1)
	if v, _ := version(same, summerSlug); v != summerBefore {
		t.Errorf("a restart with the same contact made version %s of %s", v, summerBefore)
	}

	moved := restart("privacy.office@iom.test", 2)
	v, text := version(moved, summerSlug)
	if v == summerBefore {
		t.Errorf("after the school's contact changed the notice is still version %s", v)
	}
	if !strings.Contains(text, "privacy.office@iom.test") {
		t.Errorf("the notice does not give the new contact: %s", text)
	}
	// An edition with its own contact reads as before.
	if v, _ := version(moved, winterSlug); v != winterBefore {
		t.Errorf("the winter school's own contact kept, yet its notice became version %s of %s", v, winterBefore)
	}
	// The organisers read why in the edition's history.
	organiser := createUser(t, moved, "contact.organiser@school.test", school.RoleOrganiser)
	summer, err := ts.store.PublicEdition(ctx, summerSlug)
	if err != nil {
		t.Fatal(err)
	}
	for lang, want := range map[string]string{
		"en": "The school's contact address changed (" + testContact + " → privacy.office@iom.test): a new version of the privacy notice",
		"cs": "Změnila se kontaktní adresa školy (" + testContact + " → privacy.office@iom.test): nová verze zásad ochrany osobních údajů",
	} {
		_, body := signIn(t, moved, organiser.Email).get(t, editionPath(summer.ID, "/edit?lang="+lang))
		wantText(t, body, want)
	}
	// A consent given now names the new version.
	a := applyToSummer(t, moved, "Ifeoma", "Castellanos", "ifeoma.c@example.org")
	if got := consentVersion(t, a); got != school.ConsentWordingVersion+"+privacy-"+v {
		t.Errorf("the consent was recorded under %q, want the notice's version %s", got, v)
	}
}
