package files

import (
	"bytes"
	"errors"
	"io"
	"mime/multipart"
	"strings"
	"testing"
)

func TestContentTypeIsToldFromTheBytes(t *testing.T) {
	pdf := []byte("%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF\n")
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"a PDF with a page inside", pdf, PDF},
		{"a PDF cut short", pdf[:len(pdf)-7], ""},
		{"a page", []byte("<html><script>alert(1)</script></html>"), "text/html; charset=utf-8"},
		{"a PNG", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "image/png"},
	} {
		if got := ContentType(tc.data, Tail(tc.data)); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestDispositionIsInlineOnlyForAPDF(t *testing.T) {
	for _, tc := range []struct {
		typ, name string
		inline    bool
		want      string
	}{
		// A file keeps the ending of the type it was checked for: saved and opened from disk, a
		// PDF named cv.html would open as a page.
		{PDF, "cv.html", true, "inline; filename=cv.pdf"},
		{PDF, "<img src=x onerror=alert(9)>.html", false, `attachment; filename="<img src=x onerror=alert(9)>.pdf"`},
		{PDF, "CV.PDF", false, "attachment; filename=CV.PDF"},
		{PDF, "cv", false, "attachment; filename=cv.pdf"},
		{"text/csv; charset=utf-8", "list.csv", false, "attachment; filename=list.csv"},
		{PDF, "cv.pdf", false, "attachment; filename=cv.pdf"},
		{"image/png", "map.png", true, "attachment; filename=map.png"},
		{PDF, "Životopis.pdf", false, "attachment; filename*=utf-8''%C5%BDivotopis.pdf"},
		{PDF, "a; b=c.pdf", false, `attachment; filename="a; b=c.pdf"`},
	} {
		if got := Disposition(tc.typ, tc.name, tc.inline); got != tc.want {
			t.Errorf("%s %q inline=%v: %q, want %q", tc.typ, tc.name, tc.inline, got, tc.want)
		}
	}
}

func TestReceiveKeepsOnlyWhatItTakes(t *testing.T) {
	pdf := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("0"), 100<<10)...)
	pdf = append(pdf, "\n%%EOF\n"...)
	if _, err := Receive(bytes.NewReader(pdf), int64(len(pdf)), int64(len(pdf))-1, PDF); !errors.Is(err, ErrTooLarge) {
		t.Errorf("a file one byte over: %v", err)
	}
	if _, err := Receive(strings.NewReader("<svg onload=alert(1)>"), 21, 1<<20, PDF); !errors.Is(err, ErrType) {
		t.Errorf("an SVG as a PDF: %v", err)
	}
	got, err := Receive(bytes.NewReader(pdf), int64(len(pdf)), int64(len(pdf)), PDF)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Data, pdf) || got.Size != int64(len(pdf)) || got.Type != PDF || len(got.Name) != 32 {
		t.Errorf("took %d bytes as %s, %d, %s", len(got.Data), got.Name, got.Size, got.Type)
	}
}

// form builds a multipart body with a field of fieldBytes and a file of fileBytes.
func form(t *testing.T, fieldBytes, fileBytes int) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if err := w.WriteField("motivation", strings.Repeat("m", fieldBytes)); err != nil {
		t.Fatal(err)
	}
	part, err := w.CreateFormFile("cv", "cv.pdf")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = part.Write(bytes.Repeat([]byte("0"), fileBytes))
	_ = w.Close()
	return buf.Bytes(), w.Boundary()
}

func TestSpoolHoldsFieldsNotFiles(t *testing.T) {
	body, boundary := form(t, 10<<10, 3<<20)
	for _, inMemory := range []int64{0, 1 << 10, 4 << 20} { // in a file, spilt into one, in memory
		f, err := Spool(bytes.NewReader(body), boundary, int64(len(body)), 64<<10, inMemory)
		if err != nil {
			t.Fatalf("a form with a 3 MB file and small fields: %v", err)
		}
		spooled, _ := io.ReadAll(f)
		if held, ok := f.InMemory(); ok != (inMemory > int64(len(body))) || (ok && !bytes.Equal(held, body)) {
			t.Errorf("held %d in memory: in memory %v", inMemory, ok)
		}
		f.Remove()
		if f.Size != int64(len(body)) || !bytes.Equal(spooled, body) {
			t.Errorf("held %d in memory: spooled %d bytes of %d, not the body", inMemory, f.Size, len(body))
		}
	}

	body, boundary = form(t, 200<<10, 10)
	if _, err := Spool(bytes.NewReader(body), boundary, int64(len(body)), 64<<10, 0); !errors.Is(err, ErrFields) {
		t.Errorf("a 200 KB field: %v", err)
	}
	header := "--b\r\nContent-Disposition: form-data; name=\"a\"; x=\"" + strings.Repeat("h", 1<<20) + "\"\r\n\r\nv\r\n--b--\r\n"
	if _, err := Spool(strings.NewReader(header), "b", int64(len(header)), 64<<10, 0); !errors.Is(err, ErrFields) {
		t.Errorf("a 1 MB part header: %v", err)
	}
	body, boundary = form(t, 10, 100<<10)
	if _, err := Spool(bytes.NewReader(body[:len(body)/2]), boundary, int64(len(body)), 64<<10, 0); !errors.Is(err, ErrUnreadable) {
		t.Errorf("a form that broke off: %v", err)
	}
}

// A body small enough to be held in memory, and so too small for its fields to pass the limit,
// is read whole without being parsed: the handlers parse it once.
func TestSpoolReadsASmallBodyWithoutParsingIt(t *testing.T) {
	body, boundary := form(t, 100, 200<<10)
	f, err := Spool(bytes.NewReader(body), boundary, int64(len(body)), 1<<20, 512<<10)
	if err != nil {
		t.Fatal(err)
	}
	if held, ok := f.InMemory(); !ok || !bytes.Equal(held, body) || f.Size != int64(len(body)) {
		t.Errorf("a 200 KB form: held in memory %v, %d bytes", ok, len(held))
	}
	// Not parsed: a body that is no form comes through, for the handlers to refuse.
	junk := bytes.Repeat([]byte("x"), 1000)
	if f, err := Spool(bytes.NewReader(junk), boundary, int64(len(junk)), 1<<20, 512<<10); err != nil || f.Size != 1000 {
		t.Errorf("1,000 bytes that are no form: %v, %d bytes", err, f.Size)
	}
	if _, err := Spool(bytes.NewReader(body[:len(body)/2]), boundary, int64(len(body)), 1<<20, 512<<10); !errors.Is(err, ErrUnreadable) {
		t.Errorf("a small form that broke off: %v", err)
	}
}
