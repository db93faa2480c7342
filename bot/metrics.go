package bot

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/slack-go/slack"
)

// Metrics are the bot's Prometheus metrics, served at /metrics. Each Bot
// has its own registry, so tests and several bots in one process do not
// collide.
type Metrics struct {
	reg *prometheus.Registry
	// Commands counts commands by canonical subcommand ("status", or
	// "unknown" for a word the parser did not know) and outcome ("ok" or
	// the error code: "invalid", "not_found", "forbidden", "conflict",
	// "internal").
	Commands *prometheus.CounterVec
	// CommandSeconds is how long commands took, locale lookup included.
	CommandSeconds prometheus.Histogram
	// SlackErrors counts failed Web API calls by method, each failed
	// attempt of a retried call once.
	SlackErrors *prometheus.CounterVec
	// RemindersSent counts reminders posted; the scheduler increments it.
	RemindersSent prometheus.Counter
	// Events counts Events API events received, by event type
	// ("app_mention", "message", "app_home_opened", "url_verification"),
	// retries and duplicates included.
	Events *prometheus.CounterVec
	// Replays counts signed requests that came again and were not handled
	// a second time.
	Replays prometheus.Counter
	// NotStored counts what people sent that the store could not keep
	// (database file lost, disk full or read-only), by what it was:
	// "command", "thread_reply", "mention", "message". Each was answered
	// with "not stored" (bot/guard.go).
	NotStored *prometheus.CounterVec
	// Translations counts the translation service's work by what
	// ("requested": texts sent to the provider, "from_store": served from
	// the store, "failed": texts whose request failed); TranslatedChars the
	// characters sent. Zero while KLIMABOT_TRANSLATE is not set.
	Translations    *prometheus.CounterVec
	TranslatedChars prometheus.Counter
}

func newMetrics() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		Commands: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "klimabot_commands_total",
			Help: "Commands run, by subcommand and outcome.",
		}, []string{"command", "outcome"}),
		CommandSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "klimabot_command_duration_seconds",
			Help:    "Time to answer a command, locale lookup included.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}),
		SlackErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "klimabot_slack_api_errors_total",
			Help: "Failed Slack Web API calls, by method.",
		}, []string{"method"}),
		RemindersSent: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "klimabot_reminders_sent_total",
			Help: "Reminders posted to channels.",
		}),
		Events: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "klimabot_events_total",
			Help: "Slack events received, by type.",
		}, []string{"type"}),
		Replays: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "klimabot_replayed_requests_total",
			Help: "Signed Slack requests received again and not handled a second time.",
		}),
		NotStored: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "klimabot_not_stored_total",
			Help: "Writes people sent that the database could not store (file lost, disk full, read-only), by kind.",
		}, []string{"kind"}),
		Translations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "klimabot_translations_total",
			Help: "Translations: texts requested from the provider, served from the store, failed.",
		}, []string{"what"}),
		TranslatedChars: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "klimabot_translation_characters_total",
			Help: "Characters sent to the translation provider.",
		}),
	}
	m.reg.MustRegister(m.Commands, m.CommandSeconds, m.SlackErrors, m.RemindersSent, m.Events, m.Replays, m.NotStored,
		m.Translations, m.TranslatedChars,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// handler serves the metrics in Prometheus' text format.
func (m *Metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// Metrics returns the bot's metrics, for the scheduler to count reminders.
func (b *Bot) Metrics() *Metrics { return b.metrics }

// apiError counts a failed Slack call of method and logs it.
func (b *Bot) apiError(method string, err error) {
	if err == nil {
		return
	}
	b.metrics.SlackErrors.WithLabelValues(method).Inc()
	level := slog.LevelWarn
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		level = slog.LevelError // Slack answered and refused: worth a look
	}
	b.log.Log(b.bg, level, "slack call failed", "method", method, "err", err)
}
