package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/klimabot/klimabot/commands/translate"
)

var (
	_ translate.Store  = (*DB)(nil)
	_ translate.Lister = (*DB)(nil)
)

// hasTranslationsSQL tells whether any translation into a language is
// stored by a provider or by people.
const hasTranslationsSQL = `SELECT EXISTS (SELECT 1 FROM translations WHERE target = ? AND provider IN (?, ?))`

// HasTranslations reports whether any translation into target by provider
// or by people (translate.Human) is stored. The answer is kept in the read
// cache until a translation is written (readcache.go), so a bot without
// translations asks SQLite once.
func (db *DB) HasTranslations(ctx context.Context, target, provider string) (bool, error) {
	return cachedRead(ctx, db, db.cache.translated, target+" "+provider, translationTables, 64, func() (bool, error) {
		var has bool
		err := db.read(ctx, func(q querier) error {
			return q.QueryRowContext(ctx, hasTranslationsSQL, target, provider, translate.Human).Scan(&has)
		})
		if err != nil {
			return false, fmt.Errorf("select translations: %w", err)
		}
		return has, nil
	})
}

// Translations returns the stored translations into target of the given
// fingerprints by provider or by people (translate.Human, which wins).
func (db *DB) Translations(ctx context.Context, fps []string, target, provider string) (map[string]translate.Stored, error) {
	out := map[string]translate.Stored{}
	// in the command's snapshot when there is one (status reads its
	// translations there): a second pool connection per command could
	// leave every reader waiting for another
	err := db.read(ctx, func(q querier) error { return translationsIn(ctx, q, out, fps, target, provider) })
	if err != nil {
		return nil, err
	}
	return out, nil
}

func translationsIn(ctx context.Context, q querier, out map[string]translate.Stored, fps []string, target, provider string) error {
	for len(fps) > 0 {
		n := min(len(fps), 400)
		chunk := fps[:n]
		fps = fps[n:]
		// the list is padded to one of a few lengths (repeating the last
		// fingerprint), so that a handful of prepared statements serve all
		size := 4
		for size < len(chunk) {
			size *= 4
		}
		size = min(size, 400)
		args := make([]any, 0, size+3)
		args = append(args, target, provider, translate.Human)
		for i := range size {
			args = append(args, chunk[min(i, len(chunk)-1)])
		}
		rows, err := q.QueryContext(ctx, `SELECT fingerprint, source, provider, text, created_at
			FROM translations WHERE target = ? AND provider IN (?, ?)
			AND fingerprint IN (?`+strings.Repeat(",?", size-1)+`)`, args...)
		if err != nil {
			return fmt.Errorf("select translations: %w", err)
		}
		for rows.Next() {
			st := translate.Stored{Target: target}
			var at sql.NullString
			if err := rows.Scan(&st.Fingerprint, &st.Source, &st.Provider, &st.Text, &at); err != nil {
				rows.Close()
				return fmt.Errorf("scan translation: %w", err)
			}
			if st.At, err = parseTime(at); err != nil {
				rows.Close()
				return err
			}
			if old, ok := out[st.Fingerprint]; ok && old.Human() {
				continue
			}
			out[st.Fingerprint] = st
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return fmt.Errorf("select translations: %w", err)
		}
	}
	return nil
}

// SaveTranslations stores translations; one already stored for the same
// fingerprint, target and provider is kept (machine) or replaced (human: a
// re-import brings the people's newest wording).
func (db *DB) SaveTranslations(ctx context.Context, ts []translate.Stored) error {
	return db.write(ctx, func(tx querier) error {
		for _, t := range ts {
			verb := "INSERT OR IGNORE"
			if t.Human() {
				verb = "INSERT OR REPLACE"
			}
			at := t.At
			if at.IsZero() {
				at = db.Now()
			}
			if _, err := tx.ExecContext(ctx, verb+` INTO translations (fingerprint, target, provider, source, text, created_at)
				VALUES (?, ?, ?, ?, ?, ?)`, t.Fingerprint, t.Target, t.Provider, t.Source, t.Text, formatTime(at)); err != nil {
				return fmt.Errorf("insert translation: %w", err)
			}
		}
		return nil
	})
}

// Enqueue adds translation jobs; one of the same fingerprint, target and
// notify already queued stays as it is.
func (db *DB) Enqueue(ctx context.Context, jobs []translate.Job) error {
	now := db.Now()
	return db.write(ctx, func(tx querier) error {
		for _, j := range jobs {
			next := j.NextAt
			if next.IsZero() {
				next = now
			}
			if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO translation_jobs
				(fingerprint, text, source, target, notify, attempts, next_at, created_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?)`,
				j.Fingerprint, j.Text, j.Source, j.Target, j.Notify, formatTime(next), formatTime(now)); err != nil {
				return fmt.Errorf("queue translation: %w", err)
			}
		}
		return nil
	})
}

// DueJobs returns up to limit jobs due at now, oldest first.
func (db *DB) DueJobs(ctx context.Context, now time.Time, limit int) ([]translate.Job, error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT id, fingerprint, text, source, target, notify, attempts, next_at
		FROM translation_jobs WHERE next_at <= ? ORDER BY next_at, id LIMIT ?`, formatTime(now), limit)
	if err != nil {
		return nil, fmt.Errorf("select translation jobs: %w", err)
	}
	defer rows.Close()
	var out []translate.Job
	for rows.Next() {
		var j translate.Job
		var next sql.NullString
		if err := rows.Scan(&j.ID, &j.Fingerprint, &j.Text, &j.Source, &j.Target, &j.Notify, &j.Attempts, &next); err != nil {
			return nil, fmt.Errorf("scan translation job: %w", err)
		}
		if j.NextAt, err = parseTime(next); err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("select translation jobs: %w", err)
	}
	return out, nil
}

// Reschedule sets the attempts and next time of jobs.
func (db *DB) Reschedule(ctx context.Context, ids []int64, attempts int, next time.Time) error {
	return db.write(ctx, func(tx querier) error {
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `UPDATE translation_jobs SET attempts = ?, next_at = ? WHERE id = ?`,
				attempts, formatTime(next), id); err != nil {
				return fmt.Errorf("reschedule translation: %w", err)
			}
		}
		return nil
	})
}

// DeleteJobs removes done jobs.
func (db *DB) DeleteJobs(ctx context.Context, ids []int64) error {
	return db.write(ctx, func(tx querier) error {
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `DELETE FROM translation_jobs WHERE id = ?`, id); err != nil {
				return fmt.Errorf("delete translation job: %w", err)
			}
		}
		return nil
	})
}

// AddUsage adds chars to the day's count of provider and returns the total.
func (db *DB) AddUsage(ctx context.Context, day, provider string, chars int) (int, error) {
	var total int
	err := db.write(ctx, func(tx querier) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO translation_usage (day, provider, chars) VALUES (?, ?, ?)
			ON CONFLICT (day, provider) DO UPDATE SET chars = chars + excluded.chars`, day, provider, chars); err != nil {
			return fmt.Errorf("count translation usage: %w", err)
		}
		return tx.QueryRowContext(ctx, `SELECT chars FROM translation_usage WHERE day = ? AND provider = ?`, day, provider).Scan(&total)
	})
	return total, err
}

// Usage returns the characters sent to provider on day.
func (db *DB) Usage(ctx context.Context, day, provider string) (int, error) {
	var n int
	err := db.reader.QueryRowContext(ctx, `SELECT chars FROM translation_usage WHERE day = ? AND provider = ?`, day, provider).Scan(&n)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read translation usage: %w", err)
	}
	return n, nil
}

// SaveTranslationPost keeps a bot message that waits for a translation:
// its fallback text and its blocks as JSON.
func (db *DB) SaveTranslationPost(ctx context.Context, channelID, ts, text, blocks string) error {
	return db.write(ctx, func(tx querier) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO translation_posts (channel_id, ts, text, blocks, created_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (channel_id, ts) DO UPDATE SET text = excluded.text, blocks = excluded.blocks`,
			channelID, ts, text, blocks, formatTime(db.Now()))
		if err != nil {
			return fmt.Errorf("save translation post: %w", err)
		}
		return nil
	})
}

// TranslationPost returns a message kept by SaveTranslationPost; ok false
// if there is none.
func (db *DB) TranslationPost(ctx context.Context, channelID, ts string) (text, blocks string, ok bool, err error) {
	err = db.reader.QueryRowContext(ctx, `SELECT text, blocks FROM translation_posts WHERE channel_id = ? AND ts = ?`,
		channelID, ts).Scan(&text, &blocks)
	if err == sql.ErrNoRows {
		return "", "", false, nil
	}
	if err != nil {
		return "", "", false, fmt.Errorf("read translation post: %w", err)
	}
	return text, blocks, true, nil
}
