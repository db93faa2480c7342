package bot

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/klimabot/klimabot/commands"
	"github.com/klimabot/klimabot/locales"
)

// Block Kit limits (SLACK.md and Slack's Block Kit reference). The renderer
// never exceeds them: it cuts texts with a localized hint, splits long
// lists, fields, contexts and button rows into several blocks, and ends a
// message that would have more than MaxBlocks blocks with the hint.
const (
	// MaxBlocks is the most blocks a message may hold.
	MaxBlocks = 50
	// MaxSectionText is the most characters of a section's text (and of
	// any mrkdwn text object).
	MaxSectionText = 3000
	// MaxHeaderText is the most characters of a header's plain text.
	MaxHeaderText = 150
	// MaxFieldText is the most characters of one section field.
	MaxFieldText = 2000
	// MaxFields is the most fields of one section.
	MaxFields = 10
	// MaxShortField is the longest value (in characters, on one line) that
	// still goes into a section's two-column fields: about what one
	// half-width column holds on a desktop before it wraps. A longer value,
	// such as a measure's "Aktueller Stand" paragraph or a deadline with its
	// text, gets a full-width section of its own.
	MaxShortField = 36
	// MaxContextElements is the most elements of one context block.
	MaxContextElements = 10
	// MaxActionElements is the most elements of one actions block.
	MaxActionElements = 25
	// MaxButtonText is the most characters of a button's label.
	MaxButtonText = 75
	// MaxButtonValue is the most bytes of a button's value.
	MaxButtonValue = 2000
	// MaxActionID is the most bytes of an action_id.
	MaxActionID = 255
	// MaxFallbackText is where FallbackText cuts: a notification shows a
	// line or two.
	MaxFallbackText = 300
)

// truncatedID is the message shown where a message was shortened.
const truncatedID = "bot.truncated"

// ActionSep separates an action id from the index that keeps it unique
// within a message ("done#2"); BaseActionID removes it.
const ActionSep = "#"

// Marks of list items in Block Kit.
var markEmoji = map[commands.Mark]string{
	commands.MarkNone: "•",
	commands.MarkOpen: "⬜",
	commands.MarkDone: "✅",
	commands.MarkWarn: "⚠️",
}

// subIndent indents an item's second line under its text.
const subIndent = "      "

// Blocks renders parts as Block Kit in l's language, within Slack's limits.
func Blocks(parts []commands.Part, l *locales.Localizer) []slack.Block {
	r := newRenderer()
	r.parts(parts, l)
	return limitBlocks(r.blocks, l)
}

// MessageBlocks renders a reply in its language.
func MessageBlocks(r commands.Reply, b *locales.Bundle) []slack.Block {
	return Blocks(r.Parts, b.For(r.Lang))
}

// AnnouncementBlocks renders an announcement once per channel language, in
// the channel's order, the languages separated by dividers: one message that
// everybody in a multilingual channel can read. Without languages it uses
// locales.Default.
func AnnouncementBlocks(a *commands.Announcement, b *locales.Bundle) []slack.Block {
	if a == nil {
		return nil
	}
	langs := announcementLangs(a)
	r := newRenderer()
	for i, lang := range langs {
		if len(r.blocks) > MaxBlocks {
			break
		}
		if i > 0 {
			r.add(slack.NewDividerBlock())
		}
		r.parts(a.Parts, b.For(lang))
	}
	return limitBlocks(r.blocks, b.For(langs[0]))
}

// MessageText is the notification text of a reply, in its language.
func MessageText(r commands.Reply, b *locales.Bundle) string {
	return FallbackText(r.Parts, b.For(r.Lang))
}

// AnnouncementText is the notification text of an announcement: its
// rendering in the channel's first language.
func AnnouncementText(a *commands.Announcement, b *locales.Bundle) string {
	if a == nil {
		return ""
	}
	return FallbackText(a.Parts, b.For(announcementLangs(a)[0]))
}

// announcementLangs are a's languages without repeats, or locales.Default.
func announcementLangs(a *commands.Announcement) []string {
	var langs []string
	for _, lang := range a.Langs {
		if lang != "" && !slices.Contains(langs, lang) {
			langs = append(langs, lang)
		}
	}
	if len(langs) == 0 {
		langs = []string{locales.Default}
	}
	return langs
}

// FallbackText is the text that goes beside the blocks: Slack shows it in
// notifications and where blocks cannot be shown, and screen readers read
// it. It is a clean one-line summary (see summary), never the console
// rendering: no "=====" under a header, no "[file: …]", no line breaks.
// It is escaped for mrkdwn (the top-level text is parsed too, so a
// "<!channel>" typed by someone must not ping a channel) and cut at
// MaxFallbackText characters.
func FallbackText(parts []commands.Part, l *locales.Localizer) string {
	return cut(summary(parts, l), MaxFallbackText, "…")
}

// BaseActionID returns the action id a button was given, without the index
// that made it unique within its message: "done#2" → "done".
func BaseActionID(actionID string) string {
	i := strings.LastIndex(actionID, ActionSep)
	if i < 0 {
		return actionID
	}
	n := actionID[i+len(ActionSep):]
	if n == "" || strings.Trim(n, "0123456789") != "" {
		return actionID
	}
	return actionID[:i]
}

// renderer collects the blocks of one message.
type renderer struct {
	blocks    []slack.Block
	actionIDs map[string]bool // action ids used so far
	nextIndex map[string]int  // the index to try next for a repeated id
}

func newRenderer() *renderer {
	return &renderer{actionIDs: map[string]bool{}, nextIndex: map[string]int{}}
}

func (r *renderer) add(b ...slack.Block) { r.blocks = append(r.blocks, b...) }

// parts renders parts in l's language. It stops once the message has more
// blocks than Slack takes: limitBlocks cuts there anyway.
func (r *renderer) parts(parts []commands.Part, l *locales.Localizer) {
	for _, p := range parts {
		if len(r.blocks) > MaxBlocks {
			return
		}
		switch p := p.(type) {
		case commands.Header:
			r.header(p, l)
		case commands.Paragraph:
			r.section(mrkdwn(p.Text, l), l)
		case commands.Fields:
			r.fields(p, l)
		case commands.List:
			r.list(p, l)
		case commands.Progress:
			r.progress(p, l)
		case commands.Buttons:
			r.buttons(p, l)
		case commands.Context:
			r.context(p, l)
		case commands.Divider:
			r.add(slack.NewDividerBlock())
		case commands.Words:
			r.words(p, l)
		}
	}
}

func (r *renderer) header(h commands.Header, l *locales.Localizer) {
	s := strings.Join(strings.Fields(h.Text.Render(l)), " ") // one line
	if s == "" {
		return
	}
	r.add(slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, cut(s, MaxHeaderText, "…"), true, false)))
}

// section adds a section of mrkdwn text, cut to MaxSectionText with the
// hint; empty text adds nothing (Slack refuses it).
func (r *renderer) section(s string, l *locales.Localizer) {
	s = strings.TrimRight(s, " \n")
	if strings.TrimSpace(s) == "" {
		return
	}
	r.add(slack.NewSectionBlock(mrkdwnObject(cutHinted(s, MaxSectionText, l)), nil, nil))
}

// fields adds label/value sections of at most MaxFields fields for short
// pairs; a field whose value is longer than MaxShortField or spans several
// lines becomes a full-width section of its own, in its place, so that a
// paragraph does not wrap in a half-width column.
func (r *renderer) fields(fs commands.Fields, l *locales.Localizer) {
	var group []*slack.TextBlockObject
	flush := func() {
		if len(group) > 0 {
			r.add(slack.NewSectionBlock(nil, group, nil))
			group = nil
		}
	}
	for _, f := range fs {
		label := strings.TrimSpace(mrkdwn(f.Label, l))
		value := strings.TrimSpace(mrkdwn(f.Value, l))
		var s string
		switch {
		case label == "" && value == "":
			continue
		case label == "":
			s = value
		case value == "":
			s = bold(label)
		default:
			s = bold(label) + "\n" + value
		}
		if utf8.RuneCountInString(s) > MaxFieldText || !shortField(label, value) {
			flush()
			r.section(s, l)
			continue
		}
		group = append(group, mrkdwnObject(s))
		if len(group) == MaxFields {
			flush()
		}
	}
	flush()
}

// shortField reports whether a label/value pair fits a half-width column.
func shortField(label, value string) bool {
	return !strings.Contains(value, "\n") && !strings.Contains(label, "\n") &&
		utf8.RuneCountInString(value) <= MaxShortField && utf8.RuneCountInString(label) <= MaxShortField
}

// list adds the title in bold and one line per item; a list longer than a
// section goes on in further sections, split between items.
func (r *renderer) list(list commands.List, l *locales.Localizer) {
	var lines []string
	if !list.Title.IsZero() {
		if t := strings.TrimSpace(mrkdwn(list.Title, l)); t != "" {
			lines = append(lines, bold(t))
		}
	}
	for _, it := range list.Items {
		line := markEmoji[it.Mark] + " " + indentLines(strings.TrimSpace(mrkdwn(it.Text, l)), subIndent)
		if !it.Sub.IsZero() {
			if sub := strings.TrimSpace(mrkdwn(it.Sub, l)); sub != "" {
				line += "\n" + subIndent + italicLines(sub, subIndent)
			}
		}
		lines = append(lines, line)
	}
	var b strings.Builder
	n := 0 // characters in b
	for _, line := range lines {
		ln := utf8.RuneCountInString(line)
		if n > 0 && n+1+ln > MaxSectionText {
			r.section(b.String(), l)
			b.Reset()
			n = 0
		}
		if n > 0 {
			b.WriteByte('\n')
			n++
		}
		b.WriteString(line)
		n += ln
	}
	r.section(b.String(), l) // cuts a single item longer than a section
}

func (r *renderer) progress(p commands.Progress, l *locales.Localizer) {
	s := l.StepsDone(p.Done, p.Total)
	if bar := commands.ProgressBar(min(max(p.Done, 0), p.Total), p.Total); bar != "" {
		s = "`" + bar + "` " + s
	}
	r.section(s, l)
}

// buttons adds actions blocks of at most MaxActionElements buttons. Action
// ids are made unique within the message (ActionSep and an index); a button
// whose value exceeds MaxButtonValue is left out, since a cut value would
// act on the wrong thing.
func (r *renderer) buttons(bs commands.Buttons, l *locales.Localizer) {
	var row []slack.BlockElement
	flush := func() {
		if len(row) > 0 {
			r.add(slack.NewActionBlock("", row...))
			row = nil
		}
	}
	for _, bt := range bs {
		if len(bt.Value) > MaxButtonValue {
			continue
		}
		label := strings.Join(strings.Fields(bt.Label.Render(l)), " ")
		if label == "" {
			label = "…"
		}
		e := slack.NewButtonBlockElement(r.actionID(bt.ActionID), bt.Value,
			slack.NewTextBlockObject(slack.PlainTextType, cut(label, MaxButtonText, "…"), true, false))
		if bt.Primary {
			e.Style = slack.StylePrimary
		}
		row = append(row, e)
		if len(row) == MaxActionElements {
			flush()
		}
	}
	flush()
}

// actionID returns id, or id with ActionSep and an index when the message
// already has it, within MaxActionID bytes.
func (r *renderer) actionID(id string) string {
	if id == "" {
		id = "button"
	}
	id = cutBytes(id, MaxActionID-8) // room for the index
	out := id
	for n := max(r.nextIndex[id], 2); r.actionIDs[out]; n++ {
		out = id + ActionSep + strconv.Itoa(n)
		r.nextIndex[id] = n + 1
	}
	r.actionIDs[out] = true
	return out
}

// context adds context blocks of at most MaxContextElements texts.
func (r *renderer) context(c commands.Context, l *locales.Localizer) {
	var els []slack.MixedElement
	for _, t := range c {
		s := strings.TrimSpace(mrkdwn(t, l))
		if s == "" {
			continue
		}
		els = append(els, mrkdwnObject(cutHinted(s, MaxSectionText, l)))
		if len(els) == MaxContextElements {
			r.add(slack.NewContextBlock("", els...))
			els = nil
		}
	}
	if len(els) > 0 {
		r.add(slack.NewContextBlock("", els...))
	}
}

// limitBlocks keeps at most MaxBlocks blocks: beyond that, the first
// MaxBlocks-1 and a context with the hint.
func limitBlocks(blocks []slack.Block, l *locales.Localizer) []slack.Block {
	if len(blocks) <= MaxBlocks {
		return blocks
	}
	out := slices.Clip(blocks[:MaxBlocks-1])
	return append(out, slack.NewContextBlock("", mrkdwnObject(hint(l))))
}

// hint is the localized "shortened" note in italics.
func hint(l *locales.Localizer) string {
	return "_" + escape(l.Msg(truncatedID, nil)) + "_"
}

func mrkdwnObject(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
}

func bold(s string) string {
	if strings.Contains(s, "*") {
		return s
	}
	return "*" + s + "*"
}

// italicLines sets every line of s in italics where mrkdwn allows it (a
// line holding "_" stays upright) and indents the lines after the first.
func italicLines(s, prefix string) string {
	lines := strings.Split(s, "\n")
	for i, line := range lines {
		line = strings.TrimSpace(line)
		if line != "" && !strings.Contains(line, "_") {
			line = "_" + line + "_"
		}
		if i > 0 {
			line = prefix + line
		}
		lines[i] = line
	}
	return strings.Join(lines, "\n")
}

// indentLines indents every line of s after the first by prefix.
func indentLines(s, prefix string) string {
	return strings.ReplaceAll(s, "\n", "\n"+prefix)
}

// mrkdwnEscaper escapes the three characters Slack's mrkdwn gives meaning
// to: "<!channel>" or "<@U123>" typed by someone stays text.
var mrkdwnEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func escape(s string) string { return mrkdwnEscaper.Replace(s) }

// mrkdwn localizes t for a mrkdwn text: people's words (Raw texts and
// template data) are escaped, the formatting of our own message templates
// (*bold*, `code`) is kept.
func mrkdwn(t commands.Text, l *locales.Localizer) string { return t.RenderEscaped(l, escape) }

// cutHinted cuts mrkdwn text s to at most max characters, ending it with
// "…" and the localized hint when it had to cut.
func cutHinted(s string, max int, l *locales.Localizer) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	return cut(s, max, "…\n"+hint(l))
}

// cut returns s when it has at most max characters (runes), or else its
// beginning followed by suffix, max characters in all. It never cuts
// through an escape such as "&amp;".
func cut(s string, max int, suffix string) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	keep := max - utf8.RuneCountInString(suffix)
	if keep <= 0 {
		return string([]rune(suffix)[:max])
	}
	i, n := 0, 0
	for i < len(s) && n < keep {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		n++
	}
	head := s[:i]
	if amp := strings.LastIndexByte(head, '&'); amp >= 0 && !strings.Contains(head[amp:], ";") {
		for _, e := range []string{"&amp;", "&lt;", "&gt;"} {
			if strings.HasPrefix(s[amp:], e) {
				head = head[:amp]
				break
			}
		}
	}
	return strings.TrimRight(head, " \n") + suffix
}

// cutBytes cuts s to at most n bytes at a rune boundary.
func cutBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
