package storage

import (
	"reflect"
	"testing"
	"time"

	"github.com/klimabot/klimabot/commands"
)

// blobMeasures are measures as MeasureSteps returns them (no sections).
func blobMeasures() []*commands.Measure {
	done := time.Date(2026, 11, 30, 8, 15, 0, 123456789, time.UTC)
	return []*commands.Measure{
		{},
		{ID: 1, Code: "P.00001", Title: "Maßnahme 1", Responsible: "Stabstelle Klimaschutz", Status: "in Arbeit",
			Steps: []commands.Step{{Number: 1, Text: "Analyse"}, {Number: 2, Text: "Beschluss"}}},
		{ID: 1 << 40, Code: "F.019", Title: "Kommunale Klimapartnerschaft mit Nové Město nad Metují",
			Responsible: "Dezernat IV", TargetGroup: "Verwaltung", Objective: "Austausch", Description: "Aufbau\nmit Zeilen",
			Status: "läuft", CostsPlanned: "10.000 €", CostsActual: "1 €", RunningCosts: "2.000 €", Funding: "SKEW",
			Staff: "0,25", Partnership: "Nové Město", Source: "F.019.docx", UpdatedAt: done,
			Steps: []commands.Step{
				{Number: 1, Text: "Kontaktaufnahme", PlannedYear: 2025, Done: true, DoneBy: commands.Person{ID: "U1", Name: "Anna"}, DoneAt: done},
				{Number: 4, Text: "Ratsbeschluss", PlannedDate: commands.NewDate(2026, time.June, 30)},
				{Number: 999, Text: ""},
			}},
	}
}

// A cached measure decodes to exactly what was read from SQLite.
func TestMeasureBlob_RoundTrip(t *testing.T) {
	for _, m := range blobMeasures() {
		got, err := decodeMeasure(encodeMeasure(nil, m))
		if err != nil {
			t.Fatalf("%s: %v", m.Code, err)
		}
		if !reflect.DeepEqual(got, m) {
			t.Errorf("%s:\n got %+v\nwant %+v", m.Code, got, m)
		}
	}
}

// Any byte string decodes to a measure or an error, never a panic; what
// decodes encodes back to the same bytes.
func FuzzMeasureBlob(f *testing.F) {
	for _, m := range blobMeasures() {
		f.Add(encodeMeasure(nil, m))
	}
	f.Add([]byte{0x02, 0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := decodeMeasure(b)
		if err != nil {
			return
		}
		if _, err := decodeMeasure(encodeMeasure(nil, m)); err != nil {
			t.Fatalf("re-encoded measure does not decode: %v", err)
		}
	})
}
