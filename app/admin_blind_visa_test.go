package app

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"registrar/app/school"
	"registrar/db"
)

// A visa invitation letter is asked for by those who need a visa: a reviewer who reads that
// an applicant asked for one learns where the applicant comes from.
func TestABlindReviewerIsNotToldOfAVisaRequest(t *testing.T) {
	t.Parallel()
	f := newAdminFixture(t)
	ts := f.ts
	ctx := context.Background()
	a := applyToSummerWith(t, ts, url.Values{"given_name": {"Yevgenia"}, "family_name": {"Okonkwo-Lindqvist"},
		"email": {"yevgenia.ol@example.net"}, "visa_letter": {"yes"}},
		cvFile("cv.pdf"))
	if !a.VisaLetter {
		t.Fatal("the application does not ask for a visa letter")
	}
	if _, err := ts.store.TransitionApplication(ctx, a.ID, school.StatusAccepted, db.ActorSystem, demoNow, ts.renderer(t, f.summer)); err != nil {
		t.Fatal(err)
	}
	a, err := ts.store.Application(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ts.store.IssueDocument(ctx, a, school.DocumentVisaLetter, db.ActorSystem, demoNow); err != nil {
		t.Fatal(err)
	}
	organiser := signIn(t, ts, f.staff.organiser.Email)
	reviewer := signIn(t, ts, f.staff.reviewer.Email)
	id := strconv.FormatInt(a.ID, 10)
	// The summary on both pages, the history on the application's page (the one "Open the
	// whole application" leads to from the review).
	pages := map[string]map[string][]string{
		"/admin/applications/" + id: {
			"en": {"Needs a visa invitation letter", "Visa invitation letter issued"},
			"cs": {"Potřebuje zvací dopis pro vízum", "Vydán zvací dopis pro vízum"}},
		"/admin/applications/" + id + "/review": {
			"en": {"Needs a visa invitation letter"},
			"cs": {"Potřebuje zvací dopis pro vízum"}},
	}
	look := func(t *testing.T, who *visitor, wantShown bool) {
		t.Helper()
		for page, langs := range pages {
			for lang, words := range langs {
				resp, body := who.get(t, page+"?lang="+lang)
				wantStatus(t, resp, body, http.StatusOK)
				text := visibleText(t, body)
				for _, w := range words {
					if strings.Contains(text, w) != wantShown {
						t.Errorf("%s in %s: shows %q: %v, want %v", page, lang, w, !wantShown, wantShown)
					}
				}
			}
		}
	}

	// Every detail hidden: nothing tells of the visa, neither the summary nor the history.
	setBlindReview(t, organiser, f.summer.ID, school.IdentifyingFields)
	t.Run("blind reviewer", func(t *testing.T) { look(t, reviewer, false) })

	// The organiser shows the reviewers the nationality: the visa request tells no more than it.
	var hide []school.IdentifyingField
	for _, field := range school.IdentifyingFields {
		if field != school.IdentNationality && field != school.IdentName {
			hide = append(hide, field)
		}
	}
	setBlindReview(t, organiser, f.summer.ID, hide)
	t.Run("nationality shown", func(t *testing.T) { look(t, reviewer, true) })

	// Organisers see the request.
	setBlindReview(t, organiser, f.summer.ID, school.IdentifyingFields)
	t.Run("organiser", func(t *testing.T) { look(t, organiser, true) })
}

// A blind reviewer who may not see the nationality is not told either that the visa letter was
// made again nor which passport lines organisers corrected: both say the applicant needs a visa.
func TestABlindReviewerIsNotToldOfACorrectedVisaLetter(t *testing.T) {
	t.Parallel()
	c := newCorrection(t, "blind-corrected-2027")
	ts, e, fields, staff, app := c.ts, c.e, c.fields, c.staff, c.app
	reviewer := createUser(t, ts, "reviewer@school.test", school.RoleReviewer)
	if err := ts.store.AssignStaff(context.Background(), reviewer.ID, e.ID); err != nil {
		t.Fatal(err)
	}
	f := staff.openForm(t, app+"/follow-ups", app+"/follow-ups")
	resp, body := staff.submit(t, f, url.Values{fields[school.PurposePassportNumber]: {"FE123456"}})
	wantStatus(t, resp, body, http.StatusSeeOther)
	setBlindReview(t, staff, e.ID, school.IdentifyingFields)

	look := map[string][]string{
		"en": {"Visa invitation letter", "Passport", "passport"},
		"cs": {"Zvací dopis pro vízum", "zvací dopis", "pasu", "Pas"},
	}
	blindReviewer := signIn(t, ts, reviewer.Email)
	for lang, words := range look {
		resp, body := blindReviewer.get(t, app+"?lang="+lang)
		wantStatus(t, resp, body, http.StatusOK)
		text := visibleText(t, body)
		for _, w := range words {
			if strings.Contains(text, w) {
				t.Errorf("%s: the blind reviewer reads %q on the application's page", lang, w)
			}
		}
	}
	// The organiser still reads both.
	_, body = staff.get(t, app+"?lang=en")
	wantText(t, body, "Visa invitation letter replaced by a corrected one", "Follow-up answers corrected: Passport number")
}
