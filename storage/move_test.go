package storage_test

import (
	"context"
	"crypto/sha256"
	"reflect"
	"testing"
	"time"

	"github.com/klimabot/klimabot/commands"
)

// TestMoveChannel: channel_id_changed (G… → C… when a Slack Connect share
// starts) moves settings, follows, sent reminders and bot-message records
// to the new id; entries stay as written.
func TestMoveChannel(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	mustImport(t, db, f019(), commands.Measure{Code: "A.1", Title: "Rad"})
	m := mustMeasure(t, db, "F.019")
	old := commands.Channel{ID: "G0PRIV", Languages: []string{"de", "cs"}, TimeZone: "Europe/Prague",
		Schedule: "0 8 * * 1-5", StaleDays: 30, Follows: []string{"F.019"}}
	if err := db.SaveChannel(ctx, old); err != nil {
		t.Fatal(err)
	}
	claim := commands.Claim{ID: "k1", ChannelID: "G0PRIV", MeasureID: m.ID,
		Rows: []commands.SentRow{{Key: "s1.5", Due: commands.Date{Year: 2025, Month: 12, Day: 31}, Stage: 7}}}
	if err := db.ClaimReminder(ctx, claim); err != nil {
		t.Fatal(err)
	}
	if err := db.ConfirmReminder(ctx, "k1", "1700000000.000100"); err != nil {
		t.Fatal(err)
	}
	if err := db.RecordBotMessage(ctx, "G0PRIV", "1700000000.000200", m.ID, "announce"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddEntry(ctx, commands.Entry{MeasureID: m.ID, Text: "vorher", ChannelID: "G0PRIV", Source: commands.SourceCommand}); err != nil {
		t.Fatal(err)
	}

	link, err := db.SaveCalendarLink(ctx, commands.CalendarLink{Token: "tok", UserID: "UANNA", Scope: commands.CalendarChannel,
		ChannelID: "G0PRIV", Lang: "de"}, sha256Of("tok"))
	if err != nil {
		t.Fatal(err)
	}

	if err := db.MoveChannel(ctx, "G0PRIV", "C0SHARED"); err != nil {
		t.Fatal(err)
	}
	if l, ok, err := db.CalendarLinkByHash(ctx, sha256Of(link.Token)); err != nil || !ok || l.ChannelID != "C0SHARED" {
		t.Errorf("calendar link after the move = %+v, %v, %v; want it under C0SHARED", l, ok, err)
	}
	got, err := db.Channel(ctx, "C0SHARED")
	if err != nil {
		t.Fatal(err)
	}
	want := old
	want.ID = "C0SHARED"
	if !reflect.DeepEqual(got, want) {
		t.Errorf("new channel = %+v, want %+v", got, want)
	}
	if gone, _ := db.Channel(ctx, "G0PRIV"); !reflect.DeepEqual(gone, commands.DefaultChannel("G0PRIV", "")) {
		t.Errorf("old id still has settings: %+v", gone)
	}
	for _, id := range []string{"1700000000.000100", "1700000000.000200"} {
		if mid, ok, err := db.MeasureForMessage(ctx, "C0SHARED", id); err != nil || !ok || mid != m.ID {
			t.Errorf("message %s under the new id: %d %v %v", id, mid, ok, err)
		}
	}
	if sent, err := db.SentStages(ctx, "C0SHARED"); err != nil || len(sent) != 1 {
		t.Errorf("sent stages under the new id = %v, %v", sent, err)
	}
	if sent, _ := db.SentStages(ctx, "G0PRIV"); len(sent) != 0 {
		t.Errorf("sent stages left under the old id: %v", sent)
	}
	if es, _ := db.Entries(ctx, m.ID, 10); len(es) != 1 || es[0].ChannelID != "G0PRIV" {
		t.Errorf("entries = %+v; the audit trail keeps its channel id", es)
	}

	// A channel that already has settings keeps them; follows are merged.
	if err := db.SaveChannel(ctx, commands.Channel{ID: "G0TWO", TimeZone: "Europe/Berlin", Schedule: "0 9 * * 1-5",
		StaleDays: 60, Follows: []string{"A.1"}}); err != nil {
		t.Fatal(err)
	}
	if err := db.MoveChannel(ctx, "G0TWO", "C0SHARED"); err != nil {
		t.Fatal(err)
	}
	got, _ = db.Channel(ctx, "C0SHARED")
	if got.TimeZone != "Europe/Prague" || !reflect.DeepEqual(got.Follows, []string{"A.1", "F.019"}) {
		t.Errorf("merged channel = %+v", got)
	}
	// nothing to move, or nonsense
	if err := db.MoveChannel(ctx, "G0NONE", "C0NONE"); err != nil {
		t.Errorf("moving an unknown id: %v", err)
	}
	if err := db.MoveChannel(ctx, "C0SHARED", "C0SHARED"); err == nil {
		t.Error("moving a channel to itself was accepted")
	}
}

// TestInferredLanguage: the inferred language is kept apart from the
// explicit choice; SaveUser (the locale cache) leaves it alone and
// SetInferredLanguage leaves the rest alone.
func TestInferredLanguage(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	at := time.Date(2026, 3, 3, 10, 0, 0, 0, time.UTC)
	inf := commands.Inference{Lang: "cs", From: commands.InferThread, Text: "Workshop s partnery proběhl", At: at}
	if err := db.SetInferredLanguage(ctx, "UCS", inf); err != nil {
		t.Fatal(err)
	}
	u, err := db.User(ctx, "UCS")
	if err != nil || !reflect.DeepEqual(u, commands.User{ID: "UCS", Inferred: inf}) {
		t.Fatalf("user = %+v, %v", u, err)
	}
	u.Name, u.Locale, u.LocaleAt, u.Team, u.Language = "Jana", "", at, "T0PARTNER", "de"
	u.Inferred = commands.Inference{} // SaveUser must not write it
	if err := db.SaveUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	got, _ := db.User(ctx, "UCS")
	want := u
	want.Inferred = inf
	if !reflect.DeepEqual(got, want) {
		t.Errorf("after SaveUser: %+v, want %+v", got, want)
	}
	inf2 := commands.Inference{Lang: "es", From: commands.InferWord, Text: "estado", At: at.Add(time.Hour)}
	if err := db.SetInferredLanguage(ctx, "UCS", inf2); err != nil {
		t.Fatal(err)
	}
	got, _ = db.User(ctx, "UCS")
	want.Inferred = inf2
	if !reflect.DeepEqual(got, want) {
		t.Errorf("after SetInferredLanguage: %+v, want %+v", got, want)
	}
}

func sha256Of(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

// A channel whose bot messages have rows (the buttons of a done offer) or
// name several measures (combined announcements) moves with them: the
// foreign key of message_items made the move fail before.
func TestMoveChannelWithButtonMessages(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	mustImport(t, db, f019(), commands.Measure{Code: "A.1", Title: "Rad"})
	m, a := mustMeasure(t, db, "F.019"), mustMeasure(t, db, "A.1")
	offer := commands.BotMessage{ChannelID: "G0PRIV", TS: "1.3", MeasureID: m.ID, Kind: commands.MessageDoneOffer, Lang: "cs",
		Rows: []commands.SentRow{{Key: "d7", Due: commands.NewDate(2027, 3, 31)}}}
	if err := db.RecordBotItems(ctx, offer); err != nil {
		t.Fatal(err)
	}
	if err := db.RecordMessageMeasures(ctx, "G0PRIV", "1.4", []int64{m.ID, a.ID}, "announce"); err != nil {
		t.Fatal(err)
	}
	if err := db.MoveChannel(ctx, "G0PRIV", "C0SHARED"); err != nil {
		t.Fatalf("move: %v", err)
	}
	got, ok, err := db.BotMessage(ctx, "C0SHARED", "1.3")
	if err != nil || !ok || got.Kind != commands.MessageDoneOffer || len(got.Rows) != 1 || got.Rows[0].Key != "d7" {
		t.Errorf("the offer under the new id = %+v, %v, %v", got, ok, err)
	}
	if ids, err := db.MeasuresForMessage(ctx, "C0SHARED", "1.4"); err != nil || !reflect.DeepEqual(ids, []int64{m.ID, a.ID}) {
		t.Errorf("the combined announcement's measures under the new id = %v, %v", ids, err)
	}
	for _, ts := range []string{"1.3", "1.4"} {
		if ids, err := db.MeasuresForMessage(ctx, "G0PRIV", ts); err != nil || len(ids) != 0 {
			t.Errorf("%s is still recorded under the old id: %v, %v", ts, ids, err)
		}
	}
}
