package export

import (
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/klimabot/klimabot/commands"
)

// excelDateFormats are the number formats of date cells per language, the
// numeric forms of GLOSSARY "Dates".
var excelDateFormats = map[string]string{
	"de": "dd.mm.yyyy",
	"cs": "d. m. yyyy",
	"es": "dd/mm/yyyy",
	"en": "yyyy-mm-dd",
}

// deadlineColumns are the header message ids of the deadlines sheet.
var deadlineColumns = []string{
	"export.col.code", "export.col.due", "export.col.deadline_text", "export.col.step", "export.col.relative",
}

// XLSX writes an Excel workbook: a sheet with one row a measure (the
// columns of CSV; dates as real date cells, counts as numbers) and a sheet
// of all open deadlines of the dumped measures, explicit and implied,
// soonest first, with their relative phrase as of today.
func XLSX(w io.Writer, d commands.Dump, o Options) error {
	f := excelize.NewFile()
	defer f.Close()
	measures := sheetName(o.msg("export.sheet.measures", nil))
	deadlines := sheetName(o.msg("export.sheet.deadlines", nil))
	if err := f.SetSheetName("Sheet1", measures); err != nil {
		return fmt.Errorf("name sheet: %w", err)
	}
	if _, err := f.NewSheet(deadlines); err != nil {
		return fmt.Errorf("add sheet: %w", err)
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return fmt.Errorf("style: %w", err)
	}
	numFmt := excelDateFormats[o.L.Lang()]
	if numFmt == "" {
		numFmt = excelDateFormats["en"]
	}
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &numFmt})
	if err != nil {
		return fmt.Errorf("style: %w", err)
	}
	// The workbook's metadata: klimabot made it, now (excelize's template
	// would say author "xuri", created 2006).
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	stamp := now.UTC().Format(time.RFC3339)
	if err := f.SetDocProps(&excelize.DocProperties{
		Creator: "klimabot", LastModifiedBy: "klimabot", Created: stamp, Modified: stamp,
		Title: measures, Language: o.L.Lang(),
	}); err != nil {
		return fmt.Errorf("document properties: %w", err)
	}
	x := &xlsxWriter{f: f, dateStyle: dateStyle}

	// Sheet 1: the measures.
	x.header(measures, headers(o), bold)
	for i, r := range rows(d, o) {
		n := i + 2
		x.set(measures, 1, n, r.Code)
		x.set(measures, 2, n, r.Title)
		x.set(measures, 3, n, r.Responsible)
		x.set(measures, 4, n, r.StepsDone)
		x.set(measures, 5, n, r.StepsTotal)
		if r.Next != nil {
			x.date(measures, 6, n, r.Next.Due)
			x.set(measures, 7, n, deadlineText(*r.Next))
		}
		if !r.LastDay.IsZero() {
			x.date(measures, 8, n, r.LastDay)
			x.set(measures, 9, n, r.LastAuthor)
			x.set(measures, 10, n, r.LastText)
		}
		x.set(measures, 11, n, r.CostsPlanned)
		x.set(measures, 12, n, r.CostsActual)
		x.set(measures, 13, n, r.LastSubmitter)
		x.set(measures, 14, n, r.LastAddition)
	}
	x.widths(measures, []float64{12, 50, 30, 10, 10, 13, 50, 13, 22, 50, 16, 16, 22, 50})

	// Sheet 2: the open deadlines.
	hs := make([]string, len(deadlineColumns))
	for i, id := range deadlineColumns {
		hs[i] = o.msg(id, nil)
	}
	x.header(deadlines, hs, bold)
	today := o.today()
	for i, dl := range openDeadlines(d) {
		n := i + 2
		x.set(deadlines, 1, n, dl.MeasureCode)
		x.date(deadlines, 2, n, dl.Due)
		x.set(deadlines, 3, n, dl.Text)
		if dl.Step > 0 {
			x.set(deadlines, 4, n, dl.Step)
		}
		if commands.OverdueAsDate(today, dl.Due) {
			x.set(deadlines, 5, n, o.msg("overdue.since", commands.Data{"Date": dl.Due}))
		} else {
			x.set(deadlines, 5, n, o.L.Relative(today.DaysUntil(dl.Due)))
		}
	}
	x.widths(deadlines, []float64{12, 13, 60, 8, 26})
	if x.err != nil {
		return fmt.Errorf("write workbook: %w", x.err)
	}
	f.SetActiveSheet(0)
	if err := f.Write(w); err != nil {
		return fmt.Errorf("write workbook: %w", err)
	}
	return nil
}

// openDeadlines returns the open deadlines of all dumped measures, soonest
// first, ties by code, step and id (the order of Store.Deadlines).
func openDeadlines(d commands.Dump) []commands.Deadline {
	var out []commands.Deadline
	for _, m := range d.Measures {
		out = append(out, m.OpenDeadlines()...)
	}
	slices.SortStableFunc(out, func(a, b commands.Deadline) int {
		if c := a.Due.Compare(b.Due); c != 0 {
			return c
		}
		if a.MeasureCode != b.MeasureCode {
			if a.MeasureCode < b.MeasureCode {
				return -1
			}
			return 1
		}
		if a.Step != b.Step {
			return a.Step - b.Step
		}
		return int(a.ID - b.ID)
	})
	return out
}

// sheetName makes s a valid worksheet name: at most 31 characters, none of
// []:*?/\.
func sheetName(s string) string {
	r := []rune(s)
	for i, c := range r {
		switch c {
		case '[', ']', ':', '*', '?', '/', '\\':
			r[i] = ' '
		}
	}
	if len(r) > 31 {
		r = r[:31]
	}
	return string(r)
}

// xlsxWriter writes cells and keeps the first error.
type xlsxWriter struct {
	f         *excelize.File
	dateStyle int
	err       error
}

func (x *xlsxWriter) cell(col, row int) string {
	name, err := excelize.CoordinatesToCellName(col, row)
	if err != nil && x.err == nil {
		x.err = err
	}
	return name
}

func (x *xlsxWriter) set(sheet string, col, row int, v any) {
	if err := x.f.SetCellValue(sheet, x.cell(col, row), v); err != nil && x.err == nil {
		x.err = err
	}
}

// date writes d as a real date cell (a serial number with a date format).
func (x *xlsxWriter) date(sheet string, col, row int, d commands.Date) {
	c := x.cell(col, row)
	if err := x.f.SetCellValue(sheet, c, time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)); err != nil && x.err == nil {
		x.err = err
	}
	if err := x.f.SetCellStyle(sheet, c, c, x.dateStyle); err != nil && x.err == nil {
		x.err = err
	}
}

// header writes a bold header row, freezes it and adds a filter.
func (x *xlsxWriter) header(sheet string, hs []string, bold int) {
	for i, h := range hs {
		x.set(sheet, i+1, 1, h)
	}
	first, last := x.cell(1, 1), x.cell(len(hs), 1)
	if err := x.f.SetCellStyle(sheet, first, last, bold); err != nil && x.err == nil {
		x.err = err
	}
	if err := x.f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil && x.err == nil {
		x.err = err
	}
	if err := x.f.AutoFilter(sheet, first+":"+last, nil); err != nil && x.err == nil {
		x.err = err
	}
}

// widths sets the column widths in characters.
func (x *xlsxWriter) widths(sheet string, ws []float64) {
	for i, w := range ws {
		col, err := excelize.ColumnNumberToName(i + 1)
		if err != nil {
			continue
		}
		if err := x.f.SetColWidth(sheet, col, col, w); err != nil && x.err == nil {
			x.err = err
		}
	}
}
