package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// fakeSlack is a Slack Web API that answers every call the bot makes with
// ok, so the bot can run under load without a workspace. It counts calls.
type fakeSlack struct {
	mu    sync.Mutex
	calls map[string]int
	ts    atomic.Int64
}

func newFakeSlack() *fakeSlack { return &fakeSlack{calls: map[string]int{}} }

func (f *fakeSlack) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	method := strings.TrimPrefix(r.URL.Path, "/api/")
	method = strings.TrimPrefix(method, "/")
	f.mu.Lock()
	f.calls[method]++
	f.mu.Unlock()
	_ = r.ParseForm()
	w.Header().Set("Content-Type", "application/json")
	resp := map[string]any{"ok": true}
	switch method {
	case "auth.test":
		resp = map[string]any{"ok": true, "user_id": "UKLIMABOT", "bot_id": "BKLIMABOT", "team_id": "TLOAD", "user": "klimabot", "url": "https://load.invalid/"}
	case "users.info":
		resp = map[string]any{"ok": true, "user": map[string]any{"id": r.Form.Get("user"), "name": "load", "locale": "de-DE",
			"profile": map[string]any{"real_name": "Load Test"}}}
	case "chat.postMessage", "chat.postEphemeral", "chat.update":
		resp = map[string]any{"ok": true, "channel": r.Form.Get("channel"), "ts": fmt.Sprintf("1800000000.%06d", f.ts.Add(1))}
	}
	json.NewEncoder(w).Encode(resp)
}

// Calls returns the calls seen per method.
func (f *fakeSlack) Calls() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make(map[string]int, len(f.calls))
	for k, v := range f.calls {
		out[k] = v
	}
	return out
}

// runFakeSlack serves the fake Slack Web API until ctx ends; point the bot's
// SLACK_API_URL at http://ADDR/api/.
func runFakeSlack(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("klimaload fake-slack", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:9911", "listen address (loopback)")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if err := requireLoopback(*addr); err != nil {
		return usageError{err}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	f := newFakeSlack()
	srv := &http.Server{Handler: f, ReadHeaderTimeout: 5 * time.Second}
	fmt.Fprintf(stdout, "fake Slack Web API on http://%s/api/ (SLACK_API_URL)\n", ln.Addr())
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}()
	if err := srv.Serve(ln); err != nil && err != http.ErrServerClosed {
		return err
	}
	fmt.Fprintf(stdout, "calls: %v\n", f.Calls())
	return nil
}

// requireLoopback refuses any address but this machine's loopback.
func requireLoopback(hostport string) error {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		return fmt.Errorf("address %q: %w", hostport, err)
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("address %q is not a loopback address: klimaload only loads this machine", hostport)
	}
	return nil
}
