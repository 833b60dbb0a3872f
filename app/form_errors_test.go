package app

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"registrar/app/school"
	"registrar/app/testkit"
)

// summaryLinks are the error summary's entries: the field each links to and its text, in order.
func summaryLinks(t testing.TB, body string) (fields, texts []string) {
	t.Helper()
	summary := testkit.ByID(testkit.ParseHTML(t, body), "error-summary")
	if summary == nil {
		t.Fatalf("the page has no error summary:\n%s", testkit.MainText(t, body))
	}
	testkit.Walk(summary, func(n *html.Node) bool {
		if n.Type == html.ElementNode && n.Data == "li" {
			testkit.Walk(n, func(a *html.Node) bool {
				if href, ok := testkit.Attr(a, "href"); ok && a.Data == "a" {
					fields = append(fields, strings.TrimPrefix(href, "#"))
				}
				return true
			})
			texts = append(texts, strings.Join(strings.Fields(testkit.Text(n)), " "))
			return false
		}
		return true
	})
	return fields, texts
}

// formOrder is the order of the form's fields on the page, by their ids.
func formOrder(t testing.TB, body string) map[string]int {
	t.Helper()
	order := map[string]int{}
	testkit.Walk(testkit.ParseHTML(t, body), func(n *html.Node) bool {
		if id, ok := testkit.Attr(n, "id"); ok && n.Type == html.ElementNode {
			if _, seen := order[id]; !seen {
				order[id] = len(order)
			}
		}
		return true
	})
	return order
}

func TestAnEmptyFormSaysWhatToDoForEachKindOfFieldInFormOrder(t *testing.T) {
	t.Parallel()
	ts := newFormServer(t)
	q := questionFields(t, ts, summerSlug)
	for _, tc := range []struct {
		lang string
		want map[string]string
	}{
		{"en", map[string]string{
			"given_name":             "Fill this in.",
			"email":                  "Type your email address, for example name@example.org.",
			"date_of_birth":          "Type your date of birth as year-month-day, for example 1998-04-23.",
			"nationality":            "Choose a country from the list.",
			"highest_degree":         "Choose one from the list.",
			"sector":                 "Choose one of the options.",
			q[school.QuestionSingle]: "Choose one of the options.",
			"cv":                     "Choose your CV: a PDF file of at most 5 MB.",
			"consent_processing":     "Tick the box to agree: we cannot process your application without this consent.",
		}},
		{"cs", map[string]string{
			"given_name":             "Vyplňte toto pole.",
			"email":                  "Napište svou e-mailovou adresu, například jmeno@example.org.",
			"date_of_birth":          "Napište datum narození ve tvaru den. měsíc. rok, například 23.\u00a04.\u00a01998.",
			"nationality":            "Vyberte zemi ze seznamu.",
			"highest_degree":         "Vyberte jednu z možností v seznamu.",
			"sector":                 "Vyberte jednu z možností.",
			q[school.QuestionSingle]: "Vyberte jednu z možností.",
			"cv":                     "Vyberte svůj životopis: soubor PDF o velikosti nejvýše 5\u00a0MB.",
			"consent_processing":     "Zaškrtnutím políčka vyjádřete souhlas: bez něj nemůžeme vaši přihlášku zpracovat.",
		}},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			v := ts.visitor()
			f := v.openForm(t, applyPath(summerSlug)+"?lang="+tc.lang, applyPath(summerSlug))
			resp, body := v.post(t, f.Action, f.Page, url.Values{"_csrf": f.Values["_csrf"], "opened_at": f.Values["opened_at"]})
			wantStatus(t, resp, body, http.StatusUnprocessableEntity)
			for field, message := range tc.want {
				checkFieldError(t, body, field, message)
			}
			fields, texts := summaryLinks(t, body)
			order := formOrder(t, body)
			for i := 1; i < len(fields); i++ {
				if order[fields[i-1]] > order[fields[i]] {
					t.Errorf("the summary lists %s before %s, out of form order: %q", fields[i-1], fields[i], fields)
				}
			}
			// The consent's long wording is not repeated in the summary: its message names the box.
			if i := slices.Index(fields, "consent_processing"); i < 0 || texts[i] != tc.want["consent_processing"] {
				t.Errorf("the summary's consent line is not its message alone: %q", texts)
			}
			for _, text := range texts {
				if strings.Contains(text, "?:") || strings.Contains(text, "::") || strings.Contains(text, ".:") {
					t.Errorf("doubled punctuation in the summary: %q", text)
				}
			}
		})
	}
}

// The date of birth is a text field whose hint gives the format it takes: a date field shows the
// browser's own format (mm/dd/yyyy for some) beside a hint that says otherwise.
func TestTheDateOfBirthIsTypedAsItsHintSays(t *testing.T) {
	t.Parallel()
	ts := newFormServer(t)
	for _, tc := range []struct{ lang, hint, typed, shown string }{
		{"en", "Year-month-day, for example 1998-04-23.", "1998-4-23", "1998-04-23"},
		{"cs", "Den. měsíc. rok, například 23.\u00a04.\u00a01998.", "23. 4. 1998", "23. 4. 1998"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			v := ts.visitor()
			_, body := v.get(t, applyPath(summerSlug)+"?lang="+tc.lang)
			doc := testkit.ParseHTML(t, body)
			input := testkit.ByID(doc, "date_of_birth")
			if typ, _ := testkit.Attr(input, "type"); typ != "text" {
				t.Errorf("the date of birth is an input of type %q, whose format the browser picks", typ)
			}
			if help := testkit.ByID(doc, "date_of_birth-help"); help == nil || testkit.Text(help) != tc.hint {
				t.Errorf("the hint beside the date of birth is not %q", tc.hint)
			}
			email := "dob-" + tc.lang + "@example.org"
			answers := summerAnswers(t, ts, email)
			answers["date_of_birth"] = []string{tc.typed}
			f := v.openForm(t, applyPath(summerSlug), applyPath(summerSlug))
			resp, body := v.submit(t, f, answers, cvFile("cv.pdf"))
			token := ts.submitted(t, resp, body, email)
			if got := applicationOf(t, ts, token).DateOfBirth.Format("2006-01-02"); got != "1998-04-23" {
				t.Errorf("%q typed is stored as %s", tc.typed, got)
			}
			edit := v.openForm(t, "/status/"+token+"/edit", "/status/"+token+"/edit")
			if got := edit.Values.Get("date_of_birth"); got != tc.shown {
				t.Errorf("the edit form shows the date of birth as %q, want %q", got, tc.shown)
			}
			// A day that does not exist is sent back, as typed.
			answers["date_of_birth"] = []string{"31. 2. 1998"}
			answers["email"] = []string{"feb-" + email}
			f = v.openForm(t, applyPath(summerSlug), applyPath(summerSlug))
			resp, body = v.submit(t, f, answers, cvFile("cv.pdf"))
			wantStatus(t, resp, body, http.StatusUnprocessableEntity)
			if kept := testkit.FormOn(t, f.Page, body, applyPath(summerSlug)); kept.Values.Get("date_of_birth") != "31. 2. 1998" {
				t.Errorf("the impossible date comes back as %q", kept.Values.Get("date_of_birth"))
			}
		})
	}
}
