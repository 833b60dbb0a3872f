package app

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"registrar/app/testkit"
)

// menuLink is one link of a page's edition menu.
type menuLink struct {
	URL, Current string
}

// editionMenuOf reads the edition menu of a page: its links and their aria-current.
func editionMenuOf(t *testing.T, body string) []menuLink {
	t.Helper()
	var links []menuLink
	menus := 0
	testkit.Walk(testkit.ParseHTML(t, body), func(n *html.Node) bool {
		if n.Type != html.ElementNode || n.Data != "nav" {
			return true
		}
		if class, _ := testkit.Attr(n, "class"); class != "edition-menu" {
			return true
		}
		menus++
		testkit.Walk(n, func(a *html.Node) bool {
			if a.Type == html.ElementNode && a.Data == "a" {
				href, _ := testkit.Attr(a, "href")
				current, _ := testkit.Attr(a, "aria-current")
				links = append(links, menuLink{href, current})
			}
			return true
		})
		return false
	})
	if menus != 1 {
		t.Errorf("%d edition menus on the page, want 1", menus)
	}
	return links
}

func TestEveryEditionPageHasTheEditionMenuWithTheCurrentEntryMarked(t *testing.T) {
	t.Parallel()
	f := newAdminFixture(t)
	ctx := context.Background()
	programme, err := f.ts.store.Programme(ctx, f.summer.ID)
	if err != nil || len(programme) == 0 {
		t.Fatalf("programme %v, %v", programme, err)
	}
	edition := "/admin/editions/" + strconv.FormatInt(f.summer.ID, 10)
	app := "/admin/applications/" + strconv.FormatInt(f.app.ID, 10)
	organiserMenu := []string{"", "/applications", "/review", "/fill", "/decisions", "/emails", "/send",
		"/programme", "/documents", "/privacy", "/form", "/follow-ups", "/edit"}
	reviewerMenu := []string{"", "/applications", "/review"}

	pages := []struct {
		path    string
		entry   string // the menu entry marked, after the edition's address
		current string // its aria-current
		staff   bool   // reviewers open it too
	}{
		{edition, "", "page", true},
		{edition + "/applications", "/applications", "page", true},
		{app, "/applications", "true", true},
		{edition + "/review", "/review", "page", true},
		{app + "/review", "/review", "true", true},
		{edition + "/fill", "/fill", "page", false},
		{edition + "/decisions", "/decisions", "page", false},
		{edition + "/emails", "/emails", "page", false},
		{edition + "/emails/application_received/en", "/emails", "true", false},
		{edition + "/send", "/send", "page", false},
		{edition + "/programme", "/programme", "page", false},
		{edition + "/programme/new", "/programme", "true", false},
		{edition + "/programme/" + strconv.FormatInt(programme[0].ID, 10), "/programme", "true", false},
		{edition + "/documents", "/documents", "page", false},
		{edition + "/privacy", "/privacy", "page", false},
		{edition + "/notice", "/privacy", "true", false},
		{edition + "/processing", "/privacy", "true", false},
		{edition + "/form", "/form", "page", false},
		{edition + "/follow-ups", "/follow-ups", "page", false},
		{edition + "/edit", "/edit", "page", false},
		{edition + "/clone", "/edit", "true", false},
	}
	for _, who := range []struct {
		email string
		menu  []string
		all   bool
	}{{f.staff.organiser.Email, organiserMenu, true}, {f.staff.reviewer.Email, reviewerMenu, false}} {
		v := signIn(t, f.ts, who.email)
		for _, p := range pages {
			if !who.all && !p.staff {
				continue
			}
			t.Run(who.email+p.path, func(t *testing.T) {
				resp, body := v.get(t, p.path)
				wantStatus(t, resp, body, http.StatusOK)
				links := editionMenuOf(t, body)
				var got []string
				for _, l := range links {
					got = append(got, strings.TrimPrefix(l.URL, edition))
					want := ""
					if l.URL == edition+p.entry {
						want = p.current
					}
					if l.Current != want {
						t.Errorf("%s in the menu: aria-current %q, want %q", l.URL, l.Current, want)
					}
				}
				if !slices.Equal(got, who.menu) {
					t.Errorf("the menu links %q, want %q", got, who.menu)
				}
			})
		}
	}
}
