package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/klimabot/klimabot/commands"
)

var _ commands.ReminderStore = (*DB)(nil)

// ReminderChannels returns the channels that follow all measures or at
// least one, with their settings and follows.
func (db *DB) ReminderChannels(ctx context.Context) ([]commands.Channel, error) {
	var ids []string
	err := db.read(ctx, func(tx querier) error {
		rows, err := tx.QueryContext(ctx, `SELECT id FROM channels c WHERE follow_all = 1
			OR EXISTS (SELECT 1 FROM channel_follows f WHERE f.channel_id = c.id) ORDER BY id`)
		if err != nil {
			return fmt.Errorf("select reminder channels: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return fmt.Errorf("scan channel: %w", err)
			}
			ids = append(ids, id)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	out := make([]commands.Channel, 0, len(ids))
	for _, id := range ids {
		c, err := db.Channel(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// SentStages returns the latest stage recorded per deadline and due day in
// a channel; later stages have smaller numbers.
func (db *DB) SentStages(ctx context.Context, channelID string) (map[string]commands.Stage, error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT deadline_key, due, stage FROM sent_reminders WHERE channel_id = ?`, channelID)
	if err != nil {
		return nil, fmt.Errorf("select sent reminders: %w", err)
	}
	defer rows.Close()
	out := map[string]commands.Stage{}
	for rows.Next() {
		var key, due, stage string
		if err := rows.Scan(&key, &due, &stage); err != nil {
			return nil, fmt.Errorf("scan sent reminder: %w", err)
		}
		st, ok := commands.ParseStage(stage)
		if !ok {
			return nil, fmt.Errorf("sent reminder %s@%s: bad stage %q", key, due, stage)
		}
		k := key + "@" + due
		if last, seen := out[k]; !seen || st < last {
			out[k] = st
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("select sent reminders: %w", err)
	}
	return out, nil
}

// ClaimReminder records the rows of a message about to be posted with ts
// ” in one transaction; ECONFLICT when any of them is already recorded (a
// concurrent pass got there first).
func (db *DB) ClaimReminder(ctx context.Context, c commands.Claim) error {
	if c.ID == "" || len(c.Rows) == 0 {
		return fmt.Errorf("claim reminder: empty claim")
	}
	at := c.ClaimedAt
	if at.IsZero() {
		at = db.Now()
	}
	return db.write(ctx, func(tx querier) error { return claimTx(ctx, tx, c, at) })
}

// claimTx records the rows of claim c in tx (ClaimReminder, ClaimCatchUp).
func claimTx(ctx context.Context, tx querier, c commands.Claim, at time.Time) error {
	for _, r := range c.Rows {
		res, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO sent_reminders
			(deadline_key, due, stage, channel_id, measure_id, ts, sent_at, claim) VALUES (?, ?, ?, ?, ?, '', ?, ?)`,
			r.Key, r.Due.String(), r.Stage.String(), c.ChannelID, c.MeasureID, formatTime(at), c.ID)
		if err != nil {
			return fmt.Errorf("insert sent reminder: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("insert sent reminder: %w", err)
		} else if n == 0 {
			return &commands.Error{Code: commands.ECONFLICT, Msg: commands.Raw("reminder already recorded"),
				Err: fmt.Errorf("%s@%s stage %s in %s", r.Key, r.Due, r.Stage, c.ChannelID)}
		}
	}
	return nil
}

// ConfirmReminder stores the ts of a posted reminder and records the message
// for thread replies, in one transaction.
func (db *DB) ConfirmReminder(ctx context.Context, claimID, ts string) error {
	if ts == "" {
		return fmt.Errorf("confirm reminder %s: empty ts", claimID)
	}
	return db.write(ctx, func(tx querier) error {
		var channelID string
		var measureID int64
		err := tx.QueryRowContext(ctx, `SELECT channel_id, measure_id FROM sent_reminders WHERE claim = ? LIMIT 1`,
			claimID).Scan(&channelID, &measureID)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("confirm reminder %s: no such claim", claimID)
		}
		if err != nil {
			return fmt.Errorf("select claim: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sent_reminders SET ts = ? WHERE claim = ?`, ts, claimID); err != nil {
			return fmt.Errorf("confirm reminder: %w", err)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO bot_messages (channel_id, ts, measure_id, kind, created_at)
			VALUES (?, ?, ?, 'reminder', ?) ON CONFLICT (channel_id, ts) DO NOTHING`,
			channelID, ts, measureID, formatTime(db.Now()))
		if err != nil {
			return fmt.Errorf("record reminder message: %w", err)
		}
		return nil
	})
}

// ReleaseReminder deletes an unconfirmed claim; confirmed rows stay.
func (db *DB) ReleaseReminder(ctx context.Context, claimID string) error {
	return db.write(ctx, func(tx querier) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sent_reminders WHERE claim = ? AND ts = ''`, claimID); err != nil {
			return fmt.Errorf("release reminder: %w", err)
		}
		return nil
	})
}

// PendingClaims returns the unconfirmed claims, oldest first.
func (db *DB) PendingClaims(ctx context.Context) ([]commands.Claim, error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT claim, channel_id, measure_id, deadline_key, due, stage, sent_at
		FROM sent_reminders WHERE ts = '' ORDER BY sent_at, claim, deadline_key`)
	if err != nil {
		return nil, fmt.Errorf("select pending claims: %w", err)
	}
	defer rows.Close()
	var out []commands.Claim
	for rows.Next() {
		var (
			c            commands.Claim
			key, due, st string
			claimedAt    sql.NullString
		)
		if err := rows.Scan(&c.ID, &c.ChannelID, &c.MeasureID, &key, &due, &st, &claimedAt); err != nil {
			return nil, fmt.Errorf("scan pending claim: %w", err)
		}
		d, err := commands.ParseISODate(due)
		if err != nil {
			return nil, err
		}
		stage, ok := commands.ParseStage(st)
		if !ok {
			return nil, fmt.Errorf("pending claim %s: bad stage %q", c.ID, st)
		}
		if c.ClaimedAt, err = parseTime(claimedAt); err != nil {
			return nil, err
		}
		row := commands.SentRow{Key: key, Due: d, Stage: stage}
		if n := len(out); n > 0 && out[n-1].ID == c.ID {
			out[n-1].Rows = append(out[n-1].Rows, row)
			continue
		}
		c.Rows = []commands.SentRow{row}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("select pending claims: %w", err)
	}
	return out, nil
}

// SetLastTick stores when a channel's reminder schedule last ran; a channel
// with default settings gets its row.
func (db *DB) SetLastTick(ctx context.Context, channelID string, t time.Time) error {
	def := commands.DefaultChannel(channelID, "")
	return db.write(ctx, func(tx querier) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO channels (id, time_zone, schedule, stale_days, last_tick) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET last_tick = excluded.last_tick`,
			channelID, def.TimeZone, def.Schedule, def.StaleDays, formatTime(t))
		if err != nil {
			return fmt.Errorf("set last tick: %w", err)
		}
		return nil
	})
}

// LastProgress returns per measure the time of its newest progress entry, or
// of its creation when it has none; nil ids means every measure. One grouped
// query: a pass over 10,000 followed measures must not make 10,000.
func (db *DB) LastProgress(ctx context.Context, measureIDs []int64) (map[int64]time.Time, error) {
	where, args := "", []any{}
	if measureIDs != nil {
		ids, err := json.Marshal(measureIDs)
		if err != nil {
			return nil, fmt.Errorf("encode measure ids: %w", err)
		}
		where, args = "WHERE m.id IN (SELECT value FROM json_each(?))", []any{string(ids)}
	}
	rows, err := db.reader.QueryContext(ctx, `SELECT m.id, coalesce(
			(SELECT max(e.created_at) FROM entries e WHERE e.measure_id = m.id), m.created_at)
		FROM measures m `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("select last progress: %w", err)
	}
	defer rows.Close()
	out := make(map[int64]time.Time, len(measureIDs))
	for rows.Next() {
		var id int64
		var last sql.NullString
		if err := rows.Scan(&id, &last); err != nil {
			return nil, fmt.Errorf("scan last progress: %w", err)
		}
		t, err := parseTime(last)
		if err != nil {
			return nil, err
		}
		out[id] = t
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("select last progress: %w", err)
	}
	return out, nil
}

// FollowedMeasureIDs returns the ids of the measures a channel follows, in
// id order: every measure when it follows all.
func (db *DB) FollowedMeasureIDs(ctx context.Context, ch commands.Channel) ([]int64, error) {
	query, args := `SELECT measure_id FROM channel_follows WHERE channel_id = ? ORDER BY measure_id`, []any{ch.ID}
	if ch.FollowAll {
		query, args = `SELECT id FROM measures ORDER BY id`, nil
	}
	rows, err := db.reader.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("select followed measures: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("scan followed measure: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("select followed measures: %w", err)
	}
	return ids, nil
}

// parseDeadlineKey splits "d<id>" or "s<measure>.<step>".
func parseDeadlineKey(key string) (id, measureID int64, step int, ok bool) {
	switch {
	case strings.HasPrefix(key, "d"):
		id, err := strconv.ParseInt(key[1:], 10, 64)
		return id, 0, 0, err == nil && id > 0
	case strings.HasPrefix(key, "s"):
		m, s, found := strings.Cut(key[1:], ".")
		mid, err1 := strconv.ParseInt(m, 10, 64)
		n, err2 := strconv.Atoi(s)
		return 0, mid, n, found && err1 == nil && err2 == nil && mid > 0 && n > 0
	}
	return 0, 0, 0, false
}

// deadlineByKey reads one deadline, explicit or implied, inside tx.
func deadlineByKey(ctx context.Context, tx querier, key string) (commands.Deadline, error) {
	id, measureID, step, ok := parseDeadlineKey(key)
	if !ok {
		return commands.Deadline{}, commands.NotFound("error.deadline_unknown", nil)
	}
	var (
		d                 commands.Deadline
		due, state, dStep sql.NullString
		createdAt, doneAt sql.NullString
	)
	var err error
	if id > 0 {
		err = tx.QueryRowContext(ctx, `SELECT d.id, d.measure_id, m.code, d.step, d.due, d.text, d.state,
			d.created_by_id, d.created_by_name, d.created_at, d.done_by_id, d.done_by_name, d.done_at
			FROM deadlines d JOIN measures m ON m.id = d.measure_id WHERE d.id = ?`, id).Scan(
			&d.ID, &d.MeasureID, &d.MeasureCode, &dStep, &due, &d.Text, &state,
			&d.CreatedBy.ID, &d.CreatedBy.Name, &createdAt, &d.DoneBy.ID, &d.DoneBy.Name, &doneAt)
		if dStep.Valid {
			d.Step, _ = strconv.Atoi(dStep.String)
		}
	} else {
		d.Implied, d.Step = true, step
		err = tx.QueryRowContext(ctx, `SELECT s.measure_id, m.code, s.due, s.text,
			CASE WHEN s.done_at IS NULL THEN 'open' ELSE 'done' END, s.done_by_id, s.done_by_name, s.done_at
			FROM steps s JOIN measures m ON m.id = s.measure_id WHERE s.measure_id = ? AND s.number = ?`,
			measureID, step).Scan(&d.MeasureID, &d.MeasureCode, &due, &d.Text, &state, &d.DoneBy.ID, &d.DoneBy.Name, &doneAt)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return commands.Deadline{}, commands.NotFound("error.deadline_unknown", nil)
	}
	if err != nil {
		return commands.Deadline{}, fmt.Errorf("select deadline %s: %w", key, err)
	}
	d.State = commands.DeadlineState(state.String)
	if d.Due, err = parseDate(due); err != nil {
		return d, err
	}
	if d.CreatedAt, err = parseTime(createdAt); err != nil {
		return d, err
	}
	if d.DoneAt, err = parseTime(doneAt); err != nil {
		return d, err
	}
	return d, nil
}

// CompleteDeadline marks the deadline with key done by p at at, and the
// step it belongs to (an implied deadline is its step), and appends note
// when its Text is set — all in one transaction. changed is false, and
// nothing is written, when it was done already.
func (db *DB) CompleteDeadline(ctx context.Context, key string, p commands.Person, at time.Time, note *commands.Entry) (commands.Deadline, bool, error) {
	if at.IsZero() {
		at = db.Now()
	}
	at = at.UTC()
	var d commands.Deadline
	changed := false
	err := db.write(ctx, func(tx querier) error {
		var err error
		if d, err = deadlineByKey(ctx, tx, key); err != nil {
			return err
		}
		if !d.State.Open() {
			return nil
		}
		changed = true
		if !d.Implied {
			if _, err := tx.ExecContext(ctx, `UPDATE deadlines SET state = 'done', done_by_id = ?, done_by_name = ?, done_at = ?
				WHERE id = ?`, p.ID, p.Name, formatTime(at), d.ID); err != nil {
				return fmt.Errorf("complete deadline: %w", err)
			}
		}
		if d.Step > 0 {
			// the step is done, and with it every other deadline tied to it,
			// as CompleteSteps does
			if _, err := tx.ExecContext(ctx, `UPDATE steps SET done_at = ?, done_by_id = ?, done_by_name = ?
				WHERE measure_id = ? AND number = ? AND done_at IS NULL`,
				formatTime(at), p.ID, p.Name, d.MeasureID, d.Step); err != nil {
				return fmt.Errorf("complete step: %w", err)
			}
			if _, err := tx.ExecContext(ctx, `UPDATE deadlines SET state = 'done', done_by_id = ?, done_by_name = ?, done_at = ?
				WHERE measure_id = ? AND step = ? AND state <> 'done'`,
				p.ID, p.Name, formatTime(at), d.MeasureID, d.Step); err != nil {
				return fmt.Errorf("complete step deadlines: %w", err)
			}
		}
		d.State, d.DoneBy, d.DoneAt = commands.DeadlineDone, p, at
		return appendNote(ctx, tx, d.MeasureID, at, note)
	})
	if err != nil {
		return commands.Deadline{}, false, err
	}
	return d, changed, nil
}

// PostponeDeadline moves the deadline with key days later (state postponed,
// the first due day kept as original_due); an implied deadline becomes an
// explicit, postponed one of its step. note is appended when its Text is set.
// A done deadline is ECONFLICT.
func (db *DB) PostponeDeadline(ctx context.Context, key string, days int, p commands.Person, at time.Time, note *commands.Entry) (commands.Deadline, error) {
	if at.IsZero() {
		at = db.Now()
	}
	at = at.UTC()
	var d commands.Deadline
	err := db.write(ctx, func(tx querier) error {
		var err error
		if d, err = deadlineByKey(ctx, tx, key); err != nil {
			return err
		}
		if !d.State.Open() {
			return &commands.Error{Code: commands.ECONFLICT, Msg: commands.Msg("error.deadline_done", commands.Data{"Code": d.MeasureCode})}
		}
		old := d.Due
		d.Due = d.Due.AddDays(days)
		d.State = commands.DeadlinePostponed
		if d.Implied {
			err = tx.QueryRowContext(ctx, `INSERT INTO deadlines (measure_id, step, due, text, state, original_due,
				created_by_id, created_by_name, created_at, done_by_id, done_by_name, done_at)
				VALUES (?, ?, ?, ?, 'postponed', ?, ?, ?, ?, '', '', NULL) RETURNING id`,
				d.MeasureID, d.Step, d.Due.String(), d.Text, old.String(), p.ID, p.Name, formatTime(at)).Scan(&d.ID)
			if err != nil {
				return fmt.Errorf("postpone implied deadline: %w", err)
			}
			d.Implied, d.CreatedBy, d.CreatedAt = false, p, at
		} else if _, err := tx.ExecContext(ctx, `UPDATE deadlines SET due = ?, state = 'postponed' WHERE id = ?`,
			d.Due.String(), d.ID); err != nil {
			return fmt.Errorf("postpone deadline: %w", err)
		}
		return appendNote(ctx, tx, d.MeasureID, at, note)
	})
	if err != nil {
		return commands.Deadline{}, err
	}
	return d, nil
}

// appendNote appends note to measureID's entries when it has a text.
func appendNote(ctx context.Context, tx querier, measureID int64, at time.Time, note *commands.Entry) error {
	if note == nil || note.Text == "" {
		return nil
	}
	e := *note
	e.MeasureID = measureID
	if e.CreatedAt.IsZero() {
		e.CreatedAt = at
	}
	_, err := insertEntry(ctx, tx, e)
	return err
}
