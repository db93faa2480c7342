package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/klimabot/klimabot/bot"
	"github.com/klimabot/klimabot/storage"
)

// These tests run the real klimabot binary, built with CGO_ENABLED=0 as it
// ships, as a subprocess serving HTTP on loopback against a fake Slack Web
// API, and do to it what an operator's machine may do: concurrency, kill -9,
// SIGTERM.

const procSecret = "process-test-secret"

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// klimabotBinary builds cmd/klimabot once per test run.
func klimabotBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "klimabot-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "klimabot")
		cmd := exec.Command("go", "build", "-o", binPath, ".")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// procSlack is a fake Slack Web API for the subprocess; usersDelay slows
// users.info down, to keep commands in flight.
func procSlack(t *testing.T, usersDelay time.Duration) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch strings.TrimPrefix(r.URL.Path, "/") {
		case "auth.test":
			io.WriteString(w, `{"ok":true,"user_id":"UBOT","bot_id":"BBOT","team":"Hilden"}`)
		case "users.info":
			time.Sleep(usersDelay)
			io.WriteString(w, `{"ok":true,"user":{"id":"UADMIN","name":"admin","real_name":"Admin","locale":"de-DE"}}`)
		case "chat.postMessage", "chat.postEphemeral":
			io.WriteString(w, `{"ok":true,"channel":"C1","ts":"1700000000.000100"}`)
		case "conversations.history":
			io.WriteString(w, `{"ok":true,"messages":[]}`)
		default:
			io.WriteString(w, `{"ok":false,"error":"unknown_method"}`)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// server is a running klimabot serve.
type server struct {
	cmd    *exec.Cmd
	addr   string
	stderr *lockedBuffer
	exited chan error
}

var servingAddr = regexp.MustCompile(`msg="klimabot serving" addr=(\S+)`)

// startServe starts `klimabot serve` on db and waits until it listens.
func startServe(t *testing.T, db, slackURL string) *server {
	t.Helper()
	cmd := exec.Command(klimabotBinary(t), "serve")
	cmd.Env = []string{
		"KLIMABOT_DB=" + db, "KLIMABOT_ADDR=127.0.0.1:0", "KLIMABOT_ADMINS=UADMIN",
		"SLACK_BOT_TOKEN=xoxb-process-test", "SLACK_SIGNING_SECRET=" + procSecret, "SLACK_API_URL=" + slackURL + "/",
		"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH"),
	}
	pipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, stderr: &lockedBuffer{}, exited: make(chan error, 1)}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pipe)
		for sc.Scan() {
			line := sc.Text()
			s.stderr.Write([]byte(line + "\n"))
			if m := servingAddr.FindStringSubmatch(line); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
	}()
	go func() { s.exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		if t.Failed() {
			t.Logf("klimabot stderr:\n%s", s.stderr.String())
		}
	})
	select {
	case s.addr = <-found:
	case err := <-s.exited:
		t.Fatalf("klimabot serve exited: %v\n%s", err, s.stderr.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("klimabot serve did not start\n%s", s.stderr.String())
	}
	return s
}

// command sends a signed /klima command and returns status and body.
func (s *server) command(client *http.Client, user, text string) (int, string, error) {
	body := url.Values{"command": {"/klima"}, "text": {text}, "user_id": {user}, "user_name": {"admin"},
		"channel_id": {"C1"}, "team_id": {"T1"}, "response_url": {"http://127.0.0.1:1/"}}.Encode()
	req, err := http.NewRequest(http.MethodPost, "http://"+s.addr+bot.PathCommands, strings.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set(bot.HeaderTimestamp, ts)
	req.Header.Set(bot.HeaderSignature, bot.Signature(procSecret, ts, []byte(body)))
	resp, err := client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

// newProcDB is a database with the F.019 seed.
func newProcDB(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "klimabot.db")
	if r := runCmd(t, map[string]string{"KLIMABOT_DB": db}, "", "import", seedPath(t, "000_")); r.err != nil {
		t.Fatal(r.err)
	}
	return db
}

// entryTexts reads every progress entry text of a database and checks it.
func entryTexts(t *testing.T, path string) map[string]bool {
	t.Helper()
	db, err := storage.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("the store does not open cleanly: %v", err)
	}
	defer db.Close()
	if err := db.IntegrityCheck(context.Background()); err != nil {
		t.Fatal(err)
	}
	m, err := db.Measure(context.Background(), "F.019")
	if err != nil {
		t.Fatal(err)
	}
	es, err := db.Entries(context.Background(), m.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := make(map[string]bool, len(es))
	for _, e := range es {
		out[e.Text] = true
	}
	return out
}

const savedLine = "Fortschritt zu F.019 eingetragen"

// TestProcessConcurrentWriters: 32 writers at once over HTTP; every command
// is answered, every entry stored, and nothing says "locked" or "busy".
func TestProcessConcurrentWriters(t *testing.T) {
	db := newProcDB(t)
	s := startServe(t, db, procSlack(t, 0).URL)
	client := &http.Client{Timeout: 30 * time.Second}
	const writers, each = 32, 20
	var wg sync.WaitGroup
	errs := make(chan string, writers*each)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				status, body, err := s.command(client, "UADMIN", fmt.Sprintf("eintragen F.019 writer %d entry %d", w, i))
				if err != nil || status != 200 || !strings.Contains(body, savedLine) {
					errs <- fmt.Sprintf("writer %d entry %d: %d %v %.200s", w, i, status, err, body)
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	if err := <-s.exited; err != nil {
		t.Errorf("exit after SIGTERM: %v", err)
	}
	log := strings.ToLower(s.stderr.String())
	for _, bad := range []string{"locked", "busy", "level=error"} {
		if strings.Contains(log, bad) {
			t.Errorf("the log says %q:\n%s", bad, s.stderr.String())
		}
	}
	texts := entryTexts(t, db)
	for w := 0; w < writers; w++ {
		for i := 0; i < each; i++ {
			if !texts[fmt.Sprintf("writer %d entry %d", w, i)] {
				t.Errorf("entry %d/%d missing", w, i)
			}
		}
	}
}

// TestProcessKill9: kill -9 in the middle of a burst of writes; after a
// restart every acknowledged write is there and the store opens cleanly.
func TestProcessKill9(t *testing.T) {
	db := newProcDB(t)
	slack := procSlack(t, 0)
	s := startServe(t, db, slack.URL)
	client := &http.Client{Timeout: 10 * time.Second}
	var mu sync.Mutex
	var acked []string
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				text := fmt.Sprintf("burst %d-%d", w, i)
				status, body, err := s.command(client, "UADMIN", "eintragen F.019 "+text)
				if err != nil {
					return // the process is gone
				}
				if status == 200 && strings.Contains(body, savedLine) {
					mu.Lock()
					acked = append(acked, text)
					mu.Unlock()
				}
			}
		}(w)
	}
	// let the burst run, then kill it without warning
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 150 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := s.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-s.exited
	close(stop)
	wg.Wait()
	if len(acked) == 0 {
		t.Fatal("no write was acknowledged before the kill")
	}
	texts := entryTexts(t, db)
	for _, a := range acked {
		if !texts[a] {
			t.Errorf("acknowledged write %q lost", a)
		}
	}
	t.Logf("%d acknowledged writes before kill -9, all found", len(acked))

	// the bot starts again on the same file and answers
	s2 := startServe(t, db, slack.URL)
	if status, body, err := s2.command(client, "UADMIN", "status F.019"); err != nil || status != 200 || !strings.Contains(body, "Kommunale Klimapartnerschaft") {
		t.Errorf("after restart: %d %v %.200s", status, err, body)
	}
	s2.cmd.Process.Signal(syscall.SIGTERM)
	<-s2.exited
}

// TestProcessSIGTERMDrains: commands in flight when SIGTERM arrives are
// answered, and the process exits 0.
func TestProcessSIGTERMDrains(t *testing.T) {
	db := newProcDB(t)
	s := startServe(t, db, procSlack(t, 600*time.Millisecond).URL) // each command waits for users.info
	client := &http.Client{Timeout: 20 * time.Second}
	const n = 10
	results := make(chan string, n)
	for i := 0; i < n; i++ {
		go func(i int) {
			status, body, err := s.command(client, fmt.Sprintf("U%d", i), "status F.019")
			if err != nil || status != 200 || !strings.Contains(body, "Kommunale Klimapartnerschaft") {
				results <- fmt.Sprintf("command %d: %d %v %.200s", i, status, err, body)
				return
			}
			results <- ""
		}(i)
	}
	time.Sleep(200 * time.Millisecond) // all ten are waiting for users.info
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		if r := <-results; r != "" {
			t.Error(r)
		}
	}
	select {
	case err := <-s.exited:
		if err != nil {
			t.Errorf("exit: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("klimabot did not exit after SIGTERM")
	}
	if !strings.Contains(s.stderr.String(), "shutting down") {
		t.Errorf("no shutdown in the log:\n%s", s.stderr.String())
	}
}
