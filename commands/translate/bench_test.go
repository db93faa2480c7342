package translate_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/klimabot/klimabot/commands"
	"github.com/klimabot/klimabot/commands/translate"
	"github.com/klimabot/klimabot/locales"
	"github.com/klimabot/klimabot/storage"
)

// BenchmarkStatusTranslated is a Czech reader's `stav F.019` (six steps,
// three partner entries) with nothing to translate (off) and with every
// text's translation stored (stored) among 20,000 other translations:
// the difference is what translation adds to a status answer. No provider
// is called in either.
func BenchmarkStatusTranslated(b *testing.B) {
	ctx := context.Background()
	db, err := storage.Open(ctx, filepath.Join(b.TempDir(), "k.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	m := commands.Measure{Code: "F.019", Title: "Kommunale Klimapartnerschaft mit Nové Město nad Metují", Status: "in Vorbereitung, Rückmeldung aus Nové Město erwartet"}
	for i := 1; i <= 6; i++ {
		m.Steps = append(m.Steps, commands.Step{Number: i, Text: fmt.Sprintf("Schritt %d der Klimapartnerschaft mit der Partnerstadt", i), PlannedYear: 2025})
	}
	if _, err := db.Import(ctx, "bench", []commands.Measure{m}); err != nil {
		b.Fatal(err)
	}
	got, _ := db.Measure(ctx, "F.019")
	var texts []string
	for i := range 3 {
		e, err := db.AddEntry(ctx, commands.Entry{MeasureID: got.ID, Author: commands.Person{ID: "UCS"}, Source: commands.SourceThread,
			Text: fmt.Sprintf("Delegace projekt interně projednala (%d); otázky zašleme do konce měsíce.", i)})
		if err != nil {
			b.Fatal(err)
		}
		texts = append(texts, e.Text)
	}
	texts = append(texts, m.Title, m.Status)
	for _, st := range m.Steps {
		texts = append(texts, st.Text)
	}
	var stored []translate.Stored
	for _, t := range texts {
		stored = append(stored, translate.Stored{Fingerprint: translate.Fingerprint(t), Source: "de", Target: "cs", Provider: "libretranslate", Text: "[cs] " + t})
	}
	for i := range 20_000 {
		stored = append(stored, translate.Stored{Fingerprint: translate.Fingerprint(fmt.Sprint("other ", i)), Source: "de", Target: "cs", Provider: "libretranslate", Text: "x"})
	}
	if err := db.SaveTranslations(ctx, stored); err != nil {
		b.Fatal(err)
	}
	bundle, err := locales.New()
	if err != nil {
		b.Fatal(err)
	}
	now := func() time.Time { return time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC) }
	for _, mode := range []string{"off", "stored"} {
		b.Run(mode, func(b *testing.B) {
			svc := &commands.Service{Store: db, Bundle: bundle, Now: now, DefaultLang: "de", DefaultTZ: "Europe/Berlin"}
			if mode == "stored" {
				// a provider that must never be asked
				svc.Translations = &translate.Service{Store: db, Provider: refuse{b}, Now: now}
			}
			b.ReportAllocs()
			for b.Loop() {
				r := svc.Execute(ctx, commands.Request{User: commands.Person{ID: "UCS"}, ChannelID: "C1", Lang: "cs", Text: "stav F.019"})
				if r.Err != nil {
					b.Fatal(r.Err)
				}
				_ = r.Text(bundle)
			}
		})
	}
}

type refuse struct{ b *testing.B }

func (refuse) Name() string { return "libretranslate" }
func (r refuse) Translate(context.Context, translate.Request) (translate.Result, error) {
	r.b.Fatal("provider asked")
	return translate.Result{}, nil
}
