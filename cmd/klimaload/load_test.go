package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/klimabot/klimabot/bot"
)

func TestRequireLoopback(t *testing.T) {
	for _, ok := range []string{"127.0.0.1:8080", "localhost:1", "[::1]:9", "127.1.2.3:80"} {
		if err := requireLoopback(ok); err != nil {
			t.Errorf("%s refused: %v", ok, err)
		}
	}
	for _, bad := range []string{"10.0.0.1:80", "192.168.1.1:80", "example.org:80", "8.8.8.8:53", "nohost"} {
		if err := requireLoopback(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

// TestLoadAgainstVerifyingServer runs a short open-loop load against a real
// HTTP server that checks every signature with bot.Verifier, and counts
// what the tool reports.
func TestLoadAgainstVerifyingServer(t *testing.T) {
	const secret = "s3cr3t"
	var good, writes atomic.Int64
	v := bot.Verifier{Secret: secret}
	srv := httptest.NewServer(v.Middleware(bot.DefaultMaxBody, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(body))
		if form.Get("command") != "/klima" || form.Get("user_id") != "ULOAD" {
			http.Error(w, "bad form", http.StatusBadRequest)
			return
		}
		good.Add(1)
		if strings.HasPrefix(form.Get("text"), "log M.") {
			writes.Add(1)
		}
		json.NewEncoder(w).Encode(map[string]any{"response_type": "ephemeral", "text": "ok"})
	})))
	defer srv.Close()
	var out, errb bytes.Buffer
	err := run(context.Background(), []string{"run", "--url", srv.URL, "--secret", secret, "--rate", "200",
		"--duration", "1s", "--writes", "0.5", "--codes", "10"}, &out, &errb)
	if err != nil {
		t.Fatalf("run: %v\n%s%s", err, out.String(), errb.String())
	}
	if n := good.Load(); n < 150 || n > 201 {
		t.Errorf("server saw %d verified commands, want about 200", n)
	}
	if w := writes.Load(); w < good.Load()/4 || w > good.Load()*3/4 {
		t.Errorf("writes %d of %d, want about half", w, good.Load())
	}
	for _, want := range []string{"open loop at 200/s", "50% writes", "latency: p50", "errors: none"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}

	// a wrong secret: every command is refused, and the tool says so
	out.Reset()
	err = run(context.Background(), []string{"run", "--url", srv.URL, "--secret", "wrong", "--workers", "2",
		"--duration", "300ms", "--max", "20"}, &out, &errb)
	if err == nil || !strings.Contains(out.String(), "errors: http 401: 20") {
		t.Errorf("wrong secret: %v\n%s", err, out.String())
	}
}

func TestFakeSlack(t *testing.T) {
	f := newFakeSlack()
	srv := httptest.NewServer(f)
	defer srv.Close()
	for _, m := range []string{"auth.test", "chat.postMessage", "chat.postMessage", "users.info"} {
		resp, err := http.PostForm(srv.URL+"/api/"+m, url.Values{"channel": {"C1"}, "user": {"U1"}})
		if err != nil {
			t.Fatal(err)
		}
		var body map[string]any
		json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if body["ok"] != true {
			t.Errorf("%s: %v", m, body)
		}
	}
	if c := f.Calls(); c["chat.postMessage"] != 2 || c["auth.test"] != 1 {
		t.Errorf("calls = %v", c)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		nil, {"frob"}, {"run"}, {"run", "--secret", "x", "--url", "http://10.1.1.1:8080"},
		{"run", "--secret", "x", "--writes", "2"}, {"run", "--secret", "x", "--duration", "2h"}, {"gen"},
	} {
		err := run(context.Background(), args, io.Discard, io.Discard)
		var ue usageError
		if !errors.As(err, &ue) {
			t.Errorf("run %q: %v, want a usage error", args, err)
		}
	}
}
