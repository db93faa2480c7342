package storage_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/klimabot/klimabot/commands"
	"github.com/klimabot/klimabot/storage"
)

// Size of the benchmark store (SPEC quality bars).
const (
	benchMeasures = 10_000
	benchEntries  = 100_000
)

var (
	benchOnce sync.Once
	benchDir  string
	benchPath string
	benchErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

// benchStore returns the path of a store with benchMeasures measures of six
// steps each (a third of them done), one explicit deadline per measure and
// benchEntries progress entries, built once per test binary run.
func benchStore(b *testing.B) string {
	benchOnce.Do(func() {
		ctx := context.Background()
		if benchDir, benchErr = os.MkdirTemp("", "klimabot-bench-"); benchErr != nil {
			return
		}
		benchPath = filepath.Join(benchDir, "bench.db")
		db, err := storage.Open(ctx, benchPath)
		if err != nil {
			benchErr = err
			return
		}
		defer db.Close()
		ms := make([]commands.Measure, benchMeasures)
		for i := range ms {
			m := commands.Measure{Code: fmt.Sprintf("M.%05d", i), Title: fmt.Sprintf("Maßnahme %d Klimaschutz", i),
				Responsible: "Amt " + fmt.Sprint(i%40), Description: "Beschreibung", Status: "läuft"}
			for n := 1; n <= 6; n++ {
				m.Steps = append(m.Steps, commands.Step{Number: n, Text: fmt.Sprintf("Schritt %d", n), PlannedYear: 2024 + n})
			}
			ms[i] = m
		}
		if _, benchErr = db.Import(ctx, "bench", ms); benchErr != nil {
			return
		}
		benchErr = db.WriteTx(ctx, func(tx *sql.Tx) error {
			now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			if _, err := tx.Exec(`UPDATE steps SET done_at = ?, done_by_id = 'U1' WHERE number <= 2`, now.Format(time.RFC3339Nano)); err != nil {
				return err
			}
			if _, err := tx.Exec(`INSERT INTO deadlines (measure_id, step, due, text, original_due, created_at)
				SELECT id, 3, '2026-09-30', 'Frist', '2026-09-30', '2026-01-01T00:00:00.000000000Z' FROM measures`); err != nil {
				return err
			}
			stmt, err := tx.Prepare(`INSERT INTO entries (measure_id, author_id, author_name, text, source, created_at)
				VALUES (?, 'U1', 'Alice', ?, 'command', ?)`)
			if err != nil {
				return err
			}
			defer stmt.Close()
			for i := range benchEntries {
				at := now.Add(time.Duration(i) * time.Minute).Format("2006-01-02T15:04:05.000000000Z")
				if _, err := stmt.Exec(int64(i%benchMeasures)+1, fmt.Sprintf("Fortschritt %d", i), at); err != nil {
					return err
				}
			}
			return nil
		})
	})
	if benchErr != nil {
		b.Fatalf("build benchmark store: %v", benchErr)
	}
	return benchPath
}

// BenchmarkStatusOfOneMeasure is the store's share of `/klima status`: the
// measure, its last three entries and its open deadlines.
func BenchmarkStatusOfOneMeasure(b *testing.B) {
	db := MustOpenDBAt(b, benchStore(b))
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		m, err := db.Measure(ctx, fmt.Sprintf("m%d", i*7919%benchMeasures))
		if err != nil {
			b.Fatal(err)
		}
		es, err := db.Entries(ctx, m.ID, 3)
		if err != nil || len(es) != 3 {
			b.Fatalf("entries: %d, %v", len(es), err)
		}
		ds, err := db.Deadlines(ctx, commands.DeadlineQuery{MeasureIDs: []int64{m.ID}})
		if err != nil || len(ds) != 4 {
			b.Fatalf("deadlines: %d, %v", len(ds), err)
		}
		i++
	}
}

// BenchmarkListMeasures is `/klima list TEXT` with a filter that matches a
// fortieth of the catalogue, capped at 20 lines.
func BenchmarkListMeasures(b *testing.B) {
	db := MustOpenDBAt(b, benchStore(b))
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		got, err := db.ListMeasures(ctx, "AMT 7", 20)
		if err != nil || len(got) != 20 || got[0].NextDeadline == nil {
			b.Fatalf("list: %d, %v", len(got), err)
		}
	}
}

// BenchmarkDeadlinesDue is the reminder pass's query: every open deadline,
// explicit or implied, due by the end of 2028 (20,000 of them), over the whole store.
func BenchmarkDeadlinesDue(b *testing.B) {
	db := MustOpenDBAt(b, benchStore(b))
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		ds, err := db.Deadlines(ctx, commands.DeadlineQuery{Until: commands.NewDate(2028, 12, 31)})
		if err != nil || len(ds) != 2*benchMeasures {
			b.Fatalf("deadlines: %d, %v", len(ds), err)
		}
	}
}

// BenchmarkAddEntry16 is `log` from 16 concurrent writers (SPEC's write
// bar): with group commit, writes that queue behind a commit share the next
// one. It reports the writes per commit.
func BenchmarkAddEntry16(b *testing.B) {
	db := MustOpenDB(b)
	mustImport(b, db, f019())
	m := mustMeasure(b, db, "F.019")
	ctx := context.Background()
	before := db.CommitStats()
	b.ReportAllocs()
	procs := runtime.GOMAXPROCS(0)
	b.SetParallelism((16 + procs - 1) / procs)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := db.AddEntry(ctx, commands.Entry{MeasureID: m.ID, Text: "Fortschritt", Source: commands.SourceCommand,
				Author: commands.Person{ID: "U1", Name: "Alice"}}); err != nil {
				b.Error(err)
				return
			}
		}
	})
	st := db.CommitStats()
	if c := st.Commits - before.Commits; c > 0 {
		b.ReportMetric(float64(st.Writes-before.Writes)/float64(c), "writes/commit")
	}
}
