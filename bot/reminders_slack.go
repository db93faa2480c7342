package bot

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/klimabot/klimabot/commands"
	"github.com/klimabot/klimabot/locales"
)

// AttachReminders connects a reminder pass to the bot: it posts with the
// bot's retries, checks unconfirmed claims against the channel history,
// counts what it sent, and handles the reminders' buttons and the thread
// replies that say a deadline is done.
func (b *Bot) AttachReminders(r *Reminders) {
	r.Post = b.postReminder
	r.History = b.api.GetConversationHistoryContext
	r.OnSent = func(n int) { b.metrics.RemindersSent.Add(float64(n)) }
	b.HandleAction(ActionDeadlineDone, func(ctx context.Context, a Action) { r.onDeadlineButton(ctx, b, a, true) })
	b.HandleAction(ActionDeadlinePostpone, func(ctx context.Context, a Action) { r.onDeadlineButton(ctx, b, a, false) })
	b.HandleAction(ActionNoChange, func(ctx context.Context, a Action) { r.onNoChange(ctx, b, a) })
	b.OnThreadReply(func(ctx context.Context, tr ThreadReply) { r.offerDone(ctx, b, tr) })
}

// postReminder posts with PostMessage's retries and tells a definite
// refusal (Slack answered ok:false, or a 4xx other than 429) from a post
// whose fate is unknown (5xx after retries, network).
func (b *Bot) postReminder(ctx context.Context, channelID string, opts ...slack.MsgOption) (string, error) {
	ts, err := b.PostMessage(ctx, channelID, opts...)
	if err == nil {
		return ts, nil
	}
	var se slack.SlackErrorResponse
	var sc slack.StatusCodeError
	definite := errors.As(err, &se) ||
		errors.As(err, &sc) && sc.Code >= 400 && sc.Code < 500 && sc.Code != 429
	return "", &PostError{Definite: definite, Err: err}
}

// presser is who clicked a button, with Slack's name for them.
func (r *Reminders) presser(ctx context.Context, b *Bot, userID string) commands.Person {
	return commands.Person{ID: userID, Name: b.UserName(ctx, userID)}
}

// onDeadlineButton marks a reminder's deadline done, or postpones it a week,
// logs it as progress of the one who clicked, and updates the message to say
// what happened in the channel's languages.
func (r *Reminders) onDeadlineButton(ctx context.Context, b *Bot, a Action, done bool) {
	key, dueText, _ := strings.Cut(a.Value, "|")
	ch, err := r.Store.Channel(ctx, a.ChannelID)
	if err != nil {
		r.log().ErrorContext(ctx, "reminder button: channel", "err", err)
		return
	}
	langs := r.langs(ch)
	loc := r.zone(ch)
	p := r.presser(ctx, b, a.UserID)
	now := r.now()
	current, found := r.deadlineOfMessage(ctx, a, key)
	if !found {
		r.tellPresser(ctx, b, a, commands.Msg("error.deadline_unknown", nil))
		return
	}
	entryLang := r.Bundle.For(langs[0])
	var status commands.Text
	switch {
	case done:
		note := &commands.Entry{Author: p, Source: commands.SourceButton, ChannelID: a.ChannelID,
			Text: commands.Msg("remind.entry_done", commands.Data{"Date": current.Due, "Text": commands.Raw(current.Text)}).Render(entryLang)}
		d, _, err := r.Store.CompleteDeadline(ctx, key, p, now, note)
		if err != nil {
			r.failButton(ctx, b, a, err)
			return
		}
		status = commands.Msg("remind.done_by", commands.Data{"Name": personName(d.DoneBy), "Date": commands.DateOf(d.DoneAt.In(loc))})
	case current.Due.String() != dueText || !current.State.Open():
		// clicked on an old reminder: the deadline moved or was closed since
		status = commands.Msg("remind.changed_since", commands.Data{"Date": current.Due})
	default:
		note := &commands.Entry{Author: p, Source: commands.SourceButton, ChannelID: a.ChannelID,
			Text: commands.Msg("remind.entry_postponed", commands.Data{"Date": current.Due.AddDays(postponeDays), "Text": commands.Raw(current.Text)}).Render(entryLang)}
		d, err := r.Store.PostponeDeadline(ctx, key, postponeDays, p, now, note)
		if err != nil {
			r.failButton(ctx, b, a, err)
			return
		}
		status = commands.Msg("remind.postponed_by", commands.Data{"Name": p.Name, "Date": d.Due})
	}
	r.replaceActions(ctx, b, a, langs, status)
}

// deadlineOfMessage finds the deadline a button names among the deadlines
// of the measure its message is about.
func (r *Reminders) deadlineOfMessage(ctx context.Context, a Action, key string) (commands.Deadline, bool) {
	measureID, ok, err := r.measureOfMessage(ctx, a)
	if err != nil || !ok {
		return commands.Deadline{}, false
	}
	ds, err := r.Store.Deadlines(ctx, commands.DeadlineQuery{MeasureIDs: []int64{measureID}, WithDone: true})
	if err != nil {
		r.log().ErrorContext(ctx, "reminder button: deadlines", "err", err)
		return commands.Deadline{}, false
	}
	for _, d := range ds {
		if d.Key() == key {
			return d, true
		}
	}
	// an implied deadline whose step is done no longer shows: it is done
	if strings.HasPrefix(key, "s") {
		return commands.Deadline{MeasureID: measureID, State: commands.DeadlineDone}, true
	}
	return commands.Deadline{}, false
}

// measureOfMessage is the measure of the message a button is on: a
// reminder in the channel, or the done offer in a reminder's thread.
func (r *Reminders) measureOfMessage(ctx context.Context, a Action) (int64, bool, error) {
	for _, ts := range []string{a.MessageTS, a.ThreadTS} {
		if ts == "" {
			continue
		}
		if id, ok, err := r.recorded(ctx, a.ChannelID, ts); err != nil || ok {
			return id, ok, err
		}
	}
	return 0, false, nil
}

func (r *Reminders) recorded(ctx context.Context, channelID, ts string) (int64, bool, error) {
	type messages interface {
		MeasureForMessage(ctx context.Context, channelID, ts string) (int64, bool, error)
	}
	if m, ok := r.Store.(messages); ok {
		return m.MeasureForMessage(ctx, channelID, ts)
	}
	return 0, false, nil
}

// onNoChange logs the "no change" answer to a stale nudge.
func (r *Reminders) onNoChange(ctx context.Context, b *Bot, a Action) {
	measureID, err := strconv.ParseInt(a.Value, 10, 64)
	if err != nil {
		return
	}
	ch, err := r.Store.Channel(ctx, a.ChannelID)
	if err != nil {
		r.log().ErrorContext(ctx, "no-change button: channel", "err", err)
		return
	}
	langs := r.langs(ch)
	p := r.presser(ctx, b, a.UserID)
	if _, err := r.Store.AddEntry(ctx, commands.Entry{MeasureID: measureID, Author: p, Source: commands.SourceButton, ChannelID: a.ChannelID,
		Text: commands.Msg("remind.entry_no_change", nil).Render(r.Bundle.For(langs[0]))}); err != nil {
		r.failButton(ctx, b, a, err)
		return
	}
	r.replaceActions(ctx, b, a, langs, commands.Msg("remind.no_change_by", commands.Data{
		"Name": p.Name, "Date": commands.Today(r.now(), r.zone(ch)),
	}))
}

// replaceActions updates the clicked message: the block of the clicked
// buttons becomes a line saying what happened, in the channel's languages.
func (r *Reminders) replaceActions(ctx context.Context, b *Bot, a Action, langs []string, status commands.Text) {
	if a.Callback == nil || a.MessageTS == "" {
		return
	}
	line := r.multi(langs, status)
	old := a.Callback.Message.Blocks.BlockSet
	blocks := make([]slack.Block, 0, len(old))
	for _, blk := range old {
		if blk.ID() == a.BlockID && blk.BlockType() == slack.MBTAction {
			blocks = append(blocks, slack.NewContextBlock(blk.ID(), slack.NewTextBlockObject(slack.MarkdownType, "✅ "+escape(line.Raw), false, false)))
			continue
		}
		blocks = append(blocks, blk)
	}
	_, err := withRetry(ctx, b, "chat.update", func(ctx context.Context) (string, error) {
		_, ts, _, err := b.api.UpdateMessageContext(ctx, a.ChannelID, a.MessageTS,
			slack.MsgOptionBlocks(blocks...), slack.MsgOptionText(a.Callback.Message.Text, false))
		return ts, err
	})
	if err != nil {
		r.log().ErrorContext(ctx, "update reminder message", "channel", a.ChannelID, "ts", a.MessageTS, "err", err)
	}
}

// failButton logs a failed click and tells the one who clicked.
func (r *Reminders) failButton(ctx context.Context, b *Bot, a Action, err error) {
	var e *commands.Error
	if errors.As(err, &e) && e.Code != commands.EINTERNAL {
		r.tellPresser(ctx, b, a, e.Msg)
		return
	}
	r.log().ErrorContext(ctx, "reminder button", "action", a.ID, "value", a.Value, "err", err)
	r.tellPresser(ctx, b, a, commands.Msg("error.internal", nil))
}

// tellPresser answers the one who clicked, only them, in their language.
func (r *Reminders) tellPresser(ctx context.Context, b *Bot, a Action, t commands.Text) {
	if a.ResponseURL == "" {
		return
	}
	u, _ := b.user(ctx, a.UserID, true)
	ch, _ := r.Store.Channel(ctx, a.ChannelID)
	l := r.Bundle.For(b.svc.Language(u, "", commands.Request{}, ch))
	msg := slack.Msg{ResponseType: slack.ResponseTypeEphemeral, ReplaceOriginal: false, Text: escape(t.Render(l))}
	if err := b.Respond(ctx, a.ResponseURL, msg); err != nil {
		r.log().ErrorContext(ctx, "answer button", "err", err)
	}
}

// doneWords are the words that say "done" in a thread reply, folded. They
// only make the bot offer the done button: typed words are never taken as
// a decision on their own. Spanish "terminé" stays out: folded it is German
// "termine" (deadlines).
var doneWords = map[string]bool{
	"erledigt": true, "fertig": true, "abgeschlossen": true,
	"hotovo": true, "splneno": true, "dokonceno": true,
	"hecho": true, "listo": true, "completado": true, "terminado": true,
	"done": true, "finished": true, "completed": true,
}

// saysDone reports whether text contains a done word as a whole word.
func saysDone(text string) bool {
	for _, w := range strings.FieldsFunc(locales.Fold(text), func(r rune) bool {
		return !(r >= 'a' && r <= 'z')
	}) {
		if doneWords[w] {
			return true
		}
	}
	return false
}

// offerDone answers a thread reply that says it is done with the done
// buttons of the measure's open deadlines, in the replier's language.
func (r *Reminders) offerDone(ctx context.Context, b *Bot, tr ThreadReply) {
	if !saysDone(tr.Text) {
		return
	}
	ch, err := r.Store.Channel(ctx, tr.ChannelID)
	if err != nil {
		r.log().ErrorContext(ctx, "done offer: channel", "err", err)
		return
	}
	today := commands.Today(r.now(), r.zone(ch))
	ds, err := r.Store.Deadlines(ctx, commands.DeadlineQuery{MeasureIDs: []int64{tr.MeasureID}, Limit: maxButtonedItems})
	if err != nil || len(ds) == 0 {
		return
	}
	l := r.Bundle.For(tr.Lang)
	parts := []commands.Part{commands.Paragraph{Text: commands.Msg("remind.done_offer", commands.Data{"Code": tr.MeasureCode})}}
	for _, d := range ds {
		text := d.Text
		if d.Implied {
			text = strconv.Itoa(d.Step) + ". " + d.Text
		}
		parts = append(parts,
			commands.Context{commands.Msg("deadline.line", commands.Data{"Date": d.Due, "Text": commands.Raw(text), "Relative": commands.Relative(today.DaysUntil(d.Due))})},
			commands.Buttons{{ActionID: ActionDeadlineDone, Value: d.Key() + "|" + d.Due.String(), Label: commands.Msg("button.done", nil), Primary: true}})
	}
	blocks := Blocks(parts, l)
	i := 0
	for _, blk := range blocks {
		if ab, ok := blk.(*slack.ActionBlock); ok && i < len(ds) {
			ab.BlockID = "deadline:" + ds[i].Key() + "|" + ds[i].Due.String()
			i++
		}
	}
	_, err = b.PostMessage(ctx, tr.ChannelID, slack.MsgOptionTS(tr.ThreadTS),
		slack.MsgOptionBlocks(blocks...), slack.MsgOptionText(FallbackText(parts, l), false))
	if err != nil {
		r.log().ErrorContext(ctx, "done offer", "channel", tr.ChannelID, "err", err)
	}
}

func personName(p commands.Person) string {
	if p.Name != "" {
		return p.Name
	}
	return p.ID
}
