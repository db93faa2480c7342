package commands

import (
	"strconv"
	"strings"
)

// listLimit caps the measures one `list` answer shows, so that the answer
// stays within Slack's 50 blocks and stays readable; a filter narrows it.
const listLimit = 40

// EntriesShown is how many progress entries `status` shows (SPEC: the last
// 3). The store keeps that many of a measure ready after each log.
const EntriesShown = 3

// help answers `help`: every subcommand's usage line in the caller's language.
func (c *call) help() Reply {
	parts := []Part{Header{Text: Msg("help.title", nil)}, Paragraph{Text: Msg("help.intro", nil)}}
	parts = append(parts, c.usageList(true)...)
	small := Context{Msg("help.mention", nil), Msg("help.footer", nil)}
	if c.req.External {
		small = small[1:] // they know the mention: it is all they have
	}
	parts = append(parts, small)
	return Reply{Parts: parts}
}

// usageList lists the subcommands' usage lines; the short form (for an
// unknown word) shows the everyday ones only.
func (c *call) usageList(full bool) []Part {
	names := []string{CmdStatus, CmdList, CmdLog, CmdDone, CmdDeadlines, CmdHelp}
	if full {
		names = Subcommands
	}
	items := make([]Item, 0, len(names))
	for _, n := range names {
		items = append(items, Item{Text: Msg("usage."+n, nil)})
	}
	return []Part{List{Title: Msg("help.commands", nil), Items: items}}
}

// status answers `status CODE`: the measure with its steps, progress, next
// deadline and last progress entries.
func (c *call) status() (Reply, error) {
	m, err := c.measure(c.cmd.Arg(0))
	if err != nil {
		return Reply{}, err
	}
	tr := c.measureTranslations(m)
	parts := []Part{Header{Text: Raw(m.Code + " " + tr.text(m.Title))}}
	if o, ok := tr.original(m.Title); ok {
		parts = append(parts, Context{o})
	}
	var fields Fields
	if m.Responsible != "" {
		fields = append(fields, Field{Label: Msg("label.responsibility", nil), Value: Raw(m.Responsible)})
	}
	if m.Partnership != "" {
		fields = append(fields, Field{Label: Msg("label.partnership", nil), Value: Raw(m.Partnership)})
	}
	if len(fields) > 0 {
		parts = append(parts, fields)
	}

	// the implied deadlines come from the steps read with the measure
	explicit, err := c.s.Store.MeasureDeadlines(c.ctx, m.ID)
	if err != nil {
		return Reply{}, Internal("deadlines of measure", err)
	}
	open := OpenDeadlines(m, explicit)
	// a step's deadline: its own explicit one if set, else the implied one
	stepDue := map[int]Deadline{}
	for _, d := range open {
		if _, seen := stepDue[d.Step]; d.Step > 0 && !seen {
			stepDue[d.Step] = d
		}
	}
	done := 0
	items := make([]Item, 0, len(m.Steps))
	for _, st := range m.Steps {
		it := Item{Mark: MarkOpen, Text: Raw(strconv.Itoa(st.Number) + ". " + tr.text(st.Text))}
		d, hasDue := stepDue[st.Number]
		switch {
		case st.Done:
			done++
			it.Mark = MarkDone
			it.Sub = Msg("status.step_done", Data{"Date": DateOf(st.DoneAt.In(c.loc)), "Name": personName(st.DoneBy)})
		case hasDue && !d.Implied:
			it.Sub = DueMsg("status.step_deadline", nil, c.today(), d.Due)
		case !st.PlannedDate.IsZero():
			it.Sub = Msg("status.step_planned", Data{"When": st.PlannedDate})
		case st.PlannedYear > 0:
			it.Sub = Msg("status.step_planned", Data{"When": strconv.Itoa(st.PlannedYear)})
		}
		if !st.Done && hasDue && d.Due.Before(c.today()) {
			it.Mark = MarkWarn
		}
		it.Sub = tr.sub(it.Sub, strconv.Itoa(st.Number)+". ", st.Text)
		items = append(items, it)
	}
	if len(m.Steps) > 0 {
		parts = append(parts, Progress{Done: done, Total: len(m.Steps)}, List{Title: Msg("label.steps", nil), Items: items})
	}

	dl := Msg("status.no_deadline", nil)
	if len(open) > 0 {
		next := open[0]
		next.Text = tr.text(next.Text) // a step's implied deadline reads like the step
		dl = c.deadlineText(next)
	}
	parts = append(parts, Fields{{Label: Msg("label.next_deadline", nil), Value: dl}})
	if m.Status != "" {
		parts = append(parts, Fields{{Label: Msg("label.status", nil), Value: Raw(tr.text(m.Status))}})
		if o, ok := tr.original(m.Status); ok {
			parts = append(parts, Context{o})
		}
	}

	entries, err := c.s.Store.Entries(c.ctx, m.ID, EntriesShown)
	if err != nil {
		return Reply{}, Internal("last entries", err)
	}
	log := List{Title: Msg("label.progress", nil)}
	etr := c.entryTranslations(entries)
	for _, e := range entries {
		log.Items = append(log.Items, etr.entryItem(e, Item{Text: EntryWords(e), Sub: Msg("status.entry_meta", Data{
			"Name": EntryByline(e), "Date": DateOf(e.CreatedAt.In(c.loc)),
		})}))
	}
	if len(entries) == 0 {
		log.Items = append(log.Items, Item{Text: Msg("status.no_entries", Data{"Code": m.Code})})
	}
	parts = append(parts, log)
	return Reply{Parts: parts}, nil
}

// deadlineText is "31.12.2025 · text (fällig in 3 Tagen)".
func (c *call) deadlineText(d Deadline) Text {
	text := d.Text
	if d.Step > 0 && d.Implied {
		text = strconv.Itoa(d.Step) + ". " + d.Text
	}
	return DueMsg("deadline.line", Data{"Text": Raw(shorten(text, 120))}, c.today(), d.Due)
}

// list answers `list [TEXT]`: the measures, each with its steps done and next
// deadline.
func (c *call) list() (Reply, error) {
	filter := c.cmd.Rest
	all, err := c.s.Store.ListMeasures(c.ctx, filter, 0)
	if err != nil {
		return Reply{}, Internal("list measures", err)
	}
	if len(all) == 0 {
		if filter != "" {
			return Reply{Parts: []Part{Paragraph{Text: Msg("list.none_match", Data{"Filter": filter})}}}, nil
		}
		return Reply{Parts: []Part{Paragraph{Text: Msg("list.empty", nil)}}}, nil
	}
	title := Msg("list.title", Data{"Count": len(all)})
	if filter != "" {
		title = Msg("list.title_filtered", Data{"Count": len(all), "Filter": filter})
	}
	shown := all[:min(len(all), listLimit)]
	l := List{}
	for _, m := range shown {
		steps := Plural("steps.done", m.StepsTotal, Data{"Done": m.StepsDone})
		next := Msg("status.no_deadline", nil)
		if m.NextDeadline != nil {
			next = DueMsg("list.next", nil, c.today(), m.NextDeadline.Due)
		}
		mark := MarkOpen
		switch {
		case m.StepsTotal > 0 && m.StepsDone == m.StepsTotal:
			mark = MarkDone
		case m.NextDeadline != nil && m.NextDeadline.Due.Before(c.today()):
			mark = MarkWarn
		}
		l.Items = append(l.Items, Item{Mark: mark, Text: Raw(m.Code + " " + shorten(m.Title, 150)), Sub: Msg("list.item", Data{"Steps": steps, "Next": next})})
	}
	parts := []Part{Header{Text: title}, l}
	if rest := len(all) - len(shown); rest > 0 {
		parts = append(parts, Context{Msg("list.more", Data{"Count": rest})})
	}
	return Reply{Parts: parts}, nil
}

// personName is the name to show for p: the name, else the id.
func personName(p Person) string {
	if p.Name != "" {
		return p.Name
	}
	return p.ID
}

// shorten cuts s to at most n runes, marking the cut with "…".
func shorten(s string, n int) string {
	s = strings.TrimSpace(s)
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}
