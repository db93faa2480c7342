package bot

import (
	"reflect"
	"strings"

	"github.com/slack-go/slack"

	"github.com/klimabot/klimabot/commands"
	"github.com/klimabot/klimabot/locales"
)

// Markers around people's words while a summary is rendered, so that the
// formatting of our own templates (*bold*, `code`) can be taken out without
// touching what people wrote. They are Unicode private-use characters that
// CleanText never lets into stored text.
const (
	wordsStart = "\uE000"
	wordsEnd   = "\uE001"
)

// summary is the one-line text of a message: the first part that says
// something (a header, a paragraph, a list's title or first item, …). A
// header is followed by the first paragraph or progress bar after it ("F.019
// Kommunale Klimapartnerschaft – 2 von 6 Schritten erledigt"); a text that
// ends with a colon ("Anna hat Fortschritt zu F.019 eingetragen:") by the
// next part that says something. Buttons, dividers and files are not text.
// Template formatting is removed, people's words are escaped for mrkdwn,
// and all whitespace becomes single spaces.
func summary(parts []commands.Part, l *locales.Localizer) string {
	for i, p := range parts {
		s := partSummary(p, l)
		if s == "" {
			continue
		}
		_, header := p.(commands.Header)
		if !header && !strings.HasSuffix(s, ":") {
			return s
		}
		for _, next := range parts[i+1:] {
			switch next.(type) {
			case commands.Paragraph, commands.Progress, commands.Words:
			default:
				if header {
					continue
				}
			}
			if more := partSummary(next, l); more != "" && header {
				return s + " – " + more
			} else if more != "" {
				return s + " " + more
			}
		}
		return s
	}
	return ""
}

// partSummary is the one-line text of one part, or "".
func partSummary(p commands.Part, l *locales.Localizer) string {
	switch p := p.(type) {
	case commands.Header:
		return plainLine(p.Text, l)
	case commands.Paragraph:
		return plainLine(p.Text, l)
	case commands.Words:
		return plainLine(commands.Raw(p.Text), l)
	case commands.Fields:
		for _, f := range p {
			label, value := plainLine(f.Label, l), plainLine(f.Value, l)
			switch {
			case label != "" && value != "":
				return label + ": " + value
			case label+value != "":
				return label + value
			}
		}
	case commands.List:
		if s := plainLine(p.Title, l); s != "" {
			return s + ":"
		}
		for _, it := range p.Items {
			if s := plainLine(it.Text, l); s != "" {
				return s
			}
		}
	case commands.Progress:
		if p.Total > 0 {
			return l.StepsDone(min(max(p.Done, 0), p.Total), p.Total)
		}
	case commands.Context:
		for _, t := range p {
			if s := plainLine(t, l); s != "" {
				return s
			}
		}
	}
	return ""
}

// plainLine renders t as one line of notification text: the templates'
// mrkdwn marks (* and `) are dropped, people's words are kept as written
// and escaped (&, <, >), line breaks and runs of spaces become one space.
func plainLine(t commands.Text, l *locales.Localizer) string {
	if t.IsZero() {
		return ""
	}
	s := t.RenderEscaped(l, func(w string) string {
		return wordsStart + wordsMarks.Replace(w) + wordsEnd
	})
	var b strings.Builder
	words := false // inside people's words
	for s != "" {
		marker := wordsStart
		if words {
			marker = wordsEnd
		}
		chunk, rest, found := strings.Cut(s, marker)
		if words {
			b.WriteString(escape(chunk))
		} else {
			b.WriteString(templateMarks.Replace(chunk))
		}
		s, words = rest, words != found
		if !found {
			break
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// wordsMarks drops the markers from people's words (built once: a
// strings.Replacer built per call was most of the notification text's
// cost, which every answer and announcement pays).
var wordsMarks = strings.NewReplacer(wordsStart, "", wordsEnd, "")

// templateMarks drops the mrkdwn marks of our own message templates.
var templateMarks = strings.NewReplacer("*", "", "`", "")

// wireMsg is a slack.Msg as the bot sends it as JSON (acknowledgements,
// response_url). slack-go's Msg.Metadata is a struct, so encoding/json
// writes an empty "metadata":{"event_type":"","event_payload":null} into
// every answer; this field, one level up, takes its place and is left out
// unless the message really carries metadata.
type wireMsg struct {
	slack.Msg
	Metadata *slack.SlackMetadata `json:"metadata,omitempty"`
}

// wire returns m as it goes out as JSON.
func wire(m slack.Msg) wireMsg {
	w := wireMsg{Msg: m}
	if m.Metadata.EventType != "" {
		md := m.Metadata
		w.Metadata = &md
	}
	return w
}

// ackMsg is an answer that carries only what b.ephemeral sets, as it goes out
// in the HTTP acknowledgement of a slash command. encoding/json would walk
// all of slack.Msg's fields and encode the blocks twice (slack.Blocks'
// MarshalJSON marshals them apart, then the result is compacted into the
// outer document); the JSON is the same (TestAckJSON_SameAsWire).
type ackMsg struct {
	ResponseType    string        `json:"response_type,omitempty"`
	Text            string        `json:"text,omitempty"`
	Blocks          []slack.Block `json:"blocks"`
	ReplaceOriginal bool          `json:"replace_original"`
	DeleteOriginal  bool          `json:"delete_original"`
}

// ackJSON returns what to encode for m: an ackMsg when m sets nothing
// else, otherwise wire(m).
func ackJSON(m slack.Msg) any {
	a := ackMsg{ResponseType: m.ResponseType, Text: m.Text, Blocks: m.Blocks.BlockSet,
		ReplaceOriginal: m.ReplaceOriginal, DeleteOriginal: m.DeleteOriginal}
	rest := m
	rest.ResponseType, rest.Text, rest.Blocks, rest.ReplaceOriginal, rest.DeleteOriginal = "", "", slack.Blocks{}, false, false
	if !reflect.ValueOf(&rest).Elem().IsZero() {
		return wire(m)
	}
	return a
}
