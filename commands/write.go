package commands

import (
	"context"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/klimabot/klimabot/locales"
)

// MaxTextLen is the longest text (progress entry, deadline text) the bot
// stores, in characters: long enough for a meeting's minutes in brief, short
// enough for one Slack section.
const MaxTextLen = 2900

// admin reports whether the caller may run admin commands: the console, or
// a user id in KLIMABOT_ADMINS of the installing workspace (SPEC "Who may do
// what": a member of another workspace is never an admin).
func (c *call) admin() bool {
	return !c.req.External && (c.req.Admin || c.s.Admins[c.req.User.ID])
}

// requireAdmin refuses admin commands to everyone else, saying who may.
func (c *call) requireAdmin() error {
	if c.admin() {
		return nil
	}
	return &Error{Code: EFORBIDDEN, Msg: Msg("error.forbidden_admin", Data{"Word": c.cmd.Word})}
}

// requireMember allows log and done on a measure in a channel that follows
// it, and to admins anywhere (SPEC "Who may do what").
func (c *call) requireMember(m *Measure) error {
	if c.admin() || c.channel.FollowAll || slices.ContainsFunc(c.channel.Follows, func(code string) bool {
		return CodeKey(code) == CodeKey(m.Code)
	}) {
		return nil
	}
	return &Error{Code: EFORBIDDEN, Msg: Msg("error.forbidden_measure", Data{"Code": m.Code})}
}

// text returns the free text of a command after n arguments, checked.
func (c *call) text(n int) (string, error) {
	t := c.cmd.RestAfter(n)
	if t == "" {
		return "", c.usageError(Msg("error.missing_text", nil))
	}
	if l := utf8.RuneCountInString(t); l > MaxTextLen {
		return "", &Error{Code: EINVALID, Msg: Msg("error.too_long", Data{"Length": Number(l), "Max": Number(MaxTextLen)})}
	}
	return t, nil
}

// channelLangs are the languages announcements go out in: the channel's, or
// the default language.
func (c *call) channelLangs() []string {
	var out []string
	for _, l := range c.channel.Languages {
		if m, ok := locales.MatchLanguage(l); ok && !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	if len(out) == 0 {
		out = []string{c.s.Language(User{}, "", Request{}, Channel{})}
	}
	return out
}

func (c *call) announce(m *Measure, parts ...Part) *Announcement {
	return &Announcement{ChannelID: c.req.ChannelID, Langs: c.channelLangs(), MeasureID: m.ID, MeasureCode: m.Code, Parts: parts}
}

// log answers `log CODE TEXT`: a progress entry, announced in the channel.
func (c *call) log() (Reply, error) {
	m, err := c.measure(c.cmd.Arg(0))
	if err != nil {
		return Reply{}, err
	}
	text, err := c.text(1)
	if err != nil {
		return Reply{}, err
	}
	return c.addEntry(m, text, SourceCommand)
}

// addEntry checks the caller may log on m, stores the entry and announces it.
func (c *call) addEntry(m *Measure, text string, src Source) (Reply, error) {
	if err := c.requireMember(m); err != nil {
		return Reply{}, err
	}
	// the announcement's translations are looked up while the call still
	// holds its read snapshot: after leaving it each language's lookup
	// would take a read transaction of its own (7 % of the CPU of a log)
	words := c.words(text, c.channelLangs())
	c.leaveSnapshot()
	e, err := c.s.Store.AddEntry(c.ctx, Entry{
		MeasureID: m.ID, MeasureCode: m.Code, Author: c.req.User, Text: text, Source: src, ChannelID: c.req.ChannelID,
	})
	if err != nil {
		return Reply{}, storeErr("add entry", err)
	}
	title := Raw(m.Code + " " + m.Title)
	return Reply{
		Parts: []Part{Paragraph{Text: Msg("log.saved", Data{"Code": m.Code})}, Context{Raw(e.Text)}},
		Announce: c.announce(m,
			Paragraph{Text: Msg("announce.log", Data{"Name": personName(c.req.User), "Measure": title})},
			words),
	}, nil
}

// LogEntry stores text as a progress entry of the measure code on behalf of
// req.User, for entry points that are not a typed command: a reply in a
// reminder's thread, the "log as progress" message shortcut. It checks,
// answers and announces exactly like `log`; req.Text is ignored.
func (s *Service) LogEntry(ctx context.Context, req Request, code, text string, src Source) Reply {
	c := &call{s: s, ctx: ctx, req: req, cmd: Command{Name: CmdLog}}
	switch src {
	case SourceThread:
		c.inferText, c.inferFrom = text, InferThread
	case SourceCommand:
		c.inferText, c.inferFrom = text, InferLog
	} // a shortcut's text may be another person's words: it tells nothing of the caller
	if err := c.load(""); err != nil {
		return c.fail(err)
	}
	r, err := c.logText(code, text, src)
	if err != nil {
		return c.fail(err)
	}
	r.Lang = c.lang
	return r
}

func (c *call) logText(code, text string, src Source) (Reply, error) {
	m, err := c.measure(code)
	if err != nil {
		return Reply{}, err
	}
	text = strings.TrimSpace(CleanText(text))
	if text == "" {
		return Reply{}, c.usageError(Msg("error.missing_text", nil))
	}
	if l := utf8.RuneCountInString(text); l > MaxTextLen {
		return Reply{}, &Error{Code: EINVALID, Msg: Msg("error.too_long", Data{"Length": Number(l), "Max": Number(MaxTextLen)})}
	}
	return c.addEntry(m, text, src)
}

// parseSteps reads "5", "3,4", "1-4", "1–4", "1-3,6" (also "3 & 4", "3+4").
func parseSteps(s string) ([]int, bool) {
	s = strings.NewReplacer("&", ",", "+", ",", ";", ",", " ", "", "–", "-", "—", "-").Replace(s)
	seen := map[int]bool{}
	var out []int
	for _, part := range strings.Split(s, ",") {
		if part == "" {
			continue
		}
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.Atoi(lo)
		if err != nil || a < 1 || a > 999 {
			return nil, false
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(hi); err != nil || b < a || b > 999 {
				return nil, false
			}
		}
		for n := a; n <= b; n++ {
			if !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	sort.Ints(out)
	return out, len(out) > 0
}

// done answers `done CODE STEPS [TEXT]`: ticks off steps, logs the note.
func (c *call) done() (Reply, error) {
	m, err := c.measure(c.cmd.Arg(0))
	if err != nil {
		return Reply{}, err
	}
	if err := c.requireMember(m); err != nil {
		return Reply{}, err
	}
	if c.cmd.Arg(1) == "" {
		return Reply{}, c.usageError(Msg("error.missing_steps", nil))
	}
	steps, n, ok, guess, ambiguous := parseStepArgs(c.cmd.Args[1:])
	if !ok {
		return Reply{}, c.usageError(Msg("error.bad_steps", Data{"Steps": c.cmd.Arg(1)}))
	}
	if ambiguous {
		// "5 oder 6", "5 und 6a": ask rather than tick one step and
		// announce the rest to the partner as a progress entry.
		return Reply{}, &Error{Code: EINVALID,
			Msg:  Msg("error.steps_ambiguous", Data{"Rest": c.cmd.RestAfter(1)}),
			Hint: ptr(Plural("hint.steps_meant", len(guess), Data{"Steps": StepList(guess), "Code": m.Code}))}
	}
	var note *Entry
	if c.cmd.RestAfter(1+n) != "" {
		text, err := c.text(1 + n)
		if err != nil {
			return Reply{}, err
		}
		note = &Entry{MeasureID: m.ID, Author: c.req.User, Text: text, Source: SourceCommand, ChannelID: c.req.ChannelID}
	}
	newly, err := c.s.Store.CompleteSteps(c.ctx, m.ID, steps, c.req.User, c.s.now(), note)
	if err != nil {
		return Reply{}, storeErr("complete steps", err)
	}
	doneCount := 0
	for _, st := range m.Steps {
		if st.Done || slices.Contains(newly, st.Number) {
			doneCount++
		}
	}
	progress := Progress{Done: doneCount, Total: len(m.Steps)}
	var parts []Part
	if len(newly) > 0 {
		parts = append(parts, Paragraph{Text: Plural("done.saved", len(newly), Data{"Code": m.Code, "Steps": StepList(newly)})})
	}
	if already := without(steps, newly); len(already) > 0 {
		parts = append(parts, Paragraph{Text: Plural("done.already", len(already), Data{"Code": m.Code, "Steps": StepList(already)})})
	}
	parts = append(parts, progress)
	r := Reply{Parts: parts}
	if len(newly) > 0 || note != nil {
		ann := []Part{Paragraph{Text: Plural("announce.done", len(newly), Data{
			"Name": personName(c.req.User), "Measure": Raw(m.Code + " " + m.Title), "Steps": StepList(newly),
		})}}
		if len(newly) == 0 {
			ann = []Part{Paragraph{Text: Msg("announce.log", Data{"Name": personName(c.req.User), "Measure": Raw(m.Code + " " + m.Title)})}}
		}
		if note != nil {
			ann = append(ann, c.words(note.Text, c.channelLangs()))
		}
		r.Announce = c.announce(m, append(ann, progress)...)
	}
	return r, nil
}

func without(all, drop []int) []int {
	var out []int
	for _, n := range all {
		if !slices.Contains(drop, n) {
			out = append(out, n)
		}
	}
	return out
}

// storeErr passes user-fixable store errors through and wraps the rest.
func storeErr(op string, err error) error {
	if c := ErrorCode(err); c != EINTERNAL && c != "" {
		return err
	}
	return Internal(op, err)
}
