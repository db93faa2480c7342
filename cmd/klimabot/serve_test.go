package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klimabot/klimabot/bot"
)

// lockedBuffer is an output sink safe for the server's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// fakeSlackAPI answers the Web API methods serve needs; authError makes
// auth.test refuse the token.
func fakeSlackAPI(t *testing.T, authError string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch strings.TrimPrefix(r.URL.Path, "/") {
		case "auth.test":
			if authError != "" {
				io.WriteString(w, `{"ok":false,"error":"`+authError+`"}`)
				return
			}
			io.WriteString(w, `{"ok":true,"user_id":"UBOT","bot_id":"BBOT","team":"Hilden"}`)
		case "users.info":
			io.WriteString(w, `{"ok":true,"user":{"id":"U1","name":"ute","real_name":"Ute Beispiel","locale":"de-DE"}}`)
		case "chat.postMessage":
			io.WriteString(w, `{"ok":true,"channel":"C1","ts":"1700000000.000100"}`)
		default:
			io.WriteString(w, `{"ok":false,"error":"unknown_method"}`)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestServeConfigErrors: a missing or malformed setting stops serve with
// exit code 2 and one line naming it, before anything is opened.
func TestServeConfigErrors(t *testing.T) {
	good := map[string]string{"SLACK_BOT_TOKEN": "xoxb-1-2", "SLACK_SIGNING_SECRET": "s3cret"}
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"missing bot token", map[string]string{"SLACK_BOT_TOKEN": ""}, nil, "SLACK_BOT_TOKEN is not set"},
		{"user token", map[string]string{"SLACK_BOT_TOKEN": "xoxp-1-2"}, nil, "SLACK_BOT_TOKEN must be the bot token starting with xoxb-"},
		{"no secret, no app token", map[string]string{"SLACK_SIGNING_SECRET": ""}, nil, "SLACK_SIGNING_SECRET is not set"},
		{"bad app token", map[string]string{"SLACK_APP_TOKEN": "xoxb-1"}, nil, "SLACK_APP_TOKEN must be an app-level token"},
		{"API URL without scheme", map[string]string{"SLACK_API_URL": "slack.com/api"}, nil, "SLACK_API_URL"},
		{"API URL ftp", map[string]string{"SLACK_API_URL": "ftp://slack.com/api/"}, nil, "SLACK_API_URL"},
		{"API URL flag", nil, []string{"--slack-api-url", "::nope"}, "SLACK_API_URL"},
		{"bad address", map[string]string{"KLIMABOT_ADDR": "8080"}, nil, "KLIMABOT_ADDR"},
		{"bad port", map[string]string{"KLIMABOT_ADDR": ":http-alt"}, nil, "KLIMABOT_ADDR"},
		{"bad language", map[string]string{"KLIMABOT_LANGUAGE": "fr"}, nil, "KLIMABOT_LANGUAGE"},
		{"extra argument", nil, []string{"now"}, "unexpected argument"},
		{"public URL without scheme", map[string]string{"KLIMABOT_PUBLIC_URL": "klima.hilden.de"}, nil, "KLIMABOT_PUBLIC_URL"},
		{"public URL ftp", map[string]string{"KLIMABOT_PUBLIC_URL": "ftp://klima.hilden.de"}, nil, "KLIMABOT_PUBLIC_URL"},
		{"public URL with query", map[string]string{"KLIMABOT_PUBLIC_URL": "https://klima.hilden.de/?x=1"}, nil, "KLIMABOT_PUBLIC_URL"},
		{"public URL with password", map[string]string{"KLIMABOT_PUBLIC_URL": "https://a:b@klima.hilden.de"}, nil, "KLIMABOT_PUBLIC_URL"},
		{"public URL no host", map[string]string{"KLIMABOT_PUBLIC_URL": "https://:8080/"}, nil, "KLIMABOT_PUBLIC_URL"},
		{"public URL flag", nil, []string{"--public-url", "https://klima hilden.de"}, "KLIMABOT_PUBLIC_URL"},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		env := map[string]string{"KLIMABOT_DB": filepath.Join(dir, "k.db")}
		for k, v := range good {
			env[k] = v
		}
		for k, v := range tt.env {
			env[k] = v
		}
		r := runCmd(t, env, "", append([]string{"serve"}, tt.args...)...)
		var ee *exitError
		if !errors.As(r.err, &ee) || ee.code != 2 || !strings.Contains(r.err.Error(), tt.want) || strings.Contains(r.err.Error(), "\n") {
			t.Errorf("%s: %v; want exit 2 with one line naming %q", tt.name, r.err, tt.want)
		}
		if m, _ := filepath.Glob(filepath.Join(dir, "*")); len(m) > 0 {
			t.Errorf("%s: created %v before the configuration was checked", tt.name, m)
		}
	}
}

// TestServeBadTokenFailsFast: a token Slack refuses (auth.test:
// invalid_auth) stops start-up with exit code 2 naming SLACK_BOT_TOKEN.
func TestServeBadTokenFailsFast(t *testing.T) {
	api := fakeSlackAPI(t, "invalid_auth")
	env := map[string]string{
		"KLIMABOT_DB": newProcDB(t), "SLACK_BOT_TOKEN": "xoxb-revoked",
		"SLACK_SIGNING_SECRET": "s3cret", "SLACK_API_URL": api.URL, "KLIMABOT_ADDR": "127.0.0.1:0",
	}
	r := runCmd(t, env, "", "serve")
	var ee *exitError
	if !errors.As(r.err, &ee) || ee.code != 2 || !strings.Contains(r.err.Error(), "SLACK_BOT_TOKEN was refused by Slack (auth.test: invalid_auth)") {
		t.Errorf("serve with a refused token: %v", r.err)
	}
}

// TestServeEndToEnd runs `klimabot serve` through run() on 127.0.0.1:0
// against a fake Slack, sends a signed /klima status over real HTTP, checks
// /healthz, and shuts down cleanly when ctx is cancelled.
func TestServeEndToEnd(t *testing.T) {
	db := filepath.Join(t.TempDir(), "k.db")
	if r := runCmd(t, map[string]string{"KLIMABOT_DB": db}, "", "import", seedPath(t, "000_")); r.err != nil {
		t.Fatalf("import: %v\n%s", r.err, r.stderr)
	}
	api := fakeSlackAPI(t, "")
	const secret = "e2e-signing-secret"
	env := map[string]string{
		"KLIMABOT_DB": db, "SLACK_BOT_TOKEN": "xoxb-e2e", "SLACK_SIGNING_SECRET": secret,
		"SLACK_API_URL": api.URL, // no trailing slash: serve adds it
		"KLIMABOT_ADDR": "127.0.0.1:0", "KLIMABOT_ADMINS": "UADMIN",
	}
	addrs := make(chan string, 1)
	serveListening = func(addr string) { addrs <- addr }
	t.Cleanup(func() { serveListening = nil })

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr lockedBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve"}, func(k string) string { return env[k] }, strings.NewReader(""), io.Discard, &stderr)
	}()
	var addr string
	select {
	case addr = <-addrs:
	case err := <-done:
		t.Fatalf("serve stopped: %v\n%s", err, stderr.String())
	case <-time.After(30 * time.Second): // a hang guard
		t.Fatalf("serve did not start\n%s", stderr.String())
	}
	base := "http://" + addr

	form := url.Values{"command": {"/klima"}, "text": {"status F.019"}, "user_id": {"U1"}, "user_name": {"ute"},
		"channel_id": {"C1"}, "response_url": {"http://127.0.0.1:1/unused"}}.Encode()
	req, _ := http.NewRequest(http.MethodPost, base+bot.PathCommands, strings.NewReader(form))
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set(bot.HeaderTimestamp, ts)
	req.Header.Set(bot.HeaderSignature, bot.Signature(secret, ts, []byte(form)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var msg struct {
		ResponseType string `json:"response_type"`
		Text         string `json:"text"`
	}
	if resp.StatusCode != 200 || json.Unmarshal(body, &msg) != nil || msg.ResponseType != "ephemeral" {
		t.Fatalf("command: %d %s", resp.StatusCode, body)
	}
	mustContain(t, "status notification text", msg.Text,
		"F.019 Kommunale Klimapartnerschaft mit Nové Město nad Metují", "0 von 6 Schritten erledigt")
	mustContain(t, "status blocks", string(body), `"type":"header"`, "Nächste Frist", "Umsetzungsschritte")

	// unsigned: refused
	resp, err = http.Post(base+bot.PathCommands, "application/x-www-form-urlencoded", strings.NewReader(form))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("unsigned command: %d", resp.StatusCode)
	}
	resp, err = http.Get(base + bot.PathHealth)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "ok\n" {
		t.Errorf("healthz: %d %q", resp.StatusCode, body)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve after cancel: %v\n%s", err, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop after cancel")
	}
	mustContain(t, "logs", stderr.String(), "klimabot serving", "shutting down")
	// the store was closed: the file opens again
	if r := runCmd(t, map[string]string{"KLIMABOT_DB": db}, "status F.019\n", "console"); r.err != nil {
		t.Errorf("database after serve: %v", r.err)
	}
}
