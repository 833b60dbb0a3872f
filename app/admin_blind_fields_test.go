package app

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"registrar/app/school"
	"registrar/app/testkit"
)

// visibleText is what a page shows and holds in its attributes, without the choices of its
// selects: a filter listing every country names them all.
func visibleText(t testing.TB, body string) string {
	t.Helper()
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && (n.Data == "select" || n.Data == "script" || n.Data == "style") {
			return
		}
		if n.Type == html.TextNode {
			b.WriteString(n.Data + " ")
		}
		if n.Type == html.ElementNode {
			for _, a := range n.Attr {
				b.WriteString(a.Val + " ")
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(testkit.ParseHTML(t, body))
	return b.String()
}

// setBlindReview sets an edition's blind review through its editor, hiding the fields ticked.
func setBlindReview(t testing.TB, organiser *visitor, editionID int64, hidden []school.IdentifyingField) {
	t.Helper()
	page := "/admin/editions/" + strconv.FormatInt(editionID, 10) + "/edit"
	f := organiser.openForm(t, page, page)
	change := url.Values{"blind_review": {"yes"}, "blind_hidden": nil}
	for _, h := range hidden {
		change.Add("blind_hidden", string(h))
	}
	resp, body := organiser.submit(t, f, change)
	wantStatus(t, resp, body, http.StatusSeeOther)
}

func TestBlindReviewHidesEachIdentifyingDetailItsSettingHides(t *testing.T) {
	t.Parallel()
	f := newAdminFixture(t)
	ts := f.ts
	ctx := context.Background()
	for _, q := range []school.Question{
		{EditionID: f.summer.ID, Kind: school.QuestionFile, LabelEN: "Research plan", LabelCS: "Plán výzkumu"},
		{EditionID: f.summer.ID, Kind: school.QuestionText, LabelEN: "Your website", LabelCS: "Váš web"},
	} {
		if err := ts.store.AddQuestion(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	questions, err := ts.store.Questions(ctx, f.summer.ID)
	if err != nil {
		t.Fatal(err)
	}
	plan, website := questions[len(questions)-2], questions[len(questions)-1]
	a := applyToSummerWith(t, ts, url.Values{"given_name": {"Xanthe"}, "family_name": {"Vorobyeva-Quist"},
		"email": {"xq.mail@example.net"}, "date_of_birth": {"1986-02-17"}, "nationality": {"IS"},
		"residence": {"NZ"}, "gender": {"male"}, "institution": {"Reykholt Institute of Fjord Studies"},
		"referee_name": {"Prof. Thorvaldur Gudmundsson"}, "referee_email": {"thorvaldur.g@example.is"},
		questionField(website.ID): {"https://quist-zq9.example.net"}},
		cvFile("curriculum-zq7.pdf"),
		formFile{Field: questionField(plan.ID), Name: "plan-zq8.pdf", Data: minimalPDF("plan")})

	// What each setting hides, as a reviewer would read it anywhere.
	values := map[school.IdentifyingField][]string{
		school.IdentName:        {"Xanthe", "XANTHE", "Vorobyeva"},
		school.IdentEmail:       {"xq.mail@example.net"},
		school.IdentDateOfBirth: {"17 February 1986", "1986-02-17"},
		school.IdentGender:      {"Male"},
		school.IdentNationality: {"Iceland"},
		school.IdentResidence:   {"New Zealand"},
		school.IdentInstitution: {"Reykholt"},
		school.IdentReferee:     {"Thorvaldur", "thorvaldur.g@example.is"},
		school.IdentFileNames:   {"curriculum-zq7", "plan-zq8"},
		school.IdentAnswers:     {"quist-zq9"},
	}
	if len(values) != len(school.IdentifyingFields) {
		t.Fatalf("the test knows %d fields, blind review has %d", len(values), len(school.IdentifyingFields))
	}
	id := strconv.FormatInt(a.ID, 10)
	edition := "/admin/editions/" + strconv.FormatInt(f.summer.ID, 10)
	all := url.Values{}
	for _, col := range exportColumns {
		all.Add("col", col.Key)
	}
	// Every page a reviewer reaches that shows applications.
	pages := []string{"/admin", edition, edition + "/applications", edition + "/applications?sort=name",
		edition + "/applications?sort=score", edition + "/review", "/admin/applications/" + id,
		"/admin/applications/" + id + "/review", edition + "/export.csv?" + all.Encode(),
		edition + "/export.xlsx?" + all.Encode(), edition + "/export.csv?list=participants",
		"/admin/applications/" + id + "/files/" + strconv.FormatInt(a.Answers[len(a.Answers)-2].UploadID, 10)}

	organiser := signIn(t, ts, f.staff.organiser.Email)
	reviewer := signIn(t, ts, f.staff.reviewer.Email)
	// Each setting: every field hidden, then each field in turn shown and only that one.
	settings := []school.IdentifyingField{""}
	settings = append(settings, school.IdentifyingFields...)
	for _, shown := range settings {
		name := "all hidden"
		if shown != "" {
			name = string(shown) + " shown"
		}
		t.Run(name, func(t *testing.T) {
			var hide []school.IdentifyingField
			for _, field := range school.IdentifyingFields {
				if field != shown {
					hide = append(hide, field)
				}
			}
			setBlindReview(t, organiser, f.summer.ID, hide)
			for _, path := range pages {
				resp, body := reviewer.get(t, path)
				if resp.StatusCode == http.StatusNotFound && strings.Contains(path, "/files/") {
					continue
				}
				wantStatus(t, resp, body, http.StatusOK)
				text := body
				switch ct := resp.Header.Get("Content-Type"); {
				case strings.HasPrefix(ct, "text/html"):
					text = visibleText(t, body)
				case strings.Contains(ct, "spreadsheetml"):
					text = sheetText(t, body)
				case strings.HasPrefix(ct, "application/pdf"):
					text = ""
				}
				text += "\n" + resp.Header.Get("Content-Disposition")
				for _, field := range hide {
					for _, v := range values[field] {
						if strings.Contains(text, v) {
							t.Errorf("%s hidden: %s shows %q", field, path, v)
						}
					}
				}
			}
			if shown == "" {
				return
			}
			// The one field shown is there for the reviewer to read.
			_, body := reviewer.get(t, "/admin/applications/"+id)
			for _, v := range values[shown] {
				if !strings.Contains(visibleText(t, body), v) && !slices.Contains([]string{"XANTHE", "curriculum-zq7", "1986-02-17"}, v) {
					t.Errorf("%s shown: the application page does not show %q", shown, v)
				}
			}
		})
	}

	// Organisers see everything whatever the setting.
	setBlindReview(t, organiser, f.summer.ID, school.IdentifyingFields)
	_, body := organiser.get(t, "/admin/applications/"+id)
	for _, vs := range values {
		for _, v := range vs {
			if v != "XANTHE" && v != "1986-02-17" && !strings.Contains(visibleText(t, body), v) {
				t.Errorf("the organiser does not see %q", v)
			}
		}
	}
}

func TestBlindReviewSettingsStartWithEveryDetailHidden(t *testing.T) {
	t.Parallel()
	f := newAdminFixture(t)
	organiser := signIn(t, f.ts, f.staff.organiser.Email)
	for _, page := range []string{"/admin/editions/new", "/admin/editions/" + strconv.FormatInt(f.summer.ID, 10) + "/edit"} {
		form := organiser.openForm(t, page, page)
		got := form.Values["blind_hidden"]
		for _, field := range school.IdentifyingFields {
			if !slices.Contains(got, string(field)) {
				t.Errorf("%s: %s is not ticked to be hidden", page, field)
			}
		}
	}
	_, body := organiser.get(t, "/admin/editions/"+strconv.FormatInt(f.summer.ID, 10)+"/edit")
	wantText(t, body, "Country of residence", "Institution", "Answers to short-text extra questions")

	// The edition's privacy notice tells applicants what reviewers do not see, as set.
	hide := []school.IdentifyingField{school.IdentName, school.IdentResidence, school.IdentInstitution}
	setBlindReview(t, organiser, f.summer.ID, hide)
	_, body = f.ts.get(t, "/editions/"+summerSlug+"/privacy?lang=en")
	wantText(t, body, "reviewers do not see these details of your application: name, country of residence or institution;")
}
