package app

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"registrar/app/jobs"
	"registrar/app/mail"
	"registrar/app/school"
	"registrar/app/testkit"
	"registrar/db"
	"sync"
	"testing"
	"time"
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
		BackupsDir: ts.cfg.Layout().Backups(), MailDir: ts.cfg.Layout().Mail(),
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

// newMailingServer is a demo server whose outbox sends, from mailFrom, to an SMTP inbox on
// loopback; configure may change the configuration further. Its outbox runs once the test
// calls runOutbox.
func newMailingServer(t testing.TB, mailFrom string, configure func(*Config)) (*testServer, *testkit.Inbox) {
	t.Helper()
	inbox := testkit.StartInbox(t)
	ts := newTestServerWith(t, func() time.Time { return demoNow }, func(c *Config) {
		c.SMTPURL = inbox.URL()
		c.MailFrom = mailFrom
		if configure != nil {
			configure(c)
		}
	})
	return ts, inbox
}

// runOutbox runs the server's outbox until the test ends. A sent email keeps no status link, so a test
// that reads a stored email's link (submitted, linkEmailedTo) does so before.
func (ts *testServer) runOutbox(t testing.TB) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { ts.Outbox().Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
}

// demoTemplate is a database with every migration applied and the demo loaded, made once per
// run of the package's tests: each test server starts from a copy of the file, which costs far
// less than migrating and loading the demo again.
var demoTemplate struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// copyDemoDatabase copies the demo database into dir and returns the copy's path.
func copyDemoDatabase(t testing.TB, dir string) string {
	t.Helper()
	demoTemplate.once.Do(func() {
		demoTemplate.dir, demoTemplate.err = os.MkdirTemp("", "registrar-demo-")
		if demoTemplate.err != nil {
			return
		}
		demoTemplate.path = filepath.Join(demoTemplate.dir, "demo.db")
		demoTemplate.err = buildDemoDatabase(demoTemplate.path)
	})
	if demoTemplate.err != nil {
		t.Fatalf("the demo database: %v", demoTemplate.err)
	}
	data, err := os.ReadFile(demoTemplate.path)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "registrar.db")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// buildDemoDatabase writes to path a migrated database with the demo loaded, as a single file.
func buildDemoDatabase(path string) error {
	dir, err := os.MkdirTemp(filepath.Dir(path), "build-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	store, err := db.Open(filepath.Join(dir, "registrar.db"))
	if err != nil {
		return err
	}
	defer store.Close()
	ctx := context.Background()
	if err := store.Migrate(ctx); err != nil {
		return err
	}
	if err := store.LoadDemo(ctx, demoNow); err != nil {
		return err
	}
	return store.Backup(ctx, path) // VACUUM INTO: one consistent file, no WAL beside it
}

func TestMain(m *testing.M) {
	code := m.Run()
	if demoTemplate.dir != "" {
		os.RemoveAll(demoTemplate.dir)
	}
	os.Exit(code)
}

// summerOnAClock is a test server on a movable clock, taking any number of forms, and the demo
// summer school.
func summerOnAClock(t testing.TB) (*testkit.Clock, *testServer, school.Edition) {
	t.Helper()
	clock := testkit.NewClock(demoNow)
	ts := newTestServerWith(t, clock.Now, func(c *Config) { c.ApplyLimit = 10000 })
	summer, err := ts.store.PublicEdition(context.Background(), summerSlug)
	if err != nil {
		t.Fatal(err)
	}
	return clock, ts, summer
}

// startProgram starts cmd (Caddy, Litestream) with its output kept, and stops it when the test
// ends, printing the output of a failed test under name. exited closes when it stops by itself.
func startProgram(t testing.TB, name string, cmd *exec.Cmd) (logs *lockedBuffer, exited <-chan struct{}) {
	t.Helper()
	logs = &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-done
		if t.Failed() {
			t.Logf("%s's log:\n%s", name, logs.String())
		}
	})
	return logs, done
}
