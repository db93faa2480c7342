package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/klimabot/klimabot/commands"
)

// CalendarDomain returns the right-hand side of the UIDs of this database's
// calendar events: random per database (migration 0006), so that the
// calendars of two towns never share a UID.
func (db *DB) CalendarDomain(ctx context.Context) (string, error) {
	var d string
	if err := db.rcache.QueryRowContext(ctx, `SELECT uid_domain FROM calendar_instance WHERE id = 1`).Scan(&d); err != nil {
		return "", fmt.Errorf("select calendar domain: %w", err)
	}
	return d, nil
}

// SaveCalendarLink returns the link of l's person and scope: the stored
// one when there is one (with its language updated to l.Lang), else l
// itself, stored with tokenHash as its lookup key. Asking twice therefore
// gives the same token, whichever fresh token the second caller offered.
func (db *DB) SaveCalendarLink(ctx context.Context, l commands.CalendarLink, tokenHash []byte) (commands.CalendarLink, error) {
	if l.UserID == "" || l.Token == "" || len(tokenHash) != 32 {
		return commands.CalendarLink{}, fmt.Errorf("save calendar link: user, token and a SHA-256 hash are required")
	}
	if l.CreatedAt.IsZero() {
		l.CreatedAt = db.Now()
	}
	var out commands.CalendarLink
	err := db.write(ctx, func(tx querier) error {
		var created sql.NullString
		var scope string
		err := tx.QueryRowContext(ctx, `INSERT INTO calendar_links
				(token_hash, token, user_id, channel_id, scope, measure_id, lang, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (user_id, scope, channel_id, measure_id) DO UPDATE SET lang = excluded.lang
			RETURNING token, user_id, scope, channel_id, measure_id, lang, created_at`,
			tokenHash, l.Token, l.UserID, l.ChannelID, string(l.Scope), l.MeasureID, l.Lang, formatTime(l.CreatedAt),
		).Scan(&out.Token, &out.UserID, &scope, &out.ChannelID, &out.MeasureID, &out.Lang, &created)
		if err != nil {
			return fmt.Errorf("save calendar link: %w", err)
		}
		out.Scope = commands.CalendarScope(scope)
		out.CreatedAt, err = parseTime(created)
		return err
	})
	if err != nil {
		return commands.CalendarLink{}, err
	}
	return out, nil
}

// CalendarLinkByHash returns the link whose token hashes to tokenHash;
// ok is false when there is none (never issued, or revoked).
func (db *DB) CalendarLinkByHash(ctx context.Context, tokenHash []byte) (l commands.CalendarLink, ok bool, err error) {
	var created sql.NullString
	var scope string
	err = db.rcache.QueryRowContext(ctx, `SELECT token, user_id, scope, channel_id, measure_id, lang, created_at
		FROM calendar_links WHERE token_hash = ?`, tokenHash).
		Scan(&l.Token, &l.UserID, &scope, &l.ChannelID, &l.MeasureID, &l.Lang, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return commands.CalendarLink{}, false, nil
	}
	if err != nil {
		return commands.CalendarLink{}, false, fmt.Errorf("select calendar link: %w", err)
	}
	l.Scope = commands.CalendarScope(scope)
	if l.CreatedAt, err = parseTime(created); err != nil {
		return commands.CalendarLink{}, false, fmt.Errorf("select calendar link: %w", err)
	}
	return l, true, nil
}

// RevokeCalendarLinks deletes every link of the user and returns how many
// there were.
func (db *DB) RevokeCalendarLinks(ctx context.Context, userID string) (int, error) {
	if userID == "" {
		return 0, fmt.Errorf("revoke calendar links: no user")
	}
	return db.revokeLinks(ctx, `DELETE FROM calendar_links WHERE user_id = ?`, userID)
}

// RevokeAllCalendarLinks deletes everyone's links and returns how many
// there were.
func (db *DB) RevokeAllCalendarLinks(ctx context.Context) (int, error) {
	return db.revokeLinks(ctx, `DELETE FROM calendar_links`)
}

func (db *DB) revokeLinks(ctx context.Context, query string, args ...any) (int, error) {
	var n int64
	err := db.write(ctx, func(tx querier) error {
		res, err := tx.ExecContext(ctx, query, args...)
		if err != nil {
			return fmt.Errorf("revoke calendar links: %w", err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}
