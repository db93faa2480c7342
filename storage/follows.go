package storage

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/klimabot/klimabot/commands"
)

// followedSQL selects the followed measures: those some channel follows,
// or all of them when some channel follows all. The page is chosen first
// and only its deadlines are ranked, as in ListMeasures.
const followedSQL = `
WITH followed AS MATERIALIZED (
	SELECT id, code, title, responsible FROM measures
	WHERE EXISTS (SELECT 1 FROM channels WHERE follow_all = 1)
		OR id IN (SELECT measure_id FROM channel_follows)
),
page AS MATERIALIZED (
	SELECT * FROM followed ORDER BY code, id LIMIT ?1
),
open_deadlines AS (
	SELECT d.id, d.measure_id, coalesce(d.step, 0) AS step, d.due, d.text, d.state, 0 AS implied
	FROM deadlines d
	WHERE d.measure_id IN (SELECT id FROM page) AND d.state <> 'done'
	UNION ALL
	SELECT 0, s.measure_id, s.number, s.due, s.text, 'open', 1
	FROM steps s
	WHERE s.measure_id IN (SELECT id FROM page) AND s.done_at IS NULL AND s.due IS NOT NULL
		AND NOT EXISTS (SELECT 1 FROM deadlines x WHERE x.measure_id = s.measure_id AND x.step = s.number)
),
ranked AS (
	SELECT *, row_number() OVER (PARTITION BY measure_id ORDER BY due, step, id) AS rank
	FROM open_deadlines
)
SELECT p.id, p.code, p.title, p.responsible,
	(SELECT count(*) FROM steps s WHERE s.measure_id = p.id AND s.done_at IS NOT NULL),
	(SELECT count(*) FROM steps s WHERE s.measure_id = p.id),
	r.id, r.step, r.due, r.text, r.state, r.implied,
	(SELECT count(*) FROM followed)
FROM page p LEFT JOIN ranked r ON r.measure_id = p.id AND r.rank = 1
ORDER BY p.code, p.id`

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
			var s commands.MeasureSummary
			var (
				id, step, implied sql.NullInt64
				due, text, state  sql.NullString
			)
			if err := rows.Scan(&s.ID, &s.Code, &s.Title, &s.Responsible, &s.StepsDone, &s.StepsTotal,
				&id, &step, &due, &text, &state, &implied, &total); err != nil {
				return fmt.Errorf("scan followed measure: %w", err)
			}
			if due.Valid {
				d := &commands.Deadline{
					ID:          id.Int64,
					MeasureID:   s.ID,
					MeasureCode: s.Code,
					Step:        int(step.Int64),
					Text:        text.String,
					State:       commands.DeadlineState(state.String),
					Implied:     implied.Int64 == 1,
				}
				if d.Due, err = parseDate(due); err != nil {
					return fmt.Errorf("scan followed measure: %w", err)
				}
				s.NextDeadline = d
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
