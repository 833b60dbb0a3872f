package app

import (
	"strings"
	"testing"
)

// TestOrganisersTopHeadingsStayUnderThePagesOwn: organisers' Markdown sits under a page's h1
// (an edition, a privacy notice), so their "# heading" is a second-level one, never a second h1.
func TestOrganisersTopHeadingsStayUnderThePagesOwn(t *testing.T) {
	got := string(newMarkdown().render("# Who we are\n\nText.\n\n## Rights\n\n### Access\n"))
	if strings.Contains(got, "<h1") {
		t.Errorf("an organiser's Markdown makes a second h1:\n%s", got)
	}
	for _, want := range []string{"<h2>Who we are</h2>", "<h2>Rights</h2>", "<h3>Access</h3>"} {
		if !strings.Contains(got, want) {
			t.Errorf("want %s in:\n%s", want, got)
		}
	}
}
