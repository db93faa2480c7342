package bot

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/klimabot/klimabot/commands"
	"github.com/klimabot/klimabot/commands/langid"
	"github.com/klimabot/klimabot/commands/translate"
	"github.com/klimabot/klimabot/commands/translate/deepl"
	"github.com/klimabot/klimabot/commands/translate/libretranslate"
	"github.com/klimabot/klimabot/locales"
)

// fakeProvider is LibreTranslate (POST /translate) or DeepL (POST
// /v2/translate) on loopback, following their documented shapes and
// checking method, path, auth and body. It translates into "[de] text".
type fakeProvider struct {
	t        *testing.T
	kind     string
	mu       sync.Mutex
	status   int
	asked    map[string]int // text → times sent
	requests int
	srv      *httptest.Server
}

const deeplKey = "k-123:fx"

func newFakeProvider(t *testing.T, kind string) *fakeProvider {
	f := &fakeProvider{t: t, kind: kind, asked: map[string]int{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeProvider) serve(w http.ResponseWriter, r *http.Request) {
	want := map[string]string{"libretranslate": "/translate", "deepl": "/v2/translate"}[f.kind]
	if r.Method != http.MethodPost || r.URL.Path != want {
		f.t.Errorf("%s %s, want POST %s", r.Method, r.URL.Path, want)
	}
	if r.Header.Get("Content-Type") != "application/json" {
		f.t.Errorf("Content-Type %q", r.Header.Get("Content-Type"))
	}
	var body map[string]any
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		f.t.Errorf("body is not JSON: %v", err)
	}
	var texts []string
	var target string
	switch f.kind {
	case "libretranslate":
		if body["format"] != "text" || body["api_key"] != "lt-key" || body["source"] == nil {
			f.t.Errorf("LibreTranslate body %v", body)
		}
		switch q := body["q"].(type) {
		case string:
			texts = []string{q}
		case []any:
			for _, s := range q {
				texts = append(texts, s.(string))
			}
		default:
			f.t.Errorf("q = %#v", body["q"])
		}
		target, _ = body["target"].(string)
	case "deepl":
		if a := r.Header.Get("Authorization"); a != "DeepL-Auth-Key "+deeplKey {
			f.t.Errorf("Authorization %q", a)
		}
		for _, s := range body["text"].([]any) {
			texts = append(texts, s.(string))
		}
		tl, _ := body["target_lang"].(string)
		if tl != strings.ToUpper(tl) {
			f.t.Errorf("target_lang %q is not upper case", tl)
		}
		target = strings.ToLower(tl)
	}
	f.mu.Lock()
	status := f.status
	f.requests++
	for _, t := range texts {
		f.asked[t]++
	}
	f.mu.Unlock()
	if status != 0 {
		w.WriteHeader(status)
		return
	}
	out := make([]string, len(texts))
	for i, t := range texts {
		out[i] = "[" + target + "] " + t
	}
	w.Header().Set("Content-Type", "application/json")
	if f.kind == "deepl" {
		var tr []map[string]string
		for _, o := range out {
			tr = append(tr, map[string]string{"detected_source_language": "CS", "text": o})
		}
		json.NewEncoder(w).Encode(map[string]any{"translations": tr})
		return
	}
	var tt any = out
	if _, one := body["q"].(string); one {
		tt = out[0]
	}
	json.NewEncoder(w).Encode(map[string]any{"translatedText": tt,
		"detectedLanguage": map[string]any{"confidence": 90.0, "language": "cs"}})
}

func (f *fakeProvider) set(status int) { f.mu.Lock(); f.status = status; f.mu.Unlock() }
func (f *fakeProvider) calls() int     { f.mu.Lock(); defer f.mu.Unlock(); return f.requests }
func (f *fakeProvider) times(text string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.asked[text]
}

func (f *fakeProvider) client() translate.Translator {
	if f.kind == "deepl" {
		return &deepl.Client{BaseURL: f.srv.URL, Key: deeplKey}
	}
	return &libretranslate.Client{BaseURL: f.srv.URL, Key: "lt-key"}
}

type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// translating is a harness whose bot translates with a fake provider, the
// worker running in the background, in the bilingual channel C1 (de,cs).
func translating(t *testing.T, kind string) (*harness, *fakeProvider, *translate.Service, *testClock) {
	p := newFakeProvider(t, kind)
	clk := &testClock{t: time.Now().UTC()}
	var tr *translate.Service
	h := newHarness(t, func(c *Config) {
		tr = &translate.Service{Provider: p.client(), Now: clk.now, Log: c.Log,
			Detect: func(s string) string { return langid.Identify(s, locales.Languages).Lang }}
		c.Translate = tr
	})
	tr.Store = h.db
	h.bot.svc.Translations = tr
	ch, err := h.db.Channel(context.Background(), chanF019)
	if err != nil {
		t.Fatal(err)
	}
	ch.Languages = []string{"de", "cs"}
	if err := h.db.SaveChannel(context.Background(), ch); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { tr.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return h, p, tr, clk
}

// waitFor polls cond for up to 15 seconds (the machine may be busy).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(15 * time.Second); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("waited in vain for %s", what)
}

const czechReply = "Delegace projekt interně projednala; otázky a kontaktní osoby zašleme do konce měsíce."

// TestTranslatedThreadReply (issue 12, done when): a Czech partner's thread
// reply in a de,cs channel shows translated into German, original kept and
// marked as machine translation, in what the bot posts into the channel
// and in a German reader's status; asked three times, the text goes to the
// provider once. The same with DeepL's header and body.
func TestTranslatedThreadReply(t *testing.T) {
	for _, kind := range []string{"libretranslate", "deepl"} {
		t.Run(kind, func(t *testing.T) {
			h, p, _, _ := translating(t, kind)
			h.recordAnnouncement()
			h.event("EvT1", reply("UCS", czechReply, "1699990100.000200"), nil)
			h.settle()
			if es := h.entries(); len(es) != 1 || es[0].Text != czechReply {
				t.Fatalf("entries = %+v", es)
			}
			posts := h.slack.callsOf("chat.postMessage")
			if len(posts) != 1 || posts[0].Form.Get("thread_ts") != announceTS {
				t.Fatalf("acknowledgement posts = %+v", posts)
			}
			waitFor(t, "chat.update with the translation", func() bool { return len(h.slack.callsOf("chat.update")) > 0 })
			up := h.slack.callsOf("chat.update")[0]
			if up.Form.Get("ts") != "1700001000.000001" || up.Form.Get("channel") != chanF019 {
				t.Errorf("chat.update of %v, want the acknowledgement", up.Form)
			}
			mustContainAll(t, "updated acknowledgement", up.Form.Get("blocks"),
				"Zapsáno jako průběh plnění k F.019.", "_maschinell übersetzt_", "[de] "+czechReply)

			// a German reader's status, three times
			for range 3 {
				_, body := h.command("U1", chanF019, "status F.019", "")
				mustContainAll(t, "German status", h.answer(body).Visible(),
					"[de] "+czechReply, "maschinell übersetzt · Original: "+czechReply)
			}
			h.settle()
			if n := p.times(czechReply); n != 1 {
				t.Errorf("the reply was sent to the provider %d times, want 1", n)
			}
			if n := p.calls(); n != 1 {
				t.Errorf("%d provider calls for one reply in a de,cs channel, want 1", n)
			}
			m := h.bot.Metrics()
			if got := testutil.ToFloat64(m.Translations.WithLabelValues("from_store")); got < 3 {
				t.Errorf("from_store = %v, want at least 3", got)
			}
			if got := testutil.ToFloat64(m.TranslatedChars); got < float64(len([]rune(czechReply))) {
				t.Errorf("characters = %v", got)
			}
		})
	}
}

// TestTranslatedAnnouncement: a Czech partner's `log` in a de,cs channel is
// announced at once with the original in both sections; the German
// translation is put beneath the original in the German section when it
// arrives.
func TestTranslatedAnnouncement(t *testing.T) {
	h, _, _, _ := translating(t, "libretranslate")
	_, body := h.command("UCS", chanF019, "zapsat F.019 "+czechReply, "")
	mustContainAll(t, "answer", h.answer(body).Visible(), "F.019")
	h.settle()
	posts := h.slack.callsOf("chat.postMessage")
	if len(posts) != 1 {
		t.Fatalf("posts = %+v", posts)
	}
	if strings.Contains(posts[0].Form.Get("blocks"), "[de]") {
		t.Errorf("translation before the provider answered?")
	}
	waitFor(t, "chat.update", func() bool { return len(h.slack.callsOf("chat.update")) > 0 })
	var blocks []map[string]any
	json.Unmarshal([]byte(h.slack.callsOf("chat.update")[0].Form.Get("blocks")), &blocks)
	var texts []string
	for _, b := range blocks {
		js, _ := json.Marshal(b)
		texts = append(texts, string(js))
	}
	all := strings.Join(texts, "\n")
	iOrig := strings.Index(all, czechReply)
	iLabel := strings.Index(all, "maschinell übersetzt")
	iTr := strings.Index(all, "[de] "+czechReply)
	iDivider := strings.Index(all, `"divider"`)
	if iOrig < 0 || iLabel < iOrig || iTr < iLabel || (iDivider >= 0 && iTr > iDivider) {
		t.Errorf("translation not beneath the original in the German section:\n%s", all)
	}
	if strings.Count(all, "[de] ") != 1 || strings.Contains(all, "[cs]") {
		t.Errorf("translation shown more than once or into Czech:\n%s", all)
	}
	// a second arrival of the same translation changes nothing
	st := translate.Stored{Fingerprint: translate.Fingerprint(czechReply), Target: "de", Provider: "libretranslate", Text: "[de] " + czechReply}
	if err := h.bot.TranslationArrived(context.Background(), chanF019+" "+posts[0].Form.Get("ts"), st); err != nil {
		t.Fatal(err)
	}
	if n := len(h.slack.callsOf("chat.update")); n != 1 {
		t.Errorf("%d updates, want 1", n)
	}
}

// TestProviderDownWhileReplying (done when): the provider answering 500
// while a partner replies: the reply is stored and acknowledged at once;
// when the provider is back, the translation appears without anyone doing
// anything. The failure is logged once.
func TestProviderDownWhileReplying(t *testing.T) {
	for _, kind := range []string{"libretranslate", "deepl"} {
		t.Run(kind, func(t *testing.T) {
			h, p, tr, clk := translating(t, kind)
			p.set(500)
			h.recordAnnouncement()
			start := time.Now()
			h.event("EvT2", reply("UCS", czechReply, "1699990100.000200"), nil)
			h.settle()
			if len(h.entries()) != 1 || len(h.slack.callsOf("chat.postMessage")) != 1 {
				t.Fatalf("reply not stored and acknowledged at once")
			}
			if d := time.Since(start); d > 3*time.Second { // Slack's budget
				t.Errorf("the reply took %s", d)
			}
			waitFor(t, "the provider asked", func() bool { return p.times(czechReply) >= 1 })
			_, body := h.command("U1", chanF019, "status F.019", "")
			v := h.answer(body).Visible()
			mustContainAll(t, "status while the provider is down", v, czechReply)
			if strings.Contains(v, "maschinell") {
				t.Errorf("a translation label without a translation:\n%s", v)
			}
			// more failures, one log line
			waitFor(t, "a retry", func() bool { clk.add(time.Minute); tr.Kick(); return p.times(czechReply) >= 2 })
			p.set(0)
			// time passes (a minute a round): the worker's own poll would find
			// the job due; the kick saves the test the 5 s wait
			waitFor(t, "chat.update", func() bool {
				clk.add(time.Minute)
				tr.Kick()
				return len(h.slack.callsOf("chat.update")) > 0
			})
			mustContainAll(t, "update", h.slack.callsOf("chat.update")[0].Form.Get("blocks"), "[de] "+czechReply)
			if n := strings.Count(h.logs.String(), "translation failed"); n != 1 {
				t.Errorf("failure logged %d times, want once", n)
			}
			_, body = h.command("U1", chanF019, "status F.019", "")
			mustContainAll(t, "status after recovery", h.answer(body).Visible(), "[de] "+czechReply)
		})
	}
}

// TestCzechReaderReadsGermanSteps (done when): a Czech reader's `stav
// F.019` shows the German steps in Czech, the original beneath; a human
// translation (CSV title_cs) is shown instead of a machine one.
func TestCzechReaderReadsGermanSteps(t *testing.T) {
	h, p, tr, _ := translating(t, "libretranslate")
	_, body := h.command("UCS", chanF019, "stav F.019", "")
	if strings.Contains(h.answer(body).Visible(), "[cs]") {
		t.Fatal("translated before the provider was asked")
	}
	waitFor(t, "the steps translated", func() bool { return p.times("Analyse klimatischer Parallelen") == 1 })
	if err := h.db.SaveTranslations(context.Background(), []translate.Stored{{
		Fingerprint: translate.Fingerprint(testF019().Title), Source: "de", Target: "cs", Provider: translate.Human,
		Text: "Obecní klimatické partnerství s Novým Městem nad Metují"}}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the queue empty", func() bool { return tr.RunOnce(context.Background()) == 0 })
	if n := p.calls(); n != 1 {
		t.Errorf("%d provider calls for title and six steps, want 1 (one batch)", n)
	}
	_, body = h.command("UCS", chanF019, "stav F.019", "")
	v := h.answer(body).Visible()
	mustContainAll(t, "Czech status", v,
		"F.019 Obecní klimatické partnerství s Novým Městem nad Metují",
		"Originál: Kommunale Klimapartnerschaft mit Nové Město nad Metují",
		"1. [cs] Analyse klimatischer Parallelen", "strojový překlad · originál: 1. Analyse klimatischer Parallelen",
		"6. [cs] Erstes gemeinsames Projekt")
	if strings.Contains(v, "[cs] Kommunale") {
		t.Errorf("machine translation of the title shown beside the human one:\n%s", v)
	}
	// the German reader's status is untouched
	_, body = h.command("U1", chanF019, "status F.019", "")
	if v := h.answer(body).Visible(); strings.Contains(v, "[") || strings.Contains(v, "Original") {
		t.Errorf("German status changed:\n%s", v)
	}
}

// TestNoTranslationWithoutProvider: without KLIMABOT_TRANSLATE nothing is
// queued and the announcement is what it always was.
func TestNoTranslationWithoutProvider(t *testing.T) {
	h := newHarness(t)
	ch, _ := h.db.Channel(context.Background(), chanF019)
	ch.Languages = []string{"de", "cs"}
	h.db.SaveChannel(context.Background(), ch)
	h.command("UCS", chanF019, "zapsat F.019 "+czechReply, "")
	h.settle()
	if b := h.slack.callsOf("chat.postMessage")[0].Form.Get("blocks"); strings.Contains(b, "tr:") || strings.Contains(b, "maschinell") {
		t.Errorf("announcement changed without a provider: %s", b)
	}
	if jobs, _ := h.db.DueJobs(context.Background(), time.Now().Add(time.Hour), 10); len(jobs) != 0 {
		t.Errorf("queued without a provider: %+v", jobs)
	}
	_ = commands.Words{}
}

// TestAppHomeTranslated: a Czech reader's App Home shows a measure's title
// in Czech (here a machine translation) with the original beside it.
func TestAppHomeTranslated(t *testing.T) {
	h, _, tr, _ := translating(t, "libretranslate")
	h.event("EvH1", map[string]any{"type": "app_home_opened", "user": "UCS", "channel": "D1", "tab": "home"}, nil)
	h.settle()
	waitFor(t, "the title translated", func() bool { return tr.RunOnce(context.Background()) == 0 })
	h.event("EvH2", map[string]any{"type": "app_home_opened", "user": "UCS", "channel": "D1", "tab": "home"}, nil)
	h.settle()
	pubs := h.slack.callsOf("views.publish")
	if len(pubs) != 2 {
		t.Fatalf("%d views.publish", len(pubs))
	}
	first, _ := json.Marshal(pubs[0].JSON["view"])
	if strings.Contains(string(first), "[cs]") {
		t.Errorf("translated before the provider answered")
	}
	view, _ := json.Marshal(pubs[1].JSON["view"])
	mustContainAll(t, "Czech home", string(view), "[cs] Kommunale Klimapartnerschaft mit Nové Město nad Metují",
		"strojový překlad · originál: Kommunale Klimapartnerschaft mit Nové Město nad Metují")
}
