package app

import (
	"slices"
	"testing"
	"unicode"
	"unicode/utf8"
)

// CLDR names Czech regions in lower case, as inside a sentence; beside countries in a chart or
// a list they read as labels, capitalised.
func TestRegionsAreNamedAsLabelsInEachLanguage(t *testing.T) {
	for _, lang := range []string{"en", "cs"} {
		var labels []string
		for _, o := range regionOptions(lang) {
			if r, _ := utf8.DecodeRuneInString(o.Label); !unicode.IsUpper(r) {
				t.Errorf("%s: the region %s is named %q", lang, o.Value, o.Label)
			}
			labels = append(labels, o.Label)
		}
		want := map[string]string{"en": "Eastern Europe", "cs": "Východní Evropa"}[lang]
		if !slices.Contains(labels, want) {
			t.Errorf("%s: no %q among %q", lang, want, labels)
		}
	}
}
