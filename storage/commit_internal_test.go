package storage

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// openGC opens a store with a scratch table t(k TEXT PRIMARY KEY).
func openGC(t *testing.T) *DB {
	t.Helper()
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "gc.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.write(ctx, func(tx querier) error {
		_, err := tx.ExecContext(ctx, "CREATE TABLE t (k TEXT PRIMARY KEY)")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return db
}

func insert(k string) func(tx querier) error {
	return func(tx querier) error {
		_, err := tx.ExecContext(context.Background(), "INSERT INTO t (k) VALUES (?)", k)
		return err
	}
}

// keys reads t through the read pool: what is committed.
func keys(t *testing.T, db *DB) string {
	t.Helper()
	rows, err := db.reader.Query("SELECT k FROM t")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ks []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			t.Fatal(err)
		}
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, " ")
}

// inOneBatch holds the committer with a first write until the writes of fns
// are all queued behind it, so that they are committed as one batch; it
// returns each one's result.
func inOneBatch(t *testing.T, db *DB, ctxs []context.Context, fns ...func(tx querier) error) ([]error, int64) {
	return inOneBatchThen(t, db, ctxs, nil, fns...)
}

// inOneBatchThen is inOneBatch calling queued (if set) once all writes are
// queued, before the committer goes on.
func inOneBatchThen(t *testing.T, db *DB, ctxs []context.Context, queued func(), fns ...func(tx querier) error) ([]error, int64) {
	t.Helper()
	hold, held := make(chan struct{}), make(chan struct{})
	first := make(chan error, 1)
	go func() {
		first <- db.write(context.Background(), func(tx querier) error {
			close(held)
			<-hold
			return insert("first")(tx)
		})
	}()
	<-held
	errs := make([]error, len(fns))
	var wg sync.WaitGroup
	for i, fn := range fns {
		ctx := context.Background()
		if ctxs != nil {
			ctx = ctxs[i]
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = db.write(ctx, fn)
		}()
	}
	for deadline := time.Now().Add(10 * time.Second); len(db.commits.queue) < len(fns); {
		if time.Now().After(deadline) {
			t.Fatal("writes not queued")
		}
		time.Sleep(time.Millisecond)
	}
	before := db.CommitStats()
	if queued != nil {
		queued()
	}
	close(hold)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	return errs, db.CommitStats().Commits - before.Commits
}

func TestGroupCommit_OneFsyncForMany(t *testing.T) {
	db := openGC(t)
	var fns []func(tx querier) error
	for i := range 20 {
		fns = append(fns, insert(fmt.Sprintf("k%02d", i)))
	}
	before := db.CommitStats()
	errs, _ := inOneBatch(t, db, nil, fns...)
	for i, err := range errs {
		if err != nil {
			t.Errorf("write %d: %v", i, err)
		}
	}
	st := db.CommitStats()
	if c, w := st.Commits-before.Commits, st.Writes-before.Writes; c != 2 || w != 21 {
		t.Errorf("%d writes in %d commits, want 21 in 2", w, c)
	}
	if got := keys(t, db); !strings.HasPrefix(got, "first k00 k01") || !strings.HasSuffix(got, "k19") {
		t.Errorf("committed %q", got)
	}
}

// A failing write is rolled back alone: its batch-mates commit, and what it
// wrote before failing is gone.
func TestGroupCommit_FailureTakesOnlyItself(t *testing.T) {
	db := openGC(t)
	boom := errors.New("boom")
	errs, commits := inOneBatch(t, db, nil,
		insert("a"),
		func(tx querier) error { // writes, then fails
			if err := insert("half")(tx); err != nil {
				return err
			}
			return boom
		},
		insert("b"),
		insert("first"), // constraint error: the holding write has it
		func(tx querier) error { // writes, then panics
			insert("panicked")(tx)
			panic("write bug")
		},
		insert("c"),
	)
	if commits != 2 {
		t.Errorf("%d commits, want 2 (the first write, then the batch)", commits)
	}
	if errs[0] != nil || errs[2] != nil || errs[5] != nil {
		t.Errorf("good writes failed: %v", errs)
	}
	if !errors.Is(errs[1], boom) {
		t.Errorf("failing write: %v", errs[1])
	}
	if errs[3] == nil || !strings.Contains(errs[3].Error(), "UNIQUE") {
		t.Errorf("duplicate key: %v", errs[3])
	}
	if errs[4] == nil || !strings.Contains(errs[4].Error(), "panicked") {
		t.Errorf("panicking write: %v", errs[4])
	}
	if got, want := keys(t, db), "a b c first"; got != want {
		t.Errorf("committed %q, want %q", got, want)
	}
}

// A write that ends the whole transaction under its batch-mates (as an I/O
// error would) fails alone: the others run again and commit.
func TestGroupCommit_LostTransactionRetriesTheOthers(t *testing.T) {
	db := openGC(t)
	boom := errors.New("boom")
	errs, _ := inOneBatch(t, db, nil,
		insert("a"),
		func(tx querier) error {
			insert("lost")(tx)
			if _, err := tx.ExecContext(context.Background(), "ROLLBACK"); err != nil {
				return err
			}
			return boom
		},
		insert("b"),
	)
	if errs[0] != nil || errs[2] != nil {
		t.Errorf("good writes failed: %v", errs)
	}
	if !errors.Is(errs[1], boom) {
		t.Errorf("failing write: %v", errs[1])
	}
	if got, want := keys(t, db), "a b first"; got != want {
		t.Errorf("committed %q, want %q", got, want)
	}
	// and the committer goes on
	if err := db.write(context.Background(), insert("d")); err != nil {
		t.Fatal(err)
	}
}

// A write whose caller gave up before it ran is not written; its
// batch-mates are.
func TestGroupCommit_CancelledBeforeRun(t *testing.T) {
	db := openGC(t)
	cancelled, cancel := context.WithCancel(context.Background())
	bg := context.Background()
	// the caller of "gone" gives up while its write waits in the queue
	errs, _ := inOneBatchThen(t, db, []context.Context{bg, cancelled, bg}, cancel,
		insert("a"),
		insert("gone"),
		insert("b"),
	)
	if errs[0] != nil || errs[2] != nil {
		t.Errorf("good writes failed: %v", errs)
	}
	if !errors.Is(errs[1], context.Canceled) {
		t.Errorf("cancelled write: %v", errs[1])
	}
	if got, want := keys(t, db), "a b first"; got != want {
		t.Errorf("committed %q, want %q", got, want)
	}
}

// Close commits what is queued; later writes fail.
func TestGroupCommit_Close(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "gc.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := db.write(ctx, insert("x")); !errors.Is(err, errClosed) {
		t.Errorf("write after Close: %v", err)
	}
}

// A statement that a write runs unprepared is prepared after its batch, and
// the reads of a snapshot likewise after it ends: "prepared once per
// connection" holds for every hot statement, not only those listed at Open.
func TestStmtCache_LearnsWhatMissed(t *testing.T) {
	db := openGC(t)
	ctx := context.Background()
	const ins = "INSERT INTO t (k) VALUES (?)"
	if db.wcache.lookup(ins) != nil {
		t.Fatal("cached before use")
	}
	if err := db.write(ctx, insert("a")); err != nil {
		t.Fatal(err)
	}
	if err := db.write(ctx, insert("b")); err != nil { // after the first batch
		t.Fatal(err)
	}
	if db.wcache.lookup(ins) == nil {
		t.Error("the write's statement was not prepared after its batch")
	}
	const sel = "SELECT count(*) FROM t"
	sctx, end := db.Snapshot(ctx)
	var n int
	if err := db.rcache.QueryRowContext(sctx, sel).Scan(&n); err != nil || n != 2 {
		t.Fatalf("count %d, %v", n, err)
	}
	if db.rcache.lookup(sel) != nil {
		t.Error("prepared inside the snapshot (it must not wait for another connection)")
	}
	end()
	if db.rcache.lookup(sel) == nil {
		t.Error("the snapshot's statement was not prepared after it ended")
	}
}

// A batch whose writes all succeed runs them without savepoints (two
// statements less a write on the committer's path); the savepoints come
// only when the batch runs again after a failure.
func TestGroupCommit_SavepointsOnlyAfterAFailure(t *testing.T) {
	db := openGC(t)
	inSavepoint := func(tx querier) bool {
		// Inside savepoint w this rolls back to its start (nothing yet)
		// and keeps it; outside, there is no such savepoint.
		_, err := tx.ExecContext(context.Background(), rollbackToSQL)
		return err == nil
	}
	var mu sync.Mutex
	var seen []bool
	probe := func(k string) func(tx querier) error {
		return func(tx querier) error {
			mu.Lock()
			seen = append(seen, inSavepoint(tx))
			mu.Unlock()
			return insert(k)(tx)
		}
	}
	errs, _ := inOneBatch(t, db, nil, probe("a"), probe("b"))
	if errs[0] != nil || errs[1] != nil {
		t.Fatal(errs)
	}
	if fmt.Sprint(seen) != "[false false]" {
		t.Errorf("writes of a good batch in a savepoint: %v", seen)
	}
	seen = nil
	db = openGC(t) // inOneBatch's holding write is "first" again
	errs, _ = inOneBatch(t, db, nil, probe("c"), insert("first"), probe("d"))
	if errs[0] != nil || errs[1] == nil || errs[2] != nil {
		t.Fatal(errs)
	}
	// first without savepoints up to the failure (the writes queue in
	// any order), then each again in its own
	with := 0
	for i, s := range seen {
		if s {
			with++
		} else if with > 0 || i > 1 {
			t.Errorf("runs of the batch with a failure: %v", seen)
		}
	}
	if with != 2 {
		t.Errorf("runs of the batch with a failure: %v, want c and d once each in a savepoint", seen)
	}
	if got, want := keys(t, db), "c d first"; got != want {
		t.Errorf("committed %q, want %q", got, want)
	}
}
