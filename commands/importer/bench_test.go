package importer_test

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/klimabot/klimabot/commands/importer"
	"github.com/klimabot/klimabot/storage"
)

// BenchmarkImportCSV10k reads a catalogue of 10,000 measures with six steps
// each and writes it into a new store in one transaction, as
// `klimabot import katalog.csv` does (SPEC target: under 5 s).
func BenchmarkImportCSV10k(b *testing.B) {
	var csv bytes.Buffer
	csv.WriteString("Nr.;Maßnahme;Zuständigkeit;Status;Schritte;Handlungsfeld;Priorität\n")
	for i := 0; i < 10_000; i++ {
		fmt.Fprintf(&csv, "K.%05d;Klimaschutzmaßnahme %d im Quartier %d;Amt %d;in Planung;Analyse | Konzept | Ratsbeschluss | Ausschreibung | Umsetzung | Evaluation;Energie;hoch\n",
			i, i, i%97, i%40)
	}
	data := csv.Bytes()
	ctx := context.Background()
	b.SetBytes(int64(len(data)))
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		db, err := storage.Open(ctx, filepath.Join(b.TempDir(), fmt.Sprintf("import%d.db", i)))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		ms, _, err := importer.Parse("katalog.csv", data, importer.Options{})
		if err != nil {
			b.Fatal(err)
		}
		res, err := db.Import(ctx, "katalog.csv", ms)
		if err != nil || len(res.Created) != 10_000 {
			b.Fatalf("import: %d created, %v", len(res.Created), err)
		}
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
}
