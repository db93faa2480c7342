package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/klimabot/klimabot/bot"
)

// serveListening, when set, is told the address the HTTP server listens on
// (KLIMABOT_ADDR may ask for port 0); tests use it.
var serveListening func(addr string)

// shutdownTimeout is how long serve lets in-flight requests and the work
// after acknowledgements finish when it is asked to stop.
const shutdownTimeout = 15 * time.Second

// fileWatchInterval is how often serve checks that the database file is
// still the one open when nothing writes (writes and /healthz check it
// themselves).
const fileWatchInterval = time.Second

// fileLost is what serve does when the database file was deleted or
// replaced: copy what the open file holds (every acknowledged write) beside
// it, say so in one log line, and stop with exit code 1 for the supervisor.
// Writes are already refused, and /healthz answers 503.
func fileLost(ctx context.Context, a *app, log *slog.Logger) error {
	lost := a.db.CheckFile()
	rescued, err := a.db.Rescue(ctx)
	if err != nil {
		log.Error("database file lost while serving: writes are refused and klimabot stops; the open file could not be copied, restore KLIMABOT_DB from a backup before restarting",
			"db", a.db.Path(), "err", lost, "rescue_err", err)
		return errReported
	}
	log.Error("database file lost while serving: writes are refused and klimabot stops; what it held is copied to the rescued file: check it and move it to KLIMABOT_DB (or restore a backup) before restarting",
		"db", a.db.Path(), "rescued", rescued, "err", lost)
	return errReported
}

// serveConfig is what `serve` needs beyond config.
type serveConfig struct {
	BotToken      string // SLACK_BOT_TOKEN
	SigningSecret string // SLACK_SIGNING_SECRET
	AppToken      string // SLACK_APP_TOKEN
	APIURL        string // SLACK_API_URL
	Addr          string // KLIMABOT_ADDR
	// PublicURL is KLIMABOT_PUBLIC_URL: where the town's network reaches
	// Addr; set, `calendar` hands out subscription links under it.
	PublicURL string
}

func loadServeConfig(getenv func(string) string) serveConfig {
	c := serveConfig{
		BotToken:      strings.TrimSpace(getenv("SLACK_BOT_TOKEN")),
		SigningSecret: strings.TrimSpace(getenv("SLACK_SIGNING_SECRET")),
		AppToken:      strings.TrimSpace(getenv("SLACK_APP_TOKEN")),
		APIURL:        strings.TrimSpace(getenv("SLACK_API_URL")),
		Addr:          strings.TrimSpace(getenv("KLIMABOT_ADDR")),
		PublicURL:     strings.TrimSpace(getenv("KLIMABOT_PUBLIC_URL")),
	}
	if c.APIURL == "" {
		c.APIURL = bot.DefaultAPIURL
	}
	if c.Addr == "" {
		c.Addr = ":8080"
	}
	return c
}

// validate checks the Slack settings; each error is one line naming the
// setting and saying how to fix it.
func (c *serveConfig) validate() error {
	if err := c.validatePosting(); err != nil {
		return err
	}
	switch {
	case c.AppToken != "" && !strings.HasPrefix(c.AppToken, "xapp-"):
		return usageErr("SLACK_APP_TOKEN must be an app-level token starting with xapp- (\"Basic Information\" → \"App-Level Tokens\", scope connections:write)")
	case c.AppToken == "" && c.SigningSecret == "":
		return usageErr("SLACK_SIGNING_SECRET is not set: copy the Signing Secret from the Slack app's \"Basic Information\" page, or set SLACK_APP_TOKEN (xapp-…) for Socket Mode")
	}
	_, port, err := net.SplitHostPort(c.Addr)
	if p, perr := strconv.Atoi(port); err != nil || perr != nil || p < 0 || p > 65535 {
		return usageErr("KLIMABOT_ADDR %q is not a listen address such as :8080 or 127.0.0.1:8080", c.Addr)
	}
	return c.validatePublicURL()
}

// validatePublicURL checks KLIMABOT_PUBLIC_URL: empty (no subscription
// links), or an absolute http(s) address, possibly with a path (a reverse
// proxy's prefix), without query, fragment or credentials. It is stored
// without a trailing slash.
func (c *serveConfig) validatePublicURL() error {
	if c.PublicURL == "" {
		return nil
	}
	u, err := url.Parse(c.PublicURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Hostname() == "" ||
		u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || u.Opaque != "" {
		return usageErr("KLIMABOT_PUBLIC_URL %q is not an http(s) address such as https://klimabot.stadt.de: the address under which your network reaches KLIMABOT_ADDR, for calendar links", c.PublicURL)
	}
	c.PublicURL = strings.TrimRight(c.PublicURL, "/")
	return nil
}

// validatePosting checks what posting to Slack needs: the bot token and
// the Web API URL (klimabot remind needs no more).
func (c *serveConfig) validatePosting() error {
	switch {
	case c.BotToken == "":
		return usageErr("SLACK_BOT_TOKEN is not set: copy the Bot User OAuth Token (xoxb-…) from the Slack app's \"OAuth & Permissions\" page")
	case !strings.HasPrefix(c.BotToken, "xoxb-"):
		return usageErr("SLACK_BOT_TOKEN must be the bot token starting with xoxb- (not a user token xoxp- or an app-level token xapp-)")
	}
	u, err := url.Parse(c.APIURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return usageErr("SLACK_API_URL %q is not an http(s) URL such as https://slack.com/api/", c.APIURL)
	}
	if !strings.HasSuffix(c.APIURL, "/") {
		c.APIURL += "/" // slack-go appends method names to it as they are
	}
	return nil
}

// startBot connects to Slack (auth.test first): a token Slack refuses is a
// configuration error (exit 2), as is a malformed setting.
func (a *app) startBot(ctx context.Context, sc serveConfig, log *slog.Logger) (*bot.Bot, error) {
	b, err := bot.New(bot.Config{
		BotToken:      sc.BotToken,
		AppToken:      sc.AppToken,
		SigningSecret: sc.SigningSecret,
		APIURL:        sc.APIURL,
		Log:           log,
		Calendar:      a.calendars,
		Translate:     a.translator,
	}, a.svc, a.db, a.bundle)
	if err != nil {
		return nil, err
	}
	if err := b.Start(ctx); err != nil {
		var ae *bot.AuthError
		if errors.As(err, &ae) {
			return nil, usageErr("%v", err)
		}
		return nil, err
	}
	return b, nil
}

// runServe runs the bot until ctx ends. Start order: store (migrates) →
// translations → command core → bot (auth.test) → reminder scheduler →
// HTTP server (always: /healthz, /metrics and the calendar feeds) and
// Socket Mode (with SLACK_APP_TOKEN). Stop order is the reverse: the HTTP server stops
// accepting and finishes in-flight requests, Socket Mode and the scheduler
// stop, the work after acknowledgements finishes, the store closes last.
//
// Exit codes: 2 for a missing or malformed setting and for a token Slack
// refuses (auth.test: invalid_auth …): the configuration must change; 1
// when Slack cannot be reached or the address cannot be listened on.
func runServe(ctx context.Context, e env, args []string) error {
	cfg, err := loadConfig(e.getenv)
	if err != nil {
		return err
	}
	sc := loadServeConfig(e.getenv)
	fs := newFlags(e, "serve")
	fs.StringVar(&cfg.DB, "db", cfg.DB, "database file (KLIMABOT_DB)")
	fs.StringVar(&cfg.Language, "language", cfg.Language, "default language: de, cs, es or en (KLIMABOT_LANGUAGE)")
	fs.StringVar(&cfg.TimeZone, "timezone", cfg.TimeZone, "default time zone of channels (KLIMABOT_TIMEZONE)")
	admins := fs.String("admins", strings.Join(cfg.Admins, ","), "Slack user ids of administrators, comma-separated (KLIMABOT_ADMINS)")
	fs.StringVar(&sc.Addr, "addr", sc.Addr, "HTTP listen address (KLIMABOT_ADDR)")
	fs.StringVar(&sc.BotToken, "slack-bot-token", sc.BotToken, "bot token xoxb-… (SLACK_BOT_TOKEN; prefer the environment)")
	fs.StringVar(&sc.SigningSecret, "slack-signing-secret", sc.SigningSecret, "signing secret (SLACK_SIGNING_SECRET; prefer the environment)")
	fs.StringVar(&sc.AppToken, "slack-app-token", sc.AppToken, "app-level token xapp-… for Socket Mode (SLACK_APP_TOKEN; prefer the environment)")
	fs.StringVar(&sc.APIURL, "slack-api-url", sc.APIURL, "Slack Web API base URL (SLACK_API_URL)")
	fs.StringVar(&sc.PublicURL, "public-url", sc.PublicURL, "address under which the network reaches --addr, for calendar links (KLIMABOT_PUBLIC_URL)")
	if err := parseFlags(fs, args, &cfg); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErr("serve: unexpected argument %q", fs.Arg(0))
	}
	cfg.Admins = nil
	for _, a := range strings.Split(*admins, ",") {
		if a = strings.TrimSpace(a); a != "" {
			cfg.Admins = append(cfg.Admins, a)
		}
	}
	if err := sc.validate(); err != nil {
		return err
	}

	a, err := open(ctx, e, cfg, time.Now)
	if err != nil {
		return err
	}
	defer a.Close() // the store closes last
	log := a.svc.Log
	// Every command reads a measure: they are read into the cache now,
	// all at once, rather than one by one by the first command about each.
	// A failure costs only speed: each is read when first asked for.
	t0 := time.Now()
	if n, err := a.db.WarmMeasures(ctx); err != nil {
		log.Warn("measures not read into the cache at start", "err", err)
	} else {
		log.Info("measures read into the cache", "count", n, "took", time.Since(t0).Round(time.Millisecond))
	}
	a.calendars.PublicURL = sc.PublicURL
	if strings.HasPrefix(sc.PublicURL, "http://") {
		log.Warn("KLIMABOT_PUBLIC_URL is http: calendar links and what they show travel unencrypted", "public_url", sc.PublicURL)
	}

	b, err := a.startBot(ctx, sc, log)
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", sc.Addr)
	if err != nil {
		return fmt.Errorf("listen on KLIMABOT_ADDR %s: %w", sc.Addr, err)
	}
	srv := &http.Server{
		Handler:           b.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}

	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	errc := make(chan error, 3)
	var wg sync.WaitGroup
	// the buttons are registered before the first request can click one
	rem := a.reminders(log)
	b.AttachReminders(rem)
	wg.Go(func() {
		if err := scheduleReminders(runCtx, rem, log); err != nil && runCtx.Err() == nil {
			errc <- fmt.Errorf("reminder scheduler: %w", err)
		}
	})
	if a.translator != nil {
		log.Info("translating partners' words", "provider", a.translator.Provider.Name(), "budget", a.translator.Budget)
		wg.Go(func() { a.translator.Run(runCtx) })
	}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			errc <- fmt.Errorf("http server: %w", err)
		}
	}()
	mode := "http"
	if sc.AppToken != "" {
		mode = "socket"
		wg.Go(func() {
			if err := b.RunSocketMode(runCtx); err != nil {
				errc <- err
			}
		})
	}
	log.Info("klimabot serving", "addr", ln.Addr().String(), "mode", mode, "db", cfg.DB)
	if serveListening != nil {
		serveListening(ln.Addr().String())
	}

	// the database file is the town's record: deleted or replaced while
	// serving, the bot stops acknowledging writes and exits (guard.go)
	wg.Go(func() { a.db.WatchFile(runCtx, fileWatchInterval) })

	var runErr error
	select {
	case <-ctx.Done():
		log.Info("shutting down")
	case runErr = <-errc:
		log.Error("stopping", "err", runErr)
	case <-a.db.Lost():
		runErr = fileLost(ctx, a, log)
	}
	shutCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		log.Warn("http server did not finish in time", "err", err)
	}
	stop() // Socket Mode and the scheduler
	wg.Wait()
	if err := b.Close(shutCtx); err != nil {
		log.Warn("bot work cut short", "err", err)
	}
	var ae *bot.AuthError
	if errors.As(runErr, &ae) {
		return usageErr("%v", runErr)
	}
	return runErr
}
