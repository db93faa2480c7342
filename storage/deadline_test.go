package storage_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/klimabot/klimabot/commands"
)

// keys lists deadlines compactly: "F.019/3@2026-12-31*" (* implied).
func keys(ds []commands.Deadline) []string {
	var out []string
	for _, d := range ds {
		k := fmt.Sprintf("%s/%d@%s", d.MeasureCode, d.Step, d.Due)
		if d.Implied {
			k += "*"
		}
		if d.State == commands.DeadlineDone {
			k += "!"
		}
		out = append(out, k)
	}
	return out
}

func mustDeadlines(tb testing.TB, db interface {
	Deadlines(context.Context, commands.DeadlineQuery) ([]commands.Deadline, error)
}, q commands.DeadlineQuery) []string {
	tb.Helper()
	ds, err := db.Deadlines(context.Background(), q)
	if err != nil {
		tb.Fatalf("deadlines: %v", err)
	}
	return keys(ds)
}

func TestDeadlines_Implied(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	mustImport(t, db, f019())
	m := mustMeasure(t, db, "F.019")
	want := []string{"F.019/1@2025-12-31*", "F.019/2@2025-12-31*", "F.019/4@2026-06-30*", "F.019/3@2026-12-31*", "F.019/5@2027-12-31*"}
	if got := mustDeadlines(t, db, commands.DeadlineQuery{}); !slices.Equal(got, want) {
		t.Fatalf("implied deadlines = %v, want %v", got, want)
	}
	ds, _ := db.Deadlines(ctx, commands.DeadlineQuery{Limit: 1})
	if len(ds) != 1 || ds[0].ID != 0 || ds[0].Text != "Kontaktaufnahme" || ds[0].State != commands.DeadlineOpen ||
		ds[0].MeasureID != m.ID || ds[0].Key() != fmt.Sprintf("s%d.1", m.ID) {
		t.Errorf("implied deadline = %+v", ds)
	}

	// A done step has no deadline.
	if _, err := db.CompleteSteps(ctx, m.ID, []int{1}, commands.Person{ID: "U1"}, time.Time{}, nil); err != nil {
		t.Fatal(err)
	}
	// An explicit deadline tied to a step replaces its implied one, in any state.
	d3, err := db.AddDeadline(ctx, commands.Deadline{MeasureID: m.ID, Step: 3, Due: commands.NewDate(2026, 1, 31), Text: "Entwurf"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddDeadline(ctx, commands.Deadline{MeasureID: m.ID, Step: 5, Due: commands.NewDate(2025, 1, 1), Text: "alt", State: commands.DeadlineDone}); err != nil {
		t.Fatal(err)
	}
	want = []string{"F.019/2@2025-12-31*", "F.019/3@2026-01-31", "F.019/4@2026-06-30*"}
	if got := mustDeadlines(t, db, commands.DeadlineQuery{}); !slices.Equal(got, want) {
		t.Errorf("after done step and explicit deadlines = %v, want %v", got, want)
	}
	want = []string{"F.019/5@2025-01-01!", "F.019/2@2025-12-31*", "F.019/3@2026-01-31", "F.019/4@2026-06-30*"}
	if got := mustDeadlines(t, db, commands.DeadlineQuery{WithDone: true}); !slices.Equal(got, want) {
		t.Errorf("WithDone = %v, want %v", got, want)
	}

	// Completing step 3 closes its deadline.
	if _, err := db.CompleteSteps(ctx, m.ID, []int{3}, commands.Person{ID: "U2", Name: "Bob"}, time.Time{}, nil); err != nil {
		t.Fatal(err)
	}
	ds, _ = db.Deadlines(ctx, commands.DeadlineQuery{WithDone: true})
	i := slices.IndexFunc(ds, func(d commands.Deadline) bool { return d.ID == d3.ID })
	if i < 0 || ds[i].State != commands.DeadlineDone || ds[i].DoneBy.Name != "Bob" || ds[i].DoneAt.IsZero() {
		t.Errorf("deadline of completed step = %+v", ds)
	}
	if got := mustDeadlines(t, db, commands.DeadlineQuery{}); slices.Contains(got, "F.019/3@2026-01-31") {
		t.Errorf("closed deadline still open: %v", got)
	}
}

func TestDeadlines_OrderAndFilters(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	mustImport(t, db,
		commands.Measure{Code: "B.2", Steps: []commands.Step{{Number: 1, Text: "b1", PlannedDate: commands.NewDate(2026, 5, 1)}}},
		commands.Measure{Code: "A.1", Steps: []commands.Step{
			{Number: 2, Text: "a2", PlannedDate: commands.NewDate(2026, 5, 1)},
			{Number: 1, Text: "a1", PlannedDate: commands.NewDate(2026, 5, 1)},
		}},
	)
	a := mustMeasure(t, db, "A.1")
	b := mustMeasure(t, db, "B.2")
	for _, d := range []commands.Deadline{
		{MeasureID: b.ID, Due: commands.NewDate(2026, 5, 1), Text: "b untied"},
		{MeasureID: a.ID, Due: commands.NewDate(2026, 5, 1), Text: "a untied 1"},
		{MeasureID: a.ID, Due: commands.NewDate(2026, 5, 1), Text: "a untied 2"},
		{MeasureID: a.ID, Due: commands.NewDate(2026, 4, 30), Text: "early"},
		{MeasureID: b.ID, Due: commands.NewDate(2026, 6, 1), Text: "late", State: commands.DeadlinePostponed},
	} {
		if _, err := db.AddDeadline(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	ds, err := db.Deadlines(ctx, commands.DeadlineQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, d := range ds {
		texts = append(texts, d.Text)
	}
	want := []string{"early", "a untied 1", "a untied 2", "a1", "a2", "b untied", "b1", "late"}
	if !slices.Equal(texts, want) {
		t.Errorf("order = %v, want %v", texts, want)
	}
	got := mustDeadlines(t, db, commands.DeadlineQuery{Until: commands.NewDate(2026, 5, 1), MeasureIDs: []int64{b.ID}})
	if !slices.Equal(got, []string{"B.2/0@2026-05-01", "B.2/1@2026-05-01*"}) {
		t.Errorf("until 05-01 for B.2 = %v", got)
	}
	if got := mustDeadlines(t, db, commands.DeadlineQuery{Until: commands.NewDate(2026, 4, 30)}); !slices.Equal(got, []string{"A.1/0@2026-04-30"}) {
		t.Errorf("until 04-30 = %v", got)
	}
	if got := mustDeadlines(t, db, commands.DeadlineQuery{Limit: 2}); len(got) != 2 {
		t.Errorf("limit 2 = %v", got)
	}
	if got := mustDeadlines(t, db, commands.DeadlineQuery{MeasureIDs: []int64{999}}); len(got) != 0 {
		t.Errorf("unknown measure = %v", got)
	}
}

func TestAddDeadline_Validates(t *testing.T) {
	ctx := context.Background()
	clock := newClock("2026-03-01T08:00:00Z")
	db := MustOpenDB(t, WithClockOf(clock))
	mustImport(t, db, f019())
	m := mustMeasure(t, db, "F.019")
	_, err := db.AddDeadline(ctx, commands.Deadline{MeasureID: 999, Due: commands.NewDate(2026, 1, 1)})
	wantCode(t, err, commands.ENOTFOUND)
	_, err = db.AddDeadline(ctx, commands.Deadline{MeasureID: m.ID, Step: 9, Due: commands.NewDate(2026, 1, 1)})
	wantCode(t, err, commands.ENOTFOUND)
	_, err = db.AddDeadline(ctx, commands.Deadline{MeasureID: m.ID})
	wantCode(t, err, commands.EINVALID)
	d, err := db.AddDeadline(ctx, commands.Deadline{MeasureID: m.ID, Due: commands.NewDate(2026, 1, 1), Text: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if d.ID == 0 || d.MeasureCode != "F.019" || !d.CreatedAt.Equal(clock.Now()) || d.State != commands.DeadlineOpen {
		t.Errorf("AddDeadline returned %+v", d)
	}
}

func TestCompleteSteps(t *testing.T) {
	ctx := context.Background()
	clock := newClock("2026-03-01T08:00:00Z")
	db := MustOpenDB(t, WithClockOf(clock))
	mustImport(t, db, f019())
	m := mustMeasure(t, db, "F.019")
	alice := commands.Person{ID: "U1", Name: "Alice"}
	bob := commands.Person{ID: "U2", Name: "Bob"}
	t1 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

	got, err := db.CompleteSteps(ctx, m.ID, []int{2}, alice, t1, nil)
	if err != nil || !slices.Equal(got, []int{2}) {
		t.Fatalf("first = %v, %v", got, err)
	}
	dl, err := db.AddDeadline(ctx, commands.Deadline{MeasureID: m.ID, Step: 4, Due: commands.NewDate(2026, 4, 1), Text: "Rat"})
	if err != nil {
		t.Fatal(err)
	}

	// An unknown step: ENOTFOUND naming it, nothing written, not even the note.
	before := dump(t, db)
	note := &commands.Entry{Author: bob, Text: "alles erledigt", Source: commands.SourceCommand}
	_, err = db.CompleteSteps(ctx, m.ID, []int{3, 4, 9}, bob, time.Time{}, note)
	wantCode(t, err, commands.ENOTFOUND)
	var ae *commands.Error
	if !asError(err, &ae) || ae.Msg.ID != "error.step_unknown" || ae.Msg.Data["Step"] != 9 || ae.Msg.Data["Max"] != 6 || ae.Msg.Data["Code"] != "F.019" {
		t.Errorf("error = %#v", err)
	}
	if after := dump(t, db); after != before {
		t.Errorf("failed CompleteSteps wrote:\n%s", after)
	}
	_, err = db.CompleteSteps(ctx, 999, []int{1}, bob, time.Time{}, note)
	wantCode(t, err, commands.ENOTFOUND)

	// Already done steps keep their author and time and are not newly done.
	t2 := t1.Add(time.Hour)
	got, err = db.CompleteSteps(ctx, m.ID, []int{4, 2, 3, 3}, bob, t2, note)
	if err != nil || !slices.Equal(got, []int{3, 4}) {
		t.Fatalf("second = %v, %v; want [3 4]", got, err)
	}
	m = mustMeasure(t, db, "F.019")
	if s := m.Steps[1]; s.DoneBy != alice || !s.DoneAt.Equal(t1) {
		t.Errorf("step 2 = %+v, want done by Alice at %v", s, t1)
	}
	if s := m.Steps[2]; !s.Done || s.DoneBy != bob || !s.DoneAt.Equal(t2) {
		t.Errorf("step 3 = %+v", s)
	}
	ds, _ := db.Deadlines(ctx, commands.DeadlineQuery{WithDone: true})
	i := slices.IndexFunc(ds, func(d commands.Deadline) bool { return d.ID == dl.ID })
	if i < 0 || ds[i].State != commands.DeadlineDone || ds[i].DoneBy != bob || !ds[i].DoneAt.Equal(t2) {
		t.Errorf("deadline of step 4 = %+v", ds)
	}
	es, _ := db.Entries(ctx, m.ID, 0)
	if len(es) != 1 || es[0].Text != "alles erledigt" || es[0].MeasureID != m.ID || !es[0].CreatedAt.Equal(t2) {
		t.Errorf("note entries = %+v", es)
	}

	// An empty note is not logged.
	if _, err := db.CompleteSteps(ctx, m.ID, []int{5}, bob, time.Time{}, &commands.Entry{}); err != nil {
		t.Fatal(err)
	}
	if es, _ := db.Entries(ctx, m.ID, 0); len(es) != 1 {
		t.Errorf("empty note logged: %+v", es)
	}
}

// Status derives a measure's open deadlines from its explicit ones and its
// steps (commands.OpenDeadlines over MeasureDeadlines); that must be exactly
// what Deadlines' query returns for the measure, through every state.
func TestOpenDeadlines_SameAsDeadlinesQuery(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	mustImport(t, db, f019())
	m := mustMeasure(t, db, "F.019")
	same := func(when string) {
		t.Helper()
		want, err := db.Deadlines(ctx, commands.DeadlineQuery{MeasureIDs: []int64{m.ID}})
		if err != nil {
			t.Fatal(err)
		}
		ms, err := db.MeasureSteps(ctx, "F.019")
		if err != nil {
			t.Fatal(err)
		}
		explicit, err := db.MeasureDeadlines(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		got := commands.OpenDeadlines(ms, explicit)
		if len(want) == 0 {
			t.Fatalf("%s: no deadlines to compare", when)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %+v\nwant %+v", when, got, want)
		}
	}
	same("only implied")
	if _, err := db.CompleteSteps(ctx, m.ID, []int{1}, commands.Person{ID: "U1", Name: "Ann"}, time.Time{}, nil); err != nil {
		t.Fatal(err)
	}
	same("step 1 done")
	for _, d := range []commands.Deadline{
		{MeasureID: m.ID, Step: 3, Due: commands.NewDate(2026, 1, 31), Text: "Entwurf", CreatedBy: commands.Person{ID: "U1", Name: "Ann"}},
		{MeasureID: m.ID, Step: 5, Due: commands.NewDate(2025, 1, 1), Text: "alt", State: commands.DeadlineDone},
		{MeasureID: m.ID, Due: commands.NewDate(2025, 12, 31), Text: "Bericht"}, // same day as step 2's implied one
		{MeasureID: m.ID, Due: commands.NewDate(2025, 12, 31), Text: "zweiter", State: commands.DeadlinePostponed},
		{MeasureID: m.ID, Step: 6, Due: commands.NewDate(2027, 3, 1), Text: "Evaluation"},
	} {
		if _, err := db.AddDeadline(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	same("explicit deadlines, a done one on step 5")
	if _, err := db.CompleteSteps(ctx, m.ID, []int{3, 4}, commands.Person{ID: "U2", Name: "Bob"}, time.Time{}, nil); err != nil {
		t.Fatal(err)
	}
	same("steps 3 and 4 done")
}
