package main

import (
	"strings"
	"testing"
)

// TestConsolePhrasing types into the demo console as people write (issue
// 15): a step list with "y" ticks both steps and announces them joined per
// language, an ambiguous rest is asked back, "klima" without the slash and
// a zero-width space before the command work, and the list finds "Nové"
// typed without its accent.
func TestConsolePhrasing(t *testing.T) {
	in := strings.Join([]string{
		"erledigt F.019 5 oder 6",
		"hecho F.019 5 y 6",
		"klima stav F.019",
		"\u200bstatus F.019",
		"\ufeffseznam nove",
		"dejar de seguir F.019",
	}, "\n") + "\n"
	r := runCmd(t, map[string]string{}, in, "demo")
	if r.err != nil {
		t.Fatalf("demo: %v\n%s", r.err, r.stderr)
	}
	mustContain(t, "demo", r.stdout,
		"Meinten Sie die Schritte 5 und 6?",
		"F.019: pasos 5 y 6 marcados como completados.",
		"die Schritte 5 und 6 erledigt.",
		"označil(a) kroky 5 a 6 opatření",
		"splněno 6 z 6 kroků",
		"Opatření obsahující „nove“ (1)",
	)
	if strings.Contains(r.stdout, "kenne ich nicht") || strings.Contains(r.stdout, "neznám") || strings.Contains(r.stdout, "No conozco") {
		t.Errorf("a command was not recognised:\n%s", r.stdout)
	}
	if strings.Contains(r.stdout, "No existe la medida «de»") || strings.Contains(r.stdout, "No existe la medida “de”") {
		t.Errorf("dejar de seguir read \"de\" as a code:\n%s", r.stdout)
	}
}
