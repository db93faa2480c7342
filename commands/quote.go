package commands

import (
	"context"
	"strings"
	"unicode/utf8"
)

// Quote is a message someone wrote in Slack, logged as progress by someone
// else with the "log as progress" shortcut.
type Quote struct {
	Author    Person
	Text      string // as the author wrote it (Slack's escaping undone)
	MessageTS string // where it is in the channel
}

// LogQuote stores a quoted message as a progress entry of the measure code
// on the rights of req.User — the one who submits it, not the message's
// author (SPEC "Who may do what"). The author keeps their words as written
// (Entry.Author, Entry.Text); the submitter is recorded (Entry.Submitter)
// with what they add in their own words (Entry.Addition). A message
// without text needs an addition, which is then the submitter's own entry.
// It answers and announces like `log`, and the announcement says who
// logged whose words.
func (s *Service) LogQuote(ctx context.Context, req Request, code string, q Quote, addition string) Reply {
	c := &call{s: s, ctx: ctx, req: req, cmd: Command{Name: CmdLog}}
	if err := c.load(""); err != nil {
		return c.fail(err)
	}
	r, err := c.logQuote(code, q, addition)
	if err != nil {
		return c.fail(err)
	}
	r.Lang = c.lang
	return r
}

func (c *call) logQuote(code string, q Quote, addition string) (Reply, error) {
	m, err := c.measure(code)
	if err != nil {
		return Reply{}, err
	}
	if err := c.requireMember(m); err != nil {
		return Reply{}, err
	}
	text := strings.TrimSpace(CleanText(q.Text))
	addition = strings.TrimSpace(CleanText(addition))
	if text == "" && addition == "" {
		return Reply{}, c.usageError(Msg("error.missing_text", nil))
	}
	for _, t := range []string{text, addition} {
		if l := utf8.RuneCountInString(t); l > MaxTextLen {
			return Reply{}, &Error{Code: EINVALID, Msg: Msg("error.too_long", Data{"Length": Number(l), "Max": Number(MaxTextLen)})}
		}
	}
	e := Entry{MeasureID: m.ID, Source: SourceShortcut, ChannelID: c.req.ChannelID, MessageTS: q.MessageTS,
		Submitter: c.req.User, Author: q.Author, Text: text, Addition: addition}
	if text == "" { // a message without text: the submitter's own words
		e.Author, e.Text, e.Addition = c.req.User, addition, ""
	}
	if e, err = c.s.Store.AddEntry(c.ctx, e); err != nil {
		return Reply{}, storeErr("add entry", err)
	}
	title := Raw(m.Code + " " + m.Title)
	head := Msg("announce.log", Data{"Name": personName(e.Author), "Measure": title})
	if e.Author.ID != e.Submitter.ID {
		head = Msg("trust.announce_quote", Data{"Name": personName(e.Submitter), "Author": personName(e.Author), "Measure": title})
	}
	ann := []Part{Paragraph{Text: head}, c.words(e.Text, c.channelLangs())}
	if e.Addition != "" {
		ann = append(ann, Paragraph{Text: Msg("trust.addition", Data{"Name": personName(e.Submitter), "Text": Raw(e.Addition)})})
	}
	return Reply{
		Parts:    []Part{Paragraph{Text: Msg("log.saved", Data{"Code": m.Code})}, Context{EntryWords(e)}},
		Announce: c.announce(m, ann...),
	}, nil
}

// loggedByOther reports whether e is someone's message logged by another
// person.
func loggedByOther(e Entry) bool {
	return e.Submitter.ID != "" && e.Submitter.ID != e.Author.ID
}

// EntryByline is who an entry is by, for displays and exports: the
// author, and for a message logged by someone else, who logged it
// ("Anna Autorin (eingetragen von Zoe Zweite)").
func EntryByline(e Entry) Text {
	if !loggedByOther(e) {
		return Raw(personName(e.Author))
	}
	return Msg("trust.entry_byline", Data{"Name": personName(e.Author), "Submitter": personName(e.Submitter)})
}

// EntryWords is what an entry says, for displays and exports: the
// author's text, and what the one who logged it added, attributed to them
// ("… — Ergänzung von Zoe Zweite: …").
func EntryWords(e Entry) Text {
	if e.Addition == "" {
		return Raw(e.Text)
	}
	name := e.Submitter
	if name.ID == "" {
		name = e.Author
	}
	return Msg("trust.entry_with_addition", Data{"Text": Raw(e.Text), "Name": personName(name), "Addition": Raw(e.Addition)})
}
