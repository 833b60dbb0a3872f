package app

import "testing"

// Each page's template set holds the layouts, the page and the partials it calls, not every
// partial: html/template copies each template into each set, and sets with every partial had
// made the templates the largest part of the live heap.
func TestAPageHoldsThePartialsItCallsAndNoOthers(t *testing.T) {
	tm, err := loadTemplates(false)
	if err != nil {
		t.Fatal(err)
	}
	for name, set := range tm.pages {
		if missing := missingTemplates(set); len(missing) > 0 {
			t.Errorf("%s calls templates it lacks: %v", name, missing)
		}
		if set.Lookup("base") == nil {
			t.Errorf("%s has no layout", name)
		}
	}
	for name, want := range map[string]map[string]bool{
		"catalogue/home":   {"edition_card": true, "admin_nav": false, "form_field": false},
		"apply/form":       {"form_field": true, "admin_nav": false, "chart": false},
		"admin/dashboard":  {"admin_nav": true, "form_field": false},
		"catalogue/search": {"admin_nav": false, "form_field": false, "chart": false},
		"errors/error":     {"admin_nav": false, "form_field": false},
	} {
		set, ok := tm.pages[name]
		if !ok {
			t.Errorf("no page %s", name)
			continue
		}
		for partial, has := range want {
			if (set.Lookup(partial) != nil) != has {
				t.Errorf("%s holds %s: %v, want %v", name, partial, !has, has)
			}
		}
	}
}
