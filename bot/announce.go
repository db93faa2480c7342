package bot

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/klimabot/klimabot/commands"
	"github.com/klimabot/klimabot/locales"
)

// Announcements of log and done go to their channel one post at a time.
//
// Slack lets an app post about one message per second to a channel, with
// short bursts (chat.postMessage, "Rate limiting"); a burst is answered
// with 429 and Retry-After anyway. So a channel has at most one
// announcement post in flight: what arrives for it meanwhile (also while
// a 429's Retry-After is waited out) waits in the channel's queue, and
// when the post is done the queue goes out as ONE message, the
// announcements one after another, each rendered as it would be alone
// (combineAnnouncements). A lone announcement is posted at once, exactly
// as before. A channel with nothing to post holds no goroutine and no
// queue. Every announcement holds one of the maxAnnouncing slots from
// goAnnounce until its message was posted (or given up), so the queues
// together stay bounded and none is dropped.

// maxCombined is the most announcements one message takes; Slack's 50
// blocks usually bound it first (combineAnnouncements).
const maxCombined = 10

// goAnnounce queues an announcement for its channel, if there is one, and
// starts the channel's poster unless one runs. It waits while
// maxAnnouncing announcements are queued or being posted.
func (b *Bot) goAnnounce(a *commands.Announcement) {
	if a == nil || a.ChannelID == "" {
		return
	}
	b.announcing <- struct{}{} // waits while maxAnnouncing are queued or being posted
	b.queueMu.Lock()
	q, busy := b.queued[a.ChannelID]
	b.queued[a.ChannelID] = append(q, a)
	b.queueMu.Unlock()
	if !busy {
		b.goWork("announce", func(context.Context) { b.postQueued(a.ChannelID) })
	}
}

// postQueued posts channelID's queued announcements, as many together as
// fit in one message, one message after the other, until the queue is
// empty; then the channel's queue is gone. Each message has WorkTimeout,
// on the bot's context: at shutdown Close waits for the queue to be
// posted, and after Close gave up every post fails at once and is logged.
func (b *Bot) postQueued(channelID string) {
	var held []*commands.Announcement // taken from the queue, slots not released
	defer func() {
		if p := recover(); p != nil {
			// a panic must not leave the channel without a poster and
			// the slots taken: what is left is given up, and logged
			b.queueMu.Lock()
			held = append(held, b.queued[channelID]...)
			delete(b.queued, channelID)
			b.queueMu.Unlock()
			b.log.Error("announcements not posted", "channel", channelID, "count", len(held), "measures", codesOf(held), "panic", p)
			b.release(len(held))
		}
	}()
	for {
		held = b.takeQueued(channelID, maxCombined)
		if len(held) == 0 {
			return
		}
		ctx, cancel := context.WithTimeout(b.bg, b.cfg.WorkTimeout)
		n := b.announceTogether(ctx, held)
		cancel()
		if n < len(held) {
			b.requeue(channelID, held[n:]) // they go first in the next message
		}
		held = nil
		b.release(n)
	}
}

// takeQueued takes up to limit announcements from the front of
// channelID's queue. When there are none, the queue is removed (and the
// caller, its poster, ends) in the same critical section, so that the next
// goAnnounce starts a new poster.
func (b *Bot) takeQueued(channelID string, limit int) []*commands.Announcement {
	b.queueMu.Lock()
	defer b.queueMu.Unlock()
	q := b.queued[channelID]
	if len(q) == 0 {
		delete(b.queued, channelID)
		return nil
	}
	limit = min(limit, len(q))
	took := q[:limit:limit]
	if rest := q[limit:]; len(rest) > 0 {
		b.queued[channelID] = rest
	} else {
		b.queued[channelID] = nil // the poster still runs: a new one must not start
	}
	return took
}

// requeue puts announcements that did not fit in a message back at the
// front of channelID's queue.
func (b *Bot) requeue(channelID string, as []*commands.Announcement) {
	b.queueMu.Lock()
	defer b.queueMu.Unlock()
	b.queued[channelID] = append(append([]*commands.Announcement(nil), as...), b.queued[channelID]...)
}

// release gives back n announcement slots (goAnnounce).
func (b *Bot) release(n int) {
	for range n {
		<-b.announcing
	}
}

// announceTogether posts the first of as (all of one channel) and as many
// of the next as fit into one message (combineAnnouncements), and records
// the message, so that replies in its thread become progress entries of
// the measure — or, when it names several measures, are answered with how
// to log instead (threadSeveral). Words that wait for a translation are
// put in when it arrives (awaitTranslations). It returns how many of as the
// message took, posted or not: a failed post is logged with its measures.
func (b *Bot) announceTogether(ctx context.Context, as []*commands.Announcement) int {
	text, blocks, n := combineAnnouncements(as, b.bundle)
	as = as[:n]
	channelID := as[0].ChannelID
	ts, err := b.PostMessage(ctx, channelID, slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...))
	if err != nil {
		if n == 1 {
			b.log.Warn("announcement not posted", "channel", channelID, "measure", as[0].MeasureCode, "err", err)
		} else {
			b.log.Warn("announcements not posted", "channel", channelID, "count", n, "measures", codesOf(as), "err", err)
		}
		return n
	}
	ids := make([]int64, n)
	var words []commands.Words
	for i, a := range as {
		ids[i] = a.MeasureID
		words = append(words, wordsOf(a)...)
	}
	if err := b.store.RecordMessageMeasures(ctx, channelID, ts, ids, "announce"); err != nil {
		b.log.Error("announcement not recorded", "channel", channelID, "ts", ts, "measures", codesOf(as), "err", err)
	}
	b.awaitTranslations(ctx, channelID, ts, text, blocks, words)
	return n
}

// codesOf lists the measure codes of announcements, for the log.
func codesOf(as []*commands.Announcement) string {
	codes := make([]string, len(as))
	for i, a := range as {
		codes[i] = a.MeasureCode
	}
	return strings.Join(codes, ",")
}

// combineAnnouncements renders the first of as and as many of the next
// (at most maxCombined in all) as fit within MaxBlocks as one message:
// each announcement rendered exactly as alone (AnnouncementBlocks, in the
// channel's languages), a divider between two. It returns the notification
// text, the blocks and how many announcements they hold. One announcement
// is exactly its own message (AnnouncementText, AnnouncementBlocks); the
// text of several is the first one's with "and N more" in its language.
func combineAnnouncements(as []*commands.Announcement, b *locales.Bundle) (text string, blocks []slack.Block, n int) {
	if len(as) == 0 {
		return "", nil, 0
	}
	first := as[0]
	text, blocks, n = AnnouncementText(first, b), AnnouncementBlocks(first, b), 1
	for _, a := range as[1:min(len(as), maxCombined)] {
		bs := AnnouncementBlocks(a, b)
		if len(blocks)+1+len(bs) > MaxBlocks {
			break
		}
		blocks = append(append(blocks, slack.NewDividerBlock()), bs...)
		n++
	}
	if n == 1 {
		return text, blocks, 1
	}
	clearRepeatedIDs(blocks)
	l := b.For(announcementLangs(first)[0])
	more := func(first string) string {
		return l.Plural("bot.announce_more", n-1, map[string]any{"First": first})
	}
	s := more(text)
	if over := utf8.RuneCountInString(s) - MaxFallbackText; over > 0 {
		s = more(cut(text, max(utf8.RuneCountInString(text)-over, 1), "…"))
	}
	return s, blocks, n
}

// clearRepeatedIDs removes a block_id that an earlier block of the message
// has already: Slack refuses a message whose block_ids repeat, and two
// announcements with the same words waiting for a translation carry the
// same marker (translationMarker). The translation then goes beneath the
// first of them.
func clearRepeatedIDs(blocks []slack.Block) {
	seen := map[string]bool{}
	for _, bl := range blocks {
		id := bl.ID()
		if id == "" {
			continue
		}
		if !seen[id] {
			seen[id] = true
			continue
		}
		switch bl := bl.(type) {
		case *slack.SectionBlock:
			bl.BlockID = ""
		case *slack.ContextBlock:
			bl.BlockID = ""
		case *slack.ActionBlock:
			bl.BlockID = ""
		case *slack.HeaderBlock:
			bl.BlockID = ""
		case *slack.DividerBlock:
			bl.BlockID = ""
		}
	}
}
