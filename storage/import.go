package storage

import (
	"context"
	"fmt"
	"slices"

	"github.com/klimabot/klimabot/commands"
)

// Import writes the measures read from one source file in one transaction.
//
// A measure whose code key is new is created. An existing one gets its sheet
// fields, its sections (replaced as a whole), its step texts and its planned
// periods from the file; progress entries, done states and deadlines are
// never touched. New steps (all steps of a new measure) are written done
// when the file marks them done, as klimabot's own sheet export does. A step missing from the file is removed unless it is done
// or a deadline is tied to it. A measure whose sheet is unchanged is
// reported Same and not written at all (its updated_at and source stay), so
// importing a file twice is a no-op.
//
// Two measures with the same code key, an invalid code, a duplicate or
// non-positive step number or an impossible planned period reject the whole slice with EINVALID and nothing
// written.
func (db *DB) Import(ctx context.Context, source string, measures []commands.Measure) (commands.ImportResult, error) {
	var res commands.ImportResult
	seen := map[string]string{}
	for i := range measures {
		m := &measures[i]
		if !commands.ValidCode(m.Code) {
			return res, commands.Invalid("error.import_code_invalid", commands.Data{"Code": m.Code, "Source": source})
		}
		key := commands.CodeKey(m.Code)
		if first, dup := seen[key]; dup {
			return res, commands.Invalid("error.import_code_duplicate", commands.Data{"Code": m.Code, "Other": first, "Source": source})
		}
		seen[key] = m.Code
		numbers := map[int]bool{}
		for _, s := range m.Steps {
			badPlan := s.PlannedYear < 0 || s.PlannedYear > 9999 ||
				!s.PlannedDate.IsZero() && !commands.ValidDate(s.PlannedDate.Year, s.PlannedDate.Month, s.PlannedDate.Day)
			if s.Number <= 0 || numbers[s.Number] || badPlan {
				return res, commands.Invalid("error.import_step_invalid", commands.Data{"Code": m.Code, "Step": s.Number, "Source": source})
			}
			numbers[s.Number] = true
		}
	}
	now := formatTime(db.Now())
	err := db.write(ctx, func(tx querier) error {
		res = commands.ImportResult{}
		for i := range measures {
			m := &measures[i]
			created, changed, err := importMeasure(ctx, tx, source, now, m)
			if err != nil {
				return fmt.Errorf("import %s: %w", m.Code, err)
			}
			switch {
			case created:
				res.Created = append(res.Created, m.Code)
			case changed:
				res.Updated = append(res.Updated, m.Code)
			default:
				res.Same = append(res.Same, m.Code)
			}
		}
		return nil
	})
	if err != nil {
		return commands.ImportResult{}, err
	}
	return res, nil
}

// importMeasure writes one measure of an import inside tx.
func importMeasure(ctx context.Context, tx querier, source string, now any, m *commands.Measure) (created, changed bool, err error) {
	key := commands.CodeKey(m.Code)
	fields := []any{m.Code, m.Title, m.Responsible, m.TargetGroup, m.Objective, m.Description, m.Status,
		m.CostsPlanned, m.CostsActual, m.RunningCosts, m.Funding, m.Staff, m.Partnership}

	old, err := measureByKey(ctx, tx, key)
	if err != nil {
		return false, false, err
	}
	if old == nil {
		var id int64
		args := append([]any{key}, fields...)
		args = append(args, searchText(m), source, now, now)
		err := tx.QueryRowContext(ctx, `INSERT INTO measures (code_key, `+measureColumns+`,
			search, source, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, args...).Scan(&id)
		if err != nil {
			return false, false, fmt.Errorf("insert measure: %w", err)
		}
		if err := insertSections(ctx, tx, id, m.Sections); err != nil {
			return false, false, err
		}
		for _, s := range m.Steps {
			if err := insertStep(ctx, tx, id, s); err != nil {
				return false, false, err
			}
		}
		return true, false, nil
	}

	// Steps first: whether the measure changed depends on them too.
	stepsChanged, err := importSteps(ctx, tx, old, m.Steps)
	if err != nil {
		return false, false, err
	}
	sectionsChanged := !slices.Equal(old.Sections, m.Sections)
	if sectionsChanged {
		if _, err := tx.ExecContext(ctx, "DELETE FROM measure_sections WHERE measure_id = ?", old.ID); err != nil {
			return false, false, fmt.Errorf("delete sections: %w", err)
		}
		if err := insertSections(ctx, tx, old.ID, m.Sections); err != nil {
			return false, false, err
		}
	}
	fieldsChanged := old.Code != m.Code || old.Title != m.Title || old.Responsible != m.Responsible ||
		old.TargetGroup != m.TargetGroup || old.Objective != m.Objective || old.Description != m.Description ||
		old.Status != m.Status || old.CostsPlanned != m.CostsPlanned || old.CostsActual != m.CostsActual ||
		old.RunningCosts != m.RunningCosts || old.Funding != m.Funding || old.Staff != m.Staff ||
		old.Partnership != m.Partnership
	if !fieldsChanged && !sectionsChanged && !stepsChanged {
		return false, false, nil
	}
	args := append(fields, searchText(m), source, now, old.ID)
	_, err = tx.ExecContext(ctx, `UPDATE measures SET code = ?, title = ?, responsible = ?, target_group = ?,
		objective = ?, description = ?, status = ?, costs_planned = ?, costs_actual = ?, running_costs = ?,
		funding = ?, staff = ?, partnership = ?, search = ?, source = ?, updated_at = ?
		WHERE id = ?`, args...)
	if err != nil {
		return false, false, fmt.Errorf("update measure: %w", err)
	}
	return false, true, nil
}

// importSteps updates the steps of an existing measure from an import and
// reports whether anything changed. Done states are left alone.
func importSteps(ctx context.Context, tx querier, old *commands.Measure, news []commands.Step) (bool, error) {
	changed := false
	have := map[int]commands.Step{}
	for _, s := range old.Steps {
		have[s.Number] = s
	}
	want := map[int]bool{}
	for _, s := range news {
		want[s.Number] = true
		o, ok := have[s.Number]
		if !ok {
			if err := insertStep(ctx, tx, old.ID, s); err != nil {
				return false, err
			}
			changed = true
			continue
		}
		if o.Text == s.Text && o.PlannedYear == s.PlannedYear && o.PlannedDate == s.PlannedDate {
			continue
		}
		_, err := tx.ExecContext(ctx, `UPDATE steps SET text = ?, planned_year = ?, planned_date = ?
			WHERE measure_id = ? AND number = ?`,
			s.Text, nullInt(s.PlannedYear), formatDate(s.PlannedDate), old.ID, s.Number)
		if err != nil {
			return false, fmt.Errorf("update step %d: %w", s.Number, err)
		}
		changed = true
	}
	for _, o := range old.Steps {
		if want[o.Number] || o.Done {
			continue
		}
		// Removed only when nothing refers to it: no deadline in any state,
		// and no progress entry (its history must keep pointing at a step).
		res, err := tx.ExecContext(ctx, `DELETE FROM steps WHERE measure_id = ?1 AND number = ?2
			AND NOT EXISTS (SELECT 1 FROM deadlines WHERE measure_id = ?1 AND step = ?2)
			AND NOT EXISTS (SELECT 1 FROM entries WHERE measure_id = ?1 AND step = ?2)`, old.ID, o.Number)
		if err != nil {
			return false, fmt.Errorf("delete step %d: %w", o.Number, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return false, fmt.Errorf("delete step %d: %w", o.Number, err)
		} else if n > 0 {
			changed = true
		}
	}
	return changed, nil
}

// insertSections writes a measure's sections in order.
func insertSections(ctx context.Context, tx querier, measureID int64, secs []commands.Section) error {
	for i, s := range secs {
		_, err := tx.ExecContext(ctx, `INSERT INTO measure_sections (measure_id, position, title, body)
			VALUES (?, ?, ?, ?)`, measureID, i+1, s.Title, s.Body)
		if err != nil {
			return fmt.Errorf("insert section %d: %w", i+1, err)
		}
	}
	return nil
}

// insertStep writes a new step: open, or done when the file says so (a
// sheet exported by klimabot names its done steps and their days).
func insertStep(ctx context.Context, tx querier, measureID int64, s commands.Step) error {
	var doneAt any
	if s.Done && !s.DoneAt.IsZero() {
		doneAt = formatTime(s.DoneAt)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO steps (measure_id, number, text, planned_year, planned_date,
		done_at, done_by_id, done_by_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		measureID, s.Number, s.Text, nullInt(s.PlannedYear), formatDate(s.PlannedDate),
		doneAt, s.DoneBy.ID, s.DoneBy.Name)
	if err != nil {
		return fmt.Errorf("insert step %d: %w", s.Number, err)
	}
	return nil
}
