package bot

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/klimabot/klimabot/commands"
)

// TestSlashCommandStatus: a signed /klima status over real HTTP is answered
// ephemerally in the caller's language, in the acknowledgement.
func TestSlashCommandStatus(t *testing.T) {
	h := newHarness(t)
	status, body := h.command("U1", chanF019, "status F.019", "")
	if status != 200 {
		t.Fatalf("status %d: %s", status, body)
	}
	a := h.answer(body)
	if a.ResponseType != "ephemeral" || len(a.Blocks) == 0 {
		t.Errorf("answer is not an ephemeral Block Kit message: %+v", a)
	}
	mustContainAll(t, "German status", a.Visible(),
		"F.019 Kommunale Klimapartnerschaft mit Nové Město nad Metují",
		"*Zuständigkeit*\nStabsstelle Klimaschutz", "0 von 6 Schritten erledigt", "Nächste Frist")
	mustContainAll(t, "German notification text", a.Text, "F.019 Kommunale Klimapartnerschaft", "0 von 6 Schritten erledigt")

	_, body = h.command("U1", chanF019, "stav F.019", "")
	mustContainAll(t, "Czech status (typed word)", h.answer(body).Visible(), "splněno 0 z 6 kroků", "Nejbližší termín")
	h.settle()
	if got := testutil.ToFloat64(h.bot.Metrics().Commands.WithLabelValues("status", "ok")); got != 2 {
		t.Errorf("klimabot_commands_total{status,ok} = %v, want 2", got)
	}
}

// TestSlashCommandLog: log stores the entry, answers the caller, announces
// in the channel after the acknowledgement and records the announcement so
// that its thread finds the measure.
func TestSlashCommandLog(t *testing.T) {
	h := newHarness(t)
	_, body := h.command("U1", chanF019, "eintragen F.019 Erstes Treffen mit Nové Město <am Montag> & danach", "")
	mustContainAll(t, "answer", h.answer(body).Visible(), "Fortschritt zu F.019 eingetragen")
	h.settle()

	es := h.entries()
	if len(es) != 1 || es[0].Author.ID != "U1" || es[0].Author.Name != "Ute Beispiel" || es[0].Text != "Erstes Treffen mit Nové Město <am Montag> & danach" || es[0].Source != "command" || es[0].ChannelID != chanF019 {
		t.Fatalf("entries = %+v", es)
	}
	posts := h.slack.callsOf("chat.postMessage")
	if len(posts) != 1 || posts[0].Form.Get("channel") != chanF019 {
		t.Fatalf("announcement posts = %+v", posts)
	}
	mustContainAll(t, "announcement", posts[0].Form.Get("text"), "Ute Beispiel hat Fortschritt zu", "F.019", "&lt;am Montag&gt; &amp; danach")
	mustContainAll(t, "announcement blocks", posts[0].Form.Get("blocks"), "Erstes Treffen")
	id, ok, err := h.db.MeasureForMessage(context.Background(), chanF019, "1700001000.000001")
	if err != nil || !ok || id != h.f019 {
		t.Errorf("announcement not recorded: %d %v %v", id, ok, err)
	}

	// A refusal is answered and writes nothing: C2 does not follow F.019.
	before := h.dump()
	_, body = h.command("U1", chanOther, "eintragen F.019 Test", "")
	mustContainAll(t, "refusal", h.answer(body).Visible(), "Dieser Kanal folgt der Maßnahme nicht")
	h.settle()
	if after := h.dump(); after != before {
		t.Errorf("a refused log changed the store:\n%s\n---\n%s", before, after)
	}
	if n := len(h.slack.callsOf("chat.postMessage")); n != 1 {
		t.Errorf("%d posts after a refusal, want still 1", n)
	}
}

// TestLocaleDecidesAndIsCached: with a subcommand word several languages
// share, the Slack locale decides; it is fetched once per user (with
// include_locale) and then cached in the store.
func TestLocaleDecidesAndIsCached(t *testing.T) {
	h := newHarness(t)
	tests := []struct {
		user, want string
	}{
		{"UCS", "splněno 0 z 6 kroků"},
		{"UES", "0 de 6 pasos completados"},
		{"UDE", "0 von 6 Schritten erledigt"},
		{"UEN", "0 of 6 steps done"}, // English: the channel has no language of its own
	}
	for _, tt := range tests {
		for round := 1; round <= 2; round++ {
			_, body := h.command(tt.user, chanF019, "status F.019", "")
			mustContainAll(t, tt.user+" round "+string(rune('0'+round)), h.answer(body).Visible(), tt.want)
		}
		var asked int
		for _, c := range h.slack.callsOf("users.info") {
			if c.Form.Get("user") == tt.user {
				asked++
				if c.Form.Get("include_locale") != "true" {
					t.Errorf("users.info without include_locale: %v", c.Form)
				}
			}
		}
		if asked != 1 {
			t.Errorf("%s: users.info called %d times, want once (then cached)", tt.user, asked)
		}
		u, err := h.db.User(context.Background(), tt.user)
		if err != nil || u.Locale == "" || u.LocaleAt.IsZero() {
			t.Errorf("%s: locale not cached: %+v %v", tt.user, u, err)
		}
	}
}

// TestLocaleRefreshedWhenOld: a locale older than a day is fetched again.
func TestLocaleRefreshedWhenOld(t *testing.T) {
	now := time.Now()
	h := newHarness(t, func(c *Config) { c.Now = func() time.Time { return now } })
	h.command("UCS", chanF019, "status F.019", "")
	now = now.Add(LocaleMaxAge + time.Minute)
	h.command("UCS", chanF019, "status F.019", "")
	if n := len(h.slack.callsOf("users.info")); n != 2 {
		t.Errorf("users.info called %d times, want 2 (refresh after a day)", n)
	}
}

// TestLocaleTimeout: a users.info that hangs costs at most LocaleTimeout;
// the answer still comes in the acknowledgement, without the locale: the
// English word "status" with no locale known answers in English (SPEC
// "The caller's language", step 6).
func TestLocaleTimeout(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.LocaleTimeout = 200 * time.Millisecond })
	release := h.slack.hangUntil("users.info")
	defer release()
	status, body := h.command("UHANG", chanF019, "status F.019", "")
	if status != 200 || body == "" {
		t.Fatalf("no answer within the budget: %d %q", status, body)
	}
	mustContainAll(t, "English word, no locale", h.answer(body).Visible(), "0 of 6 steps done")
	release()
	h.settle()
}

// TestSlowCommandAnswersThroughResponseURL: work that misses the budget is
// acknowledged empty and answered through response_url when done.
func TestSlowCommandAnswersThroughResponseURL(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Budget = 50 * time.Millisecond })
	rurl := newResponseURL(t)
	release := h.slack.hangUntil("users.info") // the work waits for Slack
	status, body := h.command("USLOW", chanF019, "eintragen F.019 Langsam, aber sicher", rurl.srv.URL)
	if status != 200 || strings.TrimSpace(body) != "" {
		t.Fatalf("want an empty 200 acknowledgement, got %d %q", status, body)
	}
	if len(rurl.got()) != 0 {
		t.Fatal("answered through response_url before the work was done")
	}
	release()
	h.settle()
	got := rurl.got()
	if len(got) != 1 || got[0].ResponseType != "ephemeral" {
		t.Fatalf("response_url got %+v", got)
	}
	mustContainAll(t, "late answer", got[0].Text, "Fortschritt zu F.019 eingetragen")
	if len(h.entries()) != 1 || len(h.slack.callsOf("chat.postMessage")) != 1 {
		t.Errorf("late work: %d entries, %d announcements", len(h.entries()), len(h.slack.callsOf("chat.postMessage")))
	}
}

func TestSSLCheck(t *testing.T) {
	h := newHarness(t)
	status, body := h.do(h.signed(PathCommands, "application/x-www-form-urlencoded", []byte("ssl_check=1&token=x")))
	if status != 200 || body != "" {
		t.Errorf("ssl_check: %d %q", status, body)
	}
}

// TestReportUploaded: a report's document is uploaded to the channel after
// the acknowledgement; a failed upload is told to the caller.
func TestReportUploaded(t *testing.T) {
	h := newHarness(t)
	rurl := newResponseURL(t)
	_, body := h.command("U1", chanF019, "bericht F.019", rurl.srv.URL)
	mustContainAll(t, "answer", h.answer(body).Visible(), "Sachstandsbericht für")
	h.settle()
	if n := len(h.slack.callsOf("files.getUploadURLExternal")); n != 1 {
		t.Fatalf("%d uploads", n)
	}
	done := h.slack.callsOf("files.completeUploadExternal")
	if len(done) != 1 || done[0].Form.Get("channel_id") != chanF019 || !strings.Contains(done[0].Form.Get("files"), "Sachstandsbericht") {
		t.Errorf("completeUploadExternal = %+v", done)
	}
	if len(rurl.got()) != 0 {
		t.Errorf("a successful upload sent %+v", rurl.got())
	}

	// a channel that follows F.019 but where the bot may not upload
	if err := h.db.SaveChannel(context.Background(), commands.Channel{ID: "CNOFILES", TimeZone: "Europe/Berlin",
		Schedule: commands.DefaultSchedule, StaleDays: 60, Follows: []string{"F.019"}}); err != nil {
		t.Fatal(err)
	}
	_, body = h.command(adminUser, "CNOFILES", "bericht F.019", rurl.srv.URL)
	mustContainAll(t, "answer", h.answer(body).Visible(), "Sachstandsbericht für")
	h.settle()
	got := rurl.got()
	if len(got) != 1 {
		t.Fatalf("response_url got %+v", got)
	}
	mustContainAll(t, "upload failure", got[0].Text, "konnte nicht in diesen Kanal hochgeladen werden")
}

// TestAnnouncementsBounded: while Slack does not take posts, one post is
// in flight to the channel and at most maxAnnouncing announcements are
// held (queued or being posted); the commands after them are still
// answered, and once Slack answers again every announcement is posted
// (none is dropped), several in one message. Without the bound every
// log's announcement held a goroutine and its message until Slack
// answered.
func TestAnnouncementsBounded(t *testing.T) {
	h := newHarness(t)
	release := h.slack.hangUntil("chat.postMessage")
	defer release()
	const n = maxAnnouncing + 16
	var wg sync.WaitGroup
	var answered atomic.Int32
	for i := range n {
		wg.Go(func() {
			if code, body := h.command("U1", chanF019, fmt.Sprintf("log F.019 Abstimmung Nummer %d", i), ""); code == 200 && strings.Contains(body, "F.019") {
				answered.Add(1)
			}
		})
	}
	// the client gives up a hanging post after 10 s: release before
	deadline := time.Now().Add(5 * time.Second)
	for (len(h.bot.announcing) < maxAnnouncing || answered.Load() < n) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond) // room for more posts to start, if anything let them
	if got := len(h.slack.callsOf("chat.postMessage")); got != 1 {
		t.Errorf("%d posts under way to one channel while Slack hangs, want 1", got)
	}
	if got := len(h.bot.announcing); got != maxAnnouncing {
		t.Errorf("%d announcements held while Slack hangs, want %d", got, maxAnnouncing)
	}
	if answered.Load() != n {
		t.Errorf("%d of %d commands answered while Slack hangs", answered.Load(), n)
	}
	release()
	wg.Wait()
	h.settle()
	if got := announcedNumbers(t, h.slack.callsOf("chat.postMessage")); len(got) != n {
		t.Errorf("%d announcements posted, want %d: %v", len(got), n, got)
	}
}
