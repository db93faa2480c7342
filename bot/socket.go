package bot

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// maxAckPayload is the most bytes a Socket Mode acknowledgement may carry
// (Slack silently drops 20 KB or more); a larger answer goes through
// response_url instead.
const maxAckPayload = 19 * 1024

// RunSocketMode connects to Slack over Socket Mode (Config.AppToken) and
// handles slash commands, events and interactions with the same handlers
// as HTTP, until ctx ends; then it returns nil. Envelopes are acknowledged
// at once (slash commands with their answer, view submissions with their
// errors) and the work goes on in goroutines, so the event loop never
// blocks and slack-go keeps answering Slack's pings. slack-go reconnects by
// itself; a refused app token is an *AuthError.
func (b *Bot) RunSocketMode(ctx context.Context) error {
	if b.cfg.AppToken == "" {
		return errors.New("socket mode: no app-level token (SLACK_APP_TOKEN)")
	}
	client := socketmode.New(b.api,
		socketmode.OptionLog(slog.NewLogLogger(b.log.Handler(), slog.LevelDebug)))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	runErr := make(chan error, 1)
	go func() { runErr <- client.RunContext(ctx) }()
	for {
		select {
		case err := <-runErr:
			if ctx.Err() != nil {
				return nil
			}
			if isAuthError(err) {
				return &AuthError{Setting: "SLACK_APP_TOKEN", Method: "apps.connections.open", Err: err}
			}
			return err
		case evt := <-client.Events:
			b.socketEvent(ctx, client, evt)
		}
	}
}

// socketEvent handles one Socket Mode event without blocking the loop.
func (b *Bot) socketEvent(ctx context.Context, client *socketmode.Client, evt socketmode.Event) {
	switch evt.Type {
	case socketmode.EventTypeConnecting:
		b.log.Info("socket mode: connecting")
	case socketmode.EventTypeConnected:
		b.log.Info("socket mode: connected")
	case socketmode.EventTypeHello:
		b.log.Debug("socket mode: hello")
	case socketmode.EventTypeDisconnect:
		b.log.Info("socket mode: Slack asked to reconnect")
	case socketmode.EventTypeConnectionError, socketmode.EventTypeIncomingError, socketmode.EventTypeErrorWriteFailed:
		b.log.Warn("socket mode: connection trouble", "type", evt.Type, "data", evt.Data)
	case socketmode.EventTypeInvalidAuth:
		b.log.Error("socket mode: SLACK_APP_TOKEN refused")
	case socketmode.EventTypeErrorBadMessage:
		b.socketBadMessage(client, evt)
	case socketmode.EventTypeSlashCommand:
		cmd, ok := evt.Data.(slack.SlashCommand)
		if !ok || evt.Request == nil {
			return
		}
		req := *evt.Request
		// The answer may take up to the budget: not in the loop.
		b.goWork("socket slash command", func(context.Context) {
			ack, then := b.handleSlashCommand(cmd, func() { b.ack(client, req, nil) })
			if ack != nil {
				b.socketAck(client, req, ack, cmd.ResponseURL)
			}
			if then != nil {
				then()
			}
		})
	case socketmode.EventTypeEventsAPI:
		ev, ok := evt.Data.(slackevents.EventsAPIEvent)
		if evt.Request == nil {
			return
		}
		req := *evt.Request
		b.goWork("socket event", func(context.Context) {
			b.ack(client, req, nil) // at once; the work follows
			if !ok || ev.Type != slackevents.CallbackEvent {
				b.log.Debug("socket mode: events envelope ignored", "type", ev.Type)
				return
			}
			if cb, _ := ev.Data.(*slackevents.EventsAPICallbackEvent); cb != nil {
				b.dispatchEvent(cb.EventID, req.RetryAttempt, req.RetryReason, ev)
			}
		})
	case socketmode.EventTypeInteractive:
		cb, ok := evt.Data.(slack.InteractionCallback)
		if !ok || evt.Request == nil {
			return
		}
		req := *evt.Request
		b.goWork("socket interaction", func(context.Context) {
			ack, then := b.handleInteraction(&cb)
			b.ack(client, req, ack)
			then()
		})
	default:
		b.log.Debug("socket mode: event ignored", "type", evt.Type)
	}
}

// socketAck acknowledges a slash command with its answer; an answer too
// large for an acknowledgement is acknowledged empty and sent to
// response_url.
func (b *Bot) socketAck(client *socketmode.Client, req socketmode.Request, msg *slack.Msg, responseURL string) {
	if msg == nil {
		b.ack(client, req, nil)
		return
	}
	if body, err := json.Marshal(wire(*msg)); err == nil && len(body) < maxAckPayload {
		b.ack(client, req, wire(*msg))
		return
	}
	b.ack(client, req, nil)
	m := *msg
	b.goWork("large answer", func(ctx context.Context) { b.respondOrLog(ctx, responseURL, m) })
}

// ack acknowledges an envelope, logging a failure.
func (b *Bot) ack(client *socketmode.Client, req socketmode.Request, payload any) {
	var err error
	if payload == nil {
		err = client.Ack(req)
	} else {
		err = client.Ack(req, payload)
	}
	if err != nil {
		b.log.Warn("socket mode: ack failed", "envelope_id", req.EnvelopeID, "err", err)
	}
}
