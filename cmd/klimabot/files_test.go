package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestImportErrorNamesFileOnce (issue 15, item 11): a line-level import
// error names the file and the line once, not "…/bad.csv, Zeile 4:
// bad.csv, Zeile 4: …", in every language, and ends with the one phrase
// for "nothing was stored".
func TestImportErrorNamesFileOnce(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte("code,title,status\nA.1,Eins,ok\nA.2,Zwei\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "leer.txt")
	if err := os.WriteFile(empty, []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for lang, want := range map[string][]string{
		"de": {bad + ", Zeile 3: Die Zeile hat nicht so viele Felder", "Aus dieser Datei wurde nichts übernommen.", empty + ": Die Datei ist leer."},
		"cs": {bad + ", řádek 3: ", "Z tohoto souboru nebylo nic uloženo."},
		"es": {bad + ", línea 3: ", "No se guardó nada de este archivo."},
		"en": {bad + ", line 3: ", "Nothing of this file was written."},
	} {
		env := map[string]string{"KLIMABOT_DB": filepath.Join(t.TempDir(), "k.db")}
		r := runCmd(t, env, "", "import", "--lang", lang, bad, empty)
		if r.err == nil {
			t.Fatalf("%s: import of a broken file succeeded", lang)
		}
		mustContain(t, lang+" error", r.stderr, want...)
		if n := strings.Count(r.stderr, "bad.csv"); n != 1 {
			t.Errorf("%s: the file is named %d times:\n%s", lang, n, r.stderr)
		}
		if n := strings.Count(r.stderr, "leer.txt"); n != 1 {
			t.Errorf("%s: the empty file is named %d times:\n%s", lang, n, r.stderr)
		}
	}
}

// TestSheetRoundTripCLI (issue 15, item 12): exporting a sheet and
// importing it again, twice, neither piles up the "Stand …" block nor loses
// the done steps (also into a new database, in every language); the sheet
// carries no raw HTML, also for a measure that came from CSV.
func TestSheetRoundTripCLI(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"KLIMABOT_DB": filepath.Join(dir, "k.db")}
	if r := runCmd(t, env, "", "import", seedPath(t, "000_"), filepath.Join("..", "..", "testdata", "csv", "katalog_de.csv")); r.err != nil {
		t.Fatalf("import: %v\n%s", r.err, r.stderr)
	}
	if r := runCmd(t, env, "erledigt F.019 1-3\neintragen F.019 Treffen mit der Delegation\n", "console"); r.err != nil {
		t.Fatalf("console: %v\n%s", r.err, r.stderr)
	}
	sheet := func(env map[string]string, name, lang, code string) string {
		t.Helper()
		out := filepath.Join(dir, name)
		if r := runCmd(t, env, "", "export", "--format", "sheet", "--lang", lang, "--out", out, code); r.err != nil {
			t.Fatalf("export %s: %v\n%s", name, r.err, r.stderr)
		}
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	first := sheet(env, "s1.txt", "de", "F.019")
	for i := 0; i < 2; i++ {
		if r := runCmd(t, env, "", "import", filepath.Join(dir, "s1.txt")); r.err != nil {
			t.Fatalf("re-import: %v\n%s", r.err, r.stderr)
		}
	}
	again := sheet(env, "s2.txt", "de", "F.019")
	if again != first {
		t.Errorf("the sheet changed after importing it again:\n%s\n---\n%s", first, again)
	}
	if n := strings.Count(again, "Stand laut klimabot"); n != 1 {
		t.Errorf("state block %d times:\n%s", n, again)
	}
	for _, s := range []string{first, sheet(env, "e1.txt", "de", "E.01")} {
		if strings.Contains(s, "<ol") || strings.Contains(s, "</ol>") || strings.Contains(s, "style=") {
			t.Errorf("sheet carries raw HTML:\n%s", s)
		}
	}
	for _, lang := range []string{"de", "cs", "es", "en"} {
		sheet(env, "s-"+lang+".txt", lang, "F.019")
		fresh := map[string]string{"KLIMABOT_DB": filepath.Join(dir, "fresh-"+lang+".db")}
		if r := runCmd(t, fresh, "", "import", filepath.Join(dir, "s-"+lang+".txt")); r.err != nil {
			t.Fatalf("%s: import into a new database: %v\n%s", lang, r.err, r.stderr)
		}
		r := runCmd(t, fresh, "status F.019\n", "console", "--lang", "de")
		mustContain(t, lang+" status in the new database", r.stdout, "[x] 1. ", "[x] 2. ", "[x] 3. ")
		if strings.Contains(r.stdout, "Stand laut klimabot") || strings.Contains(r.stdout, "Treffen mit der Delegation") {
			t.Errorf("%s: the state block landed in the status:\n%s", lang, r.stdout)
		}
	}
}

// TestDemoFilesAndHelp (issue 15, item 13): the demo saves report and
// timeline files with --files, as its own hint says; `demo --help` and the
// other subcommands' --help exit 0; a flag error names the subcommand once.
func TestDemoFilesAndHelp(t *testing.T) {
	dir := t.TempDir()
	r := runCmd(t, nil, "zeitachse F.019\nbericht F.019\n", "demo", "--files", dir, "--lang", "de")
	if r.err != nil {
		t.Fatalf("demo --files: %v\n%s", r.err, r.stderr)
	}
	mustContain(t, "demo output", r.stdout, "Datei gespeichert: ")
	if strings.Contains(r.stdout, "--files") {
		t.Errorf("the demo with --files still tells to start with --files:\n%s", r.stdout)
	}
	saved, _ := filepath.Glob(filepath.Join(dir, "*"))
	var png, md bool
	for _, p := range saved {
		png = png || strings.HasSuffix(p, ".png")
		md = md || strings.HasSuffix(p, ".md")
	}
	if !png || !md {
		t.Errorf("saved files %v, want a .png timeline and a .md report", saved)
	}

	for _, sub := range []string{"demo", "console", "import", "export", "backup"} {
		for _, h := range []string{"--help", "-h"} {
			r := runCmd(t, nil, "", sub, h)
			if code := exitCode(r.err); code != 0 {
				t.Errorf("%s %s: exit %d (%v), want 0", sub, h, code, r.err)
			}
			mustContain(t, sub+" "+h, r.stderr, "Usage of klimabot "+sub)
		}
	}
	r = runCmd(t, nil, "", "demo", "--frobnicate")
	if exitCode(r.err) != 2 || strings.Contains(r.err.Error(), "klimabot demo") || !strings.HasPrefix(r.err.Error(), "demo: ") {
		t.Errorf("demo --frobnicate: %v (exit %d), want exit 2 with one prefix", r.err, exitCode(r.err))
	}
}

// TestReadmeForNewcomers (issue 15, items 13, 16, 18): the README a
// newcomer follows on a fresh clone names files that exist (the embedded
// seeds where they are, import examples), the Go version go.mod asks for,
// the demo's --lang and --files, and --sep , for Mexico.
func TestReadmeForNewcomers(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	gomod, err := os.ReadFile(filepath.Join("..", "..", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	goVersion := regexp.MustCompile(`(?m)^go (\S+)`).FindStringSubmatch(string(gomod))[1]
	if !strings.Contains(text, "Go "+goVersion+",") && !strings.Contains(text, "Go "+goVersion+" ") {
		t.Errorf("README does not name go.mod's Go %s", goVersion)
	}
	for _, v := range regexp.MustCompile(`Go (1\.\d+(?:\.\d+)?)\b`).FindAllStringSubmatch(text, -1) {
		if v[1] != goVersion && !strings.HasPrefix(text[strings.Index(text, v[0]):], v[0]+" or later") {
			t.Errorf("README names Go %s, go.mod %s", v[1], goVersion)
		}
	}
	if strings.Contains(text, "../shared/seeds") {
		t.Error("README points to ../shared/seeds, which a clone does not have")
	}
	paths := regexp.MustCompile(`(?:cmd|testdata|docs|bot|commands|storage)/[\w./-]+\.(?:txt|csv|yaml|service|md|sh)\b`).FindAllString(text, -1)
	if len(paths) < 4 {
		t.Fatalf("README names only %d repository files: %q", len(paths), paths)
	}
	for _, p := range paths {
		if _, err := os.Stat(filepath.Join("..", "..", p)); err != nil {
			t.Errorf("README names %s, which does not exist", p)
		}
	}
	for _, want := range []string{"cmd/klimabot/seeds/", "testdata/csv/katalog_de.csv", "--sep ,", "Mexico", "`--lang cs`", "`--files DIR`", "demo --help"} {
		if !strings.Contains(text, want) {
			t.Errorf("README does not mention %q", want)
		}
	}
	for _, stale := range []string{"massnahmen/F.019.txt katalog.csv", "aufruf.txt"} {
		if strings.Contains(text, "./klimabot import --db klimabot.db "+stale) {
			t.Errorf("README imports %s, which does not exist", stale)
		}
	}
}
