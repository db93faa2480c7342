package storage_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/klimabot/klimabot/commands"
	"github.com/klimabot/klimabot/storage"
)

// crashDBEnv names the database the child process of TestDurability_Kill
// writes to; set only in the child.
const crashDBEnv = "KLIMABOT_STORAGE_CRASH_DB"

// TestDurability_Kill re-runs the test binary as a child that writes entries
// as fast as it can and prints each id once its commit returned. The parent
// kills it with SIGKILL mid-burst, reopens the file and checks that every
// acknowledged entry is there and the database is intact.
func TestDurability_Kill(t *testing.T) {
	if path := os.Getenv(crashDBEnv); path != "" {
		crashChild(path)
		return
	}
	if testing.Short() {
		t.Skip("spawns a process")
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "crash.db")
	setup, err := storage.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	mustImport(t, setup, f019())
	m := mustMeasure(t, setup, "F.019")
	if err := setup.Close(); err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command(os.Args[0], "-test.run=^TestDurability_Kill$", "-test.timeout=2m")
	cmd.Env = append(os.Environ(), crashDBEnv+"="+path)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })

	var acked []int64
	killed := false
	sc := bufio.NewScanner(out)
	deadline := time.Now().Add(time.Minute)
	for sc.Scan() {
		id, ok := strings.CutPrefix(sc.Text(), "committed ")
		if !ok {
			continue
		}
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			t.Fatalf("child printed %q", sc.Text())
		}
		acked = append(acked, n)
		if !killed && (len(acked) >= 200 || time.Now().After(deadline)) {
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			killed = true
		}
	}
	werr := cmd.Wait()
	if !killed {
		t.Fatalf("child ended before it was killed: %v", werr)
	}
	if len(acked) == 0 {
		t.Fatal("child acknowledged nothing")
	}

	db := MustOpenDBAt(t, path)
	var check string
	if err := db.ReadDB().QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check = %q, %v", check, err)
	}
	es, err := db.Entries(ctx, m.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	have := map[int64]bool{}
	for _, e := range es {
		have[e.ID] = true
	}
	for _, id := range acked {
		if !have[id] {
			t.Errorf("acknowledged entry %d lost", id)
		}
	}
	t.Logf("%d entries acknowledged before SIGKILL, %d stored", len(acked), len(es))
}

// crashChild writes entries from several goroutines until it is killed.
func crashChild(path string) {
	ctx := context.Background()
	db, err := storage.Open(ctx, path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	m, err := db.Measure(ctx, "F.019")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := 0; ; i++ {
				e, err := db.AddEntry(ctx, commands.Entry{MeasureID: m.ID, Text: fmt.Sprintf("w%d-%d", w, i)})
				if err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(2)
				}
				mu.Lock()
				fmt.Fprintf(os.Stdout, "committed %d\n", e.ID) // os.Stdout is unbuffered
				mu.Unlock()
			}
		})
	}
	wg.Wait()
}
