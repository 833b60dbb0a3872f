package app

import (
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// holdBody opens a connection to base as a client at address ip (behind the trusted proxy),
// sends a request's head and a start of its body, and keeps the rest back until the test ends.
func holdBody(t *testing.T, base, ip, path, contentType string, length int) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	start := ""
	if contentType == multipartForm {
		start = cvPartStart
	}
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Real-IP: %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n%s%s",
		path, ip, contentType, length, start, strings.Repeat("x", 16<<10))
	return conn
}

// floodServer trusts the loopback as its proxy, so that each test client has its own address.
func floodServer(t *testing.T) *testServer {
	t.Helper()
	return newTestServerWith(t, func() time.Time { return demoNow }, func(c *Config) {
		c.ApplyLimit = 10000
		c.TrustedProxies = []string{"127.0.0.1", "0.0.0.0"}
		c.UploadWait = 300 * time.Millisecond
		c.UploadSilence = 500 * time.Millisecond
	})
}

const (
	multipartForm = "multipart/form-data; boundary=x"
	// cvPartStart opens a form's CV, whose bytes follow.
	cvPartStart = "--x\r\nContent-Disposition: form-data; name=\"cv\"; filename=\"cv.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n"
)

// TestOneAddressCannotTakeEveryUploadPlace: uploads that never end, all from one address, hold
// a few of the places to send files, not all of them; an applicant elsewhere still applies.
func TestOneAddressCannotTakeEveryUploadPlace(t *testing.T) {
	ts := floodServer(t)
	base := ts.listen(t)
	for range 10 {
		holdBody(t, base, "203.0.113.7", applyPath(summerSlug), multipartForm, 5<<20)
	}
	time.Sleep(500 * time.Millisecond)
	if n := len(ts.uploading); n > uploadsPerAddress {
		t.Errorf("one address holds %d places to send files, more than %d", n, uploadsPerAddress)
	}
	v := ts.visitor()
	v.ip = "198.51.100.9"
	v.applyOK(t, summerSlug, summerAnswers(t, ts, "elsewhere@example.org"), cvFile("cv.pdf"))
}

// TestAnUploadThatStopsLosesItsPlace: a body that stops arriving gives its place back after
// a short silence, not after the two minutes a whole upload may take.
func TestAnUploadThatStopsLosesItsPlace(t *testing.T) {
	ts := floodServer(t)
	base := ts.listen(t)
	holdBody(t, base, "203.0.113.7", applyPath(summerSlug), multipartForm, 5<<20)
	waitForUploads(t, ts, 1)
	start := time.Now()
	waitForUploads(t, ts, 0) // waits up to 10 s
	if took := time.Since(start); took > ts.cfg.UploadSilence+2*time.Second {
		t.Errorf("a silent upload kept its place for %v", took)
	}
}

// TestStrangersCannotSendFilesWhereOnlyStaffOrApplicantsMay: the routes that take files from a
// signed-in organiser or from an applicant's link take no more than any form from a stranger.
func TestStrangersCannotSendFilesWhereOnlyStaffOrApplicantsMay(t *testing.T) {
	ts := floodServer(t)
	base := ts.listen(t)
	for _, path := range []string{"/admin/editions/1/documents", "/status/" + strings.Repeat("A", 43) + "/edit"} {
		head := fmt.Sprintf("POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n%s", path, multipartForm, 5<<20, cvPartStart)
		resp, body := sendHeadOnly(t, base, head)
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("%s: a stranger's 5 MB got %d", path, resp.StatusCode)
		}
		wantText(t, body, "What you sent is too large")
	}
	if n := len(ts.uploading); n != 0 {
		t.Errorf("%d places to send files taken by strangers", n)
	}
}

// TestFormBodiesInFlightAreBounded: forms of almost a megabyte that never end hold a bounded
// amount of memory: from one address a few at once, from everyone no more than the budget; a
// form over it waits, then is asked to send again in the sender's language, and pages keep
// working.
func TestFormBodiesInFlightAreBounded(t *testing.T) {
	ts := floodServer(t)
	base := ts.listen(t)
	withdraw := "/status/" + strings.Repeat("A", 43) + "/withdraw"
	const form = "application/x-www-form-urlencoded"
	for range formsPerAddress {
		holdBody(t, base, "203.0.113.7", withdraw, form, 1000000)
	}
	time.Sleep(300 * time.Millisecond)
	head := fmt.Sprintf("POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Real-IP: 203.0.113.7\r\nContent-Type: %s\r\nContent-Length: 1000000\r\n\r\n", withdraw, form)
	resp, body := sendHeadOnly(t, base, head)
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("one more form from the same address: %d\n%.300s", resp.StatusCode, body)
	}
	wantText(t, body, "Many people are sending forms right now")

	for i := range bodyBudget/1000000 + 1 {
		holdBody(t, base, fmt.Sprintf("198.51.%d.%d", i/200, i%200+1), withdraw, form, 1000000)
	}
	time.Sleep(300 * time.Millisecond)
	head = strings.Replace(head, "203.0.113.7", "192.0.2.1", 1)
	resp, body = sendHeadOnly(t, base, strings.Replace(head, "Host:", "Accept-Language: cs\r\nHost:", 1))
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("a form over the budget: %d\n%.300s", resp.StatusCode, body)
	}
	wantText(t, body, "Právě teď posílá formuláře mnoho lidí")
	v := ts.visitor()
	v.ip = "192.0.2.2"
	if resp, body := v.get(t, "/editions"); resp.StatusCode != http.StatusOK {
		t.Errorf("the catalogue while forms hold the budget: %d\n%.300s", resp.StatusCode, body)
	}
}
