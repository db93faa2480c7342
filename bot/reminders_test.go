package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/klimabot/klimabot/commands"
	"github.com/klimabot/klimabot/commands/importer"
	"github.com/klimabot/klimabot/locales"
	"github.com/klimabot/klimabot/storage"
)

// reminderSlack is a fake Slack Web API for reminder passes: it records
// chat.postMessage calls and serves them back through conversations.history.
type reminderSlack struct {
	mu       sync.Mutex
	posts    []postedMessage
	failNext []int // HTTP statuses to answer the next posts with
	srv      *httptest.Server
}

type postedMessage struct {
	Channel, TS, Text string
	Blocks            string
	Metadata          slack.SlackMetadata
}

func newReminderSlack(t *testing.T) *reminderSlack {
	f := &reminderSlack{}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *reminderSlack) serve(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch strings.TrimPrefix(r.URL.Path, "/") {
	case "chat.postMessage":
		if len(f.failNext) > 0 {
			status := f.failNext[0]
			f.failNext = f.failNext[1:]
			w.WriteHeader(status)
			return
		}
		var md slack.SlackMetadata
		if s := r.Form.Get("metadata"); s != "" {
			_ = json.Unmarshal([]byte(s), &md)
		}
		p := postedMessage{Channel: r.Form.Get("channel"), TS: fmt.Sprintf("1800000000.%06d", len(f.posts)+1),
			Text: r.Form.Get("text"), Blocks: r.Form.Get("blocks"), Metadata: md}
		f.posts = append(f.posts, p)
		json.NewEncoder(w).Encode(map[string]any{"ok": true, "channel": p.Channel, "ts": p.TS})
	case "conversations.history":
		var msgs []map[string]any
		for i := len(f.posts) - 1; i >= 0; i-- {
			p := f.posts[i]
			if p.Channel == r.Form.Get("channel") {
				msgs = append(msgs, map[string]any{"type": "message", "ts": p.TS, "text": p.Text, "metadata": p.Metadata})
			}
		}
		json.NewEncoder(w).Encode(map[string]any{"ok": true, "messages": msgs, "has_more": false})
	default:
		json.NewEncoder(w).Encode(map[string]any{"ok": false, "error": "unknown_method"})
	}
}

func (f *reminderSlack) Posts() []postedMessage {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]postedMessage(nil), f.posts...)
}

// simplePost posts without retries; a Slack error answer is definite.
func simplePost(api *slack.Client) PostFunc {
	return func(ctx context.Context, channel string, opts ...slack.MsgOption) (string, error) {
		_, ts, err := api.PostMessageContext(ctx, channel, opts...)
		var se slack.SlackErrorResponse
		if errors.As(err, &se) {
			return "", &PostError{Definite: true, Err: err}
		}
		return ts, err
	}
}

// reminderFixture is a store with F.019 and the call, a shared de/cs channel
// and an es channel following F.019, and a clock.
type reminderFixture struct {
	t     *testing.T
	db    *storage.DB
	slack *reminderSlack
	r     *Reminders
	now   time.Time
	f019  *commands.Measure
}

func newReminderFixture(t *testing.T, now time.Time) *reminderFixture {
	t.Helper()
	ctx := context.Background()
	x := &reminderFixture{t: t, now: now, slack: newReminderSlack(t)}
	var err error
	x.db, err = storage.Open(ctx, filepath.Join(t.TempDir(), "k.db"), storage.WithClock(func() time.Time { return x.now }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.db.Close() })
	data, err := os.ReadFile(filepath.Join("..", "cmd", "klimabot", "seeds", "000_70e8ca067671b99a.txt"))
	if err != nil {
		t.Fatal(err)
	}
	ms, _, err := importer.Parse("f019.txt", data, importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := x.db.Import(ctx, "f019.txt", ms); err != nil {
		t.Fatal(err)
	}
	x.f019, _ = x.db.Measure(ctx, "F.019")
	// steps 1-4 done: the open implied deadlines are step 5 (31.12.2024) and 6 (31.12.2025)
	if _, err := x.db.CompleteSteps(ctx, x.f019.ID, []int{1, 2, 3, 4, 5, 6}, commands.Person{ID: "U0"}, time.Time{}, nil); err != nil {
		t.Fatal(err)
	}
	for _, ch := range []commands.Channel{
		{ID: "CSHARED", Languages: []string{"de", "cs"}, TimeZone: "Europe/Berlin", Schedule: "0 9 * * 1-5", StaleDays: 60, Follows: []string{"F.019"}},
		{ID: "CLIMA", Languages: []string{"es"}, TimeZone: "America/Lima", Schedule: "0 9 * * *", StaleDays: 60, Follows: []string{"F.019"}},
	} {
		if err := x.db.SaveChannel(ctx, ch); err != nil {
			t.Fatal(err)
		}
	}
	bundle, err := locales.New()
	if err != nil {
		t.Fatal(err)
	}
	api := slack.New("xoxb-test", slack.OptionAPIURL(x.slack.srv.URL+"/"))
	x.r = &Reminders{Store: x.db, Bundle: bundle, Post: simplePost(api), History: api.GetConversationHistoryContext,
		Now: func() time.Time { return x.now }, DefaultLang: "de", DefaultTZ: "Europe/Berlin"}
	return x
}

func (x *reminderFixture) deadline(due commands.Date, text string) commands.Deadline {
	x.t.Helper()
	d, err := x.db.AddDeadline(context.Background(), commands.Deadline{MeasureID: x.f019.ID, Due: due, Text: text})
	if err != nil {
		x.t.Fatal(err)
	}
	return d
}

func (x *reminderFixture) runOnce() int {
	x.t.Helper()
	n, err := x.r.RunOnce(context.Background())
	if err != nil {
		x.t.Fatalf("RunOnce: %v", err)
	}
	return n
}

// TestReminderOncePerStage: a shared de/cs channel and an es channel each
// get exactly one reminder per stage, in their languages with GLOSSARY's
// phrases; a second pass at the same moment posts nothing.
func TestReminderOncePerStage(t *testing.T) {
	x := newReminderFixture(t, time.Date(2027, 3, 24, 8, 0, 0, 0, time.UTC)) // 09:00 Berlin, 03:00 Lima
	x.deadline(commands.NewDate(2027, 3, 27), "Projektskizze an Nové Město senden")
	if n := x.runOnce(); n != 2 {
		t.Fatalf("first pass posted %d messages, want 2 (one per channel)", n)
	}
	if n := x.runOnce(); n != 0 {
		t.Fatalf("second pass posted %d, want 0", n)
	}
	posts := x.slack.Posts()
	byChannel := map[string]postedMessage{}
	for _, p := range posts {
		byChannel[p.Channel] = p
		if p.Metadata.EventType != ReminderEventType || p.Metadata.EventPayload["claim"] == "" {
			t.Errorf("post without reminder metadata: %+v", p.Metadata)
		}
	}
	shared, lima := byChannel["CSHARED"].Blocks, byChannel["CLIMA"].Blocks
	for _, want := range []string{"fällig in 3 Tagen", "za 3 dny", "27.03.2027", "27. 3. 2027", "Erledigt / Hotovo", "1 Woche verschieben / Odložit o týden", ActionDeadlineDone, ActionDeadlinePostpone} {
		if !strings.Contains(shared, want) {
			t.Errorf("de/cs reminder lacks %q: %s", want, shared)
		}
	}
	for _, want := range []string{"vence en 3 días", "27/03/2027", "Hecho", "Posponer 1 semana"} {
		if !strings.Contains(lima, want) {
			t.Errorf("es reminder lacks %q: %s", want, lima)
		}
	}
	if strings.Contains(lima, "fällig") {
		t.Errorf("es channel got German: %s", lima)
	}
	// thread replies to the reminder find the measure
	if id, ok, _ := x.db.MeasureForMessage(context.Background(), "CSHARED", byChannel["CSHARED"].TS); !ok || id != x.f019.ID {
		t.Errorf("reminder message not recorded")
	}
}

// TestReminderDowntimeCatchUp: after a week down, one catch-up post per
// deadline with its latest stage; then the weekly overdue stages.
func TestReminderDowntimeCatchUp(t *testing.T) {
	x := newReminderFixture(t, time.Date(2027, 3, 10, 8, 0, 0, 0, time.UTC))
	x.deadline(commands.NewDate(2027, 3, 24), "Bericht an den Rat")   // 14 days ahead
	x.deadline(commands.NewDate(2027, 3, 20), "Workshop vorbereiten") // 10 days ahead
	x.runOnce()
	first := len(x.slack.Posts())
	x.now = time.Date(2027, 3, 22, 8, 0, 0, 0, time.UTC) // down 12 days: 2 and -2 days
	x.runOnce()
	posts := x.slack.Posts()[first:]
	if len(posts) != 2 {
		t.Fatalf("catch-up posted %d messages, want 2 (one per channel, both deadlines in each)", len(posts))
	}
	for _, p := range posts {
		if p.Channel == "CSHARED" && (!strings.Contains(p.Blocks, "fällig in 2 Tagen") || !strings.Contains(p.Blocks, "seit 2 Tagen überfällig") ||
			!strings.Contains(p.Blocks, "2 dny po termínu")) {
			t.Errorf("catch-up text: %s", p.Blocks)
		}
		want := 2 // es, and the line over its buttons
		if p.Channel == "CSHARED" {
			want = 3 // de, cs, and the line over its buttons
		}
		if n := strings.Count(p.Blocks, "Bericht an den Rat"); n != want {
			t.Errorf("%s: deadline shown %d times, want %d", p.Channel, n, want)
		}
	}
	x.runOnce()
	if n := len(x.slack.Posts()) - first; n != 2 {
		t.Errorf("a pass right after the catch-up posted %d more", n-2)
	}
	x.now = time.Date(2027, 3, 27, 8, 0, 0, 0, time.UTC) // 20.3. is a week overdue
	x.runOnce()
	last := x.slack.Posts()[first+2:]
	if len(last) != 2 || !strings.Contains(last[0].Blocks+last[1].Blocks, "seit 7 Tagen überfällig") {
		t.Errorf("weekly overdue stage: %d posts", len(last))
	}
}

// TestReminderSlackRefusesThenRetries: a post Slack refuses is released and
// posted at the next pass, never dropped.
func TestReminderSlackRefusesThenRetries(t *testing.T) {
	x := newReminderFixture(t, time.Date(2027, 3, 24, 8, 0, 0, 0, time.UTC))
	x.deadline(commands.NewDate(2027, 3, 25), "Anruf")
	x.slack.mu.Lock()
	x.slack.failNext = []int{http.StatusInternalServerError, http.StatusInternalServerError}
	x.slack.mu.Unlock()
	if _, err := x.r.RunOnce(context.Background()); err == nil {
		t.Fatal("a failed post must be reported")
	}
	// 500 is not definite: the claims stay pending; the next run checks the
	// history, finds nothing, releases and posts
	if n := x.runOnce(); n != 2 || len(x.slack.Posts()) != 2 {
		t.Fatalf("retry pass posted %d (%d in Slack), want 2", n, len(x.slack.Posts()))
	}
	if n := x.runOnce(); n != 0 {
		t.Errorf("then %d more", n)
	}
}

// TestReminderCrashBetweenPostAndRecord: a claim whose message went out is
// confirmed from the channel's history, not posted again; a claim whose post
// never happened is released and posted.
func TestReminderCrashBetweenPostAndRecord(t *testing.T) {
	ctx := context.Background()
	x := newReminderFixture(t, time.Date(2027, 3, 24, 8, 0, 0, 0, time.UTC))
	d := x.deadline(commands.NewDate(2027, 3, 25), "Anruf")
	rows := []commands.SentRow{{Key: d.Key(), Due: d.Due, Stage: 1}}
	// CSHARED: claimed and posted, then the process died before confirming
	if err := x.db.ClaimReminder(ctx, commands.Claim{ID: "posted", ChannelID: "CSHARED", MeasureID: x.f019.ID, Rows: rows, ClaimedAt: x.now}); err != nil {
		t.Fatal(err)
	}
	api := slack.New("xoxb-test", slack.OptionAPIURL(x.slack.srv.URL+"/"))
	if _, _, err := api.PostMessage("CSHARED", slack.MsgOptionText("Erinnerung", false),
		slack.MsgOptionMetadata(slack.SlackMetadata{EventType: ReminderEventType, EventPayload: map[string]any{"claim": "posted"}})); err != nil {
		t.Fatal(err)
	}
	// CLIMA: claimed, then the process died before posting
	if err := x.db.ClaimReminder(ctx, commands.Claim{ID: "lost", ChannelID: "CLIMA", MeasureID: x.f019.ID, Rows: rows, ClaimedAt: x.now}); err != nil {
		t.Fatal(err)
	}
	x.runOnce()
	posts := x.slack.Posts()
	if len(posts) != 2 || posts[1].Channel != "CLIMA" {
		t.Fatalf("after recovery: %d posts %+v; want the CLIMA one only", len(posts), posts)
	}
	if pending, _ := x.db.PendingClaims(ctx); len(pending) != 0 {
		t.Errorf("pending claims left: %+v", pending)
	}
	if id, ok, _ := x.db.MeasureForMessage(ctx, "CSHARED", posts[0].TS); !ok || id != x.f019.ID {
		t.Errorf("recovered reminder not recorded for its thread")
	}
}

// TestStaleNudge: a followed measure without progress for the channel's
// stale days gets one nudge with a no-change button; new progress restarts
// the count.
func TestStaleNudge(t *testing.T) {
	ctx := context.Background()
	x := newReminderFixture(t, time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC))
	if _, err := x.db.AddEntry(ctx, commands.Entry{MeasureID: x.f019.ID, Author: commands.Person{ID: "U1"}, Text: "x", Source: commands.SourceCommand}); err != nil {
		t.Fatal(err)
	}
	x.now = x.now.AddDate(0, 0, 59)
	if n := x.runOnce(); n != 0 {
		t.Fatalf("nudged after 59 days")
	}
	x.now = x.now.AddDate(0, 0, 1)
	if n := x.runOnce(); n != 2 {
		t.Fatalf("nudges after 60 days: %d, want 2", n)
	}
	if n := x.runOnce(); n != 0 {
		t.Fatalf("nudged twice")
	}
	blocks := x.slack.Posts()[0].Blocks + x.slack.Posts()[1].Blocks
	for _, want := range []string{"Seit 04.01.2027 (60 Tagen)", "Od 4. 1. 2027 (60 dní)", "Keine Änderung / Beze změny", ActionNoChange, "Sin cambios"} {
		if !strings.Contains(blocks, want) {
			t.Errorf("nudge lacks %q: %s", want, blocks)
		}
	}
	if _, err := x.db.AddEntry(ctx, commands.Entry{MeasureID: x.f019.ID, Author: commands.Person{ID: "U1"}, Text: "y", Source: commands.SourceCommand}); err != nil {
		t.Fatal(err)
	}
	x.now = x.now.AddDate(0, 0, 60)
	if n := x.runOnce(); n != 2 {
		t.Errorf("after new progress and 60 more days: %d nudges, want 2", n)
	}
}

// TestTickFollowsSchedules: Tick runs a channel's pass only when its own
// schedule fired since its last tick, in its own zone, and catches up after
// downtime with one pass.
func TestTickFollowsSchedules(t *testing.T) {
	ctx := context.Background()
	x := newReminderFixture(t, time.Date(2027, 3, 24, 7, 0, 0, 0, time.UTC)) // Wed 08:00 Berlin
	x.deadline(commands.NewDate(2027, 3, 25), "Anruf")
	tick := func(at time.Time) int {
		x.now = at
		before := len(x.slack.Posts())
		if err := x.r.Tick(ctx); err != nil {
			t.Fatalf("Tick at %v: %v", at, err)
		}
		return len(x.slack.Posts()) - before
	}
	if n := tick(x.now); n != 0 { // first sight starts the schedules
		t.Fatalf("first tick posted %d", n)
	}
	if n := tick(time.Date(2027, 3, 24, 7, 59, 0, 0, time.UTC)); n != 0 {
		t.Errorf("08:59 Berlin posted %d", n)
	}
	if n := tick(time.Date(2027, 3, 24, 8, 0, 0, 0, time.UTC)); n != 1 { // 09:00 Berlin; Lima is at 03:00
		t.Errorf("09:00 Berlin posted %d, want 1 (CSHARED)", n)
	}
	if n := tick(time.Date(2027, 3, 24, 8, 1, 0, 0, time.UTC)); n != 0 {
		t.Errorf("09:01 Berlin posted %d", n)
	}
	if n := tick(time.Date(2027, 3, 24, 14, 0, 0, 0, time.UTC)); n != 1 { // 09:00 Lima
		t.Errorf("09:00 Lima posted %d, want 1 (CLIMA)", n)
	}
	// down from Wednesday until Saturday noon: one catch-up pass each
	if n := tick(time.Date(2027, 3, 27, 11, 0, 0, 0, time.UTC)); n != 2 {
		t.Errorf("after downtime: %d posts, want 2 (overdue stage in each channel)", n)
	}
}
