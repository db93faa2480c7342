package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/klimabot/klimabot/commands"
)

// Deadlines returns the explicit deadlines and the implied ones of open
// planned steps (those with no explicit deadline of their own, in any state)
// that match q, soonest first; ties are ordered by measure code, step and id.
func (db *DB) Deadlines(ctx context.Context, q commands.DeadlineQuery) ([]commands.Deadline, error) {
	query, args, err := deadlinesQuery(q)
	if err != nil {
		return nil, err
	}
	return db.selectDeadlines(ctx, "select deadlines", query, args...)
}

// selectDeadlines runs a query whose rows scanDeadline reads.
func (db *DB) selectDeadlines(ctx context.Context, what, query string, args ...any) ([]commands.Deadline, error) {
	rows, err := db.rcache.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	var out []commands.Deadline
	for rows.Next() {
		d, err := scanDeadline(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}

// measureDeadlinesSQL selects all explicit deadlines of one measure;
// prepared at Open.
const measureDeadlinesSQL = `
SELECT d.id, d.measure_id, m.code, coalesce(d.step, 0) AS step, d.due, d.text, d.state, 0,
	d.created_by_id, d.created_by_name, d.created_at, d.done_by_id, d.done_by_name, d.done_at
FROM deadlines d JOIN measures m ON m.id = d.measure_id
WHERE d.measure_id = ?
ORDER BY d.due, step, d.id`

// MeasureDeadlines returns the explicit deadlines of one measure, done ones
// included, soonest first (ties: step, id). Status derives the implied ones
// from the steps it has already read (commands.OpenDeadlines) instead of
// reading the steps a second time in Deadlines' query.
//
// Most measures have none: the read cache keeps which measures have any
// (one small set, read again after a deadline was written), and for the
// others no query runs.
func (db *DB) MeasureDeadlines(ctx context.Context, measureID int64) ([]commands.Deadline, error) {
	with, err := cachedRead(ctx, db, db.cache.withDeadlines, "", deadlineTables, 1, func() (map[int64]bool, error) {
		return db.measuresWithDeadlines(ctx)
	})
	if err != nil {
		return nil, err
	}
	if !with[measureID] {
		return nil, nil
	}
	return db.selectDeadlines(ctx, "select deadlines of measure", measureDeadlinesSQL, measureID)
}

// measuresWithDeadlinesSQL lists the measures with explicit deadlines.
const measuresWithDeadlinesSQL = "SELECT DISTINCT measure_id FROM deadlines"

// measuresWithDeadlines reads the ids of the measures that have explicit
// deadlines, done ones included.
func (db *DB) measuresWithDeadlines(ctx context.Context) (map[int64]bool, error) {
	rows, err := db.rcache.QueryContext(ctx, measuresWithDeadlinesSQL)
	if err != nil {
		return nil, fmt.Errorf("select measures with deadlines: %w", err)
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("select measures with deadlines: %w", err)
		}
		out[id] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("select measures with deadlines: %w", err)
	}
	return out, nil
}

// statusDeadlinesSQL is the text of Deadlines for one measure's open
// deadlines (the reminder buttons).
var statusDeadlinesSQL, _, _ = deadlinesQuery(commands.DeadlineQuery{MeasureIDs: []int64{1}})

// deadlinesQuery builds the query of Deadlines. Its text depends only on
// which parts of q are set, so a handful of texts are cached as prepared
// statements; status's (one measure) is prepared at Open.
func deadlinesQuery(q commands.DeadlineQuery) (string, []any, error) {
	var (
		explicit []string // conditions on deadlines d
		implied  []string // conditions on steps s
		args     []any
	)
	if !q.WithDone {
		explicit = append(explicit, "d.state <> 'done'")
	}
	if !q.Until.IsZero() {
		args = append(args, sql.Named("until", q.Until.String()))
		explicit = append(explicit, "d.due <= @until")
		implied = append(implied, "s.due <= @until")
	}
	if len(q.MeasureIDs) == 1 {
		// status and the reminder buttons ask for one measure: a plain
		// equality uses the index directly, without json_each
		args = append(args, sql.Named("id", q.MeasureIDs[0]))
		explicit = append(explicit, "d.measure_id = @id")
		implied = append(implied, "s.measure_id = @id")
	} else if len(q.MeasureIDs) > 1 {
		ids, err := json.Marshal(q.MeasureIDs)
		if err != nil {
			return "", nil, fmt.Errorf("encode measure ids: %w", err)
		}
		args = append(args, sql.Named("ids", string(ids)))
		explicit = append(explicit, "d.measure_id IN (SELECT value FROM json_each(@ids))")
		implied = append(implied, "s.measure_id IN (SELECT value FROM json_each(@ids))")
	}
	limit := q.Limit
	if limit <= 0 {
		limit = -1
	}
	args = append(args, sql.Named("limit", limit))
	where := func(conds []string) string {
		if len(conds) == 0 {
			return ""
		}
		return " AND " + strings.Join(conds, " AND ")
	}
	query := `
SELECT d.id, d.measure_id, m.code, coalesce(d.step, 0) AS step, d.due, d.text, d.state, 0,
	d.created_by_id, d.created_by_name, d.created_at, d.done_by_id, d.done_by_name, d.done_at
FROM deadlines d JOIN measures m ON m.id = d.measure_id
WHERE 1` + where(explicit) + `
UNION ALL
SELECT 0, s.measure_id, m.code, s.number, s.due, s.text, 'open', 1, '', '', NULL, '', '', NULL
FROM steps s JOIN measures m ON m.id = s.measure_id
WHERE s.done_at IS NULL AND s.due IS NOT NULL
	AND NOT EXISTS (SELECT 1 FROM deadlines x WHERE x.measure_id = s.measure_id AND x.step = s.number)` + where(implied) + `
ORDER BY 5, 3, 4, 1 -- due, code, step, id
LIMIT @limit`
	return query, args, nil
}

// scanDeadline reads one row of the Deadlines query.
func scanDeadline(rows *sql.Rows) (commands.Deadline, error) {
	var (
		d                      commands.Deadline
		implied                int
		due, createdAt, doneAt sql.NullString
		state                  string
	)
	err := rows.Scan(&d.ID, &d.MeasureID, &d.MeasureCode, &d.Step, &due, &d.Text, &state, &implied,
		&d.CreatedBy.ID, &d.CreatedBy.Name, &createdAt, &d.DoneBy.ID, &d.DoneBy.Name, &doneAt)
	if err != nil {
		return d, fmt.Errorf("scan deadline: %w", err)
	}
	d.State = commands.DeadlineState(state)
	d.Implied = implied == 1
	if d.Due, err = parseDate(due); err != nil {
		return d, fmt.Errorf("scan deadline: %w", err)
	}
	if d.CreatedAt, err = parseTime(createdAt); err != nil {
		return d, fmt.Errorf("scan deadline: %w", err)
	}
	if d.DoneAt, err = parseTime(doneAt); err != nil {
		return d, fmt.Errorf("scan deadline: %w", err)
	}
	return d, nil
}

// AddDeadline stores an explicit deadline and returns it with its ID,
// MeasureCode and CreatedAt (from the store's clock when zero) set. The
// measure, and the step if one is given, must exist (ENOTFOUND); the due day
// must be set (EINVALID). A zero State is stored as open.
func (db *DB) AddDeadline(ctx context.Context, d commands.Deadline) (commands.Deadline, error) {
	if d.Due.IsZero() || !commands.ValidDate(d.Due.Year, d.Due.Month, d.Due.Day) {
		return d, commands.Invalid("error.deadline_due_invalid", commands.Data{"Due": d.Due.String()})
	}
	if d.State == "" {
		d.State = commands.DeadlineOpen
	}
	switch d.State {
	case commands.DeadlineOpen, commands.DeadlineDone, commands.DeadlinePostponed:
	default:
		return d, commands.Invalid("error.deadline_state_invalid", commands.Data{"State": string(d.State)})
	}
	if d.CreatedAt.IsZero() {
		d.CreatedAt = db.Now()
	}
	d.CreatedAt = d.CreatedAt.UTC()
	d.Implied = false
	err := db.write(ctx, func(tx querier) error {
		code, err := measureCode(ctx, tx, d.MeasureID)
		if err != nil {
			return err
		}
		d.MeasureCode = code
		if d.Step != 0 {
			ok, err := stepExists(ctx, tx, d.MeasureID, d.Step)
			if err != nil {
				return err
			}
			if !ok {
				n, err := stepCount(ctx, tx, d.MeasureID)
				if err != nil {
					return err
				}
				return commands.NotFound("error.step_unknown", commands.Data{"Step": d.Step, "Code": code, "Max": n})
			}
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO deadlines (measure_id, step, due, text, state, original_due,
			created_by_id, created_by_name, created_at, done_by_id, done_by_name, done_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			d.MeasureID, nullInt(d.Step), d.Due.String(), d.Text, string(d.State), d.Due.String(),
			d.CreatedBy.ID, d.CreatedBy.Name, formatTime(d.CreatedAt),
			d.DoneBy.ID, d.DoneBy.Name, formatTime(d.DoneAt)).Scan(&d.ID)
		if err != nil {
			return fmt.Errorf("insert deadline: %w", err)
		}
		return nil
	})
	if err != nil {
		return commands.Deadline{}, err
	}
	return d, nil
}

// CompleteSteps marks steps of a measure done by p at at (the store's clock
// when zero), closes the open explicit deadlines tied to the newly done ones
// and appends note when its Text is not empty, all in one transaction. Steps
// already done keep who and when; newlyDone lists, in number order, the steps
// that were open before. An unknown measure or step number is ENOTFOUND and
// nothing is written, not even the note.
func (db *DB) CompleteSteps(ctx context.Context, measureID int64, stepNums []int, p commands.Person, at time.Time, note *commands.Entry) ([]int, error) {
	if at.IsZero() {
		at = db.Now()
	}
	at = at.UTC()
	nums := slices.Clone(stepNums)
	slices.Sort(nums)
	nums = slices.Compact(nums)
	var newlyDone []int
	err := db.write(ctx, func(tx querier) error {
		newlyDone = nil
		code, err := measureCode(ctx, tx, measureID)
		if err != nil {
			return err
		}
		// Check every number before writing anything.
		done := map[int]bool{}
		for _, n := range nums {
			var doneAt sql.NullString
			err := tx.QueryRowContext(ctx, "SELECT done_at FROM steps WHERE measure_id = ? AND number = ?",
				measureID, n).Scan(&doneAt)
			if errors.Is(err, sql.ErrNoRows) {
				count, err := stepCount(ctx, tx, measureID)
				if err != nil {
					return err
				}
				return commands.NotFound("error.step_unknown", commands.Data{"Step": n, "Code": code, "Max": count})
			}
			if err != nil {
				return fmt.Errorf("select step %d: %w", n, err)
			}
			done[n] = doneAt.Valid
		}
		for _, n := range nums {
			if done[n] {
				continue
			}
			_, err := tx.ExecContext(ctx, `UPDATE steps SET done_at = ?, done_by_id = ?, done_by_name = ?
				WHERE measure_id = ? AND number = ? AND done_at IS NULL`,
				formatTime(at), p.ID, p.Name, measureID, n)
			if err != nil {
				return fmt.Errorf("update step %d: %w", n, err)
			}
			_, err = tx.ExecContext(ctx, `UPDATE deadlines SET state = 'done', done_at = ?, done_by_id = ?, done_by_name = ?
				WHERE measure_id = ? AND step = ? AND state <> 'done'`,
				formatTime(at), p.ID, p.Name, measureID, n)
			if err != nil {
				return fmt.Errorf("close deadlines of step %d: %w", n, err)
			}
			newlyDone = append(newlyDone, n)
		}
		if note != nil && note.Text != "" {
			e := *note
			e.MeasureID = measureID
			e.MeasureCode = code
			if e.CreatedAt.IsZero() {
				e.CreatedAt = at
			}
			if _, err := insertEntry(ctx, tx, e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return newlyDone, nil
}
