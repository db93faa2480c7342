package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/klimabot/klimabot/commands"
	"github.com/klimabot/klimabot/locales"
	"github.com/klimabot/klimabot/storage"
	"github.com/klimabot/klimabot/storage/storagetest"
)

// BenchmarkMessageBlocks renders a status answer (six steps, fields, three
// progress entries) to Block Kit and marshals it, as every answer is.
func BenchmarkMessageBlocks(b *testing.B) {
	bundle, err := locales.New()
	if err != nil {
		b.Fatal(err)
	}
	steps := commands.List{Title: commands.Msg("label.steps", nil)}
	for i := 1; i <= 6; i++ {
		steps.Items = append(steps.Items, commands.Item{Mark: commands.MarkOpen, Text: commands.Raw(fmt.Sprintf("%d. Umsetzungsschritt mit etwas längerem Text <%d> & mehr", i, i)),
			Sub: commands.Msg("status.step_planned", commands.Data{"When": "2025"})})
	}
	r := commands.Reply{Lang: "cs", Parts: []commands.Part{
		commands.Header{Text: commands.Raw("F.019 Kommunale Klimapartnerschaft mit Nové Město nad Metují")},
		commands.Fields{{Label: commands.Msg("label.responsibility", nil), Value: commands.Raw("Dezernat IV, Stabsstelle Klimaschutz")}},
		commands.Progress{Done: 4, Total: 6}, steps,
		commands.Fields{{Label: commands.Msg("label.next_deadline", nil), Value: commands.Msg("deadline.line", commands.Data{
			"Date": commands.NewDate(2027, 3, 31), "Text": commands.Raw("Bericht"), "Relative": commands.Relative(3)})}},
		commands.List{Title: commands.Msg("label.progress", nil), Items: []commands.Item{{Text: commands.Raw("Treffen in Hilden")}, {Text: commands.Raw("Präsentation übersetzt")}, {Text: commands.Raw("Rückmeldung")}}},
	}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(MessageBlocks(r, bundle)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSignedStatusHTTP is the bot's whole path for a signed
// `/klima status CODE` over HTTP (in process: verify, parse the form, run
// the command on the quality-bar store of 10,000 measures and 100,000
// entries, render Block Kit, write the answer). Slack is a fake on
// loopback; the user's locale is cached after the first call.
func BenchmarkSignedStatusHTTP(b *testing.B) {
	benchSignedMix(b, 0)
}

// BenchmarkSignedMixHTTP is BenchmarkSignedStatusHTTP with the bench's
// writes mixed in (../shared/bench: 10 % `log` while measuring latency and
// the closed loop, 100 % while filling): each log commits, which makes
// every reader connection drop its page cache, and is announced to the
// fake Slack (whose CPU counts, as the bench's fake does on the same
// machine). One request at a time: cpu-ns/op is the bot's CPU per request
// without contention, the figure to compare two builds by.
func BenchmarkSignedMixHTTP(b *testing.B) {
	for _, pct := range []int{10, 100} {
		b.Run(fmt.Sprintf("log=%d%%", pct), func(b *testing.B) { benchSignedMix(b, pct) })
	}
}

// benchSignedMix sends signed slash commands, logPct of every hundred a
// `log`, the rest `status`, to measures spread over the whole store.
func benchSignedMix(b *testing.B, logPct int) {
	ctx := context.Background()
	db, err := storage.Open(ctx, storagetest.Path(b, storagetest.Quality), storage.WithClock(func() time.Time { return storagetest.Epoch }))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	slack := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		switch strings.TrimPrefix(r.URL.Path, "/") {
		case "auth.test":
			io.WriteString(w, `{"ok":true,"user_id":"UBOT","bot_id":"BBOT","team":"Hilden"}`)
		case "users.info":
			io.WriteString(w, `{"ok":true,"user":{"id":"U1","name":"u","real_name":"U","locale":"de-DE"}}`)
		default:
			io.WriteString(w, `{"ok":true,"channel":"C1","ts":"1700000000.000100"}`)
		}
	}))
	defer slack.Close()
	bundle, err := locales.New()
	if err != nil {
		b.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := &commands.Service{Store: db, Bundle: bundle, DefaultLang: "de", DefaultTZ: "Europe/Berlin", Log: quiet,
		Admins: map[string]bool{"U1": true}}
	bt, err := New(Config{BotToken: "xoxb-bench", SigningSecret: "bench", APIURL: slack.URL + "/", Log: quiet}, svc, db, bundle)
	if err != nil {
		b.Fatal(err)
	}
	if err := bt.Start(ctx); err != nil {
		b.Fatal(err)
	}
	defer bt.Close(ctx)
	h := bt.Handler()
	b.ReportAllocs()
	cpu := processCPU()
	defer func() { b.ReportMetric(float64(processCPU()-cpu)/float64(b.N), "cpu-ns/op") }()
	for i := 0; b.Loop(); i++ {
		code := fmt.Sprintf("M.%05d", (i*7919)%10_000)
		text, want := "status "+code, "Maßnahme"
		if i%100 < logPct {
			text, want = fmt.Sprintf("log %s Lastprobe %d Fortschritt", code, i), code
		}
		body := url.Values{"command": {"/klima"}, "text": {text}, "user_id": {"U1"},
			"channel_id": {"C1"}, "team_id": {"T1"}, "response_url": {"http://127.0.0.1:1/"}}.Encode()
		req := httptest.NewRequest(http.MethodPost, PathCommands, strings.NewReader(body))
		ts := strconv.FormatInt(time.Now().Unix(), 10)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set(HeaderTimestamp, ts)
		req.Header.Set(HeaderSignature, Signature("bench", ts, []byte(body)))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != 200 || !strings.Contains(w.Body.String(), want) {
			b.Fatalf("answer %d: %.300s", w.Code, w.Body.String())
		}
	}
}

// BenchmarkAnnouncementText is the notification text of a log's
// announcement (a paragraph naming the person and the measure, then their
// words), which every log and done pays besides its blocks.
func BenchmarkAnnouncementText(b *testing.B) {
	bundle, err := locales.New()
	if err != nil {
		b.Fatal(err)
	}
	a := &commands.Announcement{Langs: []string{"de", "cs"}, Parts: []commands.Part{
		commands.Paragraph{Text: commands.Msg("announce.log", commands.Data{"Name": "Anna Nováková",
			"Measure": commands.Raw("F.019 Kommunale Klimapartnerschaft")})},
		commands.Paragraph{Text: commands.Raw("Workshop mit dem Partner <am> Dienstag & *Protokoll* verschickt")},
	}}
	b.ReportAllocs()
	for b.Loop() {
		if AnnouncementText(a, bundle) == "" {
			b.Fatal("empty")
		}
	}
}
