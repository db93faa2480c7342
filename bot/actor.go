package bot

import (
	"context"

	"github.com/klimabot/klimabot/commands"
)

// externalMember reports whether a person belongs to another workspace than
// the one that installed klimabot (a partner in a Slack Connect channel):
// by the team the payload names (an event's user_team, an interaction's
// user.team_id) when it names one, else by the team users.info named
// (cached with the user, User.Team). An external member is never an admin,
// even with an id in KLIMABOT_ADMINS. Mentions sometimes come without
// user_team: then users.info decides.
func (b *Bot) externalMember(team string, u commands.User) bool {
	if team != "" {
		return b.externalTeam(team)
	}
	return b.externalTeam(u.Team)
}

// IsExternal is externalMember for entry points that have not read the
// user yet (button clicks): it reads them, asking users.info when the
// cached record is stale.
func (b *Bot) IsExternal(ctx context.Context, userID, team string) bool {
	if team != "" {
		return b.externalTeam(team)
	}
	u, _ := b.user(ctx, userID, true)
	return b.externalMember("", u)
}
