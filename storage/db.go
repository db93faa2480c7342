// Package storage keeps klimabot's data in one SQLite file and implements
// commands.Store over it.
//
// It uses modernc.org/sqlite (pure Go, so the binary builds with
// CGO_ENABLED=0). A DB holds two connection pools on the same file: one
// writer connection, so writes queue in Go instead of failing with
// SQLITE_BUSY, and a small pool of read-only connections, so reads never wait
// behind a write (the database runs in WAL mode). The schema is created and
// upgraded by embedded, numbered migrations when the file is opened.
//
// Times are stored as TEXT in UTC with a fixed width
// ("2006-01-02T15:04:05.000000000Z") so that they sort as text; calendar days
// as TEXT "2006-01-02".
package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/klimabot/klimabot/commands"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// The DSN parameters every connection gets. They live in the DSN, not in a
// one-off Exec, because database/sql opens connections whenever it likes and
// each one needs them.
//
// synchronous(full) is chosen knowingly: NORMAL in WAL mode survives a
// killed process but may lose the last commits on power loss or an OS crash.
// klimabot promises that an acknowledged write (a logged step, a deadline) is
// never lost, and its write rate is low, so every commit waits for fsync.
const (
	commonParams = "_pragma=busy_timeout(5000)&_pragma=journal_mode(wal)&_pragma=foreign_keys(1)&_pragma=synchronous(full)"
	// writeParams: BEGIN IMMEDIATE takes the write lock at the start of a
	// transaction, so a transaction never fails half-way on lock upgrade.
	writeParams = commonParams + "&_txlock=immediate"
	// readParams: readers use deferred transactions (a consistent snapshot
	// without the write lock) and cannot write by accident. Their page cache
	// is 1 MiB each instead of SQLite's 2 MiB: the operating system caches
	// the file anyway, and SPEC keeps the whole bot under 60 MB resident.
	// mode=rw: a reader never creates the file (guard.go).
	readParams = commonParams + "&_pragma=query_only(1)&_pragma=cache_size(-1024)&_txlock=deferred&mode=rw"
)

// readConns is the size of the read pool. Measured with docs/loadtest.sh
// on 2 cores: 4 readers raised the p99 of status by about a fifth, 6 keep
// it lower for 2 MiB more memory.
const readConns = 6

// timeFormat is how instants are stored: UTC, RFC 3339 with all nine
// fraction digits, so that text order is time order.
const timeFormat = "2006-01-02T15:04:05.000000000Z"

// DB is klimabot's store: a SQLite file opened for one writer and several
// readers. It implements commands.Store. It is safe for concurrent use.
type DB struct {
	path   string
	writer *sql.DB // exactly one connection: all writes go through it
	reader *sql.DB // query_only connections
	wcache *stmtCache
	rcache *stmtCache
	// commits is the group commit of all writes: see commit.go.
	commits *committer
	now     func() time.Time
	guard   *guard // the file and write checks (guard.go)
	// cache holds users, channels and measures between writes
	// (readcache.go).
	cache *readCache
	// mustExist: refuse a missing, empty, read-only or damaged file
	// (startcheck.go)
	mustExist bool
}

var _ commands.Store = (*DB)(nil)

// Option configures Open.
type Option func(*DB)

// WithClock sets the clock the store takes times from (creation times,
// "today"); the default is time.Now. Tests use it to pin time.
func WithClock(now func() time.Time) Option {
	return func(db *DB) { db.now = now }
}

// Open opens (creating if needed) the database file at path, applies the
// pending migrations and returns the store. It refuses an in-memory database
// (each pooled connection would see its own empty one) and a file written by
// a newer klimabot.
func Open(ctx context.Context, path string, opts ...Option) (*DB, error) {
	if path == "" || strings.Contains(path, ":memory:") || strings.Contains(path, "mode=memory") {
		return nil, fmt.Errorf("open database %q: a database file path is required (in-memory databases are not supported)", path)
	}
	db := &DB{path: path, now: time.Now, cache: newReadCache()}
	db.rcache = newStmtCache(nil) // until the read pool is open: nothing cached
	for _, o := range opts {
		o(db)
	}
	if db.mustExist {
		if err := checkExisting(path); err != nil {
			return nil, err
		}
	}
	name := "file:" + (&url.URL{Path: path}).EscapedPath()

	// the writer's connection reports every row it changes to the read cache
	w := sql.OpenDB(hookConnector{dsn: name + "?" + writeParams, drv: sqliteDriver, hook: db.cache.changed})
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	db.writer = w
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		if db.mustExist {
			return nil, &FileError{path, fmt.Sprintf("cannot be opened (%v)", err), doRestore}
		}
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	if db.mustExist {
		if err := quickCheck(ctx, w, path); err != nil {
			w.Close()
			return nil, err
		}
	}
	// The committer reads db.wcache from now on: it is set once, here. It
	// learns statements only once the migrations are done (see warm).
	db.wcache = newStmtCache(w)
	db.startCommitter()
	if err := db.migrate(ctx); err != nil {
		db.stopCommitter()
		w.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	// the file exists now: remember which one it is
	var err error
	if db.guard, err = newGuard(path); err != nil {
		w.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}

	r, err := sql.Open("sqlite", name+"?"+readParams)
	if err != nil {
		db.stopCommitter()
		w.Close()
		return nil, fmt.Errorf("open database %s for reading: %w", path, err)
	}
	r.SetMaxOpenConns(readConns)
	r.SetMaxIdleConns(readConns)
	r.SetConnMaxLifetime(0)
	r.SetConnMaxIdleTime(0)
	db.reader = r
	if err := holdReaders(ctx, r, readConns); err != nil {
		r.Close()
		db.stopCommitter()
		w.Close()
		return nil, fmt.Errorf("open database %s for reading: %w", path, err)
	}
	// Statements used inside transactions are prepared now: a transaction
	// holds a connection and must not wait for another one to prepare.
	db.rcache = newStmtCache(r)
	db.rcache.detach = true
	if err := db.rcache.warm(ctx, measureByKeySQL, sectionsSQL, stepsSQL, channelSQL, followsSQL, userSQL,
		lastEntriesSQL, statusDeadlinesSQL, measureDeadlinesSQL, measuresWithDeadlinesSQL, hasTranslationsSQL); err != nil {
		db.Close()
		return nil, fmt.Errorf("prepare queries: %w", err)
	}
	if err := db.wcache.warm(ctx, measureByKeySQL, sectionsSQL, stepsSQL, measureCodeSQL, stepExistsSQL, insertEntrySQL,
		savepointSQL, releaseSQL, rollbackToSQL, dataVersionSQL); err != nil {
		db.Close()
		return nil, fmt.Errorf("prepare queries: %w", err)
	}
	// the migrations wrote on the writer directly: their tables settle
	// before anything is cached
	db.cache.settle()
	// The writer's data_version as of now, read on the committer like
	// every later check: only another process's commit changes it after
	// this (checkForeign). Without it the first check a second after Open
	// took the start for such a commit and voided all that was cached.
	if err := db.write(ctx, func(q querier) error {
		return q.QueryRowContext(ctx, dataVersionSQL).Scan(&db.cache.dataVersion)
	}); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	return db, nil
}

// Close commits the writes already queued, then closes the read pool and
// the writer, after asking SQLite to refresh its query planner statistics.
// Writes after Close fail.
func (db *DB) Close() error {
	var errs []error
	db.stopCommitter() // commits the writes still queued
	db.rcache.close()
	db.wcache.close()
	if err := db.reader.Close(); err != nil {
		errs = append(errs, fmt.Errorf("close readers: %w", err))
	}
	// PRAGMA optimize is cheap and keeps query plans good as data grows.
	if _, err := db.writer.Exec("PRAGMA optimize"); err != nil {
		errs = append(errs, fmt.Errorf("optimize: %w", err))
	}
	if err := db.writer.Close(); err != nil {
		errs = append(errs, fmt.Errorf("close writer: %w", err))
	}
	if err := db.guard.removeOwnSidecars(); err != nil {
		errs = append(errs, fmt.Errorf("remove the lost file's -wal/-shm: %w", err))
	}
	return errors.Join(errs...)
}

// Path returns the database file's path as given to Open.
func (db *DB) Path() string { return db.path }

// Now returns the store's current time in UTC.
func (db *DB) Now() time.Time { return db.now().UTC() }

// Ping checks that both the writer and a reader reach the database, that
// the file at the path is still the one open and that the store can write,
// for health checks.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.writer.PingContext(ctx); err != nil {
		return fmt.Errorf("ping writer: %w", err)
	}
	var one int
	if err := db.reader.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("ping reader: %w", err)
	}
	return db.writable(ctx)
}

// read runs fn in one read transaction: all its queries see one snapshot.
// Its statements run detached from ctx's cancellation (see detached).
func (db *DB) read(ctx context.Context, fn func(tx querier) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if s := db.snapshotIn(ctx); s != nil {
		if q, ok := s.querier(); ok {
			return fn(q) // the command's snapshot (see Snapshot)
		}
	}
	ctx = detached(ctx)
	tx, err := db.reader.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("begin read: %w", err)
	}
	err = fn(cachedTx{tx: tx, cache: db.rcache, ctx: ctx})
	tx.Rollback()
	db.rcache.learn(ctx) // the connection is back in the pool
	return err
}

// formatTime returns t as stored, or nil (NULL) for the zero time.
func formatTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(timeFormat)
}

// parseTime reads a stored instant; NULL or "" is the zero time.
func parseTime(s sql.NullString) (time.Time, error) {
	if !s.Valid || s.String == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s.String)
	if err != nil {
		return time.Time{}, fmt.Errorf("parse time %q: %w", s.String, err)
	}
	return t.UTC(), nil
}

// formatDate returns d as stored, or nil (NULL) for the zero Date.
func formatDate(d commands.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}

// parseDate reads a stored day; NULL or "" is the zero Date.
func parseDate(s sql.NullString) (commands.Date, error) {
	if !s.Valid || s.String == "" {
		return commands.Date{}, nil
	}
	return commands.ParseISODate(s.String)
}

// nullInt returns n, or nil (NULL) for 0.
func nullInt(n int) any {
	if n == 0 {
		return nil
	}
	return n
}
