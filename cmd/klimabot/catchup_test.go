package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestImportSaysWhichStepsArePast: importing a plan whose timeline lies in
// the past says which steps are open and past and how to tick the done
// ones in one go, in the CLI's language (issue 15.1, SPEC "Reminders").
func TestImportSaysWhichStepsArePast(t *testing.T) {
	env := map[string]string{"KLIMABOT_DB": filepath.Join(t.TempDir(), "k.db")}
	sheet, call := seedPath(t, "000_"), seedPath(t, "001_")
	r := runCmd(t, env, "", "import", sheet, call)
	if r.err != nil {
		t.Fatalf("import: %v\n%s", r.err, r.stderr)
	}
	mustContain(t, "German import", r.stdout,
		"F.019: 6 Schritte sind laut Zeitachse fällig, aber nicht erledigt (Schritte 1, 2, 3, 4, 5 und 6).",
		"`/klima erledigt F.019 1-6`",
		"aufruf-lateinamerikanische-kommunen: 5 Schritte sind laut Zeitachse fällig")

	// ticked steps are no longer named; one left reads in the singular
	if r := runCmd(t, env, "erledigt F.019 1-5\nexit\n", "console"); r.err != nil {
		t.Fatalf("console: %v\n%s", r.err, r.stderr)
	}
	r = runCmd(t, env, "", "import", "--lang", "es", sheet)
	if r.err != nil {
		t.Fatalf("re-import: %v\n%s", r.err, r.stderr)
	}
	mustContain(t, "Spanish re-import", r.stdout,
		"F.019: según el cronograma, el paso 6 ya debería estar completado",
		"`/klima hecho F.019 6`")
	r = runCmd(t, env, "", "import", "--lang", "cs", call)
	mustContain(t, "Czech re-import", r.stdout, "5 kroků mělo být podle harmonogramu už splněno", "(kroky 1, 2, 3, 4 a 5)", "`/klima hotovo aufruf-lateinamerikanische-kommunen 1-5`")
	if strings.Contains(r.stdout, "Schritte") {
		t.Errorf("Czech import speaks German:\n%s", r.stdout)
	}
}
