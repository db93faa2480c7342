package bot

import (
	"net/http"
	"os"
	"strings"
	"testing"
)

// TestNotStoredIsTold: when the store cannot write (here: its file was
// deleted while serving; a full disk is marked the same way, see
// storage.TestGuard_Full), a thread reply is not dropped in silence: the
// replier is told in the thread, ephemerally and in their language, it is
// counted, and /healthz answers 503 (issue 11 items 8 and 10).
func TestNotStoredIsTold(t *testing.T) {
	h := newHarness(t)
	h.recordAnnouncement()
	if status, _ := h.do(mustRequest(t, "GET", h.srv.URL+PathHealth)); status != 200 {
		t.Fatalf("healthz before: %d", status)
	}
	for _, p := range []string{h.path, h.path + "-wal", h.path + "-shm"} {
		if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}

	// the event id cannot be recorded
	h.event("EvNS1", reply("UCS", "Workshop proběhl", "1699990100.000500"), nil)
	// an event without an id gets as far as the entry
	h.event("", reply("U1", "Ratsvorlage geschrieben", "1699990100.000600"), nil)
	h.settle()

	if n := len(h.slack.callsOf("chat.postMessage")); n != 0 {
		t.Errorf("%d messages posted; nothing was stored, nothing may say logged", n)
	}
	eph := h.slack.callsOf("chat.postEphemeral")
	if len(eph) != 2 {
		t.Fatalf("%d ephemeral notices, want 2", len(eph))
	}
	want := map[string]string{ // in the replier's language
		"UCS": "Neuloženo: databáze teď nic nepřijímá.",
		"U1":  "Nicht gespeichert: Die Datenbank nimmt gerade nichts an.",
	}
	for i, c := range eph { // the order is the background work's
		f := c.Form
		if want[f.Get("user")] == "" || f.Get("thread_ts") != announceTS || f.Get("channel") != chanF019 {
			t.Errorf("notice %d not to a replier in the thread: %v", i, f)
			continue
		}
		mustContainAll(t, "notice", f.Get("text"), want[f.Get("user")])
		delete(want, f.Get("user"))
	}

	// a slash command that writes says so too
	status, body := h.command("U1", chanF019, "log F.019 Fahrradständer bestellt", "")
	mustContainAll(t, "command answer", body, "Nicht gespeichert")

	status, body = h.do(mustRequest(t, "GET", h.srv.URL+PathHealth))
	if status != http.StatusServiceUnavailable {
		t.Errorf("healthz after the file was deleted: %d %q, want 503", status, body)
	}
	_, metrics := h.do(mustRequest(t, "GET", h.srv.URL+PathMetrics))
	mustContainAll(t, "metrics", metrics,
		`klimabot_not_stored_total{kind="command"} 1`,
		`klimabot_not_stored_total{kind="thread_reply"} 2`)
	if strings.Contains(h.logs.String(), "panic") {
		t.Errorf("log:\n%s", h.logs.String())
	}
}
