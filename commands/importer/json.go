package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"

	"github.com/klimabot/klimabot/commands"
)

// FormatJSON is klimabot's own JSON export (commands.Dump), recognised by
// its top-level "format": "klimabot-export".
const FormatJSON Format = "json"

// isExport reports whether text is a JSON object whose top-level "format"
// names klimabot's export.
func isExport(text string) bool {
	t := strings.TrimSpace(text)
	if !strings.HasPrefix(t, "{") {
		return false
	}
	var head struct {
		Format string `json:"format"`
	}
	// A broken export still counts as one (ParseDump then names the line),
	// as long as its marker can be found near the start.
	if err := json.Unmarshal([]byte(t), &head); err == nil {
		return head.Format == commands.DumpFormat
	}
	start := t[:min(len(t), 512)]
	return strings.Contains(start, `"format"`) && strings.Contains(start, `"`+commands.DumpFormat+`"`)
}

// ParseDump reads a JSON export written by `klimabot export --format json`.
// Every error is a *ParseError naming the line; a file that is JSON but no
// klimabot export, or an export of a newer version, is refused.
func ParseDump(name string, data []byte) (commands.Dump, error) {
	text, err := decode(name, data)
	if err != nil {
		return commands.Dump{}, err
	}
	var d commands.Dump
	dec := json.NewDecoder(strings.NewReader(text))
	if err := dec.Decode(&d); err != nil {
		line := 0
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			line = lineAt(text, se.Offset)
		case errors.As(err, &te):
			line = lineAt(text, te.Offset)
		}
		return commands.Dump{}, parseErr(name, line, "import.json_invalid", commands.Data{"Reason": err.Error()},
			"not a readable klimabot export: %w", err)
	}
	if dec.More() {
		return commands.Dump{}, parseErr(name, 0, "import.json_invalid", commands.Data{"Reason": "text after the export"},
			"text after the export's closing brace")
	}
	if d.Format != commands.DumpFormat {
		return commands.Dump{}, parseErr(name, 0, "import.json_format", commands.Data{"Format": d.Format},
			"format %q: expected %q", d.Format, commands.DumpFormat)
	}
	if d.Version < 1 || d.Version > commands.DumpVersion {
		return commands.Dump{}, parseErr(name, 0, "import.json_version", commands.Data{"Version": d.Version, "Max": commands.DumpVersion},
			"export version %d: this klimabot reads versions 1 to %d", d.Version, commands.DumpVersion)
	}
	return d, nil
}

// lineAt returns the 1-based line of byte offset off in text.
func lineAt(text string, off int64) int {
	if off < 0 {
		return 0
	}
	if off > int64(len(text)) {
		off = int64(len(text))
	}
	return bytes.Count([]byte(text[:off]), []byte("\n")) + 1
}

// dumpMeasures returns the sheet part of an export's measures (fields,
// sections, steps with their planned periods), what Parse gives for a JSON
// export. Done states, deadlines and entries are left to Restore.
func dumpMeasures(d commands.Dump) []commands.Measure {
	out := make([]commands.Measure, 0, len(d.Measures))
	for _, dm := range d.Measures {
		m := dm.Measure
		m.ID = 0
		m.Steps = make([]commands.Step, len(dm.Steps))
		for i, s := range dm.Steps {
			m.Steps[i] = commands.Step{Number: s.Number, Text: s.Text, PlannedYear: s.PlannedYear, PlannedDate: s.PlannedDate}
		}
		out = append(out, m)
	}
	return out
}
