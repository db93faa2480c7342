package storage

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/klimabot/klimabot/commands"
	"github.com/klimabot/klimabot/commands/translate"
)

var _ commands.Dumper = (*DB)(nil)

// Dump reads the measures with the given codes (matched by code key; none:
// all measures, in code order) with their sections, steps, explicit
// deadlines and progress entries, and all channels and users, from one
// snapshot. With codes, a channel's follows are narrowed to the measures in
// the dump, so that the dump restores on its own. An unknown code is
// ENOTFOUND.
func (db *DB) Dump(ctx context.Context, codes []string) (commands.Dump, error) {
	d := commands.Dump{Format: commands.DumpFormat, Version: commands.DumpVersion, ExportedAt: db.Now()}
	err := db.read(ctx, func(tx querier) error {
		keys, err := dumpKeys(ctx, tx, codes)
		if err != nil {
			return err
		}
		included := map[string]bool{}
		for _, key := range keys {
			m, err := measureByKey(ctx, tx, key)
			if err != nil {
				return err
			}
			if m.Translated, err = dumpHumanTexts(ctx, tx, m); err != nil {
				return err
			}
			dm := commands.DumpMeasure{Measure: *m}
			if dm.Deadlines, err = dumpDeadlines(ctx, tx, m); err != nil {
				return err
			}
			if dm.Entries, err = dumpEntries(ctx, tx, m); err != nil {
				return err
			}
			included[m.Code] = true
			d.Measures = append(d.Measures, dm)
		}
		if d.Channels, err = dumpChannels(ctx, tx, included, len(codes) > 0); err != nil {
			return err
		}
		d.Users, err = dumpUsers(ctx, tx)
		return err
	})
	if err != nil {
		return commands.Dump{}, err
	}
	return d, nil
}

// dumpKeys returns the code keys of the measures to dump, in code order for
// all of them, else in the order asked (each once).
func dumpKeys(ctx context.Context, tx querier, codes []string) ([]string, error) {
	var keys []string
	if len(codes) == 0 {
		rows, err := tx.QueryContext(ctx, "SELECT code_key FROM measures ORDER BY code, id")
		if err != nil {
			return nil, fmt.Errorf("select measures: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				return nil, fmt.Errorf("scan measure: %w", err)
			}
			keys = append(keys, k)
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("select measures: %w", err)
		}
		return keys, nil
	}
	seen := map[string]bool{}
	for _, c := range codes {
		key := commands.CodeKey(c)
		var exists bool
		if err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM measures WHERE code_key = ?)", key).Scan(&exists); err != nil {
			return nil, fmt.Errorf("select measure %s: %w", c, err)
		}
		if !exists {
			return nil, commands.NotFound("error.unknown_code", commands.Data{"Code": c})
		}
		if !seen[key] {
			seen[key] = true
			keys = append(keys, key)
		}
	}
	return keys, nil
}

// dumpDeadlines reads a measure's explicit deadlines in every state, by id.
func dumpDeadlines(ctx context.Context, tx querier, m *commands.Measure) ([]commands.DumpDeadline, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, coalesce(step, 0), due, text, state, original_due,
		created_by_id, created_by_name, created_at, done_by_id, done_by_name, done_at
		FROM deadlines WHERE measure_id = ? ORDER BY id`, m.ID)
	if err != nil {
		return nil, fmt.Errorf("select deadlines: %w", err)
	}
	defer rows.Close()
	var out []commands.DumpDeadline
	for rows.Next() {
		var (
			d                          commands.DumpDeadline
			due, orig, created, doneAt sql.NullString
			state                      string
		)
		if err := rows.Scan(&d.ID, &d.Step, &due, &d.Text, &state, &orig, &d.CreatedBy.ID, &d.CreatedBy.Name,
			&created, &d.DoneBy.ID, &d.DoneBy.Name, &doneAt); err != nil {
			return nil, fmt.Errorf("scan deadline: %w", err)
		}
		d.MeasureID, d.MeasureCode, d.State = m.ID, m.Code, commands.DeadlineState(state)
		if d.Due, err = parseDate(due); err != nil {
			return nil, fmt.Errorf("scan deadline: %w", err)
		}
		if d.OriginalDue, err = parseDate(orig); err != nil {
			return nil, fmt.Errorf("scan deadline: %w", err)
		}
		if d.CreatedAt, err = parseTime(created); err != nil {
			return nil, fmt.Errorf("scan deadline: %w", err)
		}
		if d.DoneAt, err = parseTime(doneAt); err != nil {
			return nil, fmt.Errorf("scan deadline: %w", err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("select deadlines: %w", err)
	}
	return out, nil
}

// dumpEntries reads a measure's progress entries, oldest first.
func dumpEntries(ctx context.Context, tx querier, m *commands.Measure) ([]commands.Entry, error) {
	rows, err := tx.QueryContext(ctx, entriesSQL+` ORDER BY e.created_at, e.id`, m.ID)
	if err != nil {
		return nil, fmt.Errorf("select entries: %w", err)
	}
	return scanEntries(rows)
}

// dumpChannels reads every saved channel with its follows; when narrow, only
// follows of included codes are kept.
func dumpChannels(ctx context.Context, tx querier, included map[string]bool, narrow bool) ([]commands.Channel, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, languages, time_zone, schedule, stale_days, follow_all, last_tick
		FROM channels ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("select channels: %w", err)
	}
	var out []commands.Channel
	for rows.Next() {
		var c commands.Channel
		var langs string
		var lastTick sql.NullString
		if err := rows.Scan(&c.ID, &langs, &c.TimeZone, &c.Schedule, &c.StaleDays, &c.FollowAll, &lastTick); err != nil {
			rows.Close()
			return nil, fmt.Errorf("scan channel: %w", err)
		}
		if langs != "" {
			c.Languages = strings.Split(langs, ",")
		}
		if c.LastTick, err = parseTime(lastTick); err != nil {
			rows.Close()
			return nil, fmt.Errorf("scan channel: %w", err)
		}
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("select channels: %w", err)
	}
	for i := range out {
		frows, err := tx.QueryContext(ctx, `SELECT m.code FROM channel_follows f JOIN measures m ON m.id = f.measure_id
			WHERE f.channel_id = ? ORDER BY m.code`, out[i].ID)
		if err != nil {
			return nil, fmt.Errorf("select follows: %w", err)
		}
		for frows.Next() {
			var code string
			if err := frows.Scan(&code); err != nil {
				frows.Close()
				return nil, fmt.Errorf("scan follow: %w", err)
			}
			if !narrow || included[code] {
				out[i].Follows = append(out[i].Follows, code)
			}
		}
		frows.Close()
		if err := frows.Err(); err != nil {
			return nil, fmt.Errorf("select follows: %w", err)
		}
	}
	return out, nil
}

// dumpUsers reads every user the bot knows.
func dumpUsers(ctx context.Context, tx querier) ([]commands.User, error) {
	rows, err := tx.QueryContext(ctx, "SELECT id, name, language, locale, locale_at FROM users ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("select users: %w", err)
	}
	defer rows.Close()
	var out []commands.User
	for rows.Next() {
		var u commands.User
		var localeAt sql.NullString
		if err := rows.Scan(&u.ID, &u.Name, &u.Language, &u.Locale, &localeAt); err != nil {
			return nil, fmt.Errorf("scan user: %w", err)
		}
		if u.LocaleAt, err = parseTime(localeAt); err != nil {
			return nil, fmt.Errorf("scan user: %w", err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("select users: %w", err)
	}
	return out, nil
}

// Restore writes a Dump into a store that holds no measures yet, in one
// transaction: measures with their sections and steps (done states
// included), explicit deadlines in every state, progress entries, channels
// with their follows, and users. Ids in the dump are kept, so entries and
// deadlines stay with their measures and explicit deadlines keep their
// reminder keys; channels and users already in the store are overwritten by
// the dump's.
//
// A store that already holds measures is refused with ECONFLICT: a dump is a
// whole state, and merging it into another would mix two audit trails (to
// update sheet fields only, import the sheets instead). A dump of a newer
// version, a foreign format or invalid content is EINVALID, and nothing is
// written.
func (db *DB) Restore(ctx context.Context, d commands.Dump) error {
	if d.Format != commands.DumpFormat {
		return commands.Invalid("error.restore_format", commands.Data{"Format": d.Format})
	}
	if d.Version < 1 || d.Version > commands.DumpVersion {
		return commands.Invalid("error.restore_version", commands.Data{"Version": d.Version, "Max": commands.DumpVersion})
	}
	const source = "JSON"
	ms := make([]commands.Measure, len(d.Measures))
	for i, m := range d.Measures {
		ms[i] = m.Measure
	}
	if err := validateMeasures(source, ms); err != nil {
		return err
	}
	for _, m := range d.Measures {
		steps := map[int]bool{}
		for _, s := range m.Steps {
			steps[s.Number] = true
		}
		for _, dl := range m.Deadlines {
			if dl.Due.IsZero() || !commands.ValidDate(dl.Due.Year, dl.Due.Month, dl.Due.Day) {
				return commands.Invalid("error.deadline_due_invalid", commands.Data{"Due": dl.Due.String()})
			}
			switch dl.State {
			case commands.DeadlineOpen, commands.DeadlineDone, commands.DeadlinePostponed:
			default:
				return commands.Invalid("error.deadline_state_invalid", commands.Data{"State": string(dl.State)})
			}
			if dl.Step != 0 && !steps[dl.Step] {
				return commands.NotFound("error.step_unknown", commands.Data{"Step": dl.Step, "Code": m.Code, "Max": len(m.Steps)})
			}
		}
	}
	now := db.Now()
	return db.write(ctx, func(tx querier) error {
		var hasMeasures bool
		if err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM measures)").Scan(&hasMeasures); err != nil {
			return fmt.Errorf("count measures: %w", err)
		}
		if hasMeasures {
			return commands.Errorf(commands.ECONFLICT, "error.restore_not_empty", nil)
		}
		for i := range d.Measures {
			if err := restoreMeasure(ctx, tx, &d.Measures[i], d.ExportedAt, now); err != nil {
				return fmt.Errorf("restore %s: %w", d.Measures[i].Code, err)
			}
		}
		for _, c := range d.Channels {
			if err := restoreChannel(ctx, tx, c); err != nil {
				return err
			}
		}
		for _, u := range d.Users {
			_, err := tx.ExecContext(ctx, `INSERT INTO users (id, name, language, locale, locale_at) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (id) DO UPDATE SET name = excluded.name, language = excluded.language,
					locale = excluded.locale, locale_at = excluded.locale_at`,
				u.ID, u.Name, u.Language, u.Locale, formatTime(u.LocaleAt))
			if err != nil {
				return fmt.Errorf("restore user %s: %w", u.ID, err)
			}
		}
		return nil
	})
}

// validateMeasures checks what Import and Restore refuse alike: invalid or
// duplicate codes, bad step numbers and impossible planned periods.
func validateMeasures(source string, measures []commands.Measure) error {
	seen := map[string]string{}
	for i := range measures {
		m := &measures[i]
		if !commands.ValidCode(m.Code) {
			return commands.Invalid("error.import_code_invalid", commands.Data{"Code": m.Code, "Source": source})
		}
		key := commands.CodeKey(m.Code)
		if first, dup := seen[key]; dup {
			return commands.Invalid("error.import_code_duplicate", commands.Data{"Code": m.Code, "Other": first, "Source": source})
		}
		seen[key] = m.Code
		numbers := map[int]bool{}
		for _, s := range m.Steps {
			badPlan := s.PlannedYear < 0 || s.PlannedYear > 9999 ||
				!s.PlannedDate.IsZero() && !commands.ValidDate(s.PlannedDate.Year, s.PlannedDate.Month, s.PlannedDate.Day)
			if s.Number <= 0 || numbers[s.Number] || badPlan {
				return commands.Invalid("error.import_step_invalid", commands.Data{"Code": m.Code, "Step": s.Number, "Source": source})
			}
			numbers[s.Number] = true
		}
	}
	return nil
}

// nullID returns id, or nil (NULL: the database picks one) for 0.
func nullID(id int64) any {
	if id <= 0 {
		return nil
	}
	return id
}

// restoreMeasure writes one measure of a dump with everything tied to it.
func restoreMeasure(ctx context.Context, tx querier, dm *commands.DumpMeasure, exported, now time.Time) error {
	m := &dm.Measure
	updated := m.UpdatedAt
	if updated.IsZero() {
		updated = exported
	}
	if updated.IsZero() {
		updated = now
	}
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO measures (id, code_key, `+measureColumns+`,
		search, source, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		nullID(m.ID), commands.CodeKey(m.Code), m.Code, m.Title, m.Responsible, m.TargetGroup, m.Objective,
		m.Description, m.Status, m.CostsPlanned, m.CostsActual, m.RunningCosts, m.Funding, m.Staff, m.Partnership,
		searchText(m), m.Source, formatTime(updated), formatTime(updated)).Scan(&id)
	if err != nil {
		return fmt.Errorf("insert measure: %w", err)
	}
	if err := insertSections(ctx, tx, id, m.Sections); err != nil {
		return err
	}
	for _, s := range m.Steps {
		var doneAt any
		if s.Done {
			at := s.DoneAt
			if at.IsZero() {
				at = updated
			}
			doneAt = formatTime(at)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO steps (measure_id, number, text, planned_year, planned_date,
			done_at, done_by_id, done_by_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			id, s.Number, s.Text, nullInt(s.PlannedYear), formatDate(s.PlannedDate), doneAt, s.DoneBy.ID, s.DoneBy.Name)
		if err != nil {
			return fmt.Errorf("insert step %d: %w", s.Number, err)
		}
	}
	for _, d := range dm.Deadlines {
		orig := d.OriginalDue
		if orig.IsZero() {
			orig = d.Due
		}
		created := d.CreatedAt
		if created.IsZero() {
			created = updated
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO deadlines (id, measure_id, step, due, text, state, original_due,
			created_by_id, created_by_name, created_at, done_by_id, done_by_name, done_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			nullID(d.ID), id, nullInt(d.Step), d.Due.String(), d.Text, string(d.State), orig.String(),
			d.CreatedBy.ID, d.CreatedBy.Name, formatTime(created), d.DoneBy.ID, d.DoneBy.Name, formatTime(d.DoneAt))
		if err != nil {
			return fmt.Errorf("insert deadline %d: %w", d.ID, err)
		}
	}
	for _, e := range dm.Entries {
		created := e.CreatedAt
		if created.IsZero() {
			created = updated
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO entries (id, measure_id, step, author_id, author_name, text,
			source, channel_id, created_at, submitter_id, submitter_name, addition, message_ts)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			nullID(e.ID), id, nullInt(e.Step), e.Author.ID, e.Author.Name, e.Text, string(e.Source), e.ChannelID,
			formatTime(created), e.Submitter.ID, e.Submitter.Name, e.Addition, e.MessageTS)
		if err != nil {
			return fmt.Errorf("insert entry %d: %w", e.ID, err)
		}
	}
	return nil
}

// restoreChannel writes a channel's settings and follows (codes of the
// restored measures; an unknown one is ENOTFOUND).
func restoreChannel(ctx context.Context, tx querier, c commands.Channel) error {
	if c.TimeZone == "" {
		c.TimeZone = commands.DefaultTimeZone
	}
	if c.Schedule == "" {
		c.Schedule = commands.DefaultSchedule
	}
	return writeChannel(ctx, tx, c)
}

// dumpHumanTexts returns the translations people gave for m's title, steps
// and status text (provider human), by language, so that a JSON export
// carries them like the CSV columns they came from. Machine translations
// are not exported: they are fetched again.
func dumpHumanTexts(ctx context.Context, tx querier, m *commands.Measure) (map[string]commands.MeasureTexts, error) {
	byFP := map[string][]func(mt *commands.MeasureTexts, text string){}
	add := func(text string, set func(mt *commands.MeasureTexts, text string)) {
		if strings.TrimSpace(text) != "" {
			fp := translate.Fingerprint(text)
			byFP[fp] = append(byFP[fp], set)
		}
	}
	add(m.Title, func(mt *commands.MeasureTexts, t string) { mt.Title = t })
	add(m.Status, func(mt *commands.MeasureTexts, t string) { mt.Status = t })
	for i, st := range m.Steps {
		add(st.Text, func(mt *commands.MeasureTexts, t string) {
			for len(mt.Steps) <= i {
				mt.Steps = append(mt.Steps, "")
			}
			mt.Steps[i] = t
		})
	}
	if len(byFP) == 0 {
		return nil, nil
	}
	fps := slices.Sorted(maps.Keys(byFP))
	args := []any{translate.Human}
	for _, fp := range fps {
		args = append(args, fp)
	}
	rows, err := tx.QueryContext(ctx, `SELECT fingerprint, target, text FROM translations
		WHERE provider = ? AND fingerprint IN (?`+strings.Repeat(",?", len(fps)-1)+`) ORDER BY target, fingerprint`, args...)
	if err != nil {
		return nil, fmt.Errorf("dump translations of %s: %w", m.Code, err)
	}
	defer rows.Close()
	var out map[string]commands.MeasureTexts
	for rows.Next() {
		var fp, target, text string
		if err := rows.Scan(&fp, &target, &text); err != nil {
			return nil, fmt.Errorf("dump translations of %s: %w", m.Code, err)
		}
		if out == nil {
			out = map[string]commands.MeasureTexts{}
		}
		mt := out[target]
		for _, set := range byFP[fp] {
			set(&mt, text)
		}
		out[target] = mt
	}
	return out, rows.Err()
}
