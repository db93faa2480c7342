package export

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"

	"github.com/klimabot/klimabot/commands"
	"github.com/klimabot/klimabot/commands/importer"
)

// The labels of the measure-sheet format, as the Hilden plan writes them.
// They stay German whatever the document's language: the sheet is the
// plan's own format, and klimabot's sheet importer reads these labels.
const (
	sheetResponsible = "Initiator/Zuständigkeit"
	sheetTargetGroup = "Zielgruppe"
	sheetObjective   = "Zielsetzung der Maßnahme"
	sheetDescription = "Beschreibung der Maßnahme"
	sheetSteps       = "Umsetzungsempfehlung/Umsetzungsschritte"
	sheetStatus      = "Aktueller Status/Fortschritt"
	sheetTimeline    = "Zeitachse"
	sheetCostHead    = "Gesamtkosten/Finanzierungsansatz"
	sheetCosts       = "Kosten"
	sheetRunning     = "Laufende Kosten pro Jahr"
	sheetFunding     = "Fördermöglichkeiten"
	sheetStaff       = "Zusätzliche Personalstellen"
)

// sheetColumns is the width of the sheet's tab-separated rows.
const sheetColumns = 6

// sheetEntries caps the progress lines appended to a sheet's status.
const sheetEntries = 10

// Folded labels the sheet importer knows (commands/importer sheetLabels):
// a section titled so cannot be written as a row of its own.
var (
	stepLabels = map[string]bool{
		"umsetzungsempfehlungumsetzungsschritte": true, "umsetzungsschritte": true, "umsetzungsempfehlung": true,
	}
	costHeadLabels = map[string]bool{
		"gesamtkostenfinanzierungsansatz": true, "gesamtkosten": true, "finanzierungsansatz": true,
	}
	otherLabels = map[string]bool{
		"initiatorzustaendigkeit": true, "zustaendigkeit": true, "initiator": true, "verantwortlich": true,
		"verantwortlichkeit": true, "zielgruppe": true, "zielgruppen": true, "zielsetzungdermassnahme": true,
		"zielsetzung": true, "beschreibungdermassnahme": true, "beschreibung": true,
		"aktuellerstatusfortschritt": true, "aktuellerstatus": true, "aktuellerstand": true, "status": true,
		"fortschritt": true, "zeitachse": true, "zeitplan": true, "kosten": true, "laufendekostenprojahr": true,
		"laufendekosten": true, "foerdermoeglichkeiten": true, "foerdermittel": true,
		"zusaetzlichepersonalstellen": true, "personalstellen": true,
	}
)

// SheetNeedsCode reports whether a sheet of the measure with this code must
// be imported with --code: the importer takes the first word of a sheet's
// first line as its code only when it holds a digit ("F.019", "KA-3"), so a
// code such as "aufruf-lateinamerikanische-kommunen" is not written there.
func SheetNeedsCode(code string) bool { return !strings.ContainsFunc(code, unicode.IsDigit) }

// Sheet writes one measure in the measure-sheet format of the climate
// action plan (the structure of seed F.019): the "CODE Title" line, label
// rows with single-line values beside them and long fields on the following
// lines, the numbered step list, the two timeline rows (steps per year), the
// cost rows, running costs, funding, staff, then further sections as
// "Title<TAB>text" rows.
//
// Steps are plain numbered rows ("1. …"), never the source's HTML list.
// Today's state follows the status text under its own label row
// (importer.StateLabel): a line with the steps done (each with its done
// date) and the progress entries since Options.Since (at most ten, oldest
// first). The sheet importer reads back the code, title, every field, the
// sections, the step texts and years and the done steps with their days;
// it keeps the state block out of the status, so a sheet exported and
// imported again and again does not pile the block up. What the format
// cannot hold: a step's exact planned date (the timeline keeps its year),
// line breaks inside a step text, the partnership label, who did a step,
// and deadlines and entries as data (use the JSON export for a backup).
func Sheet(w io.Writer, m commands.DumpMeasure, o Options) error {
	var b strings.Builder
	row := func(cells ...string) {
		for len(cells) < sheetColumns {
			cells = append(cells, "")
		}
		b.WriteString(strings.Join(cells, "\t") + "\n")
	}
	lines := func(s string) {
		for _, l := range strings.Split(s, "\n") {
			if l = cleanCell(l); l != "" {
				row(l)
			}
		}
	}
	long := func(label, value string) {
		row(label)
		lines(value)
	}

	var stepIntro, costExtra *commands.Section
	var others []commands.Section
	for i := range m.Sections {
		s := &m.Sections[i]
		switch k := importer.FoldLabel(s.Title); {
		case stepLabels[k] && stepIntro == nil:
			stepIntro = s
		case costHeadLabels[k] && costExtra == nil:
			costExtra = s
		default:
			others = append(others, *s)
		}
	}

	b.WriteString("\n")
	if SheetNeedsCode(m.Code) {
		b.WriteString(cleanCell(m.Title) + "\n")
	} else {
		b.WriteString(cleanCell(m.Code+" "+m.Title) + "\n")
	}
	b.WriteString("\n")
	row(sheetResponsible, cleanCell(m.Responsible))
	row(sheetTargetGroup, cleanCell(m.TargetGroup))
	long(sheetObjective, m.Objective)
	long(sheetDescription, m.Description)

	// The steps as plain numbered rows, without the source's HTML (<ol …>):
	// the importer reads "1. …", "2. …" as it reads a list. Text that stood
	// around the list goes before it.
	stepsLabel := sheetSteps
	if stepIntro != nil {
		stepsLabel = stepIntro.Title
	}
	row(stepsLabel)
	if stepIntro != nil {
		lines(stepIntro.Body)
	}
	for _, s := range m.Steps {
		row(strconv.Itoa(s.Number) + ". " + cleanCell(s.Text))
	}

	row(sheetStatus)
	lines(m.Status)
	if state := sheetStatusLines(m, o); len(state) > 0 {
		row(importer.StateLabel)
		for _, l := range state {
			row(l)
		}
	}

	row(sheetTimeline)
	if refs, years := timelineRows(m.Steps); len(refs) > 0 {
		row(append([]string{""}, refs...)...)
		row(append([]string{""}, years...)...)
	}

	costLabel := sheetCostHead
	if costExtra != nil {
		costLabel = costExtra.Title
	}
	row(costLabel)
	row("", "Soll", "", "", "Ist")
	if costExtra != nil {
		lines(costExtra.Body)
	}
	row(sheetCosts, cleanCell(m.CostsPlanned), "", "", cleanCell(m.CostsActual))
	long(sheetRunning, m.RunningCosts)
	long(sheetFunding, m.Funding)
	long(sheetStaff, m.Staff)

	for _, s := range others {
		body := strings.Split(s.Body, "\n")
		first, rest := "", body
		for len(rest) > 0 && first == "" {
			first, rest = cleanCell(rest[0]), rest[1:]
		}
		if first == "" {
			continue
		}
		row(sectionTitle(s.Title), first)
		for _, l := range rest {
			if l = cleanCell(l); l != "" {
				row(l)
			}
		}
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("write sheet: %w", err)
	}
	return nil
}

// sheetStatusLines are today's state, appended to the status field: the
// steps done with their dates, then the progress entries since o.since().
func sheetStatusLines(m commands.DumpMeasure, o Options) []string {
	var out []string
	var done []string
	for _, s := range m.Steps {
		if s.Done {
			done = append(done, o.msg("export.sheet.step_done", commands.Data{"Step": s.Number, "Date": o.date(o.day(s.DoneAt))}))
		}
	}
	if len(m.Steps) > 0 {
		line := o.msg("export.sheet.state", commands.Data{"Date": o.date(o.today()), "Steps": o.L.StepsDone(len(done), len(m.Steps))})
		if len(done) > 0 {
			line += " (" + strings.Join(done, ", ") + ")"
		}
		line += "."
		out = append(out, cleanCell(line))
	}
	entries := o.entriesSince(m, o.since())
	if len(entries) > sheetEntries {
		entries = entries[len(entries)-sheetEntries:]
	}
	for _, e := range entries {
		out = append(out, cleanCell(o.msg("export.md.entry", commands.Data{
			"Date": o.date(o.day(e.CreatedAt)), "Name": commands.EntryByline(e).Render(o.L), "Text": oneLine(commands.EntryWords(e).Render(o.L)),
		})))
	}
	return out
}

// timelineRows returns the timeline's cells: each column names a run of
// consecutive steps planned for one year ("1", "3 & 4", "7 - 9"), and the
// year row leaves a cell empty where the year repeats, as the plan does.
func timelineRows(steps []commands.Step) (refs, years []string) {
	type run struct{ from, to, year int }
	var runs []run
	for _, s := range steps {
		year := s.PlannedYear
		if year == 0 && !s.PlannedDate.IsZero() {
			year = s.PlannedDate.Year
		}
		if year <= 0 {
			continue
		}
		if n := len(runs); n > 0 && runs[n-1].year == year && runs[n-1].to == s.Number-1 {
			runs[n-1].to = s.Number
			continue
		}
		runs = append(runs, run{s.Number, s.Number, year})
	}
	prev := 0
	for _, r := range runs {
		switch {
		case r.from == r.to:
			refs = append(refs, strconv.Itoa(r.from))
		case r.to == r.from+1:
			refs = append(refs, strconv.Itoa(r.from)+" & "+strconv.Itoa(r.to))
		default:
			refs = append(refs, strconv.Itoa(r.from)+" - "+strconv.Itoa(r.to))
		}
		if r.year == prev {
			years = append(years, "")
		} else {
			years = append(years, strconv.Itoa(r.year))
		}
		prev = r.year
	}
	return refs, years
}

// cleanCell makes s one cell: no tabs, no line breaks, single spaces.
func cleanCell(s string) string { return oneLine(s) }

// sectionTitle makes a section title readable as a label row by the
// importer: at most 60 characters, not ending in a sentence mark, not a
// known field label.
func sectionTitle(t string) string {
	t = cleanCell(t)
	if r := []rune(t); len(r) > 60 {
		t = strings.TrimSpace(string(r[:60]))
	}
	t = strings.TrimRight(t, ".!?: ")
	if t == "" || otherLabels[importer.FoldLabel(t)] || stepLabels[importer.FoldLabel(t)] || costHeadLabels[importer.FoldLabel(t)] {
		t = "Notiz " + t
	}
	return t
}
