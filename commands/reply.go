package commands

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/klimabot/klimabot/locales"
)

// Data is the template data of a message. Values may be plain strings and
// numbers, or values that are localized when rendered: Date, LongDate,
// Relative, Text and []Text.
type Data map[string]any

// Text is a piece of user-facing text: a message id with data (and a plural
// count) that is localized when rendered, or Raw text written by people
// (a measure title, a step, a progress entry) that is shown as it is.
type Text struct {
	ID    string
	Data  Data
	Count *int
	Raw   string
	// Prefix, when set, stands for "/klima" in the rendered message: the
	// mention "@klimabot" for members of another workspace, who cannot use
	// slash commands (see Reply.ForMention). Raw text is never rewritten.
	Prefix string
}

// Msg returns the message id with data.
func Msg(id string, data Data) Text { return Text{ID: id, Data: data} }

// Plural returns the plural message id for n; its template can use {{.Count}}.
func Plural(id string, n int, data Data) Text { return Text{ID: id, Data: data, Count: &n} }

// Raw returns text shown as written.
func Raw(s string) Text { return Text{Raw: s} }

// IsZero reports whether t holds nothing.
func (t Text) IsZero() bool { return t.ID == "" && t.Raw == "" }

// LongDate is a Date rendered in the long form ("23. Juni 2023").
type LongDate Date

// Relative is a day count rendered as GLOSSARY's due/overdue phrase:
// 0 "heute fällig", 3 "fällig in 3 Tagen", -5 "seit 5 Tagen überfällig".
type Relative int

// Render localizes t.
func (t Text) Render(l *locales.Localizer) string { return t.RenderEscaped(l, nil) }

// RenderEscaped localizes t and passes people's words (Raw text, string and
// Stringer data values) through esc, while the message templates' own
// formatting (*bold*, `code`) stays; nil esc leaves them as they are. Slack
// renders with its mrkdwn escaper, so a typed "<!channel>" pings nobody.
func (t Text) RenderEscaped(l *locales.Localizer, esc func(string) string) string {
	if esc == nil {
		esc = func(s string) string { return s }
	}
	if t.ID == "" {
		return esc(t.Raw)
	}
	data := make(map[string]any, len(t.Data))
	for k, v := range t.Data {
		data[k] = renderValue(v, l, esc)
	}
	out := ""
	if t.Count != nil {
		out = l.Plural(t.ID, *t.Count, data)
	} else {
		out = l.Msg(t.ID, data)
	}
	if t.Prefix != "" {
		out = slashCommandWord.ReplaceAllString(out, "${1}"+t.Prefix)
	}
	return out
}

// slashCommandWord finds "/klima" where it is the command, not part of a
// URL or path in the message's data ("https://klima.example/…",
// "https://x.de/klimabot"): at the start or after a space, backtick,
// bracket or quote, and followed by no letter.
var slashCommandWord = regexp.MustCompile("(^|[\\s`(\\[„“\"«»])" + regexp.QuoteMeta(SlashCommand) + "\\b")

func renderValue(v any, l *locales.Localizer, esc func(string) string) any {
	switch v := v.(type) {
	case Date:
		return l.Date(v.Year, v.Month, v.Day)
	case LongDate:
		return l.LongDate(v.Year, v.Month, v.Day)
	case Relative:
		return l.Relative(int(v))
	case StepList:
		return JoinSteps(l, v)
	case Number:
		return FormatNumber(l, int(v))
	case Text:
		return v.RenderEscaped(l, esc)
	case []Text:
		parts := make([]string, len(v))
		for i, t := range v {
			parts[i] = t.RenderEscaped(l, esc)
		}
		return strings.Join(parts, ", ")
	case string:
		return esc(v)
	case fmt.Stringer:
		return esc(v.String())
	}
	return v
}

// Reply is the answer to a command, free of any transport: the console
// renders it as plain text, bot as Block Kit. Texts are localized at render
// time, so one Reply can be shown in several languages.
type Reply struct {
	// Lang is the caller's language, decided by Execute.
	Lang  string
	Parts []Part
	// Err is set when the command failed; Parts then explain it.
	Err *Error
	// Announce, when set, is posted to the channel in each of its languages
	// (log and done do this).
	Announce *Announcement
}

// Announcement is a message for a whole channel, one section per language.
type Announcement struct {
	ChannelID   string
	Langs       []string
	MeasureID   int64
	MeasureCode string
	Parts       []Part
}

// Part is one block of a Reply: a closed set that every renderer handles.
type Part interface{ part() }

// Header is a title line.
type Header struct{ Text Text }

// Paragraph is a block of running text.
type Paragraph struct{ Text Text }

// Field is a label and its value.
type Field struct{ Label, Value Text }

// Fields are label/value pairs shown together.
type Fields []Field

// Mark is the symbol before a list item.
type Mark int

// Marks of list items.
const (
	MarkNone Mark = iota
	MarkOpen
	MarkDone
	MarkWarn // overdue
)

// Item is one line of a List, with an optional second, smaller line.
type Item struct {
	Mark Mark
	Text Text
	Sub  Text
}

// List is a list of items, optionally under a title.
type List struct {
	Title Text
	Items []Item
}

// Progress shows done of total as a bar with GLOSSARY's "steps done" phrase.
type Progress struct{ Done, Total int }

// Button is an action a person can take on a message. ActionID names the
// handler, Value carries its argument (at most 2,000 bytes in Slack).
type Button struct {
	ActionID string
	Value    string
	Label    Text
	Primary  bool
}

// Buttons are shown side by side.
type Buttons []Button

// Context is small print: sources, hints, times.
type Context []Text

// Divider separates parts.
type Divider struct{}

// File is a document that comes with a reply: a status report, a timeline
// picture, a calendar. The console writes it to disk; Slack uploads it to
// the channel, or to the asker alone when it is Private.
type File struct {
	Name    string // file name, e.g. "F.019-zeitachse.png"
	Title   Text
	Type    string // MIME type, e.g. "image/png"
	Content []byte
	// PrivateTo, when set, is the user id of the only person who may see
	// the file: a report of measures the channel does not follow goes to the
	// asker alone (Slack: a direct message from the bot), never into the
	// channel.
	PrivateTo string
}

func (Header) part()    {}
func (Paragraph) part() {}
func (Fields) part()    {}
func (List) part()      {}
func (Progress) part()  {}
func (Buttons) part()   {}
func (Context) part()   {}
func (Divider) part()   {}
func (File) part()      {}
