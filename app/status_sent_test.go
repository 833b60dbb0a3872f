package app

import (
	"net/http"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"registrar/app/testkit"
)

// listed reads the terms and descriptions of the <dl> with the given id as pairs.
func listed(t testing.TB, body, id string) [][2]string {
	t.Helper()
	dl := testkit.ByID(testkit.ParseHTML(t, body), id)
	if dl == nil || dl.Data != "dl" {
		t.Fatalf("the page has no <dl id=%q>", id)
	}
	var pairs [][2]string
	for n := dl.FirstChild; n != nil; n = n.NextSibling {
		if n.Type != html.ElementNode {
			continue
		}
		text := strings.Join(strings.Fields(testkit.Text(n)), " ")
		switch n.Data {
		case "dt":
			pairs = append(pairs, [2]string{text, ""})
		case "dd":
			if len(pairs) == 0 {
				t.Fatalf("<dl id=%q> starts with an answer", id)
			}
			pairs[len(pairs)-1][1] = text
		}
	}
	return pairs
}

// TestStatusPageListsWhatWasSentAndTheConsents: "What you sent" is a list of labels and answers,
// and the consents given or refused are listed with the time, in Prague time.
func TestStatusPageListsWhatWasSentAndTheConsents(t *testing.T) {
	t.Parallel()
	ts := newFormServer(t)
	mine := applyFor(t, ts, "sent@example.org")
	resp, body := mine.v.get(t, mine.status())
	wantStatus(t, resp, body, http.StatusOK)

	sent := map[string]string{}
	for _, p := range listed(t, body, "sent") {
		sent[p[0]] = p[1]
	}
	for label, answer := range map[string]string{"Email": "sent@example.org", "Institution or employer": mine.app.Institution,
		"Given name": mine.app.GivenName} {
		if sent[label] != answer {
			t.Errorf("What you sent: %q is %q, want %q", label, sent[label], answer)
		}
	}
	consents := listed(t, body, "consents")
	if len(consents) != len(mine.app.Consents) || len(consents) == 0 {
		t.Fatalf("consents listed %v, want the %d recorded", consents, len(mine.app.Consents))
	}
	if c := consents[0]; !strings.HasPrefix(c[0], "I agree that IOM Prague processes the personal data") ||
		c[1] != "Given on 27 November 2026, 13:00 (Prague time, CET)" {
		t.Errorf("the processing consent reads %q: %q", c[0], c[1])
	}
	wantText(t, body, "Your consents")

	_, body = mine.v.get(t, mine.status()+"?lang=cs")
	if c := listed(t, body, "consents")[0]; c[1] != "Uděleno "+ts.i18n.Translator("cs").Moment(mine.app.Consents[0].At) {
		t.Errorf("in Czech the processing consent says %q", c[1])
	}
}
