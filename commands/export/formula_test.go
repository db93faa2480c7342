package export_test

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/klimabot/klimabot/commands"
	"github.com/klimabot/klimabot/commands/export"
	"github.com/klimabot/klimabot/commands/importer"
)

// TestCSVNoFormulas: a cell a spreadsheet would read as a formula gets a
// leading ' in the CSV (OWASP), only there; xlsx keeps the text as it is,
// and klimabot's CSV import reads the text back without the ' (issue 11
// item 19).
func TestCSVNoFormulas(t *testing.T) {
	for _, tc := range []struct{ text, csv string }{
		{`=HYPERLINK("http://evil";"klick")`, `'=HYPERLINK("http://evil";"klick")`},
		{"-", "'-"},
		{"- Skizze versendet", "'- Skizze versendet"},
		{"+49 2103 72-0 anrufen", "'+49 2103 72-0 anrufen"},
		{"@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0"},
		{"\tTabulator", "'\tTabulator"},
		{"Ratsvorlage = fertig", "Ratsvorlage = fertig"}, // only the first character counts
		{"'zitiert'", "'zitiert'"},
	} {
		f := newFixture(t)
		m := f.measure("F.019")
		if _, err := f.db.AddEntry(f.ctx, commands.Entry{MeasureID: m.ID, Text: tc.text, CreatedAt: now,
			Author: commands.Person{ID: "U1", Name: "-Minus"}}); err != nil {
			t.Fatal(err)
		}
		d := f.dump("F.019")
		d.Measures[0].Title = "=1+1"

		raw, recs := f.csvExport(d, "de")
		row := recs[1]
		if row[9] != tc.csv || row[8] != "'-Minus" || row[1] != "'=1+1" {
			t.Errorf("%q: CSV cells %q, %q, %q; want %q", tc.text, row[1], row[8], row[9], tc.csv)
		}
		// the CSV is the catalogue importer's input too: the text comes back
		ms, _, err := importer.Parse("export.csv", raw, importer.Options{})
		if err != nil || len(ms) != 1 || ms[0].Title != "=1+1" {
			t.Errorf("%q: re-import %v %+v", tc.text, err, ms)
		}

		var buf bytes.Buffer
		if err := export.XLSX(&buf, d, f.options("de")); err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := x.GetCellValue("Maßnahmen", "J2"); got != tc.text {
			t.Errorf("xlsx J2 = %q, want the text as it is: %q", got, tc.text)
		}
		if got, _ := x.GetCellFormula("Maßnahmen", "J2"); got != "" {
			t.Errorf("xlsx J2 is a formula: %q", got)
		}
		x.Close()
	}
}
