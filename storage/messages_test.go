package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/klimabot/klimabot/commands"
)

// TestBotMessagesWithButtons: a reminder's rows come from its sent reminders in the
// order claimed, a nudge is told apart, a done offer is recorded with its
// rows and language, and a message recorded without rows (an
// announcement) or not at all is not a message with buttons.
func TestBotMessagesWithButtons(t *testing.T) {
	ctx := context.Background()
	clock := newClock("2027-03-24T08:00:00Z")
	db := MustOpenDB(t, WithClockOf(clock))
	mustImport(t, db, f019())
	m := mustMeasure(t, db, "F.019")
	rows := []commands.SentRow{
		{Key: "s" + itoa(m.ID) + ".3", Due: commands.NewDate(2026, 12, 31), Stage: -7},
		{Key: "d7", Due: commands.NewDate(2027, 3, 31), Stage: 7},
	}
	if err := db.ClaimReminder(ctx, commands.Claim{ID: "c1", ChannelID: "C1", MeasureID: m.ID, Rows: rows, ClaimedAt: clock.Now()}); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := db.BotMessage(ctx, "C1", ""); ok || err != nil {
		t.Errorf("a pending claim is a message: %v %v", ok, err)
	}
	if err := db.ConfirmReminder(ctx, "c1", "1.1"); err != nil {
		t.Fatal(err)
	}
	bm, ok, err := db.BotMessage(ctx, "C1", "1.1")
	if err != nil || !ok || bm.Kind != commands.MessageReminder || bm.MeasureID != m.ID || len(bm.Rows) != 2 ||
		bm.Rows[0] != rows[0] || bm.Rows[1] != rows[1] || !bm.PostedAt.Equal(clock.Now()) {
		t.Fatalf("reminder = %+v %v %v", bm, ok, err)
	}
	if _, ok := bm.Row("d7", commands.NewDate(2027, 3, 31)); !ok {
		t.Error("Row misses d7")
	}
	if _, ok := bm.Row("d7", commands.NewDate(2027, 4, 1)); ok {
		t.Error("Row finds d7 on another day")
	}
	if _, ok, _ := db.BotMessage(ctx, "C2", "1.1"); ok {
		t.Error("the message found in another channel")
	}

	nudge := commands.SentRow{Key: "n" + itoa(m.ID), Due: commands.NewDate(2027, 1, 20), Stage: 0}
	if err := db.ClaimReminder(ctx, commands.Claim{ID: "c2", ChannelID: "C1", MeasureID: m.ID, Rows: []commands.SentRow{nudge}}); err != nil {
		t.Fatal(err)
	}
	if err := db.ConfirmReminder(ctx, "c2", "1.2"); err != nil {
		t.Fatal(err)
	}
	if bm, ok, _ := db.BotMessage(ctx, "C1", "1.2"); !ok || bm.Kind != commands.MessageNudge {
		t.Errorf("nudge = %+v", bm)
	}

	offer := commands.BotMessage{ChannelID: "C1", TS: "1.3", MeasureID: m.ID, Kind: commands.MessageDoneOffer, Lang: "cs",
		Rows: []commands.SentRow{{Key: "d7", Due: commands.NewDate(2027, 3, 31)}, rows[0]}}
	offer.Rows[1].Stage = 0
	if err := db.RecordBotItems(ctx, offer); err != nil {
		t.Fatal(err)
	}
	got, ok, err := db.BotMessage(ctx, "C1", "1.3")
	if err != nil || !ok || got.Kind != commands.MessageDoneOffer || got.Lang != "cs" || len(got.Rows) != 2 || got.Rows[0].Key != "d7" || got.Rows[1] != offer.Rows[1] {
		t.Errorf("offer = %+v %v %v", got, ok, err)
	}
	if id, ok, _ := db.MeasureForMessage(ctx, "C1", "1.3"); !ok || id != m.ID {
		t.Error("the offer is not recorded for its measure")
	}
	if err := db.RecordBotMessage(ctx, "C1", "1.4", m.ID, "announce"); err != nil {
		t.Fatal(err)
	}
	for _, ts := range []string{"1.4", "9.9"} {
		if _, ok, err := db.BotMessage(ctx, "C1", ts); ok || err != nil {
			t.Errorf("%s is a message with buttons: %v %v", ts, ok, err)
		}
	}

	// what clicks did, oldest first
	by := commands.Person{ID: "U1", Name: "Ute"}
	for _, a := range []commands.ButtonAction{
		{ChannelID: "C1", TS: "1.1", Key: "d7", Action: commands.ActionPostpone, By: by, Due: commands.NewDate(2027, 4, 7)},
		{ChannelID: "C1", TS: "1.2", Key: nudge.Key, Action: commands.ActionNoChange, By: by, At: clock.Now().Add(time.Hour)},
	} {
		if err := db.RecordButtonAction(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	as, err := db.ButtonActions(ctx, "C1", "1.1")
	if err != nil || len(as) != 1 || as[0].Due != commands.NewDate(2027, 4, 7) || as[0].By != by || !as[0].At.Equal(clock.Now()) {
		t.Errorf("actions = %+v %v", as, err)
	}
}

// TestDeadlineByKey: explicit and implied deadlines in any state; a step's
// key finds the explicit deadline that postponing gave it.
func TestDeadlineByKey(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	mustImport(t, db, f019())
	m := mustMeasure(t, db, "F.019")
	step3 := "s" + itoa(m.ID) + ".3"
	d, err := db.DeadlineByKey(ctx, step3)
	if err != nil || !d.Implied || d.Step != 3 || !d.State.Open() || d.Key() != step3 {
		t.Fatalf("implied = %+v %v", d, err)
	}
	p := commands.Person{ID: "U1", Name: "Ute"}
	moved, err := db.PostponeDeadline(ctx, step3, 7, p, time.Time{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d, err := db.DeadlineByKey(ctx, step3); err != nil || d.Implied || d.ID != moved.ID || d.Due != moved.Due {
		t.Errorf("after postponing, the step's key finds %+v %v, want %+v", d, err, moved)
	}
	if _, _, err := db.CompleteDeadline(ctx, "s"+itoa(m.ID)+".4", p, time.Time{}, nil); err != nil {
		t.Fatal(err)
	}
	if d, err := db.DeadlineByKey(ctx, "s"+itoa(m.ID)+".4"); err != nil || d.State.Open() || d.DoneBy != p {
		t.Errorf("done step = %+v %v", d, err)
	}
	for _, key := range []string{"d999", "s" + itoa(m.ID) + ".99", "x", "s0.0"} {
		if _, err := db.DeadlineByKey(ctx, key); commands.ErrorCode(err) != commands.ENOTFOUND {
			t.Errorf("%s: %v", key, err)
		}
	}
}
