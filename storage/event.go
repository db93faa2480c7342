package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
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

// RecordBotMessage remembers that the bot posted message ts in a channel
// about a measure (kind: "reminder", "announce", "nudge", ...), so that a
// reply in its thread finds the measure. Recording the same message again
// replaces the earlier record.
func (db *DB) RecordBotMessage(ctx context.Context, channelID, ts string, measureID int64, kind string) error {
	return db.write(ctx, func(tx querier) error {
		if _, err := measureCode(ctx, tx, measureID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO bot_messages (channel_id, ts, measure_id, kind, created_at)
			VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (channel_id, ts) DO UPDATE SET measure_id = excluded.measure_id, kind = excluded.kind`,
			channelID, ts, measureID, kind, formatTime(db.Now()))
		if err != nil {
			return fmt.Errorf("insert bot message: %w", err)
		}
		return nil
	})
}

// MeasureForMessage returns the measure a bot message (a thread's parent ts)
// is about; ok is false if the bot did not record that message.
func (db *DB) MeasureForMessage(ctx context.Context, channelID, ts string) (measureID int64, ok bool, err error) {
	err = db.rcache.QueryRowContext(ctx, "SELECT measure_id FROM bot_messages WHERE channel_id = ? AND ts = ?",
		channelID, ts).Scan(&measureID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("select bot message: %w", err)
	}
	return measureID, true, nil
}
