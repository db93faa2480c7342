package commands

import (
	"sort"
	"strconv"
)

// Stage is how far a deadline is from its due day when a reminder goes out:
// 14, 7, 3 and 1 days before, 0 on the day, then -7, -14, … once a week while
// it is overdue. A later stage has a smaller number.
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
	return Stage(-7 * (-days / 7)), true // on the day until a week has passed
}

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
