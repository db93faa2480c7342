// Package calendar turns open deadlines into iCalendar (RFC 5545): the
// file of `klimabot export --format ics` and `/klima calendar`, and the
// private subscription feeds that Outlook and Thunderbird poll.
//
// Every open deadline, explicit or implied, is one all-day event on its due
// day, with a UID made of Deadline.Key() and the database's UID domain, so
// that an export made again, or a feed polled again, updates the same events
// instead of adding new ones; a deadline that is done leaves the calendar.
//
// The iCalendar text is written by github.com/arran4/golang-ical: it folds
// long lines at 75 octets without cutting a UTF-8 sequence and escapes TEXT
// values; this package gives it CRLF line ends and clean text.
package calendar

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode"

	ics "github.com/arran4/golang-ical"

	"github.com/klimabot/klimabot/commands"
	"github.com/klimabot/klimabot/locales"
)

// ContentType is the media type of the calendars this package writes.
const ContentType = "text/calendar; charset=utf-8"

// RefreshInterval is how often a subscribing calendar is asked to fetch the
// feed again (REFRESH-INTERVAL, and Outlook's X-PUBLISHED-TTL).
const RefreshInterval = "PT4H"

// nextSteps is how many open steps an event's description lists.
const nextSteps = 3

// Event is one open deadline with the measure it belongs to.
type Event struct {
	Deadline commands.Deadline
	Measure  *commands.Measure
}

// Options are what Write needs besides the events.
type Options struct {
	// L speaks the calendar's language.
	L *locales.Localizer
	// Now is the moment the calendar is made (DTSTAMP).
	Now time.Time
	// Domain is the right-hand side of the UIDs ("d12@<Domain>").
	Domain string
	// Name is the calendar's name in the subscribing program.
	Name string
}

// UID returns the stable identifier of a deadline's event.
func UID(d commands.Deadline, domain string) string { return d.Key() + "@" + domain }

// Write writes events as one iCalendar object (METHOD:PUBLISH), each an
// all-day VEVENT on its due day (DTSTART;VALUE=DATE, DTEND the day after:
// RFC 5545's end is exclusive) that does not block the day as busy. Lines
// end in CRLF and are folded at 75 octets.
//
// With no events the calendar has no component, which RFC 5545 does not
// foresee but every calendar program reads as "nothing due": a feed whose
// last deadline was met must say so rather than fail.
func Write(w io.Writer, events []Event, o Options) error {
	if o.L == nil || o.Domain == "" {
		return fmt.Errorf("write calendar: a localizer and a UID domain are required")
	}
	cal := ics.NewCalendarFor("klimabot")
	cal.SetProductId("-//klimabot//klimabot//" + strings.ToUpper(o.L.Lang()))
	cal.SetCalscale("GREGORIAN")
	cal.SetMethod(ics.MethodPublish)
	if o.Name != "" {
		cal.SetName(oneLine(o.Name))
	}
	cal.SetRefreshInterval(RefreshInterval) // the library writes ;VALUE=DURATION itself
	cal.SetXPublishedTTL(RefreshInterval)
	// The calendar is written property by property and event by event, as
	// Calendar.SerializeTo would, so that a calendar of thousands of events
	// is never held as objects all at once.
	cfg := &ics.SerializationConfiguration{MaxLength: 75, PropertyMaxLength: 75, NewLine: "\r\n"}
	ew := &errWriter{w: w}
	io.WriteString(ew, "BEGIN:VCALENDAR\r\n")
	for _, p := range cal.CalendarProperties {
		if err := p.SerializeTo(ew, cfg); err != nil {
			return fmt.Errorf("write calendar: %w", err)
		}
	}
	stamp := o.Now.UTC()
	descriptions := map[*commands.Measure]string{} // a measure's events share it
	for _, ev := range events {
		d := ev.Deadline
		if d.Due.IsZero() {
			continue
		}
		desc, ok := descriptions[ev.Measure]
		if !ok {
			desc = description(ev, o.L)
			if ev.Measure != nil {
				descriptions[ev.Measure] = desc
			}
		}
		e := ics.NewEvent(UID(d, o.Domain))
		e.SetDtStampTime(stamp)
		e.SetAllDayStartAt(midnight(d.Due))
		e.SetAllDayEndAt(midnight(d.Due.AddDays(1)))
		e.SetSummary(summary(ev, o.L))
		e.SetDescription(desc)
		e.SetTimeTransparency(ics.TransparencyTransparent)
		if err := e.SerializeTo(ew, cfg); err != nil {
			return fmt.Errorf("write calendar: %w", err)
		}
	}
	io.WriteString(ew, "END:VCALENDAR\r\n")
	if ew.err != nil {
		return fmt.Errorf("write calendar: %w", ew.err)
	}
	return nil
}

// errWriter keeps the first write error, so that a long calendar is
// written without checking every line.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

// midnight is the start of day d; only its date is written (VALUE=DATE).
func midnight(d commands.Date) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
}

// summary is "F.019 – Frist: Projektskizze senden", or for a step's implied
// deadline "F.019 – Schritt 5: Ratsbeschluss", in one line.
func summary(ev Event, l *locales.Localizer) string {
	d := ev.Deadline
	data := map[string]any{"Code": d.MeasureCode, "Text": oneLine(d.Text), "Step": d.Step}
	if d.Implied && d.Step > 0 {
		return oneLine(l.Msg("calendar.summary_step", data))
	}
	return oneLine(l.Msg("calendar.summary", data))
}

// description is the measure's title and responsibility, its next open
// steps and how to see it in Slack, one item a line.
func description(ev Event, l *locales.Localizer) string {
	d, m := ev.Deadline, ev.Measure
	var lines []string
	if m == nil {
		return clean(l.Msg("calendar.status_hint", map[string]any{"Code": d.MeasureCode}))
	}
	lines = append(lines, oneLine(m.Code+" "+m.Title))
	if m.Responsible != "" {
		lines = append(lines, l.Msg("label.responsibility", nil)+": "+oneLine(m.Responsible))
	}
	var open []commands.Step
	for _, s := range m.Steps {
		if !s.Done {
			open = append(open, s)
		}
	}
	if len(open) > 0 {
		lines = append(lines, "", l.Msg("calendar.next_steps", nil)+":")
		for _, s := range open[:min(len(open), nextSteps)] {
			lines = append(lines, strconv.Itoa(s.Number)+". "+oneLine(s.Text))
		}
		if rest := len(open) - nextSteps; rest > 0 {
			lines = append(lines, l.Plural("calendar.more_steps", rest, nil))
		}
	}
	lines = append(lines, "", l.Msg("calendar.status_hint", map[string]any{"Code": m.Code}))
	return clean(strings.Join(lines, "\n"))
}

// oneLine joins the lines and words of s with single spaces, dropping
// control characters: SUMMARY and names are one line.
func oneLine(s string) string { return strings.Join(strings.Fields(clean(s)), " ") }

// clean keeps line breaks as "\n" (the library writes them as `\n`) and
// drops every other control character: RFC 5545 TEXT has none, and a bare
// CR would end the content line.
func clean(s string) string {
	s = strings.ToValidUTF8(strings.ReplaceAll(s, "\r\n", "\n"), "\uFFFD")
	return strings.Map(func(r rune) rune {
		if r == '\n' {
			return r
		}
		if r == '\t' {
			return ' '
		}
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
}
