package app

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// scriptInPDF passes the PDF check (it starts with %PDF- and ends with %%EOF) and is HTML in
// between: a browser that took it for HTML would run its script.
func scriptInPDF() []byte {
	return []byte("%PDF-1.4\n<html><body><script>fetch('/admin/').then(r => r.text()).then(alert)</script></body></html>\n%%EOF\n")
}

// wantSafeFile checks a stored file is served as a PDF, never as what its name says, with a
// disposition built from the name, never sniffed, and under a policy that runs nothing.
func wantSafeFile(t *testing.T, resp *http.Response, body, disposition, name string) {
	t.Helper()
	wantStatus(t, resp, body, http.StatusOK)
	if got := resp.Header.Get("Content-Type"); got != "application/pdf" {
		t.Errorf("Content-Type %q, want application/pdf", got)
	}
	if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("X-Content-Type-Options %q", got)
	}
	want := disposition + "; filename=" + name
	if got := resp.Header.Get("Content-Disposition"); got != want {
		t.Errorf("Content-Disposition %q, want %q", got, want)
	}
	csp := resp.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "script-src") {
		t.Errorf("Content-Security-Policy %q lets the file load or run something", csp)
	}
}

func TestCVNamedAsAPageIsServedAsAPDF(t *testing.T) {
	t.Parallel()
	f := newAdminFixture(t)
	ts := f.ts
	admin := signIn(t, ts, f.staff.admin.Email)
	for i, name := range []string{"cv.html", "cv.svg", "cv.xhtml"} {
		t.Run(name, func(t *testing.T) {
			v := ts.visitor()
			cv := formFile{Field: "cv", Name: name, Data: scriptInPDF()}
			token := v.applyOK(t, summerSlug, summerAnswers(t, ts, fmt.Sprintf("script%d@example.org", i)), cv)
			a := applicationOf(t, ts, token)

			// Its name keeps the ending of a PDF: saved and opened from disk, it is no page either.
			resp, body := v.get(t, fmt.Sprintf("/status/%s/files/%d", token, a.CVUploadID))
			wantSafeFile(t, resp, body, "attachment", "cv.pdf")
			if body != string(cv.Data) {
				t.Error("the applicant got another file")
			}

			staff := "/admin/applications/" + strconv.FormatInt(a.ID, 10) + "/files/" + strconv.FormatInt(a.CVUploadID, 10)
			resp, body = admin.get(t, staff)
			wantSafeFile(t, resp, body, "attachment", "cv.pdf")
			resp, body = admin.get(t, staff+"?inline=1")
			wantSafeFile(t, resp, body, "inline", "cv.pdf")
			if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'self'") {
				t.Errorf("the CV shown in the application page has policy %q", csp)
			}
		})
	}
}

func TestFileNamesOutsideASCIIAreKeptInTheDisposition(t *testing.T) {
	t.Parallel()
	ts := newFormServer(t)
	v := ts.visitor()
	token := v.applyOK(t, summerSlug, summerAnswers(t, ts, "zivotopis@example.org"), cvFile("Životopis nový.pdf"))
	a := applicationOf(t, ts, token)
	resp, body := v.get(t, fmt.Sprintf("/status/%s/files/%d", token, a.CVUploadID))
	wantStatus(t, resp, body, http.StatusOK)
	// Encoded as RFC 6266 says, so every browser saves it under its own name.
	want := "attachment; filename*=utf-8''%C5%BDivotopis%20nov%C3%BD.pdf"
	if got := resp.Header.Get("Content-Disposition"); got != want {
		t.Errorf("Content-Disposition %q, want %q", got, want)
	}
	resp, body = v.get(t, "/status/"+token+"/data.json")
	wantStatus(t, resp, body, http.StatusOK)
	wantDownload(t, resp, "attachment; filename="+strings.ToLower(a.Reference)+".json")
}

// TestEveryDownloadIsNeverSniffed walks the organisers' exports; the applicant's data export is
// checked above.
func TestEveryDownloadIsNeverSniffed(t *testing.T) {
	t.Parallel()
	f := newAdminFixture(t)
	ts := f.ts
	organiser := signIn(t, ts, f.staff.organiser.Email)
	edition := "/admin/editions/" + strconv.FormatInt(f.summer.ID, 10)
	for _, format := range []string{"csv", "xlsx"} {
		resp, body := organiser.get(t, edition+"/export."+format)
		wantStatus(t, resp, body, http.StatusOK)
		wantDownload(t, resp, "attachment; filename="+f.summer.Slug+"-applications."+format)
	}
}

// wantDownload checks a generated file is a download that is never sniffed and runs nothing.
func wantDownload(t *testing.T, resp *http.Response, disposition string) {
	t.Helper()
	if got := resp.Header.Get("Content-Disposition"); got != disposition {
		t.Errorf("Content-Disposition %q, want %q", got, disposition)
	}
	if resp.Header.Get("X-Content-Type-Options") != "nosniff" ||
		!strings.Contains(resp.Header.Get("Content-Security-Policy"), "default-src 'none'") {
		t.Errorf("served with %v", resp.Header)
	}
}
