package letters

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// pdfText is the text pdftotext reads from a PDF, with runs of white space made single spaces.
func pdfText(t testing.TB, pdf []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext is missing: make test-deps installs poppler-utils")
	}
	path := filepath.Join(t.TempDir(), "document.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

func sample(layout Layout) Document {
	return Document{Layout: layout, Lang: "en", Title: "Invitation letter",
		School: "School of Migration Studies", Organisation: "International Organization for Migration (IOM), Prague",
		Date: "Prague, 27 November 2026",
		Blocks: []Block{{Text: "Айгерим Нурланова", Large: true, Bold: true},
			{Text: "Žaneta Dvořáková wrote a long paragraph that wraps across several lines of the page, " +
				"as an invitation paragraph does, with Ελληνικά and Tiếng Việt in it."}},
		Closing: "Yours sincerely,", SignatoryName: "Dr. Jana Nováková", SignatoryTitle: "Head of the School",
		Verification: "Verification code 7K3M-Q9XD-2HTW: http://127.0.0.1/verify/7K3M-Q9XD-2HTW",
		Issued:       time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)}
}

func TestDocumentsPrintEveryNameAsTyped(t *testing.T) {
	for name, layout := range map[string]Layout{"letter": Letter, "certificate": Certificate} {
		t.Run(name, func(t *testing.T) {
			pdf, err := Draw(sample(layout))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
				t.Fatalf("not a PDF: %q", pdf[:min(20, len(pdf))])
			}
			text := pdfText(t, pdf)
			for _, want := range []string{"School of Migration Studies", "Invitation letter", "Prague, 27 November 2026",
				"Айгерим Нурланова", "Žaneta Dvořáková", "Ελληνικά", "Tiếng Việt", "Dr. Jana Nováková",
				"Head of the School", "7K3M-Q9XD-2HTW"} {
				if !strings.Contains(text, want) {
					t.Errorf("the PDF lacks %q:\n%s", want, text)
				}
			}
			if len(pdf) > 200_000 {
				t.Errorf("the PDF has %d bytes: are the fonts embedded whole?", len(pdf))
			}
		})
	}
}

func TestTheSameDocumentDrawsTheSameFile(t *testing.T) {
	first, err := Draw(sample(Certificate))
	if err != nil {
		t.Fatal(err)
	}
	second, err := Draw(sample(Certificate))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, second) {
		t.Error("two drawings of one document differ")
	}
}
