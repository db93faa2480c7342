package storage_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/klimabot/klimabot/commands"
)

// The reads under a snapshot see the data as it was when it began; the
// others see the latest commit.
func TestSnapshot_OneViewForAllReads(t *testing.T) {
	db := MustOpenDB(t)
	mustImport(t, db, f019())
	m := mustMeasure(t, db, "F.019")
	ctx := context.Background()
	add := func(text string) {
		t.Helper()
		if _, err := db.AddEntry(ctx, commands.Entry{MeasureID: m.ID, Author: commands.Person{ID: "U1"}, Text: text,
			Source: commands.SourceCommand}); err != nil {
			t.Fatal(err)
		}
	}
	add("before")
	sctx, end := db.Snapshot(ctx)
	defer end()
	if es, err := db.Entries(sctx, m.ID, 0); err != nil || len(es) != 1 { // the snapshot begins here
		t.Fatalf("entries in snapshot: %d, %v", len(es), err)
	}
	add("after")
	if _, err := db.CompleteSteps(ctx, m.ID, []int{1}, commands.Person{ID: "U1"}, time.Now(), nil); err != nil {
		t.Fatal(err)
	}
	if es, err := db.Entries(sctx, m.ID, 0); err != nil || len(es) != 1 {
		t.Errorf("entries in snapshot after a write: %d, %v", len(es), err)
	}
	if got, err := db.Measure(sctx, "F.019"); err != nil || got.Steps[0].Done {
		t.Errorf("snapshot sees the step done: %v", err)
	}
	if es, err := db.Entries(ctx, m.ID, 0); err != nil || len(es) != 2 {
		t.Errorf("entries outside the snapshot: %d, %v", len(es), err)
	}
	if got := mustMeasure(t, db, "F.019"); !got.Steps[0].Done {
		t.Error("outside the snapshot the step is not done")
	}
	end()
	end() // twice is fine
	if es, err := db.Entries(sctx, m.ID, 0); err == nil {
		t.Errorf("read on an ended snapshot: %d entries, no error", len(es))
	}
}

// More snapshots at once than the pool has readers, each running queries
// that were not prepared at Open: they wait for a reader, never for each
// other.
func TestSnapshot_ManyAtOnce(t *testing.T) {
	db := MustOpenDB(t)
	mustImport(t, db, f019())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sctx, end := db.Snapshot(ctx)
			defer end()
			for range 5 {
				if _, err := db.Codes(sctx); err != nil {
					errs <- err
					return
				}
				if _, err := db.ListMeasures(sctx, "f", 5); err != nil {
					errs <- err
					return
				}
				if _, err := db.Measure(sctx, "F.019"); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		t.Fatal("snapshots deadlocked")
	}
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
