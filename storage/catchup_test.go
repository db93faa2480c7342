package storage_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/klimabot/klimabot/commands"
	"github.com/klimabot/klimabot/storage"
)

// TestCatchUpRecord: a claimed catch-up counts as posted in its channel
// only, a released one (Slack refused the post) does not, and the
// confirmed message is known as a catch-up to its buttons.
func TestCatchUpRecord(t *testing.T) {
	ctx := context.Background()
	db, err := storage.Open(ctx, filepath.Join(t.TempDir(), "k.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Import(ctx, "t.txt", []commands.Measure{{Code: "F.1", Title: "X",
		Steps: []commands.Step{{Number: 1, Text: "A", PlannedYear: 2022}}}}); err != nil {
		t.Fatal(err)
	}
	m, err := db.Measure(ctx, "F.1")
	if err != nil {
		t.Fatal(err)
	}
	row := commands.SentRow{Key: commands.Deadline{MeasureID: m.ID, Step: 1, Implied: true}.Key(), Due: commands.NewDate(2022, 12, 31), Stage: -1528}
	posted := func(ch string) bool {
		t.Helper()
		ok, err := db.CatchUpPosted(ctx, ch, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if posted("C1") {
		t.Fatal("posted before any claim")
	}
	c := commands.Claim{ID: "c1", ChannelID: "C1", MeasureID: m.ID, Rows: []commands.SentRow{row}, ClaimedAt: time.Now()}
	if err := db.ClaimCatchUp(ctx, c); err != nil {
		t.Fatal(err)
	}
	if !posted("C1") || posted("C2") {
		t.Errorf("after the claim: C1 %v, C2 %v", posted("C1"), posted("C2"))
	}
	if err := db.ReleaseReminder(ctx, "c1"); err != nil {
		t.Fatal(err)
	}
	if posted("C1") {
		t.Error("a released catch-up counts as posted")
	}
	c.ID = "c2"
	if err := db.ClaimCatchUp(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := db.ConfirmReminder(ctx, "c2", "1700000000.000100"); err != nil {
		t.Fatal(err)
	}
	bm, ok, err := db.BotMessage(ctx, "C1", "1700000000.000100")
	if err != nil || !ok || bm.Kind != commands.MessageCatchUp || bm.MeasureID != m.ID || len(bm.Rows) != 1 || bm.Rows[0] != row {
		t.Errorf("BotMessage = %+v, %v, %v", bm, ok, err)
	}
	// the same rows again: ECONFLICT, and no second catch-up mark
	c.ID = "c3"
	if err := db.ClaimCatchUp(ctx, c); commands.ErrorCode(err) != commands.ECONFLICT {
		t.Errorf("second claim of the same rows: %v", err)
	}
}
