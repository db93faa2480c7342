package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klimabot/klimabot/commands"
)

// TestRemind runs `klimabot remind` on a database set up through the
// console: --dry-run prints the reminder in the channel's languages and
// records nothing; a real run posts once to a fake Slack Web API, and a
// second run posts nothing.
func TestRemind(t *testing.T) {
	env := map[string]string{"KLIMABOT_DB": filepath.Join(t.TempDir(), "k.db")}
	if r := runCmd(t, env, "", "import", seedPath(t, "000_")); r.err != nil {
		t.Fatal(r.err)
	}
	now := time.Now()
	due := commands.DateOf(now.In(mustZone(t, "Europe/Berlin"))).AddDays(3)
	setup := fmt.Sprintf("folgen F.019\nkanal languages de,cs\nerledigt F.019 1-6\nfrist F.019 %s Projektskizze senden\neintragen F.019 Start\n", due)
	if r := runCmd(t, env, setup, "console", "--channel", "CPARTNER"); r.err != nil || strings.Contains(r.stdout, "gibt es nicht") {
		t.Fatalf("setup: %v\n%s", r.err, r.stdout)
	}

	r := runCmd(t, env, "", "remind", "--dry-run")
	if r.err != nil {
		t.Fatalf("dry run: %v\n%s", r.err, r.stderr)
	}
	mustContain(t, "dry run", r.stdout, "#CPARTNER", "Projektskizze senden (fällig in 3 Tagen)", "(za 3 dny)",
		"Erledigt / Hotovo", "Erinnerungslauf: 1 Nachricht.")

	var mu sync.Mutex
	var posts []url.Values
	slack := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(body))
		w.Header().Set("Content-Type", "application/json")
		switch strings.TrimPrefix(r.URL.Path, "/") {
		case "auth.test":
			io.WriteString(w, `{"ok":true,"user_id":"UBOT","bot_id":"BBOT","team":"Hilden"}`)
		case "chat.postMessage":
			mu.Lock()
			posts = append(posts, form)
			fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":"1700000000.%06d"}`, form.Get("channel"), len(posts))
			mu.Unlock()
		case "conversations.history":
			io.WriteString(w, `{"ok":true,"messages":[]}`)
		default:
			io.WriteString(w, `{"ok":false,"error":"unknown_method"}`)
		}
	}))
	defer slack.Close()
	env["SLACK_BOT_TOKEN"] = "xoxb-test"
	env["SLACK_API_URL"] = slack.URL + "/"
	for i, want := range []int{1, 0} {
		r := runCmd(t, env, "", "remind")
		if r.err != nil {
			t.Fatalf("remind %d: %v\n%s", i, r.err, r.stderr)
		}
		mu.Lock()
		n := len(posts)
		mu.Unlock()
		if n != 1 {
			t.Fatalf("after run %d: %d posts, want 1 in all (this run: %d)", i+1, n, want)
		}
	}
	if p := posts[0]; p.Get("channel") != "CPARTNER" || !strings.Contains(p.Get("blocks"), "fällig in 3 Tagen") ||
		!strings.Contains(p.Get("metadata"), "klimabot_reminder") {
		t.Errorf("post = %v", p)
	}
	// --now moves the pass: a week later the deadline is overdue by 4 days
	r = runCmd(t, env, "", "remind", "--now", now.AddDate(0, 0, 7).Format(time.RFC3339), "--dry-run")
	mustContain(t, "remind --now", r.stdout, "seit 4 Tagen überfällig", "4 dny po termínu")
	if r := runCmd(t, map[string]string{"KLIMABOT_DB": env["KLIMABOT_DB"]}, "", "remind"); exitCode(r.err) != 2 || !strings.Contains(r.err.Error(), "SLACK_BOT_TOKEN") {
		t.Errorf("remind without a token: %v", r.err)
	}
	if r := runCmd(t, env, "", "remind", "--now", "tomorrow"); exitCode(r.err) != 2 {
		t.Errorf("bad --now: %v", r.err)
	}
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
