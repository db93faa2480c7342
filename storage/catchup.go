package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/klimabot/klimabot/commands"
)

// ClaimCatchUp records the rows of a catch-up message about to be posted,
// like ClaimReminder, and marks the claim as the measure's catch-up in the
// channel, in one transaction.
func (db *DB) ClaimCatchUp(ctx context.Context, c commands.Claim) error {
	if c.ID == "" || len(c.Rows) == 0 {
		return fmt.Errorf("claim catch-up: empty claim")
	}
	at := c.ClaimedAt
	if at.IsZero() {
		at = db.Now()
	}
	return db.write(ctx, func(tx querier) error {
		if err := claimTx(ctx, tx, c, at); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO catchups (claim, channel_id, measure_id) VALUES (?, ?, ?)`,
			c.ID, c.ChannelID, c.MeasureID); err != nil {
			return fmt.Errorf("insert catch-up: %w", err)
		}
		return nil
	})
}

// CatchUpPosted reports whether a measure's catch-up message went out (or
// is claimed) in a channel: a catch-up whose claim still has rows.
func (db *DB) CatchUpPosted(ctx context.Context, channelID string, measureID int64) (bool, error) {
	var one int
	err := db.reader.QueryRowContext(ctx, `SELECT 1 FROM catchups c WHERE c.channel_id = ? AND c.measure_id = ?
		AND EXISTS (SELECT 1 FROM sent_reminders s WHERE s.claim = c.claim) LIMIT 1`, channelID, measureID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("select catch-up: %w", err)
	}
	return true, nil
}

// markCatchUp gives a reminder message the kind MessageCatchUp when its
// claim is a catch-up.
func markCatchUp(ctx context.Context, tx querier, m *commands.BotMessage, claim string) error {
	if claim == "" {
		return nil
	}
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM catchups WHERE claim = ?`, claim).Scan(&one)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return fmt.Errorf("select catch-up: %w", err)
	}
	m.Kind = commands.MessageCatchUp
	return nil
}
