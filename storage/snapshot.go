package storage

import (
	"context"
	"database/sql"
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
func (db *DB) Snapshot(ctx context.Context) (context.Context, func()) {
	if db.snapshotIn(ctx) != nil {
		return ctx, func() {} // already in one: share it
	}
	if ctx.Err() != nil {
		return ctx, func() {}
	}
	dctx := detached(ctx)
	tx, err := db.reader.BeginTx(dctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		// the reads go to the pool as without a snapshot, and report
		// what is wrong there
		return ctx, func() {}
	}
	s := &snapshot{db: db, q: cachedTx{tx: tx, cache: db.rcache, ctx: dctx}}
	return context.WithValue(ctx, snapshotKey{}, s), func() {
		if tx.Rollback() == nil { // the first end
			db.rcache.learn(dctx)
		}
	}
}

// snapshot is a read transaction shared by the reads under one context.
type snapshot struct {
	db *DB
	q  cachedTx
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
	if s, ok := ctx.Value(snapshotKey{}).(*snapshot); ok && s.q.cache == c {
		return s
	}
	return nil
}
