package calendar

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/klimabot/klimabot/commands"
	"github.com/klimabot/klimabot/commands/export"
	"github.com/klimabot/klimabot/locales"
)

// Store is what calendars need from persistence; storage.DB implements it.
type Store interface {
	// Deadlines, Measure, MeasureCode, Channel and FollowedMeasureIDs
	// read what a calendar shows.
	Deadlines(ctx context.Context, q commands.DeadlineQuery) ([]commands.Deadline, error)
	Measure(ctx context.Context, code string) (*commands.Measure, error)
	MeasureCode(ctx context.Context, id int64) (string, error)
	Channel(ctx context.Context, id string) (commands.Channel, error)
	// FollowedMeasureIDs lists the ids of the measures a channel follows.
	FollowedMeasureIDs(ctx context.Context, ch commands.Channel) ([]int64, error)
	// CalendarDomain is the right-hand side of the database's event UIDs.
	CalendarDomain(ctx context.Context) (string, error)
	// SaveCalendarLink stores l under tokenHash unless its person already
	// has a link of that scope, and returns the link that holds.
	SaveCalendarLink(ctx context.Context, l commands.CalendarLink, tokenHash []byte) (commands.CalendarLink, error)
	// CalendarLinkByHash finds a link by the SHA-256 of its token.
	CalendarLinkByHash(ctx context.Context, tokenHash []byte) (commands.CalendarLink, bool, error)
	// RevokeCalendarLinks and RevokeAllCalendarLinks delete links.
	RevokeCalendarLinks(ctx context.Context, userID string) (int, error)
	RevokeAllCalendarLinks(ctx context.Context) (int, error)
}

// FeedPath is the path prefix of subscription feeds: a link is
// PublicURL + FeedPath + TOKEN + FeedSuffix.
const (
	FeedPath   = "/calendar/"
	FeedSuffix = ".ics"
)

// tokenBytes is the randomness of a link's token: 160 bits, written as 32
// lower-case base32 characters (no padding), which survive any URL handling
// and any mail program that lower-cases links.
const tokenBytes = 20

var tokenEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// Maker makes calendar files and subscription feeds and keeps the links;
// it implements commands.Calendars, and bot serves its Feed.
type Maker struct {
	Store  Store
	Bundle *locales.Bundle
	// PublicURL is KLIMABOT_PUBLIC_URL: the address under which the town's
	// network reaches klimabot's HTTP server, without a trailing slash.
	// Empty, no links are made (existing ones are still served and revoked).
	PublicURL string
	// Now is the clock of feeds (DTSTAMP); nil means time.Now.
	Now func() time.Time
}

var _ commands.Calendars = (*Maker)(nil)

// File returns the calendar of r's scope: klimabot-F.019.ics for one
// measure, klimabot.ics for several (a channel's or all).
func (mk *Maker) File(ctx context.Context, r commands.CalendarRequest) (commands.CalendarFile, error) {
	c, err := mk.load(ctx, r)
	if err != nil {
		return commands.CalendarFile{}, err
	}
	var buf bytes.Buffer
	if err := c.write(&buf); err != nil {
		return commands.CalendarFile{}, err
	}
	name := "klimabot.ics"
	title := commands.Msg("calendar.name", nil)
	if len(c.codes) == 1 {
		name = "klimabot-" + export.FileSlug(c.codes[0]) + ".ics"
		title = commands.Msg("calendar.name_measure", commands.Data{"Code": c.codes[0]})
	}
	return commands.CalendarFile{
		File:   commands.File{Name: name, Title: title, Type: ContentType, Content: buf.Bytes()},
		Events: len(c.events),
	}, nil
}

// Feed reads the calendar a subscription token shows, as the store holds it
// now, and returns the function that writes it; ok is false for a token
// that was never issued or was revoked (and for anything that cannot be a
// token, without asking the store). Everything that can fail but writing
// has happened when Feed returns, so a server can still answer an error
// then; the calendar itself is written straight to the response, not held
// in memory (all measures of a large plan are megabytes).
func (mk *Maker) Feed(ctx context.Context, token string) (write func(io.Writer) error, ok bool, err error) {
	if !validToken(token) {
		return nil, false, nil
	}
	l, ok, err := mk.Store.CalendarLinkByHash(ctx, tokenHash(token))
	if err != nil || !ok {
		return nil, false, err
	}
	c, err := mk.load(ctx, l.Request(mk.now()))
	if err != nil {
		return nil, false, err
	}
	return c.write, true, nil
}

// Link returns the subscription URL of l's person and scope, making a link
// with a fresh random token the first time.
func (mk *Maker) Link(ctx context.Context, l commands.CalendarLink) (string, error) {
	if mk.PublicURL == "" {
		return "", nil
	}
	token, err := newToken()
	if err != nil {
		return "", err
	}
	l.Token = token
	saved, err := mk.Store.SaveCalendarLink(ctx, l, tokenHash(token))
	if err != nil {
		return "", err
	}
	return strings.TrimRight(mk.PublicURL, "/") + FeedPath + saved.Token + FeedSuffix, nil
}

// Revoke deletes the user's links.
func (mk *Maker) Revoke(ctx context.Context, userID string) (int, error) {
	return mk.Store.RevokeCalendarLinks(ctx, userID)
}

// RevokeAll deletes everyone's links.
func (mk *Maker) RevokeAll(ctx context.Context) (int, error) {
	return mk.Store.RevokeAllCalendarLinks(ctx)
}

func (mk *Maker) now() time.Time {
	if mk.Now != nil {
		return mk.Now()
	}
	return time.Now()
}

// loaded is a calendar read from the store, ready to be written.
type loaded struct {
	events []Event
	codes  []string // the measures its scope names, when it names them
	opt    Options
}

func (c *loaded) write(w io.Writer) error { return Write(w, c.events, c.opt) }

// load reads the calendar of r: its events, the measures its scope names
// (one code for a one-measure calendar) and the UID domain.
func (mk *Maker) load(ctx context.Context, r commands.CalendarRequest) (*loaded, error) {
	evs, codes, err := mk.events(ctx, r)
	if err != nil {
		return nil, err
	}
	domain, err := mk.Store.CalendarDomain(ctx)
	if err != nil {
		return nil, err
	}
	l := mk.Bundle.For(r.Lang)
	name := l.Msg("calendar.name", nil)
	if len(codes) == 1 {
		name = l.Msg("calendar.name_measure", map[string]any{"Code": codes[0]})
	}
	return &loaded{events: evs, codes: codes, opt: Options{L: l, Now: r.Now, Domain: domain, Name: name}}, nil
}

// Events returns the open deadlines of r's scope, soonest first, each with
// its measure, and the codes of the measures the scope names (nil for all
// measures).
func (mk *Maker) events(ctx context.Context, r commands.CalendarRequest) ([]Event, []string, error) {
	ids, codes, all, err := mk.scope(ctx, r)
	if err != nil {
		return nil, nil, err
	}
	if !all && len(ids) == 0 {
		// A channel that follows nothing shows nothing: an empty id list
		// would mean "every measure" to the store.
		return nil, codes, nil
	}
	ds, err := mk.Store.Deadlines(ctx, commands.DeadlineQuery{MeasureIDs: ids})
	if err != nil {
		return nil, nil, fmt.Errorf("calendar deadlines: %w", err)
	}
	measures := map[int64]*commands.Measure{}
	out := make([]Event, 0, len(ds))
	for _, d := range ds {
		if !d.State.Open() {
			continue
		}
		m, seen := measures[d.MeasureID]
		if !seen {
			if m, err = mk.Store.Measure(ctx, d.MeasureCode); err != nil {
				return nil, nil, fmt.Errorf("calendar measure %s: %w", d.MeasureCode, err)
			}
			measures[d.MeasureID] = m
		}
		out = append(out, Event{Deadline: d, Measure: m})
	}
	return out, codes, nil
}

// scope resolves r to measure ids (all: every measure), reading the
// channel's follows as they are now.
func (mk *Maker) scope(ctx context.Context, r commands.CalendarRequest) (ids []int64, codes []string, all bool, err error) {
	switch r.Scope {
	case commands.CalendarAll:
		return nil, nil, true, nil
	case commands.CalendarMeasure:
		for _, id := range r.MeasureIDs {
			code, err := mk.Store.MeasureCode(ctx, id)
			if commands.ErrorCode(err) == commands.ENOTFOUND {
				continue // a link to a measure that is gone shows nothing
			}
			if err != nil {
				return nil, nil, false, fmt.Errorf("calendar measure: %w", err)
			}
			ids, codes = append(ids, id), append(codes, code)
		}
		return ids, codes, false, nil
	case commands.CalendarChannel:
		ch, err := mk.Store.Channel(ctx, r.ChannelID)
		if err != nil {
			return nil, nil, false, fmt.Errorf("calendar channel: %w", err)
		}
		if ch.FollowAll {
			return nil, nil, true, nil
		}
		if ids, err = mk.Store.FollowedMeasureIDs(ctx, ch); err != nil {
			return nil, nil, false, fmt.Errorf("calendar channel: %w", err)
		}
		codes = ch.Follows
		return ids, codes, false, nil
	}
	return nil, nil, false, fmt.Errorf("calendar: unknown scope %q", r.Scope)
}

// newToken returns a fresh random token.
func newToken() (string, error) {
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("calendar token: %w", err)
	}
	return strings.ToLower(tokenEncoding.EncodeToString(b)), nil
}

// tokenLen is the length of a token as written.
var tokenLen = tokenEncoding.EncodedLen(tokenBytes)

// validToken reports whether s has the shape of a token.
func validToken(s string) bool {
	if len(s) != tokenLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 'a' || c > 'z') && (c < '2' || c > '7') {
			return false
		}
	}
	return true
}

// tokenHash is the key a token is stored and looked up under.
func tokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}
