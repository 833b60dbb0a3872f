package app

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"registrar/app/school"
	"registrar/app/testkit"
	"registrar/db"
)

// failFirstEmail gives up on the first email about a, as after its last failed attempt, and
// returns its id.
func failFirstEmail(t testing.TB, ts *testServer, a school.Application) int64 {
	t.Helper()
	ctx := context.Background()
	msgs, err := ts.store.ApplicationEmails(ctx, a.ID)
	if err != nil || len(msgs) == 0 {
		t.Fatalf("emails of %s: %v, %v", a.Reference, msgs, err)
	}
	if err := ts.store.MarkEmailFailed(ctx, msgs[0].ID, "550 mailbox unavailable", time.Time{}); err != nil {
		t.Fatal(err)
	}
	return msgs[0].ID
}

func TestAnOrganiserSeesAndRetriesOnlyTheEmailsOfTheirEditions(t *testing.T) {
	t.Parallel()
	f := newAdminFixture(t)
	ts := f.ts
	ctx := context.Background()
	summerEmail, winterEmail := failFirstEmail(t, ts, f.app), failFirstEmail(t, ts, f.otherApp)
	// An email about no application: only administrators see it.
	if err := ts.store.QueueEmail(ctx, db.Email{To: "bursar@school.test", Lang: "en", Subject: "Account notice",
		Text: "x", Template: "account"}, 0, demoNow); err != nil {
		t.Fatal(err)
	}
	winterOnly := createUser(t, ts, "winter@school.test", school.RoleOrganiser)
	if err := ts.store.AssignStaff(ctx, winterOnly.ID, f.winter.ID); err != nil {
		t.Fatal(err)
	}
	retry := func(id int64) string { return "/admin/outbox/" + strconv.FormatInt(id, 10) + "/retry" }
	status := func(id int64) string {
		t.Helper()
		msgs, err := ts.store.OutboxMessages(ctx, db.OutboxFilter{Scope: db.EmailScope{All: true}, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			if m.ID == id {
				return m.Status
			}
		}
		return "missing"
	}
	outbox := func(v *visitor, query string) string {
		t.Helper()
		resp, body := v.get(t, "/admin/outbox"+query)
		wantStatus(t, resp, body, http.StatusOK)
		return testkit.MainText(t, body)
	}

	for _, c := range []struct {
		who       school.User
		sees, not []string
	}{
		{f.staff.admin, []string{f.app.Email, f.otherApp.Email, "bursar@school.test"}, nil},
		{f.staff.organiser, []string{f.app.Email, f.otherApp.Email}, []string{"bursar@school.test"}},
		{winterOnly, []string{f.otherApp.Email}, []string{f.app.Email, "bursar@school.test", f.app.Reference}},
	} {
		v := signIn(t, ts, c.who.Email)
		for _, query := range []string{"", "?status=failed", "?status=queued"} {
			text := outbox(v, query)
			for _, s := range c.not {
				if strings.Contains(text, s) {
					t.Errorf("%s's outbox%s shows %q", c.who.Email, query, s)
				}
			}
			for _, s := range c.sees {
				if query == "" && !strings.Contains(text, s) {
					t.Errorf("%s's outbox lacks %q", c.who.Email, s)
				}
			}
		}
	}

	// The organiser of the winter school cannot retry the summer school's email, but can
	// their own.
	v := signIn(t, ts, winterOnly.Email)
	resp, body := v.postAdmin(t, retry(summerEmail), url.Values{})
	wantStatus(t, resp, body, http.StatusNotFound)
	if st := status(summerEmail); st != "failed" {
		t.Errorf("the summer school's email is %s after another edition's organiser retried it", st)
	}
	if text := outbox(v, "?status=failed"); !strings.Contains(text, "Failed (1)") {
		t.Errorf("the winter organiser's failed count is not 1:\n%s", text)
	}
	resp, body = v.postAdmin(t, retry(winterEmail), url.Values{})
	wantStatus(t, resp, body, http.StatusSeeOther)
	if st := status(winterEmail); st != "queued" {
		t.Errorf("the winter school's email is %s after its organiser retried it", st)
	}
	resp, body = signIn(t, ts, f.staff.admin.Email).postAdmin(t, retry(summerEmail), url.Values{})
	wantStatus(t, resp, body, http.StatusSeeOther)
	if st := status(summerEmail); st != "queued" {
		t.Errorf("the summer school's email is %s after the administrator retried it", st)
	}
}
