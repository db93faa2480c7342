package storage

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/klimabot/klimabot/commands"
)

// entriesSQL selects a measure's entries with the columns scanEntries
// reads; the caller adds the order and limit.
const entriesSQL = `SELECT ` + entrySelect + `
	FROM entries e JOIN measures m ON m.id = e.measure_id
	WHERE e.measure_id = ?`

// entrySelect are the columns scanEntries reads, of entries e and measures m.
const entrySelect = `e.id, e.measure_id, m.code, coalesce(e.step, 0),
	e.author_id, e.author_name, e.text, e.source, e.channel_id, e.created_at,
	e.submitter_id, e.submitter_name, e.addition, e.message_ts`

// lastEntriesSQL is Entries' query (prepared at Open: status runs it).
const lastEntriesSQL = entriesSQL + ` ORDER BY e.created_at DESC, e.id DESC LIMIT ?`

// Entries returns the newest limit progress entries of a measure (0: all),
// newest first.
// A few newest (status) come from the read cache when it has them
// (entrycache.go).
func (db *DB) Entries(ctx context.Context, measureID int64, limit int) ([]commands.Entry, error) {
	if limit > 0 && limit <= maxCachedEntryLimit {
		return db.cachedEntriesOf(ctx, measureID, limit)
	}
	return db.readEntries(ctx, measureID, limit)
}

// readEntries is Entries from SQLite, on the read pool.
func (db *DB) readEntries(ctx context.Context, measureID int64, limit int) ([]commands.Entry, error) {
	return readEntriesOn(ctx, db.rcache, measureID, limit)
}

// readEntriesOn is readEntries on the connections of q.
func readEntriesOn(ctx context.Context, q *stmtCache, measureID int64, limit int) ([]commands.Entry, error) {
	if limit <= 0 {
		limit = -1
	}
	rows, err := q.QueryContext(ctx, lastEntriesSQL, measureID, limit)
	if err != nil {
		return nil, fmt.Errorf("select entries: %w", err)
	}
	return scanEntries(rows)
}

// scanEntries reads the rows of an entriesSQL query and closes them.
func scanEntries(rows *sql.Rows) ([]commands.Entry, error) {
	defer rows.Close()
	var out []commands.Entry
	for rows.Next() {
		var e commands.Entry
		var source string
		var created sql.NullString
		if err := rows.Scan(&e.ID, &e.MeasureID, &e.MeasureCode, &e.Step, &e.Author.ID, &e.Author.Name,
			&e.Text, &source, &e.ChannelID, &created,
			&e.Submitter.ID, &e.Submitter.Name, &e.Addition, &e.MessageTS); err != nil {
			return nil, fmt.Errorf("scan entry: %w", err)
		}
		e.Source = commands.Source(source)
		var err error
		if e.CreatedAt, err = parseTime(created); err != nil {
			return nil, fmt.Errorf("scan entry: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("select entries: %w", err)
	}
	return out, nil
}

// AddEntry appends a progress entry and returns it with ID, MeasureCode
// (as given, else the measure's) and CreatedAt (from the store's clock when
// zero) set. The measure, and the step if one is given, must exist
// (ENOTFOUND).
func (db *DB) AddEntry(ctx context.Context, e commands.Entry) (commands.Entry, error) {
	if e.CreatedAt.IsZero() {
		e.CreatedAt = db.Now()
	}
	err := db.write(ctx, func(tx querier) error {
		// The foreign key refuses an entry of a measure that does not
		// exist; the code is read only when the caller did not bring it
		// (a command has the measure it read) or a step must be checked.
		if e.MeasureCode == "" || e.Step != 0 {
			code, err := measureCode(ctx, tx, e.MeasureID)
			if err != nil {
				return err
			}
			e.MeasureCode = code
		}
		var err error
		e, err = insertEntry(ctx, tx, e)
		if foreignKeyFailed(err) {
			return commands.NotFound("error.measure_unknown", commands.Data{"ID": e.MeasureID})
		}
		return err
	})
	if err != nil {
		return commands.Entry{}, err
	}
	return e, nil
}

// insertEntrySQL appends one entry; prepared at Open.
const insertEntrySQL = `INSERT INTO entries (measure_id, step, author_id, author_name, text,
	source, channel_id, created_at, submitter_id, submitter_name, addition, message_ts)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// insertEntry appends e (whose measure exists and whose CreatedAt is set)
// inside tx and returns it with its ID.
func insertEntry(ctx context.Context, tx querier, e commands.Entry) (commands.Entry, error) {
	if e.Step != 0 {
		ok, err := stepExists(ctx, tx, e.MeasureID, e.Step)
		if err != nil {
			return e, err
		}
		if !ok {
			n, err := stepCount(ctx, tx, e.MeasureID)
			if err != nil {
				return e, err
			}
			return e, commands.NotFound("error.step_unknown", commands.Data{"Step": e.Step, "Code": e.MeasureCode, "Max": n})
		}
	}
	e.CreatedAt = e.CreatedAt.UTC()
	res, err := tx.ExecContext(ctx, insertEntrySQL,
		e.MeasureID, nullInt(e.Step), e.Author.ID, e.Author.Name, e.Text, string(e.Source), e.ChannelID,
		formatTime(e.CreatedAt), e.Submitter.ID, e.Submitter.Name, e.Addition, e.MessageTS)
	if err == nil {
		e.ID, err = res.LastInsertId()
	}
	if err != nil {
		return e, fmt.Errorf("insert entry: %w", err)
	}
	return e, nil
}
