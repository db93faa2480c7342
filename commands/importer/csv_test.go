package importer

import (
	"strings"
	"testing"

	"github.com/klimabot/klimabot/commands"
)

func steps(texts ...string) []commands.Step {
	out := make([]commands.Step, len(texts))
	for i, t := range texts {
		out[i] = commands.Step{Number: i + 1, Text: t}
	}
	return out
}

func TestParseCSV(t *testing.T) {
	for _, tc := range []struct {
		file string
		opt  Options
		want []commands.Measure
	}{
		{"minimal.csv", Options{}, []commands.Measure{
			{Code: "F.001", Title: "Energieberatung", Responsible: "Stabsstelle Klimaschutz", Status: "läuft",
				Steps: steps("Konzept erstellen", "Beratung starten", "Evaluation")},
			{Code: "F.002", Title: "Radverkehr", Responsible: "Amt 61"},
		}},
		{"katalog_de.csv", Options{}, []commands.Measure{
			{Code: "E.01", Title: "Energiesparen in Schulen", Responsible: "Schulverwaltungsamt", TargetGroup: "Schulen",
				CostsPlanned: "5.000 €", Funding: "NKI Kommunalrichtlinie", Status: "begonnen",
				Steps: steps("Energieteams bilden", "Verbrauch messen"),
				Sections: []commands.Section{
					{Title: "Handlungsfeld", Body: "Energie"},
					{Title: "Priorität", Body: "hoch"},
					{Title: "Zeithorizont", Body: "kurzfristig"},
					{Title: "Bemerkung", Body: "Pilot mit 2 Schulen"},
				}},
			{Code: "E.02", Title: "Photovoltaik auf Dächern, Schulen zuerst", Responsible: "Gebäudemanagement",
				TargetGroup: "Stadtverwaltung", CostsPlanned: "120.000 €", Funding: "progres.nrw",
				Sections: []commands.Section{
					{Title: "Handlungsfeld", Body: "Energie"},
					{Title: "Priorität", Body: "mittel"},
					{Title: "Zeithorizont", Body: "mittelfristig"},
				}},
		}},
		{"quoted.csv", Options{}, []commands.Measure{
			{Code: "F.010", Title: "Wärme, Kälte und Strom", Description: "Erste Zeile\nZweite Zeile mit \"Zitat\"",
				Steps: steps("Schritt eins, mit Komma", "Schritt zwei")},
		}},
		{"quoted.csv", Options{Code: "W-1"}, []commands.Measure{
			{Code: "W-1", Title: "Wärme, Kälte und Strom", Description: "Erste Zeile\nZweite Zeile mit \"Zitat\"",
				Steps: steps("Schritt eins, mit Komma", "Schritt zwei")},
		}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			ms, err := ParseCSV(tc.file, mustRead(t, testdata+"/csv/"+tc.file), tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			if len(ms) != len(tc.want) {
				t.Fatalf("%d measures, want %d", len(ms), len(tc.want))
			}
			for i := range ms {
				diffMeasure(t, ms[i], withSource(tc.want[i], tc.file))
			}
		})
	}
}

func TestParseCSVSteps(t *testing.T) {
	for _, tc := range []struct{ cell, want string }{
		{"A | B", "A/B"},
		{"A|B|", "A/B"},
		{"1. A | 2. B", "A/B"},
		{"1. A | 3. B", "1. A/3. B"},
		{"1. A\n2. B", "A/B"},
		{"Nur einer", "Nur einer"},
		{"", ""},
	} {
		if got := strings.Join(splitCellSteps(tc.cell), "/"); got != tc.want {
			t.Errorf("splitCellSteps(%q) = %q, want %q", tc.cell, got, tc.want)
		}
	}
}

func TestParseCSVErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		data  string
		opt   Options
		line  int
		id    string
		words []string
	}{
		{"wrong field count after a multi-line field", string(mustRead(t, testdata+"/csv/malformed_row.csv")),
			Options{}, 4, "import.csv_field_count", []string{"2 fields", "expected 3"}},
		{"missing code", "code;title\nA.1;Eins\n;Zwei\n", Options{}, 3, "import.csv_no_code", []string{"code"}},
		{"invalid code", "code,title\nF 01,Eins\n", Options{}, 2, "import.bad_code", []string{`"F 01"`}},
		{"duplicate code", "code,title\nF.001,Eins\nf.1,Zwei\n", Options{}, 3, "import.csv_duplicate",
			[]string{"f.1", "line 2"}},
		{"missing title", "code,title\nF.1,\n", Options{}, 2, "import.csv_no_title", []string{"F.1"}},
		{"no title column", "code,status\nF.1,ok\n", Options{}, 1, "import.csv_header", []string{"code and title"}},
		{"bad quotes", "code,title\nF.1,\"Eins\" zwei\n", Options{}, 2, "import.csv_syntax", []string{"quote"}},
		{"value without header", "code,title,\nF.1,Eins,lost\n", Options{}, 2, "import.csv_no_header",
			[]string{"column 3"}},
		{"no rows", "code,title\n", Options{}, 1, "import.csv_no_rows", []string{"no measures"}},
		{"--code with several rows", "code,title\nA.1,Eins\nA.2,Zwei\n", Options{Code: "X"}, 0,
			"import.code_option_many", []string{"2"}},
		{"not CSV", "Hallo Welt\n", Options{}, 1, "import.csv_header", []string{"header"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ms, err := ParseCSV("k.csv", []byte(tc.data), tc.opt)
			if ms != nil {
				t.Errorf("returned %d measures with the error", len(ms))
			}
			wantParseError(t, err, "k.csv", tc.line, tc.id, tc.words...)
		})
	}
}

func TestParseCSVEncodings(t *testing.T) {
	// German Excel writes Windows-1252; an empty trailing column is fine.
	data := []byte("Nr.;Ma\xdfnahme;Zust\xe4ndigkeit;;\r\nA.1;W\xe4rme \x80;Amt;;\r\n;;;;\r\n")
	ms, err := ParseCSV("w.csv", data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := commands.Measure{Code: "A.1", Title: "Wärme €", Responsible: "Amt", Source: "w.csv"}
	if len(ms) != 1 {
		t.Fatalf("%d measures", len(ms))
	}
	diffMeasure(t, ms[0], want)
}
