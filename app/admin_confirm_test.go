package app

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"registrar/app/school"
	"registrar/app/testkit"
)

// buttonClass is the class of the submit button that sends value as name, or of the first
// submit button of the form to action when name is empty.
func buttonClass(t *testing.T, body, action, name, value string) (string, bool) {
	t.Helper()
	var class string
	found := false
	testkit.Walk(testkit.ParseHTML(t, body), func(n *html.Node) bool {
		if found || n.Type != html.ElementNode || n.Data != "form" {
			return !found
		}
		if a, _ := testkit.Attr(n, "action"); a != action {
			return false
		}
		testkit.Walk(n, func(b *html.Node) bool {
			if found || b.Type != html.ElementNode || b.Data != "button" {
				return !found
			}
			n, _ := testkit.Attr(b, "name")
			v, _ := testkit.Attr(b, "value")
			if name == "" || (n == name && v == value) {
				class, _ = testkit.Attr(b, "class")
				found = true
			}
			return false
		})
		return false
	})
	return class, found
}

func TestUnpublishingALiveEditionIsQuietAndAsksOnceMore(t *testing.T) {
	t.Parallel()
	f := newAdminFixture(t)
	v := signIn(t, f.ts, f.staff.organiser.Email)
	status := editionPath(f.summer.ID, "/status")
	resp, body := v.get(t, editionPath(f.summer.ID, "/edit"))
	wantStatus(t, resp, body, http.StatusOK)
	if class, ok := buttonClass(t, body, status, "status", "draft"); !ok || class != "secondary outline" {
		t.Errorf("the Unpublish button has class %q (found %v), want secondary outline", class, ok)
	}

	// Sent without the confirmation: a page asks, and the edition stays online.
	resp, body = v.postAdmin(t, status, url.Values{"status": {"draft"}})
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, testkit.MainText(t, body), "Unpublish "+f.summer.TitleEN+"?", "go offline at once", "No, keep it published")
	if resp, _ := f.ts.get(t, "/editions/"+f.summer.Slug); resp.StatusCode != http.StatusOK {
		t.Fatalf("the edition's public page answers %d before the organiser confirmed", resp.StatusCode)
	}
	if e, err := f.ts.store.EditionByID(context.Background(), f.summer.ID); err != nil || e.Status != school.EditionPublished {
		t.Fatalf("before the confirmation the edition is %q, %v", e.Status, err)
	}
	// The page's own form unpublishes.
	form := testkit.FormOn(t, status, body, status)
	resp, body = v.submit(t, form, nil)
	wantStatus(t, resp, body, http.StatusSeeOther)
	if e, err := f.ts.store.EditionByID(context.Background(), f.summer.ID); err != nil || e.Status != school.EditionDraft {
		t.Errorf("after the confirmation the edition is %q, %v", e.Status, err)
	}
}

func TestReleasingDecisionsNeedsTheConfirmationTicked(t *testing.T) {
	t.Parallel()
	f := newAdminFixture(t)
	v := signIn(t, f.ts, f.staff.organiser.Email)
	stageOK(t, v, f.app.ID, school.StatusAccepted, 0)
	page := editionPath(f.summer.ID, "/decisions")
	resp, body := v.get(t, page)
	wantStatus(t, resp, body, http.StatusOK)
	if class, ok := buttonClass(t, body, page, "", ""); !ok || !strings.Contains(class, "secondary") {
		t.Errorf("the release button has class %q (found %v), want a secondary one", class, ok)
	}
	if !strings.Contains(body, `name="confirm" value="yes" required`) {
		t.Error("the release form has no required confirmation")
	}
	// The form as it comes, box unticked: refused, nothing released, nothing sent.
	resp, body = v.submit(t, testkit.FormOn(t, page, body, page), nil)
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	wantText(t, body, "Nothing was sent. Tick the box")
	if a, err := f.ts.store.Application(context.Background(), f.app.ID); err != nil || a.Status != school.StatusSubmitted {
		t.Errorf("after an unconfirmed release the application is %s, %v", a.Status, err)
	}
	if staged, err := f.ts.store.StagedDecisions(context.Background(), f.summer.ID); err != nil || len(staged) != 1 {
		t.Errorf("after an unconfirmed release %d decisions are staged, %v", len(staged), err)
	}
	resp, body = release(t, v, f.summer.ID)
	wantStatus(t, resp, body, http.StatusSeeOther)
	if a, err := f.ts.store.Application(context.Background(), f.app.ID); err != nil || a.Status != school.StatusAccepted {
		t.Errorf("after the confirmed release the application is %s, %v", a.Status, err)
	}
}
