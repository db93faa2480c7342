package bot

import (
	"context"

	"github.com/klimabot/klimabot/commands"
)

// Actor is the request of the person who clicks a button or submits a
// modal, on their own rights: their user id, the channel they act in, and
// whether they belong to another workspace than the installing one
// (Slack Connect; never an admin then) — by the payload's user.team_id,
// else by users.info (IsExternal).
func (b *Bot) Actor(ctx context.Context, userID, teamID, channelID string) commands.Request {
	return commands.Request{
		User:      commands.Person{ID: userID},
		ChannelID: channelID,
		External:  b.IsExternal(ctx, userID, teamID),
	}
}

// AuthorizeClick checks at click time that the one who clicked a may act
// on the measure with this code in the channel of the click: the command
// core's rule for log and done (commands.Service.Authorize), so that a
// button on an old reminder of a channel that no longer follows the
// measure is refused like a typed command. Every button that changes a
// measure calls it before it writes; a refusal is a *commands.Error whose
// Msg tells the clicker why (Reminders.failButton shows it).
func (b *Bot) AuthorizeClick(ctx context.Context, a Action, code string) (*commands.Measure, error) {
	return b.svc.Authorize(ctx, b.Actor(ctx, a.UserID, a.TeamID, a.ChannelID), code)
}
