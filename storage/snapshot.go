package storage

import (
	"context"
	"database/sql"
	"sync"
)

// Snapshot starts one read transaction for the reads of a command: every
// read of the store made with the returned context (until end is called)
// runs in it, on one reader connection, and sees one snapshot of the
// database. end must be called (it ends the transaction); it is safe to
// call more than once.
//
// Without it, each read of a command (channel, measure, deadlines,
// entries) takes a connection from the pool and a read transaction of its
// own; in WAL mode each new read transaction also checks whether a writer
// committed meanwhile, and if so drops the connection's page cache. The
// bench profile showed these per-read costs; see docs/PERFORMANCE.md.
//
// Writes are not affected: they go through the committer as always, and a
// read after a write in the same snapshot does not see it. So only
// commands that do not read what they wrote use a snapshot (see
// commands.Snapshotter).
//
// Inside a snapshot, prepared statements are reused on the snapshot's
// connection; any other query is prepared on that connection for one use,
// and for good once the snapshot ends (stmtCache.learn). A snapshot never waits for a second reader connection, so a
// pool full of snapshots cannot deadlock. (The few reads that use the
// reader pool directly — the reminder pass, button actions, the integrity
// check — are not run by the commands that take snapshots.)
//
// The read transaction begins with the first read that goes to SQLite: a
// command whose reads the read cache answers (readcache.go) — a `log` by
// someone the bot knows, in a known channel — takes no reader connection
// and runs no BEGIN or ROLLBACK. SQLite's own snapshot begins with a
// transaction's first read anyway, so nothing changes for what it sees.
func (db *DB) Snapshot(ctx context.Context) (context.Context, func()) {
	if db.snapshotIn(ctx) != nil {
		return ctx, func() {} // already in one: share it
	}
	if ctx.Err() != nil {
		return ctx, func() {}
	}
	s := &snapshot{db: db, ctx: detached(ctx), gens: db.cache.now()} // gens: before it can see anything
	return context.WithValue(ctx, snapshotKey{}, s), s.end
}

// snapshot is a read transaction shared by the reads under one context,
// begun by the first of them.
type snapshot struct {
	db  *DB
	ctx context.Context // detached
	// gens are the read cache's generations when it was taken
	// (readcache.go)
	gens gens

	mu    sync.Mutex
	q     cachedTx // once begun
	state snapshotState
}

type snapshotState int

const (
	snapshotNew snapshotState = iota
	snapshotOpen
	snapshotFailed // BEGIN failed: its reads go to the pool
	snapshotEnded
)

// querier returns the transaction to read in, beginning it on first use;
// ok is false when BEGIN failed (read on the pool as without a snapshot,
// which reports what is wrong). After end, its reads fail with
// sql.ErrTxDone.
func (s *snapshot) querier() (cachedTx, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch s.state {
	case snapshotOpen:
		return s.q, true
	case snapshotFailed:
		return cachedTx{}, false
	}
	tx, err := s.db.reader.BeginTx(s.ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		s.state = snapshotFailed
		return cachedTx{}, false
	}
	s.q = cachedTx{tx: tx, cache: s.db.rcache, ctx: s.ctx}
	if s.state == snapshotEnded {
		tx.Rollback() // a read after end: fails as on an ended transaction
		return s.q, true
	}
	s.state = snapshotOpen
	return s.q, true
}

// end ends the snapshot's transaction, if it began; safe to call more
// than once.
func (s *snapshot) end() {
	s.mu.Lock()
	defer s.mu.Unlock()
	open := s.state == snapshotOpen
	s.state = snapshotEnded
	if open && s.q.tx.Rollback() == nil {
		s.db.rcache.learn(s.ctx)
	}
}

type snapshotKey struct{}

// snapshotIn returns db's snapshot that ctx carries, or nil.
func (db *DB) snapshotIn(ctx context.Context) *snapshot {
	if s, ok := ctx.Value(snapshotKey{}).(*snapshot); ok && s.db == db {
		return s
	}
	return nil
}

// snapshotFor returns the snapshot that ctx carries for the pool of c, or
// nil.
func snapshotFor(ctx context.Context, c *stmtCache) *snapshot {
	if s, ok := ctx.Value(snapshotKey{}).(*snapshot); ok && s.db.rcache == c {
		return s
	}
	return nil
}
