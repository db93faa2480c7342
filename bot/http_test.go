package bot

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/slack-go/slack"
)

// TestRefusedRequestsChangeNothing: forged, unsigned, stale and malformed
// requests get 401 or another 4xx — never a 5xx — and the store is the same
// afterwards, byte for byte; Slack is not called.
func TestRefusedRequestsChangeNothing(t *testing.T) {
	h := newHarness(t)
	logForm := url.Values{"command": {"/klima"}, "text": {"eintragen F.019 gefälscht"}, "user_id": {adminUser},
		"channel_id": {chanF019}, "response_url": {"http://127.0.0.1:1/"}}.Encode()
	event := `{"type":"event_callback","event_id":"EvForged","event":{"type":"message","user":"U1","text":"x","ts":"2.0","thread_ts":"1.0","channel":"C1"}}`
	before := h.dump()
	h.slack.mu.Lock()
	calls := len(h.slack.calls)
	h.slack.mu.Unlock()

	now := time.Now().Unix()
	sign := func(ts int64, body string) (string, string) {
		s := strconv.FormatInt(ts, 10)
		return s, Signature(testSecret, s, []byte(body))
	}
	type req struct {
		name, method, path, ctype, body string
		ts, sig                         string
		want                            int
	}
	okTS, okSig := sign(now, logForm)
	staleTS, staleSig := sign(now-6*60, logForm)
	futureTS, futureSig := sign(now+6*60, logForm)
	evTS, evSig := sign(now, event)
	var tests []req
	tests = append(tests,
		req{"unsigned command", "POST", PathCommands, "application/x-www-form-urlencoded", logForm, "", "", 401},
		req{"forged signature", "POST", PathCommands, "application/x-www-form-urlencoded", logForm, okTS, okSig[:len(okSig)-2] + "00", 401},
		req{"signed with another secret", "POST", PathCommands, "application/x-www-form-urlencoded", logForm, okTS, Signature("other", okTS, []byte(logForm)), 401},
		req{"body changed after signing", "POST", PathCommands, "application/x-www-form-urlencoded", logForm + "x", okTS, okSig, 401},
		req{"stale timestamp", "POST", PathCommands, "application/x-www-form-urlencoded", logForm, staleTS, staleSig, 401},
		req{"future timestamp", "POST", PathCommands, "application/x-www-form-urlencoded", logForm, futureTS, futureSig, 401},
		req{"malformed timestamp", "POST", PathCommands, "application/x-www-form-urlencoded", logForm, "-1e9", okSig, 401},
		req{"malformed signature", "POST", PathCommands, "application/x-www-form-urlencoded", logForm, okTS, "v1=zz", 401},
		req{"unsigned event", "POST", PathEvents, "application/json", event, "", "", 401},
		req{"event signed for another time", "POST", PathEvents, "application/json", event, futureTS, evSig, 401},
		req{"unsigned interaction", "POST", PathInteractivity, "application/x-www-form-urlencoded", "payload=%7B%7D", "", "", 401},
		req{"GET on commands", "GET", PathCommands, "", "", "", "", 405},
		req{"PUT on events", "PUT", PathEvents, "application/json", event, evTS, evSig, 405},
		req{"POST on healthz", "POST", PathHealth, "", "", "", "", 405},
		req{"unknown path", "POST", "/slack/unknown", "application/json", event, evTS, evSig, 404},
		req{"root", "GET", "/", "", "", "", "", 404},
	)
	// signed but malformed: 400
	for _, m := range []struct{ name, path, ctype, body string }{
		{"command form with a bad escape", PathCommands, "application/x-www-form-urlencoded", "text=%zz&user_id=U1&channel_id=C1"},
		{"command without user", PathCommands, "application/x-www-form-urlencoded", "command=%2Fklima&text=status"},
		{"command as JSON", PathCommands, "application/json", `{"user_id":"U1"}`},
		{"event not JSON", PathEvents, "application/json", `{"type":"event_callback",`},
		{"event without type", PathEvents, "application/json", `{}`},
		{"event callback without event", PathEvents, "application/json", `{"type":"event_callback","event_id":"Ev9"}`},
		{"url_verification without challenge", PathEvents, "application/json", `{"type":"url_verification"}`},
		{"event JSON array", PathEvents, "application/json", `[1,2]`},
		{"interaction without payload", PathInteractivity, "application/x-www-form-urlencoded", "x=1"},
		{"interaction payload not JSON", PathInteractivity, "application/x-www-form-urlencoded", "payload=%7Bnope"},
		{"interaction form with a bad escape", PathInteractivity, "application/x-www-form-urlencoded", "payload=%zz"},
	} {
		ts, sig := sign(now, m.body)
		tests = append(tests, req{m.name, "POST", m.path, m.ctype, m.body, ts, sig, 400})
	}
	big := strings.Repeat("a", DefaultMaxBody+1)
	bigTS, bigSig := sign(now, big)
	tests = append(tests, req{"body too large", "POST", PathCommands, "application/x-www-form-urlencoded", big, bigTS, bigSig, 413})

	for _, tt := range tests {
		r, err := http.NewRequest(tt.method, h.srv.URL+tt.path, strings.NewReader(tt.body))
		if err != nil {
			t.Fatal(err)
		}
		if tt.ctype != "" {
			r.Header.Set("Content-Type", tt.ctype)
		}
		if tt.ts != "" {
			r.Header.Set(HeaderTimestamp, tt.ts)
		}
		if tt.sig != "" {
			r.Header.Set(HeaderSignature, tt.sig)
		}
		status, body := h.do(r)
		if status != tt.want {
			t.Errorf("%s: status %d, want %d (%q)", tt.name, status, tt.want, body)
		}
	}
	h.settle()
	if after := h.dump(); after != before {
		t.Errorf("refused requests changed the store:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	h.slack.mu.Lock()
	n := len(h.slack.calls)
	h.slack.mu.Unlock()
	if n != calls {
		t.Errorf("refused requests made %d Slack calls", n-calls)
	}
	if strings.Contains(h.logs.String(), "panic") {
		t.Errorf("a request panicked:\n%s", h.logs.String())
	}
}

// TestNoSecretRefusesAll: without a signing secret (Socket Mode set-ups)
// the HTTP endpoints refuse every Slack request rather than trust it.
func TestNoSecretRefusesAll(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.SigningSecret = "" })
	if status, _ := h.command("U1", chanF019, "status F.019", ""); status != 401 {
		t.Errorf("status %d without a secret, want 401", status)
	}
}

func TestURLVerification(t *testing.T) {
	h := newHarness(t)
	status, body := h.do(h.signed(PathEvents, "application/json",
		[]byte(`{"token":"legacy","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`)))
	if status != 200 || body != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
		t.Errorf("url_verification: %d %q", status, body)
	}
}

// TestUnknownEventTypeAcked: a well-formed event of a type the bot does not
// handle is acknowledged (or Slack would retry it) and changes nothing.
func TestUnknownEventTypeAcked(t *testing.T) {
	h := newHarness(t)
	before := h.dump()
	status, _ := h.event("EvX", map[string]any{"type": "reaction_added", "user": "U1"}, nil)
	if status != 200 {
		t.Errorf("status %d", status)
	}
	h.settle()
	if h.dump() != before {
		t.Error("an ignored event changed the store")
	}
}

func TestHealthAndMetrics(t *testing.T) {
	h := newHarness(t)
	status, body := h.do(mustRequest(t, "GET", h.srv.URL+PathHealth))
	if status != 200 || body != "ok\n" {
		t.Errorf("healthz: %d %q", status, body)
	}
	h.command("U1", chanF019, "status F.019", "")
	h.command("U1", chanF019, "stauts F.019", "")
	h.bot.metrics.RemindersSent.Inc()
	status, body = h.do(mustRequest(t, "GET", h.srv.URL+PathMetrics))
	if status != 200 {
		t.Fatalf("metrics: %d", status)
	}
	mustContainAll(t, "metrics", body,
		`klimabot_commands_total{command="status",outcome="ok"} 1`,
		`klimabot_commands_total{command="unknown",outcome="invalid"} 1`,
		"klimabot_command_duration_seconds_count 2",
		"klimabot_reminders_sent_total 1",
		"go_goroutines")

	// a closed database: 503
	h2 := newHarness(t)
	h2.db.Close()
	h2.dbClosed = true
	status, _ = h2.do(mustRequest(t, "GET", h2.srv.URL+PathHealth))
	if status != 503 {
		t.Errorf("healthz on a closed database: %d, want 503", status)
	}
}

func mustRequest(t *testing.T, method, u string) *http.Request {
	t.Helper()
	r, err := http.NewRequest(method, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestPanicRecovered: a panic in a handler becomes a logged 500, not a
// dropped connection.
func TestPanicRecovered(t *testing.T) {
	h := newHarness(t)
	rec := &recorder{header: http.Header{}}
	h.bot.recoverer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") })).
		ServeHTTP(rec, mustRequest(t, "GET", "http://x/"))
	if rec.status != 500 || !strings.Contains(h.logs.String(), "boom") {
		t.Errorf("status %d, logs %s", rec.status, h.logs.String())
	}
}

type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.status = 200
	}
	return r.body.Write(p)
}
func (r *recorder) WriteHeader(s int) { r.status = s }

// TestPostMessageRetries: 429 with Retry-After and 5xx are retried, each
// failure counted; an error Slack means (channel_not_found) is not.
func TestPostMessageRetries(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.slack.failFirst("chat.postMessage", http.StatusTooManyRequests)
	start := time.Now()
	ts, err := h.bot.PostMessage(ctx, chanF019, slack.MsgOptionText("eins", false))
	if err != nil || ts == "" {
		t.Fatalf("after a 429: %q, %v", ts, err)
	}
	if waited := time.Since(start); waited < time.Second {
		t.Errorf("Retry-After: 1 not honoured: retried after %s", waited)
	}
	h.slack.failFirst("chat.postMessage", 500, 503)
	if _, err := h.bot.PostMessage(ctx, chanF019, slack.MsgOptionText("zwei", false)); err != nil {
		t.Fatalf("after two 5xx: %v", err)
	}
	if n := len(h.slack.callsOf("chat.postMessage")); n != 5 {
		t.Errorf("%d calls, want 5 (2 + 3)", n)
	}
	h.slack.failFirst("chat.postMessage", 500, 500, 500, 500, 500)
	_, err = h.bot.PostMessage(ctx, chanF019, slack.MsgOptionText("drei", false))
	var sc slack.StatusCodeError
	if !errors.As(err, &sc) || sc.Code != 500 {
		t.Errorf("after %d attempts of 500: %v", DefaultAttempts, err)
	}
	h.slack.mu.Lock() // one queued 500 remains

	h.slack.fail["chat.postMessage"] = nil
	h.slack.mu.Unlock()
	before := len(h.slack.callsOf("chat.postMessage"))
	if _, err := h.bot.PostMessage(ctx, "CGONE", slack.MsgOptionText("vier", false)); err == nil || err.Error() != "channel_not_found" {
		t.Errorf("channel_not_found: %v", err)
	}
	if n := len(h.slack.callsOf("chat.postMessage")) - before; n != 1 {
		t.Errorf("channel_not_found tried %d times, want once", n)
	}
	// a context that ends stops the waiting
	h.slack.failFirst("chat.postMessage", http.StatusTooManyRequests)
	cctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	if _, err := h.bot.PostMessage(cctx, chanF019, slack.MsgOptionText("fünf", false)); err == nil {
		t.Error("a retry waited past its context")
	}
	// 429, 500, 503, 4×500, channel_not_found, 429: every failed attempt counts
	if got := testutil.ToFloat64(h.bot.metrics.SlackErrors.WithLabelValues("chat.postMessage")); got != 9 {
		t.Errorf("klimabot_slack_api_errors_total{chat.postMessage} = %v, want 9", got)
	}
}

// TestStartFailsFastOnBadToken: auth.test refusing the token stops
// start-up with an *AuthError naming the setting; nothing else is called.
func TestStartFailsFastOnBadToken(t *testing.T) {
	h := newHarness(t)
	h.slack.refuseTokens("invalid_auth")
	b, err := New(Config{BotToken: "xoxb-revoked", APIURL: h.slack.URL(), Log: h.bot.log}, h.bot.svc, h.db, h.bot.bundle)
	if err != nil {
		t.Fatal(err)
	}
	err = b.Start(context.Background())
	var ae *AuthError
	if !errors.As(err, &ae) || ae.Setting != "SLACK_BOT_TOKEN" || !strings.Contains(err.Error(), "invalid_auth") {
		t.Errorf("Start with a refused token: %v", err)
	}
	// Slack unreachable: an ordinary error, not an AuthError
	b, _ = New(Config{BotToken: "xoxb-x", APIURL: "http://127.0.0.1:1/", Log: h.bot.log}, h.bot.svc, h.db, h.bot.bundle)
	if err := b.Start(context.Background()); err == nil || errors.As(err, &ae) {
		t.Errorf("Start without Slack: %v", err)
	}
}
