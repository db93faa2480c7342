package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// MoveChannel moves what the store keeps under a channel id to the
// channel's new id, in one transaction: Slack gives a private channel a
// new id (G… → C…) the moment a Slack Connect share starts
// (channel_id_changed). Settings and follows, sent reminders and the
// records of bot messages (so replies in old threads still find their
// measure) and the channel's calendar subscription links move. If the new id already has settings, they stay and the
// old ones are dropped; follows are merged. Progress entries keep the id
// they were written under: they are the append-only audit trail. Moving
// an id that has nothing is a no-op; moving to itself or to "" is refused.
func (db *DB) MoveChannel(ctx context.Context, oldID, newID string) error {
	if oldID == "" || newID == "" || oldID == newID {
		return fmt.Errorf("move channel %q to %q: two different ids are needed", oldID, newID)
	}
	return db.write(ctx, func(tx querier) error {
		var exists int
		err := tx.QueryRowContext(ctx, "SELECT 1 FROM channels WHERE id = ?", newID).Scan(&exists)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			if _, err := tx.ExecContext(ctx, `INSERT INTO channels (id, languages, time_zone, schedule, stale_days, follow_all, last_tick)
				SELECT ?, languages, time_zone, schedule, stale_days, follow_all, last_tick FROM channels WHERE id = ?`, newID, oldID); err != nil {
				return fmt.Errorf("copy channel settings: %w", err)
			}
		case err != nil:
			return fmt.Errorf("select channel %s: %w", newID, err)
		}
		steps := []struct{ what, sql string }{
			{"move follows", `INSERT OR IGNORE INTO channel_follows (channel_id, measure_id)
				SELECT ?, measure_id FROM channel_follows WHERE channel_id = ?`},
			{"move sent reminders", `UPDATE OR IGNORE sent_reminders SET channel_id = ? WHERE channel_id = ?`},
			// Bot messages are copied, not updated: message_items refers to
			// them without ON UPDATE CASCADE, so changing a recorded
			// message's key failed on its foreign key. Their rows come
			// along; deleting the old records below deletes the old rows.
			{"move bot messages", `INSERT OR IGNORE INTO bot_messages (channel_id, ts, measure_id, kind, created_at, lang)
				SELECT ?, ts, measure_id, kind, created_at, lang FROM bot_messages WHERE channel_id = ?`},
			{"move message rows", `INSERT OR IGNORE INTO message_items (channel_id, ts, position, item_key, due)
				SELECT ?, ts, position, item_key, due FROM message_items WHERE channel_id = ?`},
			{"move message measures", `INSERT OR IGNORE INTO message_measures (channel_id, ts, position, measure_id)
				SELECT ?, ts, position, measure_id FROM message_measures WHERE channel_id = ?`},
			// what was clicked on those messages stays with them
			{"move message actions", `UPDATE message_actions SET channel_id = ? WHERE channel_id = ?`},
			// a channel's calendar subscriptions keep working under the new id
			{"move calendar links", `UPDATE OR IGNORE calendar_links SET channel_id = ? WHERE channel_id = ?`},
		}
		for _, st := range steps {
			if _, err := tx.ExecContext(ctx, st.sql, newID, oldID); err != nil {
				return fmt.Errorf("%s: %w", st.what, err)
			}
		}
		// what the new id already had wins; the old rows left are duplicates
		for _, table := range []string{"sent_reminders", "bot_messages", "channel_follows", "calendar_links"} {
			if _, err := tx.ExecContext(ctx, "DELETE FROM "+table+" WHERE channel_id = ?", oldID); err != nil {
				return fmt.Errorf("delete old %s: %w", table, err)
			}
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM channels WHERE id = ?", oldID); err != nil {
			return fmt.Errorf("delete old channel: %w", err)
		}
		return nil
	})
}
