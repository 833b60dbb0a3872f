package app

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"registrar/app/school"
	"registrar/app/testkit"
	"registrar/db"
)

// rowsByHeader is the text of each table row of body, by the text of its row header.
func rowsByHeader(t testing.TB, body string) map[string]string {
	t.Helper()
	rows := map[string]string{}
	testkit.Walk(testkit.ParseHTML(t, body), func(n *html.Node) bool {
		if n.Type != html.ElementNode || n.Data != "tr" {
			return true
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && c.Data == "th" {
				rows[strings.TrimSpace(testkit.Text(c))] = testkit.Text(n)
			}
		}
		return false
	})
	return rows
}

// An edition that has ended shows who attended and who confirmed, not "0 / 90 seats taken";
// one of the older archive, which keeps no applications, says so.
func TestEndedEditionsShowWhoAttendedNotSeatsTaken(t *testing.T) {
	t.Parallel()
	f := newAdminFixture(t)
	ts := f.ts
	ctx := context.Background()
	editions, err := ts.store.EditionSummaries(ctx, school.Scope{All: true})
	if err != nil {
		t.Fatal(err)
	}
	admin := signIn(t, ts, f.staff.admin.Email)
	for _, lang := range []string{"en", "cs"} {
		resp, body := admin.get(t, "/admin?lang="+lang)
		wantStatus(t, resp, body, http.StatusOK)
		rows := rowsByHeader(t, body)
		var withAttendance, withoutApplications *db.EditionSummary
		for i, e := range editions {
			row, ok := rows[e.Title(lang)]
			if !ok {
				continue // two editions may share a title; the test needs one of each kind
			}
			if !e.IsPast(demoNow) {
				if want := fmt.Sprintf("%d / %d", e.SeatsTaken(), e.Seats()); !strings.Contains(row, want) {
					t.Errorf("%s: the open edition's row %q lacks %q", lang, row, want)
				}
				continue
			}
			if strings.Contains(row, fmt.Sprintf("%d / %d", e.SeatsTaken(), e.Seats())) {
				t.Errorf("%s: the ended edition's row says seats taken: %q", lang, row)
			}
			attended := e.Counts[school.StatusAttended]
			confirmed := attended + e.Counts[school.StatusConfirmed] + e.Counts[school.StatusNoShow]
			want := map[string]string{
				"en": fmt.Sprintf("%d attended · %d confirmed of %d seats", attended, confirmed, e.Seats()),
				"cs": fmt.Sprintf("Zúčastnilo se: %d · potvrzená místa: %d z\u00a0%d", attended, confirmed, e.Seats()),
			}[lang]
			if e.Total == 0 {
				want = map[string]string{"en": "no applications kept", "cs": "přihlášky se neuchovaly"}[lang]
				withoutApplications = &editions[i]
			} else if attended > 0 {
				withAttendance = &editions[i]
			}
			if !strings.Contains(row, want) {
				t.Errorf("%s: the ended edition's row %q lacks %q", lang, row, want)
			}
		}
		if withAttendance == nil || withoutApplications == nil {
			t.Fatalf("the demo has no ended edition with participants (%v) or none without applications (%v)",
				withAttendance, withoutApplications)
		}

		// The edition's own dashboard: participants first, then the counts.
		e := withAttendance
		resp, body = admin.get(t, "/admin/editions/"+strconv.FormatInt(e.ID, 10)+"?lang="+lang)
		wantStatus(t, resp, body, http.StatusOK)
		heading := map[string]string{"en": "Participants", "cs": "Účastníci"}[lang]
		wantText(t, body, heading, strconv.Itoa(e.Counts[school.StatusAttended]))
		if strings.Contains(testkit.MainText(t, body), fmt.Sprintf("%d / %d", e.SeatsTaken(), e.Seats())) {
			t.Errorf("%s: the ended edition's dashboard says seats taken", lang)
		}

		// Its public page gives the number of participants beside the seats.
		resp, body = ts.get(t, "/editions/"+e.Slug+"?lang="+lang)
		wantStatus(t, resp, body, http.StatusOK)
		wantText(t, body, map[string]string{"en": "Participants", "cs": "Počet účastníků"}[lang]+
			strconv.Itoa(e.Counts[school.StatusAttended]))
	}
}
