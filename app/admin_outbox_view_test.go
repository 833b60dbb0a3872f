package app

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"registrar/app/school"
	"registrar/app/testkit"
	"registrar/db"
)

// hostileName is what an attacker might give as their name, hoping it runs in an organiser's
// session when the email about them is shown.
const hostileGiven, hostileFamily = `<script>alert(1)</script>`, `<img src=x onerror=alert(2)>`

// wantEmailFrame checks that the frame of an email's HTML is escaped, runs nothing and keeps
// no status link.
func wantEmailFrame(t testing.TB, v *visitor, path, token string, wants ...string) {
	t.Helper()
	resp, body := v.get(t, path)
	wantStatus(t, resp, body, http.StatusOK)
	csp := resp.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "img-src data:", "style-src 'unsafe-inline'", "frame-ancestors 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("%s: the policy %q lacks %q", path, csp, want)
		}
	}
	if strings.Contains(csp, "script-src") || strings.Contains(csp, "unsafe-eval") {
		t.Errorf("%s: the policy %q lets scripts run", path, csp)
	}
	if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("%s: X-Content-Type-Options %q", path, got)
	}
	if got := resp.Header.Get("Content-Type"); !strings.HasPrefix(got, "text/html") {
		t.Errorf("%s: Content-Type %q", path, got)
	}
	if strings.Contains(body, "<script") || strings.Contains(body, "<img src=x") {
		t.Errorf("%s: the name is not escaped:\n%s", path, body)
	}
	if token != "" && strings.Contains(body, token) {
		t.Errorf("%s: the frame shows the status link", path)
	}
	for _, want := range wants {
		if !strings.Contains(body, want) {
			t.Errorf("%s: the frame lacks %q:\n%s", path, want, body)
		}
	}
}

// wantSandboxedFrame checks that page shows src in a frame that runs nothing and is not of our
// origin.
func wantSandboxedFrame(t testing.TB, body, frameSrc string) {
	t.Helper()
	var frame *html.Node
	testkit.Walk(testkit.ParseHTML(t, body), func(n *html.Node) bool {
		if src, _ := testkit.Attr(n, "src"); n.Type == html.ElementNode && n.Data == "iframe" && src == frameSrc {
			frame = n
		}
		return frame == nil
	})
	if frame != nil {
		if sandbox, ok := testkit.Attr(frame, "sandbox"); !ok || sandbox != "" {
			t.Errorf("the frame of %s has sandbox=%q (present %v), want an empty sandbox", frameSrc, sandbox, ok)
		}
		if title, _ := testkit.Attr(frame, "title"); title == "" {
			t.Errorf("the frame of %s has no title", frameSrc)
		}
		return
	}
	t.Errorf("the page has no frame of %s:\n%s", frameSrc, testkit.MainText(t, body))
}

func TestAnOrganiserOpensAnEmailAsItWentWithoutItsStatusLink(t *testing.T) {
	t.Parallel()
	f := newAdminFixture(t)
	ts := f.ts
	ctx := context.Background()
	a, err := ts.store.CreateApplication(ctx, f.summer, school.Application{Lang: "en",
		Email: "hostile@example.org", GivenName: hostileGiven, FamilyName: hostileFamily, Nationality: "AT",
		Residence: "AT", Sector: "government"}, "", demoNow, ts.renderer(t, f.summer))
	if err != nil {
		t.Fatal(err)
	}
	receipt := lastEmail(t, ts, a.ID)
	token := statusLinkOf(t, receipt)
	page := "/admin/outbox/" + strconv.FormatInt(receipt.ID, 10)
	organiser := signIn(t, ts, f.staff.organiser.Email)

	// Queued: the view already leaves the link out, though the row holds it to send it.
	resp, body := organiser.get(t, page)
	wantStatus(t, resp, body, http.StatusOK)
	if strings.Contains(body, token) {
		t.Error("the view of a queued email shows its status link")
	}
	wantEmailFrame(t, organiser, page+"/html", token, "/status/"+db.WithheldLink)

	sendOutbox(t, ts)
	sent := lastEmail(t, ts, a.ID)
	if strings.Contains(sent.Text+sent.HTML, token) || !strings.Contains(sent.Text, "/status/"+db.WithheldLink) {
		t.Errorf("the sent email keeps its status link, or no body:\n%s", sent.Text)
	}

	// The outbox links to the email; it opens with its headers, text and HTML.
	resp, body = organiser.get(t, "/admin/outbox")
	wantStatus(t, resp, body, http.StatusOK)
	if !strings.Contains(body, `href="`+page+`"`) {
		t.Errorf("the outbox does not link to %s", page)
	}
	resp, body = organiser.get(t, page)
	wantStatus(t, resp, body, http.StatusOK)
	L := ts.i18n.Translator("en")
	wantText(t, body, "hostile@example.org", receipt.Subject, "Sent", L.Moment(demoNow), "13:00",
		"Attempts", "1", "Dear "+hostileGiven, hostileFamily, "/status/"+db.WithheldLink)
	if strings.Contains(body, token) || strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") {
		t.Errorf("the view shows the link or the name unescaped:\n%s", body)
	}
	wantSandboxedFrame(t, body, page+"/html")
	wantEmailFrame(t, organiser, page+"/html", token, "&lt;script&gt;alert(1)&lt;/script&gt;", "/status/"+db.WithheldLink)

	// In Czech too.
	resp, body = organiser.get(t, page+"?lang=cs")
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "Odesláno", "Pokusy")

	// The organiser of another edition learns nothing of it; a reviewer may not open emails.
	winterOnly := createUser(t, ts, "winter@school.test", school.RoleOrganiser)
	if err := ts.store.AssignStaff(ctx, winterOnly.ID, f.winter.ID); err != nil {
		t.Fatal(err)
	}
	other := signIn(t, ts, winterOnly.Email)
	for _, p := range []string{page, page + "/html"} {
		resp, body := other.get(t, p)
		wantStatus(t, resp, body, http.StatusNotFound)
		resp, body = signIn(t, ts, f.staff.reviewer.Email).get(t, p)
		wantStatus(t, resp, body, http.StatusForbidden)
	}
}

// A failed email shows when it was last tried and why it failed.
func TestTheViewOfAFailedEmailSaysWhy(t *testing.T) {
	t.Parallel()
	f := newAdminFixture(t)
	ts := f.ts
	id := failFirstEmail(t, ts, f.app)
	resp, body := signIn(t, ts, f.staff.organiser.Email).get(t, "/admin/outbox/"+strconv.FormatInt(id, 10))
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "Failed", "550 mailbox unavailable", "Last attempt", "Zenobia")
}
