package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/klimabot/klimabot/commands"
)

// TestBlockActionsDispatch: a click reaches the handler registered for the
// button's action id (without the "#n" the renderer added); a click nobody
// handles is acknowledged and logged.
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
			{"action_id": "nobody_handles_this", "block_id": "b2", "value": "x", "type": "button"},
		},
	}
	status, body := h.interact(payload)
	if status != 200 || body != "" {
		t.Fatalf("ack: %d %q", status, body)
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

// shortcutPayload is the "log as progress" message shortcut on a message
// by UAUTHOR, used by U2.
func shortcutPayload(channel string) map[string]any {
	return map[string]any{
		"type": "message_action", "callback_id": CallbackLogAsProgress, "trigger_id": "13345224609.738474920.8088930838d88f008e0",
		"user": map[string]any{"id": "U2", "name": "zoe"}, "channel": map[string]any{"id": channel},
		"message_ts": "1699990500.000600",
		"message": map[string]any{"type": "message", "user": "UAUTHOR", "ts": "1699990500.000600",
			"text": "Wir haben &lt;heute&gt; den Workshop mit Nové Město geplant &amp; terminiert."},
		"response_url": "https://hooks.slack.com/app/x",
	}
}

func submission(user, metadata, code, text string) map[string]any {
	pick := map[string]any{"type": "static_select", "selected_option": map[string]any{"value": code, "text": map[string]any{"type": "plain_text", "text": code}}}
	return map[string]any{
		"type": "view_submission", "user": map[string]any{"id": user},
		"view": map[string]any{
			"id": "V1", "type": "modal", "callback_id": CallbackLogAsProgress, "private_metadata": metadata,
			"state": map[string]any{"values": map[string]any{
				blockMeasure: map[string]any{blockMeasure: pick},
				blockText:    map[string]any{blockText: map[string]any{"type": "plain_text_input", "value": text}},
			}},
		},
	}
}

// TestLogAsProgressShortcut: the message shortcut opens a modal with the
// measures (the channel's first) and the message text; submitting it
// stores the entry with the message's author, in the message's channel,
// closes the modal and announces in the channel.
func TestLogAsProgressShortcut(t *testing.T) {
	h := newHarness(t)
	status, body := h.interact(shortcutPayload(chanF019))
	if status != 200 || body != "" {
		t.Fatalf("ack: %d %q", status, body)
	}
	h.settle()
	opens := h.slack.callsOf("views.open")
	if len(opens) != 1 {
		t.Fatalf("%d views.open", len(opens))
	}
	if opens[0].JSON["trigger_id"] != "13345224609.738474920.8088930838d88f008e0" {
		t.Errorf("trigger_id = %v", opens[0].JSON["trigger_id"])
	}
	raw, _ := json.Marshal(opens[0].JSON["view"])
	var view struct {
		CallbackID      string `json:"callback_id"`
		PrivateMetadata string `json:"private_metadata"`
		Title           struct{ Text string }
		Blocks          []struct {
			BlockID string `json:"block_id"`
			Element struct {
				Type          string                  `json:"type"`
				InitialValue  string                  `json:"initial_value"`
				Multiline     bool                    `json:"multiline"`
				MaxLength     int                     `json:"max_length"`
				InitialOption *struct{ Value string } `json:"initial_option"`
				Options       []struct{ Value string }
			} `json:"element"`
		}
	}
	if err := json.Unmarshal(raw, &view); err != nil {
		t.Fatal(err)
	}
	if view.CallbackID != CallbackLogAsProgress || view.Title.Text != "Fortschritt eintragen" || len(view.Blocks) != 2 {
		t.Fatalf("view = %s", raw)
	}
	sel, text := view.Blocks[0].Element, view.Blocks[1].Element
	if sel.Type != "static_select" || len(sel.Options) != 2 || sel.Options[0].Value != "F.019" || sel.InitialOption == nil || sel.InitialOption.Value != "F.019" {
		t.Errorf("measure picker = %+v", sel)
	}
	if !text.Multiline || text.MaxLength != commands.MaxTextLen ||
		text.InitialValue != "Wir haben <heute> den Workshop mit Nové Město geplant & terminiert." {
		t.Errorf("text input = %+v", text)
	}
	if strings.Contains(view.PrivateMetadata, "Workshop") || !strings.Contains(view.PrivateMetadata, "UAUTHOR") {
		t.Errorf("private_metadata = %q: the author, not the text", view.PrivateMetadata)
	}

	status, body = h.interact(submission("U2", view.PrivateMetadata, "F.019", "Workshop mit Nové Město geplant (bearbeitet)"))
	if status != 200 || !strings.Contains(body, `"response_action":"clear"`) {
		t.Fatalf("submission: %d %s", status, body)
	}
	h.settle()
	es := h.entries()
	if len(es) != 1 {
		t.Fatalf("entries = %+v", es)
	}
	e := es[0]
	if e.Author.ID != "UAUTHOR" || e.Author.Name != "Anna Autorin" || e.ChannelID != chanF019 || e.Source != "shortcut" ||
		e.Text != "Workshop mit Nové Město geplant (bearbeitet)" {
		t.Errorf("entry = %+v", e)
	}
	posts := h.slack.callsOf("chat.postMessage")
	if len(posts) != 1 || posts[0].Form.Get("channel") != chanF019 {
		t.Fatalf("announcements = %+v", posts)
	}
	mustContainAll(t, "announcement", posts[0].Form.Get("text"), "Anna Autorin hat Fortschritt zu")
}

// TestLogAsProgressErrors: refusals come back on the field that caused
// them, in the submitter's language, and write nothing.
func TestLogAsProgressErrors(t *testing.T) {
	h := newHarness(t)
	meta := func(channel string) string {
		return fmt.Sprintf(`{"c":%q,"ts":"1699990500.000600","u":"UAUTHOR"}`, channel)
	}
	tests := []struct {
		name, user, meta, code, text, block, want string
	}{
		{"channel does not follow", "UCS", meta(chanOther), "F.019", "text", blockMeasure, "Zde nemůžete"},
		{"empty text", "U2", meta(chanF019), "F.019", "  ", blockText, "Es fehlt der Text."},
		{"unknown code", "UES", meta(chanF019), "F.91", "texto", blockMeasure, "F.019"},
		{"text too long", "U2", meta(chanF019), "F.019", strings.Repeat("x", commands.MaxTextLen+1), blockText, "2901"},
		{"broken metadata", "U2", "{", "F.019", "text", blockText, "Fehler"},
	}
	for _, tt := range tests {
		status, body := h.interact(submission(tt.user, tt.meta, tt.code, tt.text))
		var resp struct {
			ResponseAction string            `json:"response_action"`
			Errors         map[string]string `json:"errors"`
		}
		json.Unmarshal([]byte(body), &resp)
		if status != 200 || resp.ResponseAction != "errors" || len(resp.Errors) != 1 || !strings.Contains(resp.Errors[tt.block], tt.want) {
			t.Errorf("%s: %d %s; want an error on %s containing %q", tt.name, status, body, tt.block, tt.want)
		}
	}
	h.settle()
	if es := h.entries(); len(es) != 0 || len(h.slack.callsOf("chat.postMessage")) != 0 {
		t.Fatalf("refused submissions wrote %d entries", len(es))
	}
	// An admin may log from a channel that does not follow the measure.
	status, body := h.interact(submission(adminUser, meta(chanOther), "F.019", "vom Admin"))
	if status != 200 || !strings.Contains(body, "clear") {
		t.Errorf("admin submission: %d %s", status, body)
	}
	h.settle()
	if es := h.entries(); len(es) != 1 || es[0].Author.ID != "UAUTHOR" || es[0].ChannelID != chanOther {
		t.Errorf("entries = %+v", es)
	}
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
	h.interact(shortcutPayload(chanF019))
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
