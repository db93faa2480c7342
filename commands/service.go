package commands

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/klimabot/klimabot/locales"
)

// Service executes commands against a Store. It holds no per-request state
// and is safe for concurrent use.
type Service struct {
	Store  Store
	Bundle *locales.Bundle
	// Now is the clock; tests inject a fixed one.
	Now func() time.Time
	// DefaultLang is KLIMABOT_LANGUAGE: the language when nothing else decides.
	DefaultLang string
	// DefaultTZ is KLIMABOT_TIMEZONE: the zone of channels without their own.
	DefaultTZ string
	// Admins are the Slack user ids of KLIMABOT_ADMINS.
	Admins map[string]bool
	Log    *slog.Logger
	// Reports makes the documents of `report` and `timeline`; nil answers
	// them with a localized "not available here".
	Reports Reports
	// Calendars makes the files and links of `calendar`; nil answers it
	// with a localized "not available here".
	Calendars Calendars
	// Translations gives the stored translations of people's words; nil
	// when no provider is configured (see translation.go).
	Translations Translations
}

// Request is one command as someone typed it.
type Request struct {
	User      Person
	ChannelID string
	Text      string
	// Locale is the caller's Slack locale if known ("de-DE", "es-LA").
	Locale string
	// Lang forces the caller's language for this request (the console's
	// --lang flag); "" leaves the decision to the rules.
	Lang string
	// Admin grants admin rights regardless of Admins: the local console acts
	// as an admin, since whoever holds the database file holds the data.
	Admin bool
	// External marks a member of another workspace than the one that
	// installed klimabot (a partner in a Slack Connect channel). An external
	// member is never an admin, even when their user id is in Admins: user
	// ids are only unique within a workspace's organisation, and
	// KLIMABOT_ADMINS names people of the installing town. Their channel
	// rights (log and done on followed measures) are everyone's.
	External bool
	// Known is the caller's stored record when the transport has just read
	// it (Slack does, for the locale), so Execute need not read it again.
	Known *User
}

// call is the state of one Execute.
type call struct {
	s       *Service
	ctx     context.Context
	req     Request
	cmd     Command
	user    User
	channel Channel
	lang    string
	loc     *time.Location
	// leave, if set, ends the call's read snapshot (see leaveSnapshot).
	leave func()
	// inferText is what the caller wrote in this call that tells their
	// language (a logged text, a thread reply); inferFrom says what it is.
	inferText string
	inferFrom InferSource
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) logger() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

// Execute parses and runs one command line and returns the answer. It never
// panics on input and never returns a Go error: failures become a Reply with
// Err set and a localized explanation.
func (s *Service) Execute(ctx context.Context, req Request) Reply {
	r := s.execute(ctx, req)
	if req.External {
		// partners cannot use the slash command: teach the mention
		r = r.ForMention(MentionCommand)
	}
	return r
}

func (s *Service) execute(ctx context.Context, req Request) Reply {
	cmd, perr := Parse(req.Text)
	c := &call{s: s, ctx: ctx, req: req, cmd: cmd}
	if sn, ok := s.Store.(Snapshotter); ok && perr == nil && (cmd.readOnly() || cmd.Name == CmdLog) {
		// log reads (caller, channel, measure) and then writes once, reading
		// nothing after: its reads share a snapshot that it leaves before
		// the write (leaveSnapshot), so that it holds no reader connection
		// while it waits for its commit.
		var end func()
		c.ctx, end = sn.Snapshot(ctx)
		defer end()
		c.leave = func() { end(); c.ctx = ctx }
	}
	c.inferText, c.inferFrom = cmd.writing()
	if err := c.load(cmd.WordLanguage()); err != nil {
		return c.fail(err)
	}
	if perr != nil {
		return c.fail(perr)
	}
	var r Reply
	var err error
	switch cmd.Name {
	case CmdHelp:
		r = c.help()
	case CmdStatus:
		r, err = c.status()
	case CmdList:
		r, err = c.list()
	case CmdLog:
		r, err = c.log()
	case CmdDone:
		r, err = c.done()
	case CmdDeadlines:
		r, err = c.deadlines()
	case CmdDeadline:
		r, err = c.deadline()
	case CmdLang:
		r, err = c.language()
	case CmdChannel:
		r, err = c.channelCmd()
	case CmdFollow:
		r, err = c.follow(true)
	case CmdUnfollow:
		r, err = c.follow(false)
	case CmdReport:
		r, err = c.report()
	case CmdTimeline:
		r, err = c.timeline()
	case CmdCalendar:
		r, err = c.calendar()
	}
	if err != nil {
		return c.fail(err)
	}
	r.Lang = c.lang
	return r
}

// Snapshotter is a Store that can serve all reads of one command from one
// read transaction (storage.DB.Snapshot): the reads made with the returned
// context see one snapshot of the data, on one connection (storage's read
// cache may answer before the transaction began, with data no older than
// the snapshot). Such reads need not see writes made after the snapshot
// began, so Execute takes one only for commands that do not read what they
// write (see readOnly), and for log, which leaves it before its write
// (leaveSnapshot). end must be called; it may be called more than once.
type Snapshotter interface {
	Snapshot(ctx context.Context) (_ context.Context, end func())
}

// ReadOnly reports whether the command line text is one that only reads
// (see readOnly): a transport may then take the command's snapshot before
// its own reads of the caller (Snapshotter), so that they share it.
func ReadOnly(text string) bool {
	cmd, err := Parse(text)
	return err == nil && cmd.readOnly()
}

// readOnly reports whether the command only reads (its answer needs no
// read of its own writes; learning the caller's language is a write that
// nothing reads back within the command).
func (c Command) readOnly() bool {
	switch c.Name {
	case CmdStatus, CmdList, CmdDeadlines, CmdHelp:
		return true
	}
	return false
}

// load reads the caller and the channel and decides the language; wordLang
// is the language of the typed subcommand word, if any.
func (c *call) load(wordLang string) error {
	var err error
	if k := c.req.Known; k != nil && k.ID == c.req.User.ID {
		c.user = *k
	} else if c.user, err = c.s.Store.User(c.ctx, c.req.User.ID); err != nil {
		return Internal("load user", err)
	}
	if c.channel, err = c.s.Store.Channel(c.ctx, c.req.ChannelID); err != nil {
		return Internal("load channel", err)
	}
	c.learnLanguage()
	c.lang = c.s.Language(c.user, wordLang, c.req, c.channel)
	c.loc = c.s.zone(c.channel)
	return nil
}

// leaveSnapshot ends the call's read snapshot, if it has one, before a
// write: the reads after it (if any) see the latest data again.
func (c *call) leaveSnapshot() {
	if c.leave != nil {
		c.leave()
		c.leave = nil
	}
}

// zone returns the channel's time zone, the default zone, or UTC.
func (s *Service) zone(ch Channel) *time.Location {
	for _, name := range []string{ch.TimeZone, s.DefaultTZ, DefaultTimeZone} {
		if name == "" {
			continue
		}
		if loc, err := loadLocation(name); err == nil {
			return loc
		}
	}
	return time.UTC
}

// zones caches time.LoadLocation, which reads and parses the zone file
// on every call (4% of the bot's CPU under load, profiled in
// docs/PERFORMANCE.md). A *time.Location is immutable; the names are the
// few zones channels use.
var zones sync.Map // name → *time.Location

// loadLocation is time.LoadLocation, cached; failures are not cached.
func loadLocation(name string) (*time.Location, error) {
	if loc, ok := zones.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	zones.Store(name, loc)
	return loc, nil
}

// today is the calendar day now in the channel's zone.
func (c *call) today() Date { return Today(c.s.now(), c.loc) }

// fail turns an error into the answer the caller sees. Internal errors are
// logged and shown as one generic line.
func (c *call) fail(err error) Reply {
	e, ok := err.(*Error)
	if !ok {
		e = Internal("execute "+c.cmd.Name, err)
	}
	if e.Code == EINTERNAL {
		c.s.logger().ErrorContext(c.ctx, "command failed", "command", c.cmd.Name,
			"user", c.req.User.ID, "channel", c.req.ChannelID, "err", e)
		msg := "error.internal"
		if NotStored(e.Err) {
			msg = "error.not_stored"
		}
		e = &Error{Code: EINTERNAL, Msg: Msg(msg, nil), Err: e.Err}
	}
	parts := []Part{Paragraph{Text: e.Msg}}
	if e.Hint != nil {
		parts = append(parts, Context{*e.Hint})
	}
	if c.cmd.Name == "" && e.Code == EINVALID {
		// an unknown subcommand: the short help says what there is
		parts = append(parts, c.usageList(false)...)
	}
	lang := c.lang
	if lang == "" {
		lang = locales.Default
	}
	return Reply{Lang: lang, Parts: parts, Err: e}
}

// measure finds a measure by a forgivingly typed code; an unknown code gets
// the closest codes as a hint.
func (c *call) measure(code string) (*Measure, error) {
	if strings.TrimSpace(code) == "" {
		return nil, c.usageError(Msg("error.missing_code", nil))
	}
	m, err := c.s.Store.MeasureSteps(c.ctx, code)
	if ErrorCode(err) != ENOTFOUND {
		return m, err
	}
	codes, cerr := c.s.Store.Codes(c.ctx)
	if cerr != nil {
		return nil, Internal("list codes", cerr)
	}
	e := &Error{Code: ENOTFOUND, Msg: Msg("error.unknown_code", Data{"Code": code})}
	if near := ClosestCodes(code, codes, 3); len(near) > 0 {
		h := Msg("hint.closest_codes", Data{"Codes": strings.Join(near, ", ")})
		e.Hint = &h
	} else {
		h := Msg("hint.list_codes", nil)
		e.Hint = &h
	}
	return nil, e
}

// usageError is an EINVALID error whose hint is the usage line of the
// command being run.
func (c *call) usageError(msg Text) *Error {
	h := Msg("usage."+c.cmd.Name, nil)
	return &Error{Code: EINVALID, Msg: msg, Hint: &h}
}
