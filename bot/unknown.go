package bot

import (
	"encoding/json"

	"github.com/slack-go/slack/socketmode"
)

// envelope is the outer part of an Events API payload that every event
// shares, read without slack-go.
type envelope struct {
	Type    string `json:"type"`
	EventID string `json:"event_id"`
	TeamID  string `json:"team_id"`
	Event   struct {
		Type    string `json:"type"`
		SubType string `json:"subtype"`
	} `json:"event"`
}

// wellFormedEnvelope reports whether body is an event_callback with an
// inner event that names its type: Slack sent it and expects an ack, even
// when slack-go cannot parse the inner event.
func wellFormedEnvelope(body []byte) (envelope, bool) {
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return env, false
	}
	return env, env.Type == "event_callback" && env.Event.Type != ""
}

// notUnderstood logs and counts an acknowledged event the bot could not
// read.
func (b *Bot) notUnderstood(env envelope, err error) {
	b.metrics.Events.WithLabelValues(env.Event.Type).Inc()
	b.log.Warn("event acknowledged but not understood", "type", env.Event.Type, "subtype", env.Event.SubType,
		"event_id", env.EventID, "team", env.TeamID, "err", err)
}

// socketBadMessage handles a Socket Mode message slack-go could not parse:
// when it is an envelope (it has an envelope_id), it is acknowledged, or
// Slack would send it again; an Events API payload inside is logged like
// over HTTP.
func (b *Bot) socketBadMessage(client *socketmode.Client, evt socketmode.Event) {
	bad, _ := evt.Data.(*socketmode.ErrorBadMessage)
	if bad == nil {
		b.log.Warn("socket mode: unreadable message", "data", evt.Data)
		return
	}
	var req socketmode.Request
	if err := json.Unmarshal(bad.Message, &req); err != nil || req.EnvelopeID == "" {
		b.log.Warn("socket mode: unreadable message", "err", bad.Cause)
		return
	}
	b.ack(client, req, nil)
	if env, ok := wellFormedEnvelope(req.Payload); ok {
		b.notUnderstood(env, bad.Cause)
		return
	}
	b.log.Warn("socket mode: envelope acknowledged but not understood", "type", req.Type, "envelope_id", req.EnvelopeID, "err", bad.Cause)
}
