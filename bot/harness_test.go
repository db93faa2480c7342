package bot

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/klimabot/klimabot/commands"
	"github.com/klimabot/klimabot/commands/calendar"
	"github.com/klimabot/klimabot/commands/export"
	"github.com/klimabot/klimabot/storage"
)

// Test identities: the bot itself, people with the locales Slack reports.
const (
	botUser    = "UBOT"
	botBotID   = "BBOT"
	testSecret = "test-signing-secret"
	chanF019   = "C1" // follows F.019
	chanOther  = "C2" // follows nothing
	adminUser  = "UADMIN"
	homeTeam   = "T0HILDEN" // the installing workspace (auth.test's team_id)
)

// slackCall is one request the fake Slack Web API received.
type slackCall struct {
	Method string
	Form   url.Values     // form-encoded calls (chat.*, users.info, auth.test)
	JSON   map[string]any // JSON calls (views.*)
	Body   string
}

// fakeSlack is Slack's Web API for tests: an httptest.Server of our own
// behind slack.OptionAPIURL, recording every call. It can answer a method
// with errors first (429 with Retry-After, 500), make a method hang, play
// apps.connections.open and a Socket Mode WebSocket.
type fakeSlack struct {
	t   *testing.T
	srv *httptest.Server

	mu        sync.Mutex
	calls     []slackCall
	users     map[string]slackUser
	teams     map[string]string // user id → home team, if not homeTeam (partners' tests)
	fail      map[string][]int  // method → statuses to answer first, in order
	hang      map[string]chan struct{}
	authError string
	ts        int
	// ws plays the Socket Mode connection when set.
	ws func(conn *websocket.Conn)
}

type slackUser struct{ Name, Locale string }

func newFakeSlack(t *testing.T) *fakeSlack {
	f := &fakeSlack{
		t: t,
		users: map[string]slackUser{
			"U1":       {"Ute Beispiel", "de-DE"},
			"UCS":      {"Jana Nováková", "cs-CZ"},
			"UES":      {"María Pérez", "es-LA"},
			"UDE":      {"Dieter Müller", "de-DE"},
			"UEN":      {"Emma Smith", "en-US"},
			"UAUTHOR":  {"Anna Autorin", "de-DE"},
			adminUser:  {"Admin Amt", "de-DE"},
			"U2":       {"Zoe Zweite", "de-DE"},
			"USLOW":    {"Sam Slow", "de-DE"},
			"UHANG":    {"Hanna Hang", "cs-CZ"},
			"UNOLOCAL": {"No Locale", ""},
		},
		fail: map[string][]int{},
		hang: map[string]chan struct{}{},
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(func() {
		f.mu.Lock()
		for _, c := range f.hang {
			select {
			case <-c:
			default:
				close(c)
			}
		}
		f.mu.Unlock()
		f.srv.Close()
	})
	return f
}

// refuseTokens makes auth.test and apps.connections.open answer err.
func (f *fakeSlack) refuseTokens(err string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.authError = err
}

// URL is the API base to give slack.OptionAPIURL.
func (f *fakeSlack) URL() string { return f.srv.URL + "/" }

// failFirst makes method answer with these HTTP statuses before succeeding.
func (f *fakeSlack) failFirst(method string, statuses ...int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail[method] = append(f.fail[method], statuses...)
}

// hangUntil makes method wait until the returned function is called (or
// the caller gives up).
func (f *fakeSlack) hangUntil(method string) (release func()) {
	c := make(chan struct{})
	f.mu.Lock()
	f.hang[method] = c
	f.mu.Unlock()
	var once sync.Once
	return func() { once.Do(func() { close(c) }) }
}

// callsOf returns the recorded calls of method.
func (f *fakeSlack) callsOf(method string) []slackCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []slackCall
	for _, c := range f.calls {
		if c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

func (f *fakeSlack) serve(w http.ResponseWriter, r *http.Request) {
	method := strings.TrimPrefix(r.URL.Path, "/")
	if method == "ws" && f.ws != nil {
		up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
		conn, err := up.Upgrade(w, r, nil)
		if err != nil {
			f.t.Errorf("websocket upgrade: %v", err)
			return
		}
		defer conn.Close()
		f.ws(conn)
		return
	}
	body, _ := io.ReadAll(r.Body)
	c := slackCall{Method: method, Body: string(body)}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "application/json" && len(body) > 0 {
		if err := json.Unmarshal(body, &c.JSON); err != nil {
			f.t.Errorf("%s: JSON body: %v", method, err)
		}
	} else {
		c.Form, _ = url.ParseQuery(string(body))
	}
	f.mu.Lock()
	f.calls = append(f.calls, c)
	hang := f.hang[method]
	authError := f.authError
	var status int
	if q := f.fail[method]; len(q) > 0 {
		status, f.fail[method] = q[0], q[1:]
	}
	f.mu.Unlock()

	if hang != nil {
		select {
		case <-hang:
		case <-r.Context().Done():
			return
		}
	}
	switch status {
	case 0:
	case http.StatusTooManyRequests:
		w.Header().Set("Retry-After", "1")
		http.Error(w, "rate limited", status)
		return
	default:
		http.Error(w, "<html>oops</html>", status)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	ok := func(v map[string]any) {
		v["ok"] = true
		json.NewEncoder(w).Encode(v)
	}
	fail := func(e string) { json.NewEncoder(w).Encode(map[string]any{"ok": false, "error": e}) }
	switch method {
	case "auth.test":
		if authError != "" {
			fail(authError)
			return
		}
		ok(map[string]any{"user_id": botUser, "bot_id": botBotID, "team": "Hilden", "team_id": homeTeam, "user": "klimabot"})
	case "users.info":
		id := c.Form.Get("user")
		u, found := f.users[id]
		if !found {
			fail("user_not_found")
			return
		}
		if c.Form.Get("include_locale") != "true" {
			u.Locale = "" // Slack only tells the locale when asked
		}
		team := homeTeam
		if t, ok := f.teams[id]; ok {
			team = t
		}
		ok(map[string]any{"user": map[string]any{"id": id, "team_id": team, "name": strings.ToLower(strings.Fields(u.Name)[0]), "real_name": u.Name, "locale": u.Locale}})
	case "chat.postMessage", "chat.postEphemeral", "chat.update":
		if c.Form.Get("channel") == "CGONE" {
			fail("channel_not_found")
			return
		}
		f.mu.Lock()
		f.ts++
		ts := fmt.Sprintf("1700001000.%06d", f.ts)
		f.mu.Unlock()
		ok(map[string]any{"channel": c.Form.Get("channel"), "ts": ts, "message_ts": ts})
	case "views.publish", "views.open":
		ok(map[string]any{"view": map[string]any{"id": "V1"}})
	case "files.getUploadURLExternal":
		f.mu.Lock()
		f.ts++
		id := fmt.Sprintf("F%d", f.ts)
		f.mu.Unlock()
		ok(map[string]any{"upload_url": f.srv.URL + "/upload/" + id, "file_id": id})
	case "files.completeUploadExternal":
		if c.Form.Get("channel_id") == "CNOFILES" {
			fail("not_in_channel")
			return
		}
		if c.Form.Get("channels") == "UNODM" { // a person the bot may not write to
			fail("channel_not_found")
			return
		}
		var files []map[string]any
		json.Unmarshal([]byte(c.Form.Get("files")), &files)
		ok(map[string]any{"files": files})
	case "apps.connections.open":
		if authError != "" {
			fail(authError)
			return
		}
		ok(map[string]any{"url": "ws" + strings.TrimPrefix(f.srv.URL, "http") + "/ws"})
	default:
		if strings.HasPrefix(method, "upload/") {
			w.Header().Set("Content-Type", "text/plain")
			io.WriteString(w, "OK - "+strconv.Itoa(len(body)))
			return
		}
		fail("unknown_method")
	}
}

// harness is a bot over a real SQLite store, a fake Slack and a real HTTP
// server, with F.019 and A.1 imported and channel C1 following F.019.
type harness struct {
	t     *testing.T
	db    *storage.DB
	path  string
	slack *fakeSlack
	bot   *Bot
	srv   *httptest.Server
	// inflight counts requests being served, so settle can wait for the
	// handlers to return (they start the work after the acknowledgement).
	inflight sync.WaitGroup
	logs     *syncBuffer
	f019     int64
	dbClosed bool // the test closed the store itself
	// cal makes calendars; its links point at srv
	cal *calendar.Maker
}

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newHarness(t *testing.T, configure ...func(*Config)) *harness {
	t.Helper()
	ctx := context.Background()
	h := &harness{t: t, slack: newFakeSlack(t), logs: &syncBuffer{}}
	h.path = filepath.Join(t.TempDir(), "klimabot.db")
	db, err := storage.Open(ctx, h.path)
	if err != nil {
		t.Fatal(err)
	}
	h.db = db
	if _, err := db.Import(ctx, "test.txt", []commands.Measure{testF019(), {Code: "A.1", Title: "Radverkehrskonzept"}}); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveChannel(ctx, commands.Channel{ID: chanF019, TimeZone: "Europe/Berlin",
		Schedule: commands.DefaultSchedule, StaleDays: 60, Follows: []string{"F.019"}}); err != nil {
		t.Fatal(err)
	}
	m, err := db.Measure(ctx, "F.019")
	if err != nil {
		t.Fatal(err)
	}
	h.f019 = m.ID
	log := slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	svc := &commands.Service{
		Store: db, Bundle: mustBundle(t), DefaultLang: "de", DefaultTZ: "Europe/Berlin",
		Admins: map[string]bool{adminUser: true}, Log: log,
	}
	svc.Reports = export.Maker{Store: db, Bundle: svc.Bundle}
	h.cal = &calendar.Maker{Store: db, Bundle: svc.Bundle}
	svc.Calendars = h.cal
	cfg := Config{
		BotToken: "xoxb-test", SigningSecret: testSecret, APIURL: h.slack.URL(), Log: log,
		RetryBase: 10 * time.Millisecond, Calendar: h.cal,
		// Tests read the answer from the acknowledgement; a loaded CI
		// machine under -race must not push it to response_url. Tests of
		// the budget set their own.
		Budget: 15 * time.Second,
	}
	for _, c := range configure {
		c(&cfg)
	}
	b, err := New(cfg, svc, db, svc.Bundle)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Start(ctx); err != nil {
		t.Fatal(err)
	}
	h.bot = b
	handler := b.Handler()
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.inflight.Add(1)
		defer h.inflight.Done()
		handler.ServeHTTP(w, r)
	}))
	h.cal.PublicURL = h.srv.URL
	t.Cleanup(func() {
		h.srv.Close()
		if err := b.Close(context.Background()); err != nil {
			t.Errorf("close bot: %v", err)
		}
		if !h.dbClosed {
			if err := db.Close(); err != nil {
				t.Errorf("close db: %v", err)
			}
		}
		if t.Failed() {
			t.Logf("bot logs:\n%s", h.logs.String())
		}
	})
	return h
}

// testF019 is measure sheet F.019 in brief, its six steps planned 2022–2025.
func testF019() commands.Measure {
	return commands.Measure{
		Code:        "F.019",
		Title:       "Kommunale Klimapartnerschaft mit Nové Město nad Metují",
		Responsible: "Stabsstelle Klimaschutz",
		Steps: []commands.Step{
			{Number: 1, Text: "Analyse klimatischer Parallelen", PlannedYear: 2022},
			{Number: 2, Text: "Kontaktaufnahme", PlannedYear: 2023},
			{Number: 3, Text: "Absichtserklärung", PlannedYear: 2023},
			{Number: 4, Text: "Handlungsprogramm", PlannedYear: 2024},
			{Number: 5, Text: "Ratsbeschluss", PlannedYear: 2025},
			{Number: 6, Text: "Erstes gemeinsames Projekt", PlannedYear: 2025},
		},
	}
}

// settle waits until the handlers returned and the work they started after
// the acknowledgement is done.
func (h *harness) settle() {
	h.inflight.Wait()
	h.bot.wg.Wait()
}

// signed returns a request signed like Slack signs, at the current time.
func (h *harness) signed(path, contentType string, body []byte) *http.Request {
	req, err := http.NewRequest(http.MethodPost, h.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req.Header.Set("Content-Type", contentType)
	req.Header.Set(HeaderTimestamp, ts)
	req.Header.Set(HeaderSignature, Signature(testSecret, ts, body))
	return req
}

// do sends req and returns the status and body.
func (h *harness) do(req *http.Request) (int, string) {
	h.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// triggers numbers the trigger_id of test commands: Slack gives every
// command its own, so two commands are never the same signed request.
var triggers atomic.Int64

// command sends a signed /klima command from user in channel.
func (h *harness) command(user, channel, text, responseURL string) (int, string) {
	h.t.Helper()
	form := url.Values{
		"token": {"legacy"}, "team_id": {"T1"}, "channel_id": {channel}, "channel_name": {"klimapartnerschaft"},
		"user_id": {user}, "user_name": {strings.ToLower(user)}, "command": {"/klima"}, "text": {text},
		"response_url": {responseURL}, "trigger_id": {fmt.Sprintf("1.2.%d", triggers.Add(1))},
	}
	return h.do(h.signed(PathCommands, "application/x-www-form-urlencoded", []byte(form.Encode())))
}

// answer decodes a command's acknowledgement.
func (h *harness) answer(body string) answerMsg {
	h.t.Helper()
	var m answerMsg
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		h.t.Fatalf("answer is not JSON: %v\n%s", err, body)
	}
	return m
}

type answerMsg struct {
	ResponseType string            `json:"response_type"`
	Text         string            `json:"text"`
	Blocks       []json.RawMessage `json:"blocks"`
}

// Visible returns every text of the answer's blocks, one a line: what a
// person sees in Slack.
func (a answerMsg) Visible() string {
	var b strings.Builder
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if t, ok := v["text"].(string); ok {
				b.WriteString(t + "\n")
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	for _, raw := range a.Blocks {
		var v any
		json.Unmarshal(raw, &v)
		walk(v)
	}
	return b.String()
}

// event sends a signed Events API callback with an inner event.
func (h *harness) event(eventID string, inner map[string]any, header http.Header) (int, string) {
	h.t.Helper()
	body, _ := json.Marshal(map[string]any{
		"token": "legacy", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
		"event_id": eventID, "event_time": time.Now().Unix(), "event": inner,
	})
	req := h.signed(PathEvents, "application/json", body)
	for k, v := range header {
		req.Header[k] = v
	}
	return h.do(req)
}

// interact sends a signed interactivity payload.
func (h *harness) interact(payload any) (int, string) {
	h.t.Helper()
	p, _ := json.Marshal(payload)
	form := url.Values{"payload": {string(p)}}
	return h.do(h.signed(PathInteractivity, "application/x-www-form-urlencoded", []byte(form.Encode())))
}

// entries returns the progress entries of F.019, newest first.
func (h *harness) entries() []commands.Entry {
	h.t.Helper()
	es, err := h.db.Entries(context.Background(), h.f019, 100)
	if err != nil {
		h.t.Fatal(err)
	}
	return es
}

// dump returns every row of every table, for before/after comparisons.
func (h *harness) dump() string {
	h.t.Helper()
	db, err := sql.Open("sqlite", "file:"+h.path+"?_pragma=query_only(1)")
	if err != nil {
		h.t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
	if err != nil {
		h.t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	var b strings.Builder
	for _, tb := range tables {
		fmt.Fprintf(&b, "== %s\n", tb)
		rows, err := db.Query(fmt.Sprintf("SELECT * FROM %q ORDER BY rowid", tb))
		if err != nil {
			h.t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			rows.Scan(ptrs...)
			fmt.Fprintln(&b, vals...)
		}
		rows.Close()
	}
	return b.String()
}

// responseURL is a test server playing Slack's response_url: it records
// what is posted to it.
type responseURL struct {
	srv  *httptest.Server
	mu   sync.Mutex
	msgs []answerMsg
}

func newResponseURL(t *testing.T) *responseURL {
	r := &responseURL{}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		var m answerMsg
		if err := json.NewDecoder(req.Body).Decode(&m); err != nil {
			t.Errorf("response_url got no JSON: %v", err)
		}
		r.mu.Lock()
		r.msgs = append(r.msgs, m)
		r.mu.Unlock()
		io.WriteString(w, "ok")
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *responseURL) got() []answerMsg {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]answerMsg(nil), r.msgs...)
}

func mustContainAll(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s does not contain %q:\n%s", what, w, got)
		}
	}
}
