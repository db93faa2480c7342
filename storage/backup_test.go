package storage_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/klimabot/klimabot/commands"
)

// TestBackupWhileWriting copies the database while writers keep adding
// entries: the copy opens cleanly, passes integrity_check and holds a
// consistent prefix of the entries.
func TestBackupWhileWriting(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	mustImport(t, db, f019())
	m := mustMeasure(t, db, "F.019")
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := db.AddEntry(ctx, commands.Entry{MeasureID: m.ID, Author: commands.Person{ID: "U"}, Text: fmt.Sprint(w, i), Source: commands.SourceCommand}); err != nil {
					t.Error(err)
					return
				}
			}
		}(w)
	}
	path := filepath.Join(t.TempDir(), "backup.db")
	err := db.Backup(ctx, path)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	copyDB := MustOpenDBAt(t, path)
	if err := copyDB.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	if got := mustMeasure(t, copyDB, "F.019"); got.Title != m.Title || len(got.Steps) != len(m.Steps) {
		t.Errorf("backup measure = %+v", got)
	}
	if err := db.Backup(ctx, path); err == nil {
		t.Error("backup overwrote an existing file")
	}
}
