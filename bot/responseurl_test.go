package bot

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/klimabot/klimabot/commands"
	"github.com/klimabot/klimabot/locales"
	"github.com/klimabot/klimabot/storage"
)

// TestResponseURLAllowed: response_url is used only on Slack's hooks host,
// over https; GovSlack's when the API is GovSlack's; the fake Slack's own
// host in tests; and whatever Config.ResponseURLHosts says.
func TestResponseURLAllowed(t *testing.T) {
	bundle, err := locales.New()
	if err != nil {
		t.Fatal(err)
	}
	db, err := storage.Open(context.Background(), filepath.Join(t.TempDir(), "klimabot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	svc := &commands.Service{Store: db, Bundle: bundle}
	newBot := func(cfg Config) *Bot {
		t.Helper()
		cfg.BotToken = "xoxb-test"
		b, err := New(cfg, svc, db, bundle)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	slackBot := newBot(Config{})
	govBot := newBot(Config{APIURL: "https://slack-gov.com/api/"})
	fakeBot := newBot(Config{APIURL: "http://127.0.0.1:9999/api/"})
	listed := newBot(Config{ResponseURLHosts: []string{"https://hooks.example.org:8443"}})
	tests := []struct {
		b    *Bot
		url  string
		want bool
	}{
		{slackBot, "https://hooks.slack.com/commands/T1DC2JH3J/397700885554/96rGlfmibIGlgcZRskXaIFfN", true},
		{slackBot, "https://HOOKS.SLACK.COM/actions/T1/1/x", true},
		{slackBot, "http://hooks.slack.com/commands/T1/1/x", false}, // https only
		{slackBot, "https://hooks.slack.com.evil.example/commands/x", false},
		{slackBot, "https://evil.example/hooks.slack.com/commands/x", false},
		{slackBot, "https://hooks.slack.com@evil.example/commands/x", false},
		{slackBot, "https://user@hooks.slack.com/commands/x", false},
		{slackBot, "https://hooks.slack-gov.com/commands/x", false},
		{slackBot, "http://127.0.0.1:8080/slack/commands", false},
		{slackBot, "/commands/x", false},
		{slackBot, "", false},
		{slackBot, "hooks.slack.com/commands/x", false},
		{govBot, "https://hooks.slack-gov.com/commands/T1/1/x", true},
		{govBot, "https://hooks.slack.com/commands/T1/1/x", false},
		{fakeBot, "http://127.0.0.1:41234/response", true},
		{fakeBot, "http://localhost:41234/response", false},
		{fakeBot, "https://hooks.slack.com/commands/x", false},
		{listed, "https://hooks.example.org:8443/x", true},
		{listed, "https://hooks.example.org/x", false},
		{listed, "https://hooks.slack.com/commands/x", false},
	}
	for _, tt := range tests {
		if got := tt.b.responseURLAllowed(tt.url); got != tt.want {
			t.Errorf("%s allows %q = %v, want %v", tt.b.cfg.APIURL, tt.url, got, tt.want)
		}
	}
	for _, bad := range [][]string{{"hooks.slack.com"}, {"ftp://hooks.slack.com"}, {"https://"}} {
		if _, err := New(Config{BotToken: "x", ResponseURLHosts: bad}, svc, db, bundle); err == nil {
			t.Errorf("ResponseURLHosts %q accepted", bad)
		}
	}
}

// TestResponseURLElsewhereNotUsed: a signed slash command whose
// response_url points elsewhere than Slack (here: another host than the
// fake Slack's) gets no POST there; the bot logs it. A button click with
// such a response_url is not answered there either.
func TestResponseURLElsewhereNotUsed(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Budget = 50 * time.Millisecond })
	var hits atomic.Int32
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	t.Cleanup(evil.Close)
	elsewhere := strings.Replace(evil.URL, "127.0.0.1", "localhost", 1) + "/loopback"

	release := h.slack.hangUntil("users.info") // the answer misses the budget: response_url
	status, body := h.command("USLOW", chanF019, "eintragen F.019 Langsam, aber sicher", elsewhere)
	if status != 200 || strings.TrimSpace(body) != "" {
		t.Fatalf("want an empty acknowledgement, got %d %q", status, body)
	}
	release()
	h.settle()
	if n := len(h.entries()); n != 1 {
		t.Errorf("the command itself was not done: %d entries", n)
	}

	// a click on a button of a message the bot does not know: the refusal
	// would go to response_url
	h.bot.AttachReminders(&Reminders{Store: h.db, Bundle: h.bot.Bundle()})
	h.interact(map[string]any{
		"type": "block_actions", "user": map[string]any{"id": "U1", "team_id": homeTeam},
		"response_url": elsewhere, "channel": map[string]any{"id": chanF019},
		"container": map[string]any{"type": "message", "message_ts": "1699990000.000100", "channel_id": chanF019},
		"actions":   []map[string]any{{"action_id": "deadline_done", "block_id": "b1", "value": "d1|2027-03-25", "type": "button"}},
	})
	h.settle()
	if n := hits.Load(); n != 0 {
		t.Errorf("the bot posted %d times to a response_url that is not Slack's", n)
	}
	if n := strings.Count(h.logs.String(), "response_url is not Slack's"); n < 2 {
		t.Errorf("refusals logged %d times, want 2:\n%s", n, h.logs.String())
	}
}
