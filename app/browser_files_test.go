package app

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"registrar/app/testkit"
)

// TestBrowserCVShowsInTheApplicationPage: the CV framed in the application page is drawn by
// Chromium's PDF viewer under the files' strict policy, and a CV that is also a page runs no
// script there.
func TestBrowserCVShowsInTheApplicationPage(t *testing.T) {
	f := newAdminFixture(t)
	ts := f.ts
	v := ts.visitor()
	token := v.applyOK(t, summerSlug, summerAnswers(t, ts, "framed@example.org"),
		formFile{Field: "cv", Name: "cv.html", Data: onePagePDF("Curriculum vitae")})
	a := applicationOf(t, ts, token)

	base := ts.listen(t)
	office := testkit.NewTab(t)
	browse(t, office, "sign in", chromedp.Navigate(base+"/admin/login"),
		chromedp.SendKeys(chromedp.CSS(`#email`), f.staff.organiser.Email), // an organiser needs no second factor
		chromedp.SendKeys(chromedp.CSS(`#password`), staffPassword),
		chromedp.Click(chromedp.CSS(`#main form[action="/admin/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#main`)))
	page := "/admin/applications/" + strconv.FormatInt(a.ID, 10)
	browse(t, office, "open the application", chromedp.Navigate(base+page), chromedp.WaitVisible(chromedp.CSS(`iframe.cv-frame`)))
	framed := evaluate[string](t, office, `(() => { const d = document.querySelector('iframe.cv-frame').contentDocument; return d ? d.contentType + ' ' + d.title + ' ' + d.querySelectorAll('script').length : 'none' })()`)
	if framed != "application/pdf  0" || evaluate[string](t, office, `document.title`) == "ran" {
		t.Errorf("the frame holds %q: the CV was read as a page", framed)
	}
	if got := viewerState(t, office); got != "pages=1" {
		t.Errorf("the PDF viewer in the application page shows %q, not the CV's one page", got)
	}
}

// viewerState waits for Chromium's PDF viewer in the tab (an extension frame of its own) to
// load its document, and says how many pages it drew or that it failed.
func viewerState(t testing.TB, ctx context.Context) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var viewer context.Context
	for viewer == nil && time.Now().Before(deadline) {
		targets, err := chromedp.Targets(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, target := range targets {
			if target.Type == "iframe" && strings.HasPrefix(target.URL, "chrome-extension://mhjfbmdgcfjbbpaeojofohoefgiehjai/") {
				var cancel context.CancelFunc
				viewer, cancel = chromedp.NewContext(ctx, chromedp.WithTargetID(target.TargetID))
				t.Cleanup(cancel) // closes the viewer's frame
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	for viewer != nil && time.Now().Before(deadline) {
		state, err := chromedp.Run(viewer, chromedp.Evaluate[string](`(() => {
			const v = document.querySelector('pdf-viewer');
			if (!v || !v.documentDimensions) return '';
			const err = v.shadowRoot.querySelector('viewer-error-dialog');
			if (err && err.checkVisibility()) return 'failed';
			return 'pages=' + v.documentDimensions.pageDimensions.length;
		})()`))
		if err != nil {
			t.Fatalf("read the PDF viewer: %v", err)
		}
		if state != "" {
			return state
		}
		time.Sleep(50 * time.Millisecond)
	}
	return "no PDF viewer"
}

// onePagePDF is a valid one-page PDF that says text, with a page's HTML and script in a
// comment: it passes the PDF check, and Chromium's viewer draws it.
func onePagePDF(text string) []byte {
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		"",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	stream := "BT /F1 24 Tf 72 760 Td (" + text + ") Tj ET"
	objects[3] = fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(stream), stream)
	var b strings.Builder
	b.WriteString("%PDF-1.4\n% <html><body><script>top.document.title='ran'</script></body></html>\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return []byte(b.String())
}
