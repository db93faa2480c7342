package storage

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"slices"
	"sync"
	"sync/atomic"

	"modernc.org/sqlite"

	"github.com/klimabot/klimabot/commands"
)

// Read cache
//
// Every command reads the caller's user record and the channel's settings,
// and most read a measure with its steps; after any commit each reader
// connection has dropped its page cache (WAL), so these few rows cost
// most of a command's database time (docs/PERFORMANCE.md). The read cache
// keeps them in memory and is exact, not timed:
//
//   - The writer connection reports every row it changes (SQLite's
//     pre-update hook, foreign-key cascades included). The first change of
//     a cached table in a transaction makes the table's generation odd; when
//     the transaction has ended (committed or rolled back) it is made even
//     again, one higher. An odd generation means "a write is under way":
//     nothing of that table is taken from or put into the cache then.
//   - An entry is stamped with the generations of the tables it was read
//     from, taken before the read, and kept only if they were still the
//     same and even after it: so it holds exactly the committed state of
//     that generation. It is used only while its tables are still at that
//     generation, so a read through the cache sees every write
//     acknowledged before it began.
//   - Inside a command's snapshot (Snapshot) an entry is used only if no
//     write has touched its tables since the snapshot was taken; else the
//     snapshot's own read transaction answers. So a command never sees
//     data older than its snapshot, and once its transaction has begun,
//     every answer is of that transaction's state. (Before it has begun —
//     all answers so far came from the cache — the first read that goes
//     to SQLite begins it, and sees what was committed by then.)
//   - Writes by another process (a `klimabot` command run beside the
//     serving bot) cannot be seen by the hook. The committer asks SQLite's
//     data_version, which changes only for other connections' commits,
//     before each batch and once a second when idle; when it changed, every
//     cached table moves on a generation. Such a write shows in answers
//     within a second.
//
// Only reads that return copies (User, Channel, MeasureSteps) use it; each
// kind is bounded (maxCachedUsers …), an arbitrary entry making room for a
// new one.

// table is a table whose rows the read cache holds.
type table int

const (
	tUsers table = iota
	tChannels
	tFollows
	tMeasures
	tSteps
	tDeadlines
	tTranslations
	tEntries // keyed by measure as well: see entryKeys
	nTables
)

// cachedTables maps the tables the cache depends on to their index.
var cachedTables = map[string]table{
	"users": tUsers, "channels": tChannels, "channel_follows": tFollows, "measures": tMeasures, "steps": tSteps,
	"deadlines": tDeadlines, "translations": tTranslations, "entries": tEntries,
}

// The dependencies of each kind of entry.
var (
	userTables    = []table{tUsers}
	channelTables = []table{tChannels, tFollows, tMeasures} // follows are shown as measure codes
	measureTables = []table{tMeasures, tSteps}
	// which measures have explicit deadlines at all (MeasureDeadlines)
	deadlineTables = []table{tDeadlines}
	// whether any translation into a language is stored (HasTranslations)
	translationTables = []table{tTranslations}
	// a measure's newest entries carry its code; the entries themselves
	// are checked per measure (entryKeys). cachedEntries keeps the
	// generation of these tables alone.
	entryTables = []table{tMeasures}
)

// Bounds of the cache: a town has a few dozen people and channels and a
// few hundred measures; the bounds keep memory flat for any store. A
// measure is kept encoded (measureblob.go), about 150 bytes with six
// steps: 16,384 of them are a few MB.
const (
	maxCachedUsers    = 4096
	maxCachedChannels = 1024
	maxCachedMeasures = 16384
	// the newest entries of a measure, as status shows them: about 300
	// bytes for three
	maxCachedEntryLists = 16384
	maxCachedEntryLimit = 8
)

// gens are the generations of the cached tables.
type gens [nTables]uint64

// readCache is the store's read cache (see "Read cache" above).
type readCache struct {
	gen [nTables]atomic.Uint64
	// touched: the tables the writer's open transaction changed. Only the
	// goroutine using the writer connection touches it: the committer, or
	// Open before the store is handed out (migrations).
	touched [nTables]bool
	// dataVersion is the writer's last PRAGMA data_version (committer only).
	dataVersion int64

	mu       sync.RWMutex
	users    map[string]cached[commands.User]
	channels map[string]cached[commands.Channel]
	measures map[string]cached[[]byte] // encodeMeasure
	// withDeadlines holds, under "", the ids of the measures that have
	// explicit deadlines; translated, by "target provider", whether any
	// translation into target is stored.
	withDeadlines map[string]cached[map[int64]bool]
	translated    map[string]cached[bool]
	// entries holds measures' newest entries (encodeEntries), checked by
	// entryKeys as well as by the tables' generations.
	entries map[int64]cachedEntries
	entryKeys
	hits   atomic.Int64
	misses atomic.Int64
	merged atomic.Int64 // lists brought up to date by a merge (mergeAdded)
}

// cached is one entry: a value and the generations it was read at.
type cached[T any] struct {
	at gens
	v  T
}

func newReadCache() *readCache {
	return &readCache{
		users:    map[string]cached[commands.User]{},
		channels: map[string]cached[commands.Channel]{},
		measures: map[string]cached[[]byte]{},

		withDeadlines: map[string]cached[map[int64]bool]{},
		translated:    map[string]cached[bool]{},
		entries:       map[int64]cachedEntries{},
		entryKeys: entryKeys{
			last:   map[int64]uint64{},
			added:  map[int64]uint64{},
			unread: map[int64]bool{},
		},
	}
}

// now returns the current generations.
func (c *readCache) now() gens {
	var g gens
	for i := range g {
		g[i] = c.gen[i].Load()
	}
	return g
}

// changed is the writer connection's pre-update hook: a row of a table is
// about to change.
func (c *readCache) changed(d sqlite.SQLitePreUpdateData) {
	t, ok := cachedTables[d.TableName]
	if !ok {
		return
	}
	if !c.touched[t] {
		c.touched[t] = true
		c.gen[t].Add(1) // odd: a write is under way
	}
	if t == tEntries {
		c.entryChanged(&d)
	}
}

// settle ends the writer's transaction for the cache: every table it
// changed moves to the next even generation. Called by the writer's
// goroutine after each COMMIT or ROLLBACK.
func (c *readCache) settle() {
	entries := c.touched[tEntries]
	for t, ok := range c.touched {
		if ok {
			c.touched[t] = false
			c.gen[t].Add(1)
		}
	}
	if entries {
		c.entriesSettled()
	}
}

// forget moves every table on (another process wrote).
func (c *readCache) forget() {
	for t := range c.gen {
		c.gen[t].Add(2)
	}
	c.mu.Lock()
	c.entryKeys.floor = c.gen[tEntries].Load()
	c.mu.Unlock()
}

// valid reports whether an entry stamped at may be used by a reader whose
// snapshot began at start (nil: no snapshot) for the tables deps.
func (c *readCache) valid(at gens, start *gens, deps []table) bool {
	for _, t := range deps {
		g := c.gen[t].Load()
		if g%2 == 1 || at[t] != g || (start != nil && start[t] != g) {
			return false
		}
	}
	return true
}

// keep reports whether a value read at generations before (taken before
// the read) may be cached: none of its tables moved meanwhile and no write
// was under way — what valid asks of an entry outside a snapshot.
func (c *readCache) keep(before gens, deps []table) bool {
	return c.valid(before, nil, deps)
}

// lookup returns the entry of key in m when it may be used.
func lookup[T any](c *readCache, m map[string]cached[T], key string, start *gens, deps []table) (T, bool) {
	c.mu.RLock()
	e, ok := m[key]
	c.mu.RUnlock()
	if ok && c.valid(e.at, start, deps) {
		c.hits.Add(1)
		return e.v, true
	}
	c.misses.Add(1)
	var zero T
	return zero, false
}

// store keeps v under key in m (bounded by limit) if it may be cached.
func store[T any](c *readCache, m map[string]cached[T], key string, before gens, deps []table, limit int, v T) {
	if !c.keep(before, deps) {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := m[key]; !ok && len(m) >= limit {
		for k := range m { // make room: any entry
			delete(m, k)
			break
		}
	}
	m[key] = cached[T]{at: before, v: v}
}

// cachedRead answers key from m when the cache may (lookup); else it
// reads the value with read and keeps it (store, at most limit in m). The
// value is stamped with the generations taken before the read.
func cachedRead[T any](ctx context.Context, db *DB, m map[string]cached[T], key string, deps []table, limit int,
	read func() (T, error)) (T, error) {
	start := db.cacheStart(ctx)
	if v, ok := lookup(db.cache, m, key, start, deps); ok {
		return v, nil
	}
	before := db.cacheBefore(start)
	v, err := read()
	if err == nil {
		store(db.cache, m, key, before, deps, limit, v)
	}
	return v, err
}

// cacheStart returns the generations a read compares with: its
// snapshot's start, or nil outside a snapshot.
func (db *DB) cacheStart(ctx context.Context) *gens {
	if s := db.snapshotIn(ctx); s != nil {
		return &s.gens
	}
	return nil
}

// cacheBefore returns the generations a read's result is stamped with:
// its snapshot's start (the snapshot may see nothing older), or now.
func (db *DB) cacheBefore(start *gens) gens {
	if start != nil {
		return *start
	}
	return db.cache.now()
}

// dataVersionSQL tells the writer whether another connection committed.
const dataVersionSQL = "PRAGMA data_version"

// checkForeign compares the writer's data_version with the last one seen
// and moves every cached table on when another process committed. Only
// the committer calls it (once a second).
func (db *DB) checkForeign(ctx context.Context) {
	var v int64
	if err := db.wcache.QueryRowContext(ctx, dataVersionSQL).Scan(&v); err != nil {
		db.cache.forget() // cannot tell: assume the worst
		return
	}
	if v != db.cache.dataVersion {
		db.cache.dataVersion = v
		db.cache.forget()
	}
}

// ReadCacheStats counts the reads the cache answered and those it passed
// on to SQLite since Open, and the lists of entries that a commit brought
// up to date without a read.
type ReadCacheStats struct{ Hits, Misses, Merged int64 }

// ReadCacheStats returns the read cache's counts.
func (db *DB) ReadCacheStats() ReadCacheStats {
	c := db.cache
	return ReadCacheStats{Hits: c.hits.Load(), Misses: c.misses.Load(), Merged: c.merged.Load()}
}

// copyChannel returns c with slices of its own.
func copyChannel(c commands.Channel) commands.Channel {
	c.Languages = slices.Clone(c.Languages)
	c.Follows = slices.Clone(c.Follows)
	return c
}

// hookConnector opens the writer's connections with the read cache's
// pre-update hook registered on each.
type hookConnector struct {
	dsn  string
	drv  driver.Driver
	hook sqlite.PreUpdateHookFn
}

func (h hookConnector) Connect(context.Context) (driver.Conn, error) {
	conn, err := h.drv.Open(h.dsn)
	if err != nil {
		return nil, err
	}
	hr, ok := conn.(sqlite.HookRegisterer)
	if !ok {
		conn.Close()
		return nil, errNoHooks
	}
	hr.RegisterPreUpdateHook(h.hook)
	return conn, nil
}

func (h hookConnector) Driver() driver.Driver { return h.drv }

// errNoHooks would mean the SQLite driver lost its hooks: the cache could
// not see writes, so the store does not open.
var errNoHooks = errors.New("the SQLite driver offers no pre-update hook: the read cache could not see writes")

// sqliteDriver is the registered modernc driver.
var sqliteDriver = func() driver.Driver {
	db, err := sql.Open("sqlite", "")
	if err != nil {
		panic(err)
	}
	defer db.Close()
	return db.Driver()
}()
