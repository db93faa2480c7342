package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/klimabot/klimabot/commands"
	"github.com/klimabot/klimabot/locales"
)

// ReminderEventType marks the bot's reminder messages in Slack's message
// metadata, so that after a crash the bot can tell from a channel's history
// whether a claimed reminder went out.
const ReminderEventType = "klimabot_reminder"

// Action ids of the reminder buttons.
const (
	ActionDeadlineDone     = "deadline_done"
	ActionDeadlinePostpone = "deadline_postpone"
	ActionNoChange         = "measure_no_change"
)

// maxButtonedItems caps the deadlines of one reminder that get their own
// buttons (two blocks each), keeping the message within 50 blocks.
const maxButtonedItems = 10

// postponeDays is how far the postpone button moves a deadline.
const postponeDays = 7

// PostFunc posts a message to a channel and returns its ts. A *PostError
// with Definite set says Slack refused it (nothing was posted); any other
// error leaves it open whether the message went out.
type PostFunc func(ctx context.Context, channelID string, opts ...slack.MsgOption) (ts string, err error)

// HistoryFunc reads a channel's history (conversations.history).
type HistoryFunc func(ctx context.Context, p *slack.GetConversationHistoryParameters) (*slack.GetConversationHistoryResponse, error)

// Reminders runs reminder passes: it decides with commands.PlanReminders
// what is due in each channel, records a claim, posts the message with the
// claim in its metadata, and confirms the claim with the message's ts.
//
// A crash between claim and confirmation leaves the claim pending; Recover
// looks for the claim in the channel's history and confirms it (the message
// went out) or releases it (it did not, the next pass posts it): a reminder
// is neither lost nor posted twice. When the history cannot be read the
// claim is released: a rare duplicate is better than a lost reminder.
type Reminders struct {
	Store   commands.ReminderStore
	Bundle  *locales.Bundle
	Post    PostFunc
	History HistoryFunc // nil: pending claims are released unchecked
	Now     func() time.Time
	// DefaultLang and DefaultTZ apply to channels without their own.
	DefaultLang string
	DefaultTZ   string
	Log         *slog.Logger
	// DryRun, when set, receives what a pass would post, as text; nothing is
	// posted or recorded.
	DryRun io.Writer
	// OnSent is called with the number of deadlines in each posted reminder
	// (metrics).
	OnSent func(n int)
}

func (r *Reminders) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func (r *Reminders) log() *slog.Logger {
	if r.Log != nil {
		return r.Log
	}
	return slog.Default()
}

// zone returns the channel's time zone.
func (r *Reminders) zone(ch commands.Channel) *time.Location {
	for _, name := range []string{ch.TimeZone, r.DefaultTZ, commands.DefaultTimeZone} {
		if loc, err := time.LoadLocation(name); name != "" && err == nil {
			return loc
		}
	}
	return time.UTC
}

// langs returns the channel's languages, or the default one.
func (r *Reminders) langs(ch commands.Channel) []string {
	var out []string
	for _, l := range ch.Languages {
		if m, ok := locales.MatchLanguage(l); ok && !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	if len(out) == 0 {
		l, ok := locales.MatchLanguage(r.DefaultLang)
		if !ok {
			l = locales.Default
		}
		out = []string{l}
	}
	return out
}

// Tick runs a pass for every channel whose schedule fired since it last ran
// (in the channel's time zone). A channel seen for the first time starts
// its schedule now. The scheduler calls it every minute.
func (r *Reminders) Tick(ctx context.Context) error {
	now := r.now()
	if err := r.Recover(ctx); err != nil {
		r.log().ErrorContext(ctx, "recover pending reminders", "err", err)
	}
	chs, err := r.Store.ReminderChannels(ctx)
	if err != nil {
		return fmt.Errorf("reminder channels: %w", err)
	}
	var errs []error
	for _, ch := range chs {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		due, err := scheduleDue(ch, r.zone(ch), now)
		if err != nil {
			r.log().ErrorContext(ctx, "bad channel schedule", "channel", ch.ID, "schedule", ch.Schedule, "err", err)
			continue
		}
		if !due {
			continue
		}
		// the tick is stored first: a pass that fails is retried at the next
		// tick of the schedule, and what it did post is recorded already
		if err := r.Store.SetLastTick(ctx, ch.ID, now); err != nil {
			errs = append(errs, err)
			continue
		}
		if ch.LastTick.IsZero() {
			continue // first sight: the schedule starts now
		}
		if _, err := r.Pass(ctx, ch); err != nil {
			errs = append(errs, fmt.Errorf("channel %s: %w", ch.ID, err))
		}
	}
	return errors.Join(errs...)
}

// scheduleDue reports whether ch's schedule fired after its last tick and
// not after now; a channel never ticked is due (to start its schedule).
func scheduleDue(ch commands.Channel, loc *time.Location, now time.Time) (bool, error) {
	if ch.LastTick.IsZero() {
		return true, nil
	}
	sched, err := commands.ParseSchedule(ch.Schedule)
	if err != nil {
		return false, err
	}
	return !sched.Next(ch.LastTick.In(loc)).After(now), nil
}

// RunOnce recovers pending claims and runs a pass over every channel that
// follows something, whatever its schedule (klimabot remind).
func (r *Reminders) RunOnce(ctx context.Context) (posted int, err error) {
	if r.DryRun == nil {
		if err := r.Recover(ctx); err != nil {
			return 0, err
		}
	}
	chs, err := r.Store.ReminderChannels(ctx)
	if err != nil {
		return 0, fmt.Errorf("reminder channels: %w", err)
	}
	var errs []error
	for _, ch := range chs {
		n, err := r.Pass(ctx, ch)
		posted += n
		if err != nil {
			errs = append(errs, fmt.Errorf("channel %s: %w", ch.ID, err))
		}
	}
	return posted, errors.Join(errs...)
}

// Pass posts what is due in one channel now: one message per measure with
// its deadlines that reached a stage, and the stale-measure nudges. A
// message that cannot be posted is released and tried at the next pass.
func (r *Reminders) Pass(ctx context.Context, ch commands.Channel) (posted int, err error) {
	today := commands.Today(r.now(), r.zone(ch))
	plan, err := r.plan(ctx, ch, today)
	var errs []error
	if err != nil {
		errs = append(errs, err)
	}
	for _, rem := range r.withCatchUps(ctx, ch, plan, today) {
		if err := r.send(ctx, ch, rem, today); err != nil {
			errs = append(errs, err)
			continue
		}
		posted++
	}
	return posted, errors.Join(errs...)
}

// plan decides what a pass in ch posts on day today: deadline reminders,
// then stale nudges. It reads the store and posts nothing.
func (r *Reminders) plan(ctx context.Context, ch commands.Channel, today commands.Date) ([]commands.Reminder, error) {
	ids, err := r.Store.FollowedMeasureIDs(ctx, ch)
	if err != nil {
		return nil, err
	}
	if !ch.FollowAll && len(ids) == 0 {
		return nil, nil
	}
	q := commands.DeadlineQuery{Until: today.AddDays(14)}
	if !ch.FollowAll {
		q.MeasureIDs = ids
	}
	ds, err := r.Store.Deadlines(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("deadlines: %w", err)
	}
	sent, err := r.Store.SentStages(ctx, ch.ID)
	if err != nil {
		return nil, fmt.Errorf("sent stages: %w", err)
	}
	plan := commands.PlanReminders(ch.ID, ds, sent, today)
	nudges, err := r.planNudges(ctx, ch, ids, sent, r.zone(ch), today)
	return append(plan, nudges...), err
}

// nudgeKey is the sent-reminders key of a measure's stale nudge; its "due"
// is the day of the last progress, so new progress starts the count anew.
func nudgeKey(measureID int64) string { return "n" + strconv.FormatInt(measureID, 10) }

// planNudges finds the followed measures without progress for the
// channel's stale days that were not nudged since their last progress.
func (r *Reminders) planNudges(ctx context.Context, ch commands.Channel, ids []int64, sent map[string]commands.Stage, loc *time.Location, today commands.Date) ([]commands.Reminder, error) {
	stale := ch.StaleDays
	if stale <= 0 {
		stale = commands.DefaultStaleDays
	}
	var all []int64 // nil: every measure, one query without a list of ids
	if !ch.FollowAll {
		all = ids
	}
	last, err := r.Store.LastProgress(ctx, all)
	if err != nil {
		return nil, fmt.Errorf("last progress: %w", err)
	}
	var out []commands.Reminder
	for _, id := range ids {
		t, ok := last[id]
		if !ok {
			continue
		}
		since := commands.DateOf(t.In(loc))
		if since.DaysUntil(today) < stale {
			continue
		}
		if _, done := sent[commands.SentKey(nudgeKey(id), since)]; done {
			continue
		}
		out = append(out, commands.Reminder{ChannelID: ch.ID, MeasureID: id, Items: []commands.ReminderItem{{
			Deadline: commands.Deadline{MeasureID: id, Due: since}, Stage: 0,
		}}})
	}
	return out, nil
}

// isNudge tells a stale nudge from a deadline reminder.
func isNudge(rem commands.Reminder) bool {
	return len(rem.Items) == 1 && rem.Items[0].Deadline.ID == 0 && !rem.Items[0].Deadline.Implied
}

func rows(rem commands.Reminder) []commands.SentRow {
	if isNudge(rem) {
		d := rem.Items[0].Deadline
		return []commands.SentRow{{Key: nudgeKey(rem.MeasureID), Due: d.Due, Stage: 0}}
	}
	return rem.Rows()
}

// send claims, posts and confirms one reminder message.
func (r *Reminders) send(ctx context.Context, ch commands.Channel, rem commands.Reminder, today commands.Date) error {
	m, err := r.measureByID(ctx, rem)
	if err != nil {
		return err
	}
	msg := r.message(ch, m, rem, today)
	blocks, claimRows := msg.blocks, r.Store.ClaimReminder
	var cu catchUpMessage
	if rem.CatchUp {
		cu = r.catchUpMessage(ch, m, len(rem.Items), itemsDeadlines(rem.Items), nil, today)
		msg = reminderMessage{Announcement: cu.Announcement}
		blocks, claimRows = cu.blocks, r.Store.ClaimCatchUp
	}
	if r.DryRun != nil {
		fmt.Fprintf(r.DryRun, "→ #%s · %s\n", ch.ID, m.Code)
		for _, l := range msg.Langs {
			fmt.Fprint(r.DryRun, commands.PlainText(msg.Parts, r.Bundle.For(l)))
		}
		for i, d := range cu.open {
			fmt.Fprintf(r.DryRun, "  [ ] %s — %s\n", stepLabel(d), cu.descs[i])
		}
		fmt.Fprint(r.DryRun, commands.PlainText([]commands.Part{msg.buttons}, r.Bundle.For(msg.Langs[0])), "\n")
		return nil
	}
	claim := commands.Claim{ID: newClaimID(), ChannelID: ch.ID, MeasureID: m.ID, Rows: rows(rem), ClaimedAt: r.now()}
	if err := claimRows(ctx, claim); err != nil {
		if commands.ErrorCode(err) == commands.ECONFLICT {
			return nil // another pass posted it
		}
		return fmt.Errorf("claim reminder: %w", err)
	}
	ts, err := r.Post(ctx, ch.ID,
		slack.MsgOptionBlocks(blocks(r.Bundle)...),
		slack.MsgOptionText(AnnouncementText(msg.Announcement, r.Bundle), false),
		slack.MsgOptionMetadata(slack.SlackMetadata{EventType: ReminderEventType, EventPayload: map[string]any{
			"claim": claim.ID, "measure": m.Code,
		}}),
	)
	if err != nil {
		var pe *PostError
		if errors.As(err, &pe) && pe.Definite {
			// Slack refused it: nothing went out; the next pass tries again
			if rerr := r.Store.ReleaseReminder(ctx, claim.ID); rerr != nil {
				err = errors.Join(err, rerr)
			}
		}
		// otherwise it stays claimed: Recover checks the history
		r.log().ErrorContext(ctx, "post reminder", "channel", ch.ID, "measure", m.Code, "claim", claim.ID, "err", err)
		return fmt.Errorf("post reminder for %s: %w", m.Code, err)
	}
	if err := r.Store.ConfirmReminder(ctx, claim.ID, ts); err != nil {
		return fmt.Errorf("confirm reminder: %w", err)
	}
	if r.OnSent != nil {
		r.OnSent(len(rem.Items))
	}
	return nil
}

func (r *Reminders) measureByID(ctx context.Context, rem commands.Reminder) (*commands.Measure, error) {
	code := rem.MeasureCode
	if code == "" {
		ms, err := r.Store.ListMeasures(ctx, "", 0)
		if err != nil {
			return nil, fmt.Errorf("list measures: %w", err)
		}
		for _, m := range ms {
			if m.ID == rem.MeasureID {
				code = m.Code
			}
		}
	}
	m, err := r.Store.Measure(ctx, code)
	if err != nil {
		return nil, fmt.Errorf("measure %d: %w", rem.MeasureID, err)
	}
	return m, nil
}

// newClaimID returns a random id for a claim.
func newClaimID() string {
	var b [12]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}

// reminderMessage is a reminder in the channel's languages plus its buttons,
// which are shown once with labels in all languages.
type reminderMessage struct {
	*commands.Announcement
	buttons commands.Buttons
	lines   []commands.Text // one per buttoned deadline, in the first language
}

// message builds the reminder or nudge for one measure.
func (r *Reminders) message(ch commands.Channel, m *commands.Measure, rem commands.Reminder, today commands.Date) reminderMessage {
	langs := r.langs(ch)
	title := commands.Raw(m.Code + " " + m.Title)
	msg := reminderMessage{Announcement: &commands.Announcement{ChannelID: ch.ID, Langs: langs, MeasureID: m.ID, MeasureCode: m.Code}}
	if isNudge(rem) {
		since := rem.Items[0].Deadline.Due
		msg.Parts = []commands.Part{commands.Paragraph{Text: commands.Plural("remind.stale", since.DaysUntil(today),
			commands.Data{"Measure": title, "Date": since})}}
		msg.buttons = commands.Buttons{{ActionID: ActionNoChange, Value: strconv.FormatInt(m.ID, 10),
			Label: r.multi(langs, commands.Msg("button.no_change", nil))}}
		return msg
	}
	list := commands.List{}
	for _, it := range rem.Items {
		d := it.Deadline
		text := d.Text
		if d.Implied {
			text = strconv.Itoa(d.Step) + ". " + d.Text
		}
		mark := commands.MarkOpen
		if d.Due.Before(today) {
			mark = commands.MarkWarn
		}
		line := commands.DueMsg("deadline.line", commands.Data{"Text": commands.Raw(text)}, today, d.Due)
		list.Items = append(list.Items, commands.Item{Mark: mark, Text: line})
		if len(msg.lines) < maxButtonedItems {
			value := d.Key() + "|" + d.Due.String()
			msg.lines = append(msg.lines, commands.Raw(shortText(text, 120)))
			msg.buttons = append(msg.buttons,
				commands.Button{ActionID: ActionDeadlineDone, Value: value, Label: r.multi(langs, commands.Msg("button.done", nil)), Primary: true},
				commands.Button{ActionID: ActionDeadlinePostpone, Value: value, Label: r.multi(langs, commands.Msg("button.postpone", nil))})
		}
	}
	msg.Parts = []commands.Part{commands.Paragraph{Text: commands.Msg("remind.title", commands.Data{"Measure": title})}, list}
	return msg
}

// multi renders t in each language and joins the distinct renderings with
// " / ", for texts shown once to a multilingual channel (button labels).
func (r *Reminders) multi(langs []string, t commands.Text) commands.Text {
	var parts []string
	for _, l := range langs {
		if s := t.Render(r.Bundle.For(l)); !slices.Contains(parts, s) {
			parts = append(parts, s)
		}
	}
	return commands.Raw(strings.Join(parts, " / "))
}

// blocks renders the message: a section per language, then per deadline a
// context line with its two buttons.
func (m reminderMessage) blocks(b *locales.Bundle) []slack.Block {
	blocks := AnnouncementBlocks(m.Announcement, b)
	l := b.For(m.Langs[0])
	if len(m.lines) == 0 {
		return append(blocks, withActionsID(Blocks([]commands.Part{m.buttons}, l), "nochange:"+m.buttons[0].Value)...)
	}
	for i, line := range m.lines {
		row := m.buttons[2*i : 2*i+2]
		blocks = append(blocks, withActionsID(Blocks([]commands.Part{commands.Context{line}, row}, l), "deadline:"+row[0].Value)...)
	}
	return blocks
}

// withActionsID names the actions blocks of blocks id, so that a click
// (which reports its block_id) replaces exactly its own row of buttons.
func withActionsID(blocks []slack.Block, id string) []slack.Block {
	for _, blk := range blocks {
		if ab, ok := blk.(*slack.ActionBlock); ok {
			ab.BlockID = id
		}
	}
	return blocks
}

func shortText(s string, n int) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) <= n {
		return string(r)
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// Recover settles the claims a crash left unconfirmed: a claim whose message
// is in the channel's history (found by the claim id in its metadata) is
// confirmed with that message's ts; any other is released, so the next pass
// posts it.
func (r *Reminders) Recover(ctx context.Context) error {
	pending, err := r.Store.PendingClaims(ctx)
	if err != nil {
		return fmt.Errorf("pending claims: %w", err)
	}
	var errs []error
	for _, c := range pending {
		ts, found, err := r.findClaim(ctx, c)
		if err != nil {
			r.log().WarnContext(ctx, "cannot check reminder in history; releasing it", "channel", c.ChannelID, "claim", c.ID, "err", err)
		}
		if found {
			errs = append(errs, r.Store.ConfirmReminder(ctx, c.ID, ts))
			continue
		}
		errs = append(errs, r.Store.ReleaseReminder(ctx, c.ID))
	}
	return errors.Join(errs...)
}

// findClaim looks for the message of claim c in its channel's history.
func (r *Reminders) findClaim(ctx context.Context, c commands.Claim) (ts string, found bool, err error) {
	if r.History == nil {
		return "", false, nil
	}
	params := &slack.GetConversationHistoryParameters{
		ChannelID:          c.ChannelID,
		Oldest:             strconv.FormatInt(c.ClaimedAt.Add(-time.Minute).Unix(), 10),
		Limit:              200,
		IncludeAllMetadata: true,
	}
	for page := 0; page < 10; page++ {
		resp, err := r.History(ctx, params)
		if err != nil {
			return "", false, err
		}
		for _, msg := range resp.Messages {
			if msg.Metadata.EventType == ReminderEventType && fmt.Sprint(msg.Metadata.EventPayload["claim"]) == c.ID {
				return msg.Timestamp, true, nil
			}
		}
		if !resp.HasMore || resp.ResponseMetaData.NextCursor == "" {
			return "", false, nil
		}
		params.Cursor = resp.ResponseMetaData.NextCursor
	}
	return "", false, nil
}

// PostError is an error from posting a message. Definite says Slack
// answered with an error, so the message was certainly not posted.
type PostError struct {
	Definite bool
	Err      error
}

func (e *PostError) Error() string { return e.Err.Error() }
func (e *PostError) Unwrap() error { return e.Err }
