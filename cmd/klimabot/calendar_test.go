package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/gorilla/websocket"
)

// icsUIDs parses an iCalendar text with the library's parser and returns
// its events' UIDs, sorted, and their summaries by UID.
func icsUIDs(t *testing.T, data string) ([]string, map[string]string) {
	t.Helper()
	if !strings.HasPrefix(data, "BEGIN:VCALENDAR\r\n") || strings.Count(data, "\n") != strings.Count(data, "\r\n") {
		t.Fatalf("not a CRLF iCalendar text:\n%q", data[:min(len(data), 200)])
	}
	cal, err := ics.ParseCalendar(strings.NewReader(data))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	var uids []string
	summaries := map[string]string{}
	for _, ev := range cal.Events() {
		uid := ev.Id()
		uids = append(uids, uid)
		if p := ev.GetProperty(ics.ComponentPropertySummary); p != nil {
			summaries[uid] = ics.FromText(p.Value)
		}
	}
	slices.Sort(uids)
	return uids, summaries
}

// TestExportICS: klimabot export --format ics writes the open deadlines as
// an iCalendar file; a second export has the same UIDs; a step ticked off
// in between leaves it; --lang names the language; an unknown code is
// named.
func TestExportICS(t *testing.T) {
	env := demoDB(t)
	r := runCmd(t, env, "", "export", "--format", "ics", "--now", exportNow, "F.019")
	if r.err != nil {
		t.Fatalf("ics: %v\n%s", r.err, r.stderr)
	}
	uids, summaries := icsUIDs(t, r.stdout)
	if len(uids) == 0 {
		t.Fatal("no events")
	}
	for _, uid := range uids {
		if !regexp.MustCompile(`^[ds][0-9.]+@[0-9a-f]{16}\.klimabot$`).MatchString(uid) {
			t.Errorf("UID %q", uid)
		}
		if !strings.HasPrefix(summaries[uid], "F.019 – ") {
			t.Errorf("%s: SUMMARY %q does not name the measure", uid, summaries[uid])
		}
	}
	step5 := "" // the demo's deadline of step 5
	for uid, s := range summaries {
		if strings.HasPrefix(s, "F.019 – Frist: Termin für den bilateralen Austausch") {
			step5 = uid
		}
	}
	if step5 == "" {
		t.Fatalf("no event for step 5 in %v", summaries)
	}

	again := runCmd(t, env, "", "export", "--format", "ics", "F.019")
	if again.err != nil {
		t.Fatal(again.err)
	}
	if uids2, _ := icsUIDs(t, again.stdout); !slices.Equal(uids, uids2) {
		t.Errorf("a second export has other UIDs:\n%v\n%v", uids, uids2)
	}

	if c := runCmd(t, env, "erledigt F.019 5\n", "console"); c.err != nil {
		t.Fatalf("console: %v\n%s", c.err, c.stderr)
	}
	after := runCmd(t, env, "", "export", "--format", "ics", "--lang", "cs", "F.019")
	uids3, summaries3 := icsUIDs(t, after.stdout)
	if slices.Contains(uids3, step5) || len(uids3) != len(uids)-1 {
		t.Errorf("after step 5 was done: %v (before %v)", uids3, uids)
	}
	for uid, s := range summaries3 {
		if !strings.Contains(s, " – termín: ") && !strings.Contains(s, " – krok ") {
			t.Errorf("%s: SUMMARY %q is not Czech", uid, s)
		}
	}

	out := filepath.Join(t.TempDir(), "fristen.ics")
	all := runCmd(t, env, "", "export", "--format", "ics", "--out", out)
	if all.err != nil {
		t.Fatal(all.err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if uidsAll, _ := icsUIDs(t, string(data)); len(uidsAll) < len(uids3) || !bytes.Contains(data, []byte("X-WR-CALNAME:klimabot – Fristen")) {
		t.Errorf("all measures: %d events (F.019 alone has %d)", len(uidsAll), len(uids3))
	}

	bad := runCmd(t, env, "", "export", "--format", "ics", "F.91")
	if bad.err == nil || !strings.Contains(bad.stderr, "F.91") {
		t.Errorf("unknown code: %v\n%s", bad.err, bad.stderr)
	}
}

// socketSlackAPI is Slack for a serve in Socket Mode: the Web API methods a
// calendar answer needs, and a WebSocket that says hello, sends the
// envelopes given to it and hands back the acks.
type socketSlackAPI struct {
	srv      *httptest.Server
	out      chan map[string]any
	acks     chan map[string]any
	mu       sync.Mutex
	sharedTo []string // "channel_id|channels" of each completed upload
}

func newSocketSlackAPI(t *testing.T) *socketSlackAPI {
	s := &socketSlackAPI{out: make(chan map[string]any, 4), acks: make(chan map[string]any, 16)}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		method := strings.TrimPrefix(r.URL.Path, "/")
		if method == "ws" {
			s.play(w, r)
			return
		}
		r.ParseForm()
		w.Header().Set("Content-Type", "application/json")
		switch {
		case method == "auth.test":
			io.WriteString(w, `{"ok":true,"user_id":"UBOT","bot_id":"BBOT","team":"Hilden","team_id":"T1"}`)
		case method == "apps.connections.open":
			io.WriteString(w, `{"ok":true,"url":"ws`+strings.TrimPrefix(s.srv.URL, "http")+`/ws"}`)
		case method == "users.info":
			io.WriteString(w, `{"ok":true,"user":{"id":"U1","name":"ute","real_name":"Ute Beispiel","locale":"de-DE"}}`)
		case method == "files.getUploadURLExternal":
			io.WriteString(w, `{"ok":true,"upload_url":"`+s.srv.URL+`/upload/F1","file_id":"F1"}`)
		case method == "files.completeUploadExternal":
			s.mu.Lock()
			// A file for one person alone is shared with channels=<user id>
			// and no channel_id; a channel_id would show it to the channel.
			s.sharedTo = append(s.sharedTo, r.PostForm.Get("channel_id")+"|"+r.PostForm.Get("channels"))
			s.mu.Unlock()
			io.WriteString(w, `{"ok":true,"files":[{"id":"F1"}]}`)
		case strings.HasPrefix(method, "upload/"):
			w.Header().Set("Content-Type", "text/plain")
			io.WriteString(w, "OK")
		default:
			io.WriteString(w, `{"ok":false,"error":"unknown_method"}`)
		}
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *socketSlackAPI) play(w http.ResponseWriter, r *http.Request) {
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	conn, err := up.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer conn.Close()
	if conn.WriteJSON(map[string]any{"type": "hello", "num_connections": 1, "connection_info": map[string]any{"app_id": "A1"}}) != nil {
		return
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			var m map[string]any
			if conn.ReadJSON(&m) != nil {
				return
			}
			s.acks <- m
		}
	}()
	for {
		select {
		case env := <-s.out:
			if conn.WriteJSON(env) != nil {
				return
			}
		case <-done:
			return
		}
	}
}

// TestServeCalendarSocketMode: `klimabot serve` in Socket Mode with
// KLIMABOT_PUBLIC_URL: `/klima kalender F.019` over the WebSocket answers
// with a link under the public URL, the file goes to the asker's direct
// message, and the HTTP server (running in Socket Mode too) serves the
// link as text/calendar and a made-up token as 404.
func TestServeCalendarSocketMode(t *testing.T) {
	db := filepath.Join(t.TempDir(), "k.db")
	if r := runCmd(t, map[string]string{"KLIMABOT_DB": db}, "", "import", seedPath(t, "000_")); r.err != nil {
		t.Fatalf("import: %v\n%s", r.err, r.stderr)
	}
	api := newSocketSlackAPI(t)
	env := map[string]string{
		"KLIMABOT_DB": db, "SLACK_BOT_TOKEN": "xoxb-e2e", "SLACK_APP_TOKEN": "xapp-e2e", "SLACK_API_URL": api.srv.URL,
		"KLIMABOT_ADDR": "127.0.0.1:0", "KLIMABOT_PUBLIC_URL": "https://klima.hilden.de/bot/",
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

	api.out <- map[string]any{"envelope_id": "env-1", "type": "slash_commands", "accepts_response_payload": true,
		"payload": map[string]any{"token": "legacy", "team_id": "T1", "channel_id": "C1", "user_id": "U1",
			"user_name": "ute", "command": "/klima", "text": "kalender F.019",
			"response_url": "http://127.0.0.1:1/unused", "trigger_id": "1.2.3"}}
	var ack map[string]any
	timeout := time.After(30 * time.Second) // a hang guard
	for ack == nil {
		select {
		case m := <-api.acks:
			if m["envelope_id"] == "env-1" {
				ack = m
			}
		case <-timeout:
			t.Fatalf("no ack\n%s", stderr.String())
		}
	}
	payload, _ := json.Marshal(ack["payload"])
	m := regexp.MustCompile(`https://klima\.hilden\.de/bot/calendar/([a-z2-7]{32})\.ics`).FindStringSubmatch(string(payload))
	if m == nil {
		t.Fatalf("no link under KLIMABOT_PUBLIC_URL in the ack:\n%s", payload)
	}
	mustContain(t, "ack", string(payload), "klimabot-F.019.ics geht nur an Sie")

	resp, err := http.Get("http://" + addr + "/calendar/" + m[1] + ".ics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/calendar; charset=utf-8" {
		t.Fatalf("feed: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if uids, _ := icsUIDs(t, string(body)); len(uids) != 6 {
		t.Errorf("feed has %d events, want F.019's 6 open steps", len(uids))
	}
	resp, err = http.Get("http://" + addr + "/calendar/" + strings.Repeat("q", 32) + ".ics")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Errorf("made-up token: %d, want 404", resp.StatusCode)
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
	api.mu.Lock()
	defer api.mu.Unlock()
	if len(api.sharedTo) != 1 || api.sharedTo[0] != "|U1" {
		t.Errorf("the calendar was shared to %v, want U1 alone", api.sharedTo)
	}
	if strings.Contains(stderr.String(), m[1]) {
		t.Error("the token is in the log")
	}
}
