package main

import (
	"bytes"
	"encoding/csv"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// exportNow pins the export's clock.
const exportNow = "2026-11-21T10:00:00+01:00"

// demoDB writes the demo database (seeds, done steps, entries, deadlines)
// to a file and returns its environment.
func demoDB(t *testing.T) map[string]string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "demo.db")
	if r := runCmd(t, nil, "", "demo", "--db", path); r.err != nil {
		t.Fatalf("demo: %v\n%s", r.err, r.stderr)
	}
	return map[string]string{"KLIMABOT_DB": path}
}

// TestExportJSONRestores: export --format json, import into a new database,
// and the console answers the same there.
func TestExportJSONRestores(t *testing.T) {
	env := demoDB(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "klimabot.json")
	r := runCmd(t, env, "", "export", "--format", "json", "--out", out)
	if r.err != nil {
		t.Fatalf("export: %v\n%s", r.err, r.stderr)
	}
	mustContain(t, "export output", r.stdout, "klimabot.json geschrieben (json)")

	env2 := map[string]string{"KLIMABOT_DB": filepath.Join(dir, "restored.db")}
	r = runCmd(t, env2, "", "import", out)
	if r.err != nil {
		t.Fatalf("import: %v\n%s", r.err, r.stderr)
	}
	mustContain(t, "import output", r.stdout, "2 Maßnahmen mit Schritten, Fristen und Fortschritt wiederhergestellt")

	script := "status F.019\nstav F.019\nliste\nfristen alle\nkanal\n"
	a := runCmd(t, env, script, "console", "--channel", "demo")
	b := runCmd(t, env2, script, "console", "--channel", "demo")
	if a.stdout != b.stdout {
		t.Errorf("answers differ after restore:\n--- restored\n%s\n--- original\n%s", b.stdout, a.stdout)
	}
	mustContain(t, "restored answers", b.stdout, "4 von 6 Schritten erledigt", "Jana Nováková", "F.019")

	// a second import into the now full database is refused, with the reason
	r = runCmd(t, env2, "", "import", out)
	if r.err == nil {
		t.Fatal("import of a JSON export into a full database succeeded")
	}
	mustContain(t, "refusal", r.stderr, "enthält bereits Maßnahmen")
}

func TestExportFormats(t *testing.T) {
	env := demoDB(t)
	dir := t.TempDir()

	// md to stdout, in Czech
	r := runCmd(t, env, "", "export", "--format", "md", "--lang", "cs", "--now", exportNow, "F.019")
	if r.err != nil {
		t.Fatalf("md: %v\n%s", r.err, r.stderr)
	}
	mustContain(t, "md", r.stdout, "# Zpráva o stavu plnění ke dni 21. listopadu 2026", "splněno 4 z 6 kroků", "- [x] 1. Analyse")

	// csv: BOM, semicolons, German headers
	r = runCmd(t, env, "", "export", "--format", "csv", "--now", exportNow)
	if r.err != nil || !strings.HasPrefix(r.stdout, "\uFEFFCode;Titel;Zuständigkeit;") {
		t.Fatalf("csv: %v %q", r.err, r.stdout[:min(len(r.stdout), 80)])
	}
	rd := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.stdout, "\uFEFF")))
	rd.Comma = ';'
	recs, err := rd.ReadAll()
	if err != nil || len(recs) != 3 || recs[1][0] != "F.019" || recs[1][3] != "4" {
		t.Errorf("csv records %v %q", err, recs)
	}
	// --sep and English
	r = runCmd(t, env, "", "export", "--format", "csv", "--lang", "en", "--sep", `\t`, "F.019")
	if r.err != nil || !strings.HasPrefix(r.stdout, "\uFEFFCode\tTitle\t") {
		t.Errorf("csv --sep: %v %q", r.err, r.stdout[:min(len(r.stdout), 40)])
	}

	// xlsx to a file
	xlsx := filepath.Join(dir, "k.xlsx")
	if r = runCmd(t, env, "", "export", "--format", "xlsx", "--lang", "es", "--out", xlsx); r.err != nil {
		t.Fatalf("xlsx: %v\n%s", r.err, r.stderr)
	}
	x, err := excelize.OpenFile(xlsx)
	if err != nil {
		t.Fatal(err)
	}
	if got := x.GetSheetList(); len(got) != 2 || got[0] != "Medidas" || got[1] != "Plazos pendientes" {
		t.Errorf("sheets %q", got)
	}
	if v, _ := x.GetCellValue("Medidas", "B1"); v != "Título" {
		t.Errorf("B1 %q", v)
	}
	x.Close()

	// sheet of one measure re-imports
	r = runCmd(t, env, "", "export", "--format", "sheet", "F.019")
	if r.err != nil {
		t.Fatalf("sheet: %v\n%s", r.err, r.stderr)
	}
	sheet := filepath.Join(dir, "F.019.txt")
	if err := os.WriteFile(sheet, []byte(r.stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	r = runCmd(t, map[string]string{"KLIMABOT_DB": filepath.Join(dir, "sheet.db")}, "", "import", sheet)
	mustContain(t, "sheet re-import", r.stdout, "F.019 neu angelegt")

	// sheets and timelines of all measures into a directory
	all := filepath.Join(dir, "all")
	r = runCmd(t, env, "", "export", "--format", "sheet", "--out", all)
	if r.err != nil {
		t.Fatalf("sheets: %v\n%s", r.err, r.stderr)
	}
	mustContain(t, "hint", r.stderr, "--code aufruf-lateinamerikanische-kommunen")
	for _, name := range []string{"F.019.txt", "aufruf-lateinamerikanische-kommunen.txt"} {
		if _, err := os.Stat(filepath.Join(all, name)); err != nil {
			t.Error(err)
		}
	}
	pic := filepath.Join(dir, "f019.png")
	if r = runCmd(t, env, "", "export", "F.019", "--format", "png", "--out", pic); r.err != nil {
		t.Fatalf("png: %v\n%s", r.err, r.stderr)
	}
	data, err := os.ReadFile(pic)
	if err != nil {
		t.Fatal(err)
	}
	if img, err := png.Decode(bytes.NewReader(data)); err != nil || img.Bounds().Dx() != 1200 {
		t.Errorf("png: %v", err)
	}
}

func TestExportErrors(t *testing.T) {
	env := demoDB(t)
	for _, tt := range []struct {
		args []string
		exit int
		want string
	}{
		{[]string{"export"}, 2, "--format"},
		{[]string{"export", "--format", "pdf"}, 2, "--format"},
		{[]string{"export", "--format", "md", "--since", "gestern"}, 2, "--since"},
		{[]string{"export", "--format", "csv", "--sep", ";;"}, 2, "--sep"},
		{[]string{"export", "--format", "md", "--now", "bald"}, 2, "--now"},
		{[]string{"export", "--format", "png"}, 2, "--out"},
	} {
		r := runCmd(t, env, "", tt.args...)
		if exitCode(r.err) != tt.exit || !strings.Contains(r.err.Error(), tt.want) {
			t.Errorf("%v: exit %d %v, want %d naming %s", tt.args, exitCode(r.err), r.err, tt.exit, tt.want)
		}
	}
	r := runCmd(t, env, "", "export", "--format", "md", "F.91")
	if exitCode(r.err) != 1 {
		t.Errorf("unknown code: %v", r.err)
	}
	mustContain(t, "unknown code", r.stderr, "Eine Maßnahme „F.91“ gibt es nicht.")
}

// TestConsoleSavesFiles: report and timeline answers carry files; the
// console saves them with --files and says how otherwise.
func TestConsoleSavesFiles(t *testing.T) {
	env := demoDB(t)
	dir := filepath.Join(t.TempDir(), "docs")
	r := runCmd(t, env, "bericht F.019\nzeitachse F.019\n", "console", "--files", dir)
	if r.err != nil {
		t.Fatalf("console: %v\n%s", r.err, r.stderr)
	}
	mustContain(t, "console", r.stdout, "Sachstandsbericht für F.019", "Datei gespeichert: ", "F.019-zeitachse-")
	files, _ := filepath.Glob(filepath.Join(dir, "F.019-*"))
	if len(files) != 2 {
		t.Errorf("saved %q", files)
	}
	r = runCmd(t, env, "harmonogram F.019\n", "console")
	mustContain(t, "console without --files", r.stdout, "Harmonogram opatření F.019", "nebyl uložen", "--files")
}
