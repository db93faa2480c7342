package storage_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/klimabot/klimabot/commands"
	"github.com/klimabot/klimabot/storage"
	"github.com/klimabot/klimabot/storage/storagetest"
)

// lostFile sets up a store with acknowledged entries, then does to its
// file what an operator's shell may do while the bot serves.
func lostFile(t *testing.T, do func(t *testing.T, path string)) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "klimabot.db")
	db := MustOpenDBAt(t, path)
	mustImport(t, db, f019())
	m := mustMeasure(t, db, "F.019")
	var acked []string
	for i := range 5 {
		text := fmt.Sprintf("before %d", i)
		if _, err := db.AddEntry(ctx, commands.Entry{MeasureID: m.ID, Text: text}); err != nil {
			t.Fatal(err)
		}
		acked = append(acked, text)
	}
	if err := db.Ping(ctx); err != nil {
		t.Fatalf("healthy store: %v", err)
	}

	do(t, path)

	// the first write after it is not acknowledged, and says why
	_, err := db.AddEntry(ctx, commands.Entry{MeasureID: m.ID, Text: "after"})
	if !errors.Is(err, storage.ErrFileLost) || !commands.NotStored(err) {
		t.Fatalf("write after the file was lost: %v, want ErrFileLost marked not stored", err)
	}
	select {
	case <-db.Lost():
	default:
		t.Fatal("Lost is not closed")
	}
	if err := db.Ping(ctx); !errors.Is(err, storage.ErrFileLost) {
		t.Errorf("Ping after the file was lost: %v", err)
	}
	// and no later write either, nor a write of another kind
	if _, err := db.MarkEventProcessed(ctx, "Ev1"); !errors.Is(err, storage.ErrFileLost) {
		t.Errorf("MarkEventProcessed after the file was lost: %v", err)
	}

	// every acknowledged write is in the rescued copy, the refused one not
	rescued, err := db.Rescue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(rescued, path+".rescued-") {
		t.Errorf("rescued to %s", rescued)
	}
	rdb := MustOpenDBAt(t, rescued)
	if err := rdb.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	es, err := rdb.Entries(ctx, mustMeasure(t, rdb, "F.019").ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, e := range es {
		have[e.Text] = true
	}
	for _, a := range acked {
		if !have[a] {
			t.Errorf("acknowledged entry %q not in the rescued copy", a)
		}
	}
	if have["after"] {
		t.Error("the refused entry is in the rescued copy")
	}
}

func TestGuard_FileDeleted(t *testing.T) {
	lostFile(t, func(t *testing.T, path string) {
		for _, p := range []string{path, path + "-wal", path + "-shm"} { // rm klimabot.db*
			if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
				t.Fatal(err)
			}
		}
	})
}

func TestGuard_FileReplaced(t *testing.T) {
	lostFile(t, func(t *testing.T, path string) {
		other := filepath.Join(t.TempDir(), "other.db")
		odb, err := storage.Open(context.Background(), other)
		if err != nil {
			t.Fatal(err)
		}
		if err := odb.Close(); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(other, path); err != nil { // mv other.db klimabot.db
			t.Fatal(err)
		}
	})
}

// TestGuard_WatchFile: a bot that only reads notices the loss too.
func TestGuard_WatchFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "klimabot.db")
	db := MustOpenDBAt(t, path)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go db.WatchFile(ctx, 10*time.Millisecond)
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	select {
	case <-db.Lost():
	case <-time.After(5 * time.Second):
		t.Fatal("the watcher did not notice the deleted file")
	}
}

// TestGuard_Full: a write the disk cannot take is marked not stored, Ping
// fails while it lasts and recovers once a write succeeds again.
func TestGuard_Full(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	mustImport(t, db, f019())
	m := mustMeasure(t, db, "F.019")
	var pages int
	if err := db.WriteDB().QueryRow("PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	// the disk is full: not one more page (the writer has one connection)
	if _, err := db.WriteDB().Exec(fmt.Sprintf("PRAGMA max_page_count = %d", pages)); err != nil {
		t.Fatal(err)
	}
	big := strings.Repeat("Fortschritt ", 2000)
	_, err := db.AddEntry(ctx, commands.Entry{MeasureID: m.ID, Text: big})
	if err == nil || !commands.NotStored(err) {
		t.Fatalf("write on a full disk: %v, want it marked not stored", err)
	}
	if err := db.Ping(ctx); err == nil {
		t.Error("Ping says healthy while the store cannot write")
	}
	if _, err := db.WriteDB().Exec("PRAGMA max_page_count = 1073741823"); err != nil {
		t.Fatal(err)
	}
	if err := db.Ping(ctx); err != nil {
		t.Errorf("Ping after space was freed: %v", err)
	}
	if _, err := db.AddEntry(ctx, commands.Entry{MeasureID: m.ID, Text: big}); err != nil {
		t.Errorf("write after space was freed: %v", err)
	}
}

// BenchmarkFileCheck is what the guard adds to each acknowledged write.
func BenchmarkFileCheck(b *testing.B) {
	db := MustOpenDB(b)
	for b.Loop() {
		if err := db.CheckFile(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpenQuickCheck is what `serve` (and every command but import
// and demo) adds at start on the store of SPEC's quality bars: Open with
// MustExist runs PRAGMA quick_check; compare BenchmarkOpen.
func BenchmarkOpenQuickCheck(b *testing.B) {
	benchOpen(b, storage.MustExist())
}

// BenchmarkOpen opens the quality-bar store without the start checks.
func BenchmarkOpen(b *testing.B) {
	benchOpen(b)
}

func benchOpen(b *testing.B, opts ...storage.Option) {
	path := storagetest.Path(b, storagetest.Quality)
	for b.Loop() {
		db, err := storage.Open(context.Background(), path, opts...)
		if err != nil {
			b.Fatal(err)
		}
		db.Close()
	}
}
