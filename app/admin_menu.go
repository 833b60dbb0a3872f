package app

import (
	"strconv"

	"registrar/app/i18n"
	"registrar/app/school"
)

// editionMenuEntry is one page of an edition's back office, as its menu links it.
type editionMenuEntry struct {
	Name      string // the page, as templates name it: "applications", "fill"…
	Path      string // after /admin/editions/ID; "" is the dashboard
	Label     string // translation key
	Reviewers bool   // reviewers may open it too (admin_routes_test.go's authorisation table)
}

// editionMenuEntries are the edition's pages in the order an organiser's year uses them.
var editionMenuEntries = []editionMenuEntry{
	{"dashboard", "", "menu_dashboard", true},
	{"applications", "/applications", "menu_applications", true},
	{"review", "/review", "menu_review", true},
	{"fill", "/fill", "menu_fill", false},
	{"decisions", "/decisions", "menu_decisions", false},
	{"emails", "/emails", "menu_emails", false},
	{"send", "/send", "menu_send", false},
	{"programme", "/programme", "menu_programme", false},
	{"documents", "/documents", "menu_documents", false},
	{"privacy", "/privacy", "menu_privacy", false},
	{"form", "/form", "menu_form", false},
	{"follow_ups", "/follow-ups", "menu_follow_ups", false},
	{"edit", "/edit", "menu_edit", false},
}

// editionMenuData is what the edition_menu partial receives.
type editionMenuData struct {
	L     *i18n.Translator
	Items []editionMenuItem
}

type editionMenuItem struct {
	URL   string
	Label string
	// Current is "page" on the entry's own page, "true" on a page under it (an application
	// under the applications): the value of aria-current.
	Current string
}

// editionMenu builds the menu of edition id for u. current names the page shown: an entry's
// name, or "name/" on a page under that entry.
func editionMenu(L *i18n.Translator, u school.User, id int64, current string) editionMenuData {
	base := "/admin/editions/" + strconv.FormatInt(id, 10)
	data := editionMenuData{L: L}
	for _, e := range editionMenuEntries {
		if u.Role == school.RoleReviewer && !e.Reviewers {
			continue
		}
		item := editionMenuItem{URL: base + e.Path, Label: e.Label}
		switch current {
		case e.Name:
			item.Current = "page"
		case e.Name + "/":
			item.Current = "true"
		}
		data.Items = append(data.Items, item)
	}
	return data
}
