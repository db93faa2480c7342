package importer

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/klimabot/klimabot/commands"
)

// heading is a kind of heading line in a call.
type heading int

const (
	headNone heading = iota
	headObjective
	headHistory
	headSteps
	headSection
)

// callHeading tells whether line t (trimmed) is a heading of a call.
func callHeading(t string) heading {
	if utf8.RuneCountInString(t) > 60 || strings.HasSuffix(t, ".") {
		return headNone
	}
	switch k := FoldLabel(t); {
	case k == "zielsetzung" || k == "ziele" || k == "zielsetzungen":
		return headObjective
	case k == "wasbishergeschah":
		return headHistory
	case k == "dienaechstenschritte" || k == "naechsteschritte" || k == "zeitplan":
		return headSteps
	case strings.HasPrefix(k, "waswir") || k == "weitereinformationen":
		return headSection
	}
	return headNone
}

var (
	// noiseRe matches the text left by download links: "pdf iconFAQ …".
	noiseRe = regexp.MustCompile(`(?i)^(?:pdf|docx?|xlsx?|pptx?|odt|ods|zip|txt|jpe?g|png|file|link)\s?icon`)
	// slugRe matches the metadata line "typ: …titel:aufruf-…" that ends a call.
	slugRe = regexp.MustCompile(`(?i)^(?:typ:.*?)?titel:\s*([\p{L}\p{N}][\p{L}\p{N}._-]*)\s*$`)
	// callBulletRe matches a bullet at the start of a line.
	callBulletRe = regexp.MustCompile(`^[•·▪◦‣*–-]\s*`)
	// dateHeadRe matches a step heading: "Bis 5. September 2014:",
	// "November 2014", "Bis 05.09.2014", optionally followed by ": text".
	dateHeadRe = regexp.MustCompile(`(?i)^(?:(bis(?:\s+zum|\s+spätestens|\s+spaetestens|\s+ende)?|spätestens|spaetestens|ende|am|zum)\s+)?` +
		`(?:(\d{1,2})\.\s*(?:(\d{1,2})\.\s*)?)?(?:(\p{L}+)\.?\s+)?(\d{4})\s*(?::\s*(.*))?$`)
)

// months maps folded German month names and abbreviations to months.
var months = map[string]time.Month{
	"januar": time.January, "jaenner": time.January, "jan": time.January,
	"februar": time.February, "feber": time.February, "feb": time.February,
	"maerz": time.March, "marz": time.March, "mrz": time.March, "maer": time.March, "mar": time.March,
	"april": time.April, "apr": time.April,
	"mai":  time.May,
	"juni": time.June, "jun": time.June,
	"juli": time.July, "jul": time.July,
	"august": time.August, "aug": time.August,
	"september": time.September, "sep": time.September, "sept": time.September,
	"oktober": time.October, "okt": time.October,
	"november": time.November, "nov": time.November,
	"dezember": time.December, "dez": time.December,
}

// dateHeading reads a step heading; ok is false when line is not one. A
// heading that names an impossible day ("31. Februar 2015") returns ok with
// valid false.
func dateHeading(t string) (d commands.Date, text string, ok, valid bool) {
	m := dateHeadRe.FindStringSubmatch(t)
	if m == nil {
		return commands.Date{}, "", false, false
	}
	prefix, day, numMonth, name, yearS := m[1], m[2], m[3], m[4], m[5]
	year, _ := strconv.Atoi(yearS)
	text = strings.TrimSpace(m[6])
	var month time.Month
	switch {
	case day == "" && numMonth == "" && name == "":
		// "Bis 2015", "Ende 2015": the year's last day.
		if prefix == "" || strings.EqualFold(prefix, "am") || strings.EqualFold(prefix, "zum") || year < 1 {
			return commands.Date{}, "", false, false
		}
		return commands.Date{Year: year, Month: time.December, Day: 31}, text, true, true
	case day != "" && numMonth != "" && name == "":
		n, _ := strconv.Atoi(numMonth)
		month = time.Month(n)
	case numMonth == "" && name != "":
		mo, known := months[FoldLabel(name)]
		if !known {
			return commands.Date{}, "", false, false
		}
		month = mo
	default:
		return commands.Date{}, "", false, false
	}
	if day == "" {
		if month < 1 || month > 12 || year < 1 {
			return commands.Date{}, text, true, false
		}
		return commands.LastDayOfMonth(year, month), text, true, true
	}
	dd, _ := strconv.Atoi(day)
	if !commands.ValidDate(year, month, dd) {
		return commands.Date{}, text, true, false
	}
	return commands.Date{Year: year, Month: month, Day: dd}, text, true, true
}

// isCall reports whether text looks like a call.
func isCall(text string) bool {
	for _, l := range splitLines(text) {
		t := strings.TrimSpace(l)
		switch callHeading(t) {
		case headObjective, headSteps:
			return true
		}
		if slugRe.MatchString(strings.TrimSpace(callBulletRe.ReplaceAllString(t, ""))) {
			return true
		}
	}
	return false
}

// callBlock is a heading of a call with its content lines.
type callBlock struct {
	kind  heading
	title string
	line  int
	lines []string
	nos   []int // file line of each of lines
}

// ParseCall parses a call for climate partnerships in the SKEW format.
//
// The first line is the title; the text up to the first heading is the
// Description. "Zielsetzung" becomes the Objective. Each dated heading
// under "Die nächsten Schritte" ("Bis 5. September 2014:", month-only
// "November 2014", which means the month's last day) becomes a step with
// its following lines. "Was bisher geschah", the headings starting "Was
// wir" and "Weitere Informationen" are kept as Sections, bullets stripped.
// Download-link noise ("pdf icon…") and the trailing "typ: …titel:slug"
// line are dropped; the slug is the code unless Options.Code gives one.
func ParseCall(name string, data []byte, opt Options) (commands.Measure, error) {
	text, err := decode(name, data)
	if err != nil {
		return commands.Measure{}, err
	}
	code, err := checkCodeOption(name, opt)
	if err != nil {
		return commands.Measure{}, err
	}
	lines := splitLines(text)
	m := commands.Measure{Source: name}
	titleLine := 0
	slug, slugLine := "", 0
	var blocks []*callBlock
	intro := &callBlock{kind: headNone}
	cur := intro
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" || noiseRe.MatchString(t) {
			continue
		}
		if titleLine == 0 {
			titleLine = i + 1
			m.Title = collapse(t)
			continue
		}
		if sm := slugRe.FindStringSubmatch(strings.TrimSpace(callBulletRe.ReplaceAllString(t, ""))); sm != nil {
			slug, slugLine = sm[1], i+1
			continue
		}
		if h := callHeading(t); h != headNone {
			cur = &callBlock{kind: h, title: strings.TrimSpace(strings.TrimSuffix(t, ":")), line: i + 1}
			blocks = append(blocks, cur)
			continue
		}
		cur.lines = append(cur.lines, t)
		cur.nos = append(cur.nos, i+1)
	}
	if titleLine == 0 {
		return commands.Measure{}, parseErr(name, 0, "import.empty", nil, "the file is empty")
	}
	m.Description = joinLines(intro.lines)

	for _, b := range blocks {
		switch b.kind {
		case headObjective:
			m.Objective = joinLines(append([]string{m.Objective}, b.lines...))
		case headHistory:
			if body := joinLines(b.lines); body != "" {
				m.Sections = append(m.Sections, commands.Section{Title: b.title, Body: body})
			}
		case headSection:
			items := make([]string, 0, len(b.lines))
			for _, l := range b.lines {
				items = append(items, callBulletRe.ReplaceAllString(l, ""))
			}
			if body := joinLines(items); body != "" {
				m.Sections = append(m.Sections, commands.Section{Title: b.title, Body: body})
			}
		case headSteps:
			var pre []string
			var step *commands.Step
			var stepLines []string
			var stepHead string
			flush := func() {
				if step == nil {
					return
				}
				step.Text = joinLines(stepLines)
				if step.Text == "" { // a heading with no lines of its own is its own text
					step.Text = collapse(strings.TrimSuffix(stepHead, ":"))
				}
				m.Steps = append(m.Steps, *step)
				step, stepLines = nil, nil
			}
			for k, l := range b.lines {
				d, rest, ok, valid := dateHeading(l)
				if !ok {
					if step == nil {
						pre = append(pre, l)
					} else {
						stepLines = append(stepLines, l)
					}
					continue
				}
				if !valid {
					return commands.Measure{}, parseErr(name, b.nos[k], "import.bad_date", commands.Data{"Text": l},
						"%q is not a valid date: expected a heading such as \"Bis 5. September 2014:\" or \"November 2014\"", l)
				}
				flush()
				step = &commands.Step{Number: len(m.Steps) + 1, PlannedDate: d, PlannedYear: d.Year}
				stepHead = l
				if rest != "" {
					stepLines = append(stepLines, rest)
				}
			}
			flush()
			if body := joinLines(pre); body != "" {
				m.Sections = append(m.Sections, commands.Section{Title: b.title, Body: body})
			}
		}
	}

	switch {
	case code != "":
	case slug != "":
		if !commands.ValidCode(slug) {
			return commands.Measure{}, parseErr(name, slugLine, "import.bad_code", commands.Data{"Code": slug},
				"%q is not a valid measure code: expected 1 to 64 characters without spaces; give one with --code", slug)
		}
		code = slug
	default:
		return commands.Measure{}, parseErr(name, titleLine, "import.need_code", nil,
			"the call has no code (no titel: line at its end): give one with --code")
	}
	m.Code = code
	return m, nil
}
