package bot

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/klimabot/klimabot/commands"
	"github.com/klimabot/klimabot/locales"
)

// Action ids of the catch-up message: a checkbox group (ticking sends a
// block_actions payload that changes nothing) and the confirm button, which
// reads the ticked boxes from the payload's state.
const (
	ActionCatchUpTick    = "catchup_tick"
	ActionCatchUpConfirm = "catchup_confirm"
)

// maxCatchUpItems caps the steps of one catch-up message; more stay in the
// ordinary reminders. catchUpGroup is Slack's limit of options per checkbox
// group.
const (
	maxCatchUpItems = 40
	catchUpGroup    = 10
)

// withCatchUps replaces the first reminder of a measure in a channel whose
// steps lie long in the past (more than commands.OverdueAsDateAfter days,
// an imported plan) by one catch-up message: its overdue steps as
// checkboxes, ticked off in one go, instead of a row of overdue warnings
// (SPEC "Reminders"). The reminder's other deadlines stay an ordinary
// reminder of the same pass.
func (r *Reminders) withCatchUps(ctx context.Context, ch commands.Channel, plan []commands.Reminder, today commands.Date) []commands.Reminder {
	out := make([]commands.Reminder, 0, len(plan))
	for _, rem := range plan {
		if isNudge(rem) || !hasOldStep(rem, today) {
			out = append(out, rem)
			continue
		}
		posted, err := r.Store.CatchUpPosted(ctx, ch.ID, rem.MeasureID)
		if err != nil {
			r.log().ErrorContext(ctx, "catch-up posted?", "channel", ch.ID, "measure", rem.MeasureCode, "err", err)
		}
		if err != nil || posted {
			out = append(out, rem)
			continue
		}
		cu, rest := rem, rem
		cu.Items, rest.Items, cu.CatchUp = nil, nil, true
		for _, it := range rem.Items {
			if it.Deadline.Step > 0 && it.Deadline.Due.Before(today) && len(cu.Items) < maxCatchUpItems {
				cu.Items = append(cu.Items, it)
			} else {
				rest.Items = append(rest.Items, it)
			}
		}
		out = append(out, cu)
		if len(rest.Items) > 0 {
			out = append(out, rest)
		}
	}
	return out
}

// hasOldStep reports whether a reminder has a step overdue so long that its
// deadline reads as a date.
func hasOldStep(rem commands.Reminder, today commands.Date) bool {
	for _, it := range rem.Items {
		if it.Deadline.Step > 0 && commands.OverdueAsDate(today, it.Deadline.Due) {
			return true
		}
	}
	return false
}

// catchUpDone is a row of a catch-up message that was settled since it was
// posted, with what happened.
type catchUpDone struct {
	Deadline commands.Deadline
	Status   commands.Text
}

// catchUpMessage is a catch-up in the channel's languages, then its open
// steps as checkboxes and one confirm button, shown once.
type catchUpMessage struct {
	*commands.Announcement
	open    []commands.Deadline
	descs   []string // per open step: its due phrase in the channel's languages
	confirm commands.Text
}

// catchUpMessage builds the catch-up of measure m: total is the number of
// steps it was posted with, open those still to tick, done the settled
// ones; day is the day its due phrases are as of (the day it was posted).
func (r *Reminders) catchUpMessage(ch commands.Channel, m *commands.Measure, total int, open []commands.Deadline, done []catchUpDone, day commands.Date) catchUpMessage {
	langs := r.langs(ch)
	title := commands.Raw(m.Code + " " + m.Title)
	msg := catchUpMessage{Announcement: &commands.Announcement{ChannelID: ch.ID, Langs: langs, MeasureID: m.ID, MeasureCode: m.Code}, open: open}
	steps := make([]int, 0, total)
	for _, d := range open {
		steps = append(steps, d.Step)
	}
	for _, d := range done {
		steps = append(steps, d.Deadline.Step)
	}
	slices.Sort(steps)
	parts := []commands.Part{
		commands.Paragraph{Text: commands.Msg("catchup.title", commands.Data{"Measure": title})},
		commands.Paragraph{Text: commands.Plural("catchup.intro", total, commands.Data{"Steps": commands.StepList(steps)})},
	}
	if len(done) > 0 {
		list := commands.List{}
		for _, d := range done {
			mark := commands.MarkDone
			if d.Status.ID != "remind.done_by" {
				mark = commands.MarkOpen // moved or gone since: not done
			}
			list.Items = append(list.Items, commands.Item{Mark: mark, Text: commands.Raw(shortText(stepLabel(d.Deadline), 120)), Sub: d.Status})
		}
		parts = append(parts, list)
	}
	if len(open) == 0 {
		parts = append(parts, commands.Context{commands.Msg("catchup.all_settled", nil)})
	}
	msg.Parts = parts
	for _, d := range open {
		msg.descs = append(msg.descs, r.multi(langs, commands.DueMsg("status.step_deadline", nil, day, d.Due)).Raw)
	}
	msg.confirm = r.multi(langs, commands.Msg("catchup.confirm", nil))
	return msg
}

// stepLabel is "5. Bilateraler Austausch …".
func stepLabel(d commands.Deadline) string {
	return strconv.Itoa(d.Step) + ". " + d.Text
}

// blocks renders the catch-up: a section per language, the open steps as
// checkbox groups of at most ten, one confirm button.
func (m catchUpMessage) blocks(b *locales.Bundle) []slack.Block {
	blocks := AnnouncementBlocks(m.Announcement, b)
	if len(m.open) == 0 {
		return blocks
	}
	plain := func(s string) *slack.TextBlockObject {
		return slack.NewTextBlockObject(slack.PlainTextType, shortText(s, 75), false, false)
	}
	for i := 0; i < len(m.open); i += catchUpGroup {
		var opts []*slack.OptionBlockObject
		for j := i; j < min(i+catchUpGroup, len(m.open)); j++ {
			d := m.open[j]
			opts = append(opts, slack.NewOptionBlockObject(d.Key()+"|"+d.Due.String(), plain(stepLabel(d)), plain(m.descs[j])))
		}
		group := slack.NewCheckboxGroupsBlockElement(fmt.Sprintf("%s#%d", ActionCatchUpTick, i/catchUpGroup), opts...)
		blocks = append(blocks, slack.NewActionBlock(fmt.Sprintf("catchup:%d", i/catchUpGroup), group))
	}
	btn := slack.NewButtonBlockElement(ActionCatchUpConfirm, strconv.FormatInt(m.MeasureID, 10), plain(m.confirm.Raw))
	btn.Style = slack.StylePrimary
	return append(blocks, slack.NewActionBlock("catchupok:"+strconv.FormatInt(m.MeasureID, 10), btn))
}

// onCatchUpTick acknowledges a tick in a catch-up's checkboxes: nothing
// happens until the confirm button is clicked.
func (r *Reminders) onCatchUpTick(context.Context, *Bot, Action) {}

// onCatchUpConfirm marks the ticked steps of a catch-up done, on the rights
// of the one who clicked at the moment of the click, and only steps that
// are rows of the clicked message (its own measure's); logs one progress
// entry; and rebuilds the message from the store. A tick that is not one of
// the message's rows refuses the whole click: nothing is written.
func (r *Reminders) onCatchUpConfirm(ctx context.Context, b *Bot, a Action) {
	bm, ok := r.clickedMessage(ctx, b, a, commands.MessageCatchUp)
	if !ok || !r.authorizeClick(ctx, b, a, bm) {
		return
	}
	rows, ok := tickedRows(a, bm)
	if !ok {
		r.log().WarnContext(ctx, "catch-up refused: a ticked step is not on its message", "channel", a.ChannelID, "ts", a.MessageTS, "user", a.UserID)
		r.tellPresser(ctx, b, a, commands.Msg("trust.button_invalid", nil))
		return
	}
	if len(rows) == 0 {
		r.tellPresser(ctx, b, a, commands.Msg("catchup.none_ticked", nil))
		return
	}
	ch, err := r.Store.Channel(ctx, a.ChannelID)
	if err != nil {
		r.failButton(ctx, b, a, fmt.Errorf("catch-up: channel: %w", err))
		return
	}
	unlock := lockMessage(bm.ChannelID, bm.TS)
	defer unlock()
	var todo []commands.Deadline
	for _, row := range rows {
		current, err := r.Store.DeadlineByKey(ctx, row.Key)
		if err != nil {
			r.failButton(ctx, b, a, err)
			return
		}
		if current.MeasureID != bm.MeasureID {
			r.log().WarnContext(ctx, "catch-up refused: step of another measure", "key", row.Key, "user", a.UserID)
			r.tellPresser(ctx, b, a, commands.Msg("trust.button_invalid", nil))
			return
		}
		if current.State.Open() {
			todo = append(todo, current)
		}
	}
	// The ticked steps and the entry that says so are one write: either all
	// of them are done and logged, or nothing is.
	var steps []int
	for _, d := range todo {
		steps = append(steps, d.Step)
	}
	if len(steps) > 0 {
		p := r.presser(ctx, b, a.UserID)
		text := commands.Plural("catchup.entry", len(steps), commands.Data{"Steps": commands.StepList(steps)}).Render(r.Bundle.For(r.langs(ch)[0]))
		note := &commands.Entry{MeasureID: bm.MeasureID, Author: p, Source: commands.SourceButton, ChannelID: a.ChannelID, Text: text}
		if _, err := r.Store.CompleteSteps(ctx, bm.MeasureID, steps, p, r.now(), note); err != nil {
			r.failButton(ctx, b, a, fmt.Errorf("catch-up: complete steps: %w", err))
			return
		}
	}
	r.updateMessage(ctx, b, bm, ch)
}

// tickedRows returns the rows of bm ticked in the click's state (the
// message's checkbox groups), and false when a ticked value is not one of
// bm's rows.
func tickedRows(a Action, bm commands.BotMessage) ([]commands.SentRow, bool) {
	if a.Callback == nil || a.Callback.BlockActionState == nil {
		return nil, true
	}
	seen := map[string]bool{}
	var out []commands.SentRow
	for blockID, byAction := range a.Callback.BlockActionState.Values {
		if !strings.HasPrefix(blockID, "catchup:") {
			continue
		}
		for actionID, ba := range byAction {
			if BaseActionID(actionID) != ActionCatchUpTick {
				continue
			}
			for _, o := range ba.SelectedOptions {
				key, dueText, _ := strings.Cut(o.Value, "|")
				due, err := commands.ParseISODate(dueText)
				if err != nil {
					return nil, false
				}
				row, ok := bm.Row(key, due)
				if !ok {
					return nil, false
				}
				if !seen[o.Value] {
					seen[o.Value] = true
					out = append(out, row)
				}
			}
		}
	}
	return out, true
}

// rebuildCatchUp renders a catch-up as it stands in the store: the steps
// settled since with who did it, the others still as checkboxes.
func (r *Reminders) rebuildCatchUp(ctx context.Context, bm commands.BotMessage, ch commands.Channel, m *commands.Measure) ([]slack.Block, string, error) {
	actions, err := r.Store.ButtonActions(ctx, bm.ChannelID, bm.TS)
	if err != nil {
		return nil, "", fmt.Errorf("button actions: %w", err)
	}
	loc := r.zone(ch)
	var open []commands.Deadline
	var done []catchUpDone
	for _, row := range bm.Rows {
		shown, status, err := r.rowState(ctx, m, row, actions, loc)
		if err != nil {
			return nil, "", err
		}
		if status.IsZero() {
			open = append(open, shown)
		} else {
			done = append(done, catchUpDone{Deadline: shown, Status: status})
		}
	}
	msg := r.catchUpMessage(ch, m, len(bm.Rows), open, done, commands.DateOf(bm.PostedAt.In(loc)))
	return msg.blocks(r.Bundle), AnnouncementText(msg.Announcement, r.Bundle), nil
}
