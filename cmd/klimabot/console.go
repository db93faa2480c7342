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
	// external acts as a member of another workspace (a partner in a Slack
	// Connect channel): no admin rights, help teaches the mention, and no
	// locale, as Slack tells none of them.
	external bool
	// locale plays the Slack locale of the person at the console: the
	// town's KLIMABOT_LANGUAGE, so that the README's English words answer
	// in it (SPEC "The caller's language", step 5).
	locale string
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
	external := fs.Bool("external", false, "act as a partner from another workspace (Slack Connect): no admin rights")
	if err := parseFlags(fs, args, &cfg); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErr("console: unexpected argument %q", fs.Arg(0))
	}
	if *external && *user == "" {
		*user = "partner"
	}
	opt, err := newConsoleOptions(e, *user, *channel, *lang)
	if err != nil {
		return err
	}
	opt.files = *files
	opt.external = *external
	if !opt.external {
		opt.locale = cfg.Language
	}
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
	if a.translator != nil {
		// translations asked for here are filled in while the console runs
		// (and by serve later): the next answer shows them
		wctx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { a.translator.Run(wctx); close(done) }()
		defer func() { stop(); <-done }()
	}
	interactive := isTerminal(e.stdin)
	in := bufio.NewScanner(e.stdin)
	in.Buffer(make([]byte, 0, 64*1024), 1<<20)
	prompt := func() {
		if interactive {
			fmt.Fprint(e.stdout, "klima> ")
		}
	}
	prompt()
	var lastMeasure string // the measure of the last announcement: "> TEXT" replies in its thread
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
		if text, ok := strings.CutPrefix(line, ">"); ok {
			a.threadReply(ctx, e, opt, lastMeasure, strings.TrimSpace(text))
			prompt()
			continue
		}
		r := a.svc.Execute(ctx, commands.Request{
			User: opt.user, ChannelID: opt.channel, Text: line, Lang: opt.lang, Locale: opt.locale,
			Admin: !opt.external, External: opt.external,
		})
		fmt.Fprint(e.stdout, r.Text(a.bundle))
		saveFiles(e, a.bundle.For(r.Lang), opt.files, r.Parts)
		if an := r.Announce; an != nil {
			lastMeasure = an.MeasureCode
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

// threadReply plays a reply in a Slack thread: "> TEXT" is logged as a
// progress entry of the measure whose announcement came last (or the one
// measure the channel follows), in the replier's words, and acknowledged
// in the language they wrote in, as the bot does in Slack.
func (a *app) threadReply(ctx context.Context, e env, opt consoleOptions, code, text string) {
	if code == "" {
		if ch, err := a.db.Channel(ctx, opt.channel); err == nil && !ch.FollowAll && len(ch.Follows) == 1 {
			code = ch.Follows[0]
		}
	}
	if code == "" {
		l := a.bundle.For(a.svc.Language(commands.User{}, "", commands.Request{Lang: opt.lang}, commands.Channel{}))
		fmt.Fprintln(e.stdout, l.Msg("cli.reply_no_thread", nil))
		fmt.Fprintln(e.stdout)
		return
	}
	req := commands.Request{User: opt.user, ChannelID: opt.channel, Lang: opt.lang, Locale: opt.locale,
		Admin: !opt.external, External: opt.external}
	r := a.svc.LogEntry(ctx, req, code, text, commands.SourceThread)
	if r.Err == nil {
		r = commands.Reply{Lang: r.Lang, Parts: []commands.Part{
			commands.Paragraph{Text: commands.Msg("bot.thread_logged", commands.Data{"Code": code})},
		}}
	}
	fmt.Fprintln(e.stdout, r.Text(a.bundle))
}
