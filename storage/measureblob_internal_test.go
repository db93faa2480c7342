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

// blobEntries are entries as Entries returns them, every field set in some.
func blobEntries() [][]commands.Entry {
	at := time.Date(2026, 12, 2, 15, 4, 5, 123456789, time.UTC)
	return [][]commands.Entry{
		nil,
		{{ID: 1, MeasureID: 7, MeasureCode: "F.019", Author: commands.Person{ID: "U1", Name: "Anna"},
			Text: "Beschluss gefasst", Source: commands.SourceCommand, ChannelID: "C1", CreatedAt: at}},
		{{ID: 300, MeasureID: 1 << 40, MeasureCode: "A.1", Step: 3, Author: commands.Person{ID: "U2", Name: "Jiří Dvořák"},
			Text: "Hotovo ✓", Source: commands.SourceThread, ChannelID: "C2", CreatedAt: at,
			Submitter: commands.Person{ID: "U3", Name: "Eva"}, Addition: "z porady", MessageTS: "1700000000.000100"},
			{ID: -1, Text: "", CreatedAt: time.Time{}}},
	}
}

func TestEntriesBlobRoundTrip(t *testing.T) {
	for _, es := range blobEntries() {
		got, err := decodeEntries(encodeEntries(nil, es))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, es) {
			t.Errorf("round trip:\n got %+v\nwant %+v", got, es)
		}
	}
	b := encodeEntries(nil, blobEntries()[2])
	for i := range b { // every cut is refused, none panics
		if _, err := decodeEntries(b[:i]); err == nil {
			t.Errorf("a blob cut at %d of %d decoded", i, len(b))
		}
	}
}

func FuzzEntriesBlob(f *testing.F) {
	for _, es := range blobEntries() {
		f.Add(encodeEntries(nil, es))
	}
	f.Add([]byte{0x7f, 0x02})
	f.Fuzz(func(t *testing.T, b []byte) {
		es, err := decodeEntries(b)
		if err != nil {
			return
		}
		again, err := decodeEntries(encodeEntries(nil, es))
		if err != nil {
			t.Fatalf("re-encoded entries do not decode: %v", err)
		}
		if !reflect.DeepEqual(again, es) {
			t.Fatalf("re-encoded entries differ:\n%+v\n%+v", again, es)
		}
	})
}
