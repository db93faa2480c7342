package storage

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"

	"modernc.org/sqlite"

	"github.com/klimabot/klimabot/commands"
	"github.com/klimabot/klimabot/locales"
)

// measureColumns are the sheet fields of measures, in the order scanMeasure
// and the import statements use.
const measureColumns = `code, title, responsible, target_group, objective, description, status,
	costs_planned, costs_actual, running_costs, funding, staff, partnership`

// searchSep separates the fields of the search column so that a filter
// never matches across two of them.
const searchSep = "\x1f"

// fold is how a filter and the search column are compared: lower case and
// without diacritics (locales.Fold), so that "seznam nove" finds
// "Nové Město" and "NOVE" does too. Unlike SQLite's lower(), which folds
// only ASCII, it folds all of Unicode.
func fold(s string) string { return locales.Fold(s) }

func init() {
	// klimabot_fold is fold in SQL, for refoldSearch.
	sqlite.MustRegisterDeterministicScalarFunction("klimabot_fold", 1,
		func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			switch v := args[0].(type) {
			case string:
				return fold(v), nil
			case []byte:
				return fold(string(v)), nil
			}
			return "", nil
		})
}

// refoldSearch brings the search column of measures stored by an older
// version (lower-cased only, "nové") to the folded form ("nove"). It is
// idempotent and writes nothing once every row is folded.
func refoldSearch(ctx context.Context, w *sql.DB) error {
	if _, err := w.ExecContext(ctx, "UPDATE measures SET search = klimabot_fold(search) WHERE search <> klimabot_fold(search)"); err != nil {
		return fmt.Errorf("fold search column: %w", err)
	}
	return nil
}

// searchText is the stored search column of a measure.
func searchText(m *commands.Measure) string {
	return fold(m.Code) + searchSep + fold(m.Title) + searchSep + fold(m.Responsible)
}

// Measure returns the measure whose code key equals CodeKey(code), with its
// sections and its steps in number order; ENOTFOUND if there is none.
func (db *DB) Measure(ctx context.Context, code string) (*commands.Measure, error) {
	return db.measure(ctx, code, true)
}

// MeasureSteps is Measure without the Sections, which no command shows: one
// statement less for status, log and the others.
//
// It is answered from the read cache when it can (readcache.go): status,
// log and done read a measure on every call.
func (db *DB) MeasureSteps(ctx context.Context, code string) (*commands.Measure, error) {
	key := commands.CodeKey(code)
	start := db.cacheStart(ctx)
	if b, ok := lookup(db.cache, db.cache.measures, key, start, measureTables); ok {
		if m, err := decodeMeasure(b); err == nil {
			return m, nil
		}
	}
	before := db.cacheBefore(start)
	m, err := db.measure(ctx, code, false)
	if err == nil {
		store(db.cache, db.cache.measures, key, before, measureTables, maxCachedMeasures, encodeMeasure(nil, m))
	}
	return m, err
}

func (db *DB) measure(ctx context.Context, code string, withSections bool) (*commands.Measure, error) {
	key := commands.CodeKey(code)
	var m *commands.Measure
	err := db.read(ctx, func(tx querier) error {
		var err error
		m, err = measureRow(ctx, tx, key, withSections)
		return err
	})
	if err != nil {
		return nil, err
	}
	if m == nil {
		return nil, commands.NotFound("error.unknown_code", commands.Data{"Code": code})
	}
	return m, nil
}

// Queries of a whole measure, prepared at Open (see stmtCache).
const (
	measureByKeySQL = `SELECT id, ` + measureColumns + `, source, updated_at FROM measures WHERE code_key = ?`
	sectionsSQL     = `SELECT title, body FROM measure_sections WHERE measure_id = ? ORDER BY position`
	stepsSQL        = `SELECT number, text, coalesce(planned_year, 0), planned_date, done_at, done_by_id, done_by_name
		FROM steps WHERE measure_id = ? ORDER BY number`
	measureCodeSQL = "SELECT code FROM measures WHERE id = ?"
	stepExistsSQL  = "SELECT EXISTS (SELECT 1 FROM steps WHERE measure_id = ? AND number = ?)"
)

// measureByKey reads a whole measure; nil if there is no such code key.
func measureByKey(ctx context.Context, tx querier, key string) (*commands.Measure, error) {
	return measureRow(ctx, tx, key, true)
}

// measureRow reads a measure with its steps, and its sections if
// withSections; nil if there is no such code key.
func measureRow(ctx context.Context, tx querier, key string, withSections bool) (*commands.Measure, error) {
	if key == "" {
		return nil, nil
	}
	m, err := scanMeasure(tx.QueryRowContext(ctx, measureByKeySQL, key))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if withSections {
		if m.Sections, err = sections(ctx, tx, m.ID); err != nil {
			return nil, err
		}
	}
	if m.Steps, err = steps(ctx, tx, m.ID); err != nil {
		return nil, err
	}
	return m, nil
}

// scanMeasure reads a row of measureByKeySQL's columns (the id, then
// measureColumns, source and updated_at; dest may come after them).
func scanMeasure(row interface{ Scan(...any) error }, dest ...any) (*commands.Measure, error) {
	m := &commands.Measure{}
	var updated sql.NullString
	err := row.Scan(append([]any{&m.ID, &m.Code, &m.Title, &m.Responsible, &m.TargetGroup, &m.Objective,
		&m.Description, &m.Status, &m.CostsPlanned, &m.CostsActual, &m.RunningCosts, &m.Funding, &m.Staff,
		&m.Partnership, &m.Source, &updated}, dest...)...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("select measure: %w", err)
	}
	if m.UpdatedAt, err = parseTime(updated); err != nil {
		return nil, fmt.Errorf("select measure: %w", err)
	}
	return m, nil
}

// scanStep reads a row of stepsSQL's columns (dest may come after them).
func scanStep(rows *sql.Rows, dest ...any) (commands.Step, error) {
	var s commands.Step
	var planned, doneAt sql.NullString
	if err := rows.Scan(append([]any{&s.Number, &s.Text, &s.PlannedYear, &planned, &doneAt, &s.DoneBy.ID, &s.DoneBy.Name}, dest...)...); err != nil {
		return s, fmt.Errorf("scan step: %w", err)
	}
	var err error
	if s.PlannedDate, err = parseDate(planned); err != nil {
		return s, fmt.Errorf("scan step: %w", err)
	}
	if s.DoneAt, err = parseTime(doneAt); err != nil {
		return s, fmt.Errorf("scan step: %w", err)
	}
	s.Done = doneAt.Valid
	return s, nil
}

// sections reads a measure's sections in source order.
func sections(ctx context.Context, tx querier, measureID int64) ([]commands.Section, error) {
	rows, err := tx.QueryContext(ctx, sectionsSQL, measureID)
	if err != nil {
		return nil, fmt.Errorf("select sections: %w", err)
	}
	defer rows.Close()
	var out []commands.Section
	for rows.Next() {
		var s commands.Section
		if err := rows.Scan(&s.Title, &s.Body); err != nil {
			return nil, fmt.Errorf("scan section: %w", err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("select sections: %w", err)
	}
	return out, nil
}

// steps reads a measure's steps in number order.
func steps(ctx context.Context, tx querier, measureID int64) ([]commands.Step, error) {
	rows, err := tx.QueryContext(ctx, stepsSQL, measureID)
	if err != nil {
		return nil, fmt.Errorf("select steps: %w", err)
	}
	defer rows.Close()
	var out []commands.Step
	for rows.Next() {
		s, err := scanStep(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("select steps: %w", err)
	}
	return out, nil
}

// Codes returns all measure codes in text order.
func (db *DB) Codes(ctx context.Context) ([]string, error) {
	rows, err := db.rcache.QueryContext(ctx, "SELECT code FROM measures ORDER BY code")
	if err != nil {
		return nil, fmt.Errorf("select codes: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, fmt.Errorf("scan code: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("select codes: %w", err)
	}
	return out, nil
}

// nextDeadlineCTEs rank the open deadlines, explicit and implied, of the
// measures a preceding "page" CTE chose (columns id, code, title,
// responsible); summarySQL joins the first of each to its measure. Only the
// page's deadlines are ranked, so a short page stays fast on a large
// catalogue. ListMeasures and FollowedMeasures share it.
const nextDeadlineCTEs = `open_deadlines AS (
	SELECT d.id, d.measure_id, coalesce(d.step, 0) AS step, d.due, d.text, d.state, 0 AS implied,
		d.created_by_id, d.created_by_name, d.created_at
	FROM deadlines d
	WHERE d.measure_id IN (SELECT id FROM page) AND d.state <> 'done'
	UNION ALL
	SELECT 0, s.measure_id, s.number, s.due, s.text, 'open', 1, '', '', NULL
	FROM steps s
	WHERE s.measure_id IN (SELECT id FROM page) AND s.done_at IS NULL AND s.due IS NOT NULL
		AND NOT EXISTS (SELECT 1 FROM deadlines x WHERE x.measure_id = s.measure_id AND x.step = s.number)
),
ranked AS (
	SELECT *, row_number() OVER (PARTITION BY measure_id ORDER BY due, step, id) AS rank
	FROM open_deadlines
)`

// summarySQL is the summary query over the page that pageCTEs choose, with
// extra columns after the ones scanSummary reads.
func summarySQL(pageCTEs, extra string) string {
	return "WITH " + pageCTEs + ",\n" + nextDeadlineCTEs + `
SELECT p.id, p.code, p.title, p.responsible,
	(SELECT count(*) FROM steps s WHERE s.measure_id = p.id AND s.done_at IS NOT NULL),
	(SELECT count(*) FROM steps s WHERE s.measure_id = p.id),
	r.id, r.step, r.due, r.text, r.state, r.implied, r.created_by_id, r.created_by_name, r.created_at` + extra + `
FROM page p LEFT JOIN ranked r ON r.measure_id = p.id AND r.rank = 1
ORDER BY p.code, p.id`
}

// listMeasuresSQL selects the summaries of the measures matching ?1 (folded,
// "" for all), at most ?2.
var listMeasuresSQL = summarySQL(`page AS MATERIALIZED (
	SELECT id, code, title, responsible FROM measures
	WHERE ?1 = '' OR instr(search, ?1) > 0
	ORDER BY code, id
	LIMIT ?2
)`, "")

// scanSummary reads one row of a summary query, and extra columns into
// extra.
func scanSummary(rows *sql.Rows, extra ...any) (commands.MeasureSummary, error) {
	var s commands.MeasureSummary
	var (
		id, step, implied       sql.NullInt64
		due, text, state        sql.NullString
		byID, byName, createdAt sql.NullString
	)
	dest := append([]any{&s.ID, &s.Code, &s.Title, &s.Responsible, &s.StepsDone, &s.StepsTotal,
		&id, &step, &due, &text, &state, &implied, &byID, &byName, &createdAt}, extra...)
	if err := rows.Scan(dest...); err != nil {
		return s, fmt.Errorf("scan measure summary: %w", err)
	}
	if !due.Valid {
		return s, nil
	}
	d := &commands.Deadline{
		ID:          id.Int64,
		MeasureID:   s.ID,
		MeasureCode: s.Code,
		Step:        int(step.Int64),
		Text:        text.String,
		State:       commands.DeadlineState(state.String),
		Implied:     implied.Int64 == 1,
		CreatedBy:   commands.Person{ID: byID.String, Name: byName.String},
	}
	var err error
	if d.Due, err = parseDate(due); err != nil {
		return s, fmt.Errorf("scan measure summary: %w", err)
	}
	if d.CreatedAt, err = parseTime(createdAt); err != nil {
		return s, fmt.Errorf("scan measure summary: %w", err)
	}
	s.NextDeadline = d
	return s, nil
}

// ListMeasures returns summaries of the measures whose code, title or
// responsibility contains filter, case-insensitively in all scripts ("" for
// all), ordered by code, at most limit (0: all). Each carries its step counts
// and its earliest open deadline, explicit or implied, overdue ones included.
func (db *DB) ListMeasures(ctx context.Context, filter string, limit int) ([]commands.MeasureSummary, error) {
	f := fold(strings.TrimSpace(strings.ReplaceAll(filter, searchSep, "")))
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	rows, err := db.rcache.QueryContext(ctx, listMeasuresSQL, f, limit)
	if err != nil {
		return nil, fmt.Errorf("list measures: %w", err)
	}
	defer rows.Close()
	var out []commands.MeasureSummary
	for rows.Next() {
		s, err := scanSummary(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list measures: %w", err)
	}
	return out, nil
}

// measureCode returns the code of the measure with the given id; ENOTFOUND
// if there is none.
func measureCode(ctx context.Context, q querier, id int64) (string, error) {
	var code string
	err := q.QueryRowContext(ctx, measureCodeSQL, id).Scan(&code)
	if errors.Is(err, sql.ErrNoRows) {
		return "", commands.NotFound("error.measure_unknown", commands.Data{"ID": id})
	}
	if err != nil {
		return "", fmt.Errorf("select measure %d: %w", id, err)
	}
	return code, nil
}

// stepExists reports whether the measure has a step with that number.
func stepExists(ctx context.Context, tx querier, measureID int64, number int) (bool, error) {
	var ok bool
	err := tx.QueryRowContext(ctx, stepExistsSQL, measureID, number).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("select step: %w", err)
	}
	return ok, nil
}

// stepCount returns how many steps a measure has, for error messages.
func stepCount(ctx context.Context, tx querier, measureID int64) (int, error) {
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM steps WHERE measure_id = ?", measureID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count steps: %w", err)
	}
	return n, nil
}
