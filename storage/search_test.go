package storage_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klimabot/klimabot/storage"
)

// TestSearchRefoldedOnOpen: a database written by an older version holds
// the search column lower-cased with its diacritics ("nové"); opening it
// folds the column, so that "nove" finds the measure (issue 15 item 4).
func TestSearchRefoldedOnOpen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := storage.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	mustImport(t, db, f019())
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	m := f019()
	old := strings.ToLower(m.Code + "\x1f" + m.Title + "\x1f" + m.Responsible) // as the old version wrote it
	if !strings.Contains(old, "nové") {
		t.Fatalf("fixture title has no diacritics: %q", old)
	}
	if _, err := raw.ExecContext(ctx, "UPDATE measures SET search = ?", old); err != nil {
		t.Fatal(err)
	}
	raw.Close()

	db = MustOpenDBAt(t, path)
	for _, filter := range []string{"nove", "Nové", "NOVE MESTO"} {
		got, err := db.ListMeasures(ctx, filter, 0)
		if err != nil || len(got) != 1 {
			t.Errorf("ListMeasures(%q) = %v, %v; want F.019", filter, got, err)
		}
	}
}
