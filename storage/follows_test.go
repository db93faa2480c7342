package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/klimabot/klimabot/commands"
)

func TestFollowedMeasures(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t, WithClockOf(newClock("2026-03-01T10:00:00Z")))
	mustImport(t, db, f019(), commands.Measure{Code: "A.1", Title: "Radwege"},
		commands.Measure{Code: "B.2", Title: "Solar", Steps: []commands.Step{{Number: 1, Text: "Dach", PlannedYear: 2027}}})

	got, total, err := db.FollowedMeasures(ctx, 10)
	if err != nil || len(got) != 0 || total != 0 {
		t.Fatalf("nothing followed: %v, %d, %v", got, total, err)
	}

	// Two channels follow overlapping measures: each measure once, by code.
	for _, c := range []commands.Channel{
		{ID: "C1", TimeZone: "Europe/Berlin", Schedule: commands.DefaultSchedule, StaleDays: 60, Follows: []string{"F.019", "B.2"}},
		{ID: "C2", TimeZone: "Europe/Prague", Schedule: commands.DefaultSchedule, StaleDays: 60, Follows: []string{"F.019"}},
	} {
		if err := db.SaveChannel(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	f := mustMeasure(t, db, "F.019")
	if _, err := db.CompleteSteps(ctx, f.ID, []int{1, 2}, commands.Person{ID: "U1"}, time.Now(), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddDeadline(ctx, commands.Deadline{MeasureID: f.ID, Due: commands.NewDate(2026, time.April, 1), Text: "Ratsvorlage"}); err != nil {
		t.Fatal(err)
	}
	got, total, err = db.FollowedMeasures(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if total != 2 || len(got) != 2 || got[0].Code != "B.2" || got[1].Code != "F.019" {
		t.Fatalf("followed = %+v (total %d)", got, total)
	}
	if got[0].StepsTotal != 1 || got[0].NextDeadline == nil || got[0].NextDeadline.Due != commands.NewDate(2027, time.December, 31) || !got[0].NextDeadline.Implied {
		t.Errorf("B.2 = %+v, next %+v", got[0], got[0].NextDeadline)
	}
	fs := got[1]
	if fs.StepsDone != 2 || fs.StepsTotal != 6 || fs.NextDeadline == nil {
		t.Errorf("F.019 = %+v, next %+v", fs, fs.NextDeadline)
	}
	// Steps 1 and 2 are done; of the open ones step 4 (30 June 2026) is due
	// first, and the explicit deadline of 1 April 2026 comes before it.
	if fs.NextDeadline.Text != "Ratsvorlage" || fs.NextDeadline.Implied || fs.NextDeadline.Due != commands.NewDate(2026, time.April, 1) {
		t.Errorf("F.019 next deadline = %+v, want the explicit one", fs.NextDeadline)
	}

	// A limit caps the page, not the total.
	got, total, err = db.FollowedMeasures(ctx, 1)
	if err != nil || len(got) != 1 || total != 2 {
		t.Errorf("limit 1: %d measures, total %d, %v", len(got), total, err)
	}

	// A channel that follows all makes every measure followed.
	if err := db.SaveChannel(ctx, commands.Channel{ID: "C3", TimeZone: "UTC", Schedule: commands.DefaultSchedule, StaleDays: 60, FollowAll: true}); err != nil {
		t.Fatal(err)
	}
	got, total, err = db.FollowedMeasures(ctx, 0)
	if err != nil || len(got) != 3 || total != 3 || got[0].Code != "A.1" {
		t.Errorf("follow all: %+v, total %d, %v", got, total, err)
	}
}

func TestMeasureCode(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	mustImport(t, db, f019())
	f := mustMeasure(t, db, "f19")
	code, err := db.MeasureCode(ctx, f.ID)
	if err != nil || code != "F.019" {
		t.Errorf("MeasureCode(%d) = %q, %v", f.ID, code, err)
	}
	_, err = db.MeasureCode(ctx, f.ID+100)
	wantCode(t, err, commands.ENOTFOUND)
}
