package bot

import (
	"context"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/klimabot/klimabot/commands"
	"github.com/klimabot/klimabot/locales"
)

// messageLocks serialise the clicks on one message: each click writes,
// rebuilds the message from the store and updates it, and two clicks at
// once must not send their updates in the wrong order (the older one would
// bring back a row the newer one closed). Striped by channel and ts: a
// fixed number of mutexes, however many messages there are.
var messageLocks [64]sync.Mutex

// lockMessage locks the message ts in channelID and returns its unlock.
func lockMessage(channelID, ts string) (unlock func()) {
	h := fnv.New32a()
	h.Write([]byte(channelID))
	h.Write([]byte{0})
	h.Write([]byte(ts))
	mu := &messageLocks[h.Sum32()%uint32(len(messageLocks))]
	mu.Lock()
	return mu.Unlock
}

// clickedMessage finds the record of the message a button is on — the
// message itself, never its thread's parent — and checks that the clicked
// row (deadline key and due day, or a nudge's measure) is one of its rows:
// a button acts only on what its own message is about. A refusal has been
// answered to the clicker when ok is false.
func (r *Reminders) clickedMessage(ctx context.Context, b *Bot, a Action, kinds ...string) (bm commands.BotMessage, ok bool) {
	bm, found, err := r.Store.BotMessage(ctx, a.ChannelID, a.MessageTS)
	if err != nil {
		r.failButton(ctx, b, a, err)
		return bm, false
	}
	valid := found
	if valid {
		valid = false
		for _, k := range kinds {
			valid = valid || bm.Kind == k
		}
	}
	if valid {
		switch bm.Kind {
		case commands.MessageNudge, commands.MessageCatchUp:
			id, err := strconv.ParseInt(a.Value, 10, 64)
			valid = err == nil && id == bm.MeasureID
		default:
			key, dueText, _ := strings.Cut(a.Value, "|")
			due, err := commands.ParseISODate(dueText)
			_, onMessage := bm.Row(key, due)
			valid = err == nil && onMessage
		}
	}
	if !valid {
		r.log().WarnContext(ctx, "button refused: not about its own message", "action", a.ID, "value", a.Value,
			"channel", a.ChannelID, "ts", a.MessageTS, "user", a.UserID, "recorded", found, "kind", bm.Kind)
		r.tellPresser(ctx, b, a, commands.Msg("trust.button_invalid", nil))
		return bm, false
	}
	return bm, true
}

// authorizeClick checks the clicker's rights on the message's measure now
// (Bot.AuthorizeClick); a refusal is answered to the clicker.
func (r *Reminders) authorizeClick(ctx context.Context, b *Bot, a Action, bm commands.BotMessage) bool {
	code, err := b.store.MeasureCode(ctx, bm.MeasureID)
	if err == nil {
		_, err = b.AuthorizeClick(ctx, a, code)
	}
	if err != nil {
		if commands.ErrorCode(err) == commands.EFORBIDDEN {
			r.log().InfoContext(ctx, "button refused: no rights on the measure here", "action", a.ID,
				"channel", a.ChannelID, "user", a.UserID, "team", a.TeamID, "measure", code)
		}
		r.failButton(ctx, b, a, err)
		return false
	}
	return true
}

// updateMessage rebuilds a clicked message from the store and replaces it
// in Slack. The clicker's copy in the payload is never used: it may be
// stale (two people clicking two rows at once each have one).
func (r *Reminders) updateMessage(ctx context.Context, b *Bot, bm commands.BotMessage, ch commands.Channel) {
	blocks, text, err := r.rebuild(ctx, bm, ch)
	if err != nil {
		r.log().ErrorContext(ctx, "rebuild message", "channel", bm.ChannelID, "ts", bm.TS, "err", err)
		return
	}
	_, err = withRetry(ctx, b, "chat.update", func(ctx context.Context) (string, error) {
		_, ts, _, err := b.api.UpdateMessageContext(ctx, bm.ChannelID, bm.TS,
			slack.MsgOptionBlocks(blocks...), slack.MsgOptionText(text, false))
		return ts, err
	})
	if err != nil {
		r.log().ErrorContext(ctx, "update message", "channel", bm.ChannelID, "ts", bm.TS, "err", err)
	}
}

// rebuild renders a message with buttons as it stands in the store: its
// rows as posted (their relative phrases as of the day it was posted), and
// for each row that was acted on a line saying what happened instead of
// its buttons.
func (r *Reminders) rebuild(ctx context.Context, bm commands.BotMessage, ch commands.Channel) ([]slack.Block, string, error) {
	m, err := r.measureByID(ctx, commands.Reminder{MeasureID: bm.MeasureID})
	if err != nil {
		return nil, "", err
	}
	if bm.Kind == commands.MessageCatchUp {
		return r.rebuildCatchUp(ctx, bm, ch, m)
	}
	actions, err := r.Store.ButtonActions(ctx, bm.ChannelID, bm.TS)
	if err != nil {
		return nil, "", fmt.Errorf("button actions: %w", err)
	}
	loc := r.zone(ch)
	posted := commands.DateOf(bm.PostedAt.In(loc))
	langs := r.langs(ch)
	if bm.Kind == commands.MessageDoneOffer {
		lang, ok := locales.MatchLanguage(bm.Lang)
		if !ok {
			lang = langs[0]
		}
		langs = []string{lang}
	}
	rem := commands.Reminder{ChannelID: bm.ChannelID, MeasureID: m.ID, MeasureCode: m.Code}
	statuses := map[string]commands.Text{} // block id → what happened
	for _, row := range bm.Rows {
		if bm.Kind == commands.MessageNudge {
			rem.Items = append(rem.Items, commands.ReminderItem{Deadline: commands.Deadline{MeasureID: m.ID, Due: row.Due}})
			if a, ok := lastAction(actions, row.Key, commands.ActionNoChange); ok {
				statuses["nochange:"+strconv.FormatInt(m.ID, 10)] = commands.Msg("remind.no_change_by", commands.Data{
					"Name": personName(a.By), "Date": commands.DateOf(a.At.In(loc)),
				})
			}
			continue
		}
		shown, status, err := r.rowState(ctx, m, row, actions, loc)
		if err != nil {
			return nil, "", err
		}
		rem.Items = append(rem.Items, commands.ReminderItem{Deadline: shown, Stage: row.Stage})
		if !status.IsZero() {
			statuses["deadline:"+row.Key+"|"+row.Due.String()] = status
		}
	}
	var blocks []slack.Block
	var text string
	if bm.Kind == commands.MessageDoneOffer {
		parts, ids := offerParts(m.Code, itemsDeadlines(rem.Items), posted)
		l := r.Bundle.For(langs[0])
		blocks, text = offerBlocks(parts, ids, l), FallbackText(parts, l)
	} else {
		msg := r.message(ch, m, rem, posted)
		blocks, text = msg.blocks(r.Bundle), AnnouncementText(msg.Announcement, r.Bundle)
	}
	for i, blk := range blocks {
		status, ok := statuses[blk.ID()]
		if !ok || blk.BlockType() != slack.MBTAction {
			continue
		}
		mark := "✅ "
		if status.ID != "remind.done_by" && status.ID != "remind.no_change_by" {
			mark = "↪️ "
		}
		line := r.multi(langs, status)
		blocks[i] = slack.NewContextBlock(blk.ID(), slack.NewTextBlockObject(slack.MarkdownType, mark+escape(line.Raw), false, false))
	}
	return blocks, text, nil
}

// itemsDeadlines returns the deadlines of reminder items.
func itemsDeadlines(items []commands.ReminderItem) []commands.Deadline {
	out := make([]commands.Deadline, len(items))
	for i, it := range items {
		out[i] = it.Deadline
	}
	return out
}

// rowState returns a deadline row of a message as it was shown (its due day
// then, its text now) and what has happened to it since, if anything:
// done (who, when), postponed by a click on this message (who, to when), or
// changed otherwise (its day now).
func (r *Reminders) rowState(ctx context.Context, m *commands.Measure, row commands.SentRow, actions []commands.ButtonAction, loc *time.Location) (commands.Deadline, commands.Text, error) {
	shown := commands.Deadline{MeasureID: m.ID, MeasureCode: m.Code, Due: row.Due, State: commands.DeadlineOpen}
	if strings.HasPrefix(row.Key, "s") {
		shown.Implied = true
		_, step, _ := strings.Cut(row.Key, ".")
		shown.Step, _ = strconv.Atoi(step)
	} else {
		shown.ID, _ = strconv.ParseInt(strings.TrimPrefix(row.Key, "d"), 10, 64)
	}
	current, err := r.Store.DeadlineByKey(ctx, row.Key)
	if commands.ErrorCode(err) == commands.ENOTFOUND {
		return shown, commands.Msg("error.deadline_unknown", nil), nil
	}
	if err != nil {
		return shown, commands.Text{}, fmt.Errorf("deadline %s: %w", row.Key, err)
	}
	shown.Text = current.Text
	switch a, postponed := lastAction(actions, row.Key, commands.ActionPostpone); {
	case !current.State.Open():
		return shown, commands.Msg("remind.done_by", commands.Data{
			"Name": personName(current.DoneBy), "Date": commands.DateOf(current.DoneAt.In(loc)),
		}), nil
	case postponed && current.Due == a.Due:
		return shown, commands.Msg("remind.postponed_by", commands.Data{"Name": personName(a.By), "Date": a.Due}), nil
	case current.Due != row.Due:
		return shown, commands.Msg("remind.changed_since", commands.Data{"Date": current.Due}), nil
	}
	return shown, commands.Text{}, nil
}

// lastAction returns the newest action of kind on the row key.
func lastAction(actions []commands.ButtonAction, key, kind string) (commands.ButtonAction, bool) {
	for i := len(actions) - 1; i >= 0; i-- {
		if actions[i].Key == key && actions[i].Action == kind {
			return actions[i], true
		}
	}
	return commands.ButtonAction{}, false
}

// offerParts are the parts of a done offer in a reminder's thread: a
// question, then per deadline its line and a done button. ids are the
// block ids of the buttons' rows, in order.
func offerParts(code string, ds []commands.Deadline, today commands.Date) (parts []commands.Part, ids []string) {
	parts = []commands.Part{commands.Paragraph{Text: commands.Msg("remind.done_offer", commands.Data{"Code": code})}}
	for _, d := range ds {
		text := d.Text
		if d.Implied {
			text = strconv.Itoa(d.Step) + ". " + d.Text
		}
		value := d.Key() + "|" + d.Due.String()
		parts = append(parts,
			commands.Context{commands.DueMsg("deadline.line", commands.Data{"Text": commands.Raw(text)}, today, d.Due)},
			commands.Buttons{{ActionID: ActionDeadlineDone, Value: value, Label: commands.Msg("button.done", nil), Primary: true}})
		ids = append(ids, "deadline:"+value)
	}
	return parts, ids
}

// offerBlocks renders a done offer, each row of buttons named by its id.
func offerBlocks(parts []commands.Part, ids []string, l *locales.Localizer) []slack.Block {
	blocks := Blocks(parts, l)
	i := 0
	for _, blk := range blocks {
		if ab, ok := blk.(*slack.ActionBlock); ok && i < len(ids) {
			ab.BlockID = ids[i]
			i++
		}
	}
	return blocks
}
