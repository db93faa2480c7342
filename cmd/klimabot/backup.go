package main

import (
	"context"
	"fmt"
	"time"
)

// runBackup writes a consistent copy of the database while the bot may be
// serving: klimabot backup [--db PATH] FILE.
func runBackup(ctx context.Context, e env, args []string) error {
	cfg, err := loadConfig(e.getenv)
	if err != nil {
		return err
	}
	fs := newFlags(e, "backup")
	fs.StringVar(&cfg.DB, "db", cfg.DB, "database file (KLIMABOT_DB)")
	if err := parseFlags(fs, args, &cfg); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageErr("backup: name one target FILE, e.g. klimabot backup klimabot-%s.db", time.Now().Format("2006-01-02"))
	}
	a, err := open(ctx, e, cfg, time.Now)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.db.Backup(ctx, fs.Arg(0)); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, a.bundle.For(cfg.Language).Msg("cli.backup_done", map[string]any{"File": fs.Arg(0), "DB": cfg.DB}))
	return nil
}
