package main

import (
	"os"
	"path/filepath"
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
