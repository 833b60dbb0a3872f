package app

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"registrar/app/jobs"
	"registrar/app/mail"
	"registrar/app/school"
	"registrar/db"
)

// demoNow is the moment the tests live in: the demo's summer school call is open, its winter
// school call not yet.
var demoNow = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// testServer is a Registrar on a fresh SQLite file with the demo data loaded.
type testServer struct {
	*Server
	store *db.Store
	dir   string
}

func newTestServer(t testing.TB) *testServer {
	t.Helper()
	return newTestServerAt(t, func() time.Time { return demoNow })
}

func newTestServerAt(t testing.TB, clock func() time.Time) *testServer {
	t.Helper()
	return newTestServerWith(t, clock, nil)
}

// renderer renders e's emails as the handlers do, with no questions' answers in the summary.
func (ts *testServer) renderer(t testing.TB, e school.Edition) db.Renderer {
	t.Helper()
	render, err := ts.emails.Renderer(t.Context(), e, mail.WithQuestions(nil))
	if err != nil {
		t.Fatal(err)
	}
	return render
}

// jobs runs the clock's jobs on the server's store, clock, outbox and data folder, as the
// command that serves does.
func (ts *testServer) jobs() *jobs.Runner {
	return &jobs.Runner{Store: ts.store, Emails: ts.emails, Outbox: ts.outbox, Log: ts.log, Clock: ts.cfg.Clock,
		BackupsDir: filepath.Join(ts.cfg.DataDir, "backups"), UploadsDir: ts.uploadsDir(), MailDir: ts.cfg.MailDir(),
		FormLifetime: FormLifetime}
}

// get sends a GET through the real Fiber app and returns the response with its body read.
func (ts *testServer) get(t testing.TB, target string, headers ...string) (*http.Response, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return ts.do(t, req)
}

func (ts *testServer) do(t testing.TB, req *http.Request) (*http.Response, string) {
	t.Helper()
	resp, err := ts.Handler().Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

// listen serves the app on a random loopback port until the test ends, for browser tests and
// load, and returns its base URL.
func (ts *testServer) listen(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = ts.Handler().Listener(ln) }()
	t.Cleanup(func() { _ = ts.Shutdown(5 * time.Second) })
	return "http://" + ln.Addr().String()
}
