package bot

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

// Paths the bot serves. The /slack/ ones are the request URLs of
// manifest.http.yaml.
const (
	PathCommands      = "/slack/commands"
	PathEvents        = "/slack/events"
	PathInteractivity = "/slack/interactivity"
	PathHealth        = "/healthz"
	PathMetrics       = "/metrics"
)

// HeaderRetryNum and HeaderRetryReason are set on Events API retries.
const (
	HeaderRetryNum    = "X-Slack-Retry-Num"
	HeaderRetryReason = "X-Slack-Retry-Reason"
)

// Handler returns the bot's HTTP endpoints:
//
//	POST /slack/commands       slash commands (form)
//	POST /slack/events         Events API (JSON)
//	POST /slack/interactivity  buttons, shortcuts, modals (form field payload)
//	GET  /healthz              200 "ok" when the database answers, else 503
//	GET  /metrics              Prometheus metrics
//	GET  /calendar/TOKEN.ics   a calendar subscription feed (Config.Calendar)
//
// Every /slack/ request is verified with the signing secret over its raw
// body before anything parses it (401 otherwise, and nothing changes);
// the same signed request sent again is answered with an empty 200 and not
// handled again (ReplayGuard); bodies are capped (413). A wrong method gets 405, an unknown path 404,
// a malformed body 400: bad input never gets a 5xx. A panic is recovered,
// logged and answered 500 as a last line of defence.
func (b *Bot) Handler() http.Handler {
	v := Verifier{Secret: b.cfg.SigningSecret, Replays: b.replays, OnReplay: b.replayed}
	verified := func(h http.HandlerFunc) http.Handler { return v.Middleware(b.cfg.MaxBody, h) }
	mux := http.NewServeMux()
	mux.Handle("POST "+PathCommands, verified(b.serveCommand))
	mux.Handle("POST "+PathEvents, verified(b.serveEvents))
	mux.Handle("POST "+PathInteractivity, verified(b.serveInteractivity))
	mux.HandleFunc("GET "+PathHealth, b.serveHealth)
	mux.Handle("GET "+PathMetrics, b.metrics.handler())
	mux.HandleFunc("GET "+PathCalendar+"{file}", b.serveCalendar)
	return b.recoverer(mux)
}

// recoverer turns a panic into a logged 500 instead of a dropped
// connection (net/http would recover it, but log it without context).
func (b *Bot) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				b.log.Error("panic serving request", "method", r.Method, "path", r.URL.Path,
					"panic", p, "stack", string(debug.Stack()))
				http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// badRequest answers 400 and logs why at debug level.
func (b *Bot) badRequest(w http.ResponseWriter, r *http.Request, why string, err error) {
	b.log.Debug("bad request", "path", r.URL.Path, "why", why, "err", err)
	http.Error(w, http.StatusText(http.StatusBadRequest), http.StatusBadRequest)
}

// writeJSON answers 200 with v as JSON.
func (b *Bot) writeJSON(w http.ResponseWriter, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		b.log.Error("encode answer", "err", err)
		w.WriteHeader(http.StatusOK) // an empty ack is still an ack
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	// A length, not chunks: the answer leaves in one write, flushed or not.
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	w.Write(body)
}

// flush sends the acknowledgement now, before work that must follow it.
func flush(w http.ResponseWriter) {
	_ = http.NewResponseController(w).Flush()
}

func (b *Bot) serveCommand(w http.ResponseWriter, r *http.Request) {
	cmd, err := slack.SlashCommandParse(r)
	if err != nil {
		b.badRequest(w, r, "slash command form", err)
		return
	}
	if r.PostForm.Get("ssl_check") == "1" {
		w.WriteHeader(http.StatusOK) // Slack checking the certificate
		return
	}
	if cmd.UserID == "" || cmd.ChannelID == "" {
		b.badRequest(w, r, "slash command without user_id or channel_id", nil)
		return
	}
	ack, then := b.handleSlashCommand(cmd, func() {
		// too slow: acknowledged empty, and complete (a length, not
		// chunks), while the handler still runs
		w.Header().Set("Content-Length", "0")
		w.WriteHeader(http.StatusOK)
		flush(w)
	})
	if ack != nil {
		b.writeJSON(w, ackJSON(*ack))
	}
	if then != nil {
		flush(w) // the answer goes out now, before the work that follows
		then()
	}
}

func (b *Bot) serveEvents(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body) // already read, capped and verified by the middleware
	if err != nil || !json.Valid(body) {
		b.badRequest(w, r, "events body is not JSON", err)
		return
	}
	ev, err := slackevents.ParseEvent(body, slackevents.OptionNoVerifyToken())
	if err != nil {
		if env, ok := wellFormedEnvelope(body); ok {
			// An inner event slack-go has no struct for (workflow_step_execute,
			// assistant events) or cannot read: ack it all the same, or Slack
			// retries it three times (SLACK.md pitfall 14).
			b.notUnderstood(env, err)
			w.WriteHeader(http.StatusOK)
			return
		}
		if ev.Type == "" || ev.Type == "unmarshalling_error" {
			b.badRequest(w, r, "events payload", err)
			return
		}
		// A well-formed event of a type we do not subscribe to: ack it,
		// or Slack retries it.
		b.metrics.Events.WithLabelValues(ev.Type).Inc()
		b.log.Debug("event ignored", "type", ev.Type, "err", err)
		w.WriteHeader(http.StatusOK)
		return
	}
	switch ev.Type {
	case slackevents.URLVerification:
		b.metrics.Events.WithLabelValues(ev.Type).Inc()
		uv, _ := ev.Data.(*slackevents.EventsAPIURLVerificationEvent)
		if uv == nil || uv.Challenge == "" {
			b.badRequest(w, r, "url_verification without challenge", nil)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, uv.Challenge)
	case slackevents.CallbackEvent:
		cb, _ := ev.Data.(*slackevents.EventsAPICallbackEvent)
		if cb == nil {
			b.badRequest(w, r, "event_callback without event", nil)
			return
		}
		retry, _ := strconv.Atoi(r.Header.Get(HeaderRetryNum))
		w.WriteHeader(http.StatusOK) // ack at once; the work follows
		flush(w)
		b.dispatchEvent(cb.EventID, retry, r.Header.Get(HeaderRetryReason), ev)
	case slackevents.AppRateLimited:
		b.log.Warn("Slack rate-limits the app's events", "payload", string(body))
		w.WriteHeader(http.StatusOK)
	default:
		b.badRequest(w, r, "unknown payload type "+ev.Type, nil)
	}
}

func (b *Bot) serveInteractivity(w http.ResponseWriter, r *http.Request) {
	cb, err := slack.InteractionCallbackParse(r)
	if err != nil {
		b.badRequest(w, r, "interaction payload", err)
		return
	}
	ack, then := b.handleInteraction(&cb)
	if ack != nil {
		b.writeJSON(w, ack)
	} else {
		w.WriteHeader(http.StatusOK)
	}
	flush(w)
	then()
}

func (b *Bot) serveHealth(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := b.store.Ping(ctx); err != nil {
		b.log.Error("health check failed", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, "database unavailable\n")
		return
	}
	io.WriteString(w, "ok\n")
}
