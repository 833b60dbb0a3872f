package testkit

import (
	"strings"
	"testing"
)

// WantText fails the test for every wanted piece the text lacks, naming where the text is from
// (a page, a PDF, a browser tab) and showing all of it.
func WantText(t testing.TB, where, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("%s does not say %q; it says:\n%s", where, w, text)
		}
	}
}
