package app

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"registrar/app/school"
	"registrar/app/testkit"
)

// A consul checks a visa letter against the passport: /verify shows the name as in the passport
// the letter prints, never the passport number; a corrected letter's code shows the corrected
// name, and the code of the letter it replaced says so without the new letter's name.
func TestVerifyingAVisaLetterShowsTheNameAsInThePassport(t *testing.T) {
	t.Parallel()
	c := newCorrection(t, "verify-passport-2027")
	ts, fields, staff, p, app := c.ts, c.fields, c.staff, c.p, c.app
	ctx := context.Background()
	old, err := ts.store.IssuedDocument(ctx, p.app.ID, school.DocumentVisaLetter)
	if err != nil {
		t.Fatal(err)
	}
	visitor := ts.visitor()
	for _, w := range []struct{ lang, label, withheld string }{
		{"en", "Name as in the passport", "This page does not show the passport number"},
		{"cs", "Jméno podle cestovního pasu", "Číslo pasu zde z\u00a0důvodu ochrany držitele neuvádíme"},
	} {
		resp, body := visitor.get(t, "/verify/"+school.FormatCode(old.Code)+"?lang="+w.lang)
		wantStatus(t, resp, body, http.StatusOK)
		wantText(t, body, w.label, "KOVALENKO OLENA", w.withheld)
		if strings.Contains(body, "FE12345G") {
			t.Errorf("%s: /verify shows the passport number", w.lang)
		}
	}

	f := staff.openForm(t, app+"/follow-ups?lang=en", app+"/follow-ups")
	resp, body := staff.submit(t, f, url.Values{fields[school.PurposePassportName]: {"KOVALENKO OLENA MARIIA"}})
	wantStatus(t, resp, body, http.StatusSeeOther)
	current, err := ts.store.IssuedDocument(ctx, p.app.ID, school.DocumentVisaLetter)
	if err != nil || current.Code == old.Code {
		t.Fatalf("the letter was not made again: %+v (%v)", current, err)
	}
	_, body = visitor.get(t, "/verify/"+school.FormatCode(current.Code)+"?lang=en")
	wantText(t, body, "This document is genuine", "Name as in the passport", "KOVALENKO OLENA MARIIA")
	text := pdfText(t, staff, app+"/visa-letter.pdf")
	testkit.WantText(t, "the corrected letter", text, "Name as in the passport: KOVALENKO OLENA MARIIA")

	_, body = visitor.get(t, "/verify/"+school.FormatCode(old.Code)+"?lang=en")
	wantText(t, body, "This letter was replaced")
	if strings.Contains(body, "MARIIA") {
		t.Error("the replaced letter's code shows the corrected letter's name")
	}
}
