package calendar_test

import (
	"context"
	"testing"

	"github.com/klimabot/klimabot/commands"
	"github.com/klimabot/klimabot/commands/calendar"
	"github.com/klimabot/klimabot/storage"
	"github.com/klimabot/klimabot/storage/storagetest"
)

// BenchmarkFeed serves subscription feeds from the quality-bar store
// (10,000 measures, each with one explicit deadline and three open steps):
// one measure's feed (what most links are), a channel following 20
// measures, and all measures (40,000 events, about 25 MB of iCalendar).
func BenchmarkFeed(b *testing.B) {
	ctx := context.Background()
	db, err := storage.Open(ctx, storagetest.Path(b, storagetest.Quality))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	follows := make([]string, 20)
	for i := range follows {
		m, err := db.Measure(ctx, "M."+pad5(i*500))
		if err != nil {
			b.Fatal(err)
		}
		follows[i] = m.Code
	}
	// the built store is shared by the process: the links and the channel
	// of this benchmark go into it, as keys no other benchmark uses
	if err := db.SaveChannel(ctx, commands.Channel{ID: "CBENCHCAL", TimeZone: "Europe/Berlin", Schedule: commands.DefaultSchedule,
		StaleDays: 60, Follows: follows}); err != nil {
		b.Fatal(err)
	}
	mk := &calendar.Maker{Store: db, Bundle: mustBundle(b), PublicURL: "https://klima.example"}
	for _, bc := range []struct {
		name string
		link commands.CalendarLink
	}{
		{"measure", commands.CalendarLink{UserID: "UBENCHCAL", Scope: commands.CalendarMeasure, MeasureID: 4711, Lang: "de"}},
		{"channel20", commands.CalendarLink{UserID: "UBENCHCAL", Scope: commands.CalendarChannel, ChannelID: "CBENCHCAL", Lang: "cs"}},
		{"all", commands.CalendarLink{UserID: "UBENCHCAL", Scope: commands.CalendarAll, Lang: "es"}},
	} {
		url, err := mk.Link(ctx, bc.link)
		if err != nil {
			b.Fatal(err)
		}
		token := url[len(url)-36 : len(url)-4]
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			var size countWriter
			for b.Loop() {
				write, ok, err := mk.Feed(ctx, token)
				if err != nil || !ok {
					b.Fatal(ok, err)
				}
				size = 0
				if err := write(&size); err != nil { // as the server streams it
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(size), "bytes/feed")
		})
	}
}

func pad5(n int) string {
	s := "00000" + itoa(int64(n))
	return s[len(s)-5:]
}

// countWriter counts what is written to it.
type countWriter int

func (c *countWriter) Write(p []byte) (int, error) {
	*c += countWriter(len(p))
	return len(p), nil
}
