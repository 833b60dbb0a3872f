package app

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"registrar/app/school"
)

const (
	oneLineMessage = "Write this on one line, without line breaks."
	brokenLine     = "Amina\r\nBcc: everyone@example.org"
)

func TestLineBreaksAreRefusedInSingleLineFieldsOfTheApplicationForm(t *testing.T) {
	t.Parallel()
	ts := newFormServer(t)
	q := questionFields(t, ts, summerSlug)
	for _, field := range []string{"given_name", "family_name", "email", "institution", "field_of_study",
		"referee_name", "referee_email", "dietary", "accessibility"} {
		t.Run(field, func(t *testing.T) {
			answers := summerAnswers(t, ts, "lines-"+strings.ReplaceAll(field, "_", "-")+"@example.org")
			for _, breakIt := range []string{"\n", "\r", "\u2028"} {
				answers[field] = []string{strings.ReplaceAll(brokenLine, "\r\n", breakIt)}
				resp, body := ts.visitor().apply(t, summerSlug, answers, cvFile("cv.pdf"))
				wantStatus(t, resp, body, http.StatusUnprocessableEntity)
				checkFieldError(t, body, field, oneLineMessage)
			}
		})
	}
	noApplication(t, ts, "everyone@example.org")

	// Paragraphs stay where the form has room for them.
	answers := summerAnswers(t, ts, "paragraphs@example.org")
	answers["motivation"] = []string{"First paragraph.\r\n\r\nSecond paragraph."}
	answers[q[school.QuestionLongText]] = []string{"One.\r\nTwo."}
	a := applicationOf(t, ts, ts.visitor().applyOK(t, summerSlug, answers, cvFile("cv.pdf")))
	if !strings.Contains(a.Motivation, "paragraph.\n\nSecond") && !strings.Contains(a.Motivation, "paragraph.\r\n\r\nSecond") {
		t.Errorf("the motivation lost its paragraphs: %q", a.Motivation)
	}
}

func TestLineBreaksAreRefusedWhenAnApplicantEdits(t *testing.T) {
	t.Parallel()
	ts := newFormServer(t)
	ap := applyFor(t, ts, "editor@example.org")
	f := ap.v.openForm(t, ap.status()+"/edit", ap.status()+"/edit")
	resp, body := ap.v.submit(t, f, url.Values{"family_name": {brokenLine}})
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	checkFieldError(t, body, "family_name", oneLineMessage)
	if got := applicationOf(t, ts, ap.token); got.FamilyName != ap.app.FamilyName {
		t.Errorf("the family name became %q", got.FamilyName)
	}
}

func TestLineBreaksAreRefusedInTheBackOfficesSingleLineFields(t *testing.T) {
	t.Parallel()
	p := newProgrammeEditor(t)
	ts, v := p.ts, p.v
	id := strconv.FormatInt(p.summer.ID, 10)

	t.Run("edition", func(t *testing.T) {
		page := "/admin/editions/" + id + "/edit"
		for _, field := range []string{"title_en", "venue", "city", "signatory_name"} {
			f := v.openForm(t, page, page)
			resp, body := v.submit(t, f, url.Values{field: {brokenLine}})
			wantStatus(t, resp, body, http.StatusUnprocessableEntity)
			wantText(t, body, oneLineMessage)
		}
		f := v.openForm(t, page, page)
		resp, body := v.submit(t, f, url.Values{"description_en": {"One.\r\n\r\nTwo."}})
		wantStatus(t, resp, body, http.StatusSeeOther)
	})
	t.Run("session", func(t *testing.T) {
		for _, field := range []string{"title_en", "room", "new_name", "new_affiliation"} {
			values := p.sessionValues("Borders", "09:00", "10:30")
			values.Set(field, brokenLine)
			if field == "new_affiliation" {
				values.Set("new_name", "Jana Nová")
			}
			resp, body := v.postAdmin(t, p.base+"/new", values)
			wantStatus(t, resp, body, http.StatusUnprocessableEntity)
			wantText(t, body, oneLineMessage)
		}
	})
	t.Run("lecturer", func(t *testing.T) {
		lecturers, err := ts.store.Lecturers(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		page := "/admin/lecturers/" + strconv.FormatInt(lecturers[0].ID, 10)
		resp, body := v.postAdmin(t, page, url.Values{"name": {brokenLine}})
		wantStatus(t, resp, body, http.StatusUnprocessableEntity)
		wantText(t, body, oneLineMessage)
		resp, body = v.postAdmin(t, page, url.Values{"name": {"Jiří Nováček"}, "bio_en": {"One.\r\n\r\nTwo."}})
		wantStatus(t, resp, body, http.StatusSeeOther)
	})
	t.Run("question and criterion", func(t *testing.T) {
		resp, body := v.postAdmin(t, "/admin/editions/"+id+"/questions",
			url.Values{"kind": {"text"}, "label_en": {brokenLine}})
		wantStatus(t, resp, body, http.StatusUnprocessableEntity)
		wantText(t, body, oneLineMessage)
		resp, body = v.postAdmin(t, "/admin/editions/"+id+"/criteria",
			url.Values{"label_en": {brokenLine}, "weight": {"1"}})
		wantStatus(t, resp, body, http.StatusUnprocessableEntity)
		wantText(t, body, oneLineMessage)
	})
}
