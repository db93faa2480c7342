package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klimabot/klimabot/commands"
)

// interactionFixture loads a payload recorded in Slack's SDK tests
// (testdata/interactions).
func interactionFixture(t *testing.T, name string) map[string]any {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "interactions", name))
	if err != nil {
		t.Fatal(err)
	}
	var p map[string]any
	if err := json.Unmarshal(raw, &p); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return p
}

// clickOn is block_actions.json as a click by user (home workspace team) on
// the bot's message ts in channel. stale, when set, is the message as the
// clicker's client shows it (blocks as posted); responseURL gets the
// ephemeral answers.
func clickOn(t *testing.T, user, team, channel, ts string, stale []any, responseURL string, actions ...map[string]any) map[string]any {
	t.Helper()
	p := interactionFixture(t, "block_actions.json")
	u := p["user"].(map[string]any)
	u["id"], u["team_id"], u["username"], u["name"] = user, team, strings.ToLower(user), strings.ToLower(user)
	p["team"].(map[string]any)["id"] = homeTeam
	p["channel"].(map[string]any)["id"] = channel
	c := p["container"].(map[string]any)
	c["message_ts"], c["channel_id"], c["is_ephemeral"] = ts, channel, false
	p["response_url"] = responseURL
	if stale != nil {
		p["message"] = map[string]any{"type": "message", "user": botUser, "bot_id": botBotID, "ts": ts, "text": "", "blocks": stale}
	}
	list := make([]any, len(actions))
	for i, a := range actions {
		list[i] = a
	}
	p["actions"] = list
	return p
}

// button is one clicked button as the actions list of a payload holds it.
func button(actionID, blockID, value string) map[string]any {
	return map[string]any{
		"action_id": actionID, "block_id": blockID, "value": value, "type": "button",
		"text": map[string]any{"type": "plain_text", "text": "Erledigt", "emoji": true}, "action_ts": "1596530385.194939",
	}
}

// rowValue is the value (and, with "deadline:", the block id) of a
// deadline's row in a reminder.
func rowValue(d commands.Deadline) string { return d.Key() + "|" + d.Due.String() }

// postedBlocks returns the blocks of a posted message as the client has
// them.
func postedBlocks(t *testing.T, call slackCall) []any {
	t.Helper()
	var blocks []any
	if err := json.Unmarshal([]byte(call.Form.Get("blocks")), &blocks); err != nil {
		t.Fatal(err)
	}
	return blocks
}

// state is what the store says of F.019's deadlines, steps and entries, for
// "nothing changed" checks.
func (h *harness) state() string {
	h.t.Helper()
	ctx := context.Background()
	ds, err := h.db.Deadlines(ctx, commands.DeadlineQuery{WithDone: true})
	if err != nil {
		h.t.Fatal(err)
	}
	m, err := h.db.Measure(ctx, "F.019")
	if err != nil {
		h.t.Fatal(err)
	}
	b, _ := json.Marshal([]any{ds, m.Steps, h.entries()})
	return string(b)
}

// deadlineNow finds a deadline by key as the store has it now; a step's key
// finds the step's explicit deadline once it has one.
func (h *harness) deadlineNow(key string) commands.Deadline {
	h.t.Helper()
	ds, err := h.db.Deadlines(context.Background(), commands.DeadlineQuery{WithDone: true})
	if err != nil {
		h.t.Fatal(err)
	}
	var found commands.Deadline
	for _, d := range ds {
		step := fmt.Sprintf("s%d.%d", d.MeasureID, d.Step)
		if d.Key() == key || (d.Step > 0 && step == key && (found.Key() == "d0" || found.Implied)) {
			found = d
		}
	}
	return found
}

// TestOldButtonsAfterUnfollow: after /klima unfollow, the buttons of the
// channel's old reminders are refused like a command would be, with a
// localized answer to the clicker alone, and change nothing; an admin may
// still use them, but not an admin's user id from another workspace.
func TestOldButtonsAfterUnfollow(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2027, 3, 24, 8, 0, 0, 0, time.UTC)
	h, r := remindHarness(t, now)
	rurl := newResponseURL(t)
	d1, err := h.db.AddDeadline(ctx, commands.Deadline{MeasureID: h.f019, Due: commands.NewDate(2027, 3, 25), Text: "Anruf in Nové Město"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	reminder := h.lastTS()
	r.Now = func() time.Time { return now.AddDate(0, 0, 61) } // and a stale nudge
	if _, err := r.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	nudge := h.lastTS()
	r.Now = func() time.Time { return now }

	if _, body := h.command(adminUser, chanF019, "entfolgen F.019", ""); !strings.Contains(body, "F.019") {
		t.Fatalf("unfollow: %s", body)
	}
	before := h.state()
	updates := len(h.slack.callsOf("chat.update"))
	value := rowValue(d1)
	nudgeValue := strconv.FormatInt(h.f019, 10)
	for _, click := range []map[string]any{
		clickOn(t, "U1", homeTeam, chanF019, reminder, nil, rurl.srv.URL, button(ActionDeadlineDone, "deadline:"+value, value)),
		clickOn(t, "UCS", homeTeam, chanF019, reminder, nil, rurl.srv.URL, button(ActionDeadlinePostpone, "deadline:"+value, value)),
		clickOn(t, "U1", homeTeam, chanF019, nudge, nil, rurl.srv.URL, button(ActionNoChange, "nochange:"+nudgeValue, nudgeValue)),
		// an admin's user id, clicking from another workspace: not an admin
		clickOn(t, adminUser, "T0PARTNER", chanF019, reminder, nil, rurl.srv.URL, button(ActionDeadlineDone, "deadline:"+value, value)),
	} {
		if status, body := h.interact(click); status != 200 || body != "" {
			t.Fatalf("ack: %d %q", status, body)
		}
		h.settle()
	}
	if h.state() != before {
		t.Errorf("old buttons changed the store after unfollow:\nbefore %s\nafter  %s", before, h.state())
	}
	if n := len(h.slack.callsOf("chat.update")); n != updates {
		t.Errorf("%d messages updated", n-updates)
	}
	got := rurl.got()
	if len(got) != 4 {
		t.Fatalf("answers to the clickers: %+v", got)
	}
	for i, lang := range []string{"Dieser Kanal folgt der Maßnahme nicht", "tento kanál opatření nesleduje", "Dieser Kanal folgt", "Dieser Kanal folgt"} {
		if got[i].ResponseType != "ephemeral" || !strings.Contains(got[i].Text, lang) {
			t.Errorf("answer %d = %+v, want an ephemeral containing %q", i, got[i], lang)
		}
	}

	// an admin of the installing workspace may anywhere
	h.interact(clickOn(t, adminUser, homeTeam, chanF019, reminder, nil, rurl.srv.URL, button(ActionDeadlineDone, "deadline:"+value, value)))
	h.settle()
	if d := h.deadlineNow(d1.Key()); d.State != commands.DeadlineDone || d.DoneBy.ID != adminUser {
		t.Errorf("admin's click: %+v", d)
	}
}

// TestButtonActsOnlyOnItsMessage: a click acts only on a row of the message
// it is on: another measure's step, a date the message did not show, a
// bogus date, a no-change on anything but its own nudge, a message of
// another channel or one the bot never posted, and 500 actions in one
// payload are all refused, changing nothing.
func TestButtonActsOnlyOnItsMessage(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2027, 3, 24, 8, 0, 0, 0, time.UTC)
	h, r := remindHarness(t, now)
	rurl := newResponseURL(t)
	if _, err := h.db.Import(ctx, "other.txt", []commands.Measure{{Code: "B.2", Title: "Andere Maßnahme",
		Steps: []commands.Step{{Number: 1, Text: "Fremder Schritt", PlannedYear: 2026}, {Number: 2, Text: "Noch einer", PlannedYear: 2026}}}}); err != nil {
		t.Fatal(err)
	}
	other, err := h.db.Measure(ctx, "B.2")
	if err != nil {
		t.Fatal(err)
	}
	d1, err := h.db.AddDeadline(ctx, commands.Deadline{MeasureID: h.f019, Due: commands.NewDate(2027, 3, 25), Text: "Anruf"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	reminder := h.lastTS()
	r.Now = func() time.Time { return now.AddDate(0, 0, 61) }
	if _, err := r.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	nudge := h.lastTS()
	r.Now = func() time.Time { return now }
	beforeOther, _ := json.Marshal(other.Steps)

	foreign := fmt.Sprintf("s%d.2|2026-12-31", other.ID)
	f019 := strconv.FormatInt(h.f019, 10)
	many := make([]map[string]any, 500)
	for i := range many {
		many[i] = button(ActionNoChange, "nochange:"+f019, f019)
	}
	before := h.state()
	cases := []struct {
		name  string
		click map[string]any
	}{
		{"another measure's step", clickOn(t, "U1", homeTeam, chanF019, reminder, nil, rurl.srv.URL, button(ActionDeadlineDone, "deadline:"+foreign, foreign))},
		{"another measure's step, postponed", clickOn(t, "U1", homeTeam, chanF019, reminder, nil, rurl.srv.URL, button(ActionDeadlinePostpone, "deadline:"+foreign, foreign))},
		{"bogus date", clickOn(t, "U1", homeTeam, chanF019, reminder, nil, rurl.srv.URL, button(ActionDeadlineDone, "b", fmt.Sprintf("s%d.1|0000-00-00", h.f019)))},
		{"a date the message did not show", clickOn(t, "U1", homeTeam, chanF019, reminder, nil, rurl.srv.URL, button(ActionDeadlinePostpone, "b", d1.Key()+"|2027-03-26"))},
		{"no change of another measure on a nudge", clickOn(t, "U1", homeTeam, chanF019, nudge, nil, rurl.srv.URL, button(ActionNoChange, "b", strconv.FormatInt(other.ID, 10)))},
		{"no change on a reminder", clickOn(t, "U1", homeTeam, chanF019, reminder, nil, rurl.srv.URL, button(ActionNoChange, "b", f019))},
		{"postpone on a nudge", clickOn(t, "U1", homeTeam, chanF019, nudge, nil, rurl.srv.URL, button(ActionDeadlinePostpone, "b", rowValue(d1)))},
		{"the message in another channel", clickOn(t, "U1", homeTeam, chanOther, reminder, nil, rurl.srv.URL, button(ActionDeadlineDone, "b", rowValue(d1)))},
		{"a message the bot never posted", clickOn(t, "U1", homeTeam, chanF019, "1699990000.000100", nil, rurl.srv.URL, button(ActionDeadlineDone, "b", rowValue(d1)))},
		{"500 actions in one payload", clickOn(t, "U1", homeTeam, chanF019, nudge, nil, rurl.srv.URL, many...)},
	}
	for _, c := range cases {
		if status, body := h.interact(c.click); status != 200 || body != "" {
			t.Fatalf("%s: ack %d %q", c.name, status, body)
		}
		h.settle()
		if after := h.state(); after != before {
			t.Fatalf("%s changed the store:\nbefore %s\nafter  %s", c.name, before, after)
		}
	}
	m, _ := h.db.Measure(ctx, "B.2")
	if afterOther, _ := json.Marshal(m.Steps); string(afterOther) != string(beforeOther) {
		t.Errorf("B.2's steps changed: %s", afterOther)
	}
	if _, bogus := h.entryWith("Frist vom 00.00.0000 erledigt: "); bogus {
		t.Error("an entry dated 00.00.0000")
	}
	got := rurl.got()
	if len(got) != len(cases)-1 { // the 500-action payload is not a click: no answer
		t.Fatalf("%d answers to %d refused clicks: %+v", len(got), len(cases)-1, got)
	}
	for _, g := range got {
		mustContainAll(t, "refusal", g.Text, "Diese Schaltfläche ist nicht mehr gültig")
	}
	if n := len(h.slack.callsOf("chat.update")); n != 0 {
		t.Errorf("%d refused clicks updated a message", n)
	}

	// and the genuine click on the reminder works
	h.interact(clickOn(t, "U1", homeTeam, chanF019, reminder, nil, rurl.srv.URL, button(ActionDeadlineDone, "deadline:"+rowValue(d1), rowValue(d1))))
	h.settle()
	if d := h.deadlineNow(d1.Key()); d.State != commands.DeadlineDone {
		t.Errorf("the genuine click did not close the deadline: %+v", d)
	}
}

// TestClicksRebuildFromStore: two people clicking two rows of one reminder
// at once, each with the message as their client last saw it, end up with
// both rows done; a later click from a stale copy does not bring a done row
// back either. The message is rebuilt from the store.
func TestClicksRebuildFromStore(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2027, 3, 24, 8, 0, 0, 0, time.UTC)
	h, r := remindHarness(t, now)
	var ds []commands.Deadline
	for i, text := range []string{"Anruf in Nové Město", "Projektskizze", "Ratsvorlage"} {
		d, err := h.db.AddDeadline(ctx, commands.Deadline{MeasureID: h.f019, Due: commands.NewDate(2027, 3, 25+i), Text: text})
		if err != nil {
			t.Fatal(err)
		}
		ds = append(ds, d)
	}
	catchUpPostedBefore(t, h) // the overdue steps are rows of this reminder too
	if _, err := r.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	posts := h.slack.callsOf("chat.postMessage")
	ts, stale := h.lastTS(), postedBlocks(t, posts[len(posts)-1])

	var wg sync.WaitGroup
	for i, user := range []string{"UCS", "UDE"} {
		v := rowValue(ds[i])
		p := clickOn(t, user, homeTeam, chanF019, ts, stale, "", button(ActionDeadlineDone, "deadline:"+v, v))
		wg.Add(1)
		go func() {
			defer wg.Done()
			h.interact(p)
		}()
	}
	wg.Wait()
	h.settle()
	// a third click from the same stale copy, on the third row
	v := rowValue(ds[2])
	h.interact(clickOn(t, "UES", homeTeam, chanF019, ts, stale, "", button(ActionDeadlinePostpone, "deadline:"+v, v)))
	h.settle()

	updates := h.slack.callsOf("chat.update")
	if len(updates) != 3 {
		t.Fatalf("%d updates", len(updates))
	}
	last := updates[len(updates)-1]
	if last.Form.Get("ts") != ts || last.Form.Get("channel") != chanF019 {
		t.Errorf("updated %s/%s", last.Form.Get("channel"), last.Form.Get("ts"))
	}
	blocks := last.Form.Get("blocks")
	mustContainAll(t, "the message after three clicks", blocks,
		"Erledigt von Jana Nováková am 24.03.2027", "Erledigt von Dieter Müller am 24.03.2027",
		"María Pérez hat auf 03.04.2027 verschoben")
	for _, d := range ds {
		if strings.Contains(blocks, `"type":"actions","block_id":"deadline:`+rowValue(d)) {
			t.Errorf("the row of %s has its buttons again: %s", d.Text, blocks)
		}
	}
	if strings.Count(blocks, `"type":"actions"`) != 6 { // the six overdue steps keep theirs
		t.Errorf("%d rows with buttons, want 6 (the steps): %s", strings.Count(blocks, `"type":"actions"`), blocks)
	}
	cleanLine(t, "updated text", last.Form.Get("text"))
}

// TestPostponeOverdue: postponing moves a deadline a week from its due day,
// or from today when it is overdue — a step years overdue moves to a week
// from today, not to a week after its old day.
func TestPostponeOverdue(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2027, 3, 24, 8, 0, 0, 0, time.UTC)
	h, r := remindHarness(t, now)
	soon, err := h.db.AddDeadline(ctx, commands.Deadline{MeasureID: h.f019, Due: commands.NewDate(2027, 3, 27), Text: "Projektskizze"})
	if err != nil {
		t.Fatal(err)
	}
	catchUpPostedBefore(t, h) // step 1 is a row of this reminder
	if _, err := r.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	ts := h.lastTS()
	step1 := commands.Deadline{MeasureID: h.f019, Step: 1, Implied: true, Due: commands.NewDate(2022, 12, 31)}
	for _, v := range []string{rowValue(step1), rowValue(soon)} {
		h.interact(clickOn(t, "U1", homeTeam, chanF019, ts, nil, "", button(ActionDeadlinePostpone, "deadline:"+v, v)))
		h.settle()
	}
	d := h.deadlineNow(step1.Key())
	if d.Due != commands.NewDate(2027, 3, 31) || d.State != commands.DeadlinePostponed || d.Step != 1 {
		t.Errorf("step 1, due 31.12.2022, postponed on 24.03.2027: %+v", d)
	}
	if d := h.deadlineNow(soon.Key()); d.Due != commands.NewDate(2027, 4, 3) {
		t.Errorf("a deadline due in 3 days moved to %s, want 2027-04-03", d.Due)
	}
	if _, ok := h.entryWith("Frist um eine Woche verschoben auf 31.03.2027: Analyse klimatischer Parallelen"); !ok {
		t.Errorf("entries = %+v", h.entries())
	}
}

// TestDoneOfferClick: the done buttons offered in a reminder's thread act
// on their own offer: the click closes the deadline, and the offer is
// rebuilt in the language it was written in; a postpone value on an offer
// (which has none) is refused.
func TestDoneOfferClick(t *testing.T) {
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
	h.event("Ev1", map[string]any{"type": "message", "channel": chanF019, "user": "UJANA", "text": "¡Listo! Ya llamamos.",
		"ts": "1700002000.000001", "thread_ts": parent}, nil)
	h.settle()
	offer := h.lastTS()
	v := rowValue(d)
	before := h.state()
	h.interact(clickOn(t, "UJANA", homeTeam, chanF019, offer, nil, "", button(ActionDeadlinePostpone, "deadline:"+v, v)))
	h.settle()
	if h.state() != before {
		t.Error("a postpone on a done offer changed the store")
	}
	p := clickOn(t, "UJANA", homeTeam, chanF019, offer, nil, "", button(ActionDeadlineDone, "deadline:"+v, v))
	p["container"].(map[string]any)["thread_ts"] = parent
	h.interact(p)
	h.settle()
	if got := h.deadlineNow(d.Key()); got.State != commands.DeadlineDone || got.DoneBy.ID != "UJANA" {
		t.Errorf("after the click: %+v", got)
	}
	updates := h.slack.callsOf("chat.update")
	if len(updates) != 1 || updates[0].Form.Get("ts") != offer {
		t.Fatalf("updates = %+v", updates)
	}
	mustContainAll(t, "rebuilt offer", updates[0].Form.Get("blocks"), "¿Se cumplió algún plazo de F.019?", "Jana")
	if strings.Contains(updates[0].Form.Get("blocks"), "Erledigt von") {
		t.Errorf("the Spanish offer was rebuilt in German: %s", updates[0].Form.Get("blocks"))
	}
}
