package calendar_test

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/klimabot/klimabot/commands"
	"github.com/klimabot/klimabot/commands/calendar"
	"github.com/klimabot/klimabot/locales"
	"github.com/klimabot/klimabot/storage"
)

// now is the fixed clock of these tests: Saturday, 21 November 2026.
var now = time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)

func mustBundle(tb testing.TB) *locales.Bundle {
	tb.Helper()
	b, err := locales.New()
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// fixture is a real store with F.019 (six steps planned 2022–2025, step 1
// done), A.1 (one step) and deadlines in every state, and a Maker over it.
type fixture struct {
	t    *testing.T
	ctx  context.Context
	db   *storage.DB
	mk   *calendar.Maker
	f019 *commands.Measure
	a1   *commands.Measure
	// explicit deadlines by name
	open, done, postponed commands.Deadline
}

const czech = "Odeslat projektový záměr partnerskému městu Nové Město nad Metují; příprava, schůzka, řízení – " +
	"zpráva o stavu plnění, harmonogram a rozpočet, 🌍 vše najednou"

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, filepath.Join(t.TempDir(), "k.db"), storage.WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	_, err = db.Import(ctx, "test.txt", []commands.Measure{{
		Code: "F.019", Title: "Kommunale Klimapartnerschaft mit Nové Město nad Metují", Responsible: "Stabsstelle Klimaschutz",
		Steps: []commands.Step{
			{Number: 1, Text: "Analyse klimatischer Parallelen", PlannedYear: 2022},
			{Number: 2, Text: "Kontaktaufnahme", PlannedYear: 2023},
			{Number: 3, Text: "Absichtserklärung", PlannedYear: 2023},
			{Number: 4, Text: "Handlungsprogramm", PlannedYear: 2024},
			{Number: 5, Text: "Ratsbeschluss", PlannedYear: 2025},
			{Number: 6, Text: "Erstes gemeinsames Projekt", PlannedYear: 2025},
		},
	}, {
		Code: "A.1", Title: "Radverkehrskonzept", Steps: []commands.Step{{Number: 1, Text: "Netzplan", PlannedYear: 2027}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, ctx: ctx, db: db}
	f.f019, _ = db.Measure(ctx, "F.019")
	f.a1, _ = db.Measure(ctx, "A.1")
	if _, err := db.CompleteSteps(ctx, f.f019.ID, []int{1}, commands.Person{ID: "U1", Name: "Ute"}, now, nil); err != nil {
		t.Fatal(err)
	}
	add := func(d commands.Deadline) commands.Deadline {
		d.MeasureID = f.f019.ID
		out, err := db.AddDeadline(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	f.open = add(commands.Deadline{Due: commands.Date{Year: 2027, Month: 3, Day: 31}, Text: czech, State: commands.DeadlineOpen})
	f.done = add(commands.Deadline{Due: commands.Date{Year: 2026, Month: 12, Day: 1}, Text: "Bericht an den Rat", State: commands.DeadlineOpen})
	if _, _, err := db.CompleteDeadline(ctx, f.done.Key(), commands.Person{ID: "U1"}, now, nil); err != nil {
		t.Fatal(err)
	}
	f.postponed = add(commands.Deadline{Due: commands.Date{Year: 2026, Month: 12, Day: 10}, Text: "Workshop, Netzwerktreffen", State: commands.DeadlineOpen})
	if f.postponed, err = db.PostponeDeadline(ctx, f.postponed.Key(), 7, commands.Person{ID: "U1"}, now, nil); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveChannel(ctx, commands.Channel{ID: "C1", TimeZone: "Europe/Berlin", Schedule: commands.DefaultSchedule,
		StaleDays: 60, Follows: []string{"F.019"}}); err != nil {
		t.Fatal(err)
	}
	f.mk = &calendar.Maker{Store: db, Bundle: mustBundle(t), PublicURL: "https://klima.hilden.de/bot", Now: func() time.Time { return now }}
	return f
}

// file makes the calendar of r and checks it is RFC 5545.
func (f *fixture) file(r commands.CalendarRequest) (commands.CalendarFile, map[string]*component) {
	f.t.Helper()
	if r.Now.IsZero() {
		r.Now = now
	}
	if r.Lang == "" {
		r.Lang = "de"
	}
	cf, err := f.mk.File(f.ctx, r)
	if err != nil {
		f.t.Fatal(err)
	}
	return cf, checkRFC5545(f.t, cf.Content)
}

func (f *fixture) domain() string {
	d, err := f.db.CalendarDomain(f.ctx)
	if err != nil {
		f.t.Fatal(err)
	}
	return d
}

func uids(events map[string]*component) []string {
	var out []string
	for uid := range events {
		out = append(out, uid)
	}
	slices.Sort(out)
	return out
}

// TestFileHoldsEveryOpenDeadline: one all-day event per open deadline,
// explicit and implied, on its due day; the done deadline and the done
// step's implied one are not there; the postponed one is on its new day.
func TestFileHoldsEveryOpenDeadline(t *testing.T) {
	f := newFixture(t)
	cf, events := f.file(commands.CalendarRequest{Scope: commands.CalendarMeasure, MeasureIDs: []int64{f.f019.ID}})
	d := f.domain()
	want := map[string]string{ // UID → DTSTART
		"d" + itoa(f.open.ID) + "@" + d:      "20270331",
		"d" + itoa(f.postponed.ID) + "@" + d: "20261217",
	}
	for step, year := range map[int]string{2: "2023", 3: "2023", 4: "2024", 5: "2025", 6: "2025"} {
		want["s"+itoa(f.f019.ID)+"."+itoa(int64(step))+"@"+d] = year + "1231"
	}
	if got := uids(events); !slices.Equal(got, sortedKeys(want)) {
		t.Fatalf("UIDs = %v\nwant %v", got, sortedKeys(want))
	}
	if cf.Events != len(want) {
		t.Errorf("Events = %d, want %d", cf.Events, len(want))
	}
	for uid, start := range want {
		ev := events[uid]
		if got := ev.one(t, "DTSTART").Value; got != start {
			t.Errorf("%s: DTSTART %s, want %s", uid, got, start)
		}
		end := commands.Date{}
		if err := end.UnmarshalText([]byte(start[:4] + "-" + start[4:6] + "-" + start[6:])); err != nil {
			t.Fatal(err)
		}
		if got, want := ev.one(t, "DTEND").Value, strings.ReplaceAll(end.AddDays(1).String(), "-", ""); got != want {
			t.Errorf("%s: DTEND %s, want the day after: %s", uid, got, want)
		}
		if got := ev.one(t, "DTSTAMP").Value; got != "20261121T090000Z" {
			t.Errorf("%s: DTSTAMP %s", uid, got)
		}
	}
	if bytes.Contains(cf.Content, []byte("Bericht an den Rat")) {
		t.Error("the done deadline is in the calendar")
	}
	if _, ok := events["s"+itoa(f.f019.ID)+".1@"+d]; ok {
		t.Error("the done step 1 has an event")
	}
	if cf.Name != "klimabot-F.019.ics" || cf.Type != "text/calendar; charset=utf-8" {
		t.Errorf("file %q, %q", cf.Name, cf.Type)
	}
}

// TestSummaryAndDescription: SUMMARY names the code and the deadline text
// in the chosen language; DESCRIPTION has the title and the next open steps.
func TestSummaryAndDescription(t *testing.T) {
	f := newFixture(t)
	d := f.domain()
	explicit := "d" + itoa(f.open.ID) + "@" + d
	step5 := "s" + itoa(f.f019.ID) + ".5@" + d
	for lang, want := range map[string][4]string{
		"de": {"F.019 – Frist: ", "F.019 – Schritt 5: Ratsbeschluss", "Nächste Umsetzungsschritte:", "Stand in Slack: /klima stand F.019"},
		"cs": {"F.019 – termín: ", "F.019 – krok 5: Ratsbeschluss", "Další kroky realizace:", "Stav ve Slacku: /klima stav F.019"},
		"es": {"F.019 – plazo: ", "F.019 – paso 5: Ratsbeschluss", "Próximos pasos de implementación:", "Estado en Slack: /klima estado F.019"},
		"en": {"F.019 – deadline: ", "F.019 – step 5: Ratsbeschluss", "Next implementation steps:", "Status in Slack: /klima status F.019"},
	} {
		_, events := f.file(commands.CalendarRequest{Scope: commands.CalendarMeasure, MeasureIDs: []int64{f.f019.ID}, Lang: lang})
		if got := unescapeText(events[explicit].one(t, "SUMMARY").Value); got != want[0]+czech {
			t.Errorf("%s: SUMMARY %q, want %q", lang, got, want[0]+czech)
		}
		if got := unescapeText(events[step5].one(t, "SUMMARY").Value); got != want[1] {
			t.Errorf("%s: SUMMARY %q, want %q", lang, got, want[1])
		}
		desc := unescapeText(events[explicit].one(t, "DESCRIPTION").Value)
		for _, w := range []string{
			"F.019 Kommunale Klimapartnerschaft mit Nové Město nad Metují\n",
			"Stabsstelle Klimaschutz\n", want[2] + "\n2. Kontaktaufnahme\n3. Absichtserklärung\n4. Handlungsprogramm\n",
			want[3],
		} {
			if !strings.Contains(desc, w) {
				t.Errorf("%s: DESCRIPTION lacks %q:\n%s", lang, w, desc)
			}
		}
		if strings.Contains(desc, "Analyse klimatischer Parallelen") {
			t.Errorf("%s: DESCRIPTION lists the done step 1:\n%s", lang, desc)
		}
		if !regexp.MustCompile(`\n… (und 2 weitere Schritte|a 2 další kroky|y 2 pasos más|and 2 more steps)\n`).MatchString(desc) {
			t.Errorf("%s: DESCRIPTION does not say two more steps are open:\n%s", lang, desc)
		}
	}
}

// TestTwoExportsSameUIDs: exporting again (another day, another language)
// gives the same UIDs and, DTSTAMP aside, the same text.
func TestTwoExportsSameUIDs(t *testing.T) {
	f := newFixture(t)
	a, ea := f.file(commands.CalendarRequest{Scope: commands.CalendarAll})
	b, eb := f.file(commands.CalendarRequest{Scope: commands.CalendarAll, Now: now.Add(50 * time.Hour)})
	_, ec := f.file(commands.CalendarRequest{Scope: commands.CalendarAll, Lang: "cs"})
	if !slices.Equal(uids(ea), uids(eb)) || !slices.Equal(uids(ea), uids(ec)) {
		t.Errorf("UIDs differ:\n%v\n%v\n%v", uids(ea), uids(eb), uids(ec))
	}
	stamp := regexp.MustCompile(`DTSTAMP:\d{8}T\d{6}Z`)
	if x, y := stamp.ReplaceAll(a.Content, nil), stamp.ReplaceAll(b.Content, nil); !bytes.Equal(x, y) {
		t.Errorf("two exports differ beyond DTSTAMP:\n%s\n---\n%s", x, y)
	}
	if bytes.Equal(a.Content, b.Content) {
		t.Error("DTSTAMP did not follow the clock")
	}
	if len(ea) != 8 || a.Name != "klimabot.ics" {
		t.Errorf("all measures: %d events in %s, want 8 in klimabot.ics", len(ea), a.Name)
	}
}

// TestLongLinesFoldWithinCharacters: the Czech deadline text (diacritics
// and a four-byte emoji) makes SUMMARY and DESCRIPTION longer than 75
// octets; checkRFC5545 has already checked every line's length and that
// each is valid UTF-8 by itself. Here: folding really happened, and the
// text comes back whole.
func TestLongLinesFoldWithinCharacters(t *testing.T) {
	f := newFixture(t)
	cf, events := f.file(commands.CalendarRequest{Scope: commands.CalendarMeasure, MeasureIDs: []int64{f.f019.ID}, Lang: "cs"})
	if !bytes.Contains(cf.Content, []byte("\r\n ")) {
		t.Fatal("no folded line")
	}
	uid := "d" + itoa(f.open.ID) + "@" + f.domain()
	if got := unescapeText(events[uid].one(t, "SUMMARY").Value); !strings.HasSuffix(got, czech) {
		t.Errorf("SUMMARY %q lost text", got)
	}
	if bytes.Contains(cf.Content, []byte("\n")) && bytes.Count(cf.Content, []byte("\n")) != bytes.Count(cf.Content, []byte("\r\n")) {
		t.Error("a line ends in a bare LF")
	}
}

// TestDoneAndPostponedInTheFeed: the feed reflects the store at each
// request: a done step leaves it, a postponed deadline moves.
func TestDoneAndPostponedInTheFeed(t *testing.T) {
	f := newFixture(t)
	url, err := f.mk.Link(f.ctx, commands.CalendarLink{UserID: "U1", Scope: commands.CalendarChannel, ChannelID: "C1", Lang: "de"})
	if err != nil {
		t.Fatal(err)
	}
	token := tokenOf(t, url)
	feed := func() map[string]*component {
		t.Helper()
		body, ok, err := feed(f.mk, token)
		if err != nil || !ok {
			t.Fatalf("feed: %v, %v", ok, err)
		}
		return checkRFC5545(t, body)
	}
	d := f.domain()
	step5 := "s" + itoa(f.f019.ID) + ".5@" + d
	if _, ok := feed()[step5]; !ok {
		t.Fatal("step 5 is not in the feed")
	}
	if _, err := f.db.CompleteSteps(f.ctx, f.f019.ID, []int{5}, commands.Person{ID: "U1"}, now, nil); err != nil {
		t.Fatal(err)
	}
	if _, ok := feed()[step5]; ok {
		t.Error("the done step 5 is still in the feed")
	}
	uid := "d" + itoa(f.open.ID) + "@" + d
	if _, err := f.db.PostponeDeadline(f.ctx, f.open.Key(), 7, commands.Person{ID: "U1"}, now, nil); err != nil {
		t.Fatal(err)
	}
	if got := feed()[uid].one(t, "DTSTART").Value; got != "20270407" {
		t.Errorf("postponed deadline starts %s, want 20270407", got)
	}
	if _, _, err := f.db.CompleteDeadline(f.ctx, f.open.Key(), commands.Person{ID: "U1"}, now, nil); err != nil {
		t.Fatal(err)
	}
	if _, ok := feed()[uid]; ok {
		t.Error("the done deadline is still in the feed")
	}
}

// TestChannelFeedFollowsTheChannel: a channel's feed shows what the channel
// follows at the moment of the request — never more: unfollowing empties
// it, and a channel that follows nothing shows nothing (not everything).
func TestChannelFeedFollowsTheChannel(t *testing.T) {
	f := newFixture(t)
	url, err := f.mk.Link(f.ctx, commands.CalendarLink{UserID: "U1", Scope: commands.CalendarChannel, ChannelID: "C1", Lang: "de"})
	if err != nil {
		t.Fatal(err)
	}
	token := tokenOf(t, url)
	a1 := "s" + itoa(f.a1.ID) + ".1@" + f.domain()
	body, _, _ := feed(f.mk, token)
	events := checkRFC5545(t, body)
	if len(events) != 7 {
		t.Errorf("C1 follows F.019: %d events, want 7", len(events))
	}
	if _, ok := events[a1]; ok {
		t.Error("C1's feed shows A.1, which C1 does not follow")
	}
	if err := f.db.SaveChannel(f.ctx, commands.Channel{ID: "C1", TimeZone: "Europe/Berlin", Schedule: commands.DefaultSchedule, StaleDays: 60}); err != nil {
		t.Fatal(err)
	}
	body, ok, err := feed(f.mk, token)
	if err != nil || !ok {
		t.Fatalf("feed after unfollow: %v %v", ok, err)
	}
	if events := checkRFC5545(t, body); len(events) != 0 {
		t.Errorf("C1 follows nothing now, its feed shows %v", uids(events))
	}
	if err := f.db.SaveChannel(f.ctx, commands.Channel{ID: "C1", TimeZone: "Europe/Berlin", Schedule: commands.DefaultSchedule, StaleDays: 60, FollowAll: true}); err != nil {
		t.Fatal(err)
	}
	body, _, _ = feed(f.mk, token)
	if events := checkRFC5545(t, body); len(events) != 8 {
		t.Errorf("C1 follows all: %d events, want 8", len(events))
	}
}

// TestMeasureFeedShowsOnlyItsMeasure: a link for F.019 reaches nothing
// else, whatever the channel it was asked in follows.
func TestMeasureFeedShowsOnlyItsMeasure(t *testing.T) {
	f := newFixture(t)
	url, err := f.mk.Link(f.ctx, commands.CalendarLink{UserID: "U1", Scope: commands.CalendarMeasure, MeasureID: f.a1.ID, Lang: "en"})
	if err != nil {
		t.Fatal(err)
	}
	body, ok, err := feed(f.mk, tokenOf(t, url))
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	events := checkRFC5545(t, body)
	if got := uids(events); len(got) != 1 || got[0] != "s"+itoa(f.a1.ID)+".1@"+f.domain() {
		t.Errorf("A.1's feed = %v", got)
	}
	if !bytes.Contains(body, []byte("A.1 – step 1: Netzplan")) || !bytes.Contains(body, []byte("X-WR-CALNAME:klimabot – A.1")) {
		t.Errorf("A.1's feed is not in its link's language (en):\n%s", body)
	}
}

// TestLinks: a link is https://…/calendar/TOKEN.ics with 160 random bits;
// asking again gives the same link, another person another one; no
// PublicURL, no link; revoking makes the feed unknown.
func TestLinks(t *testing.T) {
	f := newFixture(t)
	l := commands.CalendarLink{UserID: "U1", Scope: commands.CalendarChannel, ChannelID: "C1", Lang: "de"}
	url, err := f.mk.Link(f.ctx, l)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^https://klima\.hilden\.de/bot/calendar/[a-z2-7]{32}\.ics$`).MatchString(url) {
		t.Fatalf("link %q", url)
	}
	if again, _ := f.mk.Link(f.ctx, l); again != url {
		t.Errorf("asking again gave %s, want %s", again, url)
	}
	l2 := l
	l2.UserID = "U2"
	if other, _ := f.mk.Link(f.ctx, l2); other == url || other == "" {
		t.Errorf("U2 got %q (U1 has %q)", other, url)
	}
	off := *f.mk
	off.PublicURL = ""
	if got, err := off.Link(f.ctx, l); got != "" || err != nil {
		t.Errorf("without a public URL: %q, %v", got, err)
	}

	token := tokenOf(t, url)
	n, err := f.mk.Revoke(f.ctx, "U1")
	if err != nil || n != 1 {
		t.Fatalf("revoke = %d, %v", n, err)
	}
	if _, ok, err := feed(f.mk, token); ok || err != nil {
		t.Errorf("revoked token: ok %v, err %v", ok, err)
	}
	if renewed, _ := f.mk.Link(f.ctx, l); renewed == url {
		t.Error("a revoked token was handed out again")
	}
}

// TestFeedUnknownTokens: made-up, malformed and near-miss tokens find
// nothing.
func TestFeedUnknownTokens(t *testing.T) {
	f := newFixture(t)
	url, _ := f.mk.Link(f.ctx, commands.CalendarLink{UserID: "U1", Scope: commands.CalendarAll, Lang: "de"})
	real := tokenOf(t, url)
	// the last character changed to another ('&' binds before '+': the
	// old one-liner indexed "ab"[2] for a token ending in 'b')
	last := byte('a')
	if real[31] == 'a' {
		last = 'b'
	}
	nearMiss := real[:31] + string(last)
	for _, tok := range []string{
		"", "x", strings.Repeat("a", 32), nearMiss, strings.ToUpper(real), real + "a", real[:31],
		"../../etc/passwd", real + ".ics", " " + real[1:], strings.Repeat("\x00", 32),
	} {
		body, ok, err := feed(f.mk, tok)
		if ok || err != nil || body != nil {
			t.Errorf("token %q: ok %v, err %v, %d bytes", tok, ok, err, len(body))
		}
	}
	if _, ok, _ := feed(f.mk, real); !ok {
		t.Error("the real token is not found")
	}
}

// TestEmptyCalendarStillReads: no open deadline gives a calendar without
// events that still parses (a feed must be able to say "nothing due").
func TestEmptyCalendarStillReads(t *testing.T) {
	var buf bytes.Buffer
	err := calendar.Write(&buf, nil, calendar.Options{L: mustBundle(t).For("de"), Now: now, Domain: "x.klimabot", Name: "klimabot – Fristen"})
	if err != nil {
		t.Fatal(err)
	}
	if events := checkRFC5545(t, buf.Bytes()); len(events) != 0 {
		t.Errorf("%d events", len(events))
	}
}

func tokenOf(t *testing.T, url string) string {
	t.Helper()
	m := regexp.MustCompile(`/calendar/([a-z2-7]+)\.ics$`).FindStringSubmatch(url)
	if m == nil {
		t.Fatalf("no token in %q", url)
	}
	return m[1]
}

func sortedKeys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestFileOfSeveralMeasures: the export's CODE... names several measures;
// the file holds theirs and no other, under klimabot.ics.
func TestFileOfSeveralMeasures(t *testing.T) {
	f := newFixture(t)
	cf, events := f.file(commands.CalendarRequest{Scope: commands.CalendarMeasure, MeasureIDs: []int64{f.f019.ID, f.a1.ID}})
	if len(events) != 8 || cf.Events != 8 || cf.Name != "klimabot.ics" {
		t.Errorf("%d events (%d) in %s, want 8 in klimabot.ics", len(events), cf.Events, cf.Name)
	}
	cf, events = f.file(commands.CalendarRequest{Scope: commands.CalendarMeasure, MeasureIDs: []int64{f.a1.ID}})
	if len(events) != 1 || cf.Name != "klimabot-A.1.ics" {
		t.Errorf("%d events in %s, want 1 in klimabot-A.1.ics", len(events), cf.Name)
	}
	cf, events = f.file(commands.CalendarRequest{Scope: commands.CalendarMeasure})
	if len(events) != 0 || cf.Events != 0 {
		t.Errorf("no measure named: %d events, want none (not all)", len(events))
	}
}

// feed fetches what a token shows, as the bot's handler would.
func feed(mk *calendar.Maker, token string) ([]byte, bool, error) {
	write, ok, err := mk.Feed(context.Background(), token)
	if err != nil || !ok {
		return nil, ok, err
	}
	var buf bytes.Buffer
	err = write(&buf)
	return buf.Bytes(), true, err
}
