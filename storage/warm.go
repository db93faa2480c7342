package storage

import (
	"bytes"
	"context"
	"fmt"

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

// The warm-up's scans: the columns of measureByKeySQL and stepsSQL, each
// followed by what the rows are matched by.
const (
	warmMeasuresSQL = `SELECT id, ` + measureColumns + `, source, updated_at, code_key FROM measures ORDER BY id LIMIT ?`
	warmStepsSQL    = `SELECT number, text, coalesce(planned_year, 0), planned_date, done_at, done_by_id, done_by_name, measure_id
		FROM steps WHERE measure_id <= ? ORDER BY measure_id, number`
)

// WarmMeasures reads up to maxCachedMeasures measures with their steps
// (what MeasureSteps returns) into the read cache and returns how many it
// read.
func (db *DB) WarmMeasures(ctx context.Context) (int, error) {
	before := db.cache.now()
	var (
		ms   []*commands.Measure
		keys []string
	)
	err := db.read(ctx, func(tx querier) error {
		ms, keys = nil, nil
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
		return nil
	})
	if err != nil {
		return 0, err
	}
	var buf []byte
	for i, m := range ms {
		buf = encodeMeasure(buf[:0], m)
		store(db.cache, db.cache.measures, keys[i], before, measureTables, maxCachedMeasures, bytes.Clone(buf))
	}
	return len(ms), nil
}
