package storage

import (
	"cmp"
	"context"
	"database/sql"
	"slices"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/klimabot/klimabot/commands"
)

// The newest entries of a measure in the read cache
//
// Every status shows a measure's newest entries, and every log adds one to
// some measure. A generation for the whole entries table would move with
// every log and leave nothing cached under a stream of them, so entries are
// checked per measure as well (entryKeys), by the same rules as the tables
// (readcache.go):
//
//   - The tEntries generation still moves as for any table: odd while the
//     writer's transaction adds entries, even after.
//   - The pre-update hook reads the measure of each entry added (entries
//     are append-only: the schema's triggers refuse updates and deletes)
//     and records that measure's key as the odd generation: a write is
//     under way. When the transaction has ended its measures get the even
//     generation it ended at. A change the hook cannot attribute to one
//     measure moves the floor instead, below which no list is valid.
//   - A list is stamped with its measure's key taken before the read and
//     kept only if the key was even and unchanged after it. It is used
//     while its measure's key is unchanged. Inside a snapshot the key must
//     also be no newer than the snapshot's start: the measure's last change
//     is one the snapshot's transaction sees.
//
// After each commit the committer brings the lists of the measures the
// transaction added to up to date, so that the status that often follows
// a log finds them ready. When a measure's list was cached as of the key
// before the transaction, the new entries, as the hook read them, are
// merged into it (mergeAdded): no read. Otherwise the committer reads the
// list (refreshEntries).
//
// The keys are bounded by the store's measures (an entry refers to one), a
// few bytes each; the lists by maxCachedEntryLists.

// entryKeys are the per-measure generations of the entries table. last and
// floor are guarded by the cache's mu; added, whole, rows and unread belong
// to the writer's goroutine, as readCache.touched does.
type entryKeys struct {
	last  map[int64]uint64 // measure id → the tEntries generation of its last change
	floor uint64           // lists read before this tEntries generation are void
	// added maps the measures the open transaction added entries to, to
	// their key before it
	added map[int64]uint64
	whole bool // the open transaction changed entries the hook could not attribute
	// rows are the entries the open transaction added, as the hook read
	// them, oldest first (without MeasureCode); unread are the measures of
	// those it could not read
	rows   []commands.Entry
	unread map[int64]bool
	// fresh lists the measures the last transaction added entries to, for
	// refreshEntries (the writer's goroutine only; at most maxBatch).
	fresh []int64
}

// cachedEntries is one measure's newest entries as Entries returned them.
// Of the tables' generations it keeps only the two it is checked with: one
// is kept for each of up to maxCachedEntryLists measures.
type cachedEntries struct {
	measures uint64 // the tMeasures generation at the read (entryTables)
	entries  uint64 // the tEntries generation at the read (the floor)
	key      uint64 // the measure's key at the read
	limit    int    // the limit they were read with
	blob     []byte // encodeEntries
	// code is the measure's code when the list is empty (else its entries
	// carry it), if the read knew it: what a merge gives the first entry
	code string
}

// stamped returns the generations e was read at, as valid takes them.
func (e cachedEntries) stamped() gens {
	var g gens
	g[tMeasures], g[tEntries] = e.measures, e.entries
	return g
}

// entryChanged is the hook's part for a row of entries: the measure it
// belongs to is marked as being written, and the new row is kept for the
// merge after the commit.
func (c *readCache) entryChanged(d *sqlite.SQLitePreUpdateData) {
	// New stores each column's value into the slot of the slice it is
	// given (not through pointers in it), in the table's column order.
	cols := make([]any, entryColumns)
	if d.Op != sqlite3.SQLITE_INSERT || d.New(cols...) != nil {
		c.whole = true
		return
	}
	m, ok := cols[1].(int64)
	if !ok {
		c.whole = true
		return
	}
	if e, ok := entryOfRow(d.NewRowID, cols); ok && len(c.rows) < maxMergedRows {
		c.rows = append(c.rows, e)
	} else {
		c.unread[m] = true
	}
	if _, ok := c.added[m]; ok {
		return
	}
	c.mu.Lock()
	c.added[m] = c.last[m]
	c.last[m] = c.gen[tEntries].Load() // odd: being written
	c.mu.Unlock()
}

// maxMergedRows bounds the rows a transaction keeps for the merge: a bulk
// write (an import, a restore) neither holds all its entries in memory nor
// merges thousands of lists under the cache's lock; the lists of the
// measures beyond are read (at most maxBatch) or left to their next status.
const maxMergedRows = 4 * maxBatch

// entryColumns are the columns of the entries table, in its order: id,
// measure_id, step, author_id, author_name, text, source, channel_id,
// created_at (migration 0001), submitter_id, submitter_name, addition,
// message_ts (0003).
const entryColumns = 13

// entryOfRow is an entry as scanEntries reads it (but for MeasureCode)
// from a new row of entries; ok is false when a column is not what the
// schema says.
func entryOfRow(id int64, cols []any) (e commands.Entry, ok bool) {
	var strs [10]string
	for i, col := range [...]int{3, 4, 5, 6, 7, 8, 9, 10, 11, 12} {
		if strs[i], ok = cols[col].(string); !ok {
			return e, false
		}
	}
	e.ID = id
	if e.MeasureID, ok = cols[1].(int64); !ok {
		return e, false
	}
	switch step := cols[2].(type) {
	case nil: // coalesce(step, 0)
	case int64:
		e.Step = int(step)
	default:
		return e, false
	}
	e.Author = commands.Person{ID: strs[0], Name: strs[1]}
	e.Text, e.Source, e.ChannelID = strs[2], commands.Source(strs[3]), strs[4]
	var err error
	if e.CreatedAt, err = parseTime(sql.NullString{String: strs[5], Valid: true}); err != nil {
		return e, false
	}
	e.Submitter = commands.Person{ID: strs[6], Name: strs[7]}
	e.Addition, e.MessageTS = strs[8], strs[9]
	return e, true
}

// rowsMark is where the rows of a write begin: a write rolled back to its
// savepoint drops its rows with rowsBack.
func (c *readCache) rowsMark() int { return len(c.rows) }

// rowsBack drops the rows added since mark.
func (c *readCache) rowsBack(mark int) { c.rows = c.rows[:mark] }

// undoRows drops every row of the open transaction: it was rolled back,
// so its measures' lists are as they were (the merge adds nothing).
func (c *readCache) undoRows() { c.rows = c.rows[:0] }

// dropRows drops every row of the open transaction when what is on disk is
// not known (its commit or rollback failed): its measures' lists are read
// again after settle.
func (c *readCache) dropRows() {
	c.rows = c.rows[:0]
	for m := range c.added {
		c.unread[m] = true
	}
}

// entriesSettled gives the measures the ended transaction touched the even
// generation it ended at (settle has moved tEntries on).
func (c *readCache) entriesSettled() {
	g := c.gen[tEntries].Load()
	measuresGen := c.gen[tMeasures].Load()
	c.mu.Lock()
	for m, prev := range c.added {
		c.last[m] = g
		if !c.whole && !c.unread[m] && c.mergeAdded(m, prev, g, measuresGen) {
			continue
		}
		if len(c.fresh) < maxBatch { // a bulk write (an import) refreshes nothing beyond
			c.fresh = append(c.fresh, m)
		}
	}
	if c.whole {
		c.floor = g
	}
	c.mu.Unlock()
	clear(c.added)
	clear(c.unread)
	c.rows = c.rows[:0]
	c.whole = false
}

// mergeAdded brings the cached list of measure m, read as of its key prev,
// up to the transaction that settled at g: the entries it added to m are
// merged in, in Entries' order (newest first by created_at, then id), and
// the list keeps its limit. A list with fewer entries than its limit held
// all of the measure's, and one with as many held the newest: either way
// the merge is what a read would return. It reports false when there is
// no such list, or the measures changed since it was read (the entries
// carry the code); then the list is read. Called with c.mu held.
func (c *readCache) mergeAdded(m int64, prev, g, measuresGen uint64) bool {
	e, ok := c.entries[m]
	if !ok || e.key != prev || e.entries < c.floor || e.measures != measuresGen || prev%2 == 1 {
		return false
	}
	old, err := decodeEntries(e.blob)
	if err != nil {
		return false
	}
	code := e.code
	if len(old) > 0 {
		code = old[0].MeasureCode
	}
	if code == "" {
		return false
	}
	es := old
	for _, r := range c.rows {
		if r.MeasureID == m {
			r.MeasureCode = code
			es = append(es, r)
		}
	}
	slices.SortStableFunc(es, func(a, b commands.Entry) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		return cmp.Compare(b.ID, a.ID)
	})
	if len(es) > e.limit {
		es = es[:e.limit]
	}
	c.entries[m] = cachedEntries{measures: measuresGen, entries: g, key: g, limit: e.limit,
		blob: encodeEntries(nil, es), code: code}
	c.merged.Add(1)
	return true
}

// entryStamp is what a read of a measure's entries is checked with.
type entryStamp struct {
	before gens   // the tables' generations before the read (cacheBefore)
	key    uint64 // the measure's key before the read
	floor  uint64 // the floor before the read
}

// lookupEntries returns measure's newest limit entries when the cache
// holds them and they may be used by a reader whose snapshot began at start
// (nil: none). Else it returns the stamp to store the read's result with.
func (db *DB) lookupEntries(measure int64, limit int, start *gens) ([]commands.Entry, bool, entryStamp) {
	c := db.cache
	before := db.cacheBefore(start)
	c.mu.RLock()
	e, ok := c.entries[measure]
	key, floor := c.last[measure], c.floor
	c.mu.RUnlock()
	st := entryStamp{before: before, key: key, floor: floor}
	if !ok || e.limit != limit || e.key != key || !c.entryKeyUsable(key, floor, start) ||
		e.entries < floor || !c.valid(e.stamped(), start, entryTables) {
		c.misses.Add(1)
		return nil, false, st
	}
	es, err := decodeEntries(e.blob)
	if err != nil {
		c.misses.Add(1)
		return nil, false, st
	}
	c.hits.Add(1)
	return es, true, st
}

// entryKeyUsable reports whether a measure's key says its entries may be
// taken from or put into the cache: no write under way, and inside a
// snapshot nothing the snapshot cannot see.
func (c *readCache) entryKeyUsable(key, floor uint64, start *gens) bool {
	if key%2 == 1 {
		return false
	}
	return start == nil || (key <= start[tEntries] && floor <= start[tEntries])
}

// storeEntries keeps a measure's entries read with limit, stamped st, if
// nothing about them moved during the read; code is the measure's code if
// the reader knew it ("": a merge into an empty list reads instead).
func (db *DB) storeEntries(measure int64, limit int, start *gens, st entryStamp, es []commands.Entry, code string) {
	c := db.cache
	if !c.keep(st.before, entryTables) || !c.entryKeyUsable(st.key, st.floor, start) || st.before[tEntries] < st.floor {
		return
	}
	blob := encodeEntries(nil, es)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.last[measure] != st.key || c.floor != st.floor {
		return // written meanwhile
	}
	if _, ok := c.entries[measure]; !ok && len(c.entries) >= maxCachedEntryLists {
		for k := range c.entries { // make room: any entry
			delete(c.entries, k)
			break
		}
	}
	c.entries[measure] = cachedEntries{measures: st.before[tMeasures], entries: st.before[tEntries], key: st.key, limit: limit, blob: blob, code: code}
}

// cachedEntriesOf answers Entries from the cache when it can; else it
// reads them and keeps them for the next status.
func (db *DB) cachedEntriesOf(ctx context.Context, measure int64, limit int) ([]commands.Entry, error) {
	start := db.cacheStart(ctx)
	es, ok, st := db.lookupEntries(measure, limit, start)
	if ok {
		return es, nil
	}
	es, err := db.readEntries(ctx, measure, limit)
	if err == nil {
		db.storeEntries(measure, limit, start, st, es, "")
	}
	return es, err
}

// refreshEntries reads, on the writer's connection, the newest entries of
// the measures the last transaction added entries to, and keeps them in
// the cache: the next status of a measure just logged to needs no read of
// its own. The committer calls it after it has answered the batch, so no
// write waits for it. Its reads see exactly the state the transaction left
// (there is no other writer), so each list is stamped with the measure's
// key as the transaction settled it; a write by another process at the
// same time only makes a list newer than its stamp, and the next
// data_version check voids it.
func (db *DB) refreshEntries(ctx context.Context) {
	c := db.cache
	defer func() { c.fresh = c.fresh[:0] }()
	for _, m := range c.fresh {
		before := c.now()
		c.mu.RLock()
		st := entryStamp{before: before, key: c.last[m], floor: c.floor}
		c.mu.RUnlock()
		es, err := readEntriesOn(ctx, db.wcache, m, commands.EntriesShown)
		if err != nil {
			continue // the next status reads them
		}
		db.storeEntries(m, commands.EntriesShown, nil, st, es, "")
	}
}
