package bot

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// The scopes and events of SLACK.md ("Scopes for the manifest"), exactly:
// files:write because `/klima report` and `/klima timeline` upload their
// documents (commands.File) to the channel; im:history and message.im
// because direct messages to the bot are commands; channel_id_changed so
// settings follow a private channel that becomes shared. A file for the
// asker alone (a calendar, a report of measures the channel does not
// follow) needs no im:write: files v2 shares it to a user id. No channels:read
// or groups:read: no call needs them (TestManifestScopesAreUsed).
var (
	wantScopes = []string{
		"commands", "chat:write", "chat:write.public", "users:read", "channels:history",
		"groups:history", "im:history", "app_mentions:read", "files:write",
	}
	wantEvents = []string{"app_mention", "message.channels", "message.groups", "message.im", "app_home_opened",
		"channel_id_changed"}
)

// TestManifestScopesAreUsed: channels:read and groups:read are requested
// only if a call needs them (conversations.info, .list, .members), and the
// Socket Mode manifest does not ask for a signing secret it never uses.
func TestManifestScopesAreUsed(t *testing.T) {
	files, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if !strings.HasSuffix(f.Name(), ".go") || strings.HasSuffix(f.Name(), "_test.go") {
			continue
		}
		src, err := os.ReadFile(f.Name())
		if err != nil {
			t.Fatal(err)
		}
		for _, call := range []string{"GetConversationInfo", "GetConversations(", "GetConversationsContext", "GetUsersInConversation",
			"conversations.info", "conversations.list", "conversations.members"} {
			if strings.Contains(string(src), call) {
				t.Errorf("%s calls %s: the manifests need channels:read and groups:read again", f.Name(), call)
			}
		}
	}
	socket, err := os.ReadFile("manifest.socket.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(socket), "SIGNING_SECRET") {
		t.Error("manifest.socket.yaml asks for a signing secret; Socket Mode needs none")
	}
	http, err := os.ReadFile("manifest.http.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(http), "SLACK_SIGNING_SECRET") {
		t.Error("manifest.http.yaml does not say to set SLACK_SIGNING_SECRET")
	}
}

// flatYAML reads the YAML subset the manifests use (nested maps, lists of
// scalars, lists of flat maps; no tabs, flow style or multi-line strings)
// into path → values: "settings.interactivity.is_enabled" → ["true"],
// "oauth_config.scopes.bot" → the list, "features.shortcuts[0].name" → its
// value. The module has no YAML parser and this test does not add one.
func flatYAML(src string) (map[string][]string, error) {
	type frame struct {
		indent int
		key    string
	}
	var stack []frame
	out := map[string][]string{}
	items := map[string]int{} // list path → items so far
	path := func() string {
		var b strings.Builder
		for i, f := range stack {
			if i > 0 && !strings.HasPrefix(f.key, "[") {
				b.WriteByte('.')
			}
			b.WriteString(f.key)
		}
		return b.String()
	}
	pop := func(indent int) {
		for len(stack) > 0 && stack[len(stack)-1].indent >= indent {
			stack = stack[:len(stack)-1]
		}
	}
	set := func(p, v string) error {
		if _, dup := out[p]; dup {
			return fmt.Errorf("%s: defined twice", p)
		}
		out[p] = []string{v}
		return nil
	}
	for n, line := range strings.Split(src, "\n") {
		n++
		if strings.Contains(line, "\t") {
			return nil, fmt.Errorf("line %d: tab", n)
		}
		content := strings.TrimSpace(line)
		if content == "" || strings.HasPrefix(content, "#") {
			continue
		}
		indent := len(line) - len(strings.TrimLeft(line, " "))
		pop(indent)
		if item, ok := strings.CutPrefix(content, "- "); ok {
			p := path()
			if k, v, isMap := strings.Cut(item, ": "); isMap {
				i := items[p]
				items[p]++
				stack = append(stack, frame{indent, "[" + strconv.Itoa(i) + "]"})
				if err := set(path()+"."+k, unquote(v)); err != nil {
					return nil, fmt.Errorf("line %d: %w", n, err)
				}
				continue
			}
			out[p] = append(out[p], unquote(item))
			continue
		}
		k, v, ok := strings.Cut(content, ":")
		if !ok || k == "" || strings.ContainsAny(k, " \"'") {
			return nil, fmt.Errorf("line %d: not a key: %q", n, content)
		}
		v = strings.TrimSpace(v)
		if v == "" {
			stack = append(stack, frame{indent, k})
			continue
		}
		stack = append(stack, frame{indent, k})
		err := set(path(), unquote(v))
		stack = stack[:len(stack)-1]
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
	}
	return out, nil
}

func unquote(v string) string {
	v = strings.TrimSpace(v)
	if s, err := strconv.Unquote(v); err == nil {
		return s
	}
	return v
}

func readManifest(t *testing.T, name string) map[string][]string {
	t.Helper()
	src, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	m, err := flatYAML(string(src))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return m
}

func TestFlatYAML(t *testing.T) {
	m, err := flatYAML("a:\n  b: 1\n  l:\n    - x\n    - \"y z\"\n  m:\n    - k: v\n      j: w\n    - k: u\nc: true\n")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{"a.b": {"1"}, "a.l": {"x", "y z"}, "a.m[0].k": {"v"}, "a.m[0].j": {"w"}, "a.m[1].k": {"u"}, "c": {"true"}}
	if !maps.EqualFunc(m, want, slices.Equal) {
		t.Errorf("got %v, want %v", m, want)
	}
	for _, bad := range []string{"a:\n\tb: 1\n", "a: 1\na: 2\n", "just words\n"} {
		if _, err := flatYAML(bad); err == nil {
			t.Errorf("flatYAML(%q) accepted", bad)
		}
	}
}

func TestManifests(t *testing.T) {
	const host = "https://klimabot.example.org"
	urls := map[string]string{
		"features.slash_commands[0].url":           host + "/slack/commands",
		"settings.event_subscriptions.request_url": host + "/slack/events",
		"settings.interactivity.request_url":       host + "/slack/interactivity",
	}
	common := map[string]string{
		"display_information.name":                         "klimabot",
		"features.bot_user.display_name":                   "klimabot",
		"features.bot_user.always_online":                  "true",
		"features.app_home.home_tab_enabled":               "true",
		"features.app_home.messages_tab_enabled":           "true",
		"features.slash_commands[0].command":               "/klima",
		"features.shortcuts[0].name":                       "Log as progress",
		"features.shortcuts[0].type":                       "message",
		"features.shortcuts[0].callback_id":                "log_as_progress",
		"settings.interactivity.is_enabled":                "true",
		"oauth_config.scopes.bot":                          strings.Join(wantScopes, " "),
		"settings.event_subscriptions.bot_events":          strings.Join(wantEvents, " "),
		"features.app_home.messages_tab_read_only_enabled": "false",
	}
	socket, http := readManifest(t, "manifest.socket.yaml"), readManifest(t, "manifest.http.yaml")
	for name, tt := range map[string]struct {
		m          map[string][]string
		socketMode string
		urls       bool
	}{
		"manifest.socket.yaml": {socket, "true", false},
		"manifest.http.yaml":   {http, "false", true},
	} {
		t.Run(name, func(t *testing.T) {
			get := func(p string) string { return strings.Join(tt.m[p], " ") }
			for p, want := range common {
				if got := get(p); got != want {
					t.Errorf("%s = %q, want %q", p, got, want)
				}
			}
			if got := get("settings.socket_mode_enabled"); got != tt.socketMode {
				t.Errorf("socket_mode_enabled = %q, want %s", got, tt.socketMode)
			}
			for p, want := range urls {
				if !tt.urls {
					want = ""
				}
				if got := get(p); got != want {
					t.Errorf("%s = %q, want %q", p, got, want)
				}
			}
			for _, p := range []string{"display_information.description", "features.slash_commands[0].description",
				"features.slash_commands[0].usage_hint", "features.shortcuts[0].description"} {
				if n := utf8.RuneCountInString(get(p)); n == 0 || n > 100 {
					t.Errorf("%s: %d characters, want 1..100", p, n)
				}
			}
			// Exactly one slash command and one shortcut.
			for p := range tt.m {
				if strings.Contains(p, "[1]") {
					t.Errorf("unexpected second item: %s", p)
				}
			}
		})
	}
	// Apart from the URLs and the mode, the two are the same app.
	strip := func(m map[string][]string) map[string][]string {
		m = maps.Clone(m)
		for p := range urls {
			delete(m, p)
		}
		delete(m, "settings.socket_mode_enabled")
		return m
	}
	if !maps.EqualFunc(strip(socket), strip(http), slices.Equal) {
		t.Errorf("the manifests differ beyond URLs and socket mode:\nsocket %v\nhttp   %v", strip(socket), strip(http))
	}
}
