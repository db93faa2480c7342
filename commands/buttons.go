package commands

import (
	"context"
	"time"
)

// Kinds of bot messages with buttons (BotMessage.Kind).
const (
	MessageReminder  = "reminder"   // a deadline reminder: done and postpone per deadline
	MessageNudge     = "nudge"      // a stale measure's "still on track?": no change
	MessageDoneOffer = "done_offer" // done buttons offered in a reminder's thread
	MessageCatchUp   = "catchup"    // the first reminder of a long-overdue measure: checkboxes to tick done steps
)

// Button actions recorded on a message row (ButtonAction.Action); done is
// not recorded there: the deadline itself says who closed it and when.
const (
	ActionPostpone = "postpone"
	ActionNoChange = "no_change"
)

// BotMessage is what the bot knows of one of its messages with buttons:
// the measure and the rows (deadlines, or a nudge) it is about, in the
// order shown. A button acts only on a row of its own message, and a click
// rebuilds the message from this record and the rows' current state, never
// from the copy in the click's payload (which is the clicker's, and may be
// stale).
type BotMessage struct {
	ChannelID string
	TS        string
	MeasureID int64
	Kind      string
	// Lang is the language a done offer was written in (the replier's);
	// "" for messages in the channel's languages.
	Lang string
	// PostedAt is when the message went out: its relative phrases ("due in
	// 3 days") are as of that day.
	PostedAt time.Time
	Rows     []SentRow
}

// Row returns the row of m about deadline key due on day due, if m has it.
func (m BotMessage) Row(key string, due Date) (SentRow, bool) {
	for _, r := range m.Rows {
		if r.Key == key && r.Due == due {
			return r, true
		}
	}
	return SentRow{}, false
}

// ButtonAction is what a click did to a row of a message besides closing a
// deadline: postponed it (Due: the new due day) or said "no change".
type ButtonAction struct {
	ChannelID string
	TS        string
	Key       string // the row's SentRow.Key
	Action    string // ActionPostpone or ActionNoChange
	By        Person
	At        time.Time
	Due       Date
}

// MessageStore is what the buttons need to know about the bot's messages;
// storage.DB implements it.
type MessageStore interface {
	// BotMessage returns the record of the bot's message ts in a channel: a
	// reminder or nudge (from the sent reminders) or another message
	// recorded with RecordBotItems; ok is false for a message the bot did
	// not record with rows.
	BotMessage(ctx context.Context, channelID, ts string) (m BotMessage, ok bool, err error)
	// RecordBotItems records a posted message with buttons that is not a
	// reminder (a done offer): its measure, kind, language and rows.
	RecordBotItems(ctx context.Context, m BotMessage) error
	// DeadlineByKey returns a deadline by Deadline.Key in any state. The key
	// of a step's implied deadline finds the step's explicit deadline once
	// it has one (postponing gives it one), else the implied deadline, done
	// when the step is; ENOTFOUND when neither exists.
	DeadlineByKey(ctx context.Context, key string) (Deadline, error)
	// RecordButtonAction and ButtonActions keep what clicks did to the rows
	// of a message, oldest first.
	RecordButtonAction(ctx context.Context, a ButtonAction) error
	ButtonActions(ctx context.Context, channelID, ts string) ([]ButtonAction, error)
}

// PostponedDue is the due day of a deadline due on due, postponed on day
// today by days: days after its due day, or after today when it is already
// overdue (a deadline years overdue moves to a week from today, not to a
// week after its old day, still years in the past).
func PostponedDue(due, today Date, days int) Date {
	if due.Before(today) {
		return today.AddDays(days)
	}
	return due.AddDays(days)
}
