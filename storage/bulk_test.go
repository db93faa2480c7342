package storage_test

import (
	"context"
	"testing"

	"github.com/klimabot/klimabot/commands"
)

// AddEntries writes all entries or none.
func TestAddEntriesAllOrNone(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	mustImport(t, db, f019())
	m := mustMeasure(t, db, "F.019")
	good := commands.Entry{MeasureID: m.ID, Author: commands.Person{ID: "U1"}, Text: "a", Source: commands.SourceImport}
	bad := good
	bad.Step = 99
	before := dump(t, db)
	wantCode(t, db.AddEntries(ctx, []commands.Entry{good, good, bad}), commands.ENOTFOUND)
	if dump(t, db) != before {
		t.Fatal("a failed batch wrote entries")
	}
	if err := db.AddEntries(ctx, []commands.Entry{good, good}); err != nil {
		t.Fatal(err)
	}
	if es, _ := db.Entries(ctx, m.ID, 0); len(es) != 2 || es[0].MeasureCode != "" && es[0].MeasureCode != "F.019" {
		t.Errorf("entries = %+v", es)
	}
}
