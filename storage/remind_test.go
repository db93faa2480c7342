package storage_test

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/klimabot/klimabot/commands"
)

func TestReminderClaims(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	mustImport(t, db, f019())
	m := mustMeasure(t, db, "F.019")
	claim := commands.Claim{ID: "c1", ChannelID: "C1", MeasureID: m.ID, Rows: []commands.SentRow{
		{Key: "d7", Due: commands.NewDate(2027, 3, 31), Stage: 7},
		{Key: "s1.3", Due: commands.NewDate(2026, 12, 31), Stage: 0},
	}}
	if err := db.ClaimReminder(ctx, claim); err != nil {
		t.Fatal(err)
	}
	// the same rows again: a concurrent pass must not post a second message
	again := claim
	again.ID = "c2"
	wantCode(t, db.ClaimReminder(ctx, again), commands.ECONFLICT)

	sent, err := db.SentStages(ctx, "C1")
	if err != nil || sent["d7@2027-03-31"] != 7 || sent["s1.3@2026-12-31"] != 0 || len(sent) != 2 {
		t.Fatalf("SentStages = %v, %v", sent, err)
	}
	if other, _ := db.SentStages(ctx, "C2"); len(other) != 0 {
		t.Errorf("another channel sees %v", other)
	}
	pending, err := db.PendingClaims(ctx)
	if err != nil || len(pending) != 1 || pending[0].ID != "c1" || len(pending[0].Rows) != 2 || pending[0].MeasureID != m.ID {
		t.Fatalf("PendingClaims = %+v, %v", pending, err)
	}
	if err := db.ConfirmReminder(ctx, "c1", "1700000000.000100"); err != nil {
		t.Fatal(err)
	}
	if pending, _ := db.PendingClaims(ctx); len(pending) != 0 {
		t.Errorf("confirmed claim still pending: %+v", pending)
	}
	if id, ok, err := db.MeasureForMessage(ctx, "C1", "1700000000.000100"); err != nil || !ok || id != m.ID {
		t.Errorf("reminder message not recorded for thread replies: %d %v %v", id, ok, err)
	}
	// a later stage of the same deadline is a new row; the latest wins
	if err := db.ClaimReminder(ctx, commands.Claim{ID: "c3", ChannelID: "C1", MeasureID: m.ID,
		Rows: []commands.SentRow{{Key: "d7", Due: commands.NewDate(2027, 3, 31), Stage: 3}}}); err != nil {
		t.Fatal(err)
	}
	if sent, _ := db.SentStages(ctx, "C1"); sent["d7@2027-03-31"] != 3 {
		t.Errorf("latest stage = %v, want 3", sent["d7@2027-03-31"])
	}
	// releasing an unconfirmed claim lets the next pass try again; confirmed
	// rows are never released
	if err := db.ReleaseReminder(ctx, "c3"); err != nil {
		t.Fatal(err)
	}
	if err := db.ReleaseReminder(ctx, "c1"); err != nil {
		t.Fatal(err)
	}
	if sent, _ := db.SentStages(ctx, "C1"); sent["d7@2027-03-31"] != 7 || len(sent) != 2 {
		t.Errorf("after release: %v", sent)
	}
}

func TestReminderChannelsAndTicks(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	mustImport(t, db, f019())
	for _, c := range []commands.Channel{
		{ID: "CALL", TimeZone: "Europe/Berlin", Schedule: "0 9 * * 1-5", StaleDays: 60, FollowAll: true},
		{ID: "CONE", TimeZone: "Europe/Prague", Schedule: "0 8 * * *", StaleDays: 30, Follows: []string{"f19"}, Languages: []string{"cs", "de"}},
		{ID: "CNONE", TimeZone: "Europe/Berlin", Schedule: "0 9 * * 1-5", StaleDays: 60},
	} {
		if err := db.SaveChannel(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	chs, err := db.ReminderChannels(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, c := range chs {
		ids = append(ids, c.ID)
	}
	if !slices.Equal(ids, []string{"CALL", "CONE"}) || !slices.Equal(chs[1].Follows, []string{"F.019"}) {
		t.Errorf("ReminderChannels = %+v", chs)
	}
	tick := time.Date(2027, 3, 1, 8, 0, 0, 0, time.UTC)
	if err := db.SetLastTick(ctx, "CONE", tick); err != nil {
		t.Fatal(err)
	}
	if c, _ := db.Channel(ctx, "CONE"); !c.LastTick.Equal(tick) || c.Schedule != "0 8 * * *" || len(c.Follows) != 1 {
		t.Errorf("after SetLastTick: %+v", c)
	}
	// a channel with default settings gets a row with its tick
	if err := db.SetLastTick(ctx, "CNEW", tick); err != nil {
		t.Fatal(err)
	}
	if c, _ := db.Channel(ctx, "CNEW"); !c.LastTick.Equal(tick) || c.Schedule != commands.DefaultSchedule {
		t.Errorf("new channel: %+v", c)
	}
}

func TestCompleteAndPostponeDeadlines(t *testing.T) {
	ctx := context.Background()
	clock := newClock("2026-11-21T09:00:00Z")
	db := MustOpenDB(t, WithClockOf(clock))
	mustImport(t, db, f019())
	m := mustMeasure(t, db, "F.019")
	anna := commands.Person{ID: "UANNA", Name: "Anna"}

	// postponing step 3's implied deadline (31.12.2026) gives the step an
	// explicit, postponed one a week later
	d, err := db.PostponeDeadline(ctx, "s"+itoa(m.ID)+".3", 7, anna, time.Time{},
		&commands.Entry{Author: anna, Text: "Frist um eine Woche verschoben", Source: commands.SourceButton})
	if err != nil {
		t.Fatal(err)
	}
	if d.Implied || d.ID == 0 || d.Step != 3 || d.Due != commands.NewDate(2027, 1, 7) || d.State != commands.DeadlinePostponed {
		t.Fatalf("postponed implied deadline = %+v", d)
	}
	ds, _ := db.Deadlines(ctx, commands.DeadlineQuery{MeasureIDs: []int64{m.ID}})
	for _, x := range ds {
		if x.Step == 3 && (x.Implied || x.Due != d.Due) {
			t.Errorf("step 3 deadlines after postpone: %+v", ds)
		}
	}
	// postponing the explicit one again moves it and keeps it postponed
	d2, err := db.PostponeDeadline(ctx, d.Key(), 7, anna, time.Time{}, nil)
	if err != nil || d2.Due != commands.NewDate(2027, 1, 14) || d2.ID != d.ID {
		t.Fatalf("second postpone = %+v, %v", d2, err)
	}

	// done on it closes the deadline and the step, logs the note
	bob := commands.Person{ID: "UBOB", Name: "Bob"}
	done, changed, err := db.CompleteDeadline(ctx, d.Key(), bob, time.Time{},
		&commands.Entry{Author: bob, Text: "Erledigt per Knopf", Source: commands.SourceButton})
	if err != nil || !changed || done.State != commands.DeadlineDone || done.DoneBy != bob {
		t.Fatalf("CompleteDeadline = %+v, %v, %v", done, changed, err)
	}
	m = mustMeasure(t, db, "F.019")
	if !m.Steps[2].Done || m.Steps[2].DoneBy != bob {
		t.Errorf("step 3 not done with its deadline: %+v", m.Steps[2])
	}
	// a second press changes nothing and logs nothing
	before := dump(t, db)
	if _, changed, err := db.CompleteDeadline(ctx, d.Key(), anna, time.Time{},
		&commands.Entry{Author: anna, Text: "nochmal", Source: commands.SourceButton}); err != nil || changed {
		t.Errorf("second done: changed %v, %v", changed, err)
	}
	_, err = db.PostponeDeadline(ctx, d.Key(), 7, anna, time.Time{}, nil)
	wantCode(t, err, commands.ECONFLICT)
	if after := dump(t, db); after != before {
		t.Errorf("a second press changed the store")
	}
	es, _ := db.Entries(ctx, m.ID, 10)
	if len(es) != 2 || es[0].Text != "Erledigt per Knopf" || es[1].Text != "Frist um eine Woche verschoben" {
		t.Errorf("entries = %+v", es)
	}

	// an implied deadline done by button marks its step done
	if _, changed, err := db.CompleteDeadline(ctx, "s"+itoa(m.ID)+".1", anna, time.Time{}, nil); err != nil || !changed {
		t.Fatalf("implied done: %v %v", changed, err)
	}
	if m = mustMeasure(t, db, "F.019"); !m.Steps[0].Done {
		t.Errorf("step 1 not done")
	}
	for _, key := range []string{"d999", "s999.1", "x", "s1", "d"} {
		_, _, err := db.CompleteDeadline(ctx, key, anna, time.Time{}, nil)
		wantCode(t, err, commands.ENOTFOUND)
	}
}

func TestLastProgress(t *testing.T) {
	ctx := context.Background()
	clock := newClock("2026-01-10T09:00:00Z")
	db := MustOpenDB(t, WithClockOf(clock))
	mustImport(t, db, f019())
	m := mustMeasure(t, db, "F.019")
	got, err := db.LastProgress(ctx, []int64{m.ID, 999})
	if err != nil || !got[m.ID].Equal(clock.Now()) || len(got) != 1 {
		t.Fatalf("LastProgress without entries = %v, %v", got, err)
	}
	clock.Add(48 * time.Hour)
	if _, err := db.AddEntry(ctx, commands.Entry{MeasureID: m.ID, Author: commands.Person{ID: "U1"}, Text: "x", Source: commands.SourceCommand}); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.LastProgress(ctx, []int64{m.ID}); !got[m.ID].Equal(clock.Now()) {
		t.Errorf("LastProgress = %v, want %v", got[m.ID], clock.Now())
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestFollowedMeasureIDs(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	second := f019()
	second.Code, second.Title = "F.020", "Zweite"
	mustImport(t, db, f019(), second)
	m := mustMeasure(t, db, "F.020")
	ch := commands.Channel{ID: "C1", TimeZone: "Europe/Berlin", Schedule: commands.DefaultSchedule, StaleDays: 60, Follows: []string{"F.020"}}
	if err := db.SaveChannel(ctx, ch); err != nil {
		t.Fatal(err)
	}
	if ids, err := db.FollowedMeasureIDs(ctx, ch); err != nil || !slices.Equal(ids, []int64{m.ID}) {
		t.Errorf("follows = %v, %v", ids, err)
	}
	ch.FollowAll = true
	if ids, err := db.FollowedMeasureIDs(ctx, ch); err != nil || len(ids) != 2 {
		t.Errorf("follow all = %v, %v", ids, err)
	}
	if last, err := db.LastProgress(ctx, nil); err != nil || len(last) != 2 {
		t.Errorf("LastProgress(nil) = %v, %v", last, err)
	}
}
