package importer

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/klimabot/klimabot/commands"
)

// column is the measure field a CSV column fills.
type column int

const (
	colSection column = iota // kept as a Section titled with the header
	colCode
	colTitle
	colResponsible
	colTargetGroup
	colObjective
	colDescription
	colStatus
	colSteps
	colCostsPlanned
	colCostsActual
	colRunning
	colFunding
	colStaff
	colPartnership
)

// csvHeaders maps folded headers (see fold) to columns: the export's English
// names and the usual German catalogue headers. Headers not listed here —
// Handlungsfeld, Priorität, Zeithorizont and any other — become Sections.
var csvHeaders = map[string]column{
	"code": colCode, "nr": colCode, "nummer": colCode, "kuerzel": colCode, "massnahmennr": colCode,
	"massnahmennummer": colCode, "kennung": colCode,
	"title": colTitle, "titel": colTitle, "massnahme": colTitle, "bezeichnung": colTitle,
	"responsible": colResponsible, "zustaendigkeit": colResponsible, "verantwortlich": colResponsible,
	"initiatorzustaendigkeit": colResponsible, "verantwortlichkeit": colResponsible,
	"targetgroup": colTargetGroup, "zielgruppe": colTargetGroup, "zielgruppen": colTargetGroup,
	"objective": colObjective, "zielsetzung": colObjective, "ziel": colObjective, "zielsetzungdermassnahme": colObjective,
	"description": colDescription, "beschreibung": colDescription, "beschreibungdermassnahme": colDescription,
	"status": colStatus, "stand": colStatus, "aktuellerstatus": colStatus, "aktuellerstand": colStatus,
	"aktuellerstatusfortschritt": colStatus, "fortschritt": colStatus,
	"steps": colSteps, "schritte": colSteps, "umsetzungsschritte": colSteps,
	"umsetzungsempfehlungumsetzungsschritte": colSteps,
	"costsplanned":                           colCostsPlanned, "costs": colCostsPlanned, "kosten": colCostsPlanned,
	"kostensoll": colCostsPlanned, "sollkosten": colCostsPlanned, "soll": colCostsPlanned,
	"costsactual": colCostsActual, "kostenist": colCostsActual, "istkosten": colCostsActual, "ist": colCostsActual,
	"runningcosts": colRunning, "laufendekosten": colRunning, "laufendekostenprojahr": colRunning,
	"funding": colFunding, "foerdermoeglichkeiten": colFunding, "foerderung": colFunding, "foerdermittel": colFunding,
	"staff": colStaff, "personal": colStaff, "personalstellen": colStaff, "zusaetzlichepersonalstellen": colStaff,
	"partnership": colPartnership, "partnerschaft": colPartnership,
}

// detectCSV returns the delimiter of text when its first non-empty line is
// a CSV header naming a code column.
func detectCSV(text string) (rune, bool) {
	line := ""
	for _, l := range splitLines(text) {
		if strings.TrimSpace(l) != "" {
			line = l
			break
		}
	}
	best, bestN := rune(0), 0
	for _, d := range []rune{';', ','} {
		if !strings.ContainsRune(line, d) {
			continue
		}
		r := csv.NewReader(strings.NewReader(line))
		r.Comma = d
		r.LazyQuotes = true
		rec, err := r.Read()
		if err != nil {
			continue
		}
		hasCode := false
		for _, h := range rec {
			if c, ok := csvHeaders[FoldLabel(h)]; ok && c == colCode {
				hasCode = true
			}
		}
		if hasCode && len(rec) > bestN {
			best, bestN = d, len(rec)
		}
	}
	return best, bestN > 1
}

var stepNumRe = regexp.MustCompile(`^(\d{1,4})[.)]\s+`)

// splitCellSteps splits a steps cell at " | " (or, without "|", at line
// breaks) and drops "1. ", "2. ", … when every item carries its own number.
func splitCellSteps(cell string) []string {
	sep := "|"
	if !strings.Contains(cell, sep) {
		sep = "\n"
	}
	var items []string
	for _, s := range strings.Split(cell, sep) {
		if s = collapse(s); s != "" {
			items = append(items, s)
		}
	}
	numbered := len(items) > 0
	for i, s := range items {
		m := stepNumRe.FindStringSubmatch(s)
		if m == nil || m[1] != strconv.Itoa(i+1) {
			numbered = false
			break
		}
	}
	if numbered {
		for i, s := range items {
			items[i] = stepNumRe.ReplaceAllString(s, "")
		}
	}
	return items
}

// formulaText undoes the ' that klimabot's CSV export (and OWASP's advice
// for any CSV) puts before a cell starting with = + - @, tab or CR, so that
// a spreadsheet does not run it as a formula: "'=x" is read as "=x".
func formulaText(cell string) string {
	if len(cell) > 1 && cell[0] == '\'' && strings.IndexByte("=+-@\t\r", cell[1]) >= 0 {
		return cell[1:]
	}
	return cell
}

// ParseCSV parses a catalogue with a header row and one measure a row. The
// delimiter (',' or ';') is taken from the header. Columns are matched by
// header, case-insensitively and ignoring spaces and umlaut spellings;
// columns the importer does not know are kept as Sections, never dropped.
// A row with the wrong number of fields, without a code or title, with an
// invalid code or a code seen before in the file is a *ParseError naming
// its line, and then nothing is returned.
func ParseCSV(name string, data []byte, opt Options) ([]commands.Measure, error) {
	text, err := decode(name, data)
	if err != nil {
		return nil, err
	}
	optCode, err := checkCodeOption(name, opt)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(text) == "" {
		return nil, parseErr(name, 0, "import.empty", nil, "the file is empty")
	}
	delim, ok := detectCSV(text)
	if !ok {
		return nil, parseErr(name, firstLine(text), "import.csv_header", nil,
			"expected a header row with at least the columns code and title (or Nr. and Titel), separated by , or ;")
	}
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = delim
	r.FieldsPerRecord = 0 // the header sets the count
	header, err := r.Read()
	if err != nil {
		return nil, csvErr(name, err, 0, 0)
	}
	headerLine, _ := r.FieldPos(0)
	cols := make([]column, len(header))
	titles := make([]string, len(header))
	langs := make([]string, len(header)) // a translation column's language
	have := map[column]bool{}
	for i, h := range header {
		titles[i] = collapse(h)
		if c, lang, ok := translationColumn(h); ok {
			cols[i], langs[i] = c, lang
			continue
		}
		c, known := csvHeaders[FoldLabel(h)]
		if !known || have[c] {
			c = colSection // a second column for one field is kept too
		}
		cols[i] = c
		have[c] = true
	}
	if !have[colCode] || !have[colTitle] {
		return nil, parseErr(name, headerLine, "import.csv_header", nil,
			"expected a header row with at least the columns code and title (or Nr. and Titel), separated by , or ;")
	}

	type record struct {
		line   int
		fields []string
	}
	var records []record
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvErr(name, err, len(header), len(rec))
		}
		if line, _ := r.FieldPos(0); !allEmpty(rec) {
			records = append(records, record{line, rec})
		}
	}
	if len(records) == 0 {
		return nil, parseErr(name, headerLine, "import.csv_no_rows", nil, "no measures under the header row")
	}
	if optCode != "" && len(records) > 1 {
		return nil, parseErr(name, 0, "import.code_option_many", commands.Data{"Count": len(records)},
			"--code applies to a file with one measure; this one has %d", len(records))
	}

	out := make([]commands.Measure, 0, len(records))
	firstSeen := map[string]int{} // code key → line
	for _, rc := range records {
		line, rec := rc.line, rc.fields
		m := commands.Measure{Source: name}
		for i, v := range rec {
			v = formulaText(v)
			if langs[i] != "" {
				addTranslation(&m, langs[i], cols[i], v)
				continue
			}
			switch cols[i] {
			case colCode:
				m.Code = collapse(v)
			case colTitle:
				m.Title = collapse(v)
			case colResponsible:
				m.Responsible = collapse(v)
			case colTargetGroup:
				m.TargetGroup = collapse(v)
			case colObjective:
				m.Objective = joinLines(strings.Split(v, "\n"))
			case colDescription:
				m.Description = joinLines(strings.Split(v, "\n"))
			case colStatus:
				m.Status = joinLines(strings.Split(v, "\n"))
			case colSteps:
				for n, s := range splitCellSteps(v) {
					m.Steps = append(m.Steps, commands.Step{Number: n + 1, Text: s})
				}
			case colCostsPlanned:
				m.CostsPlanned = collapse(v)
			case colCostsActual:
				m.CostsActual = collapse(v)
			case colRunning:
				m.RunningCosts = joinLines(strings.Split(v, "\n"))
			case colFunding:
				m.Funding = joinLines(strings.Split(v, "\n"))
			case colStaff:
				m.Staff = joinLines(strings.Split(v, "\n"))
			case colPartnership:
				m.Partnership = collapse(v)
			default:
				body := joinLines(strings.Split(v, "\n"))
				if body == "" {
					continue
				}
				if titles[i] == "" {
					return nil, parseErr(name, line, "import.csv_no_header", commands.Data{"Column": i + 1},
						"a value in column %d, which has no header: expected a header for every column with values", i+1)
				}
				m.Sections = append(m.Sections, commands.Section{Title: titles[i], Body: body})
			}
		}
		if optCode != "" {
			m.Code = optCode
		}
		switch {
		case m.Code == "":
			return nil, parseErr(name, line, "import.csv_no_code", nil, "the code is missing: expected a code such as F.019")
		case !commands.ValidCode(m.Code):
			return nil, parseErr(name, line, "import.bad_code", commands.Data{"Code": m.Code},
				"%q is not a valid measure code: expected 1 to 64 characters without spaces, such as F.019", m.Code)
		case m.Title == "":
			return nil, parseErr(name, line, "import.csv_no_title", commands.Data{"Code": m.Code},
				"the title of %s is missing", m.Code)
		}
		key := commands.CodeKey(m.Code)
		if prev, dup := firstSeen[key]; dup {
			return nil, parseErr(name, line, "import.csv_duplicate", commands.Data{"Code": m.Code, "First": prev},
				"code %s appears twice (first in line %d): expected each code once", m.Code, prev)
		}
		firstSeen[key] = line
		out = append(out, m)
	}
	return out, nil
}

// csvErr turns an encoding/csv error into a *ParseError at its line.
// want and got are the header's and the row's field counts.
func csvErr(file string, err error, want, got int) *ParseError {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return &ParseError{File: file, Msg: commands.Msg("import.csv_syntax", commands.Data{"File": file, "Line": 0, "Column": 0}),
			Err: err}
	}
	if errors.Is(err, csv.ErrFieldCount) {
		return &ParseError{File: file, Line: pe.StartLine,
			Msg: commands.Msg("import.csv_field_count", commands.Data{"File": file, "Line": pe.StartLine, "Want": want, "Got": got}),
			Err: fmt.Errorf("read row: %d fields, expected %d like the header: %w", got, want, err)}
	}
	return &ParseError{File: file, Line: pe.Line,
		Msg: commands.Msg("import.csv_syntax", commands.Data{"File": file, "Line": pe.Line, "Column": pe.Column}),
		Err: fmt.Errorf("read row: malformed quotes, expected a quoted field to end with \" and inner quotes doubled: %w", err)}
}

func allEmpty(rec []string) bool {
	for _, v := range rec {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

// firstLine returns the 1-based number of the first non-empty line.
func firstLine(text string) int {
	for i, l := range splitLines(text) {
		if strings.TrimSpace(l) != "" {
			return i + 1
		}
	}
	return 0
}
