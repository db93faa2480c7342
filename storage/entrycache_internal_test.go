package storage

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/klimabot/klimabot/commands"
)

// A write rolled back to its savepoint takes its entry out of the merge:
// the list after the batch holds the entries of its batch-mates alone,
// exactly as a read gives them. A batch rolled back whole merges nothing.
func TestEntryMerge_SavepointRollback(t *testing.T) {
	db := openGC(t)
	ctx := context.Background()
	if _, err := db.Import(ctx, "test.txt", []commands.Measure{{Code: "F.1", Title: "Wald"}}); err != nil {
		t.Fatal(err)
	}
	m, err := db.MeasureSteps(ctx, "F.1")
	if err != nil {
		t.Fatal(err)
	}
	entry := func(text string, fail error) func(tx querier) error {
		return func(tx querier) error {
			e := commands.Entry{MeasureID: m.ID, Author: commands.Person{ID: "U1"}, Text: text, CreatedAt: time.Now()}
			if _, err := insertEntry(ctx, tx, e); err != nil {
				return err
			}
			return fail
		}
	}
	if _, err := db.AddEntry(ctx, commands.Entry{MeasureID: m.ID, MeasureCode: "F.1", Text: "eins"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Entries(ctx, m.ID, commands.EntriesShown); err != nil { // cached
		t.Fatal(err)
	}
	merged := db.ReadCacheStats().Merged
	boom := errors.New("boom")
	errs, _ := inOneBatch(t, db, nil, entry("zwei", nil), entry("halb", boom), entry("drei", nil))
	if errs[0] != nil || !errors.Is(errs[1], boom) || errs[2] != nil {
		t.Fatal(errs)
	}
	got, err := db.Entries(ctx, m.ID, commands.EntriesShown)
	if err != nil {
		t.Fatal(err)
	}
	read, err := readEntries(ctx, db, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, read) || len(got) != 3 {
		t.Errorf("after the batch:\n%+v\nread:\n%+v", got, read)
	}
	if db.ReadCacheStats().Merged == merged {
		t.Error("the batch's list was read, not merged")
	}
}

// readEntries reads a measure's newest entries from SQLite, past the cache.
func readEntries(ctx context.Context, db *DB, id int64) ([]commands.Entry, error) {
	return readEntriesOn(ctx, db.rcache, id, commands.EntriesShown)
}

// A write that adds more entries than maxMergedRows keeps none beyond the
// bound: the measure's list is read after it, and is what a read gives.
func TestEntryMerge_BulkWriteIsRead(t *testing.T) {
	db := openGC(t)
	ctx := context.Background()
	if _, err := db.Import(ctx, "test.txt", []commands.Measure{{Code: "F.1", Title: "Wald"}}); err != nil {
		t.Fatal(err)
	}
	m, err := db.MeasureSteps(ctx, "F.1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Entries(ctx, m.ID, commands.EntriesShown); err != nil { // cached, empty
		t.Fatal(err)
	}
	merged := db.ReadCacheStats().Merged
	if err := db.write(ctx, func(tx querier) error {
		for i := range maxMergedRows + 10 {
			e := commands.Entry{MeasureID: m.ID, Text: fmt.Sprint(i), CreatedAt: time.Now()}
			if _, err := insertEntry(ctx, tx, e); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if got := db.ReadCacheStats().Merged; got != merged {
		t.Errorf("a bulk write merged: %d → %d", merged, got)
	}
	got, err := db.Entries(ctx, m.ID, commands.EntriesShown)
	if err != nil {
		t.Fatal(err)
	}
	if read, err := readEntries(ctx, db, m.ID); err != nil || !reflect.DeepEqual(got, read) || len(got) != 3 {
		t.Errorf("after the bulk write:\n%+v\nread (%v):\n%+v", got, err, read)
	}
}
