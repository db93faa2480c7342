package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/klimabot/klimabot/commands"
	"github.com/klimabot/klimabot/locales"
)

// consoleOptions say who the console acts as.
type consoleOptions struct {
	user    commands.Person
	channel string
	lang    string
	// files is the directory File parts of answers are saved to; "" saves
	// nothing and prints a hint.
	files string
}

func runConsole(ctx context.Context, e env, args []string) error {
	cfg, err := loadConfig(e.getenv)
	if err != nil {
		return err
	}
	fs := newFlags(e, "console")
	fs.StringVar(&cfg.DB, "db", cfg.DB, "database file (KLIMABOT_DB)")
	user := fs.String("user", "", "Slack user id to act as (default: console)")
	channel := fs.String("channel", "console", "channel id to act in")
	lang := fs.String("lang", "", "answer in this language: de, cs, es or en")
	files := fs.String("files", "", "save reports and timelines of answers into this directory")
	if err := parseFlags(fs, args, &cfg); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErr("console: unexpected argument %q", fs.Arg(0))
	}
	opt, err := newConsoleOptions(e, *user, *channel, *lang)
	if err != nil {
		return err
	}
	opt.files = *files
	a, err := open(ctx, e, cfg, time.Now)
	if err != nil {
		return err
	}
	defer a.Close()
	return a.console(ctx, e, opt)
}

func newConsoleOptions(e env, user, channel, lang string) (consoleOptions, error) {
	if lang != "" {
		if _, ok := locales.MatchLanguage(lang); !ok {
			return consoleOptions{}, usageErr("--lang %q is not one of de, cs, es, en", lang)
		}
	}
	p := commands.Person{ID: user, Name: user}
	if p.ID == "" {
		p.ID = "console"
		p.Name = e.getenv("USER")
		if p.Name == "" {
			p.Name = "console"
		}
	}
	return consoleOptions{user: p, channel: channel, lang: lang}, nil
}

// console reads one command per line until EOF or "exit" and prints each
// answer as text. It acts as an admin: whoever holds the database file holds
// the data.
func (a *app) console(ctx context.Context, e env, opt consoleOptions) error {
	interactive := isTerminal(e.stdin)
	in := bufio.NewScanner(e.stdin)
	in.Buffer(make([]byte, 0, 64*1024), 1<<20)
	prompt := func() {
		if interactive {
			fmt.Fprint(e.stdout, "klima> ")
		}
	}
	prompt()
	for in.Scan() {
		if ctx.Err() != nil {
			return nil
		}
		line := strings.TrimSpace(in.Text())
		switch strings.ToLower(line) {
		case "":
			prompt()
			continue
		case "exit", "quit", "/exit", "/quit":
			return nil
		}
		r := a.svc.Execute(ctx, commands.Request{
			User: opt.user, ChannelID: opt.channel, Text: line, Lang: opt.lang, Admin: true,
		})
		fmt.Fprint(e.stdout, r.Text(a.bundle))
		saveFiles(e, a.bundle.For(r.Lang), opt.files, r.Parts)
		if an := r.Announce; an != nil {
			for _, l := range an.Langs {
				fmt.Fprintf(e.stdout, "\n→ #%s (%s):\n%s", an.ChannelID, l, commands.PlainText(an.Parts, a.bundle.For(l)))
			}
		}
		fmt.Fprintln(e.stdout)
		prompt()
	}
	if err := in.Err(); err != nil {
		return fmt.Errorf("read input: %w", err)
	}
	if interactive {
		fmt.Fprintln(e.stdout)
	}
	return nil
}

// saveFiles writes the File parts of an answer into dir (by their base
// name), or says how to save them when dir is "".
func saveFiles(e env, l *locales.Localizer, dir string, parts []commands.Part) {
	for _, p := range parts {
		f, ok := p.(commands.File)
		if !ok {
			continue
		}
		if dir == "" {
			fmt.Fprintln(e.stdout, l.Msg("cli.file_not_saved", map[string]any{"Name": f.Name}))
			continue
		}
		path := filepath.Join(dir, filepath.Base(f.Name))
		err := os.MkdirAll(dir, 0o755)
		if err == nil {
			err = os.WriteFile(path, f.Content, 0o644)
		}
		if err != nil {
			fmt.Fprintln(e.stderr, "klimabot:", err)
			continue
		}
		fmt.Fprintln(e.stdout, l.Msg("cli.file_saved", map[string]any{"Path": path}))
	}
}

// isTerminal reports whether r is an interactive terminal, to show a prompt.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
