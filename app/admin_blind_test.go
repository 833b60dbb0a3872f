package app

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/net/html"

	"registrar/app/school"
	"registrar/app/testkit"
)

// sheetText is every cell of an XLSX file's first sheet, one row a line.
func sheetText(t testing.TB, body string) string {
	t.Helper()
	f, err := excelize.OpenReader(strings.NewReader(body))
	if err != nil {
		t.Fatalf("not an XLSX file: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	lines := make([]string, len(rows))
	for i, r := range rows {
		lines[i] = strings.Join(r, "|")
	}
	return strings.Join(lines, "\n")
}

// backOfficeLinks are the back-office addresses a page links to, frames and GET forms included
// (a GET form's address with its fields as they are).
func backOfficeLinks(t testing.TB, body string) []string {
	t.Helper()
	var links []string
	testkit.Walk(testkit.ParseHTML(t, body), func(n *html.Node) bool {
		if n.Type != html.ElementNode {
			return true
		}
		switch n.Data {
		case "a", "iframe":
			for _, attr := range []string{"href", "src"} {
				if v, ok := testkit.Attr(n, attr); ok {
					links = append(links, v)
				}
			}
		case "form":
			if method, _ := testkit.Attr(n, "method"); strings.EqualFold(method, "get") {
				action, _ := testkit.Attr(n, "action")
				q := url.Values{}
				testkit.Walk(n, func(in *html.Node) bool {
					if in.Type == html.ElementNode && in.Data == "input" {
						name, _ := testkit.Attr(in, "name")
						value, _ := testkit.Attr(in, "value")
						if name != "" {
							q.Add(name, value)
						}
					}
					return true
				})
				links = append(links, action+"?"+q.Encode())
			}
		}
		return true
	})
	var out []string
	for _, l := range links {
		l, _, _ = strings.Cut(l, "#")
		if strings.HasPrefix(l, "/admin") {
			out = append(out, l)
		}
	}
	return out
}

func TestABlindReviewerFindsNoTraceOfWhoApplied(t *testing.T) {
	t.Parallel()
	f := newAdminFixture(t)
	ts := f.ts
	ctx := context.Background()
	if err := ts.store.AddQuestion(ctx, school.Question{EditionID: f.summer.ID, Kind: school.QuestionFile,
		LabelEN: "Research plan", LabelCS: "Plán výzkumu"}); err != nil {
		t.Fatal(err)
	}
	questions, err := ts.store.Questions(ctx, f.summer.ID)
	if err != nil {
		t.Fatal(err)
	}
	plan := questions[len(questions)-1]
	// An applicant whose every detail is unlike anything else on the pages, with files named
	// after her.
	a := applyToSummerWith(t, ts, url.Values{"given_name": {"Xanthippe"}, "family_name": {"Oyelaran-Brzezinski"},
		"email": {"xanthippe.ob@example.net"}, "date_of_birth": {"1987-11-29"}, "nationality": {"IS"},
		"gender": {"male"}, "referee_name": {"Prof. Thorvaldur Gudmundsson"}, "referee_email": {"thorvaldur.g@example.is"}},
		cvFile("Xanthippe-Oyelaran-Brzezinski-CV.pdf"),
		formFile{Field: questionField(plan.ID), Name: "Oyelaran research plan.pdf", Data: minimalPDF("plan")})
	hidden := []string{"Xanthippe", "XANTHIPPE", "Oyelaran", "Brzezinski", "xanthippe.ob@example.net",
		"1987-11-29", "29 November 1987", "29. 11. 1987", "Iceland", "Thorvaldur", "thorvaldur.g@example.is",
		"Xanthippe-Oyelaran-Brzezinski-CV.pdf", "Oyelaran research plan.pdf", "Male",
		// When she sent the form: she may have said so, or others may know it.
		ts.i18n.Translator("en").Moment(a.SubmittedAt)}
	if err := ts.store.SetBlindReview(ctx, f.summer.ID, true); err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(a.ID, 10)
	edition := "/admin/editions/" + strconv.FormatInt(f.summer.ID, 10)
	planURL := "/admin/applications/" + id + "/files/" + strconv.FormatInt(a.Answers[len(a.Answers)-1].UploadID, 10)
	cvURL := "/admin/applications/" + id + "/files/" + strconv.FormatInt(a.CVUploadID, 10)
	if a.Answers[len(a.Answers)-1].QuestionID != plan.ID {
		t.Fatalf("the research plan is not the last answer: %+v", a.Answers)
	}

	reviewer := signIn(t, ts, f.staff.reviewer.Email)
	// Every address the pages lead to, and those a reviewer could type.
	start := []string{"/admin", edition, edition + "/applications", edition + "/review",
		"/admin/applications/" + id, "/admin/applications/" + id + "/review", planURL}
	for _, q := range []string{"sort=name", "sort=newest", "sort=oldest", "sort=score", "nationality=IS",
		"region=154", "min_score=1"} {
		start = append(start, edition+"/applications?"+q)
	}
	for _, format := range []string{"csv", "xlsx"} {
		for _, list := range []string{"applications", "participants", "emails"} {
			start = append(start, edition+"/export."+format+"?list="+list)
		}
		all := url.Values{}
		for _, col := range exportColumns {
			all.Add("col", col.Key)
		}
		start = append(start, edition+"/export."+format+"?"+all.Encode(),
			edition+"/export."+format+"?cols=reference,family_name,email,date_of_birth,nationality")
	}

	walk := func(t *testing.T) {
		seen := map[string]bool{}
		queue := append([]string(nil), start...)
		for len(queue) > 0 && len(seen) < 300 {
			path := queue[0]
			queue = queue[1:]
			// The language switch is left alone: the walk reads English.
			if seen[path] || strings.HasPrefix(path, "/admin/logout") || strings.Contains(path, "lang=") {
				continue
			}
			seen[path] = true
			resp, body := reviewer.get(t, path)
			switch resp.StatusCode {
			case http.StatusNotFound, http.StatusForbidden:
				continue
			case http.StatusSeeOther:
				queue = append(queue, resp.Header.Get("Location"))
				continue
			}
			wantStatus(t, resp, body, http.StatusOK)
			var headers strings.Builder
			for k, vs := range resp.Header {
				headers.WriteString(k + ": " + strings.Join(vs, ", ") + "\n")
			}
			text := body
			ct := resp.Header.Get("Content-Type")
			switch {
			case strings.HasPrefix(ct, "text/html"):
				text = testkit.Text(testkit.ParseHTML(t, body))
				queue = append(queue, backOfficeLinks(t, body)...)
			case strings.Contains(ct, "spreadsheetml"):
				text = sheetText(t, body)
			}
			for _, h := range hidden {
				// Short strings in the text only: a token in the markup may hold them.
				if strings.Contains(text, h) || (len(h) > 5 && strings.Contains(body, h)) || strings.Contains(headers.String(), h) {
					t.Errorf("blind review: %s contains %q", path, h)
				}
			}
		}
		for _, want := range []string{"/admin/applications/" + id, "/admin/applications/" + id + "/review", planURL} {
			if !seen[want] {
				t.Errorf("the walk never reached %s", want)
			}
		}
	}
	t.Run("before reviewing", walk)

	// The file answer is there, by its question on the pages and under a name made of the
	// reference when opened; the CV is not.
	blindName := a.Reference + "-answer-" + strconv.FormatInt(plan.ID, 10) + ".pdf"
	for _, page := range []string{"/admin/applications/" + id, "/admin/applications/" + id + "/review"} {
		resp, body := reviewer.get(t, page)
		wantStatus(t, resp, body, http.StatusOK)
		wantText(t, body, "Research plan (PDF)", "File attached", "the CV is not shown")
		if strings.Contains(body, cvURL) || strings.Contains(body, "<iframe") {
			t.Errorf("%s shows the CV to a blind reviewer", page)
		}
	}
	resp, body := reviewer.get(t, planURL)
	wantStatus(t, resp, body, http.StatusOK)
	if cd := resp.Header.Get("Content-Disposition"); !strings.Contains(cd, blindName) {
		t.Errorf("the file answer is sent as %q, want the name %s", cd, blindName)
	}
	if resp, _ := reviewer.get(t, cvURL); resp.StatusCode != http.StatusNotFound {
		t.Errorf("the CV answers %d to a blind reviewer", resp.StatusCode)
	}
	// Lists and exports go by reference whatever order is asked for; by name, the applicant
	// Oyelaran-Brzezinski would come before Quartermaine, and by date after.
	for _, path := range []string{edition + "/applications?sort=name", edition + "/applications?sort=newest",
		edition + "/export.csv", edition + "/export.csv?list=applications&col=reference"} {
		_, body := reviewer.get(t, path)
		if i, j := strings.Index(body, f.app.Reference), strings.Index(body, a.Reference); i < 0 || j < 0 || i > j {
			t.Errorf("%s is not in the order of references", path)
		}
	}

	// Once reviewed, the reviews are shown and still nothing of the applicant.
	sendReview(t, ts, reviewer, a, 4, "Clear plan")
	t.Run("after reviewing", walk)

	// The organiser sees the file's own name.
	organiser := signIn(t, ts, f.staff.organiser.Email)
	resp, body = organiser.get(t, "/admin/applications/"+id)
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "Oyelaran research plan.pdf", "Xanthippe-Oyelaran-Brzezinski-CV.pdf")
	resp, _ = organiser.get(t, planURL)
	if cd := resp.Header.Get("Content-Disposition"); resp.StatusCode != http.StatusOK || !strings.Contains(cd, "Oyelaran") {
		t.Errorf("the organiser's download: %d, %q", resp.StatusCode, cd)
	}
}
