package bot

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klimabot/klimabot/commands"
)

// partnerTeam is the partner town's workspace in a Slack Connect channel.
const partnerTeam = "T0NOVEMESTO"

// payload reads a payload that Slack's own SDK test suites recorded
// (../shared/slack-payloads), for fixtures of Slack's real shapes.
func payload(t *testing.T, name string) map[string]any {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "shared", "slack-payloads", name))
	if err != nil {
		t.Fatalf("recorded payload: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return m
}

// inner returns the inner event of a recorded envelope (or the event
// itself when the recording is an inner event), with fields replaced.
func inner(t *testing.T, name string, set map[string]any) map[string]any {
	t.Helper()
	m := payload(t, name)
	if ev, ok := m["event"].(map[string]any); ok {
		m = ev
	}
	for k, v := range set {
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
	return m
}

// addPartner adds a member of another workspace to the fake Slack:
// users.info names their team and no locale (Slack gives none for
// external members, even with include_locale).
func (h *harness) addPartner(id, name string) {
	h.slack.mu.Lock()
	defer h.slack.mu.Unlock()
	h.slack.users[id] = slackUser{Name: name}
	if h.slack.teams == nil {
		h.slack.teams = map[string]string{}
	}
	h.slack.teams[id] = partnerTeam
}

// setChannel gives channel id languages and makes it follow F.019.
func (h *harness) setChannel(id string, langs ...string) {
	h.t.Helper()
	if err := h.db.SaveChannel(context.Background(), commands.Channel{ID: id, Languages: langs, TimeZone: "Europe/Berlin",
		Schedule: commands.DefaultSchedule, StaleDays: 60, Follows: []string{"F.019"}}); err != nil {
		h.t.Fatal(err)
	}
}

// lastPost returns the form of the last call of method.
func (h *harness) lastPost(method string) (f map[string]string, n int) {
	calls := h.slack.callsOf(method)
	if len(calls) == 0 {
		return nil, 0
	}
	c := calls[len(calls)-1]
	f = map[string]string{}
	for k := range c.Form {
		f[k] = c.Form.Get(k)
	}
	f["has_thread_ts"] = ""
	if c.Form.Has("thread_ts") {
		f["has_thread_ts"] = "yes"
	}
	return f, len(calls)
}

// TestPartnerRepliesInTheirLanguage: a partner of another workspace with
// no Slack locale and no history replies in Czech in a thread of a de,cs
// channel and is acknowledged in Czech; afterwards "@klimabot status
// F.019" (a word German and English share) answers them in Czech, at
// channel level since the mention is not in a thread. The same for a
// Spanish partner in a de,es channel. Shapes: Slack Connect message and
// mention events with user_team.
func TestPartnerRepliesInTheirLanguage(t *testing.T) {
	for _, tt := range []struct {
		user, name, channel, lang, reply, ack, status string
	}{
		{"UEXTCS", "Jana Nováková", "CDECS", "cs", "Workshop s partnery proběhl minulý týden, zápis pošleme zítra.",
			"Zapsáno jako průběh plnění k F.019.", "splněno 0 z 6 kroků"},
		{"UEXTES", "Lucía Gómez", "CDEES", "es", "El taller con la ciudad socia se realizó la semana pasada.",
			"Registrado como avance en F.019.", "0 de 6 pasos completados"},
	} {
		t.Run(tt.lang, func(t *testing.T) {
			h := newHarness(t)
			h.addPartner(tt.user, tt.name)
			langs := []string{"de", tt.lang}
			h.setChannel(tt.channel, langs...)
			if err := h.db.RecordBotMessage(context.Background(), tt.channel, announceTS, h.f019, "reminder"); err != nil {
				t.Fatal(err)
			}
			ev := inner(t, "java-slack-sdk-samples/fixed_MessagePayload.json", map[string]any{
				"channel": tt.channel, "user": tt.user, "text": tt.reply, "ts": "1699990100.000200", "thread_ts": announceTS,
				"event_ts": "1699990100.000200", "channel_type": "channel", "bot_id": nil, "parent_user_id": botUser,
				"user_team": partnerTeam, "source_team": partnerTeam, "team": partnerTeam,
			})
			if status, _ := h.event("EvReply"+tt.lang, ev, nil); status != 200 {
				t.Fatalf("status %d", status)
			}
			h.settle()
			ack, _ := h.lastPost("chat.postMessage")
			if ack == nil || ack["thread_ts"] != announceTS || !strings.Contains(ack["text"], tt.ack) {
				t.Fatalf("acknowledgement = %v, want %q in the thread", ack, tt.ack)
			}
			if es := h.entriesIn(); len(es) != 1 || es[0].Text != tt.reply || es[0].Author.Name != tt.name {
				t.Errorf("entries = %+v", es)
			}

			mention := inner(t, "java-slack-sdk-samples/fixed_AppMentionPayload.json", map[string]any{
				"channel": tt.channel, "user": tt.user, "text": "<@" + botUser + "> status F.019", "ts": "1699990200.000300",
				"event_ts": "1699990200.000300", "thread_ts": nil, "bot_id": nil, "bot_profile": nil, "subtype": nil,
				"blocks": nil, "attachments": nil, "files": nil, "edited": nil, "user_team": partnerTeam, "source_team": partnerTeam,
			})
			h.event("EvStatus"+tt.lang, mention, nil)
			h.settle()
			ans, n := h.lastPost("chat.postEphemeral")
			if n != 1 || ans["user"] != tt.user || ans["has_thread_ts"] != "" || !strings.Contains(ans["text"], tt.status) {
				t.Errorf("status answer = %v; want %q, at channel level", ans, tt.status)
			}
		})
	}
}

// entriesIn returns the entries of F.019, newest first.
func (h *harness) entriesIn() []commands.Entry { return h.entries() }

// TestExternalAdminIsNoAdmin: a member of another workspace whose user id
// is in KLIMABOT_ADMINS cannot log in a channel that does not follow the
// measure — whether the mention names their team (user_team) or not
// (then users.info does).
func TestExternalAdminIsNoAdmin(t *testing.T) {
	h := newHarness(t)
	h.addPartner("UEXTADMIN", "Petr Správce")
	h.bot.Service().Admins["UEXTADMIN"] = true
	for i, team := range []string{partnerTeam, ""} {
		ev := map[string]any{"type": "app_mention", "channel": chanOther, "user": "UEXTADMIN",
			"text": "<@" + botUser + "> zapsat F.019 Zapisuji jako správce", "ts": "1699990300.00040" + string(rune('0'+i))}
		if team != "" {
			ev["user_team"] = team
		}
		h.event("EvExtAdmin"+string(rune('0'+i)), ev, nil)
		h.settle()
	}
	if es := h.entries(); len(es) != 0 {
		t.Errorf("an external 'admin' logged in a channel that does not follow F.019: %+v", es)
	}
	if n := len(h.slack.callsOf("chat.postMessage")); n != 0 {
		t.Errorf("%d announcements of a refused log", n)
	}
	for _, c := range h.slack.callsOf("chat.postEphemeral") {
		if !strings.Contains(c.Form.Get("text"), "F.019") {
			t.Errorf("refusal = %q", c.Form.Get("text"))
		}
	}
	// a slash command names no team of the person: users.info does (a
	// partner invited as a guest is a member and would pass)
	h.command("UEXTADMIN", chanOther, "eintragen F.019 Per Slash-Befehl", "")
	h.settle()
	if es := h.entries(); len(es) != 0 {
		t.Errorf("an external 'admin' logged by slash command: %+v", es)
	}
	// a member of the installing workspace with the same rights may
	h.event("EvHomeAdmin", map[string]any{"type": "app_mention", "channel": chanOther, "user": adminUser,
		"user_team": homeTeam, "text": "<@" + botUser + "> eintragen F.019 Als Admin", "ts": "1699990300.000500"}, nil)
	h.settle()
	if es := h.entries(); len(es) != 1 || es[0].Text != "Als Admin" {
		t.Errorf("home admin's entry: %+v", es)
	}
}

// TestExternalHelpTeachesMention: "@klimabot nápověda" from an external
// member teaches the mention form, never /klima.
func TestExternalHelpTeachesMention(t *testing.T) {
	h := newHarness(t)
	h.addPartner("UEXTCS", "Jana Nováková")
	h.setChannel("CDECS", "de", "cs")
	h.event("EvHelp", map[string]any{"type": "app_mention", "channel": "CDECS", "user": "UEXTCS",
		"text": "<@" + botUser + "> nápověda", "ts": "1699990300.000600"}, nil) // no user_team: users.info tells
	h.settle()
	ans, _ := h.lastPost("chat.postEphemeral")
	if ans == nil || strings.Contains(ans["blocks"], "/klima") || !strings.Contains(ans["blocks"], "@klimabot stav KÓD") {
		t.Errorf("external help = %v", ans)
	}
}

// TestDirectMessage: a direct message to the bot is a command, answered in
// the conversation; the bot's own messages there are not.
func TestDirectMessage(t *testing.T) {
	h := newHarness(t)
	dm := inner(t, "java-slack-sdk/MessageEventTest__deserialize_im.json", map[string]any{
		"user": "U1", "text": "stav F.019",
	})
	if status, _ := h.event("EvDM1", dm, nil); status != 200 {
		t.Fatalf("status %d", status)
	}
	h.settle()
	ans, n := h.lastPost("chat.postMessage")
	if n != 1 || ans["channel"] != "D024BE91L" || !strings.Contains(ans["text"], "splněno 0 z 6 kroků") || ans["has_thread_ts"] != "" {
		t.Fatalf("DM answer = %v", ans)
	}
	// the bot's own answer comes back as message.im: ignored
	own := inner(t, "java-slack-sdk/MessageEventTest__deserialize_im.json", map[string]any{
		"user": botUser, "bot_id": botBotID, "text": "F.019 Kommunale Klimapartnerschaft",
	})
	h.event("EvDM2", own, nil)
	edit := inner(t, "java-slack-sdk/MessageEventTest__deserialize_im.json", map[string]any{
		"user": "U1", "subtype": "message_changed", "text": "stav F.019",
	})
	h.event("EvDM3", edit, nil)
	h.settle()
	if _, n := h.lastPost("chat.postMessage"); n != 1 {
		t.Errorf("%d posts after the bot's own DM and an edit, want 1", n)
	}
}

// TestEditedMentionNotRun: Slack sends app_mention again with `edited`
// when the message is edited (recorded: AppMentionEventTest
// deserialize_edited); the command is not run a second time, and the
// person is told.
func TestEditedMentionNotRun(t *testing.T) {
	h := newHarness(t)
	first := inner(t, "java-slack-sdk/AppMentionEventTest__deserialize_edited.json", map[string]any{
		"user": "U1", "channel": chanF019, "text": "<@" + botUser + "> eintragen F.019 Workshop vorbereitet", "edited": nil,
	})
	h.event("EvEdit1", first, nil)
	h.settle()
	edited := inner(t, "java-slack-sdk/AppMentionEventTest__deserialize_edited.json", map[string]any{
		"user": "U1", "channel": chanF019, "text": "<@" + botUser + "> eintragen F.019 Workshop vorbereitet und gehalten",
	})
	if edited["edited"] == nil {
		t.Fatal("the recorded payload has no edited field")
	}
	h.event("EvEdit2", edited, nil)
	h.settle()
	if es := h.entries(); len(es) != 1 || es[0].Text != "Workshop vorbereitet" {
		t.Errorf("entries after an edit = %+v", es)
	}
	ans, n := h.lastPost("chat.postEphemeral")
	if n != 2 || !strings.Contains(ans["text"], "Geänderte Nachrichten führe ich nicht noch einmal aus") {
		t.Errorf("answer to the edit = %v", ans)
	}
}

// TestThreadReplySubtypes: a reply with a photo (file_share) or "also send
// to channel" (thread_broadcast) is a person's words and becomes an entry,
// the file noted with name and link; recorded shapes from bolt-python.
func TestThreadReplySubtypes(t *testing.T) {
	h := newHarness(t)
	h.recordAnnouncement()
	share := inner(t, "bolt-python/test_message_file_share__event_payload__L74.json", map[string]any{
		"channel": chanF019, "user": "U1", "text": "Die Module sind montiert", "thread_ts": announceTS,
		"ts": "1699990700.000100",
	})
	broadcast := inner(t, "bolt-python/test_message_thread_broadcast__event_payload__L74.json", map[string]any{
		"channel": chanF019, "user": "U1", "text": "Ratsbeschluss ist gefasst", "thread_ts": announceTS,
		"ts": "1699990700.000200",
	})
	h.event("EvShare", share, nil)
	h.event("EvBroadcast", broadcast, nil)
	h.settle()
	es := h.entries()
	if len(es) != 2 {
		t.Fatalf("entries = %+v", es)
	}
	texts := es[0].Text + "\n" + es[1].Text
	mustContainAll(t, "entries", texts, "Die Module sind montiert\n📎 file.png (https://xxx.slack.com/files/U111/F111/file.png)",
		"Ratsbeschluss ist gefasst")
	if n := len(h.slack.callsOf("chat.postMessage")); n != 2 {
		t.Errorf("%d acknowledgements, want 2", n)
	}
}

// TestUnparseableEventsAcked: a well-formed envelope is acknowledged even
// when slack-go has no struct for its inner event (workflow_step_execute,
// assistant_thread_started) or cannot read it; it is logged, not retried.
func TestUnparseableEventsAcked(t *testing.T) {
	h := newHarness(t)
	for _, name := range []string{"bolt-python/test_workflow_steps__execute_payload__L365.json",
		"bolt-python/test_events_assistant__thread_started_event_body__L276.json"} {
		body, _ := json.Marshal(payload(t, name))
		if status, _ := h.do(h.signed(PathEvents, "application/json", body)); status != http.StatusOK {
			t.Errorf("%s: status %d, want 200", name, status)
		}
	}
	broken := `{"type":"event_callback","event_id":"Ev9","event":{"type":"message","ts":5}}`
	if status, _ := h.do(h.signed(PathEvents, "application/json", []byte(broken))); status != http.StatusOK {
		t.Errorf("malformed inner event: status %d, want 200", status)
	}
	h.settle()
	mustContainAll(t, "logs", h.logs.String(), "event acknowledged but not understood",
		"type=workflow_step_execute", "type=message")
}

// TestChannelIDChanged: when a private channel becomes shared its id
// changes from G… to C…; settings and follows move, and replies in the
// threads of earlier reminders still find their measure.
func TestChannelIDChanged(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.setChannel("G0PRIVATE", "de", "cs")
	if err := h.db.RecordBotMessage(ctx, "G0PRIVATE", announceTS, h.f019, "reminder"); err != nil {
		t.Fatal(err)
	}
	ev := inner(t, "java-slack-sdk-samples/events/ChannelIdChangedPayload.json", map[string]any{
		"old_channel_id": "G0PRIVATE", "new_channel_id": "C0SHARED", "event_ts": "1699990800.000100",
	})
	if status, _ := h.event("EvMove", ev, nil); status != 200 {
		t.Fatalf("status %d", status)
	}
	h.settle()
	ch, err := h.db.Channel(ctx, "C0SHARED")
	if err != nil || strings.Join(ch.Languages, ",") != "de,cs" || strings.Join(ch.Follows, ",") != "F.019" {
		t.Fatalf("new channel = %+v, %v", ch, err)
	}
	r := reply("U1", "Antwort nach dem Teilen des Kanals", "1699990900.000100")
	r["channel"] = "C0SHARED"
	h.event("EvAfterMove", r, nil)
	h.settle()
	if es := h.entries(); len(es) != 1 || es[0].ChannelID != "C0SHARED" {
		t.Errorf("reply in an old thread after the move: %+v", es)
	}
}

// TestMarkupResolved: Slack markup in what people write is stored as it
// reads in Slack — for slash commands, mentions and thread replies.
func TestMarkupResolved(t *testing.T) {
	h := newHarness(t)
	h.recordAnnouncement()
	markup := "mit <@UCS> und <@UES|maria> in <#C1|klimapartnerschaft> und <#C9>, siehe <https://example.org/p.pdf|Protokoll>, " +
		"<https://example.org>, <mailto:info@hilden.de|info@hilden.de> &amp; <!here> &lt;wichtig&gt;"
	want := "mit @Jana Nováková und @maria in #klimapartnerschaft und #C9, siehe Protokoll (https://example.org/p.pdf), " +
		"https://example.org, info@hilden.de & @here <wichtig>"
	h.command("U1", chanF019, "eintragen F.019 "+markup, "")
	h.event("EvMarkupMention", map[string]any{"type": "app_mention", "channel": chanF019, "user": "U1",
		"text": "<@" + botUser + "> eintragen F.019 " + markup, "ts": "1699991000.000100"}, nil)
	h.event("EvMarkupReply", reply("U1", markup, "1699991000.000200"), nil)
	h.settle()
	es := h.entries()
	if len(es) != 3 {
		t.Fatalf("entries = %+v", es)
	}
	for _, e := range es {
		if e.Text != want {
			t.Errorf("%s entry = %q\nwant %q", e.Source, e.Text, want)
		}
	}
}

// TestSocketModeAcksUnparseable: in Socket Mode an envelope whose inner
// event slack-go cannot parse is acknowledged by its envelope_id, or Slack
// sends it again three times.
func TestSocketModeAcksUnparseable(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.AppToken = "xapp-test"; c.SigningSecret = "" })
	sock := newSocketSlack(h)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	runErr := make(chan error, 1)
	go func() { runErr <- h.bot.RunSocketMode(ctx) }()
	sock.out <- map[string]any{"envelope_id": "env-wf", "type": "events_api", "accepts_response_payload": false,
		"retry_attempt": 0, "retry_reason": "",
		"payload": payload(t, "bolt-python/test_workflow_steps__execute_payload__L365.json")}
	if ack := sock.ack(t, "env-wf"); ack["payload"] != nil {
		t.Errorf("ack carries a payload: %v", ack)
	}
	cancel()
	<-runErr
	h.settle()
	mustContainAll(t, "logs", h.logs.String(), "event acknowledged but not understood", "type=workflow_step_execute")
}

// TestShortcutPrefillResolvesMarkup: the "log as progress" modal shows and
// keeps the message's text as it reads in Slack, not its markup.
func TestShortcutPrefillResolvesMarkup(t *testing.T) {
	h := newHarness(t)
	h.interact(map[string]any{
		"type": "message_action", "callback_id": CallbackLogAsProgress, "trigger_id": "1.2.3",
		"user": map[string]any{"id": "U1", "team_id": homeTeam}, "channel": map[string]any{"id": chanF019},
		"team": map[string]any{"id": homeTeam},
		"message": map[string]any{"type": "message", "user": "UAUTHOR", "ts": "1699991100.000100",
			"text": "<@UCS> test mit <https://example.org/a.pdf|Plan> &amp; mehr"},
	})
	h.settle()
	opens := h.slack.callsOf("views.open")
	if len(opens) != 1 {
		t.Fatalf("%d views.open", len(opens))
	}
	view, _ := json.Marshal(opens[0].JSON["view"])
	mustContainAll(t, "modal", string(view), `@Jana Nováková test mit Plan (https://example.org/a.pdf) \u0026amp; mehr`,
		`\"q\":\"@Jana Nováková test mit Plan (https://example.org/a.pdf) \u0026 mehr\"`)
	if strings.Contains(string(view), "<@UCS>") || strings.Contains(string(view), "\\u003c@UCS") {
		t.Errorf("the modal carries the raw markup: %s", view)
	}
}
