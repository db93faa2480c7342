package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/klimabot/klimabot/commands"
)

// TestBlockActionsDispatch: a click reaches the handler registered for the
// button's action id (without the "#n" the renderer added); a click nobody
// handles is acknowledged and logged; a payload with more than one action
// is not a click, and none of its actions is handled.
func TestBlockActionsDispatch(t *testing.T) {
	h := newHarness(t)
	var mu sync.Mutex
	var got []Action
	h.bot.HandleAction("deadline_done", func(ctx context.Context, a Action) {
		if ctx.Err() != nil {
			t.Error("handler got a finished context")
		}
		mu.Lock()
		got = append(got, a)
		mu.Unlock()
	})
	payload := map[string]any{
		"type": "block_actions", "user": map[string]any{"id": "U1"}, "trigger_id": "T1",
		"response_url": "https://hooks.slack.com/actions/x", "channel": map[string]any{"id": chanF019},
		"container": map[string]any{"type": "message", "message_ts": "1699990000.000100", "channel_id": chanF019},
		"actions": []map[string]any{
			{"action_id": "deadline_done#2", "block_id": "b1", "value": "d17", "type": "button"},
		},
	}
	status, body := h.interact(payload)
	if status != 200 || body != "" {
		t.Fatalf("ack: %d %q", status, body)
	}
	payload["actions"] = []map[string]any{{"action_id": "nobody_handles_this", "block_id": "b2", "value": "x", "type": "button"}}
	h.interact(payload)
	many := make([]map[string]any, 500)
	for i := range many {
		many[i] = map[string]any{"action_id": "deadline_done", "block_id": fmt.Sprint("b", i), "value": fmt.Sprint("d", i), "type": "button"}
	}
	payload["actions"] = many
	if status, body := h.interact(payload); status != 200 || body != "" {
		t.Fatalf("ack of 500 actions: %d %q", status, body)
	}
	h.settle()
	if len(got) != 1 {
		t.Fatalf("handler called %d times", len(got))
	}
	a := got[0]
	if a.ID != "deadline_done" || a.ActionID != "deadline_done#2" || a.Value != "d17" || a.UserID != "U1" ||
		a.ChannelID != chanF019 || a.MessageTS != "1699990000.000100" || a.ResponseURL == "" || a.Callback == nil {
		t.Errorf("action = %+v", a)
	}
	mustContainAll(t, "logs", h.logs.String(), "nobody_handles_this")
}

// shortcutPayload is the "log as progress" message shortcut (Slack's
// recorded message_action.json) on a message by UAUTHOR, used by U2.
func shortcutPayload(t *testing.T, channel string) map[string]any {
	return shortcutOn(t, "U2", homeTeam, channel, "UAUTHOR", "Wir haben &lt;heute&gt; den Workshop mit Nové Město geplant &amp; terminiert.")
}

// shortcutOn is message_action.json: user (of team) runs "log as progress"
// on a message author wrote in channel, text as Slack escapes it.
func shortcutOn(t *testing.T, user, team, channel, author, text string) map[string]any {
	t.Helper()
	p := interactionFixture(t, "message_action.json")
	p["callback_id"] = CallbackLogAsProgress
	p["team"].(map[string]any)["id"] = homeTeam
	p["user"] = map[string]any{"id": user, "name": strings.ToLower(user), "team_id": team}
	p["channel"].(map[string]any)["id"] = channel
	p["message_ts"] = "1699990500.000600"
	m := p["message"].(map[string]any)
	m["user"], m["ts"], m["text"], m["team"] = author, "1699990500.000600", text, homeTeam
	delete(m, "blocks") // the rich text of the recorded message says something else
	return p
}

// submission is view_submission.json: user submits the "log as progress"
// modal with metadata, the measure code picked and their own addition.
func submission(user, metadata, code, addition string) map[string]any {
	raw, err := os.ReadFile(filepath.Join("testdata", "interactions", "view_submission.json"))
	if err != nil {
		panic(err)
	}
	var p map[string]any
	if err := json.Unmarshal(raw, &p); err != nil {
		panic(err)
	}
	p["user"] = map[string]any{"id": user, "username": strings.ToLower(user), "name": strings.ToLower(user), "team_id": homeTeam}
	p["team"].(map[string]any)["id"] = homeTeam
	pick := map[string]any{"type": "static_select", "selected_option": map[string]any{"value": code, "text": map[string]any{"type": "plain_text", "text": code}}}
	v := p["view"].(map[string]any)
	v["callback_id"], v["private_metadata"], v["team_id"], v["app_installed_team_id"] = CallbackLogAsProgress, metadata, homeTeam, homeTeam
	v["state"] = map[string]any{"values": map[string]any{
		blockMeasure: map[string]any{blockMeasure: pick},
		blockText:    map[string]any{blockText: map[string]any{"type": "plain_text_input", "value": addition}},
	}}
	return p
}

// TestLogAsProgressManyMeasures: with more than 100 measures the modal asks
// for the code as text.
func TestLogAsProgressManyMeasures(t *testing.T) {
	h := newHarness(t)
	var ms []commands.Measure
	for i := 0; i < 100; i++ {
		ms = append(ms, commands.Measure{Code: fmt.Sprintf("M.%03d", i), Title: "Maßnahme"})
	}
	if _, err := h.db.Import(context.Background(), "many.csv", ms); err != nil {
		t.Fatal(err)
	}
	h.interact(shortcutPayload(t, chanF019))
	h.settle()
	opens := h.slack.callsOf("views.open")
	if len(opens) != 1 {
		t.Fatalf("%d views.open", len(opens))
	}
	raw, _ := json.Marshal(opens[0].JSON["view"])
	mustContainAll(t, "view", string(raw), `"element":{"action_id":"measure","initial_value":"F.019"`)
	if strings.Contains(string(raw), "static_select") {
		t.Errorf("a picker with more than 100 measures: %s", raw)
	}
}
