package storage_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/klimabot/klimabot/commands"
)

func asError(err error, target **commands.Error) bool { return errors.As(err, target) }

func TestEntries_NewestFirst(t *testing.T) {
	ctx := context.Background()
	clock := newClock("2026-03-01T08:00:00Z")
	db := MustOpenDB(t, WithClockOf(clock))
	mustImport(t, db, f019())
	m := mustMeasure(t, db, "F.019")
	var added []commands.Entry
	for i := range 5 {
		e, err := db.AddEntry(ctx, commands.Entry{MeasureID: m.ID, Step: i % 3, Text: fmt.Sprint("e", i),
			Author: commands.Person{ID: "U1", Name: "Alice"}, Source: commands.SourceThread, ChannelID: "C1"})
		if err != nil {
			t.Fatal(err)
		}
		if e.ID == 0 || !e.CreatedAt.Equal(clock.Now()) || e.MeasureCode != "F.019" {
			t.Errorf("AddEntry returned %+v", e)
		}
		added = append(added, e)
		if i != 2 { // two entries in the same instant: id breaks the tie
			clock.Add(time.Millisecond)
		}
	}
	es, err := db.Entries(ctx, m.ID, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 3 || es[0] != added[4] || es[1] != added[3] || es[2] != added[2] {
		t.Errorf("Entries(3) = %+v", es)
	}
	_, err = db.AddEntry(ctx, commands.Entry{MeasureID: 999, Text: "x"})
	wantCode(t, err, commands.ENOTFOUND)
	// with the code given (as a command does), the foreign key refuses it
	_, err = db.AddEntry(ctx, commands.Entry{MeasureID: 999, MeasureCode: "F.999", Text: "x"})
	wantCode(t, err, commands.ENOTFOUND)
	if es, err := db.Entries(ctx, 999, 0); err != nil || len(es) != 0 {
		t.Errorf("entries stored for a measure that does not exist: %v, %v", es, err)
	}
	_, err = db.AddEntry(ctx, commands.Entry{MeasureID: m.ID, Step: 7, Text: "x"})
	wantCode(t, err, commands.ENOTFOUND)
}

func TestEntries_AppendOnly(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	mustImport(t, db, f019())
	m := mustMeasure(t, db, "F.019")
	e, err := db.AddEntry(ctx, commands.Entry{MeasureID: m.ID, Text: "Protokoll"})
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		"UPDATE entries SET text = 'gefälscht' WHERE id = ?",
		"DELETE FROM entries WHERE id = ?",
	} {
		err := db.WriteTx(ctx, func(tx *sql.Tx) error {
			_, err := tx.Exec(stmt, e.ID)
			return err
		})
		if err == nil {
			t.Errorf("%s succeeded", stmt)
		}
	}
	// Nor can the measure be deleted from under its entries.
	err = db.WriteTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec("DELETE FROM measures WHERE id = ?", m.ID)
		return err
	})
	if err == nil {
		t.Error("deleting a measure with entries succeeded")
	}
	if es, _ := db.Entries(ctx, m.ID, 0); len(es) != 1 || es[0].Text != "Protokoll" {
		t.Errorf("entries = %+v", es)
	}
}

func TestAddEntry_ConcurrentWriters(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	mustImport(t, db, f019())
	m := mustMeasure(t, db, "F.019")
	const writers, each = 32, 50
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				_, err := db.AddEntry(ctx, commands.Entry{MeasureID: m.ID, Text: fmt.Sprintf("w%d-%d", w, i)})
				if err != nil {
					errs <- err
				}
				// Readers run alongside the writers.
				if i%10 == 0 {
					if _, err := db.Entries(ctx, m.ID, 3); err != nil {
						errs <- err
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent write: %v", err)
	}
	es, err := db.Entries(ctx, m.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != writers*each {
		t.Errorf("stored %d entries, want %d", len(es), writers*each)
	}
}
