package bot

import (
	"context"
	"testing"
	"time"

	"github.com/klimabot/klimabot/commands"
	"github.com/klimabot/klimabot/locales"
	"github.com/klimabot/klimabot/storage"
	"github.com/klimabot/klimabot/storage/storagetest"
)

// BenchmarkReminderPlan is the decision of one reminder pass for a channel
// that follows all 10,000 measures of the quality-bar store, each with an
// explicit deadline in the 30 days around today and four implied ones: read
// what is due, what was sent, decide the stage of each, and find the stale
// measures. Posting is Slack's share and is not in it.
func BenchmarkReminderPlan(b *testing.B) {
	ctx := context.Background()
	db, err := storage.Open(ctx, storagetest.Path(b, storagetest.Quality), storage.WithClock(func() time.Time { return storagetest.Epoch }))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	bundle, err := locales.New()
	if err != nil {
		b.Fatal(err)
	}
	r := &Reminders{Store: db, Bundle: bundle, Now: func() time.Time { return storagetest.Epoch }, DefaultTZ: "Europe/Berlin"}
	ch := commands.Channel{ID: "CALL", FollowAll: true, TimeZone: "Europe/Berlin", Schedule: commands.DefaultSchedule, StaleDays: 60}
	today := commands.Today(storagetest.Epoch, time.UTC)
	b.ReportAllocs()
	var n int
	for b.Loop() {
		plan, err := r.plan(ctx, ch, today)
		if err != nil {
			b.Fatal(err)
		}
		n = 0
		for _, p := range plan {
			n += len(p.Items)
		}
	}
	b.ReportMetric(float64(n), "deadlines")
}
