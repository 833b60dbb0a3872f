package main

// Continuous replication (issue 13): Registrar beside the real Litestream with the repository's
// config and a file replica; a SIGKILL, the data folder gone, `litestream restore`, and every
// acknowledged application is back, with the CV its applicant sent.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"registrar/app/testkit"
)

// litestreamBinary is the Litestream that `make litestream` installs (make test does); a test
// run by hand without it is skipped, but on CI a missing binary fails.
func litestreamBinary(t *testing.T) string {
	t.Helper()
	bin, err := filepath.Abs(filepath.Join("..", "..", "tools", "bin", "litestream"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(bin); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("Litestream is not installed at %s: make test installs it (make litestream)", bin)
		}
		t.Skipf("Litestream is not installed at %s: run make litestream", bin)
	}
	return bin
}

// litestreamConfig is the repository's config, deploy/litestream.yml.
func litestreamConfig(t *testing.T) string {
	t.Helper()
	path, err := filepath.Abs(filepath.Join("..", "..", "deploy", "litestream.yml"))
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// startLitestream runs `litestream replicate` on the data folder of env until the test ends.
func startLitestream(t *testing.T, bin string, env []string, logPath string) *exec.Cmd {
	t.Helper()
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "replicate", "-config", litestreamConfig(t))
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); logFile.Close(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})
	return cmd
}

func TestAReplicaRestoredAfterALostDiskHoldsEveryAcknowledgedApplication(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the real binaries; skipped with -short")
	}
	if runtime.GOOS == "windows" {
		t.Skip("needs SIGKILL")
	}
	litestream := litestreamBinary(t)
	dir := t.TempDir()
	bin := buildBinary(t, dir)
	data, replica := filepath.Join(dir, "data"), filepath.Join(dir, "replica")
	addr := freeAddr(t)
	env := registrarEnv(
		"REGISTRAR_DATA="+data,
		"LITESTREAM_REPLICA="+replica,
		"REGISTRAR_LITESTREAM=1",
		"REGISTRAR_DEMO=1",
		"REGISTRAR_ADDR="+addr,
		"REGISTRAR_BASE_URL=http://"+addr,
		"REGISTRAR_APPLY_LIMIT=100000",
	)
	logPath, litestreamLog := filepath.Join(dir, "server.log"), filepath.Join(dir, "litestream.log")
	defer func() {
		if t.Failed() {
			logTail(t, logPath)
			logTail(t, litestreamLog)
		}
	}()
	srv := startServer(t, bin, env, logPath)
	t.Cleanup(func() { srv.stop() })
	replicating := startLitestream(t, litestream, env, litestreamLog)
	// The operator's one copy of the secret key, kept away from the server.
	secret, err := os.ReadFile(filepath.Join(data, "secret.key"))
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + addr
	slug := openSummerSchool(t, base)

	// Applicants apply, each with a CV of their own, until the server dies.
	const applicants, workers = 40, 4
	cvs := map[string][]byte{}
	var mu sync.Mutex
	jobs := make(chan int)
	var wg sync.WaitGroup
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				email := fmt.Sprintf("replicated-%03d@example.org", i)
				cv := append(bytes.Clone(minimalPDF), fmt.Sprintf("%% the CV of %s\n", email)...)
				if err := applyWithCV(ctx, base, slug, email, cv); err != nil {
					t.Errorf("%s: %v", email, err)
					continue
				}
				mu.Lock()
				cvs[email] = cv
				mu.Unlock()
			}
		}()
	}
	for i := range applicants {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if t.Failed() {
		return
	}

	// Registrar finds the Litestream beside it on its socket in the data folder and, once
	// Litestream has caught up (on this busy machine its first sync may come seconds late), says
	// replication is healthy.
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		health, status, err := get(ctx, http.DefaultClient, base+"/healthz")
		if err == nil && status == http.StatusOK && strings.Contains(health, `"replication":"ok"`) {
			break
		}
		if time.Now().After(deadline) {
			t.Errorf("/healthz with Litestream running answers %d (%v): %s", status, err, health)
			break
		}
	}

	// The disk is lost: the server dies at once; Litestream gets its sync interval to send what
	// it saw, then dies too, and the data folder goes.
	srv.kill()
	time.Sleep(2 * time.Second)
	_ = replicating.Process.Kill()
	if err := os.RemoveAll(data); err != nil {
		t.Fatal(err)
	}

	// The operator restores the database from the replica, puts the key back and starts.
	restore := exec.Command(litestream, "restore", "-config", litestreamConfig(t), filepath.Join(data, "registrar.db"))
	restore.Env = env
	if out, err := restore.CombinedOutput(); err != nil {
		t.Fatalf("litestream restore: %v\n%s", err, out)
	}
	if err := os.WriteFile(filepath.Join(data, "secret.key"), secret, 0o600); err != nil {
		t.Fatal(err)
	}
	srv = startServer(t, bin, env, logPath)

	// An organiser finds every acknowledged application and opens its CV.
	organiser := signInOrganiser(t, base)
	edition := editionOf(t, organiser, base, firstKey(cvs))
	var problems problemLog
	for email, cv := range cvs {
		list, status, err := get(ctx, organiser, base+"/admin/editions/"+edition+"/applications?q="+url.QueryEscape(email))
		application := regexp.MustCompile(`href="(/admin/applications/\d+)"`).FindStringSubmatch(list)
		if err != nil || status != http.StatusOK || application == nil {
			problems.add(t, "%s: the restored application list does not show the application (%d, %v)", email, status, err)
			continue
		}
		page, _, err := get(ctx, organiser, base+application[1])
		file := regexp.MustCompile(`/admin/applications/\d+/files/\d+`).FindString(page)
		if err != nil || file == "" || !strings.Contains(page, email) {
			problems.add(t, "%s: the restored application page %s has no CV link (%v)", email, application[1], err)
			continue
		}
		got, status, err := get(ctx, organiser, base+file)
		if err != nil || status != http.StatusOK || got != string(cv) {
			problems.add(t, "%s: the CV at %s answered %d (%v) with %d bytes, not the %d the applicant sent",
				email, file, status, err, len(got), len(cv))
		}
	}
	problems.summary(t)
}

// applyWithCV sends the application form of slug once, with cv as the CV, and checks the answer
// is the success page: the application is acknowledged.
func applyWithCV(ctx context.Context, base, slug, email string, cv []byte) error {
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: 20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	form, status, err := get(ctx, client, base+"/editions/"+slug+"/apply")
	if err != nil || status != http.StatusOK {
		return fmt.Errorf("form: %d, %v", status, err)
	}
	body, contentType, err := applicationBodyWithCV(form, email, cv)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/editions/"+slug+"/apply", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", contentType)
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	page, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusSeeOther || !sentLocation.MatchString(resp.Header.Get("Location")) {
		return fmt.Errorf("the form answered %d, %q: %.300s", resp.StatusCode, resp.Header.Get("Location"), page)
	}
	return nil
}

// applicationBodyWithCV is applicationBody with the CV's bytes given.
func applicationBodyWithCV(form, email string, cv []byte) ([]byte, string, error) {
	body, contentType, err := applicationBody(form, email)
	if err != nil {
		return nil, "", err
	}
	if !bytes.Contains(body, minimalPDF) {
		return nil, "", fmt.Errorf("the form asks for no CV")
	}
	return bytes.Replace(body, minimalPDF, cv, 1), contentType, nil
}

// signInOrganiser signs the demo organiser in and returns their browser.
func signInOrganiser(t *testing.T, base string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: 20 * time.Second}
	page, status, err := get(context.Background(), client, base+"/admin/login")
	if err != nil || status != http.StatusOK {
		t.Fatalf("login page: %d, %v", status, err)
	}
	f, err := testkit.ReadForm("the login page", page, "/admin/login")
	if err != nil {
		t.Fatal(err)
	}
	f.Values.Set("email", demoEmail)
	f.Values.Set("password", demoPassword)
	resp, err := client.PostForm(base+"/admin/login", f.Values)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Request.URL.Path, "/admin") || resp.Request.URL.Path == "/admin/login" {
		t.Fatalf("signing in as the demo organiser ended on %s with %d", resp.Request.URL, resp.StatusCode)
	}
	return client
}

// editionOf is the id of the edition in the back office whose applications include email's.
func editionOf(t *testing.T, organiser *http.Client, base, email string) string {
	t.Helper()
	dashboard, _, err := get(context.Background(), organiser, base+"/admin")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile(`href="/admin/editions/(\d+)"`).FindAllStringSubmatch(dashboard, -1) {
		list, _, err := get(context.Background(), organiser, base+"/admin/editions/"+m[1]+"/applications?q="+url.QueryEscape(email))
		if err == nil && strings.Contains(list, `href="/admin/applications/`) {
			return m[1]
		}
	}
	t.Fatalf("no edition on the back office's dashboard lists %s", email)
	return ""
}

func firstKey(m map[string][]byte) string {
	for k := range m {
		return k
	}
	return ""
}
