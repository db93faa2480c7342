package commands

import (
	"strings"

	"github.com/klimabot/klimabot/locales"
)

// progressWidth is the number of cells of a text progress bar.
const progressWidth = 10

// ProgressBar draws done of total as "▰▰▰▱▱▱▱▱▱▱"; renderers share it.
func ProgressBar(done, total int) string {
	if total <= 0 {
		return ""
	}
	done = max(0, min(done, total))
	full := done * progressWidth / total
	return strings.Repeat("▰", full) + strings.Repeat("▱", progressWidth-full)
}

// PlainText renders parts as plain text in l's language, as the console
// shows them and as golden tests pin them.
func PlainText(parts []Part, l *locales.Localizer) string {
	var b strings.Builder
	for _, p := range parts {
		switch p := p.(type) {
		case Header:
			line := p.Text.Render(l)
			b.WriteString(line + "\n" + strings.Repeat("=", min(len([]rune(line)), 72)) + "\n")
		case Paragraph:
			b.WriteString(p.Text.Render(l) + "\n")
		case Fields:
			for _, f := range p {
				b.WriteString(f.Label.Render(l) + ": " + f.Value.Render(l) + "\n")
			}
		case List:
			if !p.Title.IsZero() {
				b.WriteString(p.Title.Render(l) + ":\n")
			}
			for _, it := range p.Items {
				b.WriteString("  " + markText[it.Mark] + indent(it.Text.Render(l), "    ") + "\n")
				if !it.Sub.IsZero() {
					b.WriteString("      " + indent(it.Sub.Render(l), "      ") + "\n")
				}
			}
		case Progress:
			b.WriteString(ProgressBar(p.Done, p.Total) + " " + l.StepsDone(p.Done, p.Total) + "\n")
		case Buttons:
			labels := make([]string, len(p))
			for i, bt := range p {
				labels[i] = "[" + bt.Label.Render(l) + "]"
			}
			b.WriteString(strings.Join(labels, " ") + "\n")
		case Context:
			for _, t := range p {
				b.WriteString("  " + t.Render(l) + "\n")
			}
		case Words:
			b.WriteString(p.Text + "\n")
			if t, ok := p.Translation(l.Lang()); ok {
				if t.Machine {
					b.WriteString("  (" + Msg("translate.machine", nil).Render(l) + ") ")
				}
				b.WriteString(indent(t.Text, "  ") + "\n")
			}
		case Divider:
			b.WriteString("----\n")
		case File:
			b.WriteString("[" + p.Name + ": " + p.Title.Render(l) + "]\n")
		}
	}
	return b.String()
}

var markText = map[Mark]string{MarkNone: "• ", MarkOpen: "[ ] ", MarkDone: "[x] ", MarkWarn: "[!] "}

// indent indents every line of s after the first by prefix.
func indent(s, prefix string) string {
	return strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n"+prefix)
}

// Text renders the reply as plain text in its language.
func (r Reply) Text(b *locales.Bundle) string { return PlainText(r.Parts, b.For(r.Lang)) }
