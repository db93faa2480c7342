package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/klimabot/klimabot/commands"
)

// announceTS is the ts of a recorded bot message about F.019 in C1.
const announceTS = "1699990000.000100"

func (h *harness) recordAnnouncement() {
	h.t.Helper()
	if err := h.db.RecordBotMessage(context.Background(), chanF019, announceTS, h.f019, "announce"); err != nil {
		h.t.Fatal(err)
	}
}

func reply(user, text, ts string) map[string]any {
	return map[string]any{"type": "message", "channel": chanF019, "channel_type": "channel",
		"user": user, "text": text, "ts": ts, "thread_ts": announceTS, "event_ts": ts}
}

// TestThreadReplyBecomesEntry: a person's reply in the thread of a bot
// message about a measure is stored as a progress entry in their words and
// acknowledged in the thread in their language; Slack's retry of the same
// event (X-Slack-Retry-Num) is acknowledged and not processed again.
func TestThreadReplyBecomesEntry(t *testing.T) {
	h := newHarness(t)
	h.recordAnnouncement()
	var hooked []ThreadReply
	h.bot.OnThreadReply(func(_ context.Context, r ThreadReply) { hooked = append(hooked, r) })

	ev := reply("UCS", "Workshop s partnery &amp; radou dne 3. 3. &lt;hotovo&gt;", "1699990100.000200")
	if status, _ := h.event("Ev100", ev, nil); status != 200 {
		t.Fatalf("status %d", status)
	}
	h.settle()
	retry := http.Header{HeaderRetryNum: {"1"}, HeaderRetryReason: {"http_timeout"}}
	if status, _ := h.event("Ev100", ev, retry); status != 200 {
		t.Fatalf("retry: status %d", status)
	}
	h.settle()

	es := h.entries()
	if len(es) != 1 {
		t.Fatalf("%d entries after a retried event, want 1: %+v", len(es), es)
	}
	e := es[0]
	if e.Text != "Workshop s partnery & radou dne 3. 3. <hotovo>" || e.Author.ID != "UCS" || e.Author.Name != "Jana Nováková" ||
		e.Source != "thread" || e.ChannelID != chanF019 {
		t.Errorf("entry = %+v", e)
	}
	posts := h.slack.callsOf("chat.postMessage")
	if len(posts) != 1 {
		t.Fatalf("%d acknowledgements, want 1", len(posts))
	}
	if posts[0].Form.Get("thread_ts") != announceTS || posts[0].Form.Get("channel") != chanF019 {
		t.Errorf("acknowledgement not in the thread: %v", posts[0].Form)
	}
	mustContainAll(t, "Czech acknowledgement", posts[0].Form.Get("text"), "Zapsáno jako průběh plnění k F.019.")
	if len(hooked) != 1 || hooked[0].MeasureCode != "F.019" || hooked[0].Lang != "cs" || hooked[0].ThreadTS != announceTS {
		t.Errorf("thread reply hook got %+v", hooked)
	}

	// A German replier is acknowledged in German.
	h.event("Ev101", reply("U1", "Ratsvorlage ist geschrieben", "1699990200.000300"), nil)
	h.settle()
	posts = h.slack.callsOf("chat.postMessage")
	mustContainAll(t, "German acknowledgement", posts[len(posts)-1].Form.Get("text"), "Als Fortschritt zu F.019 eingetragen.")
}

// TestIgnoredMessages: bot messages (any bot_id, the bot's own user), any
// subtype, messages outside threads and threads of other messages change
// nothing and post nothing — not even the event id is stored.
func TestIgnoredMessages(t *testing.T) {
	h := newHarness(t)
	h.recordAnnouncement()
	before := h.dump()
	withBot := reply("U1", "Erinnerung", "1699990100.000201")
	withBot["bot_id"] = "BOTHER"
	own := reply(botUser, "Als Fortschritt zu F.019 eingetragen.", "1699990100.000202")
	edited := reply("U1", "geändert", "1699990100.000203")
	edited["subtype"] = "message_changed"
	botMsg := reply("", "von einer App", "1699990100.000204")
	botMsg["subtype"] = "bot_message"
	joined := reply("U1", "<@U1> ist beigetreten", "1699990100.000205")
	joined["subtype"] = "channel_join"
	topLevel := reply("U1", "Guten Morgen", "1699990100.000206")
	delete(topLevel, "thread_ts")
	parent := reply("U1", "Ich bin der Anfang", announceTS) // thread_ts == ts: the parent itself
	otherThread := reply("U1", "anderes Thema", "1699990100.000207")
	otherThread["thread_ts"] = "1699980000.000001"
	mention := reply("U1", "<@"+botUser+"> status F.019", "1699990100.000208") // handled as app_mention
	for i, ev := range []map[string]any{withBot, own, edited, botMsg, joined, topLevel, parent, otherThread, mention} {
		if status, _ := h.event("EvIgnored"+string(rune('A'+i)), ev, nil); status != 200 {
			t.Errorf("event %d: status %d", i, status)
		}
	}
	h.settle()
	if after := h.dump(); after != before {
		t.Errorf("ignored messages changed the store:\n%s\n---\n%s", before, after)
	}
	if n := len(h.slack.callsOf("chat.postMessage")) + len(h.slack.callsOf("chat.postEphemeral")); n != 0 {
		t.Errorf("ignored messages caused %d posts", n)
	}
}

// TestMentionInThread: "@klimabot status F.019" in a thread runs the command
// language and answers in that thread, visible to the caller.
func TestMentionInThread(t *testing.T) {
	h := newHarness(t)
	ev := map[string]any{"type": "app_mention", "channel": chanF019, "user": "UES",
		"text": "<@" + botUser + "> estado F.019", "ts": "1699990300.000400", "thread_ts": "1699990000.000999"}
	h.event("Ev200", ev, nil)
	h.settle()
	eph := h.slack.callsOf("chat.postEphemeral")
	if len(eph) != 1 {
		t.Fatalf("%d ephemeral answers, want 1", len(eph))
	}
	f := eph[0].Form
	if f.Get("thread_ts") != "1699990000.000999" || f.Get("user") != "UES" || f.Get("channel") != chanF019 {
		t.Errorf("answer not in the mention's thread: %v", f)
	}
	mustContainAll(t, "Spanish answer", f.Get("text"), "0 de 6 pasos completados")

	// Outside a thread the answer is shown at channel level: an ephemeral
	// with thread_ts is only shown in a thread that already exists (SLACK.md
	// pitfall 11). A log also announces in the channel.
	ev = map[string]any{"type": "app_mention", "channel": chanF019, "user": "U1",
		"text": "<@" + botUser + "|klimabot> eintragen F.019 Über die Erwähnung", "ts": "1699990400.000500"}
	h.event("Ev201", ev, nil)
	h.settle()
	eph = h.slack.callsOf("chat.postEphemeral")
	if len(eph) != 2 || eph[1].Form.Has("thread_ts") || eph[1].Form.Get("user") != "U1" {
		t.Fatalf("answers: %+v", eph)
	}
	if es := h.entries(); len(es) != 1 || es[0].Text != "Über die Erwähnung" {
		t.Errorf("entries = %+v", es)
	}
	if posts := h.slack.callsOf("chat.postMessage"); len(posts) != 1 || posts[0].Form.Get("channel") != chanF019 {
		t.Errorf("announcement posts = %+v", posts)
	}

	// A mention by another bot is not answered.
	ev["bot_id"] = "BOTHER"
	h.event("Ev202", ev, nil)
	h.settle()
	if n := len(h.slack.callsOf("chat.postEphemeral")); n != 2 {
		t.Errorf("a bot's mention was answered")
	}
}

func TestStripMention(t *testing.T) {
	h := newHarness(t)
	for in, want := range map[string]string{
		"<@UBOT> status F.019":          "status F.019",
		"<@UBOT|klimabot>  stav F.019":  "stav F.019",
		"bitte <@UBOT> liste":           "bitte   liste",
		"<@UBOTTOM> status":             "<@UBOTTOM> status",
		"<@UBOT>":                       "",
		"status F.019 <@UBOT>":          "status F.019",
		"<@UBOT> eintragen F.019 <@U1>": "eintragen F.019 <@U1>",
	} {
		if got := h.bot.stripMention(in); got != want {
			t.Errorf("stripMention(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestAppHome: opening the App Home publishes the followed measures with
// progress and next deadline, in the user's language.
func TestAppHome(t *testing.T) {
	h := newHarness(t)
	h.event("Ev300", map[string]any{"type": "app_home_opened", "user": "UCS", "channel": "D1", "tab": "home"}, nil)
	h.event("Ev301", map[string]any{"type": "app_home_opened", "user": "UCS", "channel": "D1", "tab": "messages"}, nil)
	h.settle()
	pubs := h.slack.callsOf("views.publish")
	if len(pubs) != 1 {
		t.Fatalf("%d views.publish, want 1 (the messages tab publishes nothing)", len(pubs))
	}
	if pubs[0].JSON["user_id"] != "UCS" {
		t.Errorf("published for %v", pubs[0].JSON["user_id"])
	}
	view, _ := json.Marshal(pubs[0].JSON["view"])
	mustContainAll(t, "home view", string(view), `"type":"home"`, "Sledovaná opatření", "F.019",
		"Kommunale Klimapartnerschaft", "splněno 0 z 6 kroků", "▱", "Nejbližší termín")
	if strings.Contains(string(view), "A.1") {
		t.Error("the home shows a measure no channel follows")
	}
	var v struct {
		Blocks []json.RawMessage `json:"blocks"`
	}
	json.Unmarshal(view, &v)
	if len(v.Blocks) == 0 || len(v.Blocks) > 100 {
		t.Errorf("%d blocks", len(v.Blocks))
	}
}

// TestAppHomeManyMeasures: with more followed measures than fit, the home
// shows the first ones and says how many more there are, within the limits.
func TestAppHomeManyMeasures(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	var ms []commands.Measure
	for i := 0; i < 40; i++ {
		ms = append(ms, commands.Measure{Code: fmt.Sprintf("K.%02d", i), Title: fmt.Sprintf("Maßnahme <%d> & Co", i),
			Steps: []commands.Step{{Number: 1, Text: "Planung", PlannedYear: 2030}, {Number: 2, Text: "Bau"}}})
	}
	if _, err := h.db.Import(ctx, "many.csv", ms); err != nil {
		t.Fatal(err)
	}
	ch, _ := h.db.Channel(ctx, chanF019)
	ch.FollowAll = true
	if err := h.db.SaveChannel(ctx, ch); err != nil {
		t.Fatal(err)
	}
	h.event("Ev310", map[string]any{"type": "app_home_opened", "user": "U1", "tab": "home"}, nil)
	h.settle()
	pubs := h.slack.callsOf("views.publish")
	if len(pubs) != 1 {
		t.Fatalf("%d publishes", len(pubs))
	}
	view, _ := json.Marshal(pubs[0].JSON["view"])
	mustContainAll(t, "home view", string(view), "Verfolgte Maßnahmen", "Weitere verfolgte Maßnahmen: 27.",
		`*K.00* Maßnahme \u0026lt;0\u0026gt; \u0026amp; Co`, "0 von 2 Schritten erledigt")
	blocks, _ := json.Marshal(pubs[0].JSON["view"].(map[string]any)["blocks"])
	checkLimits(t, blocks)
}

// TestExternalTeam: a member is external when their home team is known and
// differs from the installing team that auth.test named.
func TestExternalTeam(t *testing.T) {
	h := newHarness(t)
	if got := h.bot.TeamID(); got != homeTeam {
		t.Fatalf("TeamID after Start = %q, want %q", got, homeTeam)
	}
	for team, want := range map[string]bool{homeTeam: false, "T0PARTNER": true, "": false} {
		if got := h.bot.externalTeam(team); got != want {
			t.Errorf("externalTeam(%q) = %v, want %v", team, got, want)
		}
	}
}
