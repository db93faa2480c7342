package translate_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/klimabot/klimabot/commands/translate"
	"github.com/klimabot/klimabot/commands/translate/libretranslate"
	"github.com/klimabot/klimabot/storage"
)

// fakeLibre is a LibreTranslate on loopback that answers "[target] text"
// and can be told to fail.
type fakeLibre struct {
	mu     sync.Mutex
	status int // non-zero: answer with it
	calls  int
	texts  []string
	srv    *httptest.Server
}

func newFakeLibre(t *testing.T) *fakeLibre {
	f := &fakeLibre{}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/translate" {
			t.Errorf("%s %s", r.Method, r.URL.Path)
		}
		var body struct {
			Q      any    `json:"q"`
			Source string `json:"source"`
			Target string `json:"target"`
			Format string `json:"format"`
		}
		json.NewDecoder(r.Body).Decode(&body)
		f.mu.Lock()
		defer f.mu.Unlock()
		f.calls++
		if f.status != 0 {
			w.WriteHeader(f.status)
			return
		}
		var qs []string
		switch q := body.Q.(type) {
		case string:
			qs = []string{q}
		case []any:
			for _, s := range q {
				qs = append(qs, s.(string))
			}
		}
		f.texts = append(f.texts, qs...)
		out := make([]string, len(qs))
		for i, q := range qs {
			out[i] = "[" + body.Target + "] " + q
		}
		var tt any = out
		if _, one := body.Q.(string); one {
			tt = out[0]
		}
		json.NewEncoder(w).Encode(map[string]any{"translatedText": tt,
			"detectedLanguage": map[string]any{"confidence": 90.0, "language": "cs"}})
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeLibre) set(status int) { f.mu.Lock(); f.status = status; f.mu.Unlock() }
func (f *fakeLibre) count() int     { f.mu.Lock(); defer f.mu.Unlock(); return f.calls }

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }
func newClock() *clock               { return &clock{t: time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)} }
func openDB(t *testing.T, path string) *storage.DB {
	db, err := storage.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

const czech = "Delegace projekt interně projednala; otázky a kontaktní osoby zašleme do konce měsíce."

func TestTranslatedOnceStoredAndShown(t *testing.T) {
	ctx := context.Background()
	f := newFakeLibre(t)
	clk := newClock()
	db := openDB(t, filepath.Join(t.TempDir(), "k.db"))
	var notified []string
	s := &translate.Service{Store: db, Provider: &libretranslate.Client{BaseURL: f.srv.URL}, Now: clk.now,
		Notify: func(ctx context.Context, n string, st translate.Stored) error {
			notified = append(notified, n+"="+st.Text)
			return nil
		}}
	if got, q := s.Translated(ctx, []string{czech}, "", "de", "C1 1.1"); len(got) != 0 || len(q) != 1 {
		t.Fatalf("before the worker: %v", got)
	}
	if f.count() != 0 {
		t.Fatal("Translated called the provider")
	}
	// asked again before the worker ran: still one job
	s.Translated(ctx, []string{czech}, "", "de", "C1 1.1")
	if n := s.RunOnce(ctx); n != 1 {
		t.Errorf("RunOnce did %d jobs, want 1", n)
	}
	for range 3 {
		got, _ := s.Translated(ctx, []string{czech, "  " + strings.ReplaceAll(czech, " ", "  ")}, "", "de", "")
		if got[czech].Text != "[de] "+czech || !got[czech].Machine || got[czech].Source != "cs" {
			t.Errorf("translation = %+v", got[czech])
		}
	}
	s.RunOnce(ctx)
	if f.count() != 1 {
		t.Errorf("provider called %d times, want 1", f.count())
	}
	if len(notified) != 1 || notified[0] != "C1 1.1=[de] "+czech {
		t.Errorf("notified %v", notified)
	}
	// the German reader of a German text asks nothing
	s.Detect = func(text string) string {
		if strings.HasPrefix(text, "Der") {
			return "de"
		}
		return ""
	}
	if got, _ := s.Translated(ctx, []string{"Der Rat hat beschlossen."}, "", "de", ""); len(got) != 0 || s.RunOnce(ctx) != 0 {
		t.Errorf("a German text was queued for German: %v", got)
	}
}

func TestHumanWins(t *testing.T) {
	ctx := context.Background()
	f := newFakeLibre(t)
	db := openDB(t, filepath.Join(t.TempDir(), "k.db"))
	s := &translate.Service{Store: db, Provider: &libretranslate.Client{BaseURL: f.srv.URL}, Now: newClock().now}
	title := "Kommunale Klimapartnerschaft"
	s.Translated(ctx, []string{title}, "de", "cs", "")
	s.RunOnce(ctx)
	if got, _ := s.Translated(ctx, []string{title}, "de", "cs", ""); !got[title].Machine {
		t.Fatalf("machine translation: %+v", got[title])
	}
	if err := db.SaveTranslations(ctx, []translate.Stored{{Fingerprint: translate.Fingerprint(title), Source: "de", Target: "cs",
		Provider: translate.Human, Text: "Obecní klimatické partnerství"}}); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Translated(ctx, []string{title}, "de", "cs", "")
	if got[title].Text != "Obecní klimatické partnerství" || got[title].Machine {
		t.Errorf("human translation does not win: %+v", got[title])
	}
}

// TestFailureRetriedLaterLoggedOnce: a provider answering 500 costs nothing
// but the translation; the job survives a restart and is done once the
// provider is back, and the failure streak is one log line.
func TestFailureRetriedLaterLoggedOnce(t *testing.T) {
	ctx := context.Background()
	f := newFakeLibre(t)
	f.set(500)
	clk := newClock()
	path := filepath.Join(t.TempDir(), "k.db")
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	db := openDB(t, path)
	s := &translate.Service{Store: db, Provider: &libretranslate.Client{BaseURL: f.srv.URL}, Now: clk.now, Log: log}
	s.Translated(ctx, []string{czech, "Druhý text o projektu a partnerství."}, "", "de", "")
	for range 3 {
		s.RunOnce(ctx)
		clk.add(2 * time.Hour)
	}
	if f.count() != 3 {
		t.Errorf("provider asked %d times, want 3 (one batch per retry)", f.count())
	}
	if n := strings.Count(logs.String(), "translation failed"); n != 1 {
		t.Errorf("failure logged %d times, want once:\n%s", n, logs.String())
	}
	// restart: a new service on the same file finds the jobs
	db.Close()
	db2 := openDB(t, path)
	f.set(0)
	s2 := &translate.Service{Store: db2, Provider: &libretranslate.Client{BaseURL: f.srv.URL}, Now: clk.now, Log: log}
	if n := s2.RunOnce(ctx); n != 2 {
		t.Errorf("after restart %d jobs done, want 2", n)
	}
	if got, _ := s2.Translated(ctx, []string{czech}, "", "de", ""); got[czech].Text != "[de] "+czech {
		t.Errorf("after recovery: %+v", got)
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	ctx := context.Background()
	var calls int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		w.Header().Set("Retry-After", "600")
		w.WriteHeader(429)
	}))
	defer srv.Close()
	clk := newClock()
	db := openDB(t, filepath.Join(t.TempDir(), "k.db"))
	s := &translate.Service{Store: db, Provider: &libretranslate.Client{BaseURL: srv.URL}, Now: clk.now}
	s.Translated(ctx, []string{czech}, "", "de", "")
	s.RunOnce(ctx)
	clk.add(599 * time.Second)
	s.RunOnce(ctx)
	if calls != 1 {
		t.Errorf("asked again before Retry-After: %d calls", calls)
	}
	clk.add(time.Second)
	s.RunOnce(ctx)
	if calls != 2 {
		t.Errorf("not asked again after Retry-After: %d calls", calls)
	}
}

func TestBudget(t *testing.T) {
	ctx := context.Background()
	f := newFakeLibre(t)
	clk := newClock()
	db := openDB(t, filepath.Join(t.TempDir(), "k.db"))
	s := &translate.Service{Store: db, Provider: &libretranslate.Client{BaseURL: f.srv.URL}, Now: clk.now, Budget: 50}
	s.Translated(ctx, []string{czech}, "", "de", "") // 86 characters
	s.RunOnce(ctx)
	if f.count() != 0 {
		t.Fatal("sent past the budget")
	}
	s.Budget = 100
	clk.add(24 * time.Hour)
	s.RunOnce(ctx)
	if f.count() != 1 {
		t.Errorf("not sent the next day: %d", f.count())
	}
	if n, _ := db.Usage(ctx, clk.now().Format(time.DateOnly), "libretranslate"); n != utf8.RuneCountInString(czech) {
		t.Errorf("usage %d, want %d", n, utf8.RuneCountInString(czech))
	}
}

func TestOffWithoutProvider(t *testing.T) {
	db := openDB(t, filepath.Join(t.TempDir(), "k.db"))
	s := &translate.Service{Store: db}
	if got, _ := s.Translated(context.Background(), []string{czech}, "", "de", ""); got != nil {
		t.Errorf("off: %v", got)
	}
	if jobs, _ := db.DueJobs(context.Background(), time.Now().Add(time.Hour), 10); len(jobs) != 0 {
		t.Errorf("off but queued %v", jobs)
	}
}

func TestFingerprint(t *testing.T) {
	if translate.Fingerprint(" a\n b ") != translate.Fingerprint("a b") {
		t.Error("whitespace changes the fingerprint")
	}
	if translate.Fingerprint("Město") != translate.Fingerprint("Me\u030csto") {
		t.Error("NFC forms differ")
	}
	if translate.Fingerprint("a") == translate.Fingerprint("b") {
		t.Error("same fingerprint")
	}
}
