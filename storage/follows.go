package storage

import (
	"context"
	"fmt"

	"github.com/klimabot/klimabot/commands"
)

// followedSQL selects the followed measures: those some channel follows,
// or all of them when some channel follows all, at most ?1, with the count
// of all of them in a last column.
var followedSQL = summarySQL(`followed AS MATERIALIZED (
	SELECT id, code, title, responsible FROM measures
	WHERE EXISTS (SELECT 1 FROM channels WHERE follow_all = 1)
		OR id IN (SELECT measure_id FROM channel_follows)
),
page AS MATERIALIZED (
	SELECT * FROM followed ORDER BY code, id LIMIT ?1
)`, ",\n\t(SELECT count(*) FROM followed)")

// FollowedMeasures returns summaries of the measures that at least one
// channel follows (every measure when a channel follows all), ordered by
// code, at most limit of them (0: all), and how many there are in all. The
// App Home shows them; the total lets it say how many more there are.
func (db *DB) FollowedMeasures(ctx context.Context, limit int) (summaries []commands.MeasureSummary, total int, err error) {
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	err = db.read(ctx, func(tx querier) error {
		rows, err := tx.QueryContext(ctx, followedSQL, limit)
		if err != nil {
			return fmt.Errorf("select followed measures: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			s, err := scanSummary(rows, &total)
			if err != nil {
				return err
			}
			summaries = append(summaries, s)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("select followed measures: %w", err)
		}
		if len(summaries) == 0 {
			// an empty page has no row to carry the total
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM measures
				WHERE EXISTS (SELECT 1 FROM channels WHERE follow_all = 1)
					OR id IN (SELECT measure_id FROM channel_follows)`).Scan(&total); err != nil {
				return fmt.Errorf("count followed measures: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return summaries, total, nil
}

// MeasureCode returns the code of the measure with the given id, for
// entry points that know a measure by id only (a reply in the thread of a
// recorded bot message); ENOTFOUND if there is none.
func (db *DB) MeasureCode(ctx context.Context, id int64) (string, error) {
	return measureCode(ctx, db.rcache, id)
}
