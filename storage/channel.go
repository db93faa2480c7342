package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/klimabot/klimabot/commands"
)

// Queries of Channel and User, which every command runs (prepared at Open).
const (
	channelSQL = `SELECT languages, time_zone, schedule, stale_days, follow_all, last_tick
		FROM channels WHERE id = ?`
	followsSQL = `SELECT m.code FROM channel_follows f JOIN measures m ON m.id = f.measure_id
		WHERE f.channel_id = ? ORDER BY m.code`
	userSQL = `SELECT name, language, locale, locale_at, team_id,
		inferred_lang, inferred_from, inferred_text, inferred_at FROM users WHERE id = ?`
)

// Channel returns a channel's settings with the codes of the measures it
// follows (in code order), or commands.DefaultChannel if it was never saved.
func (db *DB) Channel(ctx context.Context, id string) (commands.Channel, error) {
	c, err := cachedRead(ctx, db, db.cache.channels, id, channelTables, maxCachedChannels, func() (commands.Channel, error) {
		return db.channel(ctx, id)
	})
	return copyChannel(c), err // the cache keeps its own slices
}

// channel reads a channel's settings and follows from SQLite.
func (db *DB) channel(ctx context.Context, id string) (commands.Channel, error) {
	c := commands.Channel{ID: id}
	err := db.read(ctx, func(tx querier) error {
		var langs string
		var lastTick sql.NullString
		err := tx.QueryRowContext(ctx, channelSQL, id).Scan(&langs, &c.TimeZone, &c.Schedule, &c.StaleDays, &c.FollowAll, &lastTick)
		if errors.Is(err, sql.ErrNoRows) {
			c = commands.DefaultChannel(id, "")
			return nil
		}
		if err != nil {
			return fmt.Errorf("select channel: %w", err)
		}
		if langs != "" {
			c.Languages = strings.Split(langs, ",")
		}
		if c.LastTick, err = parseTime(lastTick); err != nil {
			return fmt.Errorf("select channel: %w", err)
		}
		rows, err := tx.QueryContext(ctx, followsSQL, id)
		if err != nil {
			return fmt.Errorf("select follows: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var code string
			if err := rows.Scan(&code); err != nil {
				return fmt.Errorf("scan follow: %w", err)
			}
			c.Follows = append(c.Follows, code)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("select follows: %w", err)
		}
		return nil
	})
	if err != nil {
		return commands.Channel{}, err
	}
	return c, nil
}

// SaveChannel writes all of a channel's settings and replaces the measures
// it follows, in one transaction. Follows are codes matched by code key; an
// unknown one is ENOTFOUND and nothing is written.
func (db *DB) SaveChannel(ctx context.Context, c commands.Channel) error {
	for _, l := range c.Languages {
		if l == "" || strings.Contains(l, ",") {
			return commands.Invalid("error.language_invalid", commands.Data{"Language": l})
		}
	}
	return db.write(ctx, func(tx querier) error { return writeChannel(ctx, tx, c) })
}

// writeChannel upserts a channel's settings and replaces its follows (codes
// matched by code key; an unknown one is ENOTFOUND) inside tx.
func writeChannel(ctx context.Context, tx querier, c commands.Channel) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO channels (id, languages, time_zone, schedule, stale_days, follow_all, last_tick)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET languages = excluded.languages, time_zone = excluded.time_zone,
			schedule = excluded.schedule, stale_days = excluded.stale_days, follow_all = excluded.follow_all,
			last_tick = excluded.last_tick`,
		c.ID, strings.Join(c.Languages, ","), c.TimeZone, c.Schedule, c.StaleDays, c.FollowAll, formatTime(c.LastTick))
	if err != nil {
		return fmt.Errorf("upsert channel %s: %w", c.ID, err)
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM channel_follows WHERE channel_id = ?", c.ID); err != nil {
		return fmt.Errorf("delete follows of %s: %w", c.ID, err)
	}
	for _, code := range c.Follows {
		var id int64
		err := tx.QueryRowContext(ctx, "SELECT id FROM measures WHERE code_key = ?", commands.CodeKey(code)).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return commands.NotFound("error.unknown_code", commands.Data{"Code": code})
		}
		if err != nil {
			return fmt.Errorf("select measure %s: %w", code, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO channel_follows (channel_id, measure_id)
			VALUES (?, ?)`, c.ID, id); err != nil {
			return fmt.Errorf("insert follow %s: %w", code, err)
		}
	}
	return nil
}

// User returns what is known of a user: a User with only ID if nothing.
func (db *DB) User(ctx context.Context, id string) (commands.User, error) {
	return cachedRead(ctx, db, db.cache.users, id, userTables, maxCachedUsers, func() (commands.User, error) {
		return db.user(ctx, id)
	})
}

// user reads a user's record from SQLite.
func (db *DB) user(ctx context.Context, id string) (commands.User, error) {
	u := commands.User{ID: id}
	var localeAt, inferredAt sql.NullString
	var from string
	err := db.rcache.QueryRowContext(ctx, userSQL, id).
		Scan(&u.Name, &u.Language, &u.Locale, &localeAt, &u.Team,
			&u.Inferred.Lang, &from, &u.Inferred.Text, &inferredAt)
	if errors.Is(err, sql.ErrNoRows) {
		return u, nil
	}
	if err != nil {
		return commands.User{}, fmt.Errorf("select user: %w", err)
	}
	u.Inferred.From = commands.InferSource(from)
	if u.LocaleAt, err = parseTime(localeAt); err != nil {
		return commands.User{}, fmt.Errorf("select user: %w", err)
	}
	if u.Inferred.At, err = parseTime(inferredAt); err != nil {
		return commands.User{}, fmt.Errorf("select user: %w", err)
	}
	return u, nil
}

// SaveUser writes a user's name, language choice, cached locale and team.
// The inferred language is SetInferredLanguage's and stays as it is.
func (db *DB) SaveUser(ctx context.Context, u commands.User) error {
	return db.write(ctx, func(tx querier) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO users (id, name, language, locale, locale_at, team_id) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET name = excluded.name, language = excluded.language,
				locale = excluded.locale, locale_at = excluded.locale_at, team_id = excluded.team_id`,
			u.ID, u.Name, u.Language, u.Locale, formatTime(u.LocaleAt), u.Team)
		if err != nil {
			return fmt.Errorf("upsert user: %w", err)
		}
		return nil
	})
}
