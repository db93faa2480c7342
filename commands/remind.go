package commands

import (
	"context"
	"sort"
	"strconv"
	"time"
)

// Stage is how far a deadline is from its due day when a reminder goes out:
// 14, 7, 3 and 1 days before, 0 on the day, then -7, -14, -21 and -28 days
// overdue, then every 30 days (-58, -88, …) while it is still open (SPEC
// "Reminders"): an old plan is not a weekly wall of warnings. A later stage
// has a smaller number.
type Stage int

// NoStage means no reminder has been sent yet for a deadline's due day.
const NoStage Stage = 1 << 30

// reminderLead is the earliest stage: reminders start 14 days ahead.
const reminderLead = 14

// String is the form stored in sent_reminders.
func (s Stage) String() string { return strconv.Itoa(int(s)) }

// ParseStage reads a stored stage.
func ParseStage(s string) (Stage, bool) {
	n, err := strconv.Atoi(s)
	if err != nil || (n > reminderLead && Stage(n) != NoStage) {
		return NoStage, false
	}
	return Stage(n), true
}

// StageAt returns the stage a deadline has reached when it is due in days
// calendar days (negative: overdue), and false before the first stage.
func StageAt(days int) (Stage, bool) {
	switch {
	case days > reminderLead:
		return NoStage, false
	case days >= 8:
		return 14, true
	case days >= 4:
		return 7, true
	case days >= 2:
		return 3, true
	case days >= 0:
		return Stage(days), true // 1 or 0
	}
	overdue := -days
	switch {
	case overdue < 7:
		return 0, true // on the day until a week has passed
	case overdue < weeklyOverdueUntil:
		return Stage(-7 * (overdue / 7)), true
	}
	return Stage(-(weeklyOverdueUntil + monthlyOverdue*((overdue-weeklyOverdueUntil)/monthlyOverdue))), true
}

// Overdue deadlines are reminded weekly until weeklyOverdueUntil days
// overdue (that stage included), then every monthlyOverdue days.
const (
	weeklyOverdueUntil = 28
	monthlyOverdue     = 30
)

// Decide says whether a deadline due on day due needs a reminder on day
// today, given the latest stage already sent for that due day (NoStage if
// none). It returns the stage to send: always the latest one reached, so a
// bot that was down for a week posts one catch-up reminder, not a flood.
// Days are calendar days in the channel's zone: callers pass Today(now, loc).
func Decide(due, today Date, last Stage) (Stage, bool) {
	st, ok := StageAt(today.DaysUntil(due))
	if !ok || st >= last {
		return NoStage, false
	}
	return st, true
}

// ReminderItem is one deadline in a reminder with the stage it reached.
type ReminderItem struct {
	Deadline Deadline
	Stage    Stage
}

// Reminder is one message of a reminder pass: one measure's deadlines, so a
// reply in its thread belongs to one measure.
type Reminder struct {
	ChannelID   string
	MeasureID   int64
	MeasureCode string
	Items       []ReminderItem
	// CatchUp marks a measure's catch-up message: its overdue steps as
	// checkboxes to tick in one go (bot.Reminders posts it).
	CatchUp bool
}

// SentKey identifies what was sent for a deadline and due day.
func SentKey(deadlineKey string, due Date) string { return deadlineKey + "@" + due.String() }

// PlanReminders decides one pass for a channel: for every open deadline (of
// the measures the channel follows) the stage to post, grouped into one
// Reminder per measure in deadline order. sent maps SentKey to the latest
// stage already sent in this channel.
func PlanReminders(channelID string, deadlines []Deadline, sent map[string]Stage, today Date) []Reminder {
	byMeasure := map[int64]*Reminder{}
	var order []int64
	for _, d := range deadlines {
		if !d.State.Open() {
			continue
		}
		last, ok := sent[SentKey(d.Key(), d.Due)]
		if !ok {
			last = NoStage
		}
		st, send := Decide(d.Due, today, last)
		if !send {
			continue
		}
		r := byMeasure[d.MeasureID]
		if r == nil {
			r = &Reminder{ChannelID: channelID, MeasureID: d.MeasureID, MeasureCode: d.MeasureCode}
			byMeasure[d.MeasureID] = r
			order = append(order, d.MeasureID)
		}
		r.Items = append(r.Items, ReminderItem{Deadline: d, Stage: st})
	}
	out := make([]Reminder, 0, len(order))
	for _, id := range order {
		r := byMeasure[id]
		sort.SliceStable(r.Items, func(i, j int) bool { return r.Items[i].Deadline.Due.Before(r.Items[j].Deadline.Due) })
		out = append(out, *r)
	}
	return out
}

// SentRow is one (deadline, due day, stage) a reminder message covers.
type SentRow struct {
	Key   string // Deadline.Key(), or "n<measureID>" for a stale nudge
	Due   Date   // the deadline's due day; for a nudge the day of the last progress
	Stage Stage
}

// Rows lists what the reminder covers, for the sent-reminders record.
func (r Reminder) Rows() []SentRow {
	rows := make([]SentRow, len(r.Items))
	for i, it := range r.Items {
		rows[i] = SentRow{Key: it.Deadline.Key(), Due: it.Deadline.Due, Stage: it.Stage}
	}
	return rows
}

// Claim is a reminder message the bot decided to post: recorded before the
// post (with an id that also travels in the message's Slack metadata) and
// confirmed with the message ts after it. A claim still unconfirmed at the
// next pass means the bot stopped between the two: the channel's history
// tells whether the message went out.
type Claim struct {
	ID        string
	ChannelID string
	MeasureID int64
	Rows      []SentRow
	ClaimedAt time.Time
}

// ReminderStore is what the reminder pass and its buttons need from
// persistence besides Store; storage.DB implements it.
type ReminderStore interface {
	Store
	MessageStore
	// ReminderChannels returns the channels that follow at least one measure
	// (or all), with their settings.
	ReminderChannels(ctx context.Context) ([]Channel, error)
	// SentStages returns, per SentKey, the latest stage recorded for a
	// channel, claimed or confirmed.
	SentStages(ctx context.Context, channelID string) (map[string]Stage, error)
	// ClaimReminder records rows for a message about to be posted, in one
	// transaction; ECONFLICT if any row is already recorded.
	ClaimReminder(ctx context.Context, c Claim) error
	// ConfirmReminder stores the posted message's ts for a claim and records
	// the message so replies in its thread find the measure.
	ConfirmReminder(ctx context.Context, claimID, ts string) error
	// ClaimCatchUp is ClaimReminder for a measure's catch-up message, which
	// it also marks as posted in the channel (BotMessage kind
	// MessageCatchUp); CatchUpPosted tells whether one was.
	ClaimCatchUp(ctx context.Context, c Claim) error
	CatchUpPosted(ctx context.Context, channelID string, measureID int64) (bool, error)
	// ReleaseReminder forgets an unconfirmed claim, so the next pass tries
	// again.
	ReleaseReminder(ctx context.Context, claimID string) error
	// PendingClaims returns the claims not yet confirmed, oldest first.
	PendingClaims(ctx context.Context) ([]Claim, error)
	// SetLastTick stores when a channel's schedule last ran.
	SetLastTick(ctx context.Context, channelID string, t time.Time) error
	// LastProgress returns per measure the time of its newest progress entry,
	// or of its import when it has none; nil ids means every measure.
	LastProgress(ctx context.Context, measureIDs []int64) (map[int64]time.Time, error)
	// FollowedMeasureIDs returns the ids of the measures ch follows (all
	// measures when it follows all).
	FollowedMeasureIDs(ctx context.Context, ch Channel) ([]int64, error)
	// CompleteDeadline marks a deadline (by Key) done by p, and the step it
	// belongs to, and appends note, in one transaction; changed is false
	// when it was already done.
	CompleteDeadline(ctx context.Context, key string, p Person, at time.Time, note *Entry) (d Deadline, changed bool, err error)
	// PostponeDeadline moves a deadline (by Key) days later, an implied one
	// by giving its step an explicit, postponed deadline, and appends note.
	PostponeDeadline(ctx context.Context, key string, days int, p Person, at time.Time, note *Entry) (Deadline, error)
}
