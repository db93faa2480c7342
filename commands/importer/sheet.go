package importer

import (
	"html"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/klimabot/klimabot/commands"
)

// field is what a label row of a measure sheet introduces.
type field int

const (
	fieldNone field = iota
	fieldResponsible
	fieldTargetGroup
	fieldObjective
	fieldDescription
	fieldSteps
	fieldStatus
	fieldTimeline
	fieldCostHead
	fieldCosts
	fieldRunning
	fieldFunding
	fieldStaff
	fieldState   // klimabot's own state block of an exported sheet
	fieldSection // a label the importer does not know: kept as a Section
)

// sheetLabels maps folded labels (see fold) to fields. The first forms are
// those of the Hilden plan; the others are common variants.
var sheetLabels = map[string]field{
	"initiatorzustaendigkeit":                fieldResponsible,
	"zustaendigkeit":                         fieldResponsible,
	"initiator":                              fieldResponsible,
	"verantwortlich":                         fieldResponsible,
	"verantwortlichkeit":                     fieldResponsible,
	"zielgruppe":                             fieldTargetGroup,
	"zielgruppen":                            fieldTargetGroup,
	"zielsetzungdermassnahme":                fieldObjective,
	"zielsetzung":                            fieldObjective,
	"beschreibungdermassnahme":               fieldDescription,
	"beschreibung":                           fieldDescription,
	"umsetzungsempfehlungumsetzungsschritte": fieldSteps,
	"umsetzungsschritte":                     fieldSteps,
	"umsetzungsempfehlung":                   fieldSteps,
	"aktuellerstatusfortschritt":             fieldStatus,
	"aktuellerstatus":                        fieldStatus,
	"aktuellerstand":                         fieldStatus,
	"status":                                 fieldStatus,
	"fortschritt":                            fieldStatus,
	"zeitachse":                              fieldTimeline,
	"zeitplan":                               fieldTimeline,
	"gesamtkostenfinanzierungsansatz":        fieldCostHead,
	"gesamtkosten":                           fieldCostHead,
	"finanzierungsansatz":                    fieldCostHead,
	"kosten":                                 fieldCosts,
	"laufendekostenprojahr":                  fieldRunning,
	"laufendekosten":                         fieldRunning,
	"foerdermoeglichkeiten":                  fieldFunding,
	"foerdermittel":                          fieldFunding,
	"zusaetzlichepersonalstellen":            fieldStaff,
	"personalstellen":                        fieldStaff,
	"standlautklimabot":                      fieldState,
}

// StateLabel is the label row under which klimabot's sheet export writes
// the state of the day (steps done, latest progress) after the status text.
// The importer reads the done steps back from it and keeps it out of the
// status, so that exporting and importing a sheet again and again neither
// piles these lines up nor loses the done steps.
const StateLabel = "Stand laut klimabot"

// sheetMarkers are the labels that make Detect call a document a sheet.
var sheetMarkers = map[string]bool{
	"initiatorzustaendigkeit":                true,
	"zielsetzungdermassnahme":                true,
	"beschreibungdermassnahme":               true,
	"umsetzungsempfehlungumsetzungsschritte": true,
	"aktuellerstatusfortschritt":             true,
	"zeitachse":                              true,
	"gesamtkostenfinanzierungsansatz":        true,
	"laufendekostenprojahr":                  true,
	"zusaetzlichepersonalstellen":            true,
}

// isSheet reports whether text looks like a measure sheet.
func isSheet(text string) bool {
	if strings.Contains(strings.ToLower(text), "<ol") {
		return true
	}
	for _, l := range splitLines(text) {
		first, _, _ := strings.Cut(l, "\t")
		if sheetMarkers[FoldLabel(first)] {
			return true
		}
	}
	return false
}

// row is one line of a sheet with its tab-separated cells.
type row struct {
	line  int
	cells []string
}

// value joins the row's non-empty cells from column from on, single-spaced.
func (r row) value(from int) string {
	var parts []string
	for i := from; i < len(r.cells); i++ {
		if c := collapse(r.cells[i]); c != "" {
			parts = append(parts, c)
		}
	}
	return strings.Join(parts, " ")
}

// block is a label row and the rows that belong to it.
type block struct {
	field field
	label string // as written
	line  int
	first row   // the label row
	inner int   // column the label row's own value starts at
	rows  []row // following rows
}

// texts returns the block's value lines: the label row's own value, then
// each following row's.
func (b *block) texts() []string {
	var out []string
	if v := b.first.value(b.inner); v != "" {
		out = append(out, v)
	}
	for _, r := range b.rows {
		if v := r.value(0); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// takesText reports whether continuation lines belong to the block.
func (b *block) takesText() bool {
	switch b.field {
	case fieldNone:
		return false
	case fieldCosts: // values on the row under "Kosten"
		return len(b.rows) == 0 && b.first.value(1) == ""
	case fieldTimeline:
		return len(b.rows) < 2
	}
	return true
}

// splitCodeTitle splits the first line of a sheet into code and title: the
// code is the first word when it holds a digit ("F.019", "KA-3"); a short
// letter prefix followed by a number ("M 1.2") is joined to "M1.2".
func splitCodeTitle(s string) (code, title string) {
	words := strings.Fields(s)
	if len(words) == 0 {
		return "", ""
	}
	first := strings.TrimRight(words[0], ":,;")
	if strings.ContainsFunc(first, unicode.IsDigit) {
		return first, strings.Join(words[1:], " ")
	}
	if len(words) >= 2 && utf8.RuneCountInString(first) <= 3 && !strings.ContainsFunc(first, func(r rune) bool { return !unicode.IsLetter(r) }) {
		second := strings.TrimRight(words[1], ":,;")
		if second != "" && second[0] >= '0' && second[0] <= '9' {
			return first + second, strings.Join(words[2:], " ")
		}
	}
	return "", collapse(s)
}

// matchLabel returns the field of a label cell, and for "Label: value"
// written in one cell the value's start.
func matchLabel(cell string) (f field, label string, rest string, ok bool) {
	t := strings.TrimSpace(cell)
	if f, ok := sheetLabels[FoldLabel(t)]; ok && t != "" {
		return f, strings.TrimSuffix(t, ":"), "", true
	}
	if i := strings.Index(t, ":"); i > 0 {
		if f, ok := sheetLabels[FoldLabel(t[:i])]; ok {
			return f, strings.TrimSpace(t[:i]), strings.TrimSpace(t[i+1:]), true
		}
	}
	return fieldNone, "", "", false
}

// looksLikeLabel reports whether a row with an unknown first cell is a label
// row with its value in a later column ("Priorität<TAB>hoch"), not text.
func looksLikeLabel(r row) bool {
	first := strings.TrimSpace(r.cells[0])
	if first == "" || utf8.RuneCountInString(first) > 60 || r.value(1) == "" {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(first)
	return !strings.ContainsRune(".!?", last)
}

// ParseSheet parses a measure sheet in the F.019 format: the "CODE Title"
// line, label rows with their value in the next column or on the following
// lines, the numbered step list, the two-row timeline and the cost rows.
func ParseSheet(name string, data []byte, opt Options) (commands.Measure, error) {
	text, err := decode(name, data)
	if err != nil {
		return commands.Measure{}, err
	}
	optCode, err := checkCodeOption(name, opt)
	if err != nil {
		return commands.Measure{}, err
	}
	lines := splitLines(text)

	// The title line.
	i := 0
	for i < len(lines) && strings.TrimSpace(lines[i]) == "" {
		i++
	}
	if i == len(lines) {
		return commands.Measure{}, parseErr(name, 0, "import.empty", nil, "the file is empty")
	}
	titleLine := i + 1
	if _, _, _, ok := matchLabel(strings.Split(lines[i], "\t")[0]); ok {
		return commands.Measure{}, parseErr(name, titleLine, "import.sheet_title", nil,
			"expected the measure's code and title first, such as \"F.019 Kommunale Klimapartnerschaft\"")
	}
	code, title := splitCodeTitle(strings.ReplaceAll(lines[i], "\t", " "))
	if optCode != "" {
		if code == "" {
			title = collapse(strings.ReplaceAll(lines[i], "\t", " "))
		}
		code = optCode
	}
	if code == "" {
		return commands.Measure{}, parseErr(name, titleLine, "import.need_code", nil,
			"no measure code at the start of the first line: expected \"CODE Title\" such as \"F.019 Kommunale Klimapartnerschaft\", or give one with --code")
	}
	if !commands.ValidCode(code) {
		return commands.Measure{}, parseErr(name, titleLine, "import.bad_code", commands.Data{"Code": code},
			"%q is not a valid measure code: expected 1 to 64 characters without spaces, such as F.019", code)
	}
	// Group the rows into blocks, one per label.
	var blocks []*block
	var cur *block
	seen := map[field]int{} // field → line of its label
	titleOpen := true       // a title that wraps continues on the next lines
	for i++; i < len(lines); i++ {
		r := row{line: i + 1, cells: strings.Split(lines[i], "\t")}
		if strings.TrimSpace(lines[i]) == "" {
			titleOpen = false
			continue
		}
		f, label, rest, ok := matchLabel(r.cells[0])
		switch {
		case titleOpen && !ok && cur == nil && !looksLikeLabel(r):
			title = collapse(title + " " + r.value(0))
		case ok:
			if prev, dup := seen[f]; dup {
				return commands.Measure{}, parseErr(name, r.line, "import.duplicate_field",
					commands.Data{"Label": label, "First": prev},
					"%q appears twice (first in line %d): expected each label once", label, prev)
			}
			seen[f] = r.line
			b := &block{field: f, label: label, line: r.line, first: r, inner: 1}
			if rest != "" {
				b.first.cells = append([]string{"", rest}, r.cells[1:]...)
			}
			cur = b
			blocks = append(blocks, b)
		case cur != nil && cur.field == fieldTimeline && len(cur.rows) < 2:
			cur.rows = append(cur.rows, r)
		case looksLikeLabel(r) && !(cur != nil && cur.field == fieldCostHead && hasSollIst(r)):
			label := strings.TrimSuffix(strings.TrimSpace(r.cells[0]), ":")
			cur = &block{field: fieldSection, label: label, line: r.line, first: r, inner: 1}
			blocks = append(blocks, cur)
		case cur != nil && cur.takesText():
			cur.rows = append(cur.rows, r)
		default:
			return commands.Measure{}, parseErr(name, r.line, "import.sheet_outside", nil,
				"text outside of a field: expected a label such as \"Zielgruppe\" or \"Aktueller Status/Fortschritt\" in the first column")
		}
	}

	if title == "" {
		return commands.Measure{}, parseErr(name, titleLine, "import.sheet_title", nil,
			"expected the measure's title after the code, such as \"F.019 Kommunale Klimapartnerschaft\"")
	}
	m := commands.Measure{Code: code, Title: title, Source: name}
	var stepsBlock, timeline, stateBlock *block
	var costHead, costs *block
	for _, b := range blocks {
		switch b.field {
		case fieldResponsible:
			m.Responsible = collapse(strings.Join(b.texts(), " "))
		case fieldTargetGroup:
			m.TargetGroup = collapse(strings.Join(b.texts(), " "))
		case fieldObjective:
			m.Objective = joinLines(b.texts())
		case fieldDescription:
			m.Description = joinLines(b.texts())
		case fieldStatus:
			m.Status = joinLines(b.texts())
		case fieldRunning:
			m.RunningCosts = joinLines(b.texts())
		case fieldFunding:
			m.Funding = joinLines(b.texts())
		case fieldStaff:
			m.Staff = joinLines(b.texts())
		case fieldState:
			stateBlock = b
		case fieldSteps:
			stepsBlock = b
		case fieldTimeline:
			timeline = b
		case fieldCostHead:
			costHead = b
		case fieldCosts:
			costs = b
		case fieldSection:
			if body := joinLines(b.texts()); body != "" {
				m.Sections = append(m.Sections, commands.Section{Title: b.label, Body: body})
			}
		}
	}

	// Timeline first: the number of steps it refers to helps splitting the list.
	var plan []planned
	if timeline != nil {
		if plan, err = parseTimeline(name, timeline); err != nil {
			return commands.Measure{}, err
		}
	}
	if stepsBlock != nil {
		want := 0
		for _, p := range plan {
			want = max(want, p.step)
		}
		steps, rest := splitSteps(stepsBlock, want)
		for n, t := range steps {
			if t == "" {
				return commands.Measure{}, parseErr(name, stepsBlock.line, "import.empty_step", commands.Data{"Step": n + 1},
					"step %d has no text: expected \"%d. text\"", n+1, n+1)
			}
			m.Steps = append(m.Steps, commands.Step{Number: n + 1, Text: t})
		}
		if rest != "" {
			m.Sections = append(m.Sections, commands.Section{Title: stepsBlock.label, Body: rest})
		}
	}
	done := map[int]bool{}
	for _, p := range plan {
		if p.step > len(m.Steps) {
			return commands.Measure{}, parseErr(name, p.line, "import.timeline_step",
				commands.Data{"Step": p.step, "Steps": len(m.Steps)},
				"the timeline refers to step %d, but the sheet has %d steps", p.step, len(m.Steps))
		}
		if !done[p.step] { // the first column naming a step wins
			done[p.step] = true
			m.Steps[p.step-1].PlannedYear = p.year
		}
	}
	if stateBlock != nil {
		for n, day := range doneSteps(stateBlock.texts()) {
			if n <= len(m.Steps) {
				st := &m.Steps[n-1]
				st.Done = true
				st.DoneAt = time.Date(day.Year, day.Month, day.Day, 12, 0, 0, 0, time.UTC)
				st.DoneBy = commands.Person{Name: name}
			}
		}
	}
	if costHead != nil || costs != nil {
		sections := applyCosts(&m, costHead, costs)
		m.Sections = append(m.Sections, sections...)
	}
	return m, nil
}

// doneRe finds "step N … DATE" in the state line of an exported sheet, in
// each language's words and date form: "Schritt 1 erledigt am 02.12.2026",
// "krok 1 splněn 2. 12. 2026", "paso 1 completado el 02/12/2026", "step 1
// done on 2026-12-02".
var doneRe = regexp.MustCompile(`(\d+)[^\d(),;]*?(?:(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})|(\d{1,2})/(\d{1,2})/(\d{4})|(\d{4})-(\d{2})-(\d{2}))`)

// doneSteps reads the steps done and their days from the first line of
// klimabot's state block: the list in parentheses after the summary.
func doneSteps(lines []string) map[int]commands.Date {
	out := map[int]commands.Date{}
	if len(lines) == 0 {
		return out
	}
	line := lines[0]
	open, end := strings.Index(line, "("), strings.LastIndex(line, ")")
	if open < 0 || end < open {
		return out
	}
	for _, g := range doneRe.FindAllStringSubmatch(line[open+1:end], -1) {
		n, _ := strconv.Atoi(g[1])
		var d, mo, y int
		switch {
		case g[2] != "":
			d, mo, y = atoi(g[2]), atoi(g[3]), atoi(g[4])
		case g[5] != "":
			d, mo, y = atoi(g[5]), atoi(g[6]), atoi(g[7])
		default:
			y, mo, d = atoi(g[8]), atoi(g[9]), atoi(g[10])
		}
		if n > 0 && commands.ValidDate(y, time.Month(mo), d) {
			out[n] = commands.NewDate(y, time.Month(mo), d)
		}
	}
	return out
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

// planned is one step's year from the timeline.
type planned struct {
	step, year, line int
}

var yearRe = regexp.MustCompile(`\b([12][0-9]{3})\b`)

// parseTimeline reads the two timeline rows: step references per column,
// then years per column, where an empty year cell continues the previous
// year.
func parseTimeline(file string, b *block) ([]planned, error) {
	if len(b.rows) == 0 {
		return nil, nil
	}
	if len(b.rows) < 2 {
		return nil, parseErr(file, b.rows[0].line, "import.timeline_years", nil,
			"expected a row of years under the timeline's step numbers")
	}
	refs, years := b.rows[0], b.rows[1]
	var out []planned
	year := 0
	for c, cell := range refs.cells {
		yc := ""
		if c < len(years.cells) {
			yc = strings.TrimSpace(years.cells[c])
		}
		if yc != "" {
			m := yearRe.FindString(yc)
			switch {
			case m != "":
				year, _ = strconv.Atoi(m)
			case c > 0:
				return nil, parseErr(file, years.line, "import.timeline_year", commands.Data{"Cell": yc},
					"timeline year %q: expected a year such as 2024, or an empty cell for the previous year", yc)
			}
		}
		cell = strings.TrimSpace(cell)
		if cell == "" {
			continue
		}
		steps, ok := parseRefs(cell)
		if !ok {
			if c == 0 { // a label such as "Schritt"
				continue
			}
			return nil, parseErr(file, refs.line, "import.timeline_refs", commands.Data{"Cell": cell},
				"timeline cell %q: expected step numbers such as 1, 3 & 4 or 3 - 5", cell)
		}
		for _, s := range steps {
			out = append(out, planned{step: s, year: year, line: refs.line})
		}
	}
	// Year cells beyond the last step column carry nothing.
	return out, nil
}

// maxSteps bounds step numbers and ranges, so that a stray "1 - 999999"
// fails cleanly instead of allocating.
const maxSteps = 500

var (
	refSplitRe = regexp.MustCompile(`\s*(?:&|,|;|\+|/|\bund\b|\band\b)\s*`)
	refRangeRe = regexp.MustCompile(`^(\d{1,4})\s*(?:-|–|—|\bbis\b)\s*(\d{1,4})$`)
	refNumRe   = regexp.MustCompile(`^(\d{1,4})\.?$`)
)

// parseRefs reads a timeline cell such as "1", "3 & 4", "3 - 5", "3,4".
func parseRefs(cell string) ([]int, bool) {
	var out []int
	for _, part := range refSplitRe.Split(cell, -1) {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		if m := refNumRe.FindStringSubmatch(part); m != nil {
			n, _ := strconv.Atoi(m[1])
			if n < 1 || n > maxSteps {
				return nil, false
			}
			out = append(out, n)
			continue
		}
		m := refRangeRe.FindStringSubmatch(part)
		if m == nil {
			return nil, false
		}
		a, _ := strconv.Atoi(m[1])
		z, _ := strconv.Atoi(m[2])
		if a < 1 || z < a || z > maxSteps {
			return nil, false
		}
		for n := a; n <= z; n++ {
			out = append(out, n)
		}
	}
	return out, len(out) > 0
}

// hasSollIst reports whether a row holds the "Soll"/"Ist" column headers.
func hasSollIst(r row) bool {
	for _, c := range r.cells {
		if k := FoldLabel(c); k == "soll" || k == "ist" {
			return true
		}
	}
	return false
}

// applyCosts reads the "Soll"/"Ist" header (in the Gesamtkosten row or the
// row under it) and takes the "Kosten" row's values (or, when that row has
// none, the next row's) by column: a value belongs to the header column it
// sits in or after. Without headers the
// first value is planned, the rest actual. Other text under the cost
// header is returned as a section.
func applyCosts(m *commands.Measure, head, costs *block) []commands.Section {
	soll, ist := -1, -1
	var extra []string
	if head != nil {
		rows := append([]row{head.first}, head.rows...)
		for i, r := range rows {
			if hasSollIst(r) && soll < 0 && ist < 0 {
				for c, cell := range r.cells {
					switch FoldLabel(cell) {
					case "soll":
						soll = c
					case "ist":
						ist = c
					}
				}
				continue
			}
			from := 0
			if i == 0 {
				from = head.inner
			}
			if v := r.value(from); v != "" {
				extra = append(extra, v)
			}
		}
	}
	if costs != nil {
		cells := append([]string{""}, costs.first.cells[1:]...) // column 0 is the label
		if len(costs.rows) > 0 {
			cells = costs.rows[0].cells
		}
		r := row{cells: cells}
		switch {
		case soll >= 0 && ist >= 0:
			lo, hi := min(soll, ist), max(soll, ist)
			a, z := span(r, 0, hi), span(r, hi, len(cells))
			if soll == lo {
				m.CostsPlanned, m.CostsActual = a, z
			} else {
				m.CostsPlanned, m.CostsActual = z, a
			}
		case soll >= 0:
			m.CostsPlanned = span(r, 0, len(cells))
		case ist >= 0:
			m.CostsActual = span(r, 0, len(cells))
		default:
			var vals []string
			for _, c := range cells {
				if c = collapse(c); c != "" {
					vals = append(vals, c)
				}
			}
			if len(vals) > 0 {
				m.CostsPlanned = vals[0]
				m.CostsActual = strings.Join(vals[1:], " ")
			}
		}
	}
	if len(extra) > 0 {
		return []commands.Section{{Title: head.label, Body: strings.Join(extra, "\n")}}
	}
	return nil
}

// span joins the non-empty cells of r in columns [from, to).
func span(r row, from, to int) string {
	var parts []string
	for c := from; c < to && c < len(r.cells); c++ {
		if v := collapse(r.cells[c]); v != "" {
			parts = append(parts, v)
		}
	}
	return strings.Join(parts, " ")
}

var (
	olOpenRe  = regexp.MustCompile(`(?i)<ol\b[^>]*>`)
	olCloseRe = regexp.MustCompile(`(?i)</ol\s*>`)
	liTagRe   = regexp.MustCompile(`(?i)</?li\b[^>]*>`)
	bulletRe  = regexp.MustCompile(`^(?:[•·▪◦‣*–-]|\d{1,4}[.)])\s+`)
)

// splitSteps splits the step block into step texts. Inside an <ol> list (or
// any text starting "1. ") the steps are cut at the sequential numbering
// "1. ", "2. ", …; without numbering every line is a step. want, when
// positive, is the number of steps the timeline refers to. rest is the text
// around the list (before "1. ", after "</ol>"), kept by the caller.
func splitSteps(b *block, want int) (steps []string, rest string) {
	lines := b.texts()
	all := strings.Join(lines, "\n")
	var before, list, after string
	if loc := olOpenRe.FindStringIndex(all); loc != nil {
		before, list = all[:loc[0]], all[loc[1]:]
		if c := olCloseRe.FindStringIndex(list); c != nil {
			list, after = list[:c[0]], list[c[1]:]
		}
		list = html.UnescapeString(liTagRe.ReplaceAllString(list, " "))
	} else {
		list = all
	}
	flat := collapse(list)
	if texts, intro, ok := numbered(flat, want); ok {
		steps = texts
		before = before + " " + intro
	} else {
		for _, l := range strings.Split(list, "\n") {
			if l = collapse(bulletRe.ReplaceAllString(strings.TrimSpace(l), "")); l != "" {
				steps = append(steps, l)
			}
		}
	}
	var restLines []string
	for _, s := range []string{before, after} {
		if s = collapse(s); s != "" {
			restLines = append(restLines, s)
		}
	}
	return steps, strings.Join(restLines, "\n")
}

// marker is a candidate list number "n. " in flattened text.
type marker struct {
	n          int
	start, end int // of "n." and of the text after it
	suspicious bool
}

// ordinalWords are words that, right before a number, make "n." an ordinal
// or a date rather than a list number ("der 3. Phase", "am 12. März").
var ordinalBefore = map[string]bool{
	"der": true, "die": true, "das": true, "dem": true, "den": true, "des": true,
	"zum": true, "zur": true, "im": true, "am": true, "vom": true, "bis": true,
	"ab": true, "seit": true, "ein": true, "eine": true, "einer": true, "einem": true,
	"einen": true, "jede": true, "jeder": true, "jedes": true, "jeden": true,
	"vor": true, "nach": true, "beim": true, "ins": true, "zu": true, "und": true,
	"oder": true, "bzw": true, "ihrer": true, "seiner": true, "unserer": true,
}

// ordinalAfter are words (as folded prefixes or suffixes) that, right after
// "n.", make it an ordinal or a date.
var ordinalAfter = []string{
	"januar", "jaenner", "februar", "maerz", "marz", "april", "mai", "juni", "juli",
	"august", "september", "oktober", "november", "dezember",
	"phase", "stufe", "mal", "quartal", "halbjahr", "woche", "monat", "jahr",
	"sitzung", "runde", "klasse", "abschnitt", "etappe", "platz", "auflage", "kw",
	"tag", "treffen", "lesung", "bauabschnitt", "projektphase", "foerderphase",
}

// numbered finds the list "1. a 2. b …" in flat (collapsed) text and returns
// the step texts and the text before "1.". It returns ok false when flat has
// no "1. ".
func numbered(flat string, want int) (texts []string, intro string, ok bool) {
	cands := map[int][]marker{}
	for i := 0; i < len(flat); i++ {
		c := flat[i]
		if c < '0' || c > '9' || (i > 0 && flat[i-1] != ' ') {
			continue
		}
		j := i
		for j < len(flat) && flat[j] >= '0' && flat[j] <= '9' {
			j++
		}
		if j-i > 4 || j >= len(flat) || (flat[j] != '.' && flat[j] != ')') || (j+1 < len(flat) && flat[j+1] != ' ') {
			i = j
			continue
		}
		n, _ := strconv.Atoi(flat[i:j])
		if n < 1 || n > maxSteps {
			i = j
			continue
		}
		end := min(j+2, len(flat))
		cands[n] = append(cands[n], marker{n: n, start: i, end: end, suspicious: suspicious(flat, i, end)})
		i = j
	}
	if len(cands[1]) == 0 {
		return nil, "", false
	}
	var seq []marker
	if want > 1 {
		seq = feasibleSequence(cands, want)
	}
	if seq == nil {
		seq = greedySequence(cands, 1, -1)
	} else {
		seq = append(seq, greedySequence(cands, want+1, seq[len(seq)-1].end)...)
	}
	if len(seq) == 0 {
		return nil, "", false
	}
	for k, mk := range seq {
		stop := len(flat)
		if k+1 < len(seq) {
			stop = seq[k+1].start
		}
		texts = append(texts, strings.TrimSpace(flat[mk.end:stop]))
	}
	return texts, strings.TrimSpace(flat[:seq[0].start]), true
}

// suspicious reports whether the number at flat[start:] reads as an
// ordinal or a date in running text rather than as a list number.
func suspicious(flat string, start, end int) bool {
	// flat is collapsed: the word before is between the last two spaces.
	before := strings.TrimSuffix(flat[:start], " ")
	if k := strings.LastIndexByte(before, ' '); k >= 0 {
		before = before[k+1:]
	}
	if len(before) < 16 && ordinalBefore[FoldLabel(before)] {
		return true
	}
	after := flat[end:]
	if k := strings.IndexByte(after, ' '); k >= 0 {
		after = after[:k]
	}
	if len(after) > 64 {
		after = after[:64]
	}
	r, _ := utf8.DecodeRuneInString(after)
	if unicode.IsLower(r) || unicode.IsDigit(r) {
		return true
	}
	w := FoldLabel(after)
	if w == "" {
		return false
	}
	for _, o := range ordinalAfter {
		if w == o || (len(o) > 4 && (strings.HasPrefix(w, o) || strings.HasSuffix(w, o))) {
			return true
		}
	}
	return false
}

// greedySequence picks markers from, from+1, … each after the previous,
// the first one that does not look like an ordinal; for "1." also the first
// one of any kind.
func greedySequence(cands map[int][]marker, from, pos int) []marker {
	var seq []marker
	for n := from; ; n++ {
		var pick *marker
		for k := range cands[n] {
			mk := &cands[n][k]
			if mk.start <= pos {
				continue
			}
			if !mk.suspicious {
				pick = mk
				break
			}
			if n == 1 && pick == nil {
				pick = mk
			}
		}
		if pick == nil {
			return seq
		}
		seq = append(seq, *pick)
		pos = pick.end - 1
	}
}

// feasibleSequence finds markers 1..want in order, preferring at each
// number the first plain marker among those from which the rest can still
// be completed; nil if no such sequence exists.
func feasibleSequence(cands map[int][]marker, want int) []marker {
	for n := 1; n <= want; n++ {
		if len(cands[n]) == 0 {
			return nil
		}
	}
	// ok[n][k]: from candidate k of number n, numbers n+1..want can follow.
	ok := make([][]bool, want+1)
	ok[want] = make([]bool, len(cands[want]))
	for k := range ok[want] {
		ok[want][k] = true
	}
	for n := want - 1; n >= 1; n-- {
		ok[n] = make([]bool, len(cands[n]))
		// the latest start among feasible successors
		latest := -1
		for k, mk := range cands[n+1] {
			if ok[n+1][k] {
				latest = max(latest, mk.start)
			}
		}
		for k, mk := range cands[n] {
			ok[n][k] = latest >= mk.end
		}
	}
	var seq []marker
	pos := -1
	for n := 1; n <= want; n++ {
		var pick *marker
		for k := range cands[n] {
			mk := &cands[n][k]
			if mk.start <= pos || !ok[n][k] {
				continue
			}
			if !mk.suspicious {
				pick = mk
				break
			}
			if pick == nil {
				pick = mk
			}
		}
		if pick == nil {
			return nil
		}
		seq = append(seq, *pick)
		pos = pick.end - 1
	}
	return seq
}
