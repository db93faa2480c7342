package bot

import (
	"context"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/klimabot/klimabot/commands"
)

// handleSlashCommand is the one path of a slash command, however it came
// (HTTP form or Socket Mode envelope). It returns the acknowledgement: the
// ephemeral answer when the work finished within Config.Budget, else nil —
// acknowledge empty then, and the answer goes to response_url when it is
// ready. then, unless nil, must be called once the acknowledgement was
// sent: it posts the announcement of log and done (after the ack, so the
// caller's answer is never held up by it) or, for late work, the answer
// and announcement. It is nil when nothing follows (status, list, …).
func (b *Bot) handleSlashCommand(cmd slack.SlashCommand) (ack *slack.Msg, then func()) {
	done := make(chan commands.Reply, 1)
	req := commands.Request{
		User:      commands.Person{ID: cmd.UserID, Name: cmd.UserName},
		ChannelID: cmd.ChannelID,
		Text:      cmd.Text,
	}
	// The work runs on the bot's context, not the request's: when it takes
	// longer than the budget it must go on after the acknowledgement.
	b.goWork("command", func(ctx context.Context) {
		req.Text = b.resolveMarkup(ctx, req.Text) // Parse unescapes
		done <- b.execute(ctx, req, "")
	})
	timer := time.NewTimer(b.cfg.Budget)
	defer timer.Stop()
	select {
	case r := <-done:
		if r.Announce == nil && !hasFiles(r) {
			return b.ephemeral(r), nil // nothing follows: no flush, no closure
		}
		return b.ephemeral(r), func() {
			b.goAnnounce(r.Announce)
			b.goUpload(cmd, r)
		}
	case <-timer.C:
		b.log.Info("slow command: acknowledged empty, answering through response_url",
			"user", cmd.UserID, "channel", cmd.ChannelID, "budget", b.cfg.Budget)
		return nil, func() { b.goLateAnswer(cmd, done) }
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

// goLateAnswer waits for work that missed the budget and posts its answer
// to response_url, then its announcement and documents.
func (b *Bot) goLateAnswer(cmd slack.SlashCommand, done <-chan commands.Reply) {
	b.goWork("late answer", func(ctx context.Context) {
		var r commands.Reply
		select {
		case r = <-done:
		case <-ctx.Done():
			b.log.Error("command gave up", "err", ctx.Err())
			return
		}
		b.respondOrLog(ctx, cmd.ResponseURL, *b.ephemeral(r))
		b.goAnnounce(r.Announce)
		if hasFiles(r) {
			b.uploadSlashFiles(ctx, cmd, r)
		}
	})
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
