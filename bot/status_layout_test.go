package bot

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/klimabot/klimabot/commands"
)

// longStatus is a sheet's "Aktueller Stand" as towns write it: a paragraph.
const longStatus = "Die Absichtserklärung wurde am 23.06.2023 von beiden Bürgermeistern " +
	"unterzeichnet. Das Handlungsprogramm liegt im Entwurf vor und wird im Herbst mit " +
	"den Fraktionen beraten; der Ratsbeschluss ist für die Sitzung im Dezember geplant."

// TestStatusLongTextsFullWidth (issue 15, item 15): `/klima status` over
// real HTTP puts the long "Aktueller Stand" paragraph and the lone "Nächste
// Frist" into full-width sections, not into the half-width columns of a
// fields block; fields stay for short label/value pairs such as
// Zuständigkeit.
func TestStatusLongTextsFullWidth(t *testing.T) {
	h := newHarness(t)
	m := testF019()
	m.Code, m.Status = "F.020", longStatus
	if _, err := h.db.Import(context.Background(), "stand.txt", []commands.Measure{m}); err != nil {
		t.Fatal(err)
	}
	_, body := h.command("U1", chanF019, "status F.020", "")
	if path := os.Getenv("KLIMABOT_DUMP_STATUS"); path != "" {
		os.WriteFile(path, []byte(body), 0o644) // for blockkit-preview
	}
	a := h.answer(body)
	sawStatus, sawDeadline, sawFields := false, false, false
	for _, raw := range a.Blocks {
		var b struct {
			Type   string `json:"type"`
			Text   *struct{ Text string }
			Fields []struct{ Text string }
		}
		if err := json.Unmarshal(raw, &b); err != nil {
			t.Fatal(err)
		}
		for _, f := range b.Fields {
			sawFields = true
			if strings.Contains(f.Text, "Aktueller Stand") || strings.Contains(f.Text, "Nächste Frist") {
				t.Errorf("a long or lone text sits in a half-width field: %q", f.Text)
			}
			if n := utf8.RuneCountInString(f.Text); n > 60 {
				t.Errorf("field of %d characters wraps in a half-width column: %q", n, f.Text)
			}
		}
		if b.Text != nil {
			sawStatus = sawStatus || strings.HasPrefix(b.Text.Text, "*Aktueller Stand*\n"+longStatus[:40])
			sawDeadline = sawDeadline || strings.HasPrefix(b.Text.Text, "*Nächste Frist*\n")
		}
	}
	if !sawStatus || !sawDeadline {
		t.Errorf("no full-width section for Aktueller Stand (%v) or Nächste Frist (%v):\n%s", sawStatus, sawDeadline, body)
	}
	if !sawFields {
		t.Errorf("short pairs such as Zuständigkeit should stay fields:\n%s", body)
	}
}
