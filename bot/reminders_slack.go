package bot

import (
	"context"
	"errors"
	"fmt"
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
	b.HandleAction(ActionCatchUpTick, func(ctx context.Context, a Action) { r.onCatchUpTick(ctx, b, a) })
	b.HandleAction(ActionCatchUpConfirm, func(ctx context.Context, a Action) { r.onCatchUpConfirm(ctx, b, a) })
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

// onDeadlineButton marks a deadline done, or postpones it a week, on the
// rights of the one who clicked and only when the deadline is a row of the
// clicked message; logs it as progress of the one who clicked; and rebuilds
// the message from the store to say what happened, in the channel's
// languages. A postpone on a row whose deadline moved or closed since
// changes nothing: the rebuilt message shows why.
func (r *Reminders) onDeadlineButton(ctx context.Context, b *Bot, a Action, done bool) {
	kinds := []string{commands.MessageReminder}
	if done {
		kinds = append(kinds, commands.MessageDoneOffer)
	}
	bm, ok := r.clickedMessage(ctx, b, a, kinds...)
	if !ok || !r.authorizeClick(ctx, b, a, bm) {
		return
	}
	key, dueText, _ := strings.Cut(a.Value, "|")
	row, _ := bm.Row(key, mustDate(dueText))
	ch, err := r.Store.Channel(ctx, a.ChannelID)
	if err != nil {
		r.failButton(ctx, b, a, fmt.Errorf("reminder button: channel: %w", err))
		return
	}
	unlock := lockMessage(bm.ChannelID, bm.TS)
	defer unlock()
	current, err := r.Store.DeadlineByKey(ctx, key)
	if err != nil {
		r.failButton(ctx, b, a, err)
		return
	}
	if current.MeasureID != bm.MeasureID {
		r.log().WarnContext(ctx, "button refused: deadline of another measure", "value", a.Value, "user", a.UserID)
		r.tellPresser(ctx, b, a, commands.Msg("trust.button_invalid", nil))
		return
	}
	langs := r.langs(ch)
	entryLang := r.Bundle.For(langs[0])
	p := r.presser(ctx, b, a.UserID)
	now := r.now()
	switch {
	case done && current.State.Open():
		note := &commands.Entry{Author: p, Source: commands.SourceButton, ChannelID: a.ChannelID,
			Text: commands.Msg("remind.entry_done", commands.Data{"Date": current.Due, "Text": commands.Raw(current.Text)}).Render(entryLang)}
		if _, _, err := r.Store.CompleteDeadline(ctx, current.Key(), p, now, note); err != nil {
			r.failButton(ctx, b, a, err)
			return
		}
	case !done && current.State.Open() && current.Due == row.Due:
		newDue := commands.PostponedDue(current.Due, commands.Today(now, r.zone(ch)), postponeDays)
		note := &commands.Entry{Author: p, Source: commands.SourceButton, ChannelID: a.ChannelID,
			Text: commands.Msg("remind.entry_postponed", commands.Data{"Date": newDue, "Text": commands.Raw(current.Text)}).Render(entryLang)}
		d, err := r.Store.PostponeDeadline(ctx, current.Key(), current.Due.DaysUntil(newDue), p, now, note)
		if err != nil {
			r.failButton(ctx, b, a, err)
			return
		}
		if err := r.Store.RecordButtonAction(ctx, commands.ButtonAction{ChannelID: bm.ChannelID, TS: bm.TS, Key: row.Key,
			Action: commands.ActionPostpone, By: p, At: now, Due: d.Due}); err != nil {
			r.log().ErrorContext(ctx, "record postpone", "err", err) // the deadline moved; the message says less
		}
	}
	// otherwise the click came from an old copy: the deadline was closed or
	// moved since, and the rebuilt message says so
	r.updateMessage(ctx, b, bm, ch)
}

// mustDate reads a day that clickedMessage already checked.
func mustDate(s string) commands.Date {
	d, _ := commands.ParseISODate(s)
	return d
}

// onNoChange logs the "no change" answer to a stale nudge, once per nudge,
// on the rights of the one who clicked.
func (r *Reminders) onNoChange(ctx context.Context, b *Bot, a Action) {
	bm, ok := r.clickedMessage(ctx, b, a, commands.MessageNudge)
	if !ok || !r.authorizeClick(ctx, b, a, bm) {
		return
	}
	ch, err := r.Store.Channel(ctx, a.ChannelID)
	if err != nil {
		r.failButton(ctx, b, a, fmt.Errorf("no-change button: channel: %w", err))
		return
	}
	unlock := lockMessage(bm.ChannelID, bm.TS)
	defer unlock()
	actions, err := r.Store.ButtonActions(ctx, bm.ChannelID, bm.TS)
	if err != nil {
		r.failButton(ctx, b, a, err)
		return
	}
	if _, answered := lastAction(actions, bm.Rows[0].Key, commands.ActionNoChange); !answered {
		p := r.presser(ctx, b, a.UserID)
		now := r.now()
		if _, err := r.Store.AddEntry(ctx, commands.Entry{MeasureID: bm.MeasureID, Author: p, Source: commands.SourceButton, ChannelID: a.ChannelID,
			Text: commands.Msg("remind.entry_no_change", nil).Render(r.Bundle.For(r.langs(ch)[0]))}); err != nil {
			r.failButton(ctx, b, a, err)
			return
		}
		if err := r.Store.RecordButtonAction(ctx, commands.ButtonAction{ChannelID: bm.ChannelID, TS: bm.TS, Key: bm.Rows[0].Key,
			Action: commands.ActionNoChange, By: p, At: now}); err != nil {
			r.log().ErrorContext(ctx, "record no change", "err", err)
		}
	}
	r.updateMessage(ctx, b, bm, ch)
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
	parts, ids := offerParts(tr.MeasureCode, ds, today)
	ts, err := b.PostMessage(ctx, tr.ChannelID, slack.MsgOptionTS(tr.ThreadTS),
		slack.MsgOptionBlocks(offerBlocks(parts, ids, l)...), slack.MsgOptionText(FallbackText(parts, l), false))
	if err != nil {
		r.log().ErrorContext(ctx, "done offer", "channel", tr.ChannelID, "err", err)
		return
	}
	offer := commands.BotMessage{ChannelID: tr.ChannelID, TS: ts, MeasureID: tr.MeasureID, Kind: commands.MessageDoneOffer,
		Lang: tr.Lang, PostedAt: r.now()}
	for _, d := range ds {
		offer.Rows = append(offer.Rows, commands.SentRow{Key: d.Key(), Due: d.Due})
	}
	if err := r.Store.RecordBotItems(ctx, offer); err != nil {
		r.log().ErrorContext(ctx, "record done offer", "channel", tr.ChannelID, "ts", ts, "err", err)
	}
}

func personName(p commands.Person) string {
	if p.Name != "" {
		return p.Name
	}
	return p.ID
}
