package storage

import (
	"bytes"
	"context"
	"fmt"
	"maps"

	"github.com/klimabot/klimabot/commands"
)

// Warming the read cache at start
//
// status, log and done read a measure with its steps on every call, and
// the read cache keeps up to maxCachedMeasures of them (readcache.go). The
// first read of each was a read transaction of its own, after every commit
// on a reader whose page cache the commit had voided: under a stream of
// logs across many measures, a seventh of the server's CPU
// (docs/PERFORMANCE.md, "Fifth round"). WarmMeasures reads them all at
// once when the bot starts: two scans in one read transaction, stamped and
// kept by the same rules as any read, so a write meanwhile voids them as
// it would any cached measure.
//
// The newest entries of each of these measures, as status shows them, are
// read with them, also where there are none: a log to a measure whose list
// is cached merges its entry in without a read (entrycache.go), and an
// empty list needs the measure's code for that.

// The warm-up's scans: the columns of measureByKeySQL and stepsSQL, each
// followed by what the rows are matched by.
const (
	warmMeasuresSQL = `SELECT id, ` + measureColumns + `, source, updated_at, code_key FROM measures ORDER BY id LIMIT ?`
	warmStepsSQL    = `SELECT number, text, coalesce(planned_year, 0), planned_date, done_at, done_by_id, done_by_name, measure_id
		FROM steps WHERE measure_id <= ? ORDER BY measure_id, number`
	// the newest ? entries of each measure up to an id, with entriesSQL's
	// columns, through the index entries_measure_created
	warmEntriesSQL = `SELECT ` + entrySelect + `
	FROM measures m JOIN entries e ON e.id IN (SELECT id FROM entries WHERE measure_id = m.id
		ORDER BY created_at DESC, id DESC LIMIT ?)
	WHERE m.id <= ? ORDER BY m.id, e.created_at DESC, e.id DESC`
)

// WarmMeasures reads up to maxCachedMeasures measures with their steps
// (what MeasureSteps returns) and their newest commands.EntriesShown
// entries (what status asks Entries for) into the read cache, and returns
// how many measures it read.
func (db *DB) WarmMeasures(ctx context.Context) (int, error) {
	c := db.cache
	before := c.now()
	c.mu.RLock()
	lastKeys, floor := maps.Clone(c.last), c.floor
	c.mu.RUnlock()
	var (
		ms      []*commands.Measure
		keys    []string
		entries map[int64][]commands.Entry
	)
	err := db.read(ctx, func(tx querier) error {
		ms, keys, entries = nil, nil, map[int64][]commands.Entry{}
		rows, err := tx.QueryContext(ctx, warmMeasuresSQL, maxCachedMeasures)
		if err != nil {
			return fmt.Errorf("select measures: %w", err)
		}
		defer rows.Close()
		byID := map[int64]*commands.Measure{}
		for rows.Next() {
			var key string
			m, err := scanMeasure(rows, &key)
			if err != nil {
				return err
			}
			ms, keys = append(ms, m), append(keys, key)
			byID[m.ID] = m
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("select measures: %w", err)
		}
		if len(ms) == 0 {
			return nil
		}
		steps, err := tx.QueryContext(ctx, warmStepsSQL, ms[len(ms)-1].ID)
		if err != nil {
			return fmt.Errorf("select steps: %w", err)
		}
		defer steps.Close()
		for steps.Next() {
			var id int64
			s, err := scanStep(steps, &id)
			if err != nil {
				return err
			}
			if m := byID[id]; m != nil {
				m.Steps = append(m.Steps, s)
			}
		}
		if err := steps.Err(); err != nil {
			return fmt.Errorf("select steps: %w", err)
		}
		erows, err := tx.QueryContext(ctx, warmEntriesSQL, commands.EntriesShown, ms[len(ms)-1].ID)
		if err != nil {
			return fmt.Errorf("select entries: %w", err)
		}
		es, err := scanEntries(erows)
		if err != nil {
			return err
		}
		for _, e := range es {
			entries[e.MeasureID] = append(entries[e.MeasureID], e)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	var buf []byte
	for i, m := range ms {
		buf = encodeMeasure(buf[:0], m)
		store(c, c.measures, keys[i], before, measureTables, maxCachedMeasures, bytes.Clone(buf))
		if i < maxCachedEntryLists {
			st := entryStamp{before: before, key: lastKeys[m.ID], floor: floor}
			db.storeEntries(m.ID, commands.EntriesShown, nil, st, entries[m.ID], m.Code)
		}
	}
	return len(ms), nil
}
