package db

import "testing"

func TestSlugFoldsNamesToPageAddresses(t *testing.T) {
	tests := map[string]string{
		"Jiří Nováček":              "jiri-novacek",
		"Prof. Dušan Drbohlav":      "prof-dusan-drbohlav",
		"  Zdeňka   Přibylová  ":    "zdenka-pribylova",
		"O'Brien, Seán":             "o-brien-sean",
		"<script>alert(1)</script>": "script-alert-1-script",
		"李雷":                        "",
	}
	for name, want := range tests {
		if got := Slug(name); got != want {
			t.Errorf("Slug(%q) = %q, want %q", name, got, want)
		}
	}
}
