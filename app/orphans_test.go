package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"registrar/app/testkit"
	"registrar/db"
)

// refusedWithFile sends a form that is sent back for a missing family name, with a CV, and
// returns the form sent back and the stored CV, which belongs to no application.
func refusedWithFile(t testing.TB, v *visitor, f testkit.Form, answers url.Values, name string) (testkit.Form, db.Upload) {
	t.Helper()
	answers = f.With(answers)
	answers.Set("family_name", "")
	resp, body := v.post(t, f.Action, f.Page, answers, cvFile(name))
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	back := testkit.FormOn(t, f.Page, body, f.Action)
	up, err := v.ts.store.UploadByClaim(context.Background(), back.Values.Get("cv_claim"))
	if err != nil {
		t.Fatalf("the refused form's CV is not kept: %v", err)
	}
	return back, up
}

// wantUploadGone checks an upload has left the database, its bytes too; wantUploadKept the opposite.
func wantUploadGone(t testing.TB, ts *testServer, up db.Upload, what string) {
	t.Helper()
	if _, err := ts.store.UploadByClaim(context.Background(), up.ClaimKey); !errors.Is(err, db.ErrNotFound) {
		t.Errorf("%s is still in the database (%v)", what, err)
	}
	if _, err := ts.store.FileData(context.Background(), up.StoredName); !errors.Is(err, db.ErrNotFound) {
		t.Errorf("%s's bytes are still stored (%v)", what, err)
	}
}

func wantUploadKept(t testing.TB, ts *testServer, up db.Upload, what string) {
	t.Helper()
	if _, err := ts.store.UploadByClaim(context.Background(), up.ClaimKey); err != nil {
		t.Errorf("%s left the database: %v", what, err)
	}
	if _, err := ts.store.FileData(context.Background(), up.StoredName); err != nil {
		t.Errorf("%s's bytes left the database: %v", what, err)
	}
}

func TestUnattachedUploadsGoOnceTheirFormHasExpired(t *testing.T) {
	t.Parallel()
	clock := testkit.NewClock(demoNow)
	ts := newTestServerWith(t, clock.Now, func(c *Config) { c.ApplyLimit = 10000 })
	ctx := context.Background()

	v := ts.visitor()
	f := v.openForm(t, applyPath(summerSlug), applyPath(summerSlug))
	_, old := refusedWithFile(t, v, f, summerAnswers(t, ts, "gave-up@example.org"), "old.pdf")
	kept := privacyApplicant(t, ts, "Attached", "CZ", false)
	keptCV := storedCV(t, ts, kept.app)

	clock.Set(demoNow.Add(FormLifetime + time.Minute))
	w := ts.visitor()
	g := w.openForm(t, applyPath(summerSlug), applyPath(summerSlug))
	back, fresh := refusedWithFile(t, w, g, summerAnswers(t, ts, "still-typing@example.org"), "fresh.pdf")

	if err := ts.jobs().PurgeRetention(ctx); err != nil {
		t.Fatal(err)
	}
	wantUploadGone(t, ts, old, "the CV of a form that expired")
	wantUploadKept(t, ts, fresh, "the CV of a form still open")
	if !fileStored(t, ts, keptCV) {
		t.Error("an application's CV went with the unattached ones")
	}
	// The form still open is sent, fixed, with the CV it kept.
	resp, body := w.submit(t, back, url.Values{"family_name": {"Typing"}})
	token := ts.submitted(t, resp, body, "still-typing@example.org")
	if a := applicationOf(t, ts, token); a.CVFileName != "fresh.pdf" {
		t.Errorf("the application has CV %q", a.CVFileName)
	}
}

func TestErasureTakesTheApplicantsUnattachedUploads(t *testing.T) {
	t.Parallel()
	ts := newFormServer(t)
	ctx := context.Background()
	summer, err := ts.store.PublicEdition(ctx, summerSlug)
	if err != nil {
		t.Fatal(err)
	}
	v := ts.visitor()
	answers := summerAnswers(t, ts, "erase-all@example.org")
	f := v.openForm(t, applyPath(summerSlug), applyPath(summerSlug))
	var left []db.Upload
	for i := range 3 { // three tries sent back, each with another file
		var up db.Upload
		f, up = refusedWithFile(t, v, f, answers, fmt.Sprintf("try-%d.pdf", i))
		left = append(left, up)
	}
	resp, body := v.submit(t, f, url.Values{"family_name": {"Haddad"}}, cvFile("final.pdf"))
	token := ts.submitted(t, resp, body, "erase-all@example.org")
	a := applicationOf(t, ts, token)
	edit := "/status/" + token + "/edit"
	e := v.openForm(t, edit, edit)
	_, up := refusedWithFile(t, v, e, nil, "edit-try.pdf")
	left = append(left, up)
	final := storedCV(t, ts, a)

	// Another applicant's file, sent back in another browser, is not theirs to erase.
	w := ts.visitor()
	_, other := refusedWithFile(t, w, w.openForm(t, applyPath(summerSlug), applyPath(summerSlug)),
		summerAnswers(t, ts, "someone-else@example.org"), "other.pdf")

	if err := ts.store.RequestErasure(ctx, a.ID, demoNow); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.store.CarryOutErasure(ctx, a.ID, db.ActorSystem, demoNow, ts.renderer(t, summer)); err != nil {
		t.Fatal(err)
	}
	for i, up := range left {
		wantUploadGone(t, ts, up, fmt.Sprintf("unattached file %d of the erased applicant", i))
	}
	if fileStored(t, ts, final) {
		t.Errorf("the erased applicant's CV is still stored")
	}
	wantUploadKept(t, ts, other, "another applicant's file")
}

func TestEditsAreLimitedLikeSubmissions(t *testing.T) {
	t.Parallel()
	ts := newTestServerWith(t, func() time.Time { return demoNow }, func(c *Config) { c.ApplyLimit = 3 })
	v := ts.visitor()
	token := v.applyOK(t, summerSlug, summerAnswers(t, ts, "editor@example.org"), cvFile("cv.pdf"))
	edit := "/status/" + token + "/edit"
	f := v.openForm(t, edit+"?lang=cs", edit)
	for i := 1; i <= 4; i++ {
		resp, body := v.submit(t, f, url.Values{"family_name": {""}})
		if i <= 3 {
			wantStatus(t, resp, body, http.StatusUnprocessableEntity)
			continue
		}
		wantStatus(t, resp, body, http.StatusTooManyRequests)
		wantText(t, body, "Příliš mnoho požadavků", "Počkejte prosím minutu")
	}
}
