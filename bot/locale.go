package bot

import (
	"context"
	"time"

	"github.com/klimabot/klimabot/commands"
)

// localeRetryAfter is how long a user whose users.info failed is left
// alone, so that a slow or failing Slack does not cost every command of
// theirs the full LocaleTimeout.
const localeRetryAfter = time.Minute

// UserLocale returns a user's Slack locale ("de-DE", "es-LA"), fetched with
// users.info (include_locale) once and cached in the store for LocaleMaxAge.
// The call gets at most Config.LocaleTimeout; on a timeout or an error the
// result is "" and the language rules go on without it (the command core
// still sees a stale cached locale through the store).
func (b *Bot) UserLocale(ctx context.Context, userID string) string {
	u, _ := b.user(ctx, userID, true)
	if b.fresh(u) {
		return u.Locale
	}
	return ""
}

// UserName returns the name of a user: the one stored, else the one Slack
// knows (fetched with the locale), else the id.
func (b *Bot) UserName(ctx context.Context, userID string) string {
	u, _ := b.user(ctx, userID, true)
	if u.Name != "" {
		return u.Name
	}
	return userID
}

// fresh reports whether u's cached locale may be used without asking Slack
// (an empty one too: Slack had none for the user).
func (b *Bot) fresh(u commands.User) bool {
	return !u.LocaleAt.IsZero() && b.now().Sub(u.LocaleAt) < LocaleMaxAge
}

// user returns what the store knows of a user, refreshed from users.info
// when the cached locale is missing or older than LocaleMaxAge (and fetch
// is set). fetched tells whether Slack was asked successfully.
func (b *Bot) user(ctx context.Context, userID string, fetch bool) (u commands.User, fetched bool) {
	u, err := b.store.User(ctx, userID)
	if err != nil {
		b.log.Error("load user", "user", userID, "err", err)
		return commands.User{ID: userID}, false
	}
	if b.fresh(u) || !fetch || userID == "" || b.recentlyFailed(userID) {
		return u, false
	}
	cctx, cancel := context.WithTimeout(ctx, b.cfg.LocaleTimeout)
	defer cancel()
	info, err := b.api.GetUserInfoContext(cctx, userID) // sends include_locale=true
	if err != nil {
		b.apiError("users.info", err)
		b.mu.Lock()
		b.localeFails[userID] = b.now()
		b.mu.Unlock()
		return u, false
	}
	b.mu.Lock()
	delete(b.localeFails, userID)
	b.mu.Unlock()
	// Read again just before writing: a `lang` of the same user may have
	// been saved meanwhile, and SaveUser writes every field.
	if cur, err := b.store.User(ctx, userID); err == nil {
		u = cur
	}
	u.ID = userID
	u.Locale = info.Locale
	u.LocaleAt = b.now()
	if info.TeamID != "" {
		u.Team = info.TeamID
	}
	if u.Name == "" {
		// external members' names may be only in the profile (SLACK.md)
		u.Name = displayName(info.RealName, info.Profile.RealName, info.Profile.DisplayName, info.Name)
	}
	if err := b.store.SaveUser(ctx, u); err != nil {
		b.log.Error("cache user locale", "user", userID, "err", err)
	}
	return u, true
}

func (b *Bot) recentlyFailed(userID string) bool {
	b.mu.RLock()
	defer b.mu.RUnlock()
	at, ok := b.localeFails[userID]
	return ok && b.now().Sub(at) < localeRetryAfter
}

// displayName is the first non-empty name.
func displayName(names ...string) string {
	for _, n := range names {
		if n != "" {
			return n
		}
	}
	return ""
}
