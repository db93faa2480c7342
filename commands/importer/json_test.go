package importer

import (
	"errors"
	"strings"
	"testing"

	"github.com/klimabot/klimabot/commands"
)

const exportJSON = `{
  "format": "klimabot-export",
  "version": 1,
  "exported_at": "2026-11-21T09:00:00Z",
  "measures": [
    {
      "ID": 7, "Code": "F.019", "Title": "Kommunale Klimapartnerschaft",
      "Steps": [{"Number": 1, "Text": "Analyse", "PlannedYear": 2022, "PlannedDate": "", "Done": true,
        "DoneBy": {"ID": "U1", "Name": "Anna"}, "DoneAt": "2023-06-23T14:00:00Z"}],
      "Deadlines": [{"ID": 3, "Step": 1, "Due": "2026-11-23", "Text": "Besuch", "State": "open", "OriginalDue": "2026-11-16"}],
      "Entries": [{"ID": 4, "Text": "Analyse abgeschlossen.", "Source": "command", "CreatedAt": "2026-11-01T10:00:00Z"}]
    }
  ],
  "channels": [],
  "users": []
}`

func TestDetectExport(t *testing.T) {
	for _, tt := range []struct {
		name, data string
		want       Format
	}{
		{"export", exportJSON, FormatJSON},
		{"export with BOM", "\uFEFF" + exportJSON, FormatJSON},
		{"broken export", exportJSON[:200], FormatJSON},
	} {
		if f, err := Detect([]byte(tt.data)); err != nil || f != tt.want {
			t.Errorf("%s: %q %v, want %q", tt.name, f, err, tt.want)
		}
	}
	if f, err := Detect([]byte(`{"format": "something-else"}`)); err == nil {
		t.Errorf("foreign JSON detected as %q", f)
	}
}

func TestParseDump(t *testing.T) {
	d, err := ParseDump("k.json", []byte(exportJSON))
	if err != nil {
		t.Fatal(err)
	}
	m := d.Measures[0]
	if m.ID != 7 || !m.Steps[0].Done || m.Steps[0].DoneBy.Name != "Anna" ||
		m.Deadlines[0].Due != (commands.Date{Year: 2026, Month: 11, Day: 23}) ||
		m.Deadlines[0].OriginalDue != (commands.Date{Year: 2026, Month: 11, Day: 16}) || m.Entries[0].Text != "Analyse abgeschlossen." {
		t.Errorf("dump %+v", d)
	}
	// Parse gives the sheet part only.
	ms, f, err := Parse("k.json", []byte(exportJSON), Options{})
	if err != nil || f != FormatJSON || len(ms) != 1 || ms[0].ID != 0 || ms[0].Steps[0].Done || ms[0].Steps[0].PlannedYear != 2022 {
		t.Errorf("Parse: %q %v %+v", f, err, ms)
	}
}

func TestParseDumpErrors(t *testing.T) {
	for _, tt := range []struct {
		name, data, id string
		line           int
	}{
		{"cut off", exportJSON[:200], "import.json_invalid", 0},
		{"bad date", strings.Replace(exportJSON, `"2026-11-23"`, `"23.11.2026"`, 1), "import.json_invalid", 0},
		{"syntax", strings.Replace(exportJSON, `"version": 1,`, `"version": 1,,`, 1), "import.json_invalid", 3},
		{"newer", strings.Replace(exportJSON, `"version": 1`, `"version": 9`, 1), "import.json_version", 0},
		{"trailing", exportJSON + "{}", "import.json_invalid", 0},
	} {
		_, err := ParseDump("k.json", []byte(tt.data))
		var pe *ParseError
		if !errors.As(err, &pe) || pe.Msg.ID != tt.id || (tt.line > 0 && pe.Line != tt.line) {
			t.Errorf("%s: %v (line %d), want %s", tt.name, err, lineOf(pe), tt.id)
		}
	}
}

func lineOf(pe *ParseError) int {
	if pe == nil {
		return -1
	}
	return pe.Line
}
