package storage

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/klimabot/klimabot/commands"
)

// MarkEventProcessed records a Slack event id and reports whether this is
// the first time it is seen; a retried delivery of the same event gets
// first == false and must not be processed again.
func (db *DB) MarkEventProcessed(ctx context.Context, eventID string) (first bool, err error) {
	err = db.write(ctx, func(tx querier) error {
		res, err := tx.ExecContext(ctx, "INSERT OR IGNORE INTO processed_events (event_id, received_at) VALUES (?, ?)",
			eventID, formatTime(db.Now()))
		if err != nil {
			return fmt.Errorf("insert processed event: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("insert processed event: %w", err)
		}
		first = n == 1
		return nil
	})
	return first, err
}

// insertBotMessageSQL records (or records again) a bot message; the
// foreign key refuses a measure that does not exist.
const insertBotMessageSQL = `INSERT INTO bot_messages (channel_id, ts, measure_id, kind, created_at)
	VALUES (?, ?, ?, ?, ?)
	ON CONFLICT (channel_id, ts) DO UPDATE SET measure_id = excluded.measure_id, kind = excluded.kind`

// RecordBotMessage remembers that the bot posted message ts in a channel
// about a measure (kind: "reminder", "announce", "nudge", ...), so that a
// reply in its thread finds the measure. Recording the same message again
// replaces the earlier record, the measures of a combined announcement
// included.
func (db *DB) RecordBotMessage(ctx context.Context, channelID, ts string, measureID int64, kind string) error {
	now := db.Now()
	return db.write(ctx, func(tx querier) error {
		return recordMessage(ctx, tx, channelID, ts, []int64{measureID}, kind, now)
	})
}

// RecordMessageMeasures remembers that the bot posted message ts in a
// channel about several measures at once (a combined announcement, kind
// "announce"), in the order shown: a reply in its thread belongs to none of
// them (MeasureForMessage finds none; MeasuresForMessage names them all).
// With one measure (repeats count once) it is RecordBotMessage.
func (db *DB) RecordMessageMeasures(ctx context.Context, channelID, ts string, measureIDs []int64, kind string) error {
	var ids []int64
	for _, id := range measureIDs {
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return fmt.Errorf("record bot message: no measure")
	}
	now := db.Now()
	return db.write(ctx, func(tx querier) error {
		return recordMessage(ctx, tx, channelID, ts, ids, kind, now)
	})
}

// recordMessage records (or records again) a bot message about ids (at
// least one, no repeats) in tx: its row in bot_messages, and when it is
// about several, their order in message_measures. A list recorded before
// for the same message is replaced, not added to.
func recordMessage(ctx context.Context, tx querier, channelID, ts string, ids []int64, kind string, now time.Time) error {
	_, err := tx.ExecContext(ctx, insertBotMessageSQL, channelID, ts, ids[0], kind, formatTime(now))
	if foreignKeyFailed(err) {
		return commands.NotFound("error.measure_unknown", commands.Data{"ID": ids[0]})
	}
	if err != nil {
		return fmt.Errorf("insert bot message: %w", err)
	}
	if _, err := tx.ExecContext(ctx, deleteMessageMeasuresSQL, channelID, ts); err != nil {
		return fmt.Errorf("delete message measures: %w", err)
	}
	if len(ids) == 1 {
		return nil
	}
	for i, id := range ids {
		_, err := tx.ExecContext(ctx, insertMessageMeasureSQL, channelID, ts, i, id)
		if foreignKeyFailed(err) {
			return commands.NotFound("error.measure_unknown", commands.Data{"ID": id})
		}
		if err != nil {
			return fmt.Errorf("insert message measure: %w", err)
		}
	}
	return nil
}

// The statements of a combined announcement's measures.
const (
	deleteMessageMeasuresSQL = "DELETE FROM message_measures WHERE channel_id = ? AND ts = ?"
	insertMessageMeasureSQL  = `INSERT INTO message_measures (channel_id, ts, position, measure_id)
	VALUES (?, ?, ?, ?)`
)

// MeasureForMessage returns the measure a bot message (a thread's parent ts)
// is about; ok is false if the bot did not record that message, or recorded
// it as about several measures (RecordMessageMeasures).
func (db *DB) MeasureForMessage(ctx context.Context, channelID, ts string) (measureID int64, ok bool, err error) {
	ids, err := db.MeasuresForMessage(ctx, channelID, ts)
	if err != nil || len(ids) != 1 {
		return 0, false, err
	}
	return ids[0], true, nil
}

// MeasuresForMessage returns the measures a bot message (a thread's parent
// ts) is about, in the order shown: none if the bot did not record that
// message, one for most messages, several for a combined announcement.
func (db *DB) MeasuresForMessage(ctx context.Context, channelID, ts string) ([]int64, error) {
	rows, err := db.rcache.QueryContext(ctx, `SELECT bm.measure_id, mm.measure_id FROM bot_messages bm
		LEFT JOIN message_measures mm ON mm.channel_id = bm.channel_id AND mm.ts = bm.ts
		WHERE bm.channel_id = ? AND bm.ts = ? ORDER BY mm.position`, channelID, ts)
	if err != nil {
		return nil, fmt.Errorf("select bot message: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		var several sql.NullInt64
		if err := rows.Scan(&id, &several); err != nil {
			return nil, fmt.Errorf("scan bot message: %w", err)
		}
		if several.Valid {
			id = several.Int64
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("select bot message: %w", err)
	}
	return ids, nil
}
