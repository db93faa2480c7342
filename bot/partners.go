package bot

import (
	"context"
	"strings"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/klimabot/klimabot/commands"
)

// personSubtypes are the message subtypes of a person's own words: none,
// a message with a file (a photo of the installed panels), a thread reply
// also sent to the channel (SLACK.md pitfall 13). Other subtypes are
// Slack's (edits, deletions, joins) or a bot's.
var personSubtypes = map[string]bool{"": true, "file_share": true, "thread_broadcast": true}

// personsMessage reports whether a message event is something a person
// wrote: not a bot's (bot_id, subtype bot_message, klimabot itself) and
// not one of Slack's own subtypes.
func (b *Bot) personsMessage(e *slackevents.MessageEvent) bool {
	return personSubtypes[e.SubType] && !b.fromBot(e.User, e.BotID) && e.User != ""
}

// handleMention runs "@klimabot stav F.019" like /klima stav F.019 and
// answers the asker alone where Slack shows it (SLACK.md pitfall 11): in
// the thread when the mention is in one; at channel level when it is not,
// because an ephemeral message with thread_ts is only shown in a thread
// that already exists, and a top-level mention has none (Slack still says
// ok). A log or done also announces in the channel; a report or timeline
// is uploaded into a thread under the mention.
func (b *Bot) handleMention(ctx context.Context, e *slackevents.AppMentionEvent) {
	text := b.resolveMarkup(ctx, b.stripMention(e.Text))
	r := b.execute(ctx, commands.Request{User: commands.Person{ID: e.User}, ChannelID: e.Channel, Text: text}, e.UserTeam)
	b.answerMention(ctx, e.Channel, e.User, e.ThreadTimeStamp, r)
	b.goAnnounce(r.Announce)
	thread := e.ThreadTimeStamp
	if thread == "" {
		thread = e.TimeStamp
	}
	b.uploadFiles(ctx, e.Channel, thread, r, func(note commands.Reply) {
		b.answerMention(ctx, e.Channel, e.User, e.ThreadTimeStamp, note)
	})
}

// answerMention shows r to user alone: in the thread threadTS when the
// mention was in one, else at channel level.
func (b *Bot) answerMention(ctx context.Context, channelID, userID, threadTS string, r commands.Reply) {
	opts := b.replyOptions(r)
	if threadTS != "" {
		opts = append(opts, slack.MsgOptionTS(threadTS))
	}
	if err := b.postEphemeral(ctx, channelID, userID, opts...); err != nil {
		b.log.Warn("mention not answered", "channel", channelID, "user", userID, "err", err)
	}
}

// personLang returns the language the bot answers a person in, in a
// channel, outside a command of theirs (the language rule with what is
// known of them: their choice, what they wrote, their Slack locale, the
// channel's languages), and whether they are a member of another
// workspace (team: their home team when the event names it).
func (b *Bot) personLang(ctx context.Context, userID, team, channelID string) (lang string, external bool) {
	u, _ := b.user(ctx, userID, true)
	ch, err := b.store.Channel(ctx, channelID)
	if err != nil {
		ch = commands.DefaultChannel(channelID, b.svc.DefaultTZ)
	}
	req := commands.Request{External: b.externalMember(team, u)}
	if b.fresh(u) {
		req.Locale = u.Locale
	}
	return b.svc.Language(u, "", req, ch), req.External
}

// refuseEdit answers an edited mention (Slack sends app_mention again with
// `edited`, SLACK.md pitfall 12): the edit is not run, or a logged entry
// would be logged twice; the person is told to write a new message.
func (b *Bot) refuseEdit(ctx context.Context, e *slackevents.AppMentionEvent) {
	b.log.Info("edited mention not run again", "channel", e.Channel, "user", e.User, "ts", e.TimeStamp)
	lang, external := b.personLang(ctx, e.User, e.UserTeam, e.Channel)
	r := commands.Reply{Lang: lang, Parts: []commands.Part{
		commands.Paragraph{Text: commands.Msg("bot.edit_not_run", nil)},
	}}
	if external {
		r = r.ForMention(commands.MentionCommand)
	}
	b.answerMention(ctx, e.Channel, e.User, e.ThreadTimeStamp, r)
}

// handleDirectMessage runs a direct message to klimabot (the Messages tab)
// as a command, "stav F.019" or "@klimabot stav F.019", and answers in
// the conversation (in the thread, if it was written in one).
func (b *Bot) handleDirectMessage(ctx context.Context, e *slackevents.MessageEvent) {
	text := b.resolveMarkup(ctx, b.stripMention(e.Text))
	r := b.execute(ctx, commands.Request{User: commands.Person{ID: e.User}, ChannelID: e.Channel, Text: text}, e.UserTeam)
	opts := b.replyOptions(r)
	if e.ThreadTimeStamp != "" {
		opts = append(opts, slack.MsgOptionTS(e.ThreadTimeStamp))
	}
	if _, err := b.PostMessage(ctx, e.Channel, opts...); err != nil {
		b.log.Warn("direct message not answered", "channel", e.Channel, "user", e.User, "err", err)
	}
	b.goAnnounce(r.Announce)
	b.uploadFiles(ctx, e.Channel, e.ThreadTimeStamp, r, func(note commands.Reply) {
		if _, err := b.PostMessage(ctx, e.Channel, b.replyOptions(note)...); err != nil {
			b.log.Warn("upload failure not shown", "channel", e.Channel, "err", err)
		}
	})
}

// moveChannel follows a channel to its new id (channel_id_changed: a
// private channel becomes C… when a Slack Connect share starts).
func (b *Bot) moveChannel(ctx context.Context, oldID, newID string) {
	if oldID == "" || newID == "" || oldID == newID {
		b.log.Warn("channel_id_changed without two ids", "old", oldID, "new", newID)
		return
	}
	if err := b.store.MoveChannel(ctx, oldID, newID); err != nil {
		b.log.Error("move channel settings to the new id", "old", oldID, "new", newID, "err", err)
		return
	}
	b.log.Info("channel id changed: settings, follows and reminders moved", "old", oldID, "new", newID)
}

// withFiles notes the files of a message in the text of its entry, one
// line each: "📎 name (link)". The link is the file's permalink in Slack.
func withFiles(text string, files []slack.File) string {
	var b strings.Builder
	b.WriteString(strings.TrimSpace(text))
	for _, f := range files {
		name := displayName(f.Name, f.Title, f.ID)
		if name == "" {
			continue
		}
		link := displayName(f.Permalink, f.URLPrivate)
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString("📎 " + name)
		if link != "" {
			b.WriteString(" (" + link + ")")
		}
	}
	return b.String()
}
