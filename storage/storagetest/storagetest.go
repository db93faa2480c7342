// Package storagetest builds stores for tests and benchmarks of other
// packages: a real SQLite file of the size SPEC's quality bars name.
package storagetest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/klimabot/klimabot/commands"
	"github.com/klimabot/klimabot/storage"
)

// Size is the shape of a generated store.
type Size struct {
	Measures int // each with six steps, two of them done, and one explicit deadline
	Entries  int // progress entries spread over the measures
}

// Quality is the store of SPEC's quality bars: 10,000 measures and 100,000
// progress entries.
var Quality = Size{Measures: 10_000, Entries: 100_000}

// Epoch is "today" of generated stores: deadlines lie around it.
var Epoch = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

var (
	mu    sync.Mutex
	built = map[Size]string{}
)

// Path returns a database file of size s, built once per process (the
// file stays for the process; callers open it with storage.Open and must
// not rely on changes of other callers). Measure codes are M.00000 … and
// deadlines fall due in the 30 days around Epoch.
func Path(tb testing.TB, s Size) string {
	tb.Helper()
	mu.Lock()
	defer mu.Unlock()
	if p, ok := built[s]; ok {
		return p
	}
	dir, err := os.MkdirTemp("", "klimabot-storagetest-")
	if err != nil {
		tb.Fatal(err)
	}
	p := filepath.Join(dir, "store.db")
	if err := Build(context.Background(), p, s); err != nil {
		tb.Fatal(err)
	}
	built[s] = p
	return p
}

// Build writes a store of size s to path.
func Build(ctx context.Context, path string, s Size) error {
	db, err := storage.Open(ctx, path, storage.WithClock(func() time.Time { return Epoch }))
	if err != nil {
		return err
	}
	defer db.Close()
	ms := make([]commands.Measure, s.Measures)
	for i := range ms {
		m := commands.Measure{
			Code: fmt.Sprintf("M.%05d", i), Title: fmt.Sprintf("Maßnahme %d: Klimaschutz im Quartier %d", i, i%97),
			Responsible: fmt.Sprintf("Amt %d", i%40), Description: "Beschreibung der Maßnahme", Status: "in Umsetzung",
		}
		for n := 1; n <= 6; n++ {
			m.Steps = append(m.Steps, commands.Step{Number: n, Text: fmt.Sprintf("Umsetzungsschritt %d der Maßnahme %d", n, i), PlannedYear: 2024 + n})
		}
		ms[i] = m
	}
	if _, err := db.Import(ctx, "storagetest", ms); err != nil {
		return fmt.Errorf("import: %w", err)
	}
	// ids are 1..n in import order
	p := commands.Person{ID: "U0BUILD", Name: "Build"}
	for i := 1; i <= s.Measures; i++ {
		if _, err := db.CompleteSteps(ctx, int64(i), []int{1, 2}, p, Epoch.AddDate(0, -6, 0), nil); err != nil {
			return fmt.Errorf("steps: %w", err)
		}
		if _, err := db.AddDeadline(ctx, commands.Deadline{MeasureID: int64(i), Step: 3,
			Due: commands.DateOf(Epoch).AddDays(i%30 - 15), Text: fmt.Sprintf("Frist %d", i)}); err != nil {
			return fmt.Errorf("deadline: %w", err)
		}
	}
	const batch = 10_000
	for start := 0; start < s.Entries; start += batch {
		es := make([]commands.Entry, 0, batch)
		for i := start; i < min(start+batch, s.Entries); i++ {
			es = append(es, commands.Entry{MeasureID: int64(i%s.Measures + 1), Author: commands.Person{ID: fmt.Sprintf("U%03d", i%200), Name: "Person"},
				Text: fmt.Sprintf("Fortschritt %d", i), Source: commands.SourceCommand, ChannelID: "C0",
				CreatedAt: Epoch.Add(-time.Duration(s.Entries-i) * time.Minute)})
		}
		if err := db.AddEntries(ctx, es); err != nil {
			return fmt.Errorf("entries: %w", err)
		}
	}
	return nil
}
