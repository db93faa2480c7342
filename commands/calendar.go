package commands

import (
	"context"
	"time"

	"github.com/klimabot/klimabot/locales"
)

// CalendarScope says which measures a calendar shows.
type CalendarScope string

// Calendar scopes. A channel's calendar is evaluated when it is made: a
// subscription follows the channel's follows as they change.
const (
	CalendarChannel CalendarScope = "channel" // the measures the channel follows
	CalendarMeasure CalendarScope = "measure" // one measure
	CalendarAll     CalendarScope = "all"     // every measure
)

// CalendarRequest asks for the calendar of open deadlines of a scope.
type CalendarRequest struct {
	Scope      CalendarScope
	ChannelID  string  // CalendarChannel: the channel
	MeasureIDs []int64 // CalendarMeasure: the measures (a link has one)
	Lang       string  // language of summaries and descriptions
	Now        time.Time
}

// CalendarFile is an iCalendar file made for a request and how many events
// (open deadlines) it holds.
type CalendarFile struct {
	File
	Events int
}

// CalendarLink is a private subscription link: whoever has its token reads
// the calendar of its scope, in its language, as the store holds it at each
// request. A link belongs to the person who asked for it; there is one per
// person and scope, so asking again shows the same link.
type CalendarLink struct {
	Token     string
	UserID    string
	Scope     CalendarScope
	ChannelID string // CalendarChannel only
	MeasureID int64  // CalendarMeasure only
	Lang      string
	CreatedAt time.Time
}

// Request returns what the link shows, as of now.
func (l CalendarLink) Request(now time.Time) CalendarRequest {
	r := CalendarRequest{Scope: l.Scope, ChannelID: l.ChannelID, Lang: l.Lang, Now: now}
	if l.Scope == CalendarMeasure {
		r.MeasureIDs = []int64{l.MeasureID}
	}
	return r
}

// Calendars makes the calendar files of `calendar` and keeps the
// subscription links. The core only knows this interface; commands/calendar
// implements it (iCalendar is its business), and cmd/klimabot wires it into
// Service.Calendars.
type Calendars interface {
	// File returns the iCalendar file of the open deadlines of r's scope.
	File(ctx context.Context, r CalendarRequest) (CalendarFile, error)
	// Link returns the subscription URL of l's person and scope, making
	// the link the first time; "" when subscriptions are not configured
	// (no KLIMABOT_PUBLIC_URL).
	Link(ctx context.Context, l CalendarLink) (string, error)
	// Revoke deletes every link of the user and says how many there were.
	Revoke(ctx context.Context, userID string) (int, error)
	// RevokeAll deletes everyone's links and says how many there were.
	RevokeAll(ctx context.Context) (int, error)
}

// revokeWords mean "revoke" in `calendar revoke`, folded, in every language.
var revokeWords = map[string]bool{
	"revoke": true, "widerrufen": true, "sperren": true, "zrusit": true, "odvolat": true,
	"revocar": true, "anular": true,
}

func isRevoke(s string) bool { return revokeWords[locales.Fold(s)] }

// calendar answers `calendar [CODE|all]`: the open deadlines of the
// channel's measures (or of one, or of all) as an iCalendar file for the
// caller alone, and, when subscriptions are configured, the caller's
// private subscription link. `calendar revoke` deletes the caller's links;
// `calendar revoke all` everyone's (admins).
func (c *call) calendar() (Reply, error) {
	if c.s.Calendars == nil {
		return Reply{}, Errorf(ECONFLICT, "error.calendar_unavailable", nil)
	}
	arg := c.cmd.Arg(0)
	if isRevoke(arg) {
		return c.calendarRevoke()
	}
	if len(c.cmd.Args) > 1 {
		return Reply{}, c.usageError(Msg("error.one_code", nil))
	}
	req := CalendarRequest{Lang: c.lang, Now: c.s.now()}
	link := CalendarLink{UserID: c.req.User.ID, Lang: c.lang}
	var what Text
	switch {
	case arg == "":
		if !c.channel.FollowAll && len(c.channel.Follows) == 0 {
			return Reply{}, c.usageError(Msg("calendar.no_follows", nil))
		}
		req.Scope, req.ChannelID = CalendarChannel, c.req.ChannelID
		link.Scope, link.ChannelID = CalendarChannel, c.req.ChannelID
		what = Msg("calendar.what_channel", nil)
	case isAll(arg):
		req.Scope, link.Scope = CalendarAll, CalendarAll
		what = Msg("calendar.what_all", nil)
	default:
		m, err := c.measure(arg)
		if err != nil {
			return Reply{}, err
		}
		req.Scope, req.MeasureIDs = CalendarMeasure, []int64{m.ID}
		link.Scope, link.MeasureID = CalendarMeasure, m.ID
		what = Raw(m.Code + " " + shorten(m.Title, 80))
	}
	f, err := c.s.Calendars.File(c.ctx, req)
	if err != nil {
		return Reply{}, storeErr("make calendar", err)
	}
	var parts []Part
	if f.Events == 0 {
		parts = append(parts, Paragraph{Text: Msg("calendar.empty", Data{"What": what})})
	} else {
		f.PrivateTo = c.req.User.ID // a calendar is the asker's, never the channel's
		parts = append(parts,
			Paragraph{Text: Plural("calendar.ready", f.Events, Data{"What": what, "Name": f.Name})},
			f.File)
	}
	url, err := c.s.Calendars.Link(c.ctx, link)
	if err != nil {
		return Reply{}, storeErr("calendar link", err)
	}
	if url != "" {
		parts = append(parts,
			Paragraph{Text: Msg("calendar.link", Data{"URL": url})},
			Context{Msg("calendar.link_private", Data{"What": what})})
	}
	return Reply{Parts: parts}, nil
}

// calendarRevoke answers `calendar revoke` (the caller's links) and
// `calendar revoke all` (everyone's; admins only).
func (c *call) calendarRevoke() (Reply, error) {
	switch {
	case len(c.cmd.Args) > 2 || (len(c.cmd.Args) == 2 && !isAll(c.cmd.Arg(1))):
		return Reply{}, c.usageError(Msg("error.calendar_revoke", Data{"Word": c.cmd.Arg(1)}))
	case len(c.cmd.Args) == 2:
		if err := c.requireAdmin(); err != nil {
			return Reply{}, err
		}
		n, err := c.s.Calendars.RevokeAll(c.ctx)
		if err != nil {
			return Reply{}, storeErr("revoke all calendar links", err)
		}
		if n == 0 {
			return Reply{Parts: []Part{Paragraph{Text: Msg("calendar.revoked_all_none", nil)}}}, nil
		}
		return Reply{Parts: []Part{Paragraph{Text: Plural("calendar.revoked_all", n, nil)}}}, nil
	}
	n, err := c.s.Calendars.Revoke(c.ctx, c.req.User.ID)
	if err != nil {
		return Reply{}, storeErr("revoke calendar links", err)
	}
	if n == 0 {
		return Reply{Parts: []Part{Paragraph{Text: Msg("calendar.revoked_none", nil)}}}, nil
	}
	return Reply{Parts: []Part{Paragraph{Text: Plural("calendar.revoked", n, nil)}}}, nil
}
