package commands

import (
	"context"
	"slices"
	"time"
)

// DumpFormat marks a JSON export of klimabot: the importer recognises an
// export by a top-level "format" with this value, whatever the file's name.
const DumpFormat = "klimabot-export"

// DumpVersion is the version of the Dump layout that this build writes and
// the newest one it reads. Version 2 added an entry's Submitter, Addition
// and MessageTS (the "log as progress" shortcut): a klimabot that reads
// only version 1 refuses a version 2 dump rather than drop who logged what.
// Version 3 added a measure's Translated: the translations people gave
// (CSV title_cs …), which an older klimabot would silently drop.
const DumpVersion = 3

// Dump is everything a store holds that matters to people: the measures with
// all sheet fields, sections and steps (done states included), their explicit
// deadlines in every state and their progress entries, the channels with
// their settings and follows, and the users with their language choice.
// Implied deadlines are not stored in a dump: they follow from the steps.
// What the bot keeps for itself (sent reminders, posted message ts, handled
// Slack events) is not part of it.
//
// It is the JSON export (`klimabot export --format json`) and the input of
// every other export format. The envelope's keys are lower case; the nested
// objects are the domain types as encoding/json writes them (Go field names),
// with calendar days as "2006-01-02" and instants in RFC 3339.
type Dump struct {
	Format     string        `json:"format"` // DumpFormat
	Version    int           `json:"version"`
	ExportedAt time.Time     `json:"exported_at"`
	Measures   []DumpMeasure `json:"measures"`
	Channels   []Channel     `json:"channels"`
	Users      []User        `json:"users"`
}

// DumpMeasure is one measure of a Dump with its explicit deadlines (by id)
// and its progress entries (oldest first).
type DumpMeasure struct {
	Measure
	Deadlines []DumpDeadline
	Entries   []Entry
}

// DumpDeadline is an explicit deadline with the day it was first due (a
// postponed deadline has moved on from it).
type DumpDeadline struct {
	Deadline
	OriginalDue Date
}

// Dumper reads a Dump of the measures with the given codes (matched like
// Store.Measure; none: all of them), with the channels and users. storage.DB
// implements it.
type Dumper interface {
	Dump(ctx context.Context, codes []string) (Dump, error)
}

// OpenDeadlines returns the measure's open deadlines as Store.Deadlines
// would: its explicit deadlines that are not done, and the implied deadline
// of every open planned step that has no explicit deadline of its own (in
// any state); soonest first, ties by step and id.
func (m DumpMeasure) OpenDeadlines() []Deadline {
	var out []Deadline
	hasExplicit := map[int]bool{}
	for _, d := range m.Deadlines {
		if d.Step > 0 {
			hasExplicit[d.Step] = true
		}
		if d.State.Open() {
			dl := d.Deadline
			dl.MeasureID, dl.MeasureCode = m.ID, m.Code
			out = append(out, dl)
		}
	}
	for _, s := range m.Steps {
		if s.Done || hasExplicit[s.Number] || s.Due().IsZero() {
			continue
		}
		out = append(out, Deadline{MeasureID: m.ID, MeasureCode: m.Code, Step: s.Number, Due: s.Due(),
			Text: s.Text, State: DeadlineOpen, Implied: true})
	}
	slices.SortStableFunc(out, func(a, b Deadline) int {
		if c := a.Due.Compare(b.Due); c != 0 {
			return c
		}
		if c := cmpInt(a.Step, b.Step); c != 0 {
			return c
		}
		return cmpInt(int(a.ID), int(b.ID))
	})
	return out
}

// StepsDone counts the measure's done steps.
func (m Measure) StepsDone() int {
	n := 0
	for _, s := range m.Steps {
		if s.Done {
			n++
		}
	}
	return n
}

// MarshalText writes d as "2006-01-02", the zero Date as "", so that JSON
// exports show calendar days as people read them.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads "2006-01-02"; "" is the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseISODate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// ReportRequest asks for a document about measures for the report and
// timeline subcommands.
type ReportRequest struct {
	Codes []string // measure codes; none: all measures
	Lang  string   // language of the document
	Now   time.Time
	Loc   *time.Location // the zone "today" is counted in
	// Since starts the "what happened" part of a report.
	Since Date
}

// Reports makes the documents that come with `report` and `timeline`
// answers. The command core only knows this interface; commands/export
// implements it, and cmd/klimabot wires it into Service.Reports, so the
// core stays free of spreadsheet and drawing code.
type Reports interface {
	// Report returns the council status report (Markdown) of the measures.
	Report(ctx context.Context, r ReportRequest) (File, error)
	// Timeline returns the timeline picture (PNG) of one measure.
	Timeline(ctx context.Context, r ReportRequest) (File, error)
}
