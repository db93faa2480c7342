package storage

import (
	"context"
	"fmt"

	"github.com/klimabot/klimabot/commands"
)

// SetInferredLanguage stores the language inferred for a user from what
// they wrote, creating the user's record if needed and leaving its name,
// explicit choice, locale and team as they are.
func (db *DB) SetInferredLanguage(ctx context.Context, userID string, inf commands.Inference) error {
	if userID == "" {
		return fmt.Errorf("set inferred language: no user id")
	}
	return db.write(ctx, func(tx querier) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO users (id, inferred_lang, inferred_from, inferred_text, inferred_at)
			VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET inferred_lang = excluded.inferred_lang, inferred_from = excluded.inferred_from,
				inferred_text = excluded.inferred_text, inferred_at = excluded.inferred_at`,
			userID, inf.Lang, string(inf.From), inf.Text, formatTime(inf.At))
		if err != nil {
			return fmt.Errorf("upsert inferred language: %w", err)
		}
		return nil
	})
}
