package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/klimabot/klimabot/commands"
	"github.com/klimabot/klimabot/commands/calendar"
	"github.com/klimabot/klimabot/commands/export"
	"github.com/klimabot/klimabot/commands/translate"
	"github.com/klimabot/klimabot/locales"
	"github.com/klimabot/klimabot/storage"
)

// env is the process environment, injected so tests can run main end to end.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

const usageText = `klimabot keeps a town's climate action plan on track, in Slack or on the console.

Usage:
  klimabot demo      [--db PATH] [--lang L]       try it: seed documents, sample deadlines, a console
  klimabot console   [--db PATH] [--user ID] [--channel ID] [--lang L] [--files DIR]
                                                  run /klima commands, one per line (piped or typed);
                                                  --files saves the reports and timelines of answers
  klimabot serve     [--db PATH] [--addr ADDR] [--admins IDS]
                                                  the Slack bot: HTTP, or Socket Mode with SLACK_APP_TOKEN;
                                                  needs SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET or SLACK_APP_TOKEN
                                                  (also SLACK_API_URL, KLIMABOT_ADDR default :8080, KLIMABOT_ADMINS,
                                                  KLIMABOT_PUBLIC_URL for calendar subscription links)
  klimabot import    [--db PATH] [--code CODE] FILE...
                                                  read measure sheets, calls, CSV catalogues and JSON exports
                                                  (a JSON export restores everything into an empty database)
  klimabot export    [--db PATH] --format json|csv|xlsx|md|sheet|png|ics [--lang L] [--since DATE]
                     [--out FILE] [--sep C] [--now TIME] [CODE...]
                                                  json: everything, restorable by import; csv/xlsx: one row a
                                                  measure; md: status report; sheet: measure sheet; png: timeline;
                                                  ics: the open deadlines as a calendar for Outlook and Thunderbird
  klimabot remind    [--db PATH] [--now TIME] [--dry-run]
                                                  one reminder pass now (or as of --now): post, or print
  klimabot backup    [--db PATH] FILE              a consistent copy of the database, safe while serving

Environment: KLIMABOT_DB (default klimabot.db), KLIMABOT_LANGUAGE (de|cs|es|en, default de),
KLIMABOT_TIMEZONE (IANA zone, default Europe/Berlin). A flag wins over the environment.
`

// run is main without the process: it parses args, runs one subcommand and
// returns its error. Tests call it directly.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	e := env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		fmt.Fprint(stderr, usageText)
		return usageErr("missing subcommand")
	}
	switch args[0] {
	case "demo":
		return runDemo(ctx, e, args[1:])
	case "console":
		return runConsole(ctx, e, args[1:])
	case "import":
		return runImport(ctx, e, args[1:])
	case "serve":
		return runServe(ctx, e, args[1:])
	case "export":
		return runExport(ctx, e, args[1:])
	case "remind":
		return runRemind(ctx, e, args[1:])
	case "backup":
		return runBackup(ctx, e, args[1:])
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usageText)
		return nil
	}
	fmt.Fprint(stderr, usageText)
	return usageErr("unknown subcommand %q", args[0])
}

// config is the settings shared by the subcommands: environment first, then
// flags of the same meaning.
type config struct {
	DB       string
	Language string
	TimeZone string
	Admins   []string
	// Translate is KLIMABOT_TRANSLATE and its settings (translate.go).
	Translate translateConfig
}

// loadConfig reads the environment and validates it; a malformed setting
// stops start-up with one line naming it.
func loadConfig(getenv func(string) string) (config, error) {
	c := config{
		DB:       getenv("KLIMABOT_DB"),
		Language: getenv("KLIMABOT_LANGUAGE"),
		TimeZone: getenv("KLIMABOT_TIMEZONE"),
	}
	if c.DB == "" {
		c.DB = "klimabot.db"
	}
	if c.Language == "" {
		c.Language = locales.Default
	}
	if c.TimeZone == "" {
		c.TimeZone = commands.DefaultTimeZone
	}
	for _, a := range strings.Split(getenv("KLIMABOT_ADMINS"), ",") {
		if a = strings.TrimSpace(a); a != "" {
			c.Admins = append(c.Admins, a)
		}
	}
	var err error
	if c.Translate, err = loadTranslateConfig(getenv); err != nil {
		return c, err
	}
	return c, c.validate()
}

func (c *config) validate() error {
	l, ok := locales.MatchLanguage(c.Language)
	if !ok {
		return usageErr("KLIMABOT_LANGUAGE %q is not one of de, cs, es, en", c.Language)
	}
	c.Language = l
	if _, err := time.LoadLocation(c.TimeZone); err != nil {
		return usageErr("KLIMABOT_TIMEZONE %q is not an IANA time zone such as Europe/Berlin", c.TimeZone)
	}
	return nil
}

// newFlags returns a flag set that reports to stderr and does not exit.
func newFlags(e env, name string) *flag.FlagSet {
	fs := flag.NewFlagSet("klimabot "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	return fs
}

// parseFlags parses args and validates the config the flags changed. -h
// and --help print the flags and end the subcommand with exit code 0; a
// flag error is reported once as "klimabot: demo: …" (the flag package
// has already printed the flags).
func parseFlags(fs *flag.FlagSet, args []string, c *config) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return &exitError{code: 0, err: errReported}
		}
		return usageErr("%s: %v", strings.TrimPrefix(fs.Name(), "klimabot "), err)
	}
	return c.validate()
}

// app is what a subcommand works with: the store and the command core.
type app struct {
	db     *storage.DB
	bundle *locales.Bundle
	svc    *commands.Service
	cfg    config
	// calendars makes the files and feeds of `calendar`; serve gives it
	// KLIMABOT_PUBLIC_URL before the bot starts.
	calendars *calendar.Maker
	// translator translates partners' words (KLIMABOT_TRANSLATE); nil when
	// not configured. serve runs its worker.
	translator *translate.Service
}

// open opens an existing store (migrating it) and builds the command core,
// in the start order store → bundle → commands. A missing, empty,
// read-only or damaged file is refused with one line naming it and what to
// do (storage.MustExist): only import and demo create databases
// (openOrCreate).
func open(ctx context.Context, e env, cfg config, clock func() time.Time) (*app, error) {
	return openStore(ctx, e, cfg, clock, storage.MustExist())
}

// openOrCreate is open for import and demo: a missing file is created.
func openOrCreate(ctx context.Context, e env, cfg config, clock func() time.Time) (*app, error) {
	return openStore(ctx, e, cfg, clock)
}

func openStore(ctx context.Context, e env, cfg config, clock func() time.Time, opts ...storage.Option) (*app, error) {
	db, err := storage.Open(ctx, cfg.DB, append([]storage.Option{storage.WithClock(clock)}, opts...)...)
	var fe *storage.FileError
	if errors.As(err, &fe) {
		return nil, err // one line that names the file already
	}
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", cfg.DB, err)
	}
	bundle, err := locales.New()
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("load translations: %w", err)
	}
	admins := make(map[string]bool, len(cfg.Admins))
	for _, a := range cfg.Admins {
		admins[a] = true
	}
	calendars := &calendar.Maker{Store: db, Bundle: bundle, Now: clock}
	svc := &commands.Service{
		Store:       db,
		Bundle:      bundle,
		Now:         clock,
		DefaultLang: cfg.Language,
		DefaultTZ:   cfg.TimeZone,
		Admins:      admins,
		Log:         slog.New(slog.NewTextHandler(e.stderr, nil)),
		Reports:     export.Maker{Store: db, Bundle: bundle},
		Calendars:   calendars,
	}
	a := &app{db: db, bundle: bundle, svc: svc, cfg: cfg, calendars: calendars}
	if a.translator = cfg.Translate.service(db, clock, svc.Log); a.translator != nil {
		a.translateWith(a.translator)
	} else {
		// No provider: nothing is sent or queued, but the translations people
		// gave at import (title_cs, Schritte (cs) …) are still shown.
		a.translateWith(&translate.Service{Store: db, Offline: translate.Human, Detect: detectLanguage})
	}
	return a, nil
}

// Close closes the store last.
func (a *app) Close() error { return a.db.Close() }
