package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/klimabot/klimabot/bot"
)

// reminders returns the reminder pass over the app's store; serve and
// remind attach it to a bot for posting.
func (a *app) reminders(log *slog.Logger) *bot.Reminders {
	return &bot.Reminders{
		Store: a.db, Bundle: a.bundle, Now: a.svc.Now,
		DefaultLang: a.cfg.Language, DefaultTZ: a.cfg.TimeZone, Log: log,
	}
}

// scheduleReminders runs a tick at once (the stages that came due while the
// bot was down), then one every minute, until ctx ends. Each tick runs the
// channels whose own schedule fired, in their own time zone; a tick still
// running when the next is due is skipped, not stacked.
func scheduleReminders(ctx context.Context, r *bot.Reminders, log *slog.Logger) error {
	tick := func() {
		if err := r.Tick(ctx); err != nil && ctx.Err() == nil {
			log.Error("reminder tick", "err", err)
		}
	}
	c := cron.New(cron.WithLocation(time.UTC), cron.WithChain(cron.SkipIfStillRunning(cron.DiscardLogger)))
	if _, err := c.AddFunc("* * * * *", tick); err != nil {
		return fmt.Errorf("schedule reminders: %w", err)
	}
	tick()
	c.Start()
	<-ctx.Done()
	<-c.Stop().Done()
	return nil
}

// runRemind runs one reminder pass over every channel that follows a
// measure, now or as of --now, posting, or printing with --dry-run.
func runRemind(ctx context.Context, e env, args []string) error {
	cfg, err := loadConfig(e.getenv)
	if err != nil {
		return err
	}
	fs := newFlags(e, "remind")
	fs.StringVar(&cfg.DB, "db", cfg.DB, "database file (KLIMABOT_DB)")
	nowFlag := fs.String("now", "", "run the pass as of this time (RFC 3339, e.g. 2027-03-24T09:00:00+01:00)")
	dry := fs.Bool("dry-run", false, "print what would be posted; post and record nothing")
	if err := parseFlags(fs, args, &cfg); err != nil {
		return err
	}
	clock := time.Now
	if *nowFlag != "" {
		t, err := time.Parse(time.RFC3339, *nowFlag)
		if err != nil {
			return usageErr("--now %q is not an RFC 3339 time such as 2027-03-24T09:00:00+01:00", *nowFlag)
		}
		clock = func() time.Time { return t }
	}
	sc := loadServeConfig(e.getenv)
	if !*dry {
		if err := sc.validatePosting(); err != nil {
			return err
		}
	}
	a, err := open(ctx, e, cfg, clock)
	if err != nil {
		return err
	}
	defer a.Close()
	log := a.svc.Log
	r := a.reminders(log)
	if *dry {
		r.DryRun = e.stdout
	} else {
		sc.AppToken, sc.SigningSecret = "", "" // remind only posts
		b, err := a.startBot(ctx, sc, log)
		if err != nil {
			return err
		}
		b.AttachReminders(r)
	}
	n, err := r.RunOnce(ctx)
	fmt.Fprintln(e.stdout, a.bundle.For(cfg.Language).Plural("cli.remind_done", n, nil))
	return err
}
