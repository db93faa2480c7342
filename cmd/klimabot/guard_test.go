package main

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

var rescuedLine = regexp.MustCompile(`database file lost while serving.* rescued=(\S+)`)

// serveLosesFile runs klimabot serve with writers busy, does to the file
// what an operator's shell may do, and checks: no write is acknowledged
// after it, the process exits 1 by itself with one clear log line, and
// every acknowledged write is in the rescued copy.
func serveLosesFile(t *testing.T, do func(t *testing.T, path string)) {
	db := newProcDB(t)
	s := startServe(t, db, procSlack(t, 0).URL)
	client := &http.Client{Timeout: 10 * time.Second}

	var mu sync.Mutex
	var acked []string
	lostAt := time.Time{}
	var ackedAfter []string
	record := func(text string) {
		mu.Lock()
		defer mu.Unlock()
		if !lostAt.IsZero() {
			ackedAfter = append(ackedAfter, text)
		}
		acked = append(acked, text)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var notStored sync.Once
	sawNotStored := false
	for w := range 4 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				text := fmt.Sprintf("w%d-%d", w, i)
				status, body, err := s.command(client, "UADMIN", "eintragen F.019 "+text)
				if err != nil {
					return // the process stopped
				}
				if status == 200 && strings.Contains(body, savedLine) {
					record(text)
				} else if strings.Contains(body, "Nicht gespeichert") {
					notStored.Do(func() { sawNotStored = true })
				}
			}
		})
	}
	for deadline := time.Now().Add(30 * time.Second); ; {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 20 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d writes acknowledged in 30 s", n)
		}
		time.Sleep(5 * time.Millisecond)
	}

	// sent before the file goes: its acknowledgement may still be on the
	// way, so "after" starts once do has returned
	do(t, db)
	mu.Lock()
	lostAt = time.Now()
	mu.Unlock()

	select {
	case err := <-s.exited:
		ee, ok := err.(*exec.ExitError)
		if !ok || ee.ExitCode() != 1 {
			t.Errorf("exit: %v, want exit code 1 for the supervisor", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("klimabot serve did not stop after its file was lost")
	}
	close(stop)
	wg.Wait()
	t.Logf("%d writes acknowledged, the person was told \"not stored\": %v", len(acked), sawNotStored)

	log := s.stderr.String()
	if n := strings.Count(log, "database file lost while serving"); n != 1 {
		t.Errorf("%d log lines say the file was lost, want 1:\n%s", n, log)
	}
	m := rescuedLine.FindStringSubmatch(log)
	if m == nil {
		t.Fatalf("no rescued file in the log:\n%s", log)
	}
	texts := entryTexts(t, m[1])
	for _, a := range acked {
		if !texts[a] {
			t.Errorf("acknowledged write %q is not in the rescued copy", a)
		}
	}
	// what was acknowledged after the loss must be in the rescued copy too
	// (checked above); there should be none beyond the ones in flight
	if len(ackedAfter) > 4 {
		t.Errorf("%d writes acknowledged after the file was lost: %v", len(ackedAfter), ackedAfter)
	}
}

// TestProcessFileDeleted: rm klimabot.db* while serving (issue 11 item 8).
func TestProcessFileDeleted(t *testing.T) {
	serveLosesFile(t, func(t *testing.T, path string) {
		for _, p := range []string{path, path + "-wal", path + "-shm"} {
			if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
		}
	})
}

// TestProcessFileReplaced: mv other.db klimabot.db while serving.
func TestProcessFileReplaced(t *testing.T) {
	serveLosesFile(t, func(t *testing.T, path string) {
		other := newProcDB(t)
		if err := os.Rename(other, path); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			// the file moved in is not damaged by what was open before
			entryTexts(t, path)
		})
	})
}
