package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/klimabot/klimabot/commands"
)

var _ commands.MessageStore = (*DB)(nil)

// BotMessage returns what the bot's message ts in a channel is about: a
// reminder or nudge from its sent_reminders rows (in the order they were
// claimed, which is the order shown), else a message recorded with
// RecordBotItems. ok is false for any other message, announcements
// included: they have no buttons.
func (db *DB) BotMessage(ctx context.Context, channelID, ts string) (commands.BotMessage, bool, error) {
	m := commands.BotMessage{ChannelID: channelID, TS: ts}
	if channelID == "" || ts == "" {
		return m, false, nil // pending claims have ts ''
	}
	err := db.read(ctx, func(tx querier) error {
		rows, err := tx.QueryContext(ctx, `SELECT deadline_key, due, stage, measure_id, sent_at, claim FROM sent_reminders
			WHERE channel_id = ? AND ts = ? ORDER BY rowid`, channelID, ts)
		if err != nil {
			return fmt.Errorf("select reminder rows: %w", err)
		}
		defer rows.Close()
		var claim string
		for rows.Next() {
			var key, due, stage string
			var sent sql.NullString
			if err := rows.Scan(&key, &due, &stage, &m.MeasureID, &sent, &claim); err != nil {
				return fmt.Errorf("scan reminder row: %w", err)
			}
			r, err := sentRow(key, due, stage)
			if err != nil {
				return err
			}
			if m.PostedAt, err = parseTime(sent); err != nil {
				return err
			}
			m.Rows = append(m.Rows, r)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("select reminder rows: %w", err)
		}
		if len(m.Rows) > 0 {
			m.Kind = commands.MessageReminder
			if len(m.Rows) == 1 && strings.HasPrefix(m.Rows[0].Key, "n") {
				m.Kind = commands.MessageNudge
			}
			return markCatchUp(ctx, tx, &m, claim)
		}
		var created sql.NullString
		err = tx.QueryRowContext(ctx, `SELECT measure_id, kind, lang, created_at FROM bot_messages
			WHERE channel_id = ? AND ts = ?`, channelID, ts).Scan(&m.MeasureID, &m.Kind, &m.Lang, &created)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("select bot message: %w", err)
		}
		if m.PostedAt, err = parseTime(created); err != nil {
			return err
		}
		items, err := tx.QueryContext(ctx, `SELECT item_key, due FROM message_items
			WHERE channel_id = ? AND ts = ? ORDER BY position`, channelID, ts)
		if err != nil {
			return fmt.Errorf("select message items: %w", err)
		}
		defer items.Close()
		for items.Next() {
			var key, due string
			if err := items.Scan(&key, &due); err != nil {
				return fmt.Errorf("scan message item: %w", err)
			}
			r, err := sentRow(key, due, "0")
			if err != nil {
				return err
			}
			m.Rows = append(m.Rows, r)
		}
		return items.Err()
	})
	if err != nil {
		return commands.BotMessage{}, false, err
	}
	return m, len(m.Rows) > 0, nil
}

// sentRow reads a stored row of a message.
func sentRow(key, due, stage string) (commands.SentRow, error) {
	d, err := commands.ParseISODate(due)
	if err != nil {
		return commands.SentRow{}, fmt.Errorf("message row %s: due %q: %w", key, due, err)
	}
	st, ok := commands.ParseStage(stage)
	if !ok {
		return commands.SentRow{}, fmt.Errorf("message row %s: bad stage %q", key, stage)
	}
	return commands.SentRow{Key: key, Due: d, Stage: st}, nil
}

// RecordBotItems records a posted message with buttons that is not a
// reminder — its measure, kind and language (bot_messages, so a reply in
// its thread finds the measure too) and its rows — in one transaction.
func (db *DB) RecordBotItems(ctx context.Context, m commands.BotMessage) error {
	if m.ChannelID == "" || m.TS == "" || len(m.Rows) == 0 {
		return fmt.Errorf("record bot message: channel, ts and rows are required")
	}
	posted := m.PostedAt
	if posted.IsZero() {
		posted = db.Now()
	}
	return db.write(ctx, func(tx querier) error {
		if _, err := measureCode(ctx, tx, m.MeasureID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO bot_messages (channel_id, ts, measure_id, kind, created_at, lang)
			VALUES (?, ?, ?, ?, ?, ?)`, m.ChannelID, m.TS, m.MeasureID, m.Kind, formatTime(posted), m.Lang)
		if err != nil {
			return fmt.Errorf("insert bot message: %w", err)
		}
		for i, r := range m.Rows {
			if _, err := tx.ExecContext(ctx, `INSERT INTO message_items (channel_id, ts, position, item_key, due)
				VALUES (?, ?, ?, ?, ?)`, m.ChannelID, m.TS, i, r.Key, r.Due.String()); err != nil {
				return fmt.Errorf("insert message item: %w", err)
			}
		}
		return nil
	})
}

// DeadlineByKey returns the deadline with key in any state. A step's key
// ("s<measure>.<step>") finds the step's newest explicit deadline when it
// has one — postponing an implied deadline creates it — else the implied
// deadline, done with who and when once the step is done. An unknown key
// is ENOTFOUND.
func (db *DB) DeadlineByKey(ctx context.Context, key string) (commands.Deadline, error) {
	var d commands.Deadline
	err := db.read(ctx, func(tx querier) error {
		if _, measureID, step, ok := parseDeadlineKey(key); ok && measureID > 0 {
			var id int64
			err := tx.QueryRowContext(ctx, `SELECT id FROM deadlines WHERE measure_id = ? AND step = ?
				ORDER BY id DESC LIMIT 1`, measureID, step).Scan(&id)
			switch {
			case err == nil:
				key = "d" + fmt.Sprint(id)
			case !errors.Is(err, sql.ErrNoRows):
				return fmt.Errorf("select deadline of step: %w", err)
			}
		}
		var err error
		d, err = deadlineByKey(ctx, tx, key)
		return err
	})
	return d, err
}

// RecordButtonAction appends what a click did to a row of a message.
func (db *DB) RecordButtonAction(ctx context.Context, a commands.ButtonAction) error {
	at := a.At
	if at.IsZero() {
		at = db.Now()
	}
	due := ""
	if !a.Due.IsZero() {
		due = a.Due.String()
	}
	return db.write(ctx, func(tx querier) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO message_actions (channel_id, ts, item_key, action, by_id, by_name, at, due)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, a.ChannelID, a.TS, a.Key, a.Action, a.By.ID, a.By.Name, formatTime(at), due)
		if err != nil {
			return fmt.Errorf("insert button action: %w", err)
		}
		return nil
	})
}

// ButtonActions returns what clicks did to the rows of a message, oldest
// first.
func (db *DB) ButtonActions(ctx context.Context, channelID, ts string) ([]commands.ButtonAction, error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT item_key, action, by_id, by_name, at, due FROM message_actions
		WHERE channel_id = ? AND ts = ? ORDER BY id`, channelID, ts)
	if err != nil {
		return nil, fmt.Errorf("select button actions: %w", err)
	}
	defer rows.Close()
	var out []commands.ButtonAction
	for rows.Next() {
		a := commands.ButtonAction{ChannelID: channelID, TS: ts}
		var at, due sql.NullString
		if err := rows.Scan(&a.Key, &a.Action, &a.By.ID, &a.By.Name, &at, &due); err != nil {
			return nil, fmt.Errorf("scan button action: %w", err)
		}
		if a.At, err = parseTime(at); err != nil {
			return nil, err
		}
		if a.Due, err = parseDate(due); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("select button actions: %w", err)
	}
	return out, nil
}
