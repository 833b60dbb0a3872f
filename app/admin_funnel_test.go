package app

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"registrar/app/school"
	"registrar/app/testkit"
)

// funnelRow is one line of the dashboard's funnel: its words, its number and where it leads.
type funnelRow struct {
	Label string
	N     int
	URL   string
}

// funnelOf reads the funnel off an edition's dashboard.
func funnelOf(t testing.TB, body string) []funnelRow {
	t.Helper()
	section := testkit.ByID(testkit.ParseHTML(t, body), "funnel")
	if section == nil {
		t.Fatal("the dashboard has no funnel")
	}
	var rows []funnelRow
	testkit.Walk(section, func(n *html.Node) bool {
		if n.Type != html.ElementNode || n.Data != "tr" {
			return true
		}
		var row funnelRow
		testkit.Walk(n, func(c *html.Node) bool {
			switch {
			case c.Type == html.ElementNode && c.Data == "th":
				row.Label = strings.TrimSpace(testkit.Text(c))
			case c.Type == html.ElementNode && c.Data == "a":
				row.URL, _ = testkit.Attr(c, "href")
				row.N, _ = strconv.Atoi(strings.TrimSpace(testkit.Text(c)))
			}
			return true
		})
		rows = append(rows, row)
		return false
	})
	return rows
}

// listedReferences are the references an application list shows, page after page.
func listedReferences(t testing.TB, v *visitor, path string) []string {
	t.Helper()
	var refs []string
	for path != "" {
		resp, body := v.get(t, path)
		wantStatus(t, resp, body, http.StatusOK)
		doc := testkit.ParseHTML(t, body)
		path = ""
		testkit.Walk(doc, func(n *html.Node) bool {
			if n.Type == html.ElementNode && n.Data == "a" {
				href, _ := testkit.Attr(n, "href")
				rel, _ := testkit.Attr(n, "rel")
				switch {
				case strings.HasPrefix(href, "/admin/applications/") && !strings.Contains(href[len("/admin/applications/"):], "/"):
					refs = append(refs, strings.TrimSpace(testkit.Text(n)))
				case rel == "next":
					path = href
				}
			}
			return true
		})
	}
	return refs
}

func TestFunnelCountsAreTheApplicationsItsLinksList(t *testing.T) {
	t.Parallel()
	clock := testkit.NewClock(demoNow)
	ts := newTestServerAt(t, clock.Now)
	e := createSelectionEdition(t, ts, "funnel-2027", 8)
	ctx := context.Background()
	people := map[string]school.Application{}
	for _, name := range []string{"Lapsed", "Open1", "Open2", "Confirmer", "Decliner", "Quitter",
		"Waiting", "Refused", "Leaver", "Pending"} {
		people[name] = createApplicant(t, ts, e, name, "en")
	}
	// One offer lapses a week on; the others are made after it.
	setStatus(t, ts, e, people["Lapsed"].ID, school.StatusAccepted)
	clock.Set(demoNow.Add(8 * 24 * time.Hour))
	if err := ts.jobs().ExpireOffers(ctx); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"Open1", "Open2", "Confirmer", "Decliner", "Quitter"} {
		setStatus(t, ts, e, people[name].ID, school.StatusAccepted)
	}
	setStatus(t, ts, e, people["Confirmer"].ID, school.StatusConfirmed)
	setStatus(t, ts, e, people["Decliner"].ID, school.StatusDeclined)
	setStatus(t, ts, e, people["Quitter"].ID, school.StatusWithdrawn) // after the offer
	setStatus(t, ts, e, people["Waiting"].ID, school.StatusWaitlisted)
	setStatus(t, ts, e, people["Refused"].ID, school.StatusRejected)
	setStatus(t, ts, e, people["Leaver"].ID, school.StatusWithdrawn) // before any decision
	if st := statusOf(t, ts, people["Lapsed"].ID).Status; st != school.StatusExpired {
		t.Fatalf("the lapsed offer is %s", st)
	}

	u := createUser(t, ts, "organiser-funnel@school.test", school.RoleOrganiser)
	organiser := signIn(t, ts, u.Email)
	resp, body := organiser.get(t, "/admin/editions/"+strconv.FormatInt(e.ID, 10))
	wantStatus(t, resp, body, http.StatusOK)
	rows := funnelOf(t, body)
	got := map[string]int{}
	for _, r := range rows {
		got[r.Label] = r.N
		if r.URL == "" {
			t.Errorf("the funnel's %q links nowhere", r.Label)
			continue
		}
		if listed := listedReferences(t, organiser, r.URL); len(listed) != r.N {
			t.Errorf("the funnel says %q %d, its list %s shows %d: %v", r.Label, r.N, r.URL, len(listed), listed)
		}
	}
	// The words are the list's own: its status filter's, and "Offers made" for every offer ever made.
	want := map[string]int{"Applications": 10, "Offers made": 6, "Offered a place": 2, "Confirmed": 1,
		"Declined": 1, "Offer expired": 1, "Withdrawn": 2, "On the waiting list": 1, "Not selected": 1,
		"Submitted": 1}
	for label, n := range want {
		if got[label] != n {
			t.Errorf("the funnel says %q %d, want %d", label, got[label], n)
		}
	}
	if t.Failed() {
		t.Logf("funnel: %s", fmt.Sprint(rows))
	}

	// The list offers the same filter by its own name.
	resp, body = organiser.get(t, "/admin/editions/"+strconv.FormatInt(e.ID, 10)+"/applications")
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "Offers made")
}
