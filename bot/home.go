package bot

import (
	"context"
	"time"

	"github.com/slack-go/slack"

	"github.com/klimabot/klimabot/commands"
)

// homeMeasures caps the measures the App Home shows: each takes up to three
// blocks (title, progress bar, next deadline), which keeps the view within
// the renderer's 50 blocks (Slack allows 100 in a Home tab) with the title,
// the "more" line and the footer: 1 + 15×3 + 1 + 1 = 48.
const homeMeasures = 15

// publishHome publishes a user's App Home (views.publish): the followed
// measures with their progress and next deadline, in the user's language.
func (b *Bot) publishHome(ctx context.Context, userID string) {
	u, _ := b.user(ctx, userID, true)
	lang := b.svc.Language(u, "", commands.Request{}, commands.Channel{})
	blocks := Blocks(b.homeParts(ctx, lang), b.bundle.For(lang))
	view := slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: blocks}}
	_, err := withRetry(ctx, b, "views.publish", func(ctx context.Context) (*slack.ViewResponse, error) {
		return b.api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: userID, View: view})
	})
	if err != nil {
		b.log.Warn("App Home not published", "user", userID, "err", err)
	}
}

// homeParts are the App Home's contents as a transport-free reply, for a
// reader of lang: measure titles in lang when a translation is stored, the
// original beside the next deadline.
func (b *Bot) homeParts(ctx context.Context, lang string) []commands.Part {
	parts := []commands.Part{commands.Header{Text: commands.Msg("bot.home_title", nil)}}
	sums, total, err := b.store.FollowedMeasures(ctx, homeMeasures)
	if err != nil {
		b.log.Error("followed measures", "err", err)
		return append(parts, commands.Paragraph{Text: commands.Msg("error.internal", nil)})
	}
	if total == 0 {
		return append(parts, commands.Paragraph{Text: commands.Msg("bot.home_empty", nil)})
	}
	today := commands.Today(b.now(), b.zone())
	titles := b.titlesIn(ctx, sums, lang)
	for _, s := range sums {
		title, original := s.Title, commands.Text{}
		if t, ok := titles[s.Title]; ok {
			title, original = t.Text, originalLine(s.Title, t)
		}
		parts = append(parts,
			commands.Paragraph{Text: commands.Msg("bot.home_measure", commands.Data{"Code": s.Code, "Title": title})})
		if s.StepsTotal > 0 {
			parts = append(parts, commands.Progress{Done: s.StepsDone, Total: s.StepsTotal})
		}
		next := commands.Msg("status.no_deadline", nil)
		if d := s.NextDeadline; d != nil {
			next = commands.DueMsg("list.next", nil, today, d.Due)
		}
		small := commands.Context{next}
		if !original.IsZero() {
			small = append(small, original)
		}
		parts = append(parts, small)
	}
	if more := total - len(sums); more > 0 {
		parts = append(parts, commands.Context{commands.Msg("bot.home_more", commands.Data{"Count": more})})
	}
	return append(parts, commands.Context{commands.Msg("bot.home_footer", nil)})
}

// zone is the default time zone of channels, for "today".
func (b *Bot) zone() *time.Location {
	for _, name := range []string{b.svc.DefaultTZ, commands.DefaultTimeZone} {
		if loc, err := time.LoadLocation(name); name != "" && err == nil {
			return loc
		}
	}
	return time.UTC
}
