package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/klimabot/klimabot/commands"
)

// remindHarness is the bot harness with reminders attached, channel C1
// (following F.019) speaking German and Czech, and a fixed clock.
func remindHarness(t *testing.T, now time.Time) (*harness, *Reminders) {
	t.Helper()
	h := newHarness(t)
	ctx := context.Background()
	if err := h.db.SaveChannel(ctx, commands.Channel{ID: chanF019, Languages: []string{"de", "cs"}, TimeZone: "Europe/Berlin",
		Schedule: commands.DefaultSchedule, StaleDays: 60, Follows: []string{"F.019"}}); err != nil {
		t.Fatal(err)
	}
	// recent progress: no stale nudge besides the reminders
	if _, err := h.db.AddEntry(ctx, commands.Entry{MeasureID: h.f019, Author: commands.Person{ID: "U0"}, Text: "Start",
		Source: commands.SourceCommand, CreatedAt: now.AddDate(0, 0, -1)}); err != nil {
		t.Fatal(err)
	}
	r := &Reminders{Store: h.db, Bundle: h.bot.Bundle(), Now: func() time.Time { return now }, DefaultLang: "de", DefaultTZ: "Europe/Berlin"}
	h.bot.AttachReminders(r)
	return h, r
}

// click presses the button of block blockID on the posted message call,
// whose ts the test put into its form as ts_for_test.
func (h *harness) click(call slackCall, actionID, blockID, value, user string) {
	h.t.Helper()
	var blocks []any
	if err := json.Unmarshal([]byte(call.Form.Get("blocks")), &blocks); err != nil {
		h.t.Fatalf("blocks of the posted message: %v", err)
	}
	ts := call.Form.Get("ts_for_test")
	payload := map[string]any{
		"type": "block_actions", "user": map[string]any{"id": user}, "trigger_id": "T1",
		"response_url": "https://hooks.slack.com/actions/x", "channel": map[string]any{"id": chanF019},
		"container": map[string]any{"type": "message", "message_ts": ts, "channel_id": chanF019},
		"message":   map[string]any{"type": "message", "ts": ts, "text": call.Form.Get("text"), "blocks": blocks},
		"actions":   []map[string]any{{"action_id": actionID, "block_id": blockID, "value": value, "type": "button"}},
	}
	if status, body := h.interact(payload); status != 200 || body != "" {
		h.t.Fatalf("ack: %d %q", status, body)
	}
	h.settle()
}

// TestReminderButtons: done closes the deadline and logs it with who
// pressed; postpone moves it a week and logs it; each updates the message
// in the channel's languages; a press on an outdated button changes nothing.
func TestReminderButtons(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2027, 3, 24, 8, 0, 0, 0, time.UTC)
	h, r := remindHarness(t, now)
	h.slack.users["UJANA"] = slackUser{Name: "Jana Nováková", Locale: "en-US"}
	d1, err := h.db.AddDeadline(ctx, commands.Deadline{MeasureID: h.f019, Due: commands.NewDate(2027, 3, 25), Text: "Anruf in Nové Město"})
	if err != nil {
		t.Fatal(err)
	}
	d2, err := h.db.AddDeadline(ctx, commands.Deadline{MeasureID: h.f019, Due: commands.NewDate(2027, 3, 27), Text: "Projektskizze"})
	if err != nil {
		t.Fatal(err)
	}
	// steps 1-6 of testF019 are planned 2022-2025: their overdue implied
	// deadlines are the measure's catch-up (posted first), the two new
	// deadlines the reminder with buttons (posted last)
	if n, err := r.RunOnce(ctx); err != nil || n != 2 {
		t.Fatalf("RunOnce = %d, %v", n, err)
	}
	posts := h.slack.callsOf("chat.postMessage")
	post := posts[len(posts)-1]
	ts := h.lastTS()
	post.Form.Set("ts_for_test", ts)
	if !strings.Contains(post.Form.Get("blocks"), `"block_id":"deadline:`+d1.Key()+`|2027-03-25"`) {
		t.Fatalf("buttons without their block id: %s", post.Form.Get("blocks"))
	}

	h.click(post, ActionDeadlineDone, "deadline:"+d1.Key()+"|2027-03-25", d1.Key()+"|2027-03-25", "UJANA")
	ds, _ := h.db.Deadlines(ctx, commands.DeadlineQuery{MeasureIDs: []int64{h.f019}, WithDone: true})
	for _, d := range ds {
		if d.ID == d1.ID && (d.State != commands.DeadlineDone || d.DoneBy.ID != "UJANA" || d.DoneBy.Name != "Jana Nováková") {
			t.Errorf("after done: %+v", d)
		}
	}
	if e, ok := h.entryWith("Frist vom 25.03.2027 erledigt: Anruf in Nové Město"); !ok || e.Source != commands.SourceButton || e.Author.ID != "UJANA" {
		t.Errorf("entry after done: %+v", h.entries())
	}
	updates := h.slack.callsOf("chat.update")
	if len(updates) != 1 || updates[0].Form.Get("ts") != ts {
		t.Fatalf("chat.update calls = %+v", updates)
	}
	blocks := updates[0].Form.Get("blocks")
	mustContainAll(t, "updated message", blocks,
		"Erledigt von Jana Nováková am 24.03.2027 / Splněno: Jana Nováková, 24. 3. 2027",
		`"block_id":"deadline:`+d2.Key()+`|2027-03-27"`) // the other row keeps its buttons
	if strings.Contains(blocks, `"block_id":"deadline:`+d1.Key()+`|2027-03-25","elements":[{"type":"button"`) {
		t.Errorf("the done row still has buttons: %s", blocks)
	}

	h.click(post, ActionDeadlinePostpone, "deadline:"+d2.Key()+"|2027-03-27", d2.Key()+"|2027-03-27", "UJANA")
	ds, _ = h.db.Deadlines(ctx, commands.DeadlineQuery{MeasureIDs: []int64{h.f019}})
	found := false
	for _, d := range ds {
		if d.ID == d2.ID {
			found = true
			if d.Due != commands.NewDate(2027, 4, 3) || d.State != commands.DeadlinePostponed {
				t.Errorf("after postpone: %+v", d)
			}
		}
	}
	if !found {
		t.Fatal("postponed deadline gone")
	}
	mustContainAll(t, "postponed message", h.slack.callsOf("chat.update")[1].Form.Get("blocks"),
		"Jana Nováková hat auf 03.04.2027 verschoben / Jana Nováková odložil(a) termín na 3. 4. 2027")

	// the same postpone button again (an old message): nothing moves
	deadlines := func() string {
		ds, _ := h.db.Deadlines(ctx, commands.DeadlineQuery{MeasureIDs: []int64{h.f019}, WithDone: true})
		b, _ := json.Marshal(ds)
		return string(b) + strconv.Itoa(len(h.entries()))
	}
	before := deadlines()
	h.click(post, ActionDeadlinePostpone, "deadline:"+d2.Key()+"|2027-03-27", d2.Key()+"|2027-03-27", "UADMIN")
	if deadlines() != before {
		t.Error("an outdated postpone button moved the deadline again or logged")
	}
	// the message, rebuilt from the store, still says who moved it
	mustContainAll(t, "outdated press", h.slack.callsOf("chat.update")[2].Form.Get("blocks"),
		"Jana Nováková hat auf 03.04.2027 verschoben", "Erledigt von Jana Nováková am 24.03.2027")

	// a postponed deadline restarts its stages: 3 days before the new day
	// it is reminded again
	now2 := time.Date(2027, 3, 31, 8, 0, 0, 0, time.UTC)
	r.Now = func() time.Time { return now2 }
	if n, _ := r.RunOnce(ctx); n != 1 {
		t.Errorf("pass after postponing: %d messages", n)
	}
	mustContainAll(t, "reminder of the postponed deadline", h.slack.callsOf("chat.postMessage")[len(h.slack.callsOf("chat.postMessage"))-1].Form.Get("blocks"),
		"03.04.2027 · Projektskizze (fällig in 3 Tagen)")
}

// lastTS is the ts the fake Slack gave its latest message.
func (h *harness) lastTS() string {
	h.slack.mu.Lock()
	defer h.slack.mu.Unlock()
	return fmt.Sprintf("1700001000.%06d", h.slack.ts)
}

// TestThreadReplySaysDone: a reply in a reminder's thread that says it is
// done is logged and answered with the done buttons, never taken as the
// decision itself.
func TestThreadReplySaysDone(t *testing.T) {
	ctx := context.Background()
	h, r := remindHarness(t, time.Date(2027, 3, 24, 8, 0, 0, 0, time.UTC))
	h.slack.users["UJANA"] = slackUser{Name: "Jana", Locale: "es-LA"}
	d, err := h.db.AddDeadline(ctx, commands.Deadline{MeasureID: h.f019, Due: commands.NewDate(2027, 3, 25), Text: "Anruf"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	parent := h.lastTS()
	before := len(h.slack.callsOf("chat.postMessage"))
	h.event("Ev1", map[string]any{"type": "message", "channel": chanF019, "user": "UJANA", "text": "¡Listo! Ya llamamos.",
		"ts": "1700002000.000001", "thread_ts": parent}, nil)
	h.settle()
	if e, ok := h.entryWith("¡Listo! Ya llamamos."); !ok || e.Source != commands.SourceThread {
		t.Fatalf("reply not logged: %+v", h.entries())
	}
	posts := h.slack.callsOf("chat.postMessage")[before:]
	var offer *slackCall
	for i, p := range posts {
		if strings.Contains(p.Form.Get("blocks"), ActionDeadlineDone) {
			offer = &posts[i]
		}
	}
	if offer == nil {
		t.Fatalf("no done offer among %d posts", len(posts))
	}
	if offer.Form.Get("thread_ts") != parent {
		t.Errorf("offer not in the thread: %v", offer.Form)
	}
	mustContainAll(t, "offer", offer.Form.Get("blocks"), "¿Se cumplió algún plazo de F.019?", "Hecho", d.Key()+"|2027-03-25")
	ds, _ := h.db.Deadlines(ctx, commands.DeadlineQuery{MeasureIDs: []int64{h.f019}})
	for _, x := range ds {
		if x.ID == d.ID && !x.State.Open() {
			t.Error("the typed word closed the deadline")
		}
	}
	// a reply without a done word gets no offer
	before = len(h.slack.callsOf("chat.postMessage"))
	h.event("Ev2", map[string]any{"type": "message", "channel": chanF019, "user": "UJANA", "text": "Llamamos mañana.",
		"ts": "1700002000.000002", "thread_ts": parent}, nil)
	h.settle()
	for _, p := range h.slack.callsOf("chat.postMessage")[before:] {
		if strings.Contains(p.Form.Get("blocks"), ActionDeadlineDone) {
			t.Error("offer without a done word")
		}
	}
}

func TestSaysDone(t *testing.T) {
	for text, want := range map[string]bool{
		"erledigt": true, "Ist ERLEDIGT.": true, "hotovo!": true, "Splněno": true, "¡Listo!": true, "hecho": true,
		"done, thanks": true, "terminé": false, "Termine morgen": false, "erledigte Aufgaben folgen": false,
		"noch nicht fertig?": true, "": false, "listos": false,
	} {
		if got := saysDone(text); got != want {
			t.Errorf("saysDone(%q) = %v, want %v", text, got, want)
		}
	}
}

// TestNoChangeButton: the nudge's button logs "no change" by who pressed.
func TestNoChangeButton(t *testing.T) {
	now := time.Date(2027, 3, 24, 8, 0, 0, 0, time.UTC)
	h, r := remindHarness(t, now)
	// 61 days after the last progress the measure is stale
	r.Now = func() time.Time { return now.AddDate(0, 0, 60) }
	if _, err := r.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	var nudge *slackCall
	for i, p := range h.slack.callsOf("chat.postMessage") {
		if strings.Contains(p.Form.Get("blocks"), ActionNoChange) {
			nudge = &h.slack.callsOf("chat.postMessage")[i]
		}
	}
	if nudge == nil {
		t.Fatal("no nudge posted")
	}
	nudge.Form.Set("ts_for_test", h.lastTS())
	value := strconv.FormatInt(h.f019, 10)
	h.click(*nudge, ActionNoChange, "nochange:"+value, value, "UADMIN")
	if e, ok := h.entryWith("Keine Änderung – weiter auf Kurs."); !ok || e.Author.ID != "UADMIN" || e.Source != commands.SourceButton {
		t.Errorf("entries = %+v", h.entries())
	}
}

// entryWith finds the progress entry of F.019 with text.
func (h *harness) entryWith(text string) (commands.Entry, bool) {
	for _, e := range h.entries() {
		if e.Text == text {
			return e, true
		}
	}
	return commands.Entry{}, false
}

// TestReminderThroughSlackErrors: Slack answers 429 (Retry-After), then 500,
// then takes the post: one reminder, posted once, recorded once.
func TestReminderThroughSlackErrors(t *testing.T) {
	ctx := context.Background()
	h, r := remindHarness(t, time.Date(2027, 3, 24, 8, 0, 0, 0, time.UTC))
	if _, err := h.db.AddDeadline(ctx, commands.Deadline{MeasureID: h.f019, Due: commands.NewDate(2027, 3, 25), Text: "Anruf"}); err != nil {
		t.Fatal(err)
	}
	completeOldSteps(t, h) // one message: no catch-up
	h.slack.failFirst("chat.postMessage", 429, 500)
	if n, err := r.RunOnce(ctx); err != nil || n != 1 {
		t.Fatalf("RunOnce = %d, %v", n, err)
	}
	if n, err := r.RunOnce(ctx); err != nil || n != 0 {
		t.Fatalf("second RunOnce = %d, %v", n, err)
	}
	calls := h.slack.callsOf("chat.postMessage")
	if len(calls) != 3 {
		t.Errorf("chat.postMessage called %d times, want 3 (429, 500, ok)", len(calls))
	}
	if pending, _ := h.db.PendingClaims(ctx); len(pending) != 0 {
		t.Errorf("pending claims: %+v", pending)
	}
	if _, ok, _ := h.db.MeasureForMessage(ctx, chanF019, h.lastTS()); !ok {
		t.Error("the posted reminder is not recorded")
	}
}

// completeOldSteps ticks off steps 1-6 of testF019 (planned 2022-2025), so
// a pass posts no catch-up for them.
func completeOldSteps(t *testing.T, h *harness) {
	t.Helper()
	if _, err := h.db.CompleteSteps(context.Background(), h.f019, []int{1, 2, 3, 4, 5, 6}, commands.Person{ID: "U0"}, time.Time{}, nil); err != nil {
		t.Fatal(err)
	}
}

// catchUpPostedBefore records F.019's catch-up in its channel as posted long ago,
// so a pass reminds its overdue steps as ordinary rows with buttons.
func catchUpPostedBefore(t *testing.T, h *harness) {
	t.Helper()
	ctx := context.Background()
	c := commands.Claim{ID: "old-catchup", ChannelID: chanF019, MeasureID: h.f019,
		Rows: []commands.SentRow{{Key: "s0.0", Due: commands.NewDate(2020, 1, 1), Stage: 0}}}
	if err := h.db.ClaimCatchUp(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := h.db.ConfirmReminder(ctx, c.ID, "1600000000.000001"); err != nil {
		t.Fatal(err)
	}
}
