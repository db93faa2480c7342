package bot

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/klimabot/klimabot/commands"
)

// handleSlashCommand is the one path of a slash command, however it came
// (HTTP form or Socket Mode envelope). It runs the command on the caller's
// goroutine and returns the acknowledgement: the ephemeral answer. When
// the work takes longer than Config.Budget, ackEmpty is called — once,
// from a timer's goroutine, while the work goes on — to acknowledge empty
// (Slack waits no longer); the caller must not touch its acknowledgement
// meanwhile, and ack is nil then. then, unless nil, must be called once
// the acknowledgement was sent: it posts the announcement of log and done
// (after the ack, so the caller's answer is never held up by it) or, for
// late work, the answer through response_url and the announcement. It is
// nil when nothing follows (status, list, …).
//
// No goroutine is started for the work: the answer is ready within the
// budget all but always, and handing the work to another goroutine and
// the answer back cost two wake-ups a command (docs/PERFORMANCE.md).
func (b *Bot) handleSlashCommand(cmd slack.SlashCommand, ackEmpty func()) (ack *slack.Msg, then func()) {
	req := commands.Request{
		User:      commands.Person{ID: cmd.UserID, Name: cmd.UserName},
		ChannelID: cmd.ChannelID,
		Text:      cmd.Text,
	}
	r, late := b.runWithin(req, ackEmpty)
	if late {
		return nil, func() { b.lateAnswer(cmd, r) }
	}
	if r.Announce == nil && !hasFiles(r) {
		return b.ephemeral(r), nil // nothing follows: no flush, no closure
	}
	return b.ephemeral(r), func() {
		b.goAnnounce(r.Announce)
		b.goUpload(cmd, r)
	}
}

// goUpload uploads a slash command's documents to its channel in the
// background; a failure is told to the caller through response_url.
func (b *Bot) goUpload(cmd slack.SlashCommand, r commands.Reply) {
	if !hasFiles(r) {
		return
	}
	b.goWork("upload", func(ctx context.Context) { b.uploadSlashFiles(ctx, cmd, r) })
}

func (b *Bot) uploadSlashFiles(ctx context.Context, cmd slack.SlashCommand, r commands.Reply) {
	b.uploadFiles(ctx, cmd.ChannelID, "", r, func(note commands.Reply) {
		b.respondOrLog(ctx, cmd.ResponseURL, *b.ephemeral(note))
	})
}

// runWithin runs a slash command on the caller's goroutine. If it is not
// done within Config.Budget, ackEmpty is called from the timer's goroutine
// and late is true: the caller answers through response_url. The timer is
// stopped and disarmed however run ends, a panic included, so ackEmpty is
// never called after runWithin returned.
func (b *Bot) runWithin(req commands.Request, ackEmpty func()) (r commands.Reply, late bool) {
	var mu sync.Mutex // late and finished; ackEmpty runs under it
	finished := false
	timer := time.AfterFunc(b.cfg.Budget, func() {
		mu.Lock()
		defer mu.Unlock()
		if finished {
			return
		}
		late = true
		b.log.Info("slow command: acknowledged empty, answering through response_url",
			"user", req.User.ID, "channel", req.ChannelID, "budget", b.cfg.Budget)
		ackEmpty()
	})
	defer func() {
		timer.Stop()
		mu.Lock()
		finished = true // late is final: the results are read after this
		mu.Unlock()
	}()
	// The work runs on the bot's context, not the request's: when it takes
	// longer than the budget it goes on after the acknowledgement, and
	// Close waits for it.
	b.wg.Add(1)
	defer b.wg.Done()
	ctx, cancel := context.WithTimeout(b.bg, b.cfg.WorkTimeout)
	defer cancel()
	req.Text = b.resolveMarkup(ctx, req.Text) // Parse unescapes
	r = b.execute(ctx, req, "")
	return // late as the timer left it (named results: see the deferred func)
}

// lateAnswer posts the answer of work that missed the budget to
// response_url, then its announcement and documents.
func (b *Bot) lateAnswer(cmd slack.SlashCommand, r commands.Reply) {
	ctx, cancel := context.WithTimeout(b.bg, b.cfg.WorkTimeout)
	defer cancel()
	b.respondOrLog(ctx, cmd.ResponseURL, *b.ephemeral(r))
	b.goAnnounce(r.Announce)
	if hasFiles(r) {
		b.uploadSlashFiles(ctx, cmd, r)
	}
}

// respondOrLog posts msg to responseURL, logging a failure.
func (b *Bot) respondOrLog(ctx context.Context, responseURL string, msg slack.Msg) {
	if responseURL == "" {
		b.log.Error("answer lost: no response_url")
		return
	}
	if err := b.Respond(ctx, responseURL, msg); err != nil {
		b.log.Error("answer not delivered to response_url", "err", err)
	}
}

// maxAnnouncing bounds the announcements queued or being posted in the
// background (goAnnounce, bot/announce.go). Each is held in its channel's
// queue, then with its message's goroutine and blocks, until Slack
// answered; without the bound a bot that writes faster than Slack takes its posts (a slow Slack, an
// overloaded machine) would otherwise grow without bound — 372 MB measured
// with the server on one core under the bench's write load. With the
// bound, the request after the 64th waits for a slot after its
// acknowledgement: Slack's retries and the people's patience are the
// backpressure, and no announcement is dropped.
const maxAnnouncing = 64

// execute runs one command with the caller's Slack locale (cached, or
// fetched within LocaleTimeout) and name (Slack's real name when known:
// a slash command only brings the handle), and counts it. team is the
// caller's home workspace when the payload names it (an event's
// user_team); else the one users.info named decides whether the caller is
// an external member.
func (b *Bot) execute(ctx context.Context, req commands.Request, team string) commands.Reply {
	start := time.Now()
	// A command that only reads takes its snapshot here, so that the
	// caller's record is read in it too (one read transaction a command).
	base := ctx
	ctx, end := b.snapshot(ctx, req.Text)
	defer func() { end() }()
	u, _ := b.user(ctx, req.User.ID, false)
	if !b.fresh(u) {
		// Slack is asked for the locale and the record re-read before it
		// is saved: not under the snapshot (a network call must not hold
		// it, and the re-read must see the latest record). The command
		// then reads without one.
		end()
		ctx, end = base, func() {}
		u, _ = b.user(ctx, req.User.ID, true)
	}
	if b.fresh(u) {
		req.Locale = u.Locale
	}
	req.External = req.External || b.externalMember(team, u)
	req.Known = &u
	if u.Name != "" {
		req.User.Name = u.Name
	}
	r := b.svc.Execute(ctx, req)
	b.countCommand(req.Text, r, time.Since(start))
	return r
}

// snapshot starts the read transaction of a command that only reads
// (commands.ReadOnly), if the store offers one (commands.Snapshotter).
func (b *Bot) snapshot(ctx context.Context, text string) (context.Context, func()) {
	if sn, ok := b.svc.Store.(commands.Snapshotter); ok && commands.ReadOnly(text) {
		return sn.Snapshot(ctx)
	}
	return ctx, func() {}
}

// countCommand records a command in the metrics.
func (b *Bot) countCommand(text string, r commands.Reply, took time.Duration) {
	name := "unknown"
	if cmd, err := commands.Parse(text); err == nil && cmd.Name != "" {
		name = cmd.Name
	}
	outcome := "ok"
	if r.Err != nil {
		outcome = r.Err.Code
	}
	b.metrics.Commands.WithLabelValues(name, outcome).Inc()
	b.countNotStored("command", r.Err)
	b.metrics.CommandSeconds.Observe(took.Seconds())
}

// slackUnescape undoes Slack's escaping of &, < and > in message text.
var slackUnescape = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">")
