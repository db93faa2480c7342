package bot

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// socketSlack plays Slack's side of a Socket Mode connection: it says
// hello, sends the envelopes the test gives it and hands back the acks.
type socketSlack struct {
	out  chan map[string]any
	acks chan map[string]any
}

func newSocketSlack(h *harness) *socketSlack {
	s := &socketSlack{out: make(chan map[string]any, 10), acks: make(chan map[string]any, 10)}
	h.slack.ws = func(conn *websocket.Conn) {
		if err := conn.WriteJSON(map[string]any{"type": "hello", "num_connections": 1,
			"connection_info": map[string]any{"app_id": "A1"}}); err != nil {
			return
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			for {
				var m map[string]any
				if err := conn.ReadJSON(&m); err != nil {
					return
				}
				s.acks <- m
			}
		}()
		for {
			select {
			case env := <-s.out:
				if err := conn.WriteJSON(env); err != nil {
					return
				}
			case <-done:
				return
			}
		}
	}
	return s
}

// ack waits for the acknowledgement of an envelope.
func (s *socketSlack) ack(t *testing.T, envelopeID string) map[string]any {
	t.Helper()
	timeout := time.After(10 * time.Second) // a hang guard, not a speed assertion
	for {
		select {
		case m := <-s.acks:
			if m["envelope_id"] == envelopeID {
				return m
			}
		case <-timeout:
			t.Fatalf("no ack for envelope %s", envelopeID)
		}
	}
}

// TestSocketMode: over a Socket Mode WebSocket (apps.connections.open,
// hello, envelopes) a slash command is answered in its ack, an event is
// acked and processed, and a view submission's errors ride in the ack.
func TestSocketMode(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.AppToken = "xapp-test"; c.SigningSecret = "" })
	h.recordAnnouncement()
	sock := newSocketSlack(h)
	ctx, cancel := context.WithCancel(context.Background())
	runErr := make(chan error, 1)
	go func() { runErr <- h.bot.RunSocketMode(ctx) }()

	sock.out <- map[string]any{"envelope_id": "env-1", "type": "slash_commands", "accepts_response_payload": true,
		"payload": map[string]any{"token": "legacy", "team_id": "T1", "channel_id": chanF019, "user_id": "U1",
			"user_name": "ute", "command": "/klima", "text": "status F.019",
			"response_url": "https://hooks.slack.com/commands/x", "trigger_id": "1.2.3", "is_enterprise_install": "false"}}
	ack := sock.ack(t, "env-1")
	raw, _ := json.Marshal(ack["payload"])
	var a answerMsg
	json.Unmarshal(raw, &a)
	if a.ResponseType != "ephemeral" || len(a.Blocks) == 0 {
		t.Errorf("slash command ack payload = %s", raw)
	}
	mustContainAll(t, "answer in the ack", a.Text, "F.019 Kommunale Klimapartnerschaft", "0 von 6 Schritten erledigt")

	sock.out <- map[string]any{"envelope_id": "env-2", "type": "events_api", "accepts_response_payload": false,
		"retry_attempt": 0, "retry_reason": "",
		"payload": map[string]any{"type": "event_callback", "event_id": "EvSock1", "team_id": "T1",
			"event": reply("UCS", "Hotovo, viz zápis", "1699990600.000700")}}
	if ack := sock.ack(t, "env-2"); ack["payload"] != nil {
		t.Errorf("event ack carries a payload: %v", ack)
	}

	sock.out <- map[string]any{"envelope_id": "env-3", "type": "interactive", "accepts_response_payload": true,
		"payload": submission("U2", `{"c":"C1","ts":"1.2","u":"UAUTHOR"}`, "F.019", " ")}
	ack = sock.ack(t, "env-3")
	raw, _ = json.Marshal(ack["payload"])
	mustContainAll(t, "view submission ack", string(raw), `"response_action":"errors"`, "Es fehlt der Text.")

	cancel()
	select {
	case err := <-runErr:
		if err != nil {
			t.Errorf("RunSocketMode after cancel: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("RunSocketMode did not return after cancel")
	}
	h.settle()
	es := h.entries()
	if len(es) != 1 || es[0].Text != "Hotovo, viz zápis" || es[0].Source != "thread" {
		t.Errorf("entries after the socket event = %+v", es)
	}
	if opens := h.slack.callsOf("apps.connections.open"); len(opens) == 0 {
		t.Error("apps.connections.open not called")
	}
	posts := h.slack.callsOf("chat.postMessage")
	if len(posts) != 1 || !strings.Contains(posts[0].Form.Get("text"), "Zapsáno jako průběh plnění k F.019.") {
		t.Errorf("thread acknowledgement = %+v", posts)
	}
}

// TestSocketModeRefusedAppToken: apps.connections.open refusing the app
// token ends RunSocketMode with an *AuthError naming SLACK_APP_TOKEN.
func TestSocketModeRefusedAppToken(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.AppToken = "xapp-revoked" })
	h.slack.refuseTokens("invalid_auth") // auth.test passed already; now every token is refused
	err := h.bot.RunSocketMode(context.Background())
	if err == nil {
		t.Fatal("RunSocketMode with a refused token returned nil")
	}
	var ae *AuthError
	if !errors.As(err, &ae) || ae.Setting != "SLACK_APP_TOKEN" {
		t.Errorf("RunSocketMode with a refused token: %v", err)
	}
}
