package app

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"registrar/app/school"
	"registrar/app/testkit"
	"registrar/db"
)

// indexOf is where text first stands in the page's main text, failing when it is missing.
func indexOf(t *testing.T, page, text string) int {
	t.Helper()
	i := strings.Index(page, text)
	if i < 0 {
		t.Fatalf("%q is not on the page:\n%s", text, page)
	}
	return i
}

func TestTheApplicationPageShowsTheDataAndReviewsBeforeADecisionFormWithNothingChosen(t *testing.T) {
	t.Parallel()
	f := newAdminFixture(t)
	v := signIn(t, f.ts, f.staff.organiser.Email)
	page := "/admin/applications/" + strconv.FormatInt(f.app.ID, 10)
	resp, body := v.get(t, page)
	wantStatus(t, resp, body, http.StatusOK)
	var headings []string
	testkit.Walk(testkit.ParseHTML(t, body), func(n *html.Node) bool {
		if n.Type == html.ElementNode && n.Data == "h2" {
			headings = append(headings, testkit.Text(n))
		}
		return true
	})
	order := strings.Join(headings, " / ")
	sent, reviews, decision := indexOf(t, order, "What the applicant sent"), indexOf(t, order, "Reviews"), indexOf(t, order, "Decision")
	if !(sent < reviews && reviews < decision) {
		t.Errorf("the page's sections are %s; want what they sent, then the reviews, then the decision", order)
	}
	var selected []string
	testkit.Walk(testkit.ParseHTML(t, body), func(n *html.Node) bool {
		if n.Type == html.ElementNode && n.Data == "option" {
			if _, ok := testkit.Attr(n, "selected"); ok {
				value, _ := testkit.Attr(n, "value")
				selected = append(selected, value)
			}
		}
		return true
	})
	if len(selected) != 0 {
		t.Errorf("options %q are chosen before the organiser chose", selected)
	}
	form := testkit.FormOn(t, page, body, page+"/decision")
	if got := form.Values.Get("decision"); got != "" {
		t.Errorf("the decision form sends %q untouched, want nothing", got)
	}

	// Sent as it is: refused with a message, nothing staged.
	resp, body = v.postAdmin(t, page+"/decision", url.Values{"decision": {""}})
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	wantText(t, body, "Choose a decision first")
	if staged, err := f.ts.store.StagedDecisions(context.Background(), f.summer.ID); err != nil || len(staged) != 0 {
		t.Errorf("staged after an empty form: %v, %v", staged, err)
	}
}

func TestTheHistoryNamesTheStaffMemberAndTheirRole(t *testing.T) {
	t.Parallel()
	f := newAdminFixture(t)
	ctx := context.Background()
	if _, err := f.ts.store.TransitionApplication(ctx, f.app.ID, school.StatusRejected, userActor(f.staff.organiser),
		demoNow, f.ts.renderer(t, f.summer)); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []struct{ code, staff, applicant string }{
		{"en", "Not selected · Organiser (organiser)", "Submitted · the applicant"},
		{"cs", "Nevybrána · Organiser (organizátor)", "Podána · uchazeč"},
	} {
		_, body := signIn(t, f.ts, f.staff.admin.Email).get(t, "/admin/applications/"+strconv.FormatInt(f.app.ID, 10)+"?lang="+lang.code)
		text := testkit.MainText(t, body)
		wantText(t, text, lang.staff, lang.applicant)
		if strings.Contains(text, "user:") {
			t.Errorf("the history shows an actor's code:\n%s", text)
		}
	}
	L := f.ts.i18n.Translator("en")
	for _, c := range []struct {
		entry db.AuditEntry
		want  string
	}{
		{db.AuditEntry{Action: "edit", Actor: db.ActorApplicant}, "Changed by the applicant"},
		{db.AuditEntry{Action: "status", To: "expired", Actor: db.ActorSystem}, "Offer expired · Registrar (automatic)"},
		// An account removed since: the address the entry keeps.
		{db.AuditEntry{Action: "status", To: "rejected", Actor: "user:999 gone@school.test"}, "Not selected · gone@school.test"},
	} {
		if got := staffHistoryText(L, c.entry); got != c.want {
			t.Errorf("%+v reads %q, want %q", c.entry, got, c.want)
		}
	}
}

func TestBackOfficePagesSpeakStaffWords(t *testing.T) {
	t.Parallel()
	f := newAdminFixture(t)
	id := strconv.FormatInt(f.app.ID, 10)
	edition := "/admin/editions/" + strconv.FormatInt(f.summer.ID, 10)
	for _, c := range []struct {
		who, path string
		want      []string
	}{
		{f.staff.organiser.Email, "/admin/applications/" + id, []string{"Sector", "Asks for a fee waiver", "Needs a visa invitation letter"}},
		{f.staff.reviewer.Email, "/admin/applications/" + id + "/review", []string{"Sector"}},
		{f.staff.organiser.Email, edition + "/applications", []string{"Sector"}},
		{f.staff.organiser.Email, "/admin/applications/" + id + "?lang=cs", []string{"Oblast činnosti", "Žádá o prominutí poplatku"}},
	} {
		resp, body := signIn(t, f.ts, c.who).get(t, c.path)
		wantStatus(t, resp, body, http.StatusOK)
		text := testkit.MainText(t, body)
		wantText(t, text, c.want...)
		for _, applicantWords := range []string{"You are", "I ask for a fee waiver", "I need a visa", "your passport",
			"How did you hear", "Oblast vaší činnosti", "Žádám o", "Potřebuji"} {
			if strings.Contains(text, applicantWords) {
				t.Errorf("%s says %q, the applicant's words", c.path, applicantWords)
			}
		}
	}
}

func TestAReviewMissingAScoreSaysWhichCriterion(t *testing.T) {
	t.Parallel()
	f := newAdminFixture(t)
	rubric, err := f.ts.store.Rubric(context.Background(), f.summer.ID)
	if err != nil || len(rubric) < 2 {
		t.Fatalf("rubric %v, %v", rubric, err)
	}
	values := url.Values{}
	for _, c := range rubric[1:] {
		values.Set("score_"+strconv.FormatInt(c.ID, 10), "4")
	}
	v := signIn(t, f.ts, f.staff.reviewer.Email)
	resp, body := v.postAdmin(t, "/admin/applications/"+strconv.FormatInt(f.app.ID, 10)+"/review", values)
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	wantText(t, testkit.MainText(t, body), "Give a score from 1 to 5 (5 is best) to: "+rubric[0].LabelEN+".")
}
