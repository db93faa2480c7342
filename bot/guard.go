package bot

import (
	"context"

	"github.com/slack-go/slack"

	"github.com/klimabot/klimabot/commands"
)

// What a person sent that the store could not keep (the database file was
// lost, the disk is full or read-only; storage/guard.go) is never dropped
// in silence: it is counted in klimabot_not_stored_total by what it was,
// logged, and the person is told, ephemerally and in their language
// (error.not_stored). Commands and thread replies whose write failed are
// answered through the command core, which already says "not stored"; an
// event whose id could not even be recorded is answered here.

// countNotStored counts a person's write that could not be stored (a
// reply's error: nil when it went well).
func (b *Bot) countNotStored(what string, e *commands.Error) {
	if e != nil && commands.NotStored(e) {
		b.metrics.NotStored.WithLabelValues(what).Inc()
	}
}

// tellNotStored returns what firstDelivery calls when an event could not
// be recorded because the store cannot write: tell the person in the
// channel (in the thread, if any) that nothing was stored.
func (b *Bot) tellNotStored(what, channelID, userID, team, threadTS string) func(ctx context.Context, err error) {
	return func(ctx context.Context, err error) {
		b.metrics.NotStored.WithLabelValues(what).Inc()
		u, _ := b.user(ctx, userID, true)
		ch, cerr := b.store.Channel(ctx, channelID)
		if cerr != nil {
			ch = commands.DefaultChannel(channelID, b.svc.DefaultTZ)
		}
		req := commands.Request{External: b.externalMember(team, u)}
		if b.fresh(u) {
			req.Locale = u.Locale
		}
		r := commands.Reply{Lang: b.svc.Language(u, "", req, ch), Parts: []commands.Part{
			commands.Paragraph{Text: commands.Msg("error.not_stored", nil)},
		}}
		opts := b.replyOptions(r)
		if threadTS != "" {
			opts = append(opts, slack.MsgOptionTS(threadTS))
		}
		if err := b.postEphemeral(ctx, channelID, userID, opts...); err != nil {
			b.log.Warn("not-stored notice not shown", "channel", channelID, "user", userID, "err", err)
		}
	}
}
