package main

// Crash safety (issue 3): the real binary, real SMTP on loopback, a SIGKILL in the middle of a
// burst of submissions. Every applicant who saw the success page must be stored and must get
// exactly one receipt.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"registrar/app/testkit"
)

const (
	crashSubmissions = 300
	crashWorkers     = 24               // submissions in flight at once
	crashDeadline    = 60 * time.Second // for the submissions, then again for the outbox
)

// minimalPDF passes the server's content check: the %PDF- magic and an %%EOF trailer.
var minimalPDF = []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")

func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the real binary; skipped with -short")
	}
	if runtime.GOOS == "windows" {
		t.Skip("needs SIGKILL")
	}
	began := time.Now()
	dir := t.TempDir()
	bin := buildBinary(t, dir)
	t.Logf("built the binary in %s", time.Since(began).Round(time.Millisecond))
	inbox := testkit.StartInbox(t)
	addr := freeAddr(t)
	env := registrarEnv(
		"REGISTRAR_DATA="+filepath.Join(dir, "data"),
		"REGISTRAR_DEMO=1",
		"REGISTRAR_ADDR="+addr,
		"REGISTRAR_BASE_URL=http://"+addr,
		"REGISTRAR_SMTP_URL="+inbox.URL(),
		"REGISTRAR_APPLY_LIMIT=100000",
	)
	logPath := filepath.Join(dir, "server.log")
	srv := startServer(t, bin, env, logPath)
	t.Cleanup(func() { srv.stop() })
	defer func() {
		if t.Failed() {
			logTail(t, logPath)
		}
	}()
	base := "http://" + addr
	slug := openSummerSchool(t, base)
	t.Logf("the server answers after %s; applying to %s", time.Since(began).Round(time.Millisecond), slug)

	var (
		done     atomic.Int64 // submissions that got their success page
		killed   = make(chan struct{})
		restarts = make(chan error, 1)
		current  atomic.Pointer[server]
	)
	current.Store(srv)

	// The killer: SIGKILL once a third have succeeded, then start the binary again.
	finished := make(chan struct{})
	go func() {
		for done.Load() < crashSubmissions/3 {
			select {
			case <-finished:
				restarts <- nil
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
		old := current.Load()
		old.kill()
		close(killed)
		next, err := launchServer(bin, env, logPath)
		if err == nil {
			current.Store(next)
		}
		restarts <- err
	}()

	ctx, cancel := context.WithTimeout(context.Background(), crashDeadline)
	defer cancel()
	results := make([]submission, crashSubmissions)
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range crashWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				results[i] = submit(ctx, base, slug, i)
				if results[i].sent {
					done.Add(1)
				}
			}
		}()
	}
	for i := range crashSubmissions {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	close(finished)
	t.Logf("submissions done after %s", time.Since(began).Round(time.Millisecond))

	select {
	case <-killed:
	default:
		t.Fatalf("the server was never killed: only %d of %d submissions succeeded", done.Load(), crashSubmissions)
	}
	if err := <-restarts; err != nil {
		t.Fatalf("restart after SIGKILL: %v", err)
	}
	t.Cleanup(func() { current.Load().stop() })

	var succeeded []submission
	afterCrash, retried := 0, 0
	for i, r := range results {
		if r.err != nil {
			t.Errorf("submission %d: %v", i, r.err)
			continue
		}
		succeeded = append(succeeded, r)
		if r.attempts > 1 {
			retried++
		}
	}
	for _, r := range succeeded {
		if r.afterCrash {
			afterCrash++
		}
	}
	t.Logf("%d of %d submissions succeeded (%d retried after the crash, %d succeeded against the restarted server)",
		len(succeeded), crashSubmissions, retried, afterCrash)
	if t.Failed() {
		return
	}
	if afterCrash == 0 {
		t.Errorf("no submission ran against the restarted server")
	}

	client := &http.Client{Timeout: 10 * time.Second}
	var problems problemLog

	// Every success gets exactly one receipt, with its reference and its status link.
	deadline := time.Now().Add(crashDeadline)
	for {
		missing := 0
		for _, r := range succeeded {
			if len(receivedBy(inbox, r.email)) == 0 {
				missing++
			}
		}
		if missing == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %s, %d of %d applicants have no receipt", crashDeadline, missing, len(succeeded))
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("every receipt arrived after %s", time.Since(began).Round(time.Millisecond))
	time.Sleep(time.Second) // room for a duplicate to arrive
	for _, r := range succeeded {
		msgs := receivedBy(inbox, r.email)
		if len(msgs) != 1 {
			problems.add(t, "%s received %d emails, want exactly 1 receipt", r.email, len(msgs))
			continue
		}
		// Every success is stored: the receipt's status link opens it, with the reference the
		// receipt carries and the applicant's address.
		raw := unfoldQuotedPrintable(msgs[0])
		ref := referencePattern.FindString(raw)
		link := emailStatusLink.FindStringSubmatch(raw)
		if ref == "" || link == nil {
			problems.add(t, "%s: the receipt has no reference (%q) or no status link", r.email, ref)
			continue
		}
		body, status, err := get(context.Background(), client, base+"/status/"+link[1])
		switch {
		case err != nil || status != http.StatusOK || !strings.Contains(body, ref):
			problems.add(t, "%s: the receipt's status link answered %d (%v) without the reference %s", r.email, status, err, ref)
		case !strings.Contains(body, html.EscapeString(r.email)):
			problems.add(t, "%s: the status page of %s does not show the applicant's email", r.email, ref)
		}
	}
	// Submissions cut off by the kill may be stored without their sender knowing; they must
	// not be sent twice either.
	for to, n := range distinctPerRecipient(inbox) {
		if n > 1 {
			problems.add(t, "%s received %d emails (at most one receipt each)", to, n)
		}
	}
	problems.summary(t)
	if data, err := os.ReadFile(logPath); err == nil && bytes.Contains(data, []byte("database is locked")) {
		t.Errorf("the server log says \"database is locked\"")
	}
	t.Logf("%d receipts delivered over SMTP, %d deliveries in all (a delivery cut off by the kill is redelivered with its Message-Id)", len(succeeded), deliveries(inbox))
}

var (
	referencePattern = regexp.MustCompile(`SMS-\d{4}-\d{4,}`)
	emailStatusLink  = regexp.MustCompile(`/status/([A-Za-z0-9_-]{20,})`)
	sentLocation     = regexp.MustCompile(`^(?:https?://[^/]+)?/editions/[a-z0-9-]+/apply/sent$`)
	choiceField      = regexp.MustCompile(`<input type="(?:radio|checkbox)" name="(q_\d+)" value="([^"]*)"`)
	textField        = regexp.MustCompile(`<(?:textarea|input type="text")[^>]* name="(q_\d+)"`)
)

// problemLog reports the first few problems of a kind in full and counts the rest, so that a
// failure of every applicant does not print three hundred lines.
type problemLog struct{ n int }

func (p *problemLog) add(t *testing.T, format string, args ...any) {
	t.Helper()
	p.n++
	if p.n <= 10 {
		t.Errorf(format, args...)
	}
}

func (p *problemLog) summary(t *testing.T) {
	t.Helper()
	if p.n > 10 {
		t.Errorf("... and %d more problems like these", p.n-10)
	}
}

// submission is one applicant's attempt to apply, with its outcome.
type submission struct {
	email      string
	sent       bool // the form was taken: the page after it answered
	attempts   int
	afterCrash bool // the success came from a request that started after the kill
	err        error
}

// submit applies once, retrying against the restarted server. A POST the server never received
// (connection refused) is sent again as it was; one cut off in flight may have been stored, so
// the applicant starts over with a new form and a new email address, as a person would whose
// first try was lost (the first address may get a receipt but never saw a success page).
func submit(ctx context.Context, base, slug string, i int) submission {
	var s submission
	for {
		s.attempts++
		s.email = fmt.Sprintf("crash-%03d-%d@example.org", i, s.attempts)
		jar, _ := cookiejar.New(nil)
		client := &http.Client{
			Jar:           jar,
			Timeout:       20 * time.Second,
			Transport:     &http.Transport{DisableKeepAlives: true},
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
		form, err := retryRefused(ctx, func() (string, int, error) {
			return get(ctx, client, base+"/editions/"+slug+"/apply")
		})
		if isTransportError(err) {
			continue
		}
		if err != nil {
			s.err = fmt.Errorf("form: %w", err)
			return s
		}
		body, contentType, err := applicationBody(form, s.email)
		if err != nil {
			s.err = err
			return s
		}
		var location string
		started := time.Now()
		_, err = retryRefused(ctx, func() (string, int, error) {
			started = time.Now()
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/editions/"+slug+"/apply", bytes.NewReader(body))
			if err != nil {
				return "", 0, err
			}
			req.Header.Set("Content-Type", contentType)
			resp, err := client.Do(req)
			if err != nil {
				return "", 0, err
			}
			defer resp.Body.Close()
			page, err := io.ReadAll(resp.Body)
			if err != nil {
				return "", 0, err
			}
			if resp.StatusCode != http.StatusSeeOther {
				return "", resp.StatusCode, fmt.Errorf("POST answered %d: %.300s", resp.StatusCode, page)
			}
			location = resp.Header.Get("Location")
			return "", resp.StatusCode, nil
		})
		if isTransportError(err) {
			continue
		}
		if err != nil {
			s.err = err
			return s
		}
		if !sentLocation.MatchString(location) {
			s.err = fmt.Errorf("success redirect to %q", location)
			return s
		}
		s.sent = true
		s.afterCrash = started.After(killTime())
		return s
	}
}

// killedAt is when the test sent SIGKILL (Unix nanoseconds; zero before).
var killedAt atomic.Int64

func killTime() time.Time {
	if n := killedAt.Load(); n != 0 {
		return time.Unix(0, n)
	}
	return time.Unix(1<<40, 0) // the future: nothing started after a kill that has not happened
}

// retryRefused calls do until it gets through, while the server is down (connection refused),
// or ctx ends. A transport error other than a refusal is returned for the caller to judge.
func retryRefused(ctx context.Context, do func() (string, int, error)) (string, error) {
	for {
		body, status, err := do()
		if err == nil && status >= 500 {
			return body, fmt.Errorf("answered %d: %.300s", status, body)
		}
		if err == nil || !errors.Is(err, syscall.ECONNREFUSED) {
			return body, err
		}
		select {
		case <-ctx.Done():
			return "", fmt.Errorf("the server did not come back: %w", ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// isTransportError is a request cut off by the crash: reset, EOF, broken pipe. A timeout is
// not: the server hung.
func isTransportError(err error) bool {
	if err == nil {
		return false
	}
	if urlErr := (*url.Error)(nil); errors.As(err, &urlErr) {
		return !urlErr.Timeout()
	}
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

func get(ctx context.Context, client *http.Client, u string) (string, int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return "", 0, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return string(body), resp.StatusCode, err
}

// applicationBody fills the form as a person would: every required field, the first option of
// each extra choice question, a small PDF as the CV.
func applicationBody(form, email string) ([]byte, string, error) {
	f, err := testkit.ReadForm("the application form", form, "")
	if err != nil {
		return nil, "", err
	}
	csrf, openedAt := f.Values.Get("_csrf"), f.Values.Get("opened_at")
	if csrf == "" || openedAt == "" {
		return nil, "", fmt.Errorf("the form has no _csrf or opened_at: %.300s", form)
	}
	fields := [][2]string{
		{"_csrf", csrf}, {"opened_at", openedAt},
		{"given_name", "Crash"}, {"family_name", "Tester"}, {"email", email},
		{"date_of_birth", "1996-05-17"}, {"nationality", "CZ"}, {"residence", "CZ"},
		{"sector", "student"}, {"institution", "Charles University"},
		{"field_of_study", "Demography"}, {"highest_degree", "master"}, {"english_level", "c1"},
		{"motivation", "I study how people move and want to learn from the best in the field."},
		{"consent_processing", "yes"},
	}
	if strings.Contains(form, `name="attendance_mode"`) {
		fields = append(fields, [2]string{"attendance_mode", "in_person"})
	}
	answered := map[string]bool{}
	for _, m := range choiceField.FindAllStringSubmatch(form, -1) {
		if !answered[m[1]] {
			answered[m[1]] = true
			fields = append(fields, [2]string{m[1], html.UnescapeString(m[2])})
		}
	}
	for _, m := range textField.FindAllStringSubmatch(form, -1) {
		if !answered[m[1]] {
			answered[m[1]] = true
			fields = append(fields, [2]string{m[1], "An answer."})
		}
	}
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, f := range fields {
		if err := w.WriteField(f[0], f[1]); err != nil {
			return nil, "", err
		}
	}
	if strings.Contains(form, `name="cv"`) {
		part, err := w.CreatePart(map[string][]string{
			"Content-Disposition": {`form-data; name="cv"; filename="cv.pdf"`},
			"Content-Type":        {"application/pdf"},
		})
		if err != nil {
			return nil, "", err
		}
		part.Write(minimalPDF)
	}
	if err := w.Close(); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), w.FormDataContentType(), nil
}

// openSummerSchool finds, on the home page, the summer school whose call is open.
func openSummerSchool(t *testing.T, base string) string {
	t.Helper()
	client := &http.Client{Timeout: 10 * time.Second}
	home, status, err := get(context.Background(), client, base+"/")
	if err != nil || status != http.StatusOK {
		t.Fatalf("home page: %d, %v", status, err)
	}
	slugs := regexp.MustCompile(`href="/editions/(summer-school-[0-9][^"/?]*)"`).FindAllStringSubmatch(home, -1)
	var names []string
	for _, m := range slugs {
		names = append(names, m[1])
	}
	sort.Sort(sort.Reverse(sort.StringSlice(names)))
	for _, slug := range names {
		if _, status, err := get(context.Background(), client, base+"/editions/"+slug+"/apply"); err == nil && status == http.StatusOK {
			return slug
		}
	}
	t.Fatalf("no summer school on the home page takes applications (found %v)", names)
	return ""
}

// server is one run of the binary.
type server struct {
	cmd    *exec.Cmd
	exited chan struct{}
	log    *os.File
}

func buildBinary(t *testing.T, dir string) string {
	t.Helper()
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goTool); err != nil {
		goTool = "go"
	}
	bin := filepath.Join(dir, "registrar")
	cmd := exec.Command(goTool, "build", "-tags", "sqlite_fts5", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// registrarEnv is the test's environment without any REGISTRAR_* of the caller's, plus extra.
func registrarEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "REGISTRAR_") {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

func startServer(t *testing.T, bin string, env []string, logPath string) *server {
	t.Helper()
	s, err := launchServer(bin, env, logPath)
	if err != nil {
		logTail(t, logPath)
		t.Fatal(err)
	}
	return s
}

// launchServer starts the binary, appending its output to logPath, and waits for /healthz.
func launchServer(bin string, env []string, logPath string) (*server, error) {
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(logFile, "---- start %s\n", time.Now().Format(time.RFC3339Nano))
	cmd := exec.Command(bin, "serve")
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, err
	}
	s := &server{cmd: cmd, exited: make(chan struct{}), log: logFile}
	go func() { cmd.Wait(); close(s.exited) }()
	var addr string
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "REGISTRAR_ADDR="); ok {
			addr = v
		}
	}
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case <-s.exited:
			return nil, fmt.Errorf("the server exited during start: %v", cmd.ProcessState)
		default:
		}
		if _, status, err := get(context.Background(), client, "http://"+addr+"/healthz"); err == nil && status == http.StatusOK {
			return s, nil
		}
		if time.Now().After(deadline) {
			s.kill()
			return nil, errors.New("/healthz did not answer within 30 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// kill sends SIGKILL and waits for the process to go.
func (s *server) kill() {
	killedAt.CompareAndSwap(0, time.Now().UnixNano())
	_ = s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.exited
	s.log.Close()
}

// stop asks the server to shut down, as an operator would, and kills it if it does not.
func (s *server) stop() {
	select {
	case <-s.exited:
		return
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Signal(syscall.SIGKILL)
		<-s.exited
	}
	s.log.Close()
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func logTail(t *testing.T, path string) {
	data, err := os.ReadFile(path)
	if err != nil {
		return
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > 40 {
		lines = lines[len(lines)-40:]
	}
	t.Logf("server log (last %d lines):\n%s", len(lines), strings.Join(lines, "\n"))
}

// unfoldQuotedPrintable joins the soft line breaks of quoted-printable bodies, so that a link
// or reference split across lines can be found.
func unfoldQuotedPrintable(raw string) string {
	return strings.NewReplacer("=\r\n", "", "=\n", "").Replace(raw)
}

// A kill between the SMTP server's acceptance and the outbox marking the row sent makes the
// restarted worker send that row again, with the same Message-Id: mail systems take it for the
// same message. The test's inbox keeps every delivery; the test counts distinct messages and
// logs redeliveries.
var messageIDHeader = regexp.MustCompile(`(?im)^Message-Id:\s*(<[^>\r\n]+>)`)

// distinct is the raw text of msgs, one per Message-Id.
func distinct(msgs []testkit.Message) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range msgs {
		raw := string(m.Data)
		id := raw
		if h := messageIDHeader.FindStringSubmatch(raw); h != nil {
			id = h[1]
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, raw)
		}
	}
	return out
}

// receivedBy lists the distinct messages to addr.
func receivedBy(in *testkit.Inbox, addr string) []string { return distinct(in.To(addr)) }

// distinctPerRecipient is the number of distinct messages per recipient.
func distinctPerRecipient(in *testkit.Inbox) map[string]int {
	byTo := map[string][]testkit.Message{}
	for _, m := range in.Received() {
		for _, to := range m.To {
			to = strings.ToLower(strings.Trim(to, "<>"))
			byTo[to] = append(byTo[to], m)
		}
	}
	n := map[string]int{}
	for to, msgs := range byTo {
		n[to] = len(distinct(msgs))
	}
	return n
}

// deliveries counts every delivery to every recipient, repeats included.
func deliveries(in *testkit.Inbox) int {
	n := 0
	for _, m := range in.Received() {
		n += len(m.To)
	}
	return n
}
