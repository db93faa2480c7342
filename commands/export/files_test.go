package export_test

import (
	"archive/zip"
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/klimabot/klimabot/commands/export"
)

// TestCSVCzechDates (issue 15, item 16): Czech dates in the CSV have no
// spaces, so that Excel in a Czech locale reads them as dates.
func TestCSVCzechDates(t *testing.T) {
	f := newFixture(t)
	_, recs := f.csvExport(f.dump("F.019"), "cs")
	if len(recs) != 2 || recs[1][5] != "31.12.2024" || recs[1][7] != "6.11.2026" {
		t.Errorf("Czech CSV dates: next %q, last %q; want 31.12.2024 and 6.11.2026", recs[1][5], recs[1][7])
	}
}

// TestXLSXMetadata (issue 15, item 16): the workbook says klimabot made it,
// at the time of the export, not excelize's author "xuri" of 2006.
func TestXLSXMetadata(t *testing.T) {
	f := newFixture(t)
	var buf bytes.Buffer
	if err := export.XLSX(&buf, f.dump(), f.options("de")); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var core string
	for _, zf := range zr.File {
		if zf.Name == "docProps/core.xml" {
			rc, err := zf.Open()
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(rc)
			rc.Close()
			core = string(b)
		}
	}
	want := now.UTC().Format("2006-01-02T15:04:05Z")
	for _, s := range []string{"<dc:creator>klimabot</dc:creator>", want} {
		if !strings.Contains(core, s) {
			t.Errorf("core.xml lacks %q:\n%s", s, core)
		}
	}
	if strings.Contains(core, "xuri") || strings.Contains(core, "2006-") {
		t.Errorf("core.xml still has the template's author or date:\n%s", core)
	}
}
