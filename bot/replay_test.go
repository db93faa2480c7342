package bot

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

// sendTimes sends the same signed request n times: the same body, the
// same timestamp, the same signature, as someone who recorded it would.
func (h *harness) sendTimes(n int, path, contentType string, body []byte) (statuses []int, bodies []string) {
	h.t.Helper()
	first := h.signed(path, contentType, body)
	for i := 0; i < n; i++ {
		req, err := http.NewRequest(http.MethodPost, first.URL.String(), bytes.NewReader(body))
		if err != nil {
			h.t.Fatal(err)
		}
		req.Header = first.Header.Clone()
		status, b := h.do(req)
		statuses = append(statuses, status)
		bodies = append(bodies, b)
		h.settle()
	}
	return statuses, bodies
}

// TestReplayedRequestsHandledOnce: the same signed /klima log, modal
// submission and button click, each sent three times within Slack's five
// minutes, are handled once; the replays are answered with an empty 200
// and counted.
func TestReplayedRequestsHandledOnce(t *testing.T) {
	now := time.Date(2027, 3, 24, 8, 0, 0, 0, time.UTC)
	h, r := remindHarness(t, now)
	before := len(h.entries()) // remindHarness logs one entry

	form := url.Values{
		"token": {"legacy"}, "team_id": {homeTeam}, "channel_id": {chanF019}, "user_id": {"U1"}, "user_name": {"ute"},
		"command": {"/klima"}, "text": {"eintragen F.019 Workshop mit Nové Město"},
		"response_url": {"https://hooks.slack.com/commands/T0HILDEN/1/x"}, "trigger_id": {"398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"},
	}
	statuses, bodies := h.sendTimes(3, PathCommands, "application/x-www-form-urlencoded", []byte(form.Encode()))
	if statuses[0] != 200 || bodies[0] == "" {
		t.Fatalf("first command: %d %q", statuses[0], bodies[0])
	}
	for i := 1; i < 3; i++ {
		if statuses[i] != 200 || bodies[i] != "" {
			t.Errorf("replay %d answered %d %q, want an empty 200", i, statuses[i], bodies[i])
		}
	}
	if n := len(h.entries()) - before; n != 1 {
		t.Errorf("the command was logged %d times", n)
	}
	if n := len(h.slack.callsOf("chat.postMessage")); n != 1 {
		t.Errorf("%d announcements", n)
	}

	meta := fmt.Sprintf(`{"c":%q,"ts":"1699990500.000600","u":"UAUTHOR"}`, chanF019)
	sub, _ := json.Marshal(submission("U2", meta, "F.019", "Aus dem Modal"))
	h.sendTimes(3, PathInteractivity, "application/x-www-form-urlencoded", []byte(url.Values{"payload": {string(sub)}}.Encode()))
	if n := len(h.entries()) - before; n != 2 {
		t.Errorf("after three submissions: %d new entries, want 2", n)
	}

	// a stale nudge and its no-change button, clicked once and replayed twice
	r.Now = func() time.Time { return now.AddDate(0, 0, 61) }
	if _, err := r.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	ts := h.lastTS()
	value := strconv.FormatInt(h.f019, 10)
	click, _ := json.Marshal(map[string]any{
		"type": "block_actions", "user": map[string]any{"id": "U1", "team_id": homeTeam}, "trigger_id": "111.222.valid",
		"team": map[string]any{"id": homeTeam}, "response_url": "https://hooks.slack.com/actions/T0HILDEN/1/x",
		"channel":   map[string]any{"id": chanF019},
		"container": map[string]any{"type": "message", "message_ts": ts, "channel_id": chanF019},
		"message":   map[string]any{"type": "message", "ts": ts, "text": "", "blocks": []any{}},
		"actions":   []map[string]any{{"action_id": ActionNoChange, "block_id": "nochange:" + value, "value": value, "type": "button", "action_ts": "1596530385.194939"}},
	})
	h.sendTimes(3, PathInteractivity, "application/x-www-form-urlencoded", []byte(url.Values{"payload": {string(click)}}.Encode()))
	if _, ok := h.entryWith("Keine Änderung – weiter auf Kurs."); !ok {
		t.Error("the click was not handled")
	}
	if n := len(h.entries()) - before; n != 3 {
		t.Errorf("after three clicks: %d new entries, want 3", n)
	}
	if got := testutil.ToFloat64(h.bot.Metrics().Replays); got != 6 {
		t.Errorf("replays counted %v, want 6", got)
	}
	mustContainAll(t, "logs", h.logs.String(), "replayed Slack request ignored")

	// the same command typed again is a new request (new timestamp or
	// trigger): it is handled
	form.Set("trigger_id", "398738663015.47445629121.other")
	h.sendTimes(1, PathCommands, "application/x-www-form-urlencoded", []byte(form.Encode()))
	if n := len(h.entries()) - before; n != 4 {
		t.Errorf("a new command was not handled: %d new entries", n)
	}
}

// TestReplayGuard: a signature is new once per timestamp second; a second
// too old to verify is forgotten; the limit bounds what is kept.
func TestReplayGuard(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	g := NewReplayGuard(5*time.Minute, 4)
	sig := func(i int) []byte {
		s := sha256.Sum256([]byte(strconv.Itoa(i)))
		return s[:]
	}
	ts := now.Unix()
	if !g.First(sig(1), ts, now) || g.First(sig(1), ts, now) {
		t.Fatal("a signature is not new exactly once")
	}
	if !g.First(sig(1), ts+1, now) {
		t.Error("the same signature bytes at another second are another request")
	}
	if !g.First(sig(2), ts, now) || g.Len() != 3 {
		t.Fatalf("Len = %d", g.Len())
	}
	// five minutes later the first second still verifies: still a replay
	if g.First(sig(1), ts, now.Add(5*time.Minute)) {
		t.Error("a replay inside the window was taken as new")
	}
	// after that the second is dropped (Verifier refuses it as stale)
	g.First(sig(3), ts+400, now.Add(5*time.Minute+time.Second))
	if g.Len() != 2 {
		t.Errorf("after expiry Len = %d, want 2 (the second ts+1 and the new one)", g.Len())
	}
	// the limit: the oldest seconds go first, never the newest
	for i := 0; i < 10; i++ {
		g.First(sig(100+i), ts+401+int64(i), now.Add(5*time.Minute+3*time.Second))
	}
	if g.Len() > 4 {
		t.Errorf("Len = %d beyond the limit 4", g.Len())
	}
	if g.First(sig(109), ts+410, now.Add(5*time.Minute+3*time.Second)) {
		t.Error("the newest signature was forgotten")
	}
}

// BenchmarkReplayGuard fills a guard as SPEC's peak load would: 1,000
// signed requests a second for five minutes (300,000 signatures), and
// reports the memory a remembered signature costs and the time of First.
func BenchmarkReplayGuard(b *testing.B) {
	const perSecond, seconds = 1000, 300
	start := time.Unix(1_800_000_000, 0)
	var bytesPerEntry float64
	for i := 0; i < b.N; i++ {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		g := NewReplayGuard(5*time.Minute, 0)
		var sig [32]byte // HMACs look random: splitmix64 stands in for them, cheaply
		for n := 0; n < perSecond*seconds; n++ {
			z := uint64(n+1) * 0x9e3779b97f4a7c15
			z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
			z = (z ^ z>>27) * 0x94d049bb133111eb
			binary.LittleEndian.PutUint64(sig[:], z^z>>31)
			sec := start.Unix() + int64(n/perSecond)
			if !g.First(sig[:], sec, time.Unix(sec, 0)) {
				b.Fatal("a new signature was taken as a replay")
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		if g.Len() != perSecond*seconds {
			b.Fatalf("Len = %d", g.Len())
		}
		bytesPerEntry = float64(after.HeapAlloc-before.HeapAlloc) / float64(g.Len())
		runtime.KeepAlive(g)
	}
	b.ReportMetric(bytesPerEntry, "B/signature")
	b.ReportMetric(bytesPerEntry*perSecond*seconds/(1<<20), "MiB/300k")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*perSecond*seconds), "ns/First")
}
