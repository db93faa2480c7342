package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/klimabot/klimabot/commands"
)

// announcement is what a log of text on the measure code announces in
// channel, in langs.
func (h *harness) announcement(channel, code, text string, langs ...string) *commands.Announcement {
	h.t.Helper()
	m, err := h.db.Measure(context.Background(), code)
	if err != nil {
		h.t.Fatal(err)
	}
	return &commands.Announcement{ChannelID: channel, Langs: langs, MeasureID: m.ID, MeasureCode: m.Code, Parts: []commands.Part{
		commands.Paragraph{Text: commands.Msg("announce.log", commands.Data{"Name": "Ute Beispiel", "Measure": commands.Raw(m.Code + " " + m.Title)})},
		commands.Paragraph{Text: commands.Raw(text)},
	}}
}

// waitCalls waits until the fake Slack received n calls of method.
func (h *harness) waitCalls(method string, n int) {
	h.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for len(h.slack.callsOf(method)) < n {
		if time.Now().After(deadline) {
			h.t.Fatalf("%d calls of %s, want %d", len(h.slack.callsOf(method)), method, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// queuedFor returns how many announcements wait for channel's post in
// flight.
func (h *harness) queuedFor(channel string) int {
	h.bot.queueMu.Lock()
	defer h.bot.queueMu.Unlock()
	return len(h.bot.queued[channel])
}

// waitQueued waits until n announcements wait in channel's queue.
func (h *harness) waitQueued(channel string, n int) {
	h.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for h.queuedFor(channel) < n {
		if time.Now().After(deadline) {
			h.t.Fatalf("%d announcements queued, want %d", h.queuedFor(channel), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

var numbered = regexp.MustCompile(`Abstimmung Nummer (\d+)\b`)

// announcedNumbers returns the numbers of the "Abstimmung Nummer N"
// announcements in the blocks of posts, sorted (a post shows each in every
// language of its channel: once here); a number in two posts is an error.
func announcedNumbers(t *testing.T, posts []slackCall) []int {
	t.Helper()
	var got []int
	for _, p := range posts {
		var in []int
		for _, m := range numbered.FindAllStringSubmatch(p.Form.Get("blocks"), -1) {
			n, _ := strconv.Atoi(m[1])
			in = append(in, n)
		}
		slices.Sort(in)
		for _, n := range slices.Compact(in) {
			if slices.Contains(got, n) {
				t.Errorf("announcement %d posted twice", n)
			}
			got = append(got, n)
		}
	}
	slices.Sort(got)
	return got
}

// blockCount returns how many blocks a post has.
func blockCount(t *testing.T, p slackCall) int {
	t.Helper()
	var bs []json.RawMessage
	if err := json.Unmarshal([]byte(p.Form.Get("blocks")), &bs); err != nil {
		t.Fatalf("blocks: %v", err)
	}
	return len(bs)
}

// TestAnnouncementAlone: a lone announcement is posted at once, exactly as
// a single announcement renders, and recorded for its measure.
func TestAnnouncementAlone(t *testing.T) {
	h := newHarness(t)
	r := h.bot.execute(context.Background(), commands.Request{User: commands.Person{ID: "U1"}, ChannelID: chanF019,
		Text: "log F.019 Abstimmung Nummer 1 <mit> & ohne"}, "")
	if r.Announce == nil {
		t.Fatalf("log announced nothing: %+v", r)
	}
	h.bot.goAnnounce(r.Announce)
	h.settle()
	posts := h.slack.callsOf("chat.postMessage")
	if len(posts) != 1 {
		t.Fatalf("%d posts, want 1", len(posts))
	}
	wantBlocks, _ := json.Marshal(AnnouncementBlocks(r.Announce, h.bot.bundle))
	if got := posts[0].Form.Get("text"); got != AnnouncementText(r.Announce, h.bot.bundle) {
		t.Errorf("text = %q, want %q", got, AnnouncementText(r.Announce, h.bot.bundle))
	}
	if got := posts[0].Form.Get("blocks"); got != string(wantBlocks) {
		t.Errorf("blocks =\n%s\nwant\n%s", got, wantBlocks)
	}
	if id, ok, err := h.db.MeasureForMessage(context.Background(), chanF019, "1700001000.000001"); err != nil || !ok || id != h.f019 {
		t.Errorf("announcement not recorded: %d %v %v", id, ok, err)
	}
	if h.queuedFor(chanF019) != 0 || len(h.bot.queued) != 0 {
		t.Errorf("an idle channel keeps a queue: %v", h.bot.queued)
	}
}

// TestAnnouncementsBurst: announcements that arrive while a post to their
// channel is in flight are posted together as one message when it is done:
// each as it renders alone, a divider between, the notification text the
// first one's with "and N more" in the channel's language. Another channel
// does not wait for it.
func TestAnnouncementsBurst(t *testing.T) {
	for _, tt := range []struct {
		lang, more string
	}{
		{"de", " – und 2 weitere Meldungen"},
		{"cs", " – a 2 další oznámení"},
		{"es", " – y 2 avisos más"},
		{"en", " – and 2 more announcements"},
	} {
		t.Run(tt.lang, func(t *testing.T) {
			h := newHarness(t)
			release := h.slack.hangUntil("chat.postMessage")
			defer release()
			h.bot.goAnnounce(h.announcement(chanF019, "F.019", "Abstimmung Nummer 1", tt.lang))
			h.waitCalls("chat.postMessage", 1)
			var rest []*commands.Announcement
			for i := 2; i <= 4; i++ {
				a := h.announcement(chanF019, "F.019", fmt.Sprintf("Abstimmung Nummer %d", i), tt.lang)
				rest = append(rest, a)
				h.bot.goAnnounce(a)
			}
			h.waitQueued(chanF019, 3)
			time.Sleep(50 * time.Millisecond)
			if n := len(h.slack.callsOf("chat.postMessage")); n != 1 {
				t.Fatalf("%d posts while the first is in flight, want 1", n)
			}
			release()
			h.settle()
			posts := h.slack.callsOf("chat.postMessage")
			if len(posts) != 2 {
				t.Fatalf("%d posts, want 2", len(posts))
			}
			if got := announcedNumbers(t, posts[1:]); !slices.Equal(got, []int{2, 3, 4}) {
				t.Errorf("second post has announcements %v, want 2, 3, 4", got)
			}
			wantText := AnnouncementText(rest[0], h.bot.bundle) + tt.more
			if got := posts[1].Form.Get("text"); got != wantText {
				t.Errorf("text = %q, want %q", got, wantText)
			}
			var want []any
			for i, a := range rest {
				if i > 0 {
					want = append(want, map[string]any{"type": "divider"})
				}
				bs, _ := json.Marshal(AnnouncementBlocks(a, h.bot.bundle))
				var v []any
				json.Unmarshal(bs, &v)
				want = append(want, v...)
			}
			var got []any
			json.Unmarshal([]byte(posts[1].Form.Get("blocks")), &got)
			wantJS, _ := json.Marshal(want)
			gotJS, _ := json.Marshal(got)
			if string(gotJS) != string(wantJS) {
				t.Errorf("blocks =\n%s\nwant\n%s", gotJS, wantJS)
			}
			if len(h.bot.queued) != 0 {
				t.Errorf("queues left: %v", h.bot.queued)
			}
		})
	}
}

// TestAnnouncementsOtherChannel: a post in flight to one channel does not
// hold up another channel's.
func TestAnnouncementsOtherChannel(t *testing.T) {
	h := newHarness(t)
	release := h.slack.hangUntil("chat.postMessage")
	h.bot.goAnnounce(h.announcement(chanF019, "F.019", "Abstimmung Nummer 1", "de"))
	h.bot.goAnnounce(h.announcement(chanOther, "F.019", "Abstimmung Nummer 2", "de"))
	h.waitCalls("chat.postMessage", 2)
	release()
	h.settle()
}

// TestAnnouncementsRateLimited: while a 429's Retry-After is waited out,
// the channel's announcements collect and go out as one message after it.
func TestAnnouncementsRateLimited(t *testing.T) {
	h := newHarness(t)
	h.slack.failFirst("chat.postMessage", 429) // Retry-After: 1
	h.bot.goAnnounce(h.announcement(chanF019, "F.019", "Abstimmung Nummer 1", "de"))
	h.waitCalls("chat.postMessage", 1)
	for i := 2; i <= 5; i++ {
		h.bot.goAnnounce(h.announcement(chanF019, "F.019", fmt.Sprintf("Abstimmung Nummer %d", i), "de"))
	}
	if n := h.queuedFor(chanF019); n != 4 {
		t.Errorf("%d announcements wait during Retry-After, want 4", n)
	}
	h.settle()
	posts := h.slack.callsOf("chat.postMessage")
	if len(posts) != 3 { // the 429, its retry, the rest together
		t.Fatalf("%d calls, want 3", len(posts))
	}
	if got := announcedNumbers(t, posts[1:2]); !slices.Equal(got, []int{1}) {
		t.Errorf("retry has %v, want 1", got)
	}
	if got := announcedNumbers(t, posts[2:]); !slices.Equal(got, []int{2, 3, 4, 5}) {
		t.Errorf("after the wait: %v, want 2–5 in one message", got)
	}
	mustContainAll(t, "text", posts[2].Form.Get("text"), "und 3 weitere Meldungen")
}

// TestAnnouncementsCap: one message takes at most maxCombined
// announcements and never more than MaxBlocks blocks; the rest go in the
// next message.
func TestAnnouncementsCap(t *testing.T) {
	for _, tt := range []struct {
		name  string
		langs []string
		queue int
		sizes []int // announcements per post after the first
	}{
		{"count", []string{"de"}, 14, []int{10, 4}},
		// de, cs, es: 3 languages of 2 blocks and 2 dividers: 8 blocks,
		// 9 with the divider between announcements: 5 fit into 50
		{"blocks", []string{"de", "cs", "es"}, 7, []int{5, 2}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			release := h.slack.hangUntil("chat.postMessage")
			defer release()
			h.bot.goAnnounce(h.announcement(chanF019, "F.019", "Abstimmung Nummer 0", tt.langs...))
			h.waitCalls("chat.postMessage", 1)
			for i := 1; i <= tt.queue; i++ {
				h.bot.goAnnounce(h.announcement(chanF019, "F.019", fmt.Sprintf("Abstimmung Nummer %d", i), tt.langs...))
			}
			release()
			h.settle()
			posts := h.slack.callsOf("chat.postMessage")
			if len(posts) != 1+len(tt.sizes) {
				t.Fatalf("%d posts, want %d", len(posts), 1+len(tt.sizes))
			}
			next := 1
			for i, p := range posts[1:] {
				got := announcedNumbers(t, []slackCall{p})
				var want []int
				for range tt.sizes[i] {
					want = append(want, next)
					next++
				}
				if !slices.Equal(got, want) {
					t.Errorf("post %d has %v, want %v", i+2, got, want)
				}
				if n := blockCount(t, p); n > MaxBlocks {
					t.Errorf("post %d has %d blocks", i+2, n)
				}
			}
		})
	}
}

// TestAnnouncementsConcurrentLogs: 16 people logging at once into one
// channel lose no announcement, and none is posted twice.
func TestAnnouncementsConcurrentLogs(t *testing.T) {
	h := newHarness(t)
	const people, each = 16, 5
	var wg sync.WaitGroup
	for p := range people {
		wg.Go(func() {
			for i := range each {
				n := p*each + i
				if code, body := h.command("U1", chanF019, fmt.Sprintf("log F.019 Abstimmung Nummer %d", n), ""); code != 200 || !strings.Contains(body, "F.019") {
					t.Errorf("log %d: %d %s", n, code, body)
				}
			}
		})
	}
	wg.Wait()
	h.settle()
	posts := h.slack.callsOf("chat.postMessage")
	got := announcedNumbers(t, posts)
	if len(got) != people*each {
		t.Errorf("%d of %d announcements posted (in %d posts)", len(got), people*each, len(posts))
	}
	if len(h.bot.queued) != 0 || len(h.bot.announcing) != 0 {
		t.Errorf("left: queues %v, %d slots", h.bot.queued, len(h.bot.announcing))
	}
	t.Logf("%d announcements in %d posts", len(got), len(posts))
}

// burst posts announcements of these measures to C1 while Slack holds the
// first post, and returns the ts of the combined message of all but the
// first.
func (h *harness) burst(codes ...string) string {
	h.t.Helper()
	release := h.slack.hangUntil("chat.postMessage")
	defer release()
	h.bot.goAnnounce(h.announcement(chanF019, "F.019", "Abstimmung Nummer 0", "de"))
	h.waitCalls("chat.postMessage", 1)
	for i, code := range codes {
		h.bot.goAnnounce(h.announcement(chanF019, code, fmt.Sprintf("Abstimmung Nummer %d", i+1), "de"))
	}
	release()
	h.settle()
	if n := len(h.slack.callsOf("chat.postMessage")); n != 2 {
		h.t.Fatalf("%d posts, want 2", n)
	}
	return "1700001000.000002"
}

// TestThreadOfCombinedSameMeasure: a reply in the thread of announcements
// all about one measure is logged on it, as under one announcement.
func TestThreadOfCombinedSameMeasure(t *testing.T) {
	h := newHarness(t)
	ts := h.burst("F.019", "F.019", "F.019")
	ev := reply("U1", "Ratsvorlage ist geschrieben", "1700002000.000100")
	ev["thread_ts"] = ts
	h.event("EvSame", ev, nil)
	h.settle()
	if es := h.entries(); len(es) != 1 || es[0].Text != "Ratsvorlage ist geschrieben" || es[0].Source != "thread" {
		t.Fatalf("entries = %+v", es)
	}
	posts := h.slack.callsOf("chat.postMessage")
	last := posts[len(posts)-1]
	if last.Form.Get("thread_ts") != ts {
		t.Errorf("acknowledgement not in the thread: %v", last.Form)
	}
	mustContainAll(t, "acknowledgement", last.Form.Get("text"), "Als Fortschritt zu F.019 eingetragen.")
}

// TestThreadOfCombinedSeveralMeasures: a reply in the thread of
// announcements about several measures logs nothing; the replier alone is
// told so in that thread, in their language, with how to log instead.
func TestThreadOfCombinedSeveralMeasures(t *testing.T) {
	for _, tt := range []struct {
		user string
		want []string
	}{
		{"U1", []string{"mehrere Maßnahmen: F.019, A.1", "`@klimabot eintragen F.019 TEXT`"}},
		{"UCS", []string{"více opatření: F.019, A.1", "`@klimabot zapsat F.019 TEXT`"}},
		{"UES", []string{"varias medidas: F.019, A.1", "`@klimabot registrar F.019 TEXTO`"}},
		{"UEN", []string{"several measures: F.019, A.1", "`@klimabot log F.019 TEXT`"}},
	} {
		t.Run(tt.user, func(t *testing.T) {
			h := newHarness(t)
			ts := h.burst("F.019", "A.1", "F.019")
			ev := reply(tt.user, "Ratsvorlage ist geschrieben", "1700002000.000100")
			ev["thread_ts"] = ts
			h.event("EvSeveral", ev, nil)
			h.settle()
			if len(h.entries()) != 0 {
				t.Errorf("a reply to several measures was logged: %+v", h.entries())
			}
			eph := h.slack.callsOf("chat.postEphemeral")
			if len(eph) != 1 {
				t.Fatalf("%d ephemeral answers, want 1", len(eph))
			}
			f := eph[0].Form
			if f.Get("thread_ts") != ts || f.Get("user") != tt.user || f.Get("channel") != chanF019 {
				t.Errorf("answer not to the replier in the thread: %v", f)
			}
			mustContainAll(t, "answer", f.Get("blocks"), tt.want...)
			if n := len(h.slack.callsOf("chat.postMessage")); n != 2 {
				t.Errorf("%d posts, want the 2 announcements only", n)
			}
		})
	}
}

// TestCombinedAnnouncementTranslated: words waiting for a translation in
// announcements posted together are put in beneath their originals when
// the translations arrive, all of them, in the one message; the same words
// twice in one message keep it valid (no repeated block_id).
func TestCombinedAnnouncementTranslated(t *testing.T) {
	h, _, _, _ := translating(t, "libretranslate")
	release := h.slack.hangUntil("chat.postMessage")
	defer release()
	texts := []string{czechReply, "Zítra pošleme návrh memoranda o porozumění.", "Workshop s radou proběhne v březnu.", "Workshop s radou proběhne v březnu."}
	_, body := h.command("UCS", chanF019, "zapsat F.019 "+texts[0], "")
	mustContainAll(t, "answer", h.answer(body).Visible(), "F.019")
	h.waitCalls("chat.postMessage", 1)
	for _, text := range texts[1:] {
		_, body := h.command("UCS", chanF019, "zapsat F.019 "+text, "")
		mustContainAll(t, "answer", h.answer(body).Visible(), "F.019")
	}
	h.waitQueued(chanF019, 3)
	release()
	h.settle()
	posts := h.slack.callsOf("chat.postMessage")
	if len(posts) != 2 {
		t.Fatalf("%d posts, want 2", len(posts))
	}
	var ids []string
	var blocks []map[string]any
	json.Unmarshal([]byte(posts[1].Form.Get("blocks")), &blocks)
	for _, b := range blocks {
		if id, _ := b["block_id"].(string); id != "" {
			if slices.Contains(ids, id) {
				t.Errorf("block_id %s repeats", id)
			}
			ids = append(ids, id)
		}
	}
	combined := func() string {
		var last string
		for _, u := range h.slack.callsOf("chat.update") {
			if strings.Contains(u.Form.Get("blocks"), texts[1]) {
				last = u.Form.Get("blocks")
			}
		}
		return last
	}
	waitFor(t, "both translations in the combined message", func() bool {
		s := combined()
		return strings.Contains(s, "[de] "+texts[1]) && strings.Contains(s, "[de] "+texts[2])
	})
	all := combined()
	for _, text := range texts[1:3] {
		iOrig, iTr := strings.Index(all, text), strings.Index(all, "[de] "+text)
		if iOrig < 0 || iTr < iOrig || strings.Count(all, "[de] "+text) != 1 {
			t.Errorf("translation of %q not once beneath its original:\n%s", text, all)
		}
	}
}

// TestAnnouncementsAtShutdown: Close waits until the queued announcements
// are posted; when its time runs out first, what could not be posted is
// logged, not silently lost.
func TestAnnouncementsAtShutdown(t *testing.T) {
	t.Run("posted", func(t *testing.T) {
		h := newHarness(t)
		release := h.slack.hangUntil("chat.postMessage")
		h.bot.goAnnounce(h.announcement(chanF019, "F.019", "Abstimmung Nummer 1", "de"))
		h.waitCalls("chat.postMessage", 1)
		h.bot.goAnnounce(h.announcement(chanF019, "F.019", "Abstimmung Nummer 2", "de"))
		h.bot.goAnnounce(h.announcement(chanF019, "F.019", "Abstimmung Nummer 3", "de"))
		closed := make(chan error, 1)
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			closed <- h.bot.Close(ctx)
		}()
		time.Sleep(100 * time.Millisecond)
		release()
		if err := <-closed; err != nil {
			t.Fatal(err)
		}
		if got := announcedNumbers(t, h.slack.callsOf("chat.postMessage")); !slices.Equal(got, []int{1, 2, 3}) {
			t.Errorf("posted %v, want 1, 2, 3", got)
		}
	})
	t.Run("logged", func(t *testing.T) {
		h := newHarness(t)
		h.slack.hangUntil("chat.postMessage") // released at cleanup
		h.bot.goAnnounce(h.announcement(chanF019, "F.019", "Abstimmung Nummer 1", "de"))
		h.waitCalls("chat.postMessage", 1)
		h.bot.goAnnounce(h.announcement(chanF019, "A.1", "Abstimmung Nummer 2", "de"))
		h.bot.goAnnounce(h.announcement(chanF019, "F.019", "Abstimmung Nummer 3", "de"))
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		if err := h.bot.Close(ctx); err == nil {
			t.Fatal("Close did not report the work it gave up")
		}
		logs := h.logs.String()
		mustContainAll(t, "logs", logs, `msg="announcement not posted" channel=C1 measure=F.019`,
			`msg="announcements not posted" channel=C1 count=2 measures=A.1,F.019`)
	})
}

// TestCombinedText: the notification text of announcements posted
// together says how many follow in grammatical number, and stays within
// MaxFallbackText however long the first one is.
func TestCombinedText(t *testing.T) {
	h := newHarness(t)
	for _, tt := range []struct {
		lang string
		n    int
		want string
	}{
		{"de", 2, " – und 1 weitere Meldung"},
		{"de", 6, " – und 5 weitere Meldungen"},
		{"cs", 2, " – a 1 další oznámení"},
		{"cs", 4, " – a 3 další oznámení"},
		{"cs", 6, " – a 5 dalších oznámení"},
		{"es", 2, " – y 1 aviso más"},
		{"en", 2, " – and 1 more announcement"},
	} {
		var as []*commands.Announcement
		for i := range tt.n {
			as = append(as, h.announcement(chanF019, "F.019", fmt.Sprintf("Abstimmung Nummer %d", i), tt.lang))
		}
		text, _, n := combineAnnouncements(as, h.bot.bundle)
		if n != tt.n || text != AnnouncementText(as[0], h.bot.bundle)+tt.want {
			t.Errorf("%s, %d: %d, %q; want ending %q", tt.lang, tt.n, n, text, tt.want)
		}
	}
	long := []*commands.Announcement{
		h.announcement(chanF019, "F.019", strings.Repeat("Abstimmung mit der Partnerstadt ", 20), "de"),
		h.announcement(chanF019, "F.019", "Abstimmung Nummer 2", "de"),
	}
	text, _, _ := combineAnnouncements(long, h.bot.bundle)
	if utf8.RuneCountInString(text) > MaxFallbackText || !strings.HasSuffix(text, "… – und 1 weitere Meldung") {
		t.Errorf("long text (%d characters): %q", utf8.RuneCountInString(text), text)
	}
}
