package bot

import (
	"context"
	"strings"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/klimabot/klimabot/commands"
)

// ThreadReply is a person's reply in the thread of a bot message about a
// measure, after it was stored as a progress entry.
type ThreadReply struct {
	ChannelID   string
	ThreadTS    string // the bot message's ts
	TS          string // the reply's ts
	UserID      string
	Text        string
	MeasureID   int64
	MeasureCode string
	Lang        string // the replier's language
}

// ThreadReplyFunc is called for each thread reply that became a progress
// entry. The reminders code hooks in here to offer the done button when a
// reply says it is done ("erledigt", "hotovo", "hecho", "listo").
type ThreadReplyFunc func(ctx context.Context, r ThreadReply)

// OnThreadReply sets the function called after a thread reply was stored.
func (b *Bot) OnThreadReply(fn ThreadReplyFunc) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.threadHook = fn
}

// dispatchEvent counts an Events API event and handles it after the
// acknowledgement, in the background. Retries are logged; the store's
// event_id record drops any delivery of an event already handled.
func (b *Bot) dispatchEvent(eventID string, retry int, reason string, ev slackevents.EventsAPIEvent) {
	typ := ev.InnerEvent.Type
	b.metrics.Events.WithLabelValues(typ).Inc()
	if retry > 0 {
		b.log.Info("event delivered again by Slack", "event_id", eventID, "type", typ, "retry", retry, "reason", reason)
	}
	b.goWork("event "+typ, func(ctx context.Context) { b.handleEvent(ctx, eventID, ev) })
}

// handleEvent handles one event. Events the bot does not act on are
// dropped before the store records their id, so ordinary channel chatter
// writes nothing.
func (b *Bot) handleEvent(ctx context.Context, eventID string, ev slackevents.EventsAPIEvent) {
	switch e := ev.InnerEvent.Data.(type) {
	case *slackevents.AppMentionEvent:
		if b.fromBot(e.User, e.BotID) || e.User == "" {
			return
		}
		if !b.firstDelivery(ctx, eventID, b.tellNotStored("mention", e.Channel, e.User, e.UserTeam, e.ThreadTimeStamp)) {
			return
		}
		if e.Edited != nil {
			// an edit of a message that mentions the bot: never run twice
			b.refuseEdit(ctx, e)
			return
		}
		b.handleMention(ctx, e)
	case *slackevents.MessageEvent:
		if e.ChannelType == slackevents.ChannelTypeIM {
			if b.personsMessage(e) && b.firstDelivery(ctx, eventID, b.tellNotStored("message", e.Channel, e.User, e.UserTeam, e.ThreadTimeStamp)) {
				b.handleDirectMessage(ctx, e)
			}
			return
		}
		measures := b.threadMeasures(ctx, e)
		if len(measures) > 0 && b.firstDelivery(ctx, eventID, b.tellNotStored("thread_reply", e.Channel, e.User, e.UserTeam, e.ThreadTimeStamp)) {
			if len(measures) == 1 {
				b.handleThreadReply(ctx, e, measures[0])
			} else {
				b.threadSeveral(ctx, e, measures)
			}
		}
	case *slackevents.ChannelIDChangedEvent:
		if b.firstDelivery(ctx, eventID) {
			b.moveChannel(ctx, e.OldChannelID, e.NewChannelID)
		}
	case *slackevents.AppHomeOpenedEvent:
		if e.Tab == "home" && e.User != "" && b.firstDelivery(ctx, eventID) {
			b.publishHome(ctx, e.User)
		}
	}
}

// firstDelivery records the event id and reports whether it is new. An
// event without an id is handled (there is nothing to dedupe on). When the
// id cannot be recorded because the store cannot write, tell (if given)
// lets the person know that nothing was stored (bot/guard.go).
func (b *Bot) firstDelivery(ctx context.Context, eventID string, tell ...func(context.Context, error)) bool {
	if eventID == "" {
		return true
	}
	first, err := b.store.MarkEventProcessed(ctx, eventID)
	if err != nil {
		b.log.Error("record event", "event_id", eventID, "err", err)
		if commands.NotStored(err) {
			for _, f := range tell {
				f(ctx, err)
			}
		}
		return false // better missed than done twice
	}
	if !first {
		b.log.Info("event already handled", "event_id", eventID)
	}
	return first
}

// fromBot reports whether a message comes from a bot or from klimabot
// itself: those are never answered, or the bot would talk to itself.
func (b *Bot) fromBot(userID, botID string) bool {
	return botID != "" || (userID != "" && userID == b.BotUserID())
}

// mentionOf reports whether text mentions the bot.
func (b *Bot) mentionOf(text string) bool {
	id := b.BotUserID()
	return id != "" && strings.Contains(text, "<@"+id)
}

// stripMention removes the mentions of the bot ("<@U123>" or
// "<@U123|klimabot>") from a mention's text, leaving the command.
func (b *Bot) stripMention(text string) string {
	id := b.BotUserID()
	if id == "" {
		return strings.TrimSpace(text)
	}
	for {
		i := strings.Index(text, "<@"+id)
		if i < 0 {
			break
		}
		rest := text[i+2+len(id):]
		if rest != "" && rest[0] != '>' && rest[0] != '|' {
			break // another user whose id starts like ours
		}
		j := strings.IndexByte(rest, '>')
		if j < 0 {
			break
		}
		text = text[:i] + " " + rest[j+1:]
	}
	return strings.TrimSpace(text)
}

// threadMeasures returns the measures a message is about when it is a
// person's reply in the thread of a bot message recorded with its measure
// (RecordBotMessage): one for a reminder or an announcement, several for
// announcements posted together (bot/announce.go), none for anything else.
// A person's reply may carry a subtype (a photo: file_share; "also send
// to channel": thread_broadcast). Everything else is ignored: bots
// (klimabot included), edits, deletions, joins, top-level messages,
// mentions of the bot (they come as app_mention too) and threads of other
// messages.
func (b *Bot) threadMeasures(ctx context.Context, e *slackevents.MessageEvent) []int64 {
	if !b.personsMessage(e) || e.Channel == "" {
		return nil
	}
	if e.ThreadTimeStamp == "" || e.ThreadTimeStamp == e.TimeStamp || b.mentionOf(e.Text) {
		return nil
	}
	ids, err := b.store.MeasuresForMessage(ctx, e.Channel, e.ThreadTimeStamp)
	if err != nil {
		b.log.Error("look up thread", "channel", e.Channel, "thread_ts", e.ThreadTimeStamp, "err", err)
		return nil
	}
	return ids
}

// threadSeveral answers a reply in the thread of announcements about
// several measures: it belongs to none of them, so nothing is logged, and
// the replier alone is told so in the thread, in their language, with how
// to log instead — a mention, which works in threads, with a code of the
// message.
func (b *Bot) threadSeveral(ctx context.Context, e *slackevents.MessageEvent, measureIDs []int64) {
	codes := make([]string, 0, len(measureIDs))
	for _, id := range measureIDs {
		code, err := b.store.MeasureCode(ctx, id)
		if err != nil {
			b.log.Error("measure of thread", "measure_id", id, "err", err)
			continue
		}
		codes = append(codes, code)
	}
	if len(codes) == 0 {
		return
	}
	b.metrics.Commands.WithLabelValues("thread_reply", "several_measures").Inc()
	lang, _ := b.personLang(ctx, e.User, e.UserTeam, e.Channel)
	r := commands.Reply{Lang: lang, Parts: []commands.Part{
		commands.Paragraph{Text: commands.Msg("bot.thread_several", commands.Data{
			"Codes": strings.Join(codes, ", "), "Code": codes[0],
		})},
	}}
	opts := append(b.replyOptions(r), slack.MsgOptionTS(e.ThreadTimeStamp))
	if err := b.postEphemeral(ctx, e.Channel, e.User, opts...); err != nil {
		b.log.Warn("thread reply to several measures not answered", "channel", e.Channel, "err", err)
	}
}

// handleThreadReply stores a thread reply as a progress entry of the
// thread's measure, in the replier's words, and acknowledges it in the
// thread in the replier's language. The entry is not announced in the
// channel again: the thread already shows it, and the acknowledgement
// says it was logged. A refusal (the channel does not follow the measure)
// goes to the replier alone.
func (b *Bot) handleThreadReply(ctx context.Context, e *slackevents.MessageEvent, measureID int64) {
	code, err := b.store.MeasureCode(ctx, measureID)
	if err != nil {
		b.log.Error("measure of thread", "measure_id", measureID, "err", err)
		return
	}
	u, _ := b.user(ctx, e.User, true)
	req := commands.Request{User: commands.Person{ID: e.User, Name: u.Name}, ChannelID: e.Channel,
		External: b.externalMember(e.UserTeam, u)}
	if b.fresh(u) {
		req.Locale = u.Locale
	}
	req.Known = &u
	text := slackUnescape.Replace(b.resolveMarkup(ctx, e.Text))
	if e.Message != nil {
		text = withFiles(text, e.Message.Files)
	}
	r := b.svc.LogEntry(ctx, req, code, text, commands.SourceThread)
	outcome := "ok"
	if r.Err != nil {
		outcome = r.Err.Code
	}
	b.metrics.Commands.WithLabelValues("thread_reply", outcome).Inc()
	b.countNotStored("thread_reply", r.Err)
	if r.Err != nil {
		opts := append(b.replyOptions(r), slack.MsgOptionTS(e.ThreadTimeStamp))
		if err := b.postEphemeral(ctx, e.Channel, e.User, opts...); err != nil {
			b.log.Warn("thread reply refusal not shown", "channel", e.Channel, "err", err)
		}
		return
	}
	ack := commands.Reply{Lang: r.Lang, Parts: []commands.Part{
		commands.Paragraph{Text: commands.Msg("bot.thread_logged", commands.Data{"Code": code})},
	}}
	// the reply's translation into the channel's other languages, beneath
	// (bot/translate.go)
	ackText, ackBlocks, words := MessageText(ack, b.bundle), MessageBlocks(ack, b.bundle), wordsOf(r.Announce)
	ackBlocks = append(ackBlocks, threadTranslations(words, b.bundle)...)
	if ts, err := b.PostMessage(ctx, e.Channel, slack.MsgOptionText(ackText, false),
		slack.MsgOptionBlocks(ackBlocks...), slack.MsgOptionTS(e.ThreadTimeStamp)); err != nil {
		b.log.Warn("thread reply not acknowledged", "channel", e.Channel, "err", err)
	} else {
		b.awaitTranslations(ctx, e.Channel, ts, ackText, ackBlocks, words)
	}
	b.mu.RLock()
	hook := b.threadHook
	b.mu.RUnlock()
	if hook != nil {
		hook(ctx, ThreadReply{
			ChannelID: e.Channel, ThreadTS: e.ThreadTimeStamp, TS: e.TimeStamp, UserID: e.User,
			Text: text, MeasureID: measureID, MeasureCode: code, Lang: r.Lang,
		})
	}
}
