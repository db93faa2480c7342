package export_test

import (
	"bytes"
	"encoding/csv"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"

	"github.com/klimabot/klimabot/commands"
	"github.com/klimabot/klimabot/commands/export"
	"github.com/klimabot/klimabot/commands/importer"
)

// TestMarkdownGolden pins the council report of all measures in each
// language, and of one measure.
func TestMarkdownGolden(t *testing.T) {
	f := newFixture(t)
	for _, lang := range []string{"de", "cs", "es", "en"} {
		var buf bytes.Buffer
		if err := export.Markdown(&buf, f.dump(), f.options(lang)); err != nil {
			t.Fatal(err)
		}
		golden(t, "report."+lang+".md", buf.Bytes())
	}
	var buf bytes.Buffer
	o := f.options("de")
	o.Since = commands.Date{Year: 2026, Month: 10, Day: 1}
	if err := export.Markdown(&buf, f.dump("f19"), o); err != nil {
		t.Fatal(err)
	}
	golden(t, "report.F.019.de.md", buf.Bytes())
}

// wantRow is the F.019 row of the table as of the fixed clock, in German.
var wantRow = []string{
	"F.019", "Kommunale Klimapartnerschaft mit Nové Město nad Metují",
	"Dezernat IV, Stabstelle Klimaschutz, Bürgermeisterbüro", "3", "6",
	"31.12.2024", "5. Bilateraler Austausch und Besprechung der weiteren Vorgehensweise",
	"06.11.2026", "Anna Schmidt", "Termin mit Nové Město vereinbart.", "", "", "", "",
}

var wantHeader = []string{
	"Code", "Titel", "Zuständigkeit", "Schritte erledigt", "Schritte gesamt", "Nächste Frist",
	"Nächste Frist – Text", "Letzter Fortschritt – Datum", "Letzter Fortschritt – von",
	"Letzter Fortschritt – Text", "Kosten Soll", "Kosten Ist",
	"Letzter Fortschritt – eingetragen von", "Letzter Fortschritt – Ergänzung",
}

func TestCSV(t *testing.T) {
	f := newFixture(t)
	var buf bytes.Buffer
	if err := export.CSV(&buf, f.dump(), f.options("de"), 0); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	if !bytes.HasPrefix(data, []byte("\uFEFF")) {
		t.Fatalf("no byte order mark: %q", data[:10])
	}
	r := csv.NewReader(bytes.NewReader(data[3:]))
	r.Comma = ';'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 {
		t.Fatalf("%d records, want header and 2 measures", len(recs))
	}
	checkRow(t, "header", recs[0], wantHeader)
	checkRow(t, "F.019", recs[1], wantRow)
	if recs[2][0] != "aufruf-lateinamerikanische-kommunen" || recs[2][3] != "5" || recs[2][5] != "" {
		t.Errorf("call row: %q", recs[2])
	}

	// English: comma separated, ISO dates, English headers.
	buf.Reset()
	if err := export.CSV(&buf, f.dump("F.019"), f.options("en"), 0); err != nil {
		t.Fatal(err)
	}
	recs, err = csv.NewReader(bytes.NewReader(buf.Bytes()[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[0][1] != "Title" || recs[1][5] != "2024-12-31" || recs[1][7] != "2026-11-06" {
		t.Errorf("English CSV: %q", recs)
	}
	// The CSV is the catalogue importer's input too.
	ms, _, err := importer.Parse("export.csv", buf.Bytes(), importer.Options{})
	if err != nil || len(ms) != 1 || ms[0].Code != "F.019" {
		t.Errorf("re-import of the CSV export: %v %+v", err, ms)
	}
}

func checkRow(t *testing.T, what string, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d cells %q, want %d", what, len(got), got, len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%s cell %d: %q, want %q", what, i+1, got[i], want[i])
		}
	}
}

// excelSerial is the Excel serial number of a day.
func excelSerial(y int, m time.Month, d int) string {
	days := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Sub(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)).Hours() / 24
	return strconv.Itoa(int(days))
}

func TestXLSX(t *testing.T) {
	f := newFixture(t)
	var buf bytes.Buffer
	if err := export.XLSX(&buf, f.dump(), f.options("de")); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if got := x.GetSheetList(); len(got) != 2 || got[0] != "Maßnahmen" || got[1] != "Offene Fristen" {
		t.Fatalf("sheets %q", got)
	}
	cell := func(sheet, ref string, raw bool) string {
		t.Helper()
		v, err := x.GetCellValue(sheet, ref, excelize.Options{RawCellValue: raw})
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	cols := "ABCDEFGHIJKLMN"
	for i, want := range wantHeader {
		if got := cell("Maßnahmen", string(cols[i])+"1", false); got != want {
			t.Errorf("header %c1: %q, want %q", cols[i], got, want)
		}
	}
	for i, want := range wantRow {
		if got := cell("Maßnahmen", string(cols[i])+"2", false); got != want {
			t.Errorf("F.019 %c2: %q, want %q", cols[i], got, want)
		}
	}
	// Dates are real date cells: a serial number shown with a date format;
	// counts are numbers.
	if got, want := cell("Maßnahmen", "F2", true), excelSerial(2024, 12, 31); got != want {
		t.Errorf("F2 raw %q, want the serial %s", got, want)
	}
	// numbers are stored as numbers (no string type), strings as strings
	if typ, err := x.GetCellType("Maßnahmen", "D2"); err != nil || (typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset) {
		t.Errorf("D2 type %v %v, want a number", typ, err)
	}
	if typ, err := x.GetCellType("Maßnahmen", "A2"); err != nil || typ != excelize.CellTypeSharedString {
		t.Errorf("A2 type %v %v, want a string", typ, err)
	}
	if got := cell("Maßnahmen", "A3", false); got != "aufruf-lateinamerikanische-kommunen" {
		t.Errorf("A3 %q", got)
	}

	// The deadlines sheet: open deadlines, explicit and implied, soonest first.
	want := [][]string{
		{"Code", "Fällig am", "Frist", "Schritt", "Fälligkeit"},
		{"F.019", "31.12.2024", "Bilateraler Austausch und Besprechung der weiteren Vorgehensweise", "5", "überfällig seit 31.12.2024"},
		{"F.019", "31.12.2025", "Erarbeitung eines ersten kleinen gemeinsamen Projektes", "6", "überfällig seit 31.12.2025"},
		{"F.019", "13.11.2026", "Projektideen sammeln", "", "seit 8 Tagen überfällig"},
		{"F.019", "23.11.2026", "Besuch der Delegation vorbereiten", "4", "fällig in 2 Tagen"},
		{"F.019", "26.11.2026", "Bericht an den Umweltausschuss", "", "fällig in 5 Tagen"},
		{"", "", "", "", ""},
	}
	for r, row := range want {
		for c, w := range row {
			ref := string(cols[c]) + strconv.Itoa(r+1)
			if got := cell("Offene Fristen", ref, false); got != w {
				t.Errorf("Offene Fristen %s: %q, want %q", ref, got, w)
			}
		}
	}
	if got, want := cell("Offene Fristen", "B5", true), excelSerial(2026, 11, 23); got != want {
		t.Errorf("B5 raw %q, want the serial %s", got, want)
	}
}

// TestTimelinePNG decodes the picture and checks its size and that it
// shows something: several colours, coloured pixels in the plot area.
func TestTimelinePNG(t *testing.T) {
	f := newFixture(t)
	for _, lang := range []string{"de", "cs"} {
		var buf bytes.Buffer
		if err := export.Timeline(&buf, f.dump("F.019").Measures[0], f.options(lang)); err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(&buf)
		if err != nil {
			t.Fatal(err)
		}
		b := img.Bounds()
		if b.Dx() != 1200 || b.Dy() < 250 || b.Dy() > 600 {
			t.Errorf("%s: size %v, want 1200 wide", lang, b)
		}
		colours := map[color.RGBA]int{}
		plotInk := 0
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				r, g, bl, _ := img.At(x, y).RGBA()
				c := color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), 255}
				colours[c]++
				if x > 480 && x < 1170 && y > 110 && y < 290 && c != (color.RGBA{255, 255, 255, 255}) {
					plotInk++
				}
			}
		}
		if len(colours) < 8 {
			t.Errorf("%s: only %d colours", lang, len(colours))
		}
		if plotInk < 5000 {
			t.Errorf("%s: only %d coloured pixels in the plot area", lang, plotInk)
		}
		for name, c := range map[string]color.RGBA{"done": {46, 158, 68, 255}, "overdue": {208, 57, 62, 255}} {
			if colours[c] < 200 {
				t.Errorf("%s: %s colour on %d pixels only", lang, name, colours[c])
			}
		}
	}
	// A measure without steps still draws.
	var buf bytes.Buffer
	if err := export.Timeline(&buf, commands.DumpMeasure{Measure: commands.Measure{Code: "X.1", Title: "Leer"}}, f.options("es")); err != nil {
		t.Fatal(err)
	}
	if _, err := png.Decode(&buf); err != nil {
		t.Fatal(err)
	}
}

// TestFontCoversLanguages: the embedded Go font has a glyph for every
// letter the labels and the partners' names use.
func TestFontCoversLanguages(t *testing.T) {
	fnt, err := sfnt.Parse(goregular.TTF)
	if err != nil {
		t.Fatal(err)
	}
	var sb sfnt.Buffer
	for _, s := range []string{"Nové Město nad Metují", "Zeitachse", "Harmonogram", "Cronograma", "Fördermöglichkeiten Maßnahme",
		"splněno 3 z 6 kroků, průběh plnění, června, září", "Posibilidades de financiamiento, año, después", "–…·"} {
		for _, r := range s {
			if r == ' ' {
				continue
			}
			if i, err := fnt.GlyphIndex(&sb, r); err != nil || i == 0 {
				t.Errorf("no glyph for %q in %q", r, s)
			}
		}
	}
}

// sheetCases are the measure sheets whose round trip must hold: the seed,
// the tricky variants in testdata/sheets and the sheet fuzz corpus.
func sheetCases(t *testing.T) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	read := func(name, path string) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = data
	}
	read("seed F.019", seedFiles()[0])
	paths, _ := filepath.Glob(repoFile("testdata", "sheets", "*.txt"))
	for _, p := range paths {
		read(filepath.Base(p), p)
	}
	corpus, _ := filepath.Glob(filepath.Join("..", "importer", "testdata", "fuzz", "FuzzParseSheet", "*"))
	for _, p := range corpus {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		// go test fuzz v1 / []byte("…")
		line := strings.TrimSpace(strings.SplitN(string(data), "\n", 2)[1])
		s, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(line, "[]byte("), ")"))
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		out["fuzz "+filepath.Base(p)] = []byte(s)
	}
	if len(out) < 6 {
		t.Fatalf("only %d sheets found", len(out))
	}
	return out
}

// sameSheet compares what a sheet holds: code, title, every sheet field,
// the sections, and the steps' texts and planned years.
func sameSheet(t *testing.T, name string, got, want commands.Measure, checkStatus bool) {
	t.Helper()
	type fields struct {
		Code, Title, Responsible, TargetGroup, Objective, Description, Status string
		CostsPlanned, CostsActual, RunningCosts, Funding, Staff               string
	}
	g := fields{got.Code, got.Title, got.Responsible, got.TargetGroup, got.Objective, got.Description, got.Status,
		got.CostsPlanned, got.CostsActual, got.RunningCosts, got.Funding, got.Staff}
	w := fields{want.Code, want.Title, want.Responsible, want.TargetGroup, want.Objective, want.Description, want.Status,
		want.CostsPlanned, want.CostsActual, want.RunningCosts, want.Funding, want.Staff}
	if !checkStatus {
		g.Status, w.Status = "", ""
	}
	if g != w {
		t.Errorf("%s: fields\n got %+v\nwant %+v", name, g, w)
	}
	if len(got.Sections) != len(want.Sections) {
		t.Errorf("%s: sections %q, want %q", name, got.Sections, want.Sections)
	} else {
		for i := range want.Sections {
			if got.Sections[i] != want.Sections[i] {
				t.Errorf("%s: section %d %q, want %q", name, i, got.Sections[i], want.Sections[i])
			}
		}
	}
	if len(got.Steps) != len(want.Steps) {
		t.Fatalf("%s: %d steps, want %d: %+v", name, len(got.Steps), len(want.Steps), got.Steps)
	}
	for i, s := range want.Steps {
		if got.Steps[i].Number != s.Number || got.Steps[i].Text != s.Text || got.Steps[i].PlannedYear != s.PlannedYear {
			t.Errorf("%s: step %d\n got %d %q %d\nwant %d %q %d", name, i+1, got.Steps[i].Number, got.Steps[i].Text,
				got.Steps[i].PlannedYear, s.Number, s.Text, s.PlannedYear)
		}
	}
}

// reimport parses an exported sheet, with --code when the first line
// cannot carry the code.
func reimport(t *testing.T, code string, sheet []byte) commands.Measure {
	t.Helper()
	opt := importer.Options{}
	if export.SheetNeedsCode(code) {
		opt.Code = code
	}
	if f, err := importer.Detect(sheet); err != nil || f != importer.FormatSheet {
		t.Fatalf("exported sheet detected as %q (%v):\n%s", f, err, sheet)
	}
	m, err := importer.ParseSheet("export.txt", sheet, opt)
	if err != nil {
		t.Fatalf("re-import: %v\n%s", err, sheet)
	}
	return m
}

// TestSheetRoundTrip: ParseSheet(Sheet(m)) gives back m's code, title,
// fields, sections and steps for every sheet we have; a sheet of a measure
// without progress reproduces the status too.
func TestSheetRoundTrip(t *testing.T) {
	f := newFixture(t)
	for name, data := range sheetCases(t) {
		m, err := importer.ParseSheet(name, data, importer.Options{})
		if err != nil {
			if strings.HasPrefix(name, "fuzz ") {
				continue // a corpus entry the importer refuses: nothing to round-trip
			}
			t.Fatalf("%s: %v", name, err)
		}
		var buf bytes.Buffer
		if err := export.Sheet(&buf, commands.DumpMeasure{Measure: m}, f.options("de")); err != nil {
			t.Fatal(err)
		}
		got := reimport(t, m.Code, buf.Bytes())
		// the state of the day is written under its own label and not read
		// back into the status
		sameSheet(t, name, got, m, true)
		if len(m.Steps) > 0 && !strings.Contains(buf.String(), "Stand laut klimabot\t\t\t\t\t\nStand 21.11.2026: 0 von "+strconv.Itoa(len(m.Steps))+" Schritten erledigt.") {
			t.Errorf("%s: no state block:\n%s", name, buf.String())
		}
		// and once more: the exported sheet is a fixed point
		var again bytes.Buffer
		if err := export.Sheet(&again, commands.DumpMeasure{Measure: got}, f.options("de")); err != nil {
			t.Fatal(err)
		}
		if again.String() != buf.String() {
			t.Errorf("%s: second export differs:\n%s\n---\n%s", name, again.String(), buf.String())
		}
	}
}

// TestSheetWithProgress: with done steps and entries, in every language,
// the status carries today's state after the original text and everything
// else comes back unchanged.
func TestSheetWithProgress(t *testing.T) {
	f := newFixture(t)
	d := f.dump()
	for _, lang := range []string{"de", "cs", "es", "en"} {
		for _, m := range d.Measures {
			var buf bytes.Buffer
			if err := export.Sheet(&buf, m, f.options(lang)); err != nil {
				t.Fatal(err)
			}
			got := reimport(t, m.Code, buf.Bytes())
			want := m.Measure
			if m.Code != "F.019" {
				// the call: a sheet has no dates of steps and no line
				// breaks inside a step
				for i := range want.Steps {
					want.Steps[i].Text = strings.Join(strings.Fields(want.Steps[i].Text), " ")
				}
			}
			sameSheet(t, lang+" "+m.Code, got, want, false)
			if !strings.HasPrefix(got.Status, m.Status) {
				t.Errorf("%s %s: status %q lost the original %q", lang, m.Code, got.Status, m.Status)
			}
		}
		var buf bytes.Buffer
		if err := export.Sheet(&buf, d.Measures[0], f.options(lang)); err != nil {
			t.Fatal(err)
		}
		golden(t, "sheet.F.019."+lang+".txt", buf.Bytes())
	}
}
