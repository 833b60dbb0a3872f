// Package letters draws the documents Registrar issues to applicants as PDF: the visa
// invitation letter and the certificate of attendance. It knows layout only: every word comes in
// already written, in the document's language, so the wording lives with the other messages.
// Text is set in DejaVu Sans, embedded, so any name (Czech, Cyrillic, Greek, Vietnamese…)
// prints as typed.
package letters

import (
	"bytes"
	_ "embed" // the fonts
	"fmt"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

// The fonts are read-only data of the binary; fpdf copies into each document the glyphs it uses.
var (
	//go:embed fonts/DejaVuSans.ttf
	regularFont []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	boldFont []byte
)

// Layout is how a document's blocks are set.
type Layout int

const (
	// Letter sets blocks left-aligned under the date, as a letter.
	Letter Layout = iota
	// Certificate centres blocks on a framed page.
	Certificate
	// Report sets headed blocks under the title, with no date or signature: a record for the
	// school's own files.
	Report
)

// Block is a paragraph of a document.
type Block struct {
	Text  string
	Bold  bool
	Large bool // a name or title that stands out
}

// Document is one document to draw.
type Document struct {
	Layout Layout
	Lang   string // BCP 47, for the PDF's metadata
	Title  string // the PDF's title, and the heading
	// Letterhead is the school's name, then the line under it.
	School, Organisation string
	Date                 string // place and date, above the text
	Blocks               []Block
	Closing              string // above the signature, in a letter
	SignatoryName        string
	SignatoryTitle       string
	// Verification is the line at the foot of every page that says how to check the document.
	Verification string
	// Issued is the PDF's creation date: the same document drawn twice gives the same file.
	Issued time.Time
	// Address is the school's postal address and contact, under the letterhead.
	Address string
}

// Colours of the letterhead.
var (
	blue = [3]int{0, 51, 160}
	grey = [3]int{75, 85, 99}
	ink  = [3]int{31, 41, 55}
)

// Measures of an A4 page, in millimetres.
const (
	pageWidth    = 210.0
	pageMargin   = 25.0
	textWidth    = pageWidth - 2*pageMargin
	lineHeight   = 5.6
	lineHeightXL = 9.0
)

// Draw renders d as a PDF.
func Draw(d Document) ([]byte, error) {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.AddUTF8FontFromBytes("DejaVu", "", regularFont)
	pdf.AddUTF8FontFromBytes("DejaVu", "B", boldFont)
	pdf.SetCreationDate(d.Issued)
	pdf.SetModificationDate(d.Issued)
	pdf.SetCatalogSort(true)
	pdf.SetTitle(d.Title, true)
	pdf.SetAuthor(d.School, true)
	pdf.SetCreator(d.School, true)
	pdf.SetProducer("Registrar", true)
	pdf.SetLang(d.Lang)
	pdf.SetMargins(pageMargin, pageMargin, pageMargin)
	pdf.SetAutoPageBreak(true, 30)
	pdf.SetFooterFunc(func() { footer(pdf, d) })
	pdf.AddPage()
	letterhead(pdf, d)
	switch d.Layout {
	case Certificate:
		certificate(pdf, d)
	case Report:
		report(pdf, d)
	default:
		letter(pdf, d)
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("letters: %s: %w", d.Title, err)
	}
	return buf.Bytes(), nil
}

func colour(pdf *fpdf.Fpdf, c [3]int) { pdf.SetTextColor(c[0], c[1], c[2]) }

// letterhead draws the school's name over a rule, in the school's blue.
func letterhead(pdf *fpdf.Fpdf, d Document) {
	pdf.SetFillColor(blue[0], blue[1], blue[2])
	pdf.Rect(0, 0, pageWidth, 6, "F")
	pdf.SetY(16)
	pdf.SetFont("DejaVu", "B", 17)
	colour(pdf, blue)
	pdf.CellFormat(textWidth, 8, d.School, "", 1, "L", false, 0, "")
	pdf.SetFont("DejaVu", "", 10)
	colour(pdf, grey)
	pdf.CellFormat(textWidth, 5, d.Organisation, "", 1, "L", false, 0, "")
	if d.Address != "" {
		pdf.SetFont("DejaVu", "", 8.5)
		pdf.MultiCell(textWidth, 4.2, d.Address, "", "L", false)
	}
	pdf.SetDrawColor(blue[0], blue[1], blue[2])
	pdf.SetLineWidth(0.4)
	y := pdf.GetY() + 3
	pdf.Line(pageMargin, y, pageWidth-pageMargin, y)
	pdf.SetY(y + 8)
	colour(pdf, ink)
}

func letter(pdf *fpdf.Fpdf, d Document) {
	pdf.SetFont("DejaVu", "", 10.5)
	pdf.CellFormat(textWidth, lineHeight, d.Date, "", 1, "R", false, 0, "")
	pdf.Ln(6)
	pdf.SetFont("DejaVu", "B", 14)
	pdf.MultiCell(textWidth, 7, d.Title, "", "L", false)
	pdf.Ln(4)
	blocks(pdf, d.Blocks, "L", 3)
	pdf.Ln(4)
	if d.Closing != "" {
		pdf.SetFont("DejaVu", "", 10.5)
		pdf.MultiCell(textWidth, lineHeight, d.Closing, "", "L", false)
	}
	signature(pdf, d, pageMargin)
}

func report(pdf *fpdf.Fpdf, d Document) {
	pdf.SetFont("DejaVu", "B", 14)
	pdf.MultiCell(textWidth, 7, d.Title, "", "L", false)
	pdf.Ln(4)
	blocks(pdf, d.Blocks, "L", 2)
}

func certificate(pdf *fpdf.Fpdf, d Document) {
	pdf.SetDrawColor(blue[0], blue[1], blue[2])
	pdf.SetLineWidth(0.8)
	pdf.Rect(12, 10, pageWidth-24, 277, "D")
	pdf.Ln(18)
	pdf.SetFont("DejaVu", "B", 24)
	colour(pdf, blue)
	pdf.MultiCell(textWidth, 11, d.Title, "", "C", false)
	colour(pdf, ink)
	pdf.Ln(12)
	blocks(pdf, d.Blocks, "C", 5)
	pdf.Ln(6)
	pdf.SetFont("DejaVu", "", 10.5)
	pdf.MultiCell(textWidth, lineHeight, d.Date, "", "C", false)
	signature(pdf, d, pageWidth/2-35)
}

// blocks sets paragraphs with gap millimetres between them.
func blocks(pdf *fpdf.Fpdf, list []Block, align string, gap float64) {
	for i, b := range list {
		if i > 0 {
			pdf.Ln(gap)
		}
		style, size, height := "", 10.5, lineHeight
		if b.Bold {
			style = "B"
		}
		if b.Large {
			size, height = 18, lineHeightXL
		}
		pdf.SetFont("DejaVu", style, size)
		pdf.MultiCell(textWidth, height, b.Text, "", align, false)
	}
}

// signature leaves room to sign, then gives the signatory's name and title under a rule.
func signature(pdf *fpdf.Fpdf, d Document, x float64) {
	pdf.Ln(18)
	y := pdf.GetY()
	pdf.SetDrawColor(ink[0], ink[1], ink[2])
	pdf.SetLineWidth(0.2)
	pdf.Line(x, y, x+70, y)
	pdf.SetXY(x, y+1.5)
	pdf.SetFont("DejaVu", "B", 10.5)
	pdf.MultiCell(70, lineHeight, d.SignatoryName, "", "C", false)
	pdf.SetX(x)
	pdf.SetFont("DejaVu", "", 9.5)
	colour(pdf, grey)
	pdf.MultiCell(70, 5, d.SignatoryTitle, "", "C", false)
	colour(pdf, ink)
}

func footer(pdf *fpdf.Fpdf, d Document) {
	pdf.SetY(-27)
	pdf.SetFont("DejaVu", "", 8.5)
	colour(pdf, grey)
	pdf.MultiCell(textWidth, 4.2, d.Verification, "T", "C", false)
	colour(pdf, ink)
}
