package storage_test

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/klimabot/klimabot/commands"
)

func TestMeasure_LookupByCodeKey(t *testing.T) {
	db := MustOpenDB(t)
	if res := mustImport(t, db, f019()); !slices.Equal(res.Created, []string{"F.019"}) {
		t.Fatalf("import result %+v", res)
	}
	for _, code := range []string{"F.019", "f.019", "F019", "F.19", "f-19"} {
		m := mustMeasure(t, db, code)
		if m.Code != "F.019" {
			t.Errorf("Measure(%q).Code = %q", code, m.Code)
		}
	}
	m := mustMeasure(t, db, "F.019")
	want := f019()
	if m.Title != want.Title || m.Partnership != want.Partnership || m.Source != "test.txt" {
		t.Errorf("fields: %+v", m)
	}
	if !reflect.DeepEqual(m.Sections, want.Sections) {
		t.Errorf("sections = %+v", m.Sections)
	}
	if len(m.Steps) != 6 || m.Steps[3].PlannedDate != commands.NewDate(2026, time.June, 30) || m.Steps[0].PlannedYear != 2025 {
		t.Errorf("steps = %+v", m.Steps)
	}
	for i, s := range m.Steps {
		if s.Number != i+1 {
			t.Errorf("step %d has number %d", i, s.Number)
		}
	}
	for _, code := range []string{"F.020", "", "..."} {
		_, err := db.Measure(context.Background(), code)
		wantCode(t, err, commands.ENOTFOUND)
	}
	codes, err := db.Codes(context.Background())
	if err != nil || !slices.Equal(codes, []string{"F.019"}) {
		t.Errorf("Codes = %v, %v", codes, err)
	}
}

func TestImport_KeepsProgressDoneStatesAndDeadlines(t *testing.T) {
	ctx := context.Background()
	clock := newClock("2026-01-10T09:00:00Z")
	db := MustOpenDB(t, WithClockOf(clock))
	mustImport(t, db, f019())
	m := mustMeasure(t, db, "F.019")
	created := m.UpdatedAt

	alice := commands.Person{ID: "U1", Name: "Alice"}
	if _, err := db.CompleteSteps(ctx, m.ID, []int{1, 2}, alice, time.Time{}, nil); err != nil {
		t.Fatal(err)
	}
	dl, err := db.AddDeadline(ctx, commands.Deadline{MeasureID: m.ID, Step: 3, Due: commands.NewDate(2026, 3, 31), Text: "Entwurf", CreatedBy: alice})
	if err != nil {
		t.Fatal(err)
	}
	entry, err := db.AddEntry(ctx, commands.Entry{MeasureID: m.ID, Author: alice, Text: "Erstes Treffen", Source: commands.SourceCommand})
	if err != nil {
		t.Fatal(err)
	}

	// The new sheet renames steps, drops 2 (done), 3 (deadline) and 6 (open,
	// nothing tied: removed), adds 7, changes the title and the sections.
	clock.Add(time.Hour)
	next := f019()
	next.Title = "Klimapartnerschaft Nové Město"
	next.Sections = []commands.Section{{Title: "Neu", Body: "x"}, {Title: "Zwei", Body: "y"}}
	next.Steps = []commands.Step{
		{Number: 1, Text: "Kontaktaufnahme (erledigt)", PlannedYear: 2024},
		{Number: 4, Text: "Ratsbeschluss", PlannedYear: 2026},
		{Number: 5, Text: "Umsetzung", PlannedYear: 2027},
		{Number: 7, Text: "Bericht", PlannedDate: commands.NewDate(2028, 1, 15)},
	}
	res := mustImport(t, db, next)
	if !slices.Equal(res.Updated, []string{"F.019"}) || len(res.Created)+len(res.Same) != 0 {
		t.Fatalf("second import: %+v", res)
	}
	m = mustMeasure(t, db, "f19")
	if m.Title != next.Title || !reflect.DeepEqual(m.Sections, next.Sections) {
		t.Errorf("sheet fields not updated: %q %+v", m.Title, m.Sections)
	}
	if !m.UpdatedAt.After(created) {
		t.Errorf("UpdatedAt %v not after %v", m.UpdatedAt, created)
	}
	var nums []int
	for _, s := range m.Steps {
		nums = append(nums, s.Number)
	}
	if !slices.Equal(nums, []int{1, 2, 3, 4, 5, 7}) {
		t.Fatalf("steps after re-import = %v, want [1 2 3 4 5 7]", nums)
	}
	s1 := m.Steps[0]
	if s1.Text != "Kontaktaufnahme (erledigt)" || s1.PlannedYear != 2024 || !s1.Done || s1.DoneBy != alice {
		t.Errorf("step 1 = %+v", s1)
	}
	if !m.Steps[1].Done || m.Steps[1].Text != "Absichtserklärung" {
		t.Errorf("done step 2 lost: %+v", m.Steps[1])
	}
	if m.Steps[3].PlannedYear != 2026 || !m.Steps[3].PlannedDate.IsZero() {
		t.Errorf("step 4 planned period not updated: %+v", m.Steps[3])
	}
	ds, err := db.Deadlines(ctx, commands.DeadlineQuery{MeasureIDs: []int64{m.ID}, WithDone: true})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(ds, func(d commands.Deadline) bool { return d.ID == dl.ID && d.Step == 3 }) {
		t.Errorf("explicit deadline lost: %+v", ds)
	}
	es, err := db.Entries(ctx, m.ID, 0)
	if err != nil || len(es) != 1 || es[0] != entry {
		t.Errorf("entries = %+v, %v; want [%+v]", es, err, entry)
	}

	// The same sheet again: nothing changes, not even updated_at.
	clock.Add(time.Hour)
	before := dump(t, db)
	res = mustImport(t, db, next)
	if !slices.Equal(res.Same, []string{"F.019"}) || len(res.Created)+len(res.Updated) != 0 {
		t.Fatalf("third import: %+v", res)
	}
	if after := dump(t, db); after != before {
		t.Errorf("importing the same sheet twice changed the database:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

func TestImport_TwiceIsByteIdentical(t *testing.T) {
	clock := newClock("2026-01-10T09:00:00Z")
	db := MustOpenDB(t, WithClockOf(clock))
	other := commands.Measure{Code: "A.1", Title: "Andere", Steps: []commands.Step{{Number: 1, Text: "eins"}}}
	mustImport(t, db, f019(), other)
	before := dump(t, db)
	clock.Add(24 * time.Hour)
	res := mustImport(t, db, f019(), other)
	if len(res.Same) != 2 {
		t.Errorf("result %+v, want both Same", res)
	}
	if after := dump(t, db); after != before {
		t.Errorf("second import changed the database:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

func TestImport_InvalidWritesNothing(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	mustImport(t, db, commands.Measure{Code: "A.1", Title: "alt"})
	before := dump(t, db)
	changed := commands.Measure{Code: "A.1", Title: "neu"}
	for name, ms := range map[string][]commands.Measure{
		"duplicate key":  {changed, f019(), {Code: "f19", Title: "dup"}},
		"invalid code":   {changed, {Code: "F 019"}},
		"empty code":     {changed, {Code: ""}},
		"duplicate step": {changed, {Code: "B.1", Steps: []commands.Step{{Number: 1}, {Number: 1}}}},
		"bad step":       {changed, {Code: "B.1", Steps: []commands.Step{{Number: 0}}}},
		"bad year":       {changed, {Code: "B.1", Steps: []commands.Step{{Number: 1, PlannedYear: 20250}}}},
	} {
		_, err := db.Import(ctx, "bad.csv", ms)
		if commands.ErrorCode(err) != commands.EINVALID {
			t.Errorf("%s: error %v, want EINVALID", name, err)
		}
	}
	if after := dump(t, db); after != before {
		t.Errorf("failed import wrote:\n%s", after)
	}
}

func TestListMeasures(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	a := commands.Measure{Code: "A.2", Title: "Klimapartnerschaft Lateinamerika", Responsible: "SKEW",
		Steps: []commands.Step{{Number: 1, Text: "Bewerbung", PlannedDate: commands.NewDate(2014, 9, 5)}}}
	b := commands.Measure{Code: "B.1", Title: "Radverkehr", Responsible: "Amt für Verkehr"}
	mustImport(t, db, f019(), b, a)

	all, err := db.ListMeasures(ctx, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, s := range all {
		codes = append(codes, s.Code)
	}
	if !slices.Equal(codes, []string{"A.2", "B.1", "F.019"}) {
		t.Fatalf("ListMeasures all = %v", codes)
	}
	if got, _ := db.ListMeasures(ctx, "", 2); len(got) != 2 {
		t.Errorf("limit 2 gave %d", len(got))
	}
	for filter, want := range map[string][]string{
		"klimapartnerschaft": {"A.2", "F.019"},
		"KLIMAPARTNERSCHAFT": {"A.2", "F.019"},
		"nové":               {"F.019"},
		"NOVÉ":               {"F.019"},
		"MĚSTO":              {"F.019"},
		"nove":               {"F.019"}, // without diacritics (issue 15 item 4)
		"NOVE MESTO":         {"F.019"},
		"mesto nad metuji":   {"F.019"},
		"fur verkehr":        {"B.1"},
		"für verkehr":        {"B.1"},
		"f.0":                {"F.019"},
		"skew":               {"A.2"},
		"%":                  nil,
		"_":                  nil,
		"nichts":             nil,
	} {
		got, err := db.ListMeasures(ctx, filter, 0)
		if err != nil {
			t.Fatal(err)
		}
		var codes []string
		for _, s := range got {
			codes = append(codes, s.Code)
		}
		if !slices.Equal(codes, want) {
			t.Errorf("ListMeasures(%q) = %v, want %v", filter, codes, want)
		}
	}

	// Counts and next deadline: steps 1 and 2 are done, so step 4's planned
	// date is next, until an earlier explicit deadline is set.
	m := mustMeasure(t, db, "F.019")
	if _, err := db.CompleteSteps(ctx, m.ID, []int{1, 2}, commands.Person{ID: "U1"}, time.Time{}, nil); err != nil {
		t.Fatal(err)
	}
	summary := func(code string) commands.MeasureSummary {
		t.Helper()
		got, err := db.ListMeasures(ctx, code, 1)
		if err != nil || len(got) != 1 {
			t.Fatalf("ListMeasures(%q) = %v, %v", code, got, err)
		}
		return got[0]
	}
	s := summary("F.019")
	if s.StepsDone != 2 || s.StepsTotal != 6 {
		t.Errorf("steps %d/%d, want 2/6", s.StepsDone, s.StepsTotal)
	}
	if d := s.NextDeadline; d == nil || !d.Implied || d.Step != 4 || d.Due != commands.NewDate(2026, 6, 30) || d.MeasureCode != "F.019" {
		t.Errorf("next deadline = %+v, want implied step 4 on 2026-06-30", d)
	}
	dl, err := db.AddDeadline(ctx, commands.Deadline{MeasureID: m.ID, Step: 5, Due: commands.NewDate(2026, 2, 1), Text: "Antrag"})
	if err != nil {
		t.Fatal(err)
	}
	if d := summary("F.019").NextDeadline; d == nil || d.Implied || d.ID != dl.ID || d.Text != "Antrag" {
		t.Errorf("next deadline = %+v, want explicit %d", d, dl.ID)
	}
	if d := summary("B.1").NextDeadline; d != nil {
		t.Errorf("B.1 has no steps but next deadline %+v", d)
	}
	// Overdue counts as next.
	if d := summary("A.2").NextDeadline; d == nil || d.Due != commands.NewDate(2014, 9, 5) {
		t.Errorf("A.2 next deadline = %+v, want the overdue 2014-09-05", d)
	}
}

// A step that a progress entry refers to stays when a new sheet drops it:
// the entry's history must keep pointing at a step.
func TestImport_KeepsStepsWithEntries(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	mustImport(t, db, f019())
	m := mustMeasure(t, db, "F.019")
	if _, err := db.AddEntry(ctx, commands.Entry{MeasureID: m.ID, Step: 6, Author: commands.Person{ID: "U1"}, Text: "Idee", Source: commands.SourceCommand}); err != nil {
		t.Fatal(err)
	}
	next := f019()
	next.Steps = next.Steps[:4] // drops 5 (nothing tied: removed) and 6 (an entry: kept)
	mustImport(t, db, next)
	var nums []int
	for _, s := range mustMeasure(t, db, "F.019").Steps {
		nums = append(nums, s.Number)
	}
	if !slices.Equal(nums, []int{1, 2, 3, 4, 6}) {
		t.Errorf("steps after re-import = %v, want [1 2 3 4 6]", nums)
	}
}

// MeasureSteps reads what Measure does except the sections.
func TestMeasureSteps_WithoutSections(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	bare := commands.Measure{Code: "X.1", Title: "ohne Schritte", Sections: []commands.Section{{Title: "a", Body: "b"}}}
	mustImport(t, db, f019(), bare)
	if _, err := db.CompleteSteps(ctx, mustMeasure(t, db, "F.019").ID, []int{2, 4}, commands.Person{ID: "U1", Name: "Ann"}, time.Time{}, nil); err != nil {
		t.Fatal(err)
	}
	for _, code := range []string{"f19", "x1"} {
		full := mustMeasure(t, db, code)
		m, err := db.MeasureSteps(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		if m.Sections != nil {
			t.Errorf("%s: sections read: %+v", code, m.Sections)
		}
		if len(full.Sections) == 0 {
			t.Fatalf("%s: fixture without sections", code)
		}
		full.Sections = nil
		if !reflect.DeepEqual(m, full) {
			t.Errorf("MeasureSteps(%s) = %+v\nwant %+v", code, m, full)
		}
	}
	_, err := db.MeasureSteps(context.Background(), "F.020")
	wantCode(t, err, commands.ENOTFOUND)
}
