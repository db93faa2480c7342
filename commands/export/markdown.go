package export

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"

	"github.com/klimabot/klimabot/commands"
)

// Markdown writes the status report for the council (Sachstandsbericht) in
// the document's language: a title with today's date, an overview table
// when there are several measures, and per measure its responsibility, the
// steps done of all, the steps as a checklist with their planned period,
// deadline or done date, what happened since Options.Since (default 90 days
// ago), the open deadlines with their relative phrase, and the current
// status text.
func Markdown(w io.Writer, d commands.Dump, o Options) error {
	var b strings.Builder
	today := o.today()
	since := o.since()
	b.WriteString("# " + o.msg("export.md.title", commands.Data{"Date": o.longDate(today)}) + "\n\n")
	b.WriteString(o.msg("export.md.intro", commands.Data{"Since": o.longDate(since)}) + "\n")
	if len(d.Measures) == 0 {
		b.WriteString("\n" + o.msg("list.empty", nil) + "\n")
	}
	if len(d.Measures) > 1 {
		b.WriteString("\n| " + o.msg("export.col.code", nil) + " | " + upperFirst(o.msg("label.measure", nil)) + " | " +
			o.msg("label.progress", nil) + " | " + o.msg("label.next_deadline", nil) + " |\n|---|---|---|---|\n")
		for _, m := range d.Measures {
			next := o.msg("status.no_deadline", nil)
			if open := m.OpenDeadlines(); len(open) > 0 {
				next = o.date(open[0].Due) + " (" + o.L.Relative(today.DaysUntil(open[0].Due)) + ")"
				if commands.OverdueAsDate(today, open[0].Due) {
					next = o.msg("overdue.since", commands.Data{"Date": open[0].Due})
				}
			}
			b.WriteString("| " + cell(m.Code) + " | " + cell(m.Title) + " | " + o.L.StepsDone(m.StepsDone(), len(m.Steps)) +
				" | " + next + " |\n")
		}
	}
	for _, m := range d.Measures {
		writeMeasure(&b, m, o, today, since)
	}
	if _, err := io.WriteString(w, strings.TrimRight(b.String(), "\n")+"\n"); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

// writeMeasure writes one measure's section of the report.
func writeMeasure(b *strings.Builder, m commands.DumpMeasure, o Options, today, since commands.Date) {
	b.WriteString("\n## " + oneLine(m.Code+" "+m.Title) + "\n\n")
	if m.Responsible != "" {
		b.WriteString("**" + o.msg("label.responsibility", nil) + ":** " + oneLine(m.Responsible) + "  \n")
	}
	if m.Partnership != "" {
		b.WriteString("**" + o.msg("label.partnership", nil) + ":** " + oneLine(m.Partnership) + "  \n")
	}
	b.WriteString("**" + o.msg("label.progress", nil) + ":** " + o.L.StepsDone(m.StepsDone(), len(m.Steps)) + "\n")

	open := m.OpenDeadlines()
	if len(m.Steps) > 0 {
		stepDue := map[int]commands.Deadline{}
		for _, dl := range open {
			if _, seen := stepDue[dl.Step]; dl.Step > 0 && !seen && !dl.Implied {
				stepDue[dl.Step] = dl
			}
		}
		b.WriteString("\n### " + o.msg("label.steps", nil) + "\n\n")
		for _, s := range m.Steps {
			mark := "[ ]"
			var note string
			switch dl, ok := stepDue[s.Number]; {
			case s.Done:
				mark = "[x]"
				note = o.msg("export.md.step_done", commands.Data{"Date": o.date(o.day(s.DoneAt))})
			case ok:
				note = commands.DueMsg("status.step_deadline", nil, today, dl.Due).Render(o.L)
			case !s.PlannedDate.IsZero():
				note = o.msg("status.step_planned", commands.Data{"When": o.date(s.PlannedDate)})
			case s.PlannedYear > 0:
				note = o.msg("status.step_planned", commands.Data{"When": strconv.Itoa(s.PlannedYear)})
			}
			line := "- " + mark + " " + strconv.Itoa(s.Number) + ". " + oneLine(s.Text)
			if note != "" {
				line += " — " + note
			}
			b.WriteString(line + "\n")
		}
	}

	b.WriteString("\n### " + o.msg("export.md.since", commands.Data{"Date": o.longDate(since)}) + "\n\n")
	entries := o.entriesSince(m, since)
	if len(entries) == 0 {
		b.WriteString(o.msg("export.md.no_entries", nil) + "\n")
	}
	for _, e := range entries {
		b.WriteString("- " + o.msg("export.md.entry", commands.Data{
			"Date": o.date(o.day(e.CreatedAt)), "Name": commands.EntryByline(e).Render(o.L), "Text": oneLine(commands.EntryWords(e).Render(o.L)),
		}) + "\n")
	}

	b.WriteString("\n### " + o.msg("export.md.open_deadlines", nil) + "\n\n")
	if len(open) == 0 {
		b.WriteString(o.msg("status.no_deadline", nil) + "\n")
	}
	for _, dl := range open {
		b.WriteString("- " + commands.DueMsg("deadline.line", commands.Data{"Text": oneLine(deadlineText(dl))}, today, dl.Due).Render(o.L) + "\n")
	}

	if m.Status != "" {
		b.WriteString("\n### " + o.msg("label.status", nil) + "\n\n")
		for _, l := range strings.Split(m.Status, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				b.WriteString(l + "\n\n")
			}
		}
	}
}

// cell makes s fit in a Markdown table cell.
func cell(s string) string { return strings.ReplaceAll(oneLine(s), "|", "\\|") }

// upperFirst capitalises the first letter of s, for labels that GLOSSARY
// writes in lower case ("opatření") used as a table header.
func upperFirst(s string) string {
	r := []rune(s)
	if len(r) == 0 {
		return s
	}
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}
