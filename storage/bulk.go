package storage

import (
	"context"

	"github.com/klimabot/klimabot/commands"
)

// AddEntries appends many progress entries in one transaction (bulk
// imports, building large test stores): all or none. Each entry's measure,
// and step if given, must exist; CreatedAt defaults to the store's clock.
func (db *DB) AddEntries(ctx context.Context, es []commands.Entry) error {
	now := db.Now()
	return db.write(ctx, func(tx querier) error {
		codes := map[int64]string{}
		for _, e := range es {
			code, ok := codes[e.MeasureID]
			if !ok {
				var err error
				if code, err = measureCode(ctx, tx, e.MeasureID); err != nil {
					return err
				}
				codes[e.MeasureID] = code
			}
			e.MeasureCode = code
			if e.CreatedAt.IsZero() {
				e.CreatedAt = now
			}
			if _, err := insertEntry(ctx, tx, e); err != nil {
				return err
			}
		}
		return nil
	})
}
