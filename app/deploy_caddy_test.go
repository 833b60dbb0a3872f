package app

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
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
	"strings"
	"testing"
	"time"

	"registrar/app/school"
	"registrar/app/testkit"
	"registrar/db"
)

// The server recipe in deploy/, tested: the real Caddy with deploy/Caddyfile, its own
// certificate authority standing in for Let's Encrypt, in front of Registrar configured as
// deploy/registrar.env says, and applicants who reach it only through HTTPS.

// caddyFront is Caddy serving deploy/Caddyfile on 127.0.0.1 over HTTPS, in front of the
// Registrar at upstream.
type caddyFront struct {
	base  string         // https://127.0.0.1:PORT
	roots *x509.CertPool // Caddy's own root certificate, which clients trust
}

// freePort is a loopback port nobody listens on now.
func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// startCaddy runs Caddy with deploy/Caddyfile until the test ends: its site is 127.0.0.1 on a
// port of the test's own instead of the school's name on 443, it proxies to upstream instead of
// 127.0.0.1:8080, and its certificates come from its internal authority. It keeps everything,
// certificates included, in the test's temporary folder.
func startCaddy(t testing.TB, httpsPort int, upstream string) caddyFront {
	t.Helper()
	caddy, err := exec.LookPath("caddy")
	if err != nil {
		if os.Getenv("CI") == "" {
			t.Skip("caddy is not installed (make test-deps installs it)")
		}
		t.Fatalf("caddy is needed for the HTTPS test in CI: %v", err)
	}
	recipe, err := os.ReadFile(filepath.Join("..", "deploy", "Caddyfile"))
	if err != nil {
		t.Fatal(err)
	}
	site := string(recipe)
	for _, r := range []struct{ old, new string }{
		{"registrar.school.example", "127.0.0.1"},
		{"127.0.0.1:8080", upstream},
	} {
		if !strings.Contains(site, r.old) {
			t.Fatalf("deploy/Caddyfile no longer names %s", r.old)
		}
		site = strings.ReplaceAll(site, r.old, r.new)
	}
	dir := t.TempDir()
	storage := filepath.Join(dir, "storage")
	config := fmt.Sprintf(`{
	admin off
	local_certs
	skip_install_trust
	storage file_system {
		root %s
	}
	http_port %d
	https_port %d
	auto_https disable_redirects
}
`, storage, freePort(t), httpsPort) + site
	path := filepath.Join(dir, "Caddyfile")
	if err := os.WriteFile(path, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(caddy, "run", "--adapter", "caddyfile", "--config", path)
	cmd.Env = append(os.Environ(), "HOME="+dir, "XDG_CONFIG_HOME="+dir, "XDG_DATA_HOME="+dir)
	logs, exited := startProgram(t, "Caddy", cmd)

	// Caddy writes its root certificate, then issues the site's; the site answers once both are.
	front := caddyFront{base: fmt.Sprintf("https://127.0.0.1:%d", httpsPort)}
	rootFile := filepath.Join(storage, "pki", "authorities", "local", "root.crt")
	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case <-exited:
			t.Fatalf("caddy stopped:\n%s", logs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("caddy did not serve %s within 30 s:\n%s", front.base, logs.String())
		}
		if pem, err := os.ReadFile(rootFile); err == nil {
			front.roots = x509.NewCertPool()
			if !front.roots.AppendCertsFromPEM(pem) {
				t.Fatalf("%s holds no certificate", rootFile)
			}
			resp, err := front.client("127.0.0.1").Get(front.base + "/healthz")
			if err == nil {
				resp.Body.Close()
				return front
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// client is a browser connecting from the loopback address from (any of 127.0.0.0/8), which
// trusts Caddy's authority, keeps cookies and shows redirects rather than following them.
func (f caddyFront) client(from string) *http.Client {
	jar, _ := cookiejar.New(nil)
	dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: 5 * time.Second}
	return &http.Client{
		Jar:     jar,
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			DialContext:       dialer.DialContext,
			TLSClientConfig:   &tls.Config{RootCAs: f.roots, MinVersion: tls.VersionTLS12},
			ForceAttemptHTTP2: true,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// httpsApplicant is one person applying through Caddy from their own address.
type httpsApplicant struct {
	front  caddyFront
	client *http.Client
	// claims are headers the applicant adds to every form, such as an address of their choosing.
	claims map[string]string
}

// get opens a page and returns the answer with its body read.
func (a httpsApplicant) get(t testing.TB, path string) (*http.Response, string) {
	t.Helper()
	resp, err := a.client.Get(a.front.base + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

// send sends the form with changes and files as multipart/form-data, from its page.
func (a httpsApplicant) send(t testing.TB, f testkit.Form, change url.Values, files ...formFile) (*http.Response, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, vs := range f.With(change) {
		for _, v := range vs {
			_ = w.WriteField(k, v)
		}
	}
	for _, file := range files {
		part, err := w.CreateFormFile(file.Field, file.Name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = part.Write(file.Data)
	}
	_ = w.Close()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, a.front.base+f.Action, &buf)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Referer", a.front.base+f.Page)
	req.Header.Set("Origin", a.front.base)
	for name, value := range a.claims {
		req.Header.Set(name, value)
	}
	resp, err := a.client.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", f.Action, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

// openForm opens the edition's application form, checking the page is served as over HTTPS.
func (a httpsApplicant) openForm(t testing.TB, slug string) testkit.Form {
	t.Helper()
	resp, body := a.get(t, applyPath(slug))
	wantStatus(t, resp, body, http.StatusOK)
	wantHTTPSAnswer(t, resp)
	return testkit.FormOn(t, applyPath(slug), body, applyPath(slug))
}

// wantHTTPSAnswer checks an answer tells the browser to keep to HTTPS and sets only cookies a
// browser sends over HTTPS alone.
func wantHTTPSAnswer(t testing.TB, resp *http.Response) {
	t.Helper()
	if hsts := resp.Header.Get("Strict-Transport-Security"); !strings.Contains(hsts, "max-age=31536000") {
		t.Errorf("%s %s: Strict-Transport-Security is %q", resp.Request.Method, resp.Request.URL.Path, hsts)
	}
	for _, c := range resp.Cookies() {
		if !c.Secure || !c.HttpOnly || !strings.HasPrefix(c.Name, "__Host-") {
			t.Errorf("%s %s: cookie %s is set without Secure, HttpOnly and the __Host- prefix: %s",
				resp.Request.Method, resp.Request.URL.Path, c.Name, c.Raw)
		}
	}
}

// deploySettings are the settings deploy/registrar.env gives, by name.
func deploySettings(t testing.TB) map[string]string {
	t.Helper()
	text, err := os.ReadFile(filepath.Join("..", "deploy", "registrar.env"))
	if err != nil {
		t.Fatal(err)
	}
	settings := map[string]string{}
	for _, line := range strings.Split(string(text), "\n") {
		if name, value, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
			settings[name] = value
		}
	}
	return settings
}

// httpsLinkEmailedTo is the secret of the status link in the newest email queued to address,
// which must lead to the public address base.
func httpsLinkEmailedTo(t testing.TB, ts *testServer, base, address string) string {
	t.Helper()
	msgs, err := ts.store.OutboxMessages(context.Background(), db.OutboxFilter{Scope: db.EmailScope{Editions: school.AllEditions()}, Limit: 1 << 30})
	if err != nil {
		t.Fatal(err)
	}
	link := regexp.MustCompile(regexp.QuoteMeta(base) + `/status/([A-Za-z0-9_-]{43})`)
	for _, m := range msgs { // newest first
		if strings.EqualFold(m.To, address) {
			if found := link.FindStringSubmatch(m.Text); found != nil {
				return found[1]
			}
			t.Fatalf("the email to %s has no status link to %s:\n%s", address, base, m.Text)
		}
	}
	t.Fatalf("no email to %s", address)
	return ""
}

func TestApplyingThroughCaddyOverHTTPS(t *testing.T) {
	t.Parallel()
	httpsPort := freePort(t)
	settings := deploySettings(t)
	if settings["REGISTRAR_ADDR"] != "127.0.0.1:8080" {
		t.Fatalf("deploy/registrar.env listens on %q, not where deploy/Caddyfile sends requests", settings["REGISTRAR_ADDR"])
	}
	// As deploy/registrar.env configures it, at the test's address, with a limit of two forms
	// a minute.
	ts := newTestServerWith(t, func() time.Time { return demoNow }, func(c *Config) {
		c.BaseURL = strings.Replace(settings["REGISTRAR_BASE_URL"], "registrar.school.example",
			fmt.Sprintf("127.0.0.1:%d", httpsPort), 1)
		c.TrustedProxies = strings.Split(settings["REGISTRAR_TRUSTED_PROXIES"], ",")
		c.ApplyLimit = 2
	})
	upstream := strings.TrimPrefix(ts.listen(t), "http://")
	front := startCaddy(t, httpsPort, upstream)

	// Two applicants, each from an address of their own: Caddy is the only one Registrar sees.
	first := httpsApplicant{front: front, client: front.client("127.0.0.1")}
	second := httpsApplicant{front: front, client: front.client("127.0.0.2")}

	f := first.openForm(t, summerSlug)
	cv := cvFile("amina-cv.pdf")
	resp, body := first.send(t, f, summerAnswers(t, ts, "amina@example.org"), cv)
	formSent(t, resp, body)
	wantHTTPSAnswer(t, resp)
	token := httpsLinkEmailedTo(t, ts, front.base, "amina@example.org")
	a := applicationOf(t, ts, token)
	if a.CVUploadID == 0 {
		t.Fatal("the application was stored without its CV")
	}
	resp, body = first.get(t, fmt.Sprintf("/status/%s/files/%d", token, a.CVUploadID))
	wantStatus(t, resp, body, http.StatusOK)
	if body != string(cv.Data) {
		t.Error("the CV downloaded through HTTPS is not the file sent")
	}

	// The first applicant's second form is counted, the third slowed down (forms of their own:
	// the form sent already, sent again, would only lead to the page after sending)…
	again := url.Values{"given_name": {""}, "submission_key": {""}}
	resp, body = first.send(t, f, again)
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	resp, body = first.send(t, f, again)
	wantStatus(t, resp, body, http.StatusTooManyRequests)
	// …even when claiming to be someone else: Caddy replaces what the client says.
	pretender := first
	pretender.claims = map[string]string{"X-Real-IP": "203.0.113.9", "X-Forwarded-For": "203.0.113.9"}
	resp, body = pretender.send(t, f, again)
	wantStatus(t, resp, body, http.StatusTooManyRequests)

	// …while the second applicant, behind the same Caddy, applies as if nobody else had.
	g := second.openForm(t, summerSlug)
	resp, body = second.send(t, g, summerAnswers(t, ts, "jan@example.org"), cvFile("jan-cv.pdf"))
	formSent(t, resp, body)
	wantHTTPSAnswer(t, resp)
}
