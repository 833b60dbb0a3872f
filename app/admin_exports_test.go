package app

import (
	"archive/zip"
	"context"
	"encoding/csv"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"registrar/app/school"
)

func TestExportsHoldTheChosenColumnsAndOnlyWhatTheRoleMaySee(t *testing.T) {
	t.Parallel()
	f := newAdminFixture(t)
	base := "/admin/editions/" + strconv.FormatInt(f.summer.ID, 10)
	organiser := signIn(t, f.ts, f.staff.organiser.Email)

	resp, body := organiser.get(t, base+"/export.csv?col=reference&col=family_name&col=nationality")
	wantStatus(t, resp, body, http.StatusOK)
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("Content-Type %q", ct)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || strings.Join(rows[0], "|") != "Reference|Family name|Nationality" ||
		rows[1][0] != f.app.Reference || rows[1][1] != "Quartermaine" {
		t.Errorf("rows %q", rows)
	}

	resp, body = organiser.get(t, base+"/export.xlsx?list=participants")
	wantStatus(t, resp, body, http.StatusOK)
	if !strings.HasPrefix(body, "PK") {
		t.Error("the XLSX export is not a zip file")
	}
	resp, body = organiser.get(t, base+"/export.csv?col=password_hash")
	wantStatus(t, resp, body, http.StatusBadRequest)

	// In blind review a reviewer's export leaves out who the applicant is.
	if err := f.ts.store.SetBlindReview(context.Background(), f.summer.ID, true); err != nil {
		t.Fatal(err)
	}
	reviewer := signIn(t, f.ts, f.staff.reviewer.Email)
	resp, body = reviewer.get(t, base+"/export.csv")
	wantStatus(t, resp, body, http.StatusOK)
	for _, hidden := range []string{"Quartermaine", "Zenobia", "zenobia.q@example.org", "Jordan"} {
		if strings.Contains(body, hidden) {
			t.Errorf("a blind reviewer's export contains %q", hidden)
		}
	}
	if !strings.Contains(body, f.app.Reference) {
		t.Error("the blind export lost the reference")
	}
}

func TestExportedValuesNeverRunAsFormulas(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"=HYPERLINK(\"x\")": "'=HYPERLINK(\"x\")", "+1": "'+1",
		"-2": "'-2", "@SUM(A1)": "'@SUM(A1)", "Charles University": "Charles University", "": ""} {
		if got := defuseFormula(in); got != want {
			t.Errorf("defuseFormula(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestTheXLSXExportHoldsTypedCellsUnderAFrozenFilteredHeader: scores are numbers and dates are
// dates (in Prague time) that a spreadsheet sorts and sums, the header stays in view and filters,
// and each column is wide enough to read.
func TestTheXLSXExportHoldsTypedCellsUnderAFrozenFilteredHeader(t *testing.T) {
	t.Parallel()
	f := newAdminFixture(t)
	sendReview(t, f.ts, signIn(t, f.ts, f.staff.reviewer.Email), f.app, 4, "Clear plan")
	organiser := signIn(t, f.ts, f.staff.organiser.Email)
	base := "/admin/editions/" + strconv.FormatInt(f.summer.ID, 10)
	resp, body := organiser.get(t, base+"/export.xlsx?col=reference&col=family_name&col=date_of_birth&col=score&col=submitted_at&col=institution&col=reference")
	wantStatus(t, resp, body, http.StatusOK)
	book, err := excelize.OpenReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer book.Close()
	sheet := book.GetSheetName(0)
	rows, err := book.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || strings.Join(rows[0], "|") != "Reference|Family name|Date of birth|Score|Submitted|Institution" {
		t.Fatalf("rows %q", rows)
	}
	number := func(cell string) float64 {
		t.Helper()
		typ, err := book.GetCellType(sheet, cell)
		if err != nil {
			t.Fatal(err)
		}
		// A number has no type in the file, or "n".
		if typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
			t.Errorf("%s is of type %v, not a number", cell, typ)
		}
		raw, err := book.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		v, err := strconv.ParseFloat(raw, 64)
		if err != nil {
			t.Errorf("%s holds %q, not a number", cell, raw)
		}
		return v
	}
	dateFormat := func(cell, want string) {
		t.Helper()
		id, err := book.GetCellStyle(sheet, cell)
		if err != nil {
			t.Fatal(err)
		}
		style, err := book.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		if style.CustomNumFmt == nil || *style.CustomNumFmt != want {
			t.Errorf("%s is shown as %v, want the date format %s", cell, style.CustomNumFmt, want)
		}
	}
	if v := number("D2"); v != 4 {
		t.Errorf("the score reads %v, want 4", v)
	}
	born, err := excelize.ExcelDateToTime(number("C2"), false)
	if err != nil || !born.Equal(time.Date(1998, time.April, 23, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("the date of birth reads %v (%v)", born, err)
	}
	dateFormat("C2", "yyyy-mm-dd")
	sent, err := excelize.ExcelDateToTime(number("E2"), false)
	prague := f.app.SubmittedAt.In(school.Prague)
	if wall := time.Date(prague.Year(), prague.Month(), prague.Day(), prague.Hour(), prague.Minute(), prague.Second(), 0, time.UTC); err != nil || sent.Sub(wall).Abs() > time.Second {
		t.Errorf("the sending time reads %v, want %v, Prague's wall clock (%v)", sent, wall, err)
	}
	dateFormat("E2", "yyyy-mm-dd hh:mm")
	if typ, _ := book.GetCellType(sheet, "F2"); typ == excelize.CellTypeUnset || typ == excelize.CellTypeNumber {
		t.Errorf("the institution is of type %v, want text", typ)
	}

	panes, err := book.GetPanes(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.YSplit != 1 || panes.XSplit != 0 || panes.TopLeftCell != "A2" {
		t.Errorf("the header row is not frozen: %+v", panes)
	}
	// The rows are a table whose header filters them; excelize reads no filter back, so the
	// table's own XML.
	tables, err := book.GetTables(sheet)
	if err != nil || len(tables) != 1 || tables[0].Range != "A1:F2" {
		t.Errorf("the rows are not one table over A1:F2: %+v (%v)", tables, err)
	}
	zipped, err := zip.NewReader(strings.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	var tableXML string
	for _, file := range zipped.File {
		if strings.HasPrefix(file.Name, "xl/tables/") {
			r, err := file.Open()
			if err != nil {
				t.Fatal(err)
			}
			data, _ := io.ReadAll(r)
			r.Close()
			tableXML += string(data)
		}
	}
	if !strings.Contains(tableXML, `<autoFilter ref="A1:F2"`) {
		t.Errorf("no filter over A1:F2: %s", tableXML)
	}
	for col, min := range map[string]float64{"A": 13, "B": 11, "C": 10, "E": 16, "F": 18} {
		w, err := book.GetColWidth(sheet, col)
		if err != nil {
			t.Fatal(err)
		}
		if w < min || w > 60 {
			t.Errorf("column %s is %.1f wide, want %.0f to 60", col, w, min)
		}
	}

	// The CSV export of the same columns still reads as text in the reader's language.
	resp, body = organiser.get(t, base+"/export.csv?col=reference&col=date_of_birth&col=score&col=submitted_at")
	wantStatus(t, resp, body, http.StatusOK)
	records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{f.app.Reference, "1998-04-23", "4.00", f.ts.i18n.Translator("en").Moment(f.app.SubmittedAt)}; len(records) != 2 ||
		strings.Join(records[1], "|") != strings.Join(want, "|") {
		t.Errorf("CSV rows %q, want %q", records, want)
	}
}
