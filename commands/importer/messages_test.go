package importer

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"text/template"

	"github.com/BurntSushi/toml"
)

// TestMessages checks that every message id the package uses is translated
// in all four languages and that each translation renders with the data
// the importer really gives it.
func TestMessages(t *testing.T) {
	// One input per message id, to get real message data.
	cases := []struct {
		id  string
		err func() error
	}{
		{"import.empty", func() error { _, err := ParseSheet("f", nil, Options{}); return err }},
		{"import.unknown_format", func() error { _, _, err := Parse("f", []byte("Hallo"), Options{}); return err }},
		{"import.encoding", func() error { _, err := ParseCall("f", []byte{0xFF, 0xFE, 1}, Options{}); return err }},
		{"import.bad_code_option", func() error { _, err := ParseCall("f", []byte("A"), Options{Code: "a b"}); return err }},
		{"import.code_option_many", func() error {
			_, err := ParseCSV("f", []byte("code,title\nA,a\nB,b"), Options{Code: "X"})
			return err
		}},
		{"import.sheet_title", func() error { _, err := ParseSheet("f", []byte("F.1"), Options{}); return err }},
		{"import.need_code", func() error { _, err := ParseCall("f", []byte("Aufruf"), Options{}); return err }},
		{"import.bad_code", func() error { _, err := ParseCSV("f", []byte("code,title\n\"a b\",x"), Options{}); return err }},
		{"import.duplicate_field", func() error {
			_, err := ParseSheet("f", sheet("F.1 T", "Zielgruppe|a", "Zielgruppe|b"), Options{})
			return err
		}},
		{"import.sheet_outside", func() error { _, err := ParseSheet("f", sheet("F.1 T", "", "Text"), Options{}); return err }},
		{"import.empty_step", func() error {
			_, err := ParseSheet("f", sheet("F.1 T", "Umsetzungsschritte", "1. 2. B"), Options{})
			return err
		}},
		{"import.timeline_step", func() error {
			_, err := ParseSheet("f", sheet("F.1 T", "Umsetzungsschritte", "1. a", "Zeitachse", "|2", "|2024"), Options{})
			return err
		}},
		{"import.timeline_years", func() error {
			_, err := ParseSheet("f", sheet("F.1 T", "Umsetzungsschritte", "1. a", "Zeitachse", "|1"), Options{})
			return err
		}},
		{"import.timeline_year", func() error {
			_, err := ParseSheet("f", sheet("F.1 T", "Umsetzungsschritte", "1. a", "Zeitachse", "|1", "|x"), Options{})
			return err
		}},
		{"import.timeline_refs", func() error {
			_, err := ParseSheet("f", sheet("F.1 T", "Umsetzungsschritte", "1. a", "Zeitachse", "|x", "|2024"), Options{})
			return err
		}},
		{"import.bad_date", func() error {
			_, err := ParseCall("f", []byte("A\nDie nächsten Schritte\n30. Februar 2015\ntitel:a"), Options{})
			return err
		}},
		{"import.csv_header", func() error { _, err := ParseCSV("f", []byte("a,b\n"), Options{}); return err }},
		{"import.csv_field_count", func() error { _, err := ParseCSV("f", []byte("code,title\na\n"), Options{}); return err }},
		{"import.csv_syntax", func() error { _, err := ParseCSV("f", []byte("code,title\na,b\"\n"), Options{}); return err }},
		{"import.csv_no_header", func() error { _, err := ParseCSV("f", []byte("code,title,\na,b,c\n"), Options{}); return err }},
		{"import.csv_no_code", func() error { _, err := ParseCSV("f", []byte("code,title\n,b\n"), Options{}); return err }},
		{"import.csv_no_title", func() error { _, err := ParseCSV("f", []byte("code,title\na,\n"), Options{}); return err }},
		{"import.csv_duplicate", func() error { _, err := ParseCSV("f", []byte("code,title\na,b\nA,c\n"), Options{}); return err }},
		{"import.csv_no_rows", func() error { _, err := ParseCSV("f", []byte("code,title\n"), Options{}); return err }},
	}

	// Every id in the package's source is covered above.
	covered := map[string]bool{}
	for _, c := range cases {
		covered[c.id] = true
	}
	idRe := regexp.MustCompile(`"(import\.[a-z_]+)"`)
	for _, file := range []string{"importer.go", "sheet.go", "call.go", "csv.go"} {
		for _, m := range idRe.FindAllStringSubmatch(string(mustRead(t, file)), -1) {
			if !covered[m[1]] {
				t.Errorf("%s: message %s has no case in TestMessages", file, m[1])
			}
		}
	}

	for _, lang := range []string{"de", "cs", "es", "en"} {
		path := "../../locales/import." + lang + ".toml"
		var msgs map[string]map[string]map[string]string // "import" → id → description/other
		if _, err := toml.Decode(string(mustRead(t, path)), &msgs); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if len(msgs["import"]) != len(cases) {
			t.Errorf("%s: %d messages, want %d", path, len(msgs["import"]), len(cases))
		}
		for _, c := range cases {
			err := c.err()
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Msg.ID != c.id {
				t.Fatalf("%s: got error %v, want %s", c.id, err, c.id)
			}
			m := msgs["import"][strings.TrimPrefix(c.id, "import.")]
			if m["other"] == "" || m["description"] == "" {
				t.Errorf("%s: %s lacks other or description", path, c.id)
				continue
			}
			tmpl, err := template.New(c.id).Option("missingkey=error").Parse(m["other"])
			if err != nil {
				t.Errorf("%s: %s: %v", path, c.id, err)
				continue
			}
			var b strings.Builder
			if err := tmpl.Execute(&b, map[string]any(pe.Msg.Data)); err != nil {
				t.Errorf("%s: %s: %v", path, c.id, err)
			}
			if !strings.Contains(b.String(), "f") {
				t.Errorf("%s: %s renders %q without the file", path, c.id, b.String())
			}
		}
	}
}
