package app

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"registrar/app/mail"
	"registrar/app/school"
	"registrar/app/testkit"
	"registrar/db"
)

// Helpers that send forms as a browser does: open the page through the Fiber app, keep the
// cookies it sets, read the form's fields (hidden _csrf and opened_at included) from the HTML,
// and send them back as multipart/form-data with a same-origin Referer.

// newTestServerWith is newTestServerAt with a chance to change the configuration first (a
// lower rate limit, an SMTP server).
func newTestServerWith(t testing.TB, clock func() time.Time, configure func(*Config)) *testServer {
	t.Helper()
	dir := t.TempDir()
	store, err := db.Open(copyDemoDatabase(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	cfg := Config{DataDir: dir, BaseURL: "http://127.0.0.1", Clock: clock}
	if configure != nil {
		configure(&cfg)
	}
	s, err := New(cfg, store, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	// Stops the web state's background checkpoints; a server that never listened has nothing
	// else to shut down.
	t.Cleanup(func() { _ = s.Shutdown(time.Second) })
	return &testServer{Server: s, store: store, dir: dir}
}

// newFormServer is a demo server whose rate limit does not get in the way of a test that sends
// many forms from the one address app.Test requests come from.
func newFormServer(t testing.TB) *testServer {
	t.Helper()
	return newTestServerWith(t, func() time.Time { return demoNow }, func(c *Config) { c.ApplyLimit = 10000 })
}

// visitor is one person's browser: it keeps the cookies the site sets.
type visitor struct {
	ts      *testServer
	mu      sync.Mutex
	cookies map[string]string
	// ip is the client address a trusted proxy names in X-Real-IP; empty sends none.
	ip string
}

func (ts *testServer) visitor() *visitor { return &visitor{ts: ts, cookies: map[string]string{}} }

// formFile is a file chosen in a file field.
type formFile struct {
	Field string
	Name  string
	Data  []byte
}

// send sends a request with the visitor's cookies and keeps the cookies of the answer. It
// returns errors rather than failing the test, so goroutines may use it.
func (v *visitor) send(req *http.Request) (*http.Response, string, error) {
	v.mu.Lock()
	for name, value := range v.cookies {
		req.AddCookie(&http.Cookie{Name: name, Value: value})
	}
	v.mu.Unlock()
	if v.ip != "" {
		req.Header.Set("X-Real-IP", v.ip)
	}
	resp, err := v.ts.Handler().Test(req, -1)
	if err != nil {
		return nil, "", err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, "", err
	}
	v.mu.Lock()
	for _, c := range resp.Cookies() {
		if c.MaxAge < 0 || c.Value == "" {
			delete(v.cookies, c.Name)
		} else {
			v.cookies[c.Name] = c.Value
		}
	}
	v.mu.Unlock()
	return resp, string(body), nil
}

func (v *visitor) tryGet(target string) (*http.Response, string, error) {
	return v.send(httptest.NewRequest(http.MethodGet, target, nil))
}

// get opens a page.
func (v *visitor) get(t testing.TB, target string) (*http.Response, string) {
	t.Helper()
	resp, body, err := v.tryGet(target)
	if err != nil {
		t.Fatalf("GET %s: %v", target, err)
	}
	return resp, body
}

// tryPost sends values and files to action as multipart/form-data, as from a page at referer.
func (v *visitor) tryPost(action, referer string, values url.Values, files ...formFile) (*http.Response, string, error) {
	req, err := multipartBody(action, values, files...)
	if err != nil {
		return nil, "", err
	}
	if referer != "" {
		req.Header.Set("Referer", "http://example.com"+referer)
	}
	req.Header.Set("Origin", "http://example.com")
	return v.send(req)
}

// multipartBody is a POST of values and files to action as multipart/form-data.
func multipartBody(action string, values url.Values, files ...formFile) (*http.Request, error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for name, vs := range values {
		for _, value := range vs {
			if err := w.WriteField(name, value); err != nil {
				return nil, err
			}
		}
	}
	for _, f := range files {
		h := make(map[string][]string)
		h["Content-Disposition"] = []string{fmt.Sprintf(`form-data; name="%s"; filename="%s"`, f.Field,
			strings.NewReplacer(`"`, "%22", "\r", "", "\n", "").Replace(f.Name))}
		h["Content-Type"] = []string{"application/pdf"}
		part, err := w.CreatePart(h)
		if err != nil {
			return nil, err
		}
		if _, err := part.Write(f.Data); err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	req := httptest.NewRequest(http.MethodPost, action, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return req, nil
}

// post sends a form and fails the test if it cannot be sent.
func (v *visitor) post(t testing.TB, action, referer string, values url.Values, files ...formFile) (*http.Response, string) {
	t.Helper()
	resp, body, err := v.tryPost(action, referer, values, files...)
	if err != nil {
		t.Fatalf("POST %s: %v", action, err)
	}
	return resp, body
}

// submit sends the form with changes, as from its page.
func (v *visitor) submit(t testing.TB, f testkit.Form, change url.Values, files ...formFile) (*http.Response, string) {
	t.Helper()
	return v.post(t, f.Action, f.Page, f.With(change), files...)
}

// openForm opens the page at target, expecting 200, and returns the form whose action starts
// with actionPrefix (the first form when empty).
func (v *visitor) openForm(t testing.TB, target, actionPrefix string) testkit.Form {
	t.Helper()
	resp, body := v.get(t, target)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d\n%s", target, resp.StatusCode, testkit.MainText(t, body))
	}
	return testkit.FormOn(t, target, body, actionPrefix)
}

// wantText fails the test for every wanted text the page's main content lacks.
func wantText(t testing.TB, body string, wants ...string) {
	t.Helper()
	testkit.WantText(t, "the page", testkit.MainText(t, body), wants...)
}

func wantStatus(t testing.TB, resp *http.Response, body string, want int) {
	t.Helper()
	if resp.StatusCode != want {
		t.Fatalf("status %d, want %d; the page says:\n%.3000s", resp.StatusCode, want, testkit.MainText(t, body))
	}
}

// The demo's summer school 2027 has an open call on demoNow and asks every optional field and
// three extra questions; its call closes on 11 January 2027 at 23:59 Prague time, so forms are
// accepted until 23:00 UTC. The winter school 2027 opens later; summer-school-2019 is archived.
const (
	summerSlug  = "summer-school-2027"
	winterSlug  = "winter-school-2027"
	archiveSlug = "summer-school-2019"
)

var summerDeadline = time.Date(2027, 1, 11, 23, 0, 0, 0, time.UTC)

func applyPath(slug string) string { return "/editions/" + slug + "/apply" }

// questionFields names the form fields of an edition's extra questions by kind.
func questionFields(t testing.TB, ts *testServer, slug string) map[school.QuestionKind]string {
	t.Helper()
	ctx := context.Background()
	e, err := ts.store.PublicEdition(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	qs, err := ts.store.Questions(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	fields := map[school.QuestionKind]string{}
	for _, q := range qs {
		fields[q.Kind] = questionField(q.ID)
	}
	return fields
}

// summerAnswers is what a careful applicant types into the summer school form.
func summerAnswers(t testing.TB, ts *testServer, email string) url.Values {
	t.Helper()
	q := questionFields(t, ts, summerSlug)
	return url.Values{
		"given_name":               {"Amina"},
		"family_name":              {"Haddad"},
		"email":                    {email},
		"date_of_birth":            {"1998-04-23"},
		"nationality":              {"JO"},
		"residence":                {"CZ"},
		"gender":                   {"female"},
		"sector":                   {"student"},
		"institution":              {"Charles University"},
		"field_of_study":           {"Demography"},
		"highest_degree":           {"master"},
		"english_level":            {"c1"},
		"motivation":               {"I study how climate change moves people within Jordan and want to compare it with Central Europe."},
		"referee_name":             {"Dr. Lina Saleh"},
		"referee_email":            {"lina.saleh@example.org"},
		"fee_waiver":               {"yes"},
		"fee_waiver_reason":        {"My scholarship does not cover fees."},
		"visa_letter":              {"yes"},
		"dietary":                  {"vegetarian"},
		"accessibility":            {"none"},
		"heard_from":               {"university"},
		"consent_processing":       {"yes"},
		"consent_mailings":         {"yes"},
		q[school.QuestionSingle]:   {"Climate and mobility"},
		q[school.QuestionYesNo]:    {"no"},
		q[school.QuestionLongText]: {"Water scarcity and internal migration."},
	}
}

// minimalPDF is a small file that is a PDF by its content.
func minimalPDF(note string) []byte {
	return []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% " + note + "\ntrailer << /Root 1 0 R >>\n%%EOF\n")
}

func cvFile(name string) formFile {
	return formFile{Field: "cv", Name: name, Data: minimalPDF(name)}
}

// apply opens the edition's form, fills it with answers and sends it with the files.
func (v *visitor) apply(t testing.TB, slug string, answers url.Values, files ...formFile) (*http.Response, string) {
	t.Helper()
	f := v.openForm(t, applyPath(slug), applyPath(slug))
	return v.submit(t, f, answers, files...)
}

// applyOK applies and returns the status link's secret of the accepted application.
func (v *visitor) applyOK(t testing.TB, slug string, answers url.Values, files ...formFile) string {
	t.Helper()
	resp, body := v.apply(t, slug, answers, files...)
	return v.ts.submitted(t, resp, body, answers.Get("email"))
}

var sentLocation = regexp.MustCompile(`^/editions/[a-z0-9-]+/apply/sent$`)

// formSent checks a form was taken: the answer sends to the page saying the link is emailed.
func formSent(t testing.TB, resp *http.Response, body string) {
	t.Helper()
	wantStatus(t, resp, body, http.StatusSeeOther)
	if loc := resp.Header.Get("Location"); !sentLocation.MatchString(loc) {
		t.Fatalf("redirected to %q, not to the page after sending", loc)
	}
}

// submitted checks a form was taken and returns the secret of the status link in the newest
// email queued to address (the receipt, or the email to one who had applied).
func (ts *testServer) submitted(t testing.TB, resp *http.Response, body, address string) string {
	t.Helper()
	formSent(t, resp, body)
	return ts.linkEmailedTo(t, address)
}

// linkEmailedTo is the secret of the status link in the newest email queued to address.
func (ts *testServer) linkEmailedTo(t testing.TB, address string) string {
	t.Helper()
	msgs, err := ts.store.OutboxMessages(context.Background(), db.OutboxFilter{Scope: db.EmailScope{Editions: school.AllEditions()}, Limit: 1 << 30})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs { // newest first
		if !strings.EqualFold(m.To, address) {
			continue
		}
		link := statusLinkInEmail.FindStringSubmatch(m.Text)
		if link == nil {
			t.Fatalf("the newest email to %s (%s, %s) has no status link", address, m.Template, m.Status)
		}
		return link[1]
	}
	t.Fatalf("no email to %s", address)
	return ""
}

// applicationOf is the stored application behind a status link.
func applicationOf(t testing.TB, ts *testServer, token string) school.Application {
	t.Helper()
	a, err := ts.store.ApplicationByToken(context.Background(), mail.HashToken(token))
	if err != nil {
		t.Fatalf("no application for the status link: %v", err)
	}
	return a
}

// emailsOf lists the emails queued for an application.
func emailsOf(t testing.TB, ts *testServer, id int64) []db.OutboxMessage {
	t.Helper()
	msgs, err := ts.store.ApplicationEmails(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return msgs
}

func templatesOf(msgs []db.OutboxMessage) []string {
	names := make([]string, len(msgs))
	for i, m := range msgs {
		names[i] = m.Template
	}
	return names
}

// queuedCount counts every email waiting in the outbox.
func queuedCount(t testing.TB, ts *testServer) int {
	t.Helper()
	msgs, err := ts.store.DueEmails(context.Background(), time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC), 100000)
	if err != nil {
		t.Fatal(err)
	}
	return len(msgs)
}
