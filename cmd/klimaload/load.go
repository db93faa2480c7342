package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/klimabot/klimabot/bot"
	"github.com/klimabot/klimabot/locales"
)

// loadConfig is one load run.
type loadConfig struct {
	url      string
	secret   string
	rate     float64 // commands a second (open loop); 0: closed loop
	workers  int     // closed loop
	duration time.Duration
	writes   float64 // share of `log` commands
	codes    int     // codes PREFIX00000 … PREFIX(codes-1)
	prefix   string  // of the codes: "M." (klimaload gen) or "P." (../shared/bench)
	user     string
	channel  string
	max      int // most requests in all
}

// sample is the outcome of one command.
type sample struct {
	latency time.Duration
	kind    string // "" for a good answer
	write   bool   // a /klima log
}

func runLoad(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("klimaload run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c loadConfig
	fs.StringVar(&c.url, "url", "http://127.0.0.1:8080", "the bot's base URL (loopback)")
	fs.StringVar(&c.secret, "secret", "", "the bot's SLACK_SIGNING_SECRET")
	fs.Float64Var(&c.rate, "rate", 0, "commands a second, sent on a fixed schedule (open loop)")
	fs.IntVar(&c.workers, "workers", 8, "concurrent senders when --rate is 0 (closed loop)")
	fs.DurationVar(&c.duration, "duration", 10*time.Second, "how long to send")
	fs.Float64Var(&c.writes, "writes", 0.1, "share of writes (/klima log), 0 to 1")
	fs.IntVar(&c.codes, "codes", 10_000, "measure codes M.00000 … to pick from")
	fs.StringVar(&c.prefix, "prefix", "M.", "prefix of the measure codes: M. for klimaload gen's store, P. for ../shared/bench's")
	fs.StringVar(&c.user, "user", "ULOAD", "Slack user id to send as (make it an admin for writes: KLIMABOT_ADMINS)")
	fs.StringVar(&c.channel, "channel", "CLOAD", "channel id to send from")
	fs.IntVar(&c.max, "max", 1_000_000, "stop after this many commands")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	u, err := url.Parse(c.url)
	if err != nil || u.Host == "" {
		return usageError{fmt.Errorf("--url %q is not a URL", c.url)}
	}
	hostport := u.Host
	if u.Port() == "" {
		hostport = net.JoinHostPort(u.Hostname(), "80")
	}
	if err := requireLoopback(hostport); err != nil {
		return usageError{err}
	}
	switch {
	case c.secret == "":
		return usageError{errors.New("--secret is required (the bot's SLACK_SIGNING_SECRET)")}
	case c.writes < 0 || c.writes > 1:
		return usageError{errors.New("--writes must be between 0 and 1")}
	case c.codes < 1 || c.duration <= 0 || c.duration > time.Hour || c.max < 1:
		return usageError{errors.New("--codes, --duration (up to 1h) and --max must be positive")}
	case c.rate < 0 || c.rate > 100_000 || (c.rate == 0 && (c.workers < 1 || c.workers > 1024)):
		return usageError{errors.New("--rate must be 0 to 100000; --workers 1 to 1024")}
	}
	b, err := locales.New()
	if err != nil {
		return err
	}
	l := &loader{cfg: c, client: &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		MaxIdleConns: 2048, MaxIdleConnsPerHost: 2048, IdleConnTimeout: 30 * time.Second,
	}}}
	for _, lang := range locales.Languages {
		l.internal = append(l.internal, b.For(lang).Msg("error.internal", nil))
	}
	// the answers to slow commands arrive at response_url: a sink counts them
	sink, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer sink.Close()
	go http.Serve(sink, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { l.late.Add(1) }))
	l.responseURL = "http://" + sink.Addr().String() + "/response"

	start := time.Now()
	samples := l.run(ctx)
	elapsed := time.Since(start)
	time.Sleep(200 * time.Millisecond) // late answers of the last commands
	report(stdout, c, samples, elapsed, l.late.Load())
	for _, s := range samples {
		if s.kind != "" {
			return errors.New("some commands failed (see above)")
		}
	}
	return nil
}

// loader sends the commands of one run.
type loader struct {
	cfg         loadConfig
	client      *http.Client
	internal    []string // the bot's generic error line in every language
	responseURL string
	late        atomic.Int64
}

func (l *loader) run(ctx context.Context) []sample {
	ctx, cancel := context.WithTimeout(ctx, l.cfg.duration)
	defer cancel()
	var (
		mu      sync.Mutex
		samples []sample
		wg      sync.WaitGroup
		sent    atomic.Int64
	)
	record := func(s sample) {
		mu.Lock()
		samples = append(samples, s)
		mu.Unlock()
	}
	if l.cfg.rate > 0 {
		// open loop: command i is due at start + i/rate, whatever the answers
		// do; latency counts from when it was due (no coordinated omission)
		interval := time.Duration(float64(time.Second) / l.cfg.rate)
		start := time.Now()
		end := start.Add(l.cfg.duration)
		for i := 0; i < l.cfg.max; i++ {
			due := start.Add(time.Duration(i) * interval)
			if !due.Before(end) {
				// rate × duration commands, however late the timers fire on
				// a busy machine (the context's own timer may fire after
				// time.After's, and then commands due past the end went out)
				break
			}
			if d := time.Until(due); d > 0 {
				select {
				case <-ctx.Done():
				case <-time.After(d):
				}
			}
			if ctx.Err() != nil {
				break
			}
			wg.Add(1)
			go func(i int, due time.Time) {
				defer wg.Done()
				kind, write := l.send(i)
				record(sample{latency: time.Since(due), kind: kind, write: write})
			}(i, due)
		}
	} else {
		for w := 0; w < l.cfg.workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for ctx.Err() == nil {
					i := int(sent.Add(1)) - 1
					if i >= l.cfg.max {
						return
					}
					t := time.Now()
					kind, write := l.send(i)
					record(sample{latency: time.Since(t), kind: kind, write: write})
				}
			}()
		}
	}
	wg.Wait()
	return samples
}

// send posts command i, signed, and classifies the answer; write tells
// whether it was a /klima log.
func (l *loader) send(i int) (kind string, write bool) {
	code := fmt.Sprintf("%s%05d", l.cfg.prefix, rand.IntN(l.cfg.codes))
	text := "status " + code
	if write = rand.Float64() < l.cfg.writes; write {
		text = fmt.Sprintf("log %s Lasttest-Eintrag %d", code, i)
	}
	return l.post(i, text), write
}

// post sends text as command i and classifies the answer.
func (l *loader) post(i int, text string) string {
	form := url.Values{
		"token": {"load"}, "team_id": {"TLOAD"}, "team_domain": {"load"}, "channel_id": {l.cfg.channel},
		"channel_name": {"load"}, "user_id": {l.cfg.user}, "user_name": {"load"}, "command": {"/klima"},
		"text": {text}, "response_url": {l.responseURL}, "trigger_id": {strconv.Itoa(i)},
	}
	body := form.Encode()
	req, err := http.NewRequest(http.MethodPost, strings.TrimRight(l.cfg.url, "/")+"/slack/commands", strings.NewReader(body))
	if err != nil {
		return "request: " + err.Error()
	}
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set(bot.HeaderTimestamp, ts)
	req.Header.Set(bot.HeaderSignature, bot.Signature(l.cfg.secret, ts, []byte(body)))
	resp, err := l.client.Do(req)
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return "timeout"
		}
		return "transport"
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		return "http " + strconv.Itoa(resp.StatusCode)
	}
	for _, s := range l.internal {
		if strings.Contains(string(answer), s) {
			return "internal error answer"
		}
	}
	return ""
}

// report prints percentiles, throughput and errors by kind.
func report(w io.Writer, c loadConfig, samples []sample, elapsed time.Duration, late int64) {
	mode := fmt.Sprintf("open loop at %.0f/s", c.rate)
	if c.rate == 0 {
		mode = fmt.Sprintf("closed loop, %d workers", c.workers)
	}
	fmt.Fprintf(w, "%d commands in %s (%s, %.0f%% writes): %.1f/s\n", len(samples), elapsed.Round(time.Millisecond), mode, c.writes*100,
		float64(len(samples))/elapsed.Seconds())
	if len(samples) == 0 {
		return
	}
	errs := map[string]int{}
	var all, reads, writes []time.Duration
	for _, s := range samples {
		all = append(all, s.latency)
		if s.write {
			writes = append(writes, s.latency)
		} else {
			reads = append(reads, s.latency)
		}
		if s.kind != "" {
			errs[s.kind]++
		}
	}
	for _, g := range []struct {
		name string
		lat  []time.Duration
	}{{"latency", all}, {"  status", reads}, {"  log", writes}} {
		if len(g.lat) == 0 || (g.name != "latency" && (len(reads) == 0 || len(writes) == 0)) {
			continue
		}
		sort.Slice(g.lat, func(i, j int) bool { return g.lat[i] < g.lat[j] })
		pct := func(p float64) time.Duration { return g.lat[min(len(g.lat)-1, int(p*float64(len(g.lat))))] }
		fmt.Fprintf(w, "%s: p50 %s  p90 %s  p99 %s  max %s  (%d)\n", g.name, pct(0.50).Round(time.Microsecond),
			pct(0.90).Round(time.Microsecond), pct(0.99).Round(time.Microsecond), g.lat[len(g.lat)-1].Round(time.Microsecond), len(g.lat))
	}
	if len(errs) == 0 {
		fmt.Fprintln(w, "errors: none")
	} else {
		kinds := make([]string, 0, len(errs))
		for k := range errs {
			kinds = append(kinds, k)
		}
		sort.Strings(kinds)
		for _, k := range kinds {
			fmt.Fprintf(w, "errors: %s: %d\n", k, errs[k])
		}
	}
	fmt.Fprintf(w, "answers sent later via response_url: %d\n", late)
}
