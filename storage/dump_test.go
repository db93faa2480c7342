package storage_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/klimabot/klimabot/commands"
	"github.com/klimabot/klimabot/commands/export"
	"github.com/klimabot/klimabot/commands/importer"
	"github.com/klimabot/klimabot/locales"
	"github.com/klimabot/klimabot/storage"
)

// dumpNow is the fixed clock of the dump tests.
var dumpNow = time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)

// seedStore imports both seed documents into a new store and adds done
// steps, entries, deadlines in every state, a channel and users.
func seedStore(t *testing.T) *storage.DB {
	t.Helper()
	ctx := context.Background()
	db := MustOpenDB(t, storage.WithClock(func() time.Time { return dumpNow }))
	for _, name := range []string{"000_70e8ca067671b99a.txt", "001_a3af533a905f774a.txt"} {
		data, err := os.ReadFile(filepath.Join("..", "cmd", "klimabot", "seeds", name))
		if err != nil {
			t.Fatal(err)
		}
		ms, _, err := importer.Parse(name, data, importer.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Import(ctx, name, ms); err != nil {
			t.Fatal(err)
		}
	}
	staff := commands.Person{ID: "UANNA", Name: "Anna Schmidt"}
	m, err := db.Measure(ctx, "F.019")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CompleteSteps(ctx, m.ID, []int{1, 2, 3}, staff, time.Date(2023, 6, 23, 14, 0, 0, 0, time.UTC),
		&commands.Entry{Author: staff, Text: "Schritte 1 bis 3 erledigt.", Source: commands.SourceButton, ChannelID: "C1"}); err != nil {
		t.Fatal(err)
	}
	for i, text := range []string{"Analyse abgeschlossen.", "Delegace odpoví do konce měsíce.", "Termin vereinbart."} {
		author := staff
		if i == 1 {
			author = commands.Person{ID: "UJANA", Name: "Jana Nováková"}
		}
		if _, err := db.AddEntry(ctx, commands.Entry{MeasureID: m.ID, Step: i + 1, Author: author, Text: text,
			Source: commands.SourceThread, ChannelID: "C1", CreatedAt: dumpNow.AddDate(0, 0, -20+7*i)}); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []commands.Deadline{
		{MeasureID: m.ID, Step: 4, Due: commands.Date{Year: 2026, Month: 11, Day: 23}, Text: "Besuch vorbereiten"},
		{MeasureID: m.ID, Due: commands.Date{Year: 2026, Month: 11, Day: 26}, Text: "Bericht an den Umweltausschuss", State: commands.DeadlinePostponed},
		{MeasureID: m.ID, Step: 5, Due: commands.Date{Year: 2026, Month: 10, Day: 1}, Text: "Termin abstimmen", State: commands.DeadlineDone,
			DoneBy: staff, DoneAt: time.Date(2026, 9, 30, 8, 0, 0, 0, time.UTC)},
	} {
		if d.State == "" {
			d.State = commands.DeadlineOpen
		}
		d.CreatedBy = staff
		if _, err := db.AddDeadline(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.SaveChannel(ctx, commands.Channel{ID: "C1", Languages: []string{"de", "cs"}, TimeZone: "Europe/Prague",
		Schedule: "0 8 * * 1-5", StaleDays: 30, Follows: []string{"F.019"}, LastTick: dumpNow.Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveChannel(ctx, commands.Channel{ID: "C2", Languages: []string{"es"}, TimeZone: "America/Mexico_City",
		Schedule: "0 9 * * 1-5", StaleDays: 60, FollowAll: true}); err != nil {
		t.Fatal(err)
	}
	for _, u := range []commands.User{
		{ID: "UJANA", Name: "Jana Nováková", Language: "cs", Locale: "en-US", LocaleAt: dumpNow},
		{ID: "ULUZ", Name: "Luz", Locale: "es-LA", LocaleAt: dumpNow},
	} {
		if err := db.SaveUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

// answers runs the reading commands through a Service on db and returns
// every answer as the console prints it, with its language.
func answers(t *testing.T, db *storage.DB, b *locales.Bundle) []string {
	t.Helper()
	ctx := context.Background()
	svc := &commands.Service{Store: db, Bundle: b, Now: func() time.Time { return dumpNow },
		DefaultLang: "de", DefaultTZ: "Europe/Berlin", Admins: map[string]bool{"UADMIN": true}}
	codes, err := db.Codes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, lang := range append(locales.Languages, "") {
		texts := []string{"list", "list Nové", "deadlines", "deadlines all", "deadlines 1000", "help", "lang", "channel"}
		for _, c := range codes {
			texts = append(texts, "status "+c, "deadlines "+c)
		}
		for _, user := range []string{"UADMIN", "UJANA", "ULUZ"} {
			for _, ch := range []string{"C1", "C2", "C3"} {
				for _, text := range texts {
					r := svc.Execute(ctx, commands.Request{User: commands.Person{ID: user, Name: user}, ChannelID: ch, Text: text, Lang: lang})
					code := ""
					if r.Err != nil {
						code = r.Err.Code
					}
					lines = append(lines, user+" "+ch+" "+lang+" "+text+" → "+r.Lang+" "+code+"\n"+r.Text(b))
				}
			}
		}
	}
	return lines
}

// TestDumpRestoreRoundTrip: the JSON export of a store, imported into an
// empty store, gives the same answer to every reading command, byte for
// byte, and dumps to the same JSON again.
func TestDumpRestoreRoundTrip(t *testing.T) {
	ctx := context.Background()
	b, err := locales.New()
	if err != nil {
		t.Fatal(err)
	}
	orig := seedStore(t)
	d, err := orig.Dump(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Measures) != 2 || len(d.Channels) != 2 || len(d.Users) != 2 || len(d.Measures[0].Deadlines) != 3 || len(d.Measures[0].Entries) != 4 {
		t.Fatalf("dump holds %d measures, %d channels, %d users", len(d.Measures), len(d.Channels), len(d.Users))
	}
	var js bytes.Buffer
	if err := export.JSON(&js, d); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(js.String(), `"format": "klimabot-export"`) || !strings.Contains(js.String(), `"Due": "2026-11-23"`) {
		t.Fatalf("JSON lacks the marker or ISO dates:\n%.600s", js.String())
	}
	if f, err := importer.Detect(js.Bytes()); err != nil || f != importer.FormatJSON {
		t.Fatalf("Detect: %q %v", f, err)
	}
	back, err := importer.ParseDump("export.json", js.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	restored := MustOpenDB(t, storage.WithClock(func() time.Time { return dumpNow.Add(48 * time.Hour) }))
	if err := restored.Restore(ctx, back); err != nil {
		t.Fatal(err)
	}

	want, got := answers(t, orig, b), answers(t, restored, b)
	all := strings.Join(want, "\n")
	for _, w := range []string{"Termin vereinbart.", "Jana Nováková", "Europe/Prague", "splněno 3 z 6 kroků",
		"Bericht an den Umweltausschuss", "→ cs ", "→ es ", "F.019"} {
		if !strings.Contains(all, w) {
			t.Fatalf("the answers never show %q: the comparison proves little", w)
		}
	}
	if len(want) != len(got) {
		t.Fatalf("%d answers, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("answer differs after restore:\n--- restored\n%s\n--- original\n%s", got[i], want[i])
		}
	}

	d2, err := restored.Dump(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	d2.ExportedAt = d.ExportedAt
	var js2 bytes.Buffer
	if err := export.JSON(&js2, d2); err != nil {
		t.Fatal(err)
	}
	if js2.String() != js.String() {
		t.Errorf("the restored store dumps differently:\n%s\n---\n%s", js2.String(), js.String())
	}

	// A store with measures refuses, and stays as it was.
	err = restored.Restore(ctx, back)
	if commands.ErrorCode(err) != commands.ECONFLICT {
		t.Errorf("restore into a full store: %v, want ECONFLICT", err)
	}
	if codes, _ := restored.Codes(ctx); len(codes) != 2 {
		t.Errorf("after a refused restore: %q", codes)
	}
}

// TestDumpSomeCodes: a dump of some measures restores on its own: follows
// of other measures are left out; an unknown code is ENOTFOUND.
func TestDumpSomeCodes(t *testing.T) {
	ctx := context.Background()
	db := seedStore(t)
	d, err := db.Dump(ctx, []string{"aufruf-lateinamerikanische-kommunen", "AUFRUF-lateinamerikanische-kommunen"})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Measures) != 1 || d.Measures[0].Code != "aufruf-lateinamerikanische-kommunen" {
		t.Fatalf("measures %+v", d.Measures)
	}
	for _, c := range d.Channels {
		if len(c.Follows) != 0 {
			t.Errorf("channel %s follows %q outside the dump", c.ID, c.Follows)
		}
	}
	if err := MustOpenDB(t).Restore(ctx, d); err != nil {
		t.Errorf("restore of a partial dump: %v", err)
	}
	if _, err := db.Dump(ctx, []string{"F.91"}); commands.ErrorCode(err) != commands.ENOTFOUND {
		t.Errorf("unknown code: %v", err)
	}
}

// TestRestoreRefusesBadDumps: nothing is written from a dump that is not
// whole.
func TestRestoreRefusesBadDumps(t *testing.T) {
	ctx := context.Background()
	good, err := seedStore(t).Dump(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		change func(d *commands.Dump)
		code   string
	}{
		{"foreign format", func(d *commands.Dump) { d.Format = "other" }, commands.EINVALID},
		{"newer version", func(d *commands.Dump) { d.Version = commands.DumpVersion + 1 }, commands.EINVALID},
		{"duplicate code", func(d *commands.Dump) { d.Measures[1].Code = "F.19"; d.Measures[1].ID = 0 }, commands.EINVALID},
		{"deadline on a missing step", func(d *commands.Dump) { d.Measures[0].Deadlines[0].Step = 99 }, commands.ENOTFOUND},
		{"bad deadline state", func(d *commands.Dump) { d.Measures[0].Deadlines[0].State = "maybe" }, commands.EINVALID},
		{"follow of an unknown code", func(d *commands.Dump) { d.Channels[0].Follows = []string{"X.9"} }, commands.ENOTFOUND},
	}
	for _, tt := range tests {
		var js bytes.Buffer
		if err := export.JSON(&js, good); err != nil {
			t.Fatal(err)
		}
		d, err := importer.ParseDump("x.json", js.Bytes()) // a deep copy
		if err != nil {
			t.Fatal(err)
		}
		tt.change(&d)
		db := MustOpenDB(t)
		if err := db.Restore(ctx, d); commands.ErrorCode(err) != tt.code {
			t.Errorf("%s: %v, want %s", tt.name, err, tt.code)
		}
		if codes, _ := db.Codes(ctx); len(codes) != 0 {
			t.Errorf("%s: wrote %q", tt.name, codes)
		}
	}
}
