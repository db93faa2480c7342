package export_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/klimabot/klimabot/commands"
	"github.com/klimabot/klimabot/commands/export"
	"github.com/klimabot/klimabot/commands/importer"
	"github.com/klimabot/klimabot/locales"
	"github.com/klimabot/klimabot/storage"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// now is the fixed clock of these tests: Saturday, 21 November 2026, 10:00
// in Berlin.
var now = time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)

var berlin = mustZone("Europe/Berlin")

func mustZone(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

// fixture is a real store holding both seed documents with done steps,
// progress entries and deadlines in every state.
type fixture struct {
	t   *testing.T
	ctx context.Context
	db  *storage.DB
	b   *locales.Bundle
	// runs counts the commands run, so each comes from a new person.
	runs int
}

// repoFile returns the path of a file relative to the repository root.
func repoFile(parts ...string) string {
	return filepath.Join(append([]string{"..", ".."}, parts...)...)
}

func seedFiles() []string {
	return []string{
		repoFile("cmd", "klimabot", "seeds", "000_70e8ca067671b99a.txt"),
		repoFile("cmd", "klimabot", "seeds", "001_a3af533a905f774a.txt"),
	}
}

// MustOpenDB opens a store on a new file in tb.TempDir() with the fixed
// clock.
func MustOpenDB(tb testing.TB) *storage.DB {
	tb.Helper()
	db, err := storage.Open(context.Background(), filepath.Join(tb.TempDir(), "k.db"), storage.WithClock(func() time.Time { return now }))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	b, err := locales.New()
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, ctx: ctx, db: MustOpenDB(t), b: b}
	for _, path := range seedFiles() {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		ms, _, err := importer.Parse(filepath.Base(path), data, importer.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.Import(ctx, filepath.Base(path), ms); err != nil {
			t.Fatal(err)
		}
	}
	staff := commands.Person{ID: "UANNA", Name: "Anna Schmidt"}
	m := f.measure("F.019")
	if _, err := f.db.CompleteSteps(ctx, m.ID, []int{1, 2, 3}, staff, time.Date(2023, 6, 23, 14, 0, 0, 0, time.UTC), nil); err != nil {
		t.Fatal(err)
	}
	for i, text := range []string{"Analyse abgeschlossen.", "Projektskizze übersetzt.", "Delegace odpoví do konce měsíce.", "Termin mit Nové Město vereinbart."} {
		author := staff
		if i == 2 {
			author = commands.Person{ID: "UJANA", Name: "Jana Nováková"}
		}
		if _, err := f.db.AddEntry(ctx, commands.Entry{MeasureID: m.ID, Author: author, Text: text, Source: commands.SourceCommand,
			ChannelID: "C1", CreatedAt: now.AddDate(0, 0, -120+35*i)}); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []commands.Deadline{
		{MeasureID: m.ID, Step: 4, Due: commands.Date{Year: 2026, Month: 11, Day: 23}, Text: "Besuch der Delegation vorbereiten"},
		{MeasureID: m.ID, Due: commands.Date{Year: 2026, Month: 11, Day: 26}, Text: "Bericht an den Umweltausschuss"},
		{MeasureID: m.ID, Due: commands.Date{Year: 2026, Month: 11, Day: 13}, Text: "Projektideen sammeln"},
		{MeasureID: m.ID, Due: commands.Date{Year: 2026, Month: 10, Day: 1}, Text: "Übersetzung beauftragen", State: commands.DeadlineDone,
			DoneBy: staff, DoneAt: time.Date(2026, 9, 30, 8, 0, 0, 0, time.UTC)},
	} {
		if d.State == "" {
			d.State = commands.DeadlineOpen
		}
		d.CreatedBy = staff
		if _, err := f.db.AddDeadline(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	call := f.measure("aufruf-lateinamerikanische-kommunen")
	if _, err := f.db.CompleteSteps(ctx, call.ID, []int{1, 2, 3, 4, 5}, staff, time.Date(2015, 3, 31, 12, 0, 0, 0, time.UTC), nil); err != nil {
		t.Fatal(err)
	}
	if err := f.db.SaveChannel(ctx, commands.Channel{ID: "C1", Languages: []string{"de", "cs"}, TimeZone: "Europe/Berlin",
		Schedule: "0 9 * * 1-5", StaleDays: 30, Follows: []string{"F.019"}}); err != nil {
		t.Fatal(err)
	}
	if err := f.db.SaveUser(ctx, commands.User{ID: "UJANA", Name: "Jana Nováková", Language: "cs", Locale: "en-US", LocaleAt: now}); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) measure(code string) *commands.Measure {
	f.t.Helper()
	m, err := f.db.Measure(f.ctx, code)
	if err != nil {
		f.t.Fatal(err)
	}
	return m
}

func (f *fixture) dump(codes ...string) commands.Dump {
	f.t.Helper()
	d, err := f.db.Dump(f.ctx, codes)
	if err != nil {
		f.t.Fatal(err)
	}
	return d
}

// csvExport exports d as CSV in lang and reads it back (after the BOM,
// separated by ';'): the file and its records, header row first.
func (f *fixture) csvExport(d commands.Dump, lang string) ([]byte, [][]string) {
	f.t.Helper()
	var buf bytes.Buffer
	if err := export.CSV(&buf, d, f.options(lang), 0); err != nil {
		f.t.Fatal(err)
	}
	r := csv.NewReader(bytes.NewReader(buf.Bytes()[3:]))
	r.Comma = ';'
	recs, err := r.ReadAll()
	if err != nil {
		f.t.Fatal(err)
	}
	return buf.Bytes(), recs
}

func (f *fixture) options(lang string) export.Options {
	return export.Options{L: f.b.For(lang), Now: now, Loc: berlin}
}

// golden compares got with testdata/golden/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./commands/export -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs from the golden file:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}
