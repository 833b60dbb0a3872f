package app

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// sendHeadOnly opens a connection to base, sends a request's head and the first 16 KB of its
// body, never the rest, and reads the answer: a server that waited for the whole body gives none.
// (fasthttp reads up to 8 KB of a body before it hands the request over.)
func sendHeadOnly(t *testing.T, base, head string) (*http.Response, string) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte(head + strings.Repeat("x", 16<<10))); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer before the body was sent: %v", err)
	}
	var body strings.Builder
	_, _ = bufio.NewReader(resp.Body).WriteTo(&body)
	resp.Body.Close()
	return resp, body.String()
}

func TestALargeBodyIsRefusedBeforeItIsRead(t *testing.T) {
	t.Parallel()
	ts := newFormServer(t)
	base := ts.listen(t)
	for _, tc := range []struct{ lang, path, want string }{
		{"en", "/no-such-page", "What you sent is too large"},
		{"cs", "/no-such-page", "Odeslaná data jsou příliš velká"},
		// A form without files takes 1 MB at most, however large the apply form's limit.
		{"en", "/status/lost", "What you sent is too large"},
		{"en", applyPath(summerSlug), "What you sent is too large"},
		// Where files are taken, a form that cannot carry them (urlencoded) is held to 1 MB.
		{"en", applyPath(summerSlug) + "?urlencoded", "What you sent is too large"},
	} {
		t.Run(tc.lang+tc.path, func(t *testing.T) {
			size := 30 << 20
			if tc.path == "/status/lost" {
				size = 2 << 20
			}
			if tc.path == applyPath(summerSlug) {
				size = 200 << 20
			}
			typ := "multipart/form-data; boundary=x"
			if path, ok := strings.CutSuffix(tc.path, "?urlencoded"); ok {
				tc.path, size, typ = path, 2<<20, "application/x-www-form-urlencoded"
			}
			resp, body := sendHeadOnly(t, base, fmt.Sprintf("POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"+
				"Content-Type: %s\r\nContent-Length: %d\r\nAccept-Language: %s\r\n\r\n", tc.path, typ, size, tc.lang))
			wantStatus(t, resp, body, http.StatusRequestEntityTooLarge)
			wantText(t, body, tc.want)
			if !resp.Close {
				t.Error("the connection stays open with the body unread")
			}
		})
	}
	t.Run("a body without a length", func(t *testing.T) {
		resp, body := sendHeadOnly(t, base, "POST /status/lost HTTP/1.1\r\nHost: 127.0.0.1\r\n"+
			"Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n4000\r\n")
		wantStatus(t, resp, body, http.StatusLengthRequired)
		wantText(t, body, "Your browser sent the form without its size")
	})
	t.Run("a compressed body, which could unpack to any size", func(t *testing.T) {
		resp, body := sendHeadOnly(t, base, fmt.Sprintf("POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"+
			"Content-Type: multipart/form-data; boundary=x\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n",
			applyPath(summerSlug), 1<<20))
		wantStatus(t, resp, body, http.StatusUnsupportedMediaType)
		wantText(t, body, "Your browser sent the form compressed")
	})
}

func TestAFormThatBreaksOffSaysSo(t *testing.T) {
	t.Parallel()
	ts := newFormServer(t)
	v := ts.visitor()
	f := v.openForm(t, applyPath(summerSlug), applyPath(summerSlug))
	base := ts.listen(t)
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var cookies []string
	for name, value := range v.cookies {
		cookies = append(cookies, name+"="+value)
	}
	part := "--x\r\nContent-Disposition: form-data; name=\"cv\"; filename=\"cv.pdf\"\r\n\r\n%PDF-1.4\n" + strings.Repeat("0", 100<<10)
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: %s\r\nContent-Type: multipart/form-data; boundary=x\r\n"+
		"Content-Length: %d\r\n\r\n%s", f.Action, strings.Join(cookies, "; "), 3<<20, part)
	conn.(*net.TCPConn).CloseWrite() // the connection drops before the rest, the CSRF token included
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer: %v", err)
	}
	var body strings.Builder
	_, _ = bufio.NewReader(resp.Body).WriteTo(&body)
	wantStatus(t, resp, body.String(), http.StatusBadRequest)
	wantText(t, body.String(), "The form could not be read. Reload the page and try again.")
}

// A form small enough to be held in memory is parsed once, by the handlers: one that is not a
// form at all, or that breaks off, is still refused as unreadable.
func TestASmallFormThatIsNoFormSaysSo(t *testing.T) {
	t.Parallel()
	ts := newFormServer(t)
	v := ts.visitor()
	f := v.openForm(t, applyPath(summerSlug), applyPath(summerSlug))
	base := ts.listen(t)
	var cookies []string
	for name, value := range v.cookies {
		cookies = append(cookies, name+"="+value)
	}
	for _, tc := range []struct {
		name, body string
		length     int
	}{
		{"no form", strings.Repeat("x", 200<<10), 200 << 10},
		{"broken off", "--x\r\nContent-Disposition: form-data; name=\"cv\"; filename=\"cv.pdf\"\r\n\r\n%PDF-1.4\n" +
			strings.Repeat("0", 100<<10), 200 << 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: %s\r\nContent-Type: multipart/form-data; boundary=x\r\n"+
				"Content-Length: %d\r\n\r\n%s", f.Action, strings.Join(cookies, "; "), tc.length, tc.body)
			conn.(*net.TCPConn).CloseWrite()
			_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatalf("no answer: %v", err)
			}
			var body strings.Builder
			_, _ = bufio.NewReader(resp.Body).WriteTo(&body)
			wantStatus(t, resp, body.String(), http.StatusBadRequest)
			wantText(t, body.String(), "The form could not be read. Reload the page and try again.")
		})
	}
}

func TestAFormOfAMegabyteStillWorks(t *testing.T) {
	t.Parallel()
	ts := newFormServer(t)
	v := ts.visitor()
	f := v.openForm(t, "/status/lost", "/status/lost")
	values := f.With(url.Values{"email": {"nobody@example.org"}, "pad": {strings.Repeat("x", 900<<10)}})
	req := httptest.NewRequest(http.MethodPost, "/status/lost", strings.NewReader(values.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Referer", "http://example.com/status/lost")
	resp, body, err := v.send(req)
	if err != nil {
		t.Fatal(err)
	}
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "a new link is on its way")
}

// waitForUploads waits until n requests hold a place to send files.
func waitForUploads(t *testing.T, ts *testServer, n int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); len(ts.uploading) != n; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d requests send files, want %d", len(ts.uploading), n)
		}
	}
}

func TestUploadsBeyondTheBoundWaitThenGetAMessage(t *testing.T) {
	t.Parallel()
	ts := newTestServerWith(t, func() time.Time { return demoNow }, func(c *Config) {
		c.ApplyLimit = 10000
		c.Uploads = 1
		c.UploadWait = 200 * time.Millisecond
	})
	base := ts.listen(t)
	// One upload holds the only place: its head and a start are sent, its body never ends.
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: %d\r\n\r\n--x\r\n%s",
		applyPath(summerSlug), 3<<20, strings.Repeat("x", 16<<10))
	waitForUploads(t, ts, 1)

	v := ts.visitor()
	f := v.openForm(t, applyPath(summerSlug)+"?lang=cs", applyPath(summerSlug))
	resp, body := v.submit(t, f, summerAnswers(t, ts, "waiting@example.org"), cvFile("cv.pdf"))
	wantStatus(t, resp, body, http.StatusServiceUnavailable)
	wantText(t, body, "Právě teď posílá soubory mnoho lidí")
	noApplication(t, ts, "waiting@example.org")

	conn.Close() // the place is free again
	waitForUploads(t, ts, 0)
	v.applyOK(t, summerSlug, summerAnswers(t, ts, "waiting@example.org"), cvFile("cv.pdf"))
}

// TestFieldsOfAFormWithFilesAreHeldToAMegabyte: the apply form takes 40 MB for its files, but its
// other fields, which the server holds in memory to read them, no more than any form's 1 MB.
func TestFieldsOfAFormWithFilesAreHeldToAMegabyte(t *testing.T) {
	t.Parallel()
	ts := newFormServer(t)
	v := ts.visitor()
	f := v.openForm(t, applyPath(summerSlug)+"?lang=cs", applyPath(summerSlug))
	answers := summerAnswers(t, ts, "long-fields@example.org")
	answers.Set("motivation", strings.Repeat("Chci studovat migraci. ", 50000))
	resp, body := v.submit(t, f, answers, cvFile("cv.pdf"))
	wantStatus(t, resp, body, http.StatusRequestEntityTooLarge)
	wantText(t, body, "Odeslaná data jsou příliš velká")
	noApplication(t, ts, "long-fields@example.org")
}
