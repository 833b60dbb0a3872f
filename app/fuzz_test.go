package app

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/xuri/excelize/v2"
	"golang.org/x/net/html"
)

// Fuzz targets: `make fuzz` runs each for a while; `go test` runs their seeds (testdata/fuzz).

// FuzzApplicationForm sends any body to the parser and validator of the demo summer school's
// form: nothing panics, and what they accept is text the rest of Registrar can hold.
func FuzzApplicationForm(f *testing.F) {
	ts := newFormServer(f)
	fe, err := ts.formEdition(context.Background(), summerSlug)
	if err != nil {
		f.Fatal(err)
	}
	e, questions := fe.edition, fe.questions
	web := fiber.New(fiber.Config{Immutable: true})
	web.Post("/", func(c *fiber.Ctx) error {
		L := ts.i18n.Translator("en")
		var errs formErrors
		form := parseApplyForm(c, questions, &errs)
		ts.validateApplyForm(&form, e, questions, demoNow, L, &errs)
		if !errs.empty() {
			return c.SendStatus(fiber.StatusUnprocessableEntity)
		}
		a := form.application(e, questions, "en", demoNow)
		for name, v := range map[string]string{"given_name": a.GivenName, "family_name": a.FamilyName,
			"email": a.Email, "institution": a.Institution, "referee_name": a.RefereeName,
			"dietary": a.Dietary} {
			if !utf8.ValidString(v) || strings.ContainsRune(v, 0) || !singleLine(v) || v != strings.TrimSpace(v) {
				return c.Status(fiber.StatusInternalServerError).SendString("accepted " + name + ": " + v)
			}
		}
		if a.GivenName == "" || !strings.Contains(a.Email, "@") || !ts.countries.valid(a.Nationality) ||
			!utf8.ValidString(a.Motivation) {
			return c.Status(fiber.StatusInternalServerError).SendString("accepted an incomplete form")
		}
		for _, ans := range a.Answers {
			if !utf8.ValidString(ans.Value) {
				return c.Status(fiber.StatusInternalServerError).SendString("accepted an answer that is not UTF-8")
			}
		}
		return c.SendStatus(fiber.StatusOK)
	})
	f.Add(summerAnswers(f, ts, "fuzz@example.org").Encode())
	f.Add("given_name=%0A&email=a%40b")
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		req.Header.Set(fiber.HeaderContentType, fiber.MIMEApplicationForm)
		resp, err := web.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode == fiber.StatusInternalServerError {
			var msg bytes.Buffer
			_, _ = msg.ReadFrom(resp.Body)
			t.Fatalf("%s\nfor the body %q", msg.String(), body)
		}
	})
}

// FuzzPDFCheck: a file passes as a PDF only when it begins as one and ends with %%EOF.
func FuzzPDFCheck(f *testing.F) {
	f.Add(minimalPDF("seed"))
	f.Add([]byte("%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF"))
	f.Add([]byte("%%EOF"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if !isPDF(data) {
			return
		}
		if !bytes.HasPrefix(data, []byte("%PDF-")) || !bytes.Contains(data[max(0, len(data)-2048):], []byte("%%EOF")) {
			t.Errorf("accepted as a PDF: %q", data)
		}
	})
}

// dangerousURL reports whether a link or source would run script or carry a document of its own.
func dangerousURL(v string) bool {
	v = strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f {
			return -1
		}
		return r
	}, strings.ToLower(v))
	return strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "vbscript:") || strings.HasPrefix(v, "data:")
}

// FuzzMarkdown renders any Markdown through the sanitiser: no element, attribute or link in the
// result runs script.
func FuzzMarkdown(f *testing.F) {
	m := newMarkdown()
	for _, seed := range []string{"# Title\n\n*Lists* and [links](https://example.org).",
		"<script>alert(1)</script>", "[x](javascript:alert(1))", "[x](JaVaScRiPt&#58;alert(1))",
		"![x](data:text/html;base64,PHNjcmlwdD4=)", `<a href="javascript:alert(1)" onclick="x()">y</a>`,
		"<img src=x onerror=alert(1)>", "<svg><script>alert(1)</script></svg>", "[a]: java\tscript:alert(1)\n\n[a]",
		"<iframe src=//evil></iframe>", "<style>*{}</style>", "`<script>`"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, source string) {
		out := string(m.render(source))
		doc, err := html.Parse(strings.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		var walk func(n *html.Node)
		walk = func(n *html.Node) {
			if n.Type == html.ElementNode {
				switch n.Data {
				case "script", "style", "iframe", "object", "embed", "form", "input", "button", "svg", "math",
					"base", "meta", "link", "frame", "frameset", "textarea", "select":
					t.Fatalf("<%s> survives in %q\nfrom %q", n.Data, out, source)
				}
				for _, a := range n.Attr {
					key := strings.ToLower(a.Key)
					if strings.HasPrefix(key, "on") || key == "style" || key == "srcdoc" || key == "formaction" {
						t.Fatalf("the attribute %s survives in %q\nfrom %q", a.Key, out, source)
					}
					if (key == "href" || key == "src" || key == "action" || key == "xlink:href" || key == "cite") && dangerousURL(a.Val) {
						t.Fatalf("the link %q survives in %q\nfrom %q", a.Val, out, source)
					}
				}
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(doc)
	})
}

// formulaStart is what makes a spreadsheet read a cell as a formula.
const formulaStart = "=+-@\t\r"

// FuzzExportCells: no value typed by an applicant becomes a formula in a CSV export, every value
// comes back from the CSV as defused, and from the XLSX as typed, as text, less the characters
// XML cannot hold (not as replacement characters).
func FuzzExportCells(f *testing.F) {
	for _, seed := range []string{"Amina", "=HYPERLINK(\"http://evil\",\"x\")", "+1", "-1", "@SUM(A1)", "\t=1",
		"\r=1", " =1", "a\"b,c\nd", "Dvořáková", ""} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if !utf8.ValidString(v) {
			return // exports hold what the forms accepted: valid UTF-8 only
		}
		d := defuseFormula(v)
		if d != "" && strings.ContainsRune(formulaStart, rune(d[0])) {
			t.Fatalf("%q is exported as %q", v, d)
		}
		data, err := csvBytes([][]string{{"header", "next"}, {v, "end"}})
		if err != nil {
			t.Fatal(err)
		}
		records, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff")))).ReadAll()
		if err != nil {
			t.Fatalf("the CSV of %q does not read back: %v", v, err)
		}
		want := strings.ReplaceAll(d, "\r\n", "\n") // encoding/csv reads a quoted CRLF as LF
		if len(records) != 2 || len(records[1]) != 2 || records[1][0] != want {
			t.Fatalf("the CSV of %q reads back as %q", v, records)
		}
		xlsx, err := xlsxBytes([]string{"header"}, [][]any{{v}})
		if err != nil {
			t.Fatal(err)
		}
		book, err := excelize.OpenReader(bytes.NewReader(xlsx))
		if err != nil {
			t.Fatalf("the XLSX of %q does not open: %v", v, err)
		}
		defer book.Close()
		sheet := book.GetSheetName(0)
		if formula, err := book.GetCellFormula(sheet, "A2"); err != nil || formula != "" {
			t.Fatalf("the XLSX cell of %q is the formula %q (%v)", v, formula, err)
		}
		got, err := book.GetCellValue(sheet, "A2")
		if err != nil || got != xmlText(v) || strings.ContainsRune(got, utf8.RuneError) != strings.ContainsRune(v, utf8.RuneError) {
			t.Fatalf("the XLSX cell of %q reads back as %q (%v)", v, got, err)
		}
	})
}
