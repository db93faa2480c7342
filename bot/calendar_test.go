package bot

import (
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/klimabot/klimabot/commands"
)

var linkRe = regexp.MustCompile(`http://127\.0\.0\.1:\d+/calendar/([a-z2-7]{32})\.ics`)

// subscription returns the link in an answer, and its token.
func subscription(t *testing.T, text string) (url, token string) {
	t.Helper()
	m := linkRe.FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("no subscription link in:\n%s", text)
	}
	return m[0], m[1]
}

// get fetches a URL of the bot's server.
func (h *harness) get(method, url string) (*http.Response, string) {
	h.t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		h.t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// uploads returns, per completed upload, the file name, where it was shared
// (channel_id, or channels: a user id for a file to one person alone) and
// the bytes that were uploaded.
func (h *harness) uploads() (names, channels, contents []string) {
	byID := map[string]string{}
	h.slack.mu.Lock()
	for _, c := range h.slack.calls {
		if id, ok := strings.CutPrefix(c.Method, "upload/"); ok {
			byID[id] = c.Body
		}
	}
	h.slack.mu.Unlock()
	for _, c := range h.slack.callsOf("files.completeUploadExternal") {
		files := c.Form.Get("files")
		id := regexp.MustCompile(`"id":"(F\d+)"`).FindStringSubmatch(files)
		name := regexp.MustCompile(`"title":"([^"]*)"`).FindStringSubmatch(files)
		if id == nil || name == nil {
			h.t.Fatalf("files.completeUploadExternal without id or title: %s", files)
		}
		names = append(names, name[1])
		to := c.Form.Get("channel_id")
		if to == "" {
			to = c.Form.Get("channels")
		}
		channels = append(channels, to)
		contents = append(contents, byID[id[1]])
	}
	return names, channels, contents
}

// TestCalendarSlashCommand: `/klima kalender F.019` answers at once with
// the caller's link, and the .ics goes to the caller in a direct message —
// never into the channel. The link serves the calendar as text/calendar.
func TestCalendarSlashCommand(t *testing.T) {
	h := newHarness(t)
	status, body := h.command("U1", chanF019, "kalender F.019", "")
	if status != 200 {
		t.Fatalf("status %d: %s", status, body)
	}
	a := h.answer(body)
	mustContainAll(t, "answer", a.Visible(),
		"Kalender für F.019 Kommunale Klimapartnerschaft mit Nové Město nad Metují mit 6 offenen Fristen: Die Datei klimabot-F.019.ics geht nur an Sie.",
		"*Abonnieren* in Outlook oder Thunderbird", "Der Link ist privat")
	url, token := subscription(t, a.Visible())
	h.settle()

	if get := h.slack.callsOf("files.getUploadURLExternal"); len(get) != 1 || get[0].Form.Get("filename") != "klimabot-F.019.ics" {
		t.Fatalf("getUploadURLExternal = %+v", get)
	}
	_, channels, contents := h.uploads()
	if len(channels) != 1 || channels[0] != "U1" {
		t.Fatalf("the calendar was shared to %v, want U1 alone", channels)
	}
	if !strings.Contains(contents[0], "\r\nBEGIN:VCALENDAR\r\nVERSION:2.0\r\n") || strings.Count(contents[0], "BEGIN:VEVENT") != 6 {
		t.Errorf("uploaded file:\n%s", contents[0])
	}

	resp, feed := h.get(http.MethodGet, url)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/calendar; charset=utf-8" {
		t.Fatalf("GET link: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") || !strings.Contains(cc, "private") {
		t.Errorf("Cache-Control %q lets caches keep a private feed", cc)
	}
	if strings.Count(feed, "BEGIN:VEVENT") != 6 || !strings.Contains(feed, "SUMMARY:F.019 – Schritt 5: Ratsbeschluss") {
		t.Errorf("feed:\n%s", feed)
	}
	if head, _ := h.get(http.MethodHead, url); head.StatusCode != 200 {
		t.Errorf("HEAD: %d", head.StatusCode)
	}
	if strings.Contains(h.logs.String(), token) {
		t.Error("the token is in the logs")
	}
}

// TestCalendarFeedReflectsTheStore: a step ticked off in Slack leaves the
// subscribed feed at the next request.
func TestCalendarFeedReflectsTheStore(t *testing.T) {
	h := newHarness(t)
	_, body := h.command("U1", chanF019, "kalender", "")
	url, _ := subscription(t, h.answer(body).Visible())
	h.settle()
	_, feed := h.get(http.MethodGet, url)
	step5 := "UID:s" + strconv.FormatInt(h.f019, 10) + ".5@"
	if !strings.Contains(feed, step5) {
		t.Fatalf("feed lacks step 5:\n%s", feed)
	}
	_, body = h.command("U1", chanF019, "erledigt F.019 5", "")
	mustContainAll(t, "done", h.answer(body).Visible(), "Schritt 5")
	h.settle()
	_, feed = h.get(http.MethodGet, url)
	if strings.Contains(feed, step5) || strings.Count(feed, "BEGIN:VEVENT") != 5 {
		t.Errorf("step 5 is done, the feed still shows it:\n%s", feed)
	}
}

// TestCalendarFeedRefusesEverythingElse: a made-up token, a revoked one,
// a near miss and other paths under /calendar/ all get 404 and no data;
// other methods 405.
func TestCalendarFeedRefusesEverythingElse(t *testing.T) {
	h := newHarness(t)
	_, body := h.command("U1", chanF019, "kalender F.019", "")
	url, token := subscription(t, h.answer(body).Visible())
	h.settle()
	base := h.srv.URL + PathCalendar
	near := token[:31] + map[bool]string{true: "b", false: "a"}[token[31] == 'a']
	for _, u := range []string{
		base + strings.Repeat("a", 32) + ".ics", // made up
		base + near + ".ics",
		base + token, // no .ics
		base + token + ".ics.ics",
		base + strings.ToUpper(token) + ".ics",
		base + token + "/x.ics",
		base + "..%2fhealthz",
		base,
		h.srv.URL + "/calendar",
	} {
		resp, got := h.get(http.MethodGet, u)
		if resp.StatusCode != 404 || strings.Contains(got, "VCALENDAR") {
			t.Errorf("GET %s: %d\n%s", strings.TrimPrefix(u, h.srv.URL), resp.StatusCode, got)
		}
	}
	if resp, _ := h.get(http.MethodPost, url); resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST link: %d, want 405", resp.StatusCode)
	}
	// a query string reaches nothing more
	if resp, got := h.get(http.MethodGet, url+"?scope=all&code=A.1"); resp.StatusCode != 200 || strings.Contains(got, "A.1") {
		t.Errorf("GET link with a query: %d\n%s", resp.StatusCode, got)
	}

	_, body = h.command("U1", chanOther, "kalender widerrufen", "")
	mustContainAll(t, "revoke", h.answer(body).Visible(), "Ihr Abo-Link ist widerrufen")
	h.settle()
	if resp, _ := h.get(http.MethodGet, url); resp.StatusCode != 404 {
		t.Errorf("revoked link: %d, want 404", resp.StatusCode)
	}
	if got := testutil.ToFloat64(h.bot.Metrics().Commands.WithLabelValues("calendar_feed", commands.ENOTFOUND)); got < 6 {
		t.Errorf("klimabot_commands_total{calendar_feed,not_found} = %v", got)
	}
	if strings.Contains(h.logs.String(), token) {
		t.Error("the token is in the logs")
	}
}

// TestCalendarFeedStoreDown: a store that cannot answer gives 503, not a
// calendar and not a 404 (a subscribing program would drop the events).
func TestCalendarFeedStoreDown(t *testing.T) {
	h := newHarness(t)
	_, body := h.command("U1", chanF019, "kalender", "")
	url, _ := subscription(t, h.answer(body).Visible())
	h.settle()
	h.dbClosed = true
	h.db.Close()
	if resp, got := h.get(http.MethodGet, url); resp.StatusCode != http.StatusServiceUnavailable || strings.Contains(got, "VCALENDAR") {
		t.Errorf("store down: %d\n%s", resp.StatusCode, got)
	}
}

// TestCalendarMention: a partner who cannot use /klima asks by mention; the
// file goes to them in a direct message, not into the channel's thread.
func TestCalendarMention(t *testing.T) {
	h := newHarness(t)
	status, _ := h.event("Ev1", map[string]any{
		"type": "app_mention", "user": "UCS", "channel": chanF019, "ts": "1700000001.000100",
		"text": "<@" + botUser + "> kalendář F.019",
	}, nil)
	if status != 200 {
		t.Fatalf("event: %d", status)
	}
	h.settle()
	eph := h.slack.callsOf("chat.postEphemeral")
	if len(eph) != 1 || eph[0].Form.Get("user") != "UCS" {
		t.Fatalf("postEphemeral = %+v", eph)
	}
	mustContainAll(t, "mention answer", eph[0].Form.Get("blocks"), "Kalendář pro F.019", "soubor klimabot-F.019.ics dostanete jen Vy", "/calendar/")
	if _, channels, _ := h.uploads(); len(channels) != 1 || channels[0] != "UCS" {
		t.Errorf("the calendar was shared to %v, want UCS alone", channels)
	}
	for _, c := range h.slack.callsOf("files.completeUploadExternal") {
		if c.Form.Get("thread_ts") != "" || c.Form.Get("channel_id") == chanF019 {
			t.Errorf("calendar shared into the channel: %v", c.Form)
		}
	}
}

// TestCalendarDirectMessageRefused: when Slack will not share the file
// with the person, the caller is told, and the file does not go to the
// channel instead.
func TestCalendarDirectMessageRefused(t *testing.T) {
	h := newHarness(t)
	h.slack.users["UNODM"] = slackUser{"Nora Nodm", "de-DE"}
	rurl := newResponseURL(t)
	_, body := h.command("UNODM", chanF019, "kalender F.019", rurl.srv.URL)
	mustContainAll(t, "answer", h.answer(body).Visible(), "klimabot-F.019.ics")
	h.settle()
	for _, c := range h.slack.callsOf("files.completeUploadExternal") {
		if c.Form.Get("channel_id") != "" || c.Form.Get("channels") != "UNODM" {
			t.Errorf("the refused calendar was shared elsewhere: %v", c.Form)
		}
	}
	got := rurl.got()
	if len(got) != 1 {
		t.Fatalf("response_url got %+v", got)
	}
	mustContainAll(t, "note", got[0].Text, "Die Datei klimabot-F.019.ics konnte Ihnen nicht als Direktnachricht geschickt werden.")
}
