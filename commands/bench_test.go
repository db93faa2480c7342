package commands_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/klimabot/klimabot/commands"
	"github.com/klimabot/klimabot/locales"
	"github.com/klimabot/klimabot/storage"
	"github.com/klimabot/klimabot/storage/storagetest"
)

func BenchmarkParse(b *testing.B) {
	lines := []string{"/klima status F.019", "stav f19", "erledigt F.019 3,4 Skizze versendet", "frist F.019 31. März 2027 Bericht", "nápověda"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := commands.Parse(lines[i%len(lines)]); err != nil {
			b.Fatal(err)
		}
	}
}

// benchService opens the quality-bar store (10,000 measures, 100,000
// entries) with a service over it.
func benchService(b *testing.B) (*commands.Service, *locales.Bundle) {
	b.Helper()
	path := storagetest.Path(b, storagetest.Quality)
	db, err := storage.Open(context.Background(), path, storage.WithClock(func() time.Time { return storagetest.Epoch }))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	bundle, err := locales.New()
	if err != nil {
		b.Fatal(err)
	}
	return &commands.Service{Store: db, Bundle: bundle, Now: func() time.Time { return storagetest.Epoch },
		DefaultLang: "de", DefaultTZ: "Europe/Berlin"}, bundle
}

// BenchmarkExecuteStatus is `status CODE` on the quality-bar store, the
// answer rendered as text: the command core's share of a Slack answer.
func BenchmarkExecuteStatus(b *testing.B) {
	svc, bundle := benchService(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		r := svc.Execute(ctx, commands.Request{User: commands.Person{ID: "U1"}, ChannelID: "C1",
			Text: fmt.Sprintf("status M.%05d", (i*7919)%10_000)})
		if r.Err != nil {
			b.Fatal(r.Err)
		}
		_ = r.Text(bundle)
	}
}

// BenchmarkExecuteLog is `log CODE TEXT` by an admin: one durable write.
func BenchmarkExecuteLog(b *testing.B) {
	svc, _ := benchService(b)
	ctx := context.Background()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		r := svc.Execute(ctx, commands.Request{User: commands.Person{ID: "U1"}, ChannelID: "C1", Admin: true,
			Text: fmt.Sprintf("log M.%05d Benchmark-Eintrag %d", (i*7919)%10_000, i)})
		if r.Err != nil {
			b.Fatal(r.Err)
		}
	}
}

// BenchmarkExecuteDeadlines is `deadlines` (30 days and every overdue one)
// over all 10,000 measures.
func BenchmarkExecuteDeadlines(b *testing.B) {
	svc, _ := benchService(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if r := svc.Execute(ctx, commands.Request{User: commands.Person{ID: "U1"}, ChannelID: "C1", Text: "deadlines"}); r.Err != nil {
			b.Fatal(r.Err)
		}
	}
}
