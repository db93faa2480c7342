package importer

import (
	"errors"
	"testing"
)

func TestDetect(t *testing.T) {
	for _, tc := range []struct {
		path string
		want Format
	}{
		{seedSheet, FormatSheet},
		{seedCall, FormatCall},
		{testdata + "/sheets/ka3_twelve_steps.txt", FormatSheet},
		{testdata + "/sheets/m12_open_list.txt", FormatSheet},
		{testdata + "/calls/aufruf_zentralamerika.txt", FormatCall},
		{testdata + "/csv/minimal.csv", FormatCSV},
		{testdata + "/csv/katalog_de.csv", FormatCSV},
		{testdata + "/csv/quoted.csv", FormatCSV},
		{testdata + "/csv/malformed_row.csv", FormatCSV},
	} {
		got, err := Detect(mustRead(t, tc.path))
		if err != nil || got != tc.want {
			t.Errorf("Detect(%s) = %q, %v; want %q", tc.path, got, err, tc.want)
		}
	}
	for _, tc := range []struct{ name, data string }{
		{"a sheet whose title has a comma", "F.20 Wärme, Kälte\nZeitachse\n"},
		{"a sheet with the list only", "X.1 Titel\n<ol> 1. A"},
		{"a call with a slug only", "Aufruf\n• typ: xtitel:aufruf-x\n"},
		{"CSV with <ol> in a field", "Nr.;Titel\nA.1;<ol> 1. x\n"},
	} {
		got, err := Detect([]byte(tc.data))
		want := map[string]Format{
			"a sheet whose title has a comma": FormatSheet, "a sheet with the list only": FormatSheet,
			"a call with a slug only": FormatCall, "CSV with <ol> in a field": FormatCSV,
		}[tc.name]
		if err != nil || got != want {
			t.Errorf("%s: Detect = %q, %v; want %q", tc.name, got, err, want)
		}
	}
}

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		path   string
		format Format
		codes  []string
	}{
		{seedSheet, FormatSheet, []string{"F.019"}},
		{seedCall, FormatCall, []string{"aufruf-lateinamerikanische-kommunen"}},
		{testdata + "/csv/katalog_de.csv", FormatCSV, []string{"E.01", "E.02"}},
	} {
		ms, f, err := Parse("x", mustRead(t, tc.path), Options{})
		if err != nil || f != tc.format || len(ms) != len(tc.codes) {
			t.Fatalf("Parse(%s) = %d measures, %q, %v", tc.path, len(ms), f, err)
		}
		for i, m := range ms {
			if m.Code != tc.codes[i] || m.Source != "x" {
				t.Errorf("Parse(%s) measure %d: code %q source %q", tc.path, i, m.Code, m.Source)
			}
		}
	}
}

func TestParseErrors(t *testing.T) {
	_, _, err := Parse("notes.txt", []byte("Liebe Kolleginnen,\nbitte beachten Sie …\n"), Options{})
	wantParseError(t, err, "notes.txt", 0, "import.unknown_format", "sheet", "call", "CSV")
	_, _, err = Parse("empty.txt", []byte("\uFEFF \r\n"), Options{})
	wantParseError(t, err, "empty.txt", 0, "import.empty", "empty")
	_, _, err = Parse("bad.csv", mustRead(t, testdata+"/csv/malformed_row.csv"), Options{})
	wantParseError(t, err, "bad.csv", 4, "import.csv_field_count")
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Unwrap() == nil {
		t.Errorf("ParseError %v does not wrap the csv error", err)
	}
}

func TestDecode(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []byte
		want string
	}{
		{"BOM and CRLF", []byte("\xEF\xBB\xBFa\r\nb\rc"), "a\nb\nc"},
		{"UTF-16LE", []byte{0xFF, 0xFE, 'W', 0, 0xE4, 0, '\r', 0, '\n', 0}, "Wä\n"},
		{"UTF-16BE", []byte{0xFE, 0xFF, 0, 'W', 0, 0xE4}, "Wä"},
		{"Windows-1252", []byte("Gr\xfc\xdfe \x84x\x93"), "Grüße „x“"},
	} {
		got, err := decode("f", tc.in)
		if err != nil || got != tc.want {
			t.Errorf("%s: decode = %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}
	_, err := decode("f", []byte{0xFF, 0xFE, 'W'})
	wantParseError(t, err, "f", 0, "import.encoding", "UTF-16")
}
