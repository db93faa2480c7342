package storage_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/klimabot/klimabot/commands"
	"github.com/klimabot/klimabot/storage"
)

func TestOpen_MigratesAndReopens(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "k.db")
	for range 2 {
		db, err := storage.Open(ctx, path)
		if err != nil {
			t.Fatalf("open: %v", err)
		}
		var n, v int
		if err := db.ReadDB().QueryRow("SELECT count(*), max(version) FROM schema_migrations").Scan(&n, &v); err != nil {
			t.Fatal(err)
		}
		if n != storage.MigrationCount() || v != storage.SchemaVersion() {
			t.Errorf("schema_migrations: %d rows, max %d; want %d rows, max %d", n, v, storage.MigrationCount(), storage.SchemaVersion())
		}
		if err := db.Ping(ctx); err != nil {
			t.Errorf("ping: %v", err)
		}
		if err := db.Close(); err != nil {
			t.Fatalf("close: %v", err)
		}
	}
}

func TestOpen_Pragmas(t *testing.T) {
	db := MustOpenDB(t)
	for name, pool := range map[string]*sql.DB{"writer": db.WriteDB(), "reader": db.ReadDB()} {
		var mode string
		var fk, sync, busy int
		row := pool.QueryRow("SELECT * FROM pragma_journal_mode, pragma_foreign_keys, pragma_synchronous, pragma_busy_timeout")
		if err := row.Scan(&mode, &fk, &sync, &busy); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if mode != "wal" || fk != 1 || sync != 2 || busy != 5000 {
			t.Errorf("%s: journal_mode=%s foreign_keys=%d synchronous=%d busy_timeout=%d", name, mode, fk, sync, busy)
		}
	}
	if _, err := db.ReadDB().Exec("INSERT INTO processed_events VALUES ('x', 'y')"); err == nil {
		t.Error("reader accepted a write")
	}
}

func TestOpen_RefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "k.db")
	db, err := storage.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	err = db.WriteTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec("INSERT INTO schema_migrations (version, applied_at) VALUES (9999, 'x')")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = storage.Open(ctx, path)
	if err == nil {
		db.Close()
		t.Fatal("opened a database with a newer schema")
	}
	if !strings.Contains(err.Error(), "9999") || !strings.Contains(err.Error(), "upgrade klimabot") {
		t.Errorf("error does not tell the user what to do: %v", err)
	}
}

func TestOpen_RefusesMemory(t *testing.T) {
	for _, p := range []string{"", ":memory:", "file::memory:?cache=shared"} {
		if db, err := storage.Open(context.Background(), p); err == nil {
			db.Close()
			t.Errorf("Open(%q) succeeded", p)
		}
	}
}

func TestOpen_PathWithSpecialCharacters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a dir?#x", "k 1.db")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	db := MustOpenDBAt(t, path)
	mustImport(t, db, f019())
	if _, err := os.Stat(path); err != nil {
		t.Errorf("database not created at %s: %v", path, err)
	}
}

func TestMarkEventProcessed(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	for i, want := range []bool{true, false, false} {
		first, err := db.MarkEventProcessed(ctx, "Ev1")
		if err != nil {
			t.Fatal(err)
		}
		if first != want {
			t.Errorf("call %d: first = %v, want %v", i, first, want)
		}
	}
	if first, _ := db.MarkEventProcessed(ctx, "Ev2"); !first {
		t.Error("another event is not first")
	}
}

func TestBotMessages(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	mustImport(t, db, f019())
	m := mustMeasure(t, db, "F.019")
	if _, ok, err := db.MeasureForMessage(ctx, "C1", "1.0001"); ok || err != nil {
		t.Fatalf("unknown message: ok=%v err=%v", ok, err)
	}
	if err := db.RecordBotMessage(ctx, "C1", "1.0001", m.ID, "reminder"); err != nil {
		t.Fatal(err)
	}
	id, ok, err := db.MeasureForMessage(ctx, "C1", "1.0001")
	if err != nil || !ok || id != m.ID {
		t.Errorf("MeasureForMessage = %d, %v, %v; want %d", id, ok, err, m.ID)
	}
	if _, ok, _ := db.MeasureForMessage(ctx, "C2", "1.0001"); ok {
		t.Error("message found in another channel")
	}
	wantCode(t, db.RecordBotMessage(ctx, "C1", "2.0", 999, "announce"), "not_found")
}

func TestMessageMeasures(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	mustImport(t, db, f019(), commands.Measure{Code: "A.1", Title: "Radverkehrskonzept"})
	f, a := mustMeasure(t, db, "F.019"), mustMeasure(t, db, "A.1")

	// one measure, however often: an ordinary record, thread replies log
	if err := db.RecordMessageMeasures(ctx, "C1", "1.0001", []int64{f.ID, f.ID}, "announce"); err != nil {
		t.Fatal(err)
	}
	if id, ok, err := db.MeasureForMessage(ctx, "C1", "1.0001"); err != nil || !ok || id != f.ID {
		t.Errorf("same measure: MeasureForMessage = %d, %v, %v; want %d", id, ok, err, f.ID)
	}
	if ids, err := db.MeasuresForMessage(ctx, "C1", "1.0001"); err != nil || !slices.Equal(ids, []int64{f.ID}) {
		t.Errorf("same measure: MeasuresForMessage = %v, %v", ids, err)
	}

	// several: no one measure, all of them in the order shown
	if err := db.RecordMessageMeasures(ctx, "C1", "1.0002", []int64{a.ID, f.ID, a.ID}, "announce"); err != nil {
		t.Fatal(err)
	}
	if id, ok, err := db.MeasureForMessage(ctx, "C1", "1.0002"); err != nil || ok {
		t.Errorf("several measures: MeasureForMessage = %d, %v, %v; want none", id, ok, err)
	}
	if ids, err := db.MeasuresForMessage(ctx, "C1", "1.0002"); err != nil || !slices.Equal(ids, []int64{a.ID, f.ID}) {
		t.Errorf("several measures: MeasuresForMessage = %v, %v; want [%d %d]", ids, err, a.ID, f.ID)
	}
	if ids, err := db.MeasuresForMessage(ctx, "C1", "9.9"); err != nil || len(ids) != 0 {
		t.Errorf("unknown message: MeasuresForMessage = %v, %v", ids, err)
	}
	wantCode(t, db.RecordMessageMeasures(ctx, "C1", "2.0", []int64{f.ID, 999}, "announce"), "not_found")

	// recorded again about one measure (or by RecordBotMessage), a
	// message names that one only: the earlier list is gone
	if err := db.RecordMessageMeasures(ctx, "C1", "1.0003", []int64{a.ID, f.ID}, "announce"); err != nil {
		t.Fatal(err)
	}
	if err := db.RecordMessageMeasures(ctx, "C1", "1.0003", []int64{f.ID}, "announce"); err != nil {
		t.Fatal(err)
	}
	if ids, err := db.MeasuresForMessage(ctx, "C1", "1.0003"); err != nil || !slices.Equal(ids, []int64{f.ID}) {
		t.Errorf("recorded again with one measure: MeasuresForMessage = %v, %v; want [%d]", ids, err, f.ID)
	}
	if err := db.RecordMessageMeasures(ctx, "C1", "1.0004", []int64{a.ID, f.ID}, "announce"); err != nil {
		t.Fatal(err)
	}
	if err := db.RecordBotMessage(ctx, "C1", "1.0004", a.ID, "reminder"); err != nil {
		t.Fatal(err)
	}
	if id, ok, err := db.MeasureForMessage(ctx, "C1", "1.0004"); err != nil || !ok || id != a.ID {
		t.Errorf("recorded again by RecordBotMessage: MeasureForMessage = %d, %v, %v; want %d", id, ok, err, a.ID)
	}

	// a moved channel takes the measures of its messages along
	if err := db.MoveChannel(ctx, "C1", "C9"); err != nil {
		t.Fatal(err)
	}
	if ids, err := db.MeasuresForMessage(ctx, "C9", "1.0002"); err != nil || !slices.Equal(ids, []int64{a.ID, f.ID}) {
		t.Errorf("after the move: MeasuresForMessage = %v, %v", ids, err)
	}
}
