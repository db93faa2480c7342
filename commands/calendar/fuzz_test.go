package calendar_test

import (
	"bytes"
	"strings"
	"testing"
	"unicode"

	"github.com/klimabot/klimabot/commands"
	"github.com/klimabot/klimabot/commands/calendar"
)

// FuzzWrite writes a calendar with whatever people may have typed as a
// deadline text, a step and a measure title, and checks that the result is
// still RFC 5545 content (CRLF, folded at 75 octets within characters, one
// property per line, escaped TEXT) whose SUMMARY gives the text back: no
// text can end a line early or smuggle in a property. Seeds in
// testdata/fuzz/FuzzWrite.
func FuzzWrite(f *testing.F) {
	f.Add("Projektskizze senden", "Ratsbeschluss", "Kommunale Klimapartnerschaft")
	f.Add(czech, "příprava; schůzka, řízení", "Nové Město nad Metují")
	f.Add("a\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:evil", "x\\n;,:\"", "\x00\x1b[31m")
	l := mustBundle(f).For("cs")
	f.Fuzz(func(t *testing.T, text, step, title string) {
		m := &commands.Measure{Code: "F.019", Title: title, Steps: []commands.Step{{Number: 1, Text: step}, {Number: 2, Text: text}}}
		ev := calendar.Event{Measure: m, Deadline: commands.Deadline{ID: 7, MeasureID: 1, MeasureCode: "F.019",
			Due: commands.Date{Year: 2027, Month: 3, Day: 31}, Text: text, State: commands.DeadlineOpen}}
		var buf bytes.Buffer
		if err := calendar.Write(&buf, []calendar.Event{ev}, calendar.Options{L: l, Now: now, Domain: "x.klimabot", Name: title}); err != nil {
			t.Fatal(err)
		}
		events := checkRFC5545(t, buf.Bytes())
		if len(events) != 1 {
			t.Fatalf("%d events, want 1:\n%s", len(events), buf.Bytes())
		}
		got := unescapeText(events["d7@x.klimabot"].one(t, "SUMMARY").Value)
		if want := "F.019 – termín: " + oneLine(text); got != strings.TrimSpace(want) {
			t.Errorf("SUMMARY %q, want %q", got, want)
		}
	})
}

// oneLine is what Write makes of a text for a SUMMARY: invalid UTF-8 as
// U+FFFD, control characters dropped, runs of white space as one space.
func oneLine(s string) string {
	s = strings.ToValidUTF8(strings.ReplaceAll(s, "\r\n", "\n"), "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return ' '
		}
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}
