package importer

import (
	"bytes"
	"strings"
	"testing"

	"github.com/klimabot/klimabot/commands"
)

// seedSheetWant is measure sheet F.019 as the seed document gives it.
var seedSheetWant = commands.Measure{
	Code:        "F.019",
	Title:       "Kommunale Klimapartnerschaft mit Nové Město nad Metují",
	Responsible: "Dezernat IV, Stabstelle Klimaschutz, Bürgermeisterbüro",
	TargetGroup: "Stadtverwaltung, Bürgerschaft",
	Objective: "Ziele einer kommunalen Klimapartnerschaft ist gemeinsame Ideen und Lösungsansätze zu ähnlichen " +
		"lokalen Herausforderungen des Klimawandels zu erarbeiten, den fachlichen Austausch zu den Themenfeldern " +
		"Klimaschutz und Klimaanpassung zu fördern und sich zu vernetzen, Bürgerliches Engagement zu stärken sowie " +
		"die Betrachtung von sozialen Zielen, neben klimatischen Herausforderungen.",
	Description: "Alle Kommunen dieser Welt stehen trotz unterschiedlicher Rahmenbedingungen vor den gleichen " +
		"globalen Herausforderungen des Klimawandels. Klimaschutz und Klimaanpassung bieten neue Themenfelder über " +
		"die klassische Städtepartnerschaft hinaus. Eine kommunale Klimapartnerschaft beruht auf soliden Beziehungen " +
		"und gegenseitigen Verständnis. Sie bietet einen Erfahrungsaustausch bei der Bearbeitung lokaler Probleme, " +
		"hat die Gestaltung einer nachhaltigen Entwicklung zum Ziel und offeriert ein thematisches Netzwerk unter " +
		"Städtepartnerschaften. Städtische Mitarbeitende haben somit die Möglichkeit einen dauerhaften Kontakt unter " +
		"Experten/innen aufzubauen. Darüber hinaus wird den Bürger/innen ein positives Bild von Europa, " +
		"grenzüberschreitenden Beziehungen und Partizipation vermittelt.",
	Status: "Nach dem persönlichen Austausch in Hilden am 23.06.2023 in Hilden warten wir auf Rückmeldung aus " +
		"Nové Město nad Metují. Die Präsentation mit den Best-Practice Beispielen wurde übersetzt versendet. " +
		"Die Delegation wird das Projekt intern besprechen und die Stadtverwaltung Hilden mit Fragen und " +
		"Kontaktpersonen aufsuchen. Wann ein erstes gemeinsames Projekt bewerkstelligt werden kann, ist noch " +
		"nicht abzusehen.",
	Steps: yearSteps([]string{
		"Analyse von klimatischen Parallelen sowie Gegenüberstellung der Herausforderungen von Hilden und Nové Město nad Metují",
		"Präsentation der Analyseergebnisse und möglichen Vorteilen einer Klimapartnerschaft",
		"Übersendung der Projektskizze an die Partnerstadt",
		"Persönlicher Austausch mit der Delegation aus Nové Město nad Metují und Vorstellung von Best-Practice Beispielen in Hilden",
		"Bilateraler Austausch und Besprechung der weiteren Vorgehensweise",
		"Erarbeitung eines ersten kleinen gemeinsamen Projektes",
	}, []int{2022, 2022, 2023, 2023, 2024, 2025}),
}

// ka3Want is testdata/sheets/ka3_twelve_steps.txt: twelve steps whose texts
// hold dates, ordinals and numbers, ranges in the timeline, all costs.
var ka3Want = commands.Measure{
	Code:         "KA-3",
	Title:        "Wärmenetz Innenstadt – Machbarkeit und 2. Ausbaustufe",
	Responsible:  "Amt 66 Tiefbau, Stadtwerke Hilden GmbH",
	TargetGroup:  "Eigentümer/innen im Quartier",
	Objective:    "Bis 2030 sollen 40 % der Gebäude im Quartier an das Wärmenetz angeschlossen sein.",
	Description:  "Die Stadtwerke prüfen ein Wärmenetz für die Innenstadt.\nDer 2. Absatz beschreibt die Trasse.",
	Status:       "Der Ratsbeschluss ist in Vorbereitung.",
	CostsPlanned: "25.000 €",
	CostsActual:  "12.500 €",
	RunningCosts: "3.000 €",
	Funding:      "BEW Modul 1 (50 %)\nprogres.nrw Wärmenetze",
	Staff:        "0,5 Stelle Projektleitung",
	Steps: yearSteps([]string{
		"Ratsbeschluss bis zum 31. März 2025 herbeiführen",
		"Auftaktveranstaltung am 12.03.2025 zur Vorstellung der 3. Phase mit 120 Teilnehmenden",
		"Vorbereitung der 2. Phase: Bestandsaufnahme von 250 Gebäuden",
		"Machbarkeitsstudie (Kosten: 80.000 €) ausschreiben",
		"Ergebnisse der 3. Phase auswerten",
		"Förderantrag BEW stellen",
		"Trassenplanung für 2,5 km",
		"Anschlussverträge mit 1. Ankerkunden",
		"Bau des 1. Bauabschnitts",
		"Inbetriebnahme der Heizzentrale",
		"Phase 2 des Netzausbaus beginnen",
		"Evaluation und 2. Bericht an den Rat",
	}, []int{2025, 2025, 2025, 2025, 2025, 2026, 2026, 2026, 2027, 2027, 2028, 2028}),
}

// m12Want is testdata/sheets/m12_open_list.txt: "<ol>" without "</ol>",
// values on the next line, "Label: value", an unknown label row, costs
// headers in the Gesamtkosten row.
var m12Want = commands.Measure{
	Code:         "M1.2",
	Title:        "Klimaschutz in Schulen: Energiesparmodelle",
	Responsible:  "Schulverwaltungsamt",
	TargetGroup:  "Schulen",
	Description:  "Schulen, die Energie sparen, erhalten die Hälfte der Einsparung.",
	Status:       "Zwei Schulen nehmen teil.",
	CostsPlanned: "5.000 €",
	CostsActual:  "1.200 €",
	RunningCosts: "500 €",
	Funding:      "NKI Kommunalrichtlinie",
	Staff:        "keine",
	Sections:     []commands.Section{{Title: "Priorität", Body: "hoch"}},
	Steps: yearSteps([]string{"Schulen ansprechen", "Energieteams bilden", "Einsparungen messen"},
		[]int{2024, 2024, 2024}),
}

func withSource(m commands.Measure, src string) commands.Measure {
	m.Source = src
	return m
}

func TestParseSheet(t *testing.T) {
	seed := mustRead(t, seedSheet)
	crlf := append([]byte("\xEF\xBB\xBF"), bytes.ReplaceAll(seed, []byte("\n"), []byte("\r\n"))...)
	blanks := bytes.ReplaceAll(seed, []byte("\t\nZeitachse"), []byte("\t\n\n\nZeitachse"))
	renamed := seedSheetWant
	renamed.Code = "KP-1"
	for _, tc := range []struct {
		name string
		data []byte
		opt  Options
		want commands.Measure
	}{
		{"seed F.019", seed, Options{}, seedSheetWant},
		{"seed with BOM and CRLF", crlf, Options{}, seedSheetWant},
		{"seed with blank lines", blanks, Options{}, seedSheetWant},
		{"seed with --code", seed, Options{Code: "KP-1"}, renamed},
		{"twelve steps", mustRead(t, testdata+"/sheets/ka3_twelve_steps.txt"), Options{}, ka3Want},
		{"open list", mustRead(t, testdata+"/sheets/m12_open_list.txt"), Options{}, m12Want},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseSheet("f.txt", tc.data, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			diffMeasure(t, got, withSource(tc.want, "f.txt"))
		})
	}
}

// sheet builds a small sheet from rows, tab cells written as "|".
func sheet(rows ...string) []byte {
	return []byte(strings.ReplaceAll(strings.Join(rows, "\n"), "|", "\t"))
}

func TestParseSheetVariants(t *testing.T) {
	for _, tc := range []struct {
		name  string
		data  []byte
		opt   Options
		steps []string
		years []int
		check func(t *testing.T, m commands.Measure)
	}{
		{
			name:  "list on one line with closing tag and text after it",
			data:  sheet("F.1 Titel", "Umsetzungsschritte", `<ol type="1">1. Eins 2. Zwei</ol> Siehe Anlage.`),
			steps: []string{"Eins", "Zwei"}, years: []int{0, 0},
			check: func(t *testing.T, m commands.Measure) {
				want := []commands.Section{{Title: "Umsetzungsschritte", Body: "Siehe Anlage."}}
				if len(m.Sections) != 1 || m.Sections[0] != want[0] {
					t.Errorf("sections %#v, want %#v", m.Sections, want)
				}
			},
		},
		{
			name:  "timeline with 3-5 and 3,4 forms, year label column",
			data:  sheet("F.2 Titel", "Umsetzungsschritte", "1. A 2. B 3. C 4. D 5. E", "Zeitachse", "Schritte|1,2|3-5", "Jahr|2030|2031"),
			steps: []string{"A", "B", "C", "D", "E"}, years: []int{2030, 2030, 2031, 2031, 2031},
		},
		{
			name:  "numbers without list markup, each line a step",
			data:  sheet("F.3 Titel", "Umsetzungsschritte", "• Erstens", "- Zweitens"),
			steps: []string{"Erstens", "Zweitens"}, years: []int{0, 0},
		},
		{
			name:  "HTML entities inside the list",
			data:  sheet("F.4 Titel", "Umsetzungsschritte", "<ol><li>1. Wärme &amp; Strom</li><li>2. Ende</li></ol>"),
			steps: []string{"Wärme & Strom", "Ende"}, years: []int{0, 0},
		},
		{
			name:  "a date right after the number is not a step",
			data:  sheet("F.5 Titel", "Umsetzungsschritte", "<ol> 1. Antrag bis 2. Mai stellen 2. Bescheid abwarten </ol>"),
			steps: []string{"Antrag bis 2. Mai stellen", "Bescheid abwarten"}, years: []int{0, 0},
		},
		{
			name: "code given, title line without code",
			data: sheet("Klimapartnerschaft", "Zielgruppe|Alle"),
			opt:  Options{Code: "X-9"},
			check: func(t *testing.T, m commands.Measure) {
				if m.Code != "X-9" || m.Title != "Klimapartnerschaft" || m.TargetGroup != "Alle" {
					t.Errorf("got %q %q %q", m.Code, m.Title, m.TargetGroup)
				}
			},
		},
		{
			name: "a title that wraps onto the next line",
			data: sheet("F.8 Kommunale Klimapartnerschaft mit", "Nové Město nad Metují", "", "Zielgruppe|Alle"),
			check: func(t *testing.T, m commands.Measure) {
				if m.Title != "Kommunale Klimapartnerschaft mit Nové Město nad Metují" || m.TargetGroup != "Alle" {
					t.Errorf("title %q, target group %q", m.Title, m.TargetGroup)
				}
			},
		},
		{
			name: "costs without headers",
			data: sheet("F.6 Titel", "Kosten|10 €||20 €"),
			check: func(t *testing.T, m commands.Measure) {
				if m.CostsPlanned != "10 €" || m.CostsActual != "20 €" {
					t.Errorf("costs %q / %q", m.CostsPlanned, m.CostsActual)
				}
			},
		},
		{
			name: "cost values on the row under Kosten",
			data: sheet("F.9 Titel", "Gesamtkosten/Finanzierungsansatz", "|Soll||Ist", "Kosten", "|7 €||3 €", "Zusätzliche Personalstellen", "1 Stelle"),
			check: func(t *testing.T, m commands.Measure) {
				if m.CostsPlanned != "7 €" || m.CostsActual != "3 €" || m.Staff != "1 Stelle" {
					t.Errorf("costs %q / %q, staff %q", m.CostsPlanned, m.CostsActual, m.Staff)
				}
			},
		},
		{
			name: "Ist before Soll",
			data: sheet("F.7 Titel", "Gesamtkosten/Finanzierungsansatz", "|Ist||Soll", "Kosten|1 €||2 €"),
			check: func(t *testing.T, m commands.Measure) {
				if m.CostsPlanned != "2 €" || m.CostsActual != "1 €" {
					t.Errorf("costs %q / %q", m.CostsPlanned, m.CostsActual)
				}
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := ParseSheet("s.txt", tc.data, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			if tc.steps != nil {
				want := yearSteps(tc.steps, tc.years)
				if len(m.Steps) != len(want) {
					t.Fatalf("steps %q, want %q", stepTexts(m.Steps), tc.steps)
				}
				for i := range want {
					if m.Steps[i] != want[i] {
						t.Errorf("step %d: %#v, want %#v", i+1, m.Steps[i], want[i])
					}
				}
			}
			if tc.check != nil {
				tc.check(t, m)
			}
		})
	}
}

func TestParseSheetErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		data  []byte
		opt   Options
		line  int
		id    string
		words []string
	}{
		{"empty", []byte("\n \n"), Options{}, 0, "import.empty", []string{"empty"}},
		{"no code", sheet("Klimapartnerschaft", "Zielgruppe|Alle"), Options{}, 1, "import.need_code", []string{"--code"}},
		{"label first", sheet("", "Zielgruppe|Alle"), Options{}, 2, "import.sheet_title", []string{"code and title"}},
		{"code only", sheet("F.1"), Options{}, 1, "import.sheet_title", []string{"title"}},
		{"bad code option", sheet("F.1 T"), Options{Code: "F 1"}, 0, "import.bad_code_option", []string{"--code"}},
		{"text outside", sheet("F.1 T", "", "Irgendein Text ohne Label"), Options{}, 3, "import.sheet_outside", []string{"label"}},
		{"twice", sheet("F.1 T", "Zielgruppe|A", "Zielgruppe|B"), Options{}, 3, "import.duplicate_field", []string{"Zielgruppe", "line 2"}},
		{"timeline step missing", sheet("F.1 T", "Umsetzungsschritte", "1. A 2. B", "Zeitachse", "|1|2 & 3", "|2024|2025"),
			Options{}, 5, "import.timeline_step", []string{"step 3", "2 steps"}},
		{"timeline cell", sheet("F.1 T", "Umsetzungsschritte", "1. A", "Zeitachse", "|1|später", "|2024|2025"),
			Options{}, 5, "import.timeline_refs", []string{`"später"`, "3 & 4"}},
		{"timeline reversed range", sheet("F.1 T", "Umsetzungsschritte", "1. A", "Zeitachse", "|5 - 3", "|2024"),
			Options{}, 5, "import.timeline_refs", []string{`"5 - 3"`}},
		{"timeline year", sheet("F.1 T", "Umsetzungsschritte", "1. A", "Zeitachse", "|1", "|bald"),
			Options{}, 6, "import.timeline_year", []string{`"bald"`, "2024"}},
		{"timeline without years", sheet("F.1 T", "Umsetzungsschritte", "1. A", "Zeitachse", "|1"),
			Options{}, 5, "import.timeline_years", []string{"years"}},
		{"empty step", sheet("F.1 T", "Umsetzungsschritte", "<ol>1. 2. B</ol>"),
			Options{}, 2, "import.empty_step", []string{"step 1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseSheet("plan.txt", tc.data, tc.opt)
			wantParseError(t, err, "plan.txt", tc.line, tc.id, tc.words...)
		})
	}
}
