// Package export turns a commands.Dump into the documents people take
// elsewhere: the JSON backup, a CSV or Excel table with one row a measure, a
// Markdown status report for the council, a measure sheet in the format of
// the climate action plan, and a timeline picture (PNG).
//
// Every renderer is a pure function of the dump, a localizer and a clock
// (Options): no store, no Slack. cmd/klimabot's export subcommand and the
// chat subcommands `report` and `timeline` (through Maker, which implements
// commands.Reports) share them.
package export

import (
	"strconv"
	"strings"
	"time"

	"github.com/klimabot/klimabot/commands"
	"github.com/klimabot/klimabot/locales"
)

// Options are what every renderer needs besides the dump.
type Options struct {
	// L speaks the document's language.
	L *locales.Localizer
	// Now is the moment of the export; Loc the zone its "today" and the
	// dates of entries are counted in (default Europe/Berlin).
	Now time.Time
	Loc *time.Location
	// Since starts the "what happened" part of the report and the progress
	// lines of a sheet; zero: 90 days before today.
	Since commands.Date
}

// loc returns the zone dates are shown in.
func (o Options) loc() *time.Location {
	if o.Loc != nil {
		return o.Loc
	}
	if l, err := time.LoadLocation(commands.DefaultTimeZone); err == nil {
		return l
	}
	return time.UTC
}

// today is the calendar day of Now in the zone.
func (o Options) today() commands.Date { return commands.Today(o.Now, o.loc()) }

// since returns the first day of the "what happened" window.
func (o Options) since() commands.Date {
	if !o.Since.IsZero() {
		return o.Since
	}
	return o.today().AddDays(-commands.ReportSinceDays)
}

// day returns the calendar day of t in the document's zone.
func (o Options) day(t time.Time) commands.Date { return commands.DateOf(t.In(o.loc())) }

// date formats d in the numeric form of the language.
func (o Options) date(d commands.Date) string {
	if d.IsZero() {
		return ""
	}
	return o.L.Date(d.Year, d.Month, d.Day)
}

// longDate formats d in the long form of the language.
func (o Options) longDate(d commands.Date) string { return o.L.LongDate(d.Year, d.Month, d.Day) }

// msg renders a message of the bundle.
func (o Options) msg(id string, data commands.Data) string { return commands.Msg(id, data).Render(o.L) }

// entriesSince returns the entries of m on or after day since, oldest first.
func (o Options) entriesSince(m commands.DumpMeasure, since commands.Date) []commands.Entry {
	var out []commands.Entry
	for _, e := range m.Entries {
		if !o.day(e.CreatedAt).Before(since) {
			out = append(out, e)
		}
	}
	return out
}

// lastEntry returns the newest entry of m, if any.
func lastEntry(m commands.DumpMeasure) (commands.Entry, bool) {
	var last commands.Entry
	found := false
	for _, e := range m.Entries {
		if !found || !e.CreatedAt.Before(last.CreatedAt) {
			last, found = e, true
		}
	}
	return last, found
}

// deadlineText is a deadline's text, with the step number for a step's
// implied one ("5. Bilateraler Austausch …").
func deadlineText(d commands.Deadline) string {
	if d.Step > 0 && d.Implied {
		return strconv.Itoa(d.Step) + ". " + d.Text
	}
	return d.Text
}

// personName is the name to show for p: the name, else the id.
func personName(p commands.Person) string {
	if p.Name != "" {
		return p.Name
	}
	return p.ID
}

// oneLine joins the lines of s with spaces, for cells and list items.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// FileSlug turns a measure code into a safe part of a file name:
// "F.019" stays, "M 1/2" becomes "M_1_2".
func FileSlug(code string) string {
	var b strings.Builder
	for _, r := range code {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	s := strings.Trim(b.String(), ".")
	if s == "" {
		return "measure"
	}
	return s
}
