package export

import (
	"strings"
	"testing"
	"time"

	"github.com/klimabot/klimabot/commands"
	"github.com/klimabot/klimabot/locales"
)

func layoutOptions(t *testing.T, lang string) Options {
	t.Helper()
	b, err := locales.New()
	if err != nil {
		t.Fatal(err)
	}
	return Options{L: b.For(lang), Now: time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC), Loc: time.UTC}
}

// TestTimelineHistoricYears (issue 15, item 14): a call whose dates all lie
// in 2016 shows 2016–2017, not eleven empty years up to today.
func TestTimelineHistoricYears(t *testing.T) {
	o := layoutOptions(t, "de")
	m := commands.DumpMeasure{Measure: commands.Measure{Code: "aufruf", Steps: []commands.Step{
		{Number: 1, Text: "Interessenbekundung", PlannedDate: commands.NewDate(2016, 1, 15)},
		{Number: 2, Text: "Workshop in San José", PlannedDate: commands.NewDate(2017, 2, 1)},
	}}}
	if first, last := yearRange(m, o, o.today()); first != 2016 || last != 2017 {
		t.Errorf("years %d–%d, want 2016–2017", first, last)
	}
	// A current plan still reaches today.
	m.Steps[1].PlannedDate = commands.NewDate(2025, 2, 1)
	if first, last := yearRange(m, o, o.today()); first != 2016 || last != 2026 {
		t.Errorf("current plan: years %d–%d, want 2016–2026", first, last)
	}
}

// TestTimelineLayout (issue 15, item 14): step labels are wrapped, not cut;
// every marker drawn is in the legend; loose deadlines get a row named by
// their text.
func TestTimelineLayout(t *testing.T) {
	f, err := loadFaces()
	if err != nil {
		t.Fatal(err)
	}
	long := "Analyse von klimatischen Parallelen sowie Gegenüberstellung der Herausforderungen von Hilden und Nové Město nad Metují"
	done := time.Date(2023, 6, 23, 10, 0, 0, 0, time.UTC)
	m := commands.DumpMeasure{Measure: commands.Measure{Code: "F.019", Steps: []commands.Step{
		{Number: 1, Text: long, PlannedYear: 2022, Done: true, DoneAt: done},
		{Number: 2, Text: "Projektskizze", PlannedDate: commands.NewDate(2026, 3, 1)},
		{Number: 3, Text: "Ratsbeschluss", PlannedYear: 2027},
	}}, Deadlines: []commands.DumpDeadline{
		{Deadline: commands.Deadline{Step: 3, Due: commands.NewDate(2027, 3, 31), Text: "Ratsvorlage"}},
		{Deadline: commands.Deadline{Due: commands.NewDate(2026, 10, 15), Text: "Zwischenbericht an den Ausschuss"}},
	}}
	for _, lang := range []string{"de", "cs", "es", "en"} {
		o := layoutOptions(t, lang)
		tl := layoutTimeline(m, o, f)
		label := strings.Join(tl.rows[0].label, " ")
		if label != "1. "+long || len(tl.rows[0].label) < 2 {
			t.Errorf("%s: step label %q, want the whole text on several lines", lang, tl.rows[0].label)
		}
		for _, line := range tl.rows[0].label {
			if width(f.regular, line) > pngLabelW {
				t.Errorf("%s: label line %q is wider than the label column", lang, line)
			}
		}
		if len(tl.rows) != 4 || strings.Join(tl.rows[3].label, " ") != "Zwischenbericht an den Ausschuss" {
			t.Errorf("%s: the loose deadline has no row of its own named by its text: %d rows", lang, len(tl.rows))
		}
		for _, k := range []tlMark{markBarDone, markBarOverdue, markBarOpen, markPlannedDate, markDoneOn, markDeadline, markDeadlineLate, markToday} {
			if !tl.used[k] {
				t.Errorf("%s: marker %d drawn but not in the legend", lang, k)
			}
		}
		seen := map[string]bool{}
		for k := tlMark(0); k < markCount; k++ {
			l := o.legendLabel(k)
			if l == "" || seen[l] {
				t.Errorf("%s: legend label of marker %d is %q (empty or repeated)", lang, k, l)
			}
			seen[l] = true
		}
		if got, want := o.deadlineNote(m.Deadlines[0]), o.date(commands.NewDate(2027, 3, 31)); got != want || got == "" {
			t.Errorf("%s: deadline note %q, want its date %q", lang, got, want)
		}
	}
	// wrap keeps every word of a text without spaces, too.
	if got := wrap(f.regular, strings.Repeat("x", 200), 100, 100); strings.Join(got, "") != strings.Repeat("x", 200) {
		t.Errorf("wrap of a long word lost characters: %q", got)
	}
}
