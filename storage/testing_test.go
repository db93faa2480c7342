package storage_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klimabot/klimabot/commands"
	"github.com/klimabot/klimabot/storage"
)

// MustOpenDB opens a store on a new file in tb.TempDir() and closes it when
// the test ends.
func MustOpenDB(tb testing.TB, opts ...storage.Option) *storage.DB {
	tb.Helper()
	return MustOpenDBAt(tb, filepath.Join(tb.TempDir(), "klimabot.db"), opts...)
}

// MustOpenDBAt opens a store on path and closes it when the test ends.
func MustOpenDBAt(tb testing.TB, path string, opts ...storage.Option) *storage.DB {
	tb.Helper()
	db, err := storage.Open(context.Background(), path, opts...)
	if err != nil {
		tb.Fatalf("open %s: %v", path, err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("close: %v", err)
		}
	})
	return db
}

// fakeClock is a settable clock for WithClock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock(s string) *fakeClock {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return &fakeClock{t: t}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// WithClockOf returns the option that makes the store use c.
func WithClockOf(c *fakeClock) storage.Option { return storage.WithClock(c.Now) }

// f019 returns measure sheet F.019 as an importer would read it.
func f019() commands.Measure {
	return commands.Measure{
		Code:         "F.019",
		Title:        "Kommunale Klimapartnerschaft mit Nové Město nad Metují",
		Responsible:  "Stabsstelle Klimaschutz",
		TargetGroup:  "Verwaltung, Bürgerschaft",
		Objective:    "Austausch und gemeinsame Projekte",
		Description:  "Aufbau einer Klimapartnerschaft",
		Status:       "in Vorbereitung",
		CostsPlanned: "10.000 €",
		RunningCosts: "2.000 €",
		Funding:      "SKEW",
		Staff:        "0,25",
		Partnership:  "Nové Město",
		Sections:     []commands.Section{{Title: "Hinweis", Body: "Partnerstadt seit 1990"}},
		Steps: []commands.Step{
			{Number: 1, Text: "Kontaktaufnahme", PlannedYear: 2025},
			{Number: 2, Text: "Absichtserklärung", PlannedYear: 2025},
			{Number: 3, Text: "Handlungsprogramm erarbeiten", PlannedYear: 2026},
			{Number: 4, Text: "Ratsbeschluss", PlannedDate: commands.NewDate(2026, time.June, 30)},
			{Number: 5, Text: "Umsetzung", PlannedYear: 2027},
			{Number: 6, Text: "Evaluation"},
		},
	}
}

// mustImport imports measures and fails the test on error.
func mustImport(tb testing.TB, db *storage.DB, ms ...commands.Measure) commands.ImportResult {
	tb.Helper()
	res, err := db.Import(context.Background(), "test.txt", ms)
	if err != nil {
		tb.Fatalf("import: %v", err)
	}
	return res
}

// mustMeasure reads a measure and fails the test on error.
func mustMeasure(tb testing.TB, db *storage.DB, code string) *commands.Measure {
	tb.Helper()
	m, err := db.Measure(context.Background(), code)
	if err != nil {
		tb.Fatalf("measure %s: %v", code, err)
	}
	return m
}

// dump returns every row of every table, for before/after comparisons.
func dump(tb testing.TB, db *storage.DB) string {
	tb.Helper()
	var b strings.Builder
	err := db.WriteTx(context.Background(), func(tx *sql.Tx) error {
		rows, err := tx.Query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
		if err != nil {
			return err
		}
		var tables []string
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				return err
			}
			tables = append(tables, n)
		}
		rows.Close()
		for _, t := range tables {
			fmt.Fprintf(&b, "== %s\n", t)
			rows, err := tx.Query(fmt.Sprintf("SELECT * FROM %q ORDER BY rowid", t))
			if err != nil {
				return err
			}
			cols, _ := rows.Columns()
			for rows.Next() {
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				if err := rows.Scan(ptrs...); err != nil {
					return err
				}
				for i, v := range vals {
					if bs, ok := v.([]byte); ok {
						v = string(bs)
					}
					fmt.Fprintf(&b, "%s=%v ", cols[i], v)
				}
				b.WriteString("\n")
			}
			if err := rows.Err(); err != nil {
				return err
			}
			rows.Close()
		}
		return nil
	})
	if err != nil {
		tb.Fatalf("dump: %v", err)
	}
	return b.String()
}

// wantCode fails the test unless err carries the app error code.
func wantCode(tb testing.TB, err error, code string) {
	tb.Helper()
	if got := commands.ErrorCode(err); got != code {
		tb.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}
