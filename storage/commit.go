package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Group commit
//
// Every write of the store (db.write) is handed to one committer goroutine,
// the only user of the writer connection. The committer takes the first
// waiting write and every other write already queued behind it (up to
// maxBatch), runs them one after another in one transaction (BEGIN
// IMMEDIATE), commits once — one fsync with synchronous=FULL for the whole
// batch — and only then answers each caller. While a commit is on disk, the
// writes that arrive queue up and form the next batch, so the more
// concurrent writers there are, the more writes share an fsync; a lone
// write is committed at once, with no waiting for company.
//
// Guarantees, as before batching:
//   - a write is acknowledged (db.write returns nil) only after the COMMIT
//     that holds it returned, so acknowledged writes survive kill -9 and a
//     power cut (synchronous=FULL);
//   - each write is atomic, and a write whose function fails (or panics)
//     takes nothing of its batch-mates with it: the batch first runs
//     without savepoints; if a write fails, the transaction is rolled back
//     and the batch runs again with each write inside its own SAVEPOINT,
//     where the failing write is rolled back to its savepoint alone and
//     its batch-mates commit;
//   - if SQLite ends the whole transaction under a write (an I/O error,
//     SQLITE_FULL, an interrupt) so that its savepoint is gone, the
//     batch-mates are not failed with it: each of them runs again alone in a
//     transaction of its own;
//   - a caller whose context is cancelled before its write ran gets the
//     context's error and nothing is written. Once a write runs, it runs on
//     the committer's context: cancelling one caller must not interrupt the
//     connection under its batch-mates (an interrupted statement can roll
//     back the whole transaction).
//
// Limits: writes are serialized on one connection as before, so batching
// saves fsyncs (and BEGIN/COMMIT), not the time of the statements
// themselves. If COMMIT itself fails, every write of the batch gets the
// error (none of them was acknowledged, and none is on disk). A write
// function may be run a second time (the rerun above), so it must set, not
// accumulate, what it reports to its caller. Write functions must not call
// db.write themselves (the committer would wait for itself).

// maxBatch bounds the writes committed together, and so the time the first
// of them waits for the last: at about 0.1 ms a write, 64 writes add a few
// milliseconds to an fsync.
const maxBatch = 64

// gatherYields is how often the committer yields the processor to let
// more writes join a batch under load (see commitLoop).
const gatherYields = 3

// errClosed answers writes after Close.
var errClosed = errors.New("write: the database is closed")

// writeReq is one write waiting for its commit.
type writeReq struct {
	ctx  context.Context
	fn   func(tx querier) error
	err  error
	done chan struct{}
}

// committer is the queue of writes and the state of its goroutine.
type committer struct {
	mu     sync.RWMutex // closed and sends on queue; Close takes it to close queue
	closed bool
	queue  chan *writeReq
	exited chan struct{}
	// commits and writes count the transactions committed and the writes
	// acknowledged in them.
	commits, writes atomic.Int64
}

// CommitStats says how well writes shared commits: Writes acknowledged in
// Commits transactions since Open (migrations included).
type CommitStats struct {
	Commits, Writes int64
}

// CommitStats returns the group commit's counts so far.
func (db *DB) CommitStats() CommitStats {
	return CommitStats{Commits: db.commits.commits.Load(), Writes: db.commits.writes.Load()}
}

// startCommitter starts the goroutine that commits all writes.
func (db *DB) startCommitter() {
	db.commits = &committer{queue: make(chan *writeReq, 4*maxBatch), exited: make(chan struct{})}
	go db.commitLoop()
}

// stopCommitter commits what is queued, then stops the committer. Writes
// after it get errClosed.
func (db *DB) stopCommitter() {
	c := db.commits
	if c == nil {
		return
	}
	c.mu.Lock()
	if !c.closed {
		c.closed = true
		close(c.queue)
	}
	c.mu.Unlock()
	<-c.exited
}

// write runs fn as one atomic write and returns once it is committed (or
// failed and rolled back). fn's statements must use the querier it is
// given. See "Group commit" above for how writes share a transaction.
//
// The file guard (guard.go) sits on both ends: a lost file takes no more
// writes, the file is checked once per batch just before its COMMIT (a
// lost file gets nothing more) and after it (beforeAck), and each write's
// outcome passes guard.done before it is acknowledged.
func (db *DB) write(ctx context.Context, fn func(tx querier) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := db.guard.refuse(); err != nil {
		return err
	}
	req := &writeReq{ctx: ctx, fn: fn, done: make(chan struct{})}
	c := db.commits
	c.mu.RLock()
	if c.closed {
		c.mu.RUnlock()
		return errClosed
	}
	c.queue <- req
	c.mu.RUnlock()
	// Wait for the commit whatever ctx does: the answer must say whether
	// the write is on disk, and the committer does not wait for anyone.
	<-req.done
	return db.guard.done(req.err)
}

// commitLoop commits batches until the queue is closed and empty.
func (db *DB) commitLoop() {
	c := db.commits
	defer close(c.exited)
	batch := make([]*writeReq, 0, maxBatch)
	last := 0 // the size of the last batch
	// once a second: did another process write? (the read cache must know)
	foreign := time.NewTicker(time.Second)
	defer foreign.Stop()
	for {
		var req *writeReq
		select {
		case r, ok := <-c.queue:
			if !ok {
				return
			}
			req = r
		case <-foreign.C:
			db.checkForeign(context.Background())
			continue
		}
		batch = append(batch[:0], req)
		// Under load (the last batch had company) the committer gives the
		// processor away a few times before it closes the batch: requests
		// handled meanwhile queue their writes and share this commit's
		// fsync instead of waiting for the next one. A lone write is
		// committed at once.
		yields := 0
		if last > 1 {
			yields = gatherYields
		}
	fill:
		for len(batch) < maxBatch {
			select {
			case r, ok := <-c.queue:
				if !ok {
					break fill
				}
				batch = append(batch, r)
			default:
				if yields == 0 {
					break fill
				}
				yields--
				runtime.Gosched()
			}
		}
		last = len(batch)
		db.commitBatch(batch)
		clear(batch)
		// answered: keep the newest entries of the measures logged to
		// ready for their next status
		db.refreshEntries(context.Background())
		// the writer connection is free: prepare what the batch ran
		// unprepared, for the next ones
		db.wcache.learn(context.Background())
	}
}

// commitBatch runs batch in one transaction and answers every write in it.
// The writes run one after the other, without savepoints: most writes
// succeed, and a savepoint and its release are two statements a write on
// the committer's path. If one of a batch of several fails, the
// transaction is rolled back and the batch runs again with a savepoint a
// write (commitSaving), so that its batch-mates commit without it.
func (db *DB) commitBatch(batch []*writeReq) {
	ctx := context.Background()
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		ack(batch, fmt.Errorf("begin write: %w", err))
		return
	}
	q := cachedTx{tx: tx, cache: db.wcache, ctx: ctx}
	held := make([]*writeReq, 0, len(batch)) // the writes whose changes the transaction holds
	for _, r := range batch {
		if err := r.ctx.Err(); err != nil {
			r.err = err // abandoned before it ran: nothing written
			continue
		}
		if r.err = run(r, q); r.err != nil {
			db.rollback(tx)
			if len(batch) > 1 {
				db.commitSaving(batch)
			} else {
				ack(batch, nil)
			}
			return
		}
		held = append(held, r)
	}
	db.commitHeld(tx, batch, held)
}

// rollback ends the writer's transaction without a commit. Every end of a
// transaction, commit or rollback, settles the read cache's generations
// of the tables it changed (readcache.go) before any write of the batch
// is answered: a caller that reads right after its write may use and fill
// the cache again.
func (db *DB) rollback(tx *sql.Tx) {
	if err := tx.Rollback(); err != nil {
		db.cache.dropRows() // what the connection holds is not known
	} else {
		db.cache.undoRows() // nothing was written
	}
	db.cache.settle()
}

// commitSaving runs batch in one transaction with a savepoint a write: a
// write that fails is rolled back to its savepoint alone, and the others
// commit.
func (db *DB) commitSaving(batch []*writeReq) {
	ctx := context.Background()
	var retry []*writeReq // to run again alone: their transaction was lost
	defer func() {
		for _, r := range retry {
			db.commitBatch([]*writeReq{r})
		}
	}()
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		ack(batch, fmt.Errorf("begin write: %w", err))
		return
	}
	q := cachedTx{tx: tx, cache: db.wcache, ctx: ctx}
	var held []*writeReq // the writes whose changes the transaction holds
	for i, r := range batch {
		if err := r.ctx.Err(); err != nil {
			r.err = err // abandoned before it ran: nothing written
			continue
		}
		if _, err := q.ExecContext(ctx, savepointSQL); err != nil {
			db.rollback(tx)
			retry = append(append(held, r), batch[i+1:]...)
			ackDone(batch[:i])
			return
		}
		mark := db.cache.rowsMark()
		r.err = run(r, q)
		undo := releaseSQL
		if r.err != nil {
			undo = rollbackToSQL
			db.cache.rowsBack(mark) // its entries are undone
		}
		_, err := q.ExecContext(ctx, undo)
		if err == nil && r.err != nil {
			_, err = q.ExecContext(ctx, releaseSQL)
		}
		if err != nil {
			// The transaction is gone (SQLite rolled it back) or in an
			// unknown state: give it up and run the others alone.
			db.rollback(tx)
			if r.err != nil {
				r.err = fmt.Errorf("%w (and the transaction was lost: %v)", r.err, err)
				close(r.done)
			} else {
				held = append(held, r)
			}
			retry = append(held, batch[i+1:]...)
			ackDone(batch[:i]) // the abandoned and the failed; held ones are retried
			return
		}
		if r.err == nil {
			held = append(held, r)
		}
	}
	db.commitHeld(tx, batch, held)
}

// commitHeld commits tx, which holds the writes held of batch, and answers
// every write of batch.
func (db *DB) commitHeld(tx *sql.Tx, batch, held []*writeReq) {
	if len(held) == 0 {
		db.rollback(tx)
		ack(batch, nil)
		return
	}
	if err := db.guard.check(); err != nil {
		db.rollback(tx) // the file at the path is not the one this would go to
		ack(held, err)
		ackRest(batch, held)
		return
	}
	err := tx.Commit()
	if err != nil {
		db.cache.dropRows() // what is on disk is not known
	}
	db.cache.settle()
	if err != nil {
		ack(held, fmt.Errorf("commit: %w", err))
		ackRest(batch, held)
		return
	}
	// Before acknowledging: the batch is committed and on disk. A check
	// that must pass before any write is reported as done belongs here,
	// once per batch (see beforeAck).
	if err := db.beforeAck(); err != nil {
		ack(held, err)
		ackRest(batch, held)
		return
	}
	db.commits.commits.Add(1)
	db.commits.writes.Add(int64(len(held)))
	ack(batch, nil)
}

// beforeAck runs after a commit and before its writes are acknowledged; an
// error fails all of them. A commit into a file that is no longer at the
// path is not acknowledged: nobody will open that file again (guard.go).
func (db *DB) beforeAck() error { return db.guard.check() }

// run calls r.fn, turning a panic into an error so that the committer (and
// the batch-mates) survive it.
func run(r *writeReq, q querier) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("write panicked: %v", p)
		}
	}()
	return r.fn(q)
}

// ack answers every write of rs: with err if it is non-nil, else with the
// write's own result.
func ack(rs []*writeReq, err error) {
	for _, r := range rs {
		if err != nil {
			r.err = err
		}
		close(r.done)
	}
}

// ackRest answers the writes of batch that are not in held with their own
// results (failed or abandoned, so nothing of theirs is on disk).
func ackRest(batch, held []*writeReq) {
	j := 0
	for _, r := range batch {
		if j < len(held) && held[j] == r {
			j++
			continue
		}
		close(r.done)
	}
}

// ackDone answers the writes of rs that failed or were abandoned; those
// that succeeded are left for the retry.
func ackDone(rs []*writeReq) {
	for _, r := range rs {
		if r.err != nil {
			close(r.done)
		}
	}
}

// The savepoint statements of a batch (one name: savepoints do not nest
// here, each is released before the next begins).
const (
	savepointSQL  = "SAVEPOINT w"
	releaseSQL    = "RELEASE w"
	rollbackToSQL = "ROLLBACK TO w"
)
