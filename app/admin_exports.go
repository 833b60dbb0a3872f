package app

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/xuri/excelize/v2"

	"registrar/app/i18n"
	"registrar/app/school"
	"registrar/db"
)

// exportColumn is one column an export may have.
type exportColumn struct {
	Key  string
	Kind columnKind
	// Value is the cell's value: a string, a float64, a calendarDate or an instant; nil for none.
	Value func(s *Server, L *i18n.Translator, a school.Application, score db.ScoreSummary) any
}

// calendarDate is a day with no time of its own, such as a date of birth.
type calendarDate time.Time

// instant is a moment, shown in Prague time.
type instant time.Time

// columnKind says who may see a column.
type columnKind int

const (
	plain    columnKind = iota // every user of the edition
	identity                   // not reviewers in blind review
	health                     // never reviewers
)

// identifyingColumns are the columns that blind review may hide, each with its detail.
var identifyingColumns = map[string]school.IdentifyingField{"given_name": school.IdentName,
	"family_name": school.IdentName, "email": school.IdentEmail, "date_of_birth": school.IdentDateOfBirth,
	"gender": school.IdentGender, "nationality": school.IdentNationality, "residence": school.IdentResidence,
	"institution": school.IdentInstitution}

// shownTo reports whether the user may see the column in the edition's exports.
func (col exportColumn) shownTo(u school.User, e school.Edition) bool {
	if field, ok := identifyingColumns[col.Key]; ok {
		return school.VisibilityFor(e, u.Role).Visible(field)
	}
	switch col.Kind {
	case identity:
		return !blind(u, e)
	case health:
		return u.Role != school.RoleReviewer
	}
	return true
}

var exportColumns = []exportColumn{
	{"reference", plain, func(_ *Server, _ *i18n.Translator, a school.Application, _ db.ScoreSummary) any {
		return a.Reference
	}},
	{"given_name", identity, func(_ *Server, _ *i18n.Translator, a school.Application, _ db.ScoreSummary) any {
		return a.GivenName
	}},
	{"family_name", identity, func(_ *Server, L *i18n.Translator, a school.Application, _ db.ScoreSummary) any {
		if a.Erased() {
			return L.T("erased_name")
		}
		return a.FamilyName
	}},
	{"email", identity, func(_ *Server, _ *i18n.Translator, a school.Application, _ db.ScoreSummary) any {
		if a.Erased() {
			return ""
		}
		return a.Email
	}},
	{"date_of_birth", identity, func(_ *Server, _ *i18n.Translator, a school.Application, _ db.ScoreSummary) any {
		if a.DateOfBirth.IsZero() {
			return nil
		}
		return calendarDate(a.DateOfBirth)
	}},
	{"gender", identity, func(_ *Server, L *i18n.Translator, a school.Application, _ db.ScoreSummary) any {
		if a.Gender == "" {
			return ""
		}
		return L.T("gender_" + a.Gender)
	}},
	{"nationality", identity, func(s *Server, L *i18n.Translator, a school.Application, _ db.ScoreSummary) any {
		return s.countries.name(L.Lang, a.Nationality)
	}},
	{"residence", plain, func(s *Server, L *i18n.Translator, a school.Application, _ db.ScoreSummary) any {
		return s.countries.name(L.Lang, a.Residence)
	}},
	{"sector", plain, func(_ *Server, L *i18n.Translator, a school.Application, _ db.ScoreSummary) any {
		if a.Sector == "" {
			return ""
		}
		return L.T("sector_" + string(a.Sector))
	}},
	{"institution", plain, func(_ *Server, _ *i18n.Translator, a school.Application, _ db.ScoreSummary) any {
		return a.Institution
	}},
	{"status", plain, func(_ *Server, L *i18n.Translator, a school.Application, _ db.ScoreSummary) any {
		return L.T("status_" + string(a.Status))
	}},
	{"score", plain, func(_ *Server, _ *i18n.Translator, _ school.Application, sc db.ScoreSummary) any {
		if sc.Reviews == 0 {
			return nil
		}
		return sc.Score
	}},
	{"dietary", health, func(_ *Server, _ *i18n.Translator, a school.Application, _ db.ScoreSummary) any {
		return a.Dietary
	}},
	{"accessibility", health, func(_ *Server, _ *i18n.Translator, a school.Application, _ db.ScoreSummary) any {
		return a.Accessibility
	}},
	// When someone sent the form can tell who they are.
	{"submitted_at", identity, func(_ *Server, _ *i18n.Translator, a school.Application, _ db.ScoreSummary) any {
		return instant(a.SubmittedAt)
	}},
}

// exportKinds are the lists an organiser exports, with their default columns.
var exportKinds = map[string]struct {
	statuses []school.Status
	columns  []string
}{
	"applications": {nil, []string{"reference", "given_name", "family_name", "email", "nationality", "residence", "sector", "institution", "status", "score", "submitted_at"}},
	"participants": {[]school.Status{school.StatusConfirmed, school.StatusAttended}, []string{"reference", "given_name", "family_name", "email", "nationality", "institution", "dietary", "accessibility"}},
	"emails":       {[]school.Status{school.StatusConfirmed, school.StatusAccepted, school.StatusAttended}, []string{"given_name", "family_name", "email"}},
}

// exportApplications writes an edition's applications as CSV or XLSX, with the columns asked
// for (?cols=a,b,c) that the user's role may see.
func (s *Server) exportApplications(c *fiber.Ctx) error {
	e, err := s.pathEdition(c)
	if err != nil {
		return err
	}
	L := s.i18n.Translator(langOf(c))
	kind, ok := exportKinds[c.Query("list", "applications")]
	if !ok {
		return badRequest(L.T("export_bad_list"))
	}
	keys := kind.columns
	if cols := c.Query("cols"); cols != "" {
		keys = strings.Split(cols, ",")
	}
	if chosen := c.Context().QueryArgs().PeekMulti("col"); len(chosen) > 0 {
		keys = keys[:0:0]
		for _, k := range chosen {
			keys = append(keys, string(k))
		}
	}
	u := currentUser(c)
	var columns []exportColumn
	for _, key := range keys {
		i := slices.IndexFunc(exportColumns, func(col exportColumn) bool { return col.Key == key })
		if i < 0 {
			return badRequest(L.T("export_bad_column", "Column", key))
		}
		// A column asked for twice is shown once: a table's headers must differ.
		if !exportColumns[i].shownTo(u, e) || slices.ContainsFunc(columns, func(col exportColumn) bool { return col.Key == key }) {
			continue
		}
		columns = append(columns, exportColumns[i])
	}
	// In blind review the order by name would tell who is who.
	order := "name"
	if blind(u, e) {
		order = "reference"
	}
	apps, _, err := s.store.ApplicationList(c.UserContext(), db.ApplicationFilter{EditionID: e.ID,
		Statuses: kind.statuses, Sort: order, PerPage: 1 << 30})
	if err != nil {
		return err
	}
	ids := make([]int64, len(apps))
	for i, a := range apps {
		ids[i] = a.ID
	}
	scores := map[int64]db.ScoreSummary{}
	if slices.ContainsFunc(columns, func(col exportColumn) bool { return col.Key == "score" }) {
		if scores, err = s.store.EditionScores(c.UserContext(), e.ID, ids); err != nil {
			return err
		}
		if err := s.hideUnreviewedScores(c, e, scores); err != nil {
			return err
		}
	}
	header := make([]string, len(columns))
	for i, col := range columns {
		header[i] = L.T("export_col_" + col.Key)
	}
	rows := make([][]any, len(apps))
	for r, a := range apps {
		rows[r] = make([]any, len(columns))
		for i, col := range columns {
			rows[r][i] = col.Value(s, L, a, scores[a.ID])
		}
	}
	return sendTable(c, L, fmt.Sprintf("%s-%s", e.Slug, c.Query("list", "applications")), header, rows)
}

// sendTable sends header and rows as a workbook or CSV file, as the path's format asks, named
// name with its extension; never kept by a cache, as it lists people.
func sendTable(c *fiber.Ctx, L *i18n.Translator, name string, header []string, rows [][]any) error {
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	if c.Params("format") == "xlsx" {
		return sendXLSX(c, name+".xlsx", header, rows)
	}
	text := [][]string{header}
	for _, row := range rows {
		line := make([]string, len(row))
		for i, v := range row {
			line[i] = cellText(L, v)
		}
		text = append(text, line)
	}
	return sendCSV(c, name+".csv", text)
}

// cellText is a cell's value as CSV text: scores with two decimals, dates as ISO dates,
// instants in Prague time as the pages show them.
func cellText(L *i18n.Translator, v any) string {
	switch v := v.(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', 2, 64)
	case calendarDate:
		return time.Time(v).Format("2006-01-02")
	case instant:
		return L.Moment(time.Time(v))
	}
	return ""
}

func sendCSV(c *fiber.Ctx, filename string, rows [][]string) error {
	data, err := csvBytes(rows)
	if err != nil {
		return err
	}
	fileHeaders(c, "text/csv; charset=utf-8", filename, false)
	return c.Send(data)
}

// csvBytes is rows as CSV, every value defused.
func csvBytes(rows [][]string) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("\ufeff") // a BOM, so spreadsheet programs read the UTF-8 names right
	w := csv.NewWriter(&buf)
	for _, row := range rows {
		for i, v := range row {
			row[i] = defuseFormula(v)
		}
		if err := w.Write(row); err != nil {
			return nil, err
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// defuseFormula keeps a value typed by an applicant from running as a spreadsheet formula.
func defuseFormula(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

func sendXLSX(c *fiber.Ctx, filename string, header []string, rows [][]any) error {
	data, err := xlsxBytes(header, rows)
	if err != nil {
		return err
	}
	fileHeaders(c, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", filename, false)
	return c.Send(data)
}

// xmlText is v without the characters XML 1.0 cannot hold (control characters other than tab and
// line ends, U+FFFE and U+FFFF), which a workbook would show as replacement characters.
func xmlText(v string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' || (r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || r >= 0x10000 {
			return r
		}
		return -1
	}, v)
}

// Number formats of the workbook: unambiguous in either language.
const (
	xlsxDateFormat    = "yyyy-mm-dd"
	xlsxInstantFormat = "yyyy-mm-dd hh:mm"
	xlsxScoreFormat   = "0.00"
)

// xlsxBytes is a workbook of one sheet, a table: the header, frozen and with filters, over rows
// whose strings are text (never formulas), scores numbers and dates real dates, instants in
// Prague's wall-clock time (a workbook's dates have no time zone). Columns are as wide as their
// widest value, within limits.
func xlsxBytes(header []string, rows [][]any) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	styles := map[string]int{}
	for name, style := range map[string]*excelize.Style{
		"header":  {Font: &excelize.Font{Bold: true}},
		"date":    {CustomNumFmt: ptr(xlsxDateFormat)},
		"instant": {CustomNumFmt: ptr(xlsxInstantFormat)},
		"score":   {CustomNumFmt: ptr(xlsxScoreFormat)},
	} {
		id, err := f.NewStyle(style)
		if err != nil {
			return nil, err
		}
		styles[name] = id
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, err
	}
	// Widths, panes and columns go before the first row.
	widths := make([]int, len(header))
	for i, h := range header {
		widths[i] = utf8.RuneCountInString(h)
	}
	cells := make([][]any, len(rows))
	for r, row := range rows {
		cells[r] = make([]any, len(row))
		for i, v := range row {
			var cell excelize.Cell
			width := 0
			switch v := v.(type) {
			case string:
				cell.Value, width = xmlText(v), utf8.RuneCountInString(v)
			case float64:
				cell.Value, cell.StyleID, width = v, styles["score"], len(xlsxScoreFormat)
			case calendarDate:
				cell.Value, cell.StyleID, width = time.Time(v), styles["date"], len(xlsxDateFormat)
			case instant:
				p := time.Time(v).In(school.Prague)
				cell.Value, cell.StyleID, width = time.Date(p.Year(), p.Month(), p.Day(), p.Hour(), p.Minute(),
					p.Second(), 0, time.UTC), styles["instant"], len(xlsxInstantFormat)
			}
			cells[r][i] = cell
			widths[i] = max(widths[i], width)
		}
	}
	for i, w := range widths {
		// Some room for the filter's button beside the header; long answers wrap past 60.
		if err := sw.SetColWidth(i+1, i+1, float64(min(max(w+4, 10), 60))); err != nil {
			return nil, err
		}
	}
	if len(header) > 0 {
		if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return nil, err
		}
	}
	headerCells := make([]any, len(header))
	for i, h := range header {
		headerCells[i] = excelize.Cell{Value: xmlText(h), StyleID: styles["header"]}
	}
	if err := sw.SetRow("A1", headerCells); err != nil {
		return nil, err
	}
	for r, row := range cells {
		cell, err := excelize.CoordinatesToCellName(1, r+2)
		if err != nil {
			return nil, err
		}
		if err := sw.SetRow(cell, row); err != nil {
			return nil, err
		}
	}
	if len(header) > 0 {
		// A table over the rows gives the header its filter buttons.
		last, err := excelize.CoordinatesToCellName(len(header), len(rows)+1)
		if err != nil {
			return nil, err
		}
		if err := sw.AddTable(&excelize.Table{Range: "A1:" + last, Name: "Export",
			StyleName: "TableStyleLight1", ShowRowStripes: ptr(true)}); err != nil {
			return nil, err
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func ptr[T any](v T) *T { return &v }

// exportChoices are the columns the export form offers the user, in their language.
func exportChoices(L *i18n.Translator, u school.User, e school.Edition) []option {
	var opts []option
	for _, col := range exportColumns {
		if col.shownTo(u, e) {
			opts = append(opts, option{Value: col.Key, Label: L.T("export_col_" + col.Key)})
		}
	}
	return opts
}
