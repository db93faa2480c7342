package commands

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"time"
)

// Measure is one measure (Maßnahme) of a climate action plan, or a call or
// programme imported as one, with all fields of the source sheet.
type Measure struct {
	ID           int64
	Code         string // as written in the source, e.g. "F.019"; matched through CodeKey
	Title        string
	Responsible  string // Initiator/Zuständigkeit
	TargetGroup  string
	Objective    string
	Description  string
	Status       string // current status text (Aktueller Status/Fortschritt)
	CostsPlanned string // Soll
	CostsActual  string // Ist
	RunningCosts string // Laufende Kosten pro Jahr
	Funding      string // Fördermöglichkeiten
	Staff        string // Zusätzliche Personalstellen
	Partnership  string // optional partnership label
	// Sections holds further named parts of the source kept verbatim: a call's
	// "Was wir bieten", a CSV's unknown columns (as notes), in source order.
	Sections []Section
	Steps    []Step
	// Translated holds translations people gave at import (CSV columns
	// title_cs, steps_cs, status_es … or Titel (cs) …), by language; they
	// win over machine translations. Not stored with the measure: the
	// import writes them as translations (commands/translate).
	Translated map[string]MeasureTexts `json:",omitempty"`
	Source     string                  // file the measure was last imported from
	// UpdatedAt is when the sheet fields were last changed by an import.
	UpdatedAt time.Time
}

// MeasureTexts are a measure's title, step texts (in step order) and status
// text in one language; "" where none was given.
type MeasureTexts struct {
	Title  string   `json:",omitempty"`
	Steps  []string `json:",omitempty"`
	Status string   `json:",omitempty"`
}

// Section is a named block of text kept from a source document.
type Section struct {
	Title string
	Body  string
}

// Step is one implementation step (Umsetzungsschritt) of a measure.
type Step struct {
	Number int
	Text   string
	// PlannedYear is the timeline's year for the step, 0 if none.
	PlannedYear int
	// PlannedDate is an exact planned date (calls give one), zero if none.
	PlannedDate Date
	Done        bool
	DoneBy      Person
	DoneAt      time.Time
}

// Due returns the day the step is due when no explicit deadline is tied to it:
// its planned date, else 31 December of its planned year, else the zero Date.
func (s Step) Due() Date {
	if !s.PlannedDate.IsZero() {
		return s.PlannedDate
	}
	if s.PlannedYear > 0 {
		return Date{s.PlannedYear, time.December, 31}
	}
	return Date{}
}

// Person identifies who did something: a Slack user id and the name shown.
type Person struct {
	ID   string
	Name string
}

// DeadlineState is the life cycle of a deadline.
type DeadlineState string

// Deadline states. A postponed deadline is still open, with a later due date.
const (
	DeadlineOpen      DeadlineState = "open"
	DeadlineDone      DeadlineState = "done"
	DeadlinePostponed DeadlineState = "postponed"
)

// Open reports whether the deadline still waits to be met.
func (s DeadlineState) Open() bool { return s != DeadlineDone }

// Deadline (Frist) is a due day with a text, optionally tied to a step.
//
// Besides the explicit deadlines people set, every open step with a planned
// date or year and no explicit deadline of its own has an implied deadline
// (Implied true, ID 0) on Step.Due(); the store derives those on every query,
// so they follow re-imports of the timeline.
type Deadline struct {
	ID          int64
	MeasureID   int64
	MeasureCode string
	Step        int // 0: not tied to a step
	Due         Date
	Text        string // for implied deadlines: the step text
	State       DeadlineState
	Implied     bool
	CreatedBy   Person
	CreatedAt   time.Time
	DoneBy      Person
	DoneAt      time.Time
}

// Key identifies the deadline for reminders across restarts: "d<ID>" for an
// explicit deadline, "s<measureID>.<step>" for a step's implied one.
func (d Deadline) Key() string {
	if d.Implied {
		return "s" + strconv.FormatInt(d.MeasureID, 10) + "." + strconv.Itoa(d.Step)
	}
	return "d" + strconv.FormatInt(d.ID, 10)
}

// Source says how a progress entry came in.
type Source string

// Sources of progress entries.
const (
	SourceCommand  Source = "command"
	SourceThread   Source = "thread"
	SourceButton   Source = "button"
	SourceShortcut Source = "shortcut"
	SourceImport   Source = "import"
)

// Entry is one progress entry (Fortschritt). Entries are append-only: the bot
// never edits or deletes them; they are the audit trail.
//
// Text is always Author's own words. A message logged by someone else with
// the "log as progress" shortcut keeps its author and text as written;
// Submitter says who logged it and Addition holds what they added in their
// own words, so that nobody's words are put in another person's mouth.
type Entry struct {
	ID          int64
	MeasureID   int64
	MeasureCode string
	Step        int // 0: not about one step
	Author      Person
	Text        string
	Source      Source
	ChannelID   string
	CreatedAt   time.Time
	// Submitter is who logged a message of Author's (shortcut entries).
	Submitter Person `json:",omitzero"`
	// Addition is the Submitter's own words logged with the message.
	Addition string `json:",omitempty"`
	// MessageTS is the Slack ts of the logged message in ChannelID.
	MessageTS string `json:",omitempty"`
}

// Channel holds a Slack channel's settings. A channel the store has never
// seen has the defaults (see DefaultChannel).
type Channel struct {
	ID        string
	Languages []string // ordered; empty: none set
	TimeZone  string   // IANA name
	Schedule  string   // 5-field cron in TimeZone
	StaleDays int      // days without progress before a nudge
	FollowAll bool
	Follows   []string // measure codes followed (when not FollowAll)
	// LastTick is when the reminder schedule last ran for this channel.
	LastTick time.Time
}

// Channel defaults (SPEC: Channel).
const (
	DefaultTimeZone  = "Europe/Berlin"
	DefaultSchedule  = "0 9 * * 1-5"
	DefaultStaleDays = 60
)

// DefaultChannel returns the settings of a channel nobody has configured.
func DefaultChannel(id, tz string) Channel {
	if tz == "" {
		tz = DefaultTimeZone
	}
	return Channel{ID: id, TimeZone: tz, Schedule: DefaultSchedule, StaleDays: DefaultStaleDays}
}

// User is what the bot keeps about a person.
type User struct {
	ID       string
	Name     string
	Language string // explicit choice via `lang`; "" if none
	Locale   string // cached Slack locale, e.g. "de-DE"
	// LocaleAt is when Locale was fetched, for daily refreshes.
	LocaleAt time.Time
	// Team is the person's home workspace (Slack's team id), cached with
	// the locale; "" if not known. A team other than the installing one
	// makes them an external member.
	Team string
	// Inferred is the language inferred from what the person wrote, kept
	// apart from the explicit choice in Language.
	Inferred Inference
}

// MeasureSummary is one line of `list`: a measure with its counts and the next
// open deadline (explicit or implied).
type MeasureSummary struct {
	ID           int64
	Code         string
	Title        string
	Responsible  string
	StepsDone    int
	StepsTotal   int
	NextDeadline *Deadline // nil: none open
}

// DeadlineQuery selects deadlines. Zero fields do not restrict.
type DeadlineQuery struct {
	MeasureIDs []int64 // only these measures
	// Until keeps deadlines due on or before this day (overdue ones included).
	Until Date
	// WithDone includes done deadlines (and done steps' implied ones are never
	// included: a done step has no deadline).
	WithDone bool
	// Limit caps the number returned (0: no cap), soonest first.
	Limit int
}

// ImportResult tells what an import changed.
type ImportResult struct {
	Created []string // codes
	Updated []string // codes whose fields or steps changed
	Same    []string // codes already identical
}

// Store is what the command core needs from persistence; storage.DB
// implements it over SQLite. Methods return *Error with ENOTFOUND,
// EINVALID or ECONFLICT for conditions a user can fix; anything else is
// internal. Every write method is atomic: it happens whole or not at all.
type Store interface {
	// Measure returns the measure whose CodeKey equals CodeKey(code), with
	// its steps in number order and its Sections; ENOTFOUND if none.
	Measure(ctx context.Context, code string) (*Measure, error)
	// MeasureSteps is Measure without the Sections (nil), for commands,
	// none of which shows them.
	MeasureSteps(ctx context.Context, code string) (*Measure, error)
	// Codes returns all measure codes, sorted, for the closest-code hint.
	Codes(ctx context.Context) ([]string, error)
	// ListMeasures returns summaries of measures whose code, title or
	// responsibility contains filter (case-insensitive; "" means all),
	// ordered by code, at most limit (0: all), with NextDeadline the
	// earliest open deadline, explicit or implied (overdue ones included).
	ListMeasures(ctx context.Context, filter string, limit int) ([]MeasureSummary, error)
	// Entries returns the newest limit progress entries of a measure, newest first.
	Entries(ctx context.Context, measureID int64, limit int) ([]Entry, error)
	// Deadlines returns explicit and implied deadlines matching q, soonest
	// first (ties: measure code, step, id).
	Deadlines(ctx context.Context, q DeadlineQuery) ([]Deadline, error)
	// MeasureDeadlines returns the explicit deadlines of one measure, done
	// ones included, soonest first (ties: step, id); OpenDeadlines adds the
	// implied ones.
	MeasureDeadlines(ctx context.Context, measureID int64) ([]Deadline, error)

	// AddEntry appends a progress entry and returns it with ID and CreatedAt
	// set (CreatedAt is taken from the store's clock when zero).
	AddEntry(ctx context.Context, e Entry) (Entry, error)
	// CompleteSteps marks the given steps of a measure done by p at time at,
	// closes the open explicit deadlines tied to them, and appends note (if
	// its Text is not empty) — all in one transaction. It returns the steps
	// that were open before; ENOTFOUND names a step number that does not exist.
	CompleteSteps(ctx context.Context, measureID int64, steps []int, p Person, at time.Time, note *Entry) (newlyDone []int, err error)
	// AddDeadline stores an explicit deadline and returns it with its ID.
	AddDeadline(ctx context.Context, d Deadline) (Deadline, error)

	// Channel returns a channel's settings, DefaultChannel if never saved.
	Channel(ctx context.Context, id string) (Channel, error)
	// SaveChannel writes all of a channel's settings, follows included.
	SaveChannel(ctx context.Context, c Channel) error
	// User returns what is known of a user; a User with only ID if nothing.
	User(ctx context.Context, id string) (User, error)
	// SaveUser writes a user's name, language choice, cached locale and
	// team; not the inferred language.
	SaveUser(ctx context.Context, u User) error
	// SetInferredLanguage stores the language inferred for a user and
	// leaves the rest of their record as it is (creating it if needed).
	SetInferredLanguage(ctx context.Context, userID string, inf Inference) error

	// Import writes measures read from one source file in one transaction:
	// new codes are created; for existing ones (matched by CodeKey) the sheet
	// fields, sections and step texts and planned periods are updated, while
	// progress entries, done states and deadlines stay. Steps missing from
	// the new file are kept if they are done or have deadlines or progress
	// entries, else removed.
	Import(ctx context.Context, source string, measures []Measure) (ImportResult, error)
}

// OpenDeadlines returns the open deadlines of m, explicit and implied, as
// Store.Deadlines(DeadlineQuery{MeasureIDs: []int64{m.ID}}) does: soonest
// first, ties by step and id. explicit must hold all of m's explicit
// deadlines, done ones included (a step tied to any explicit deadline has no
// implied one), and m all its steps.
func OpenDeadlines(m *Measure, explicit []Deadline) []Deadline {
	out := make([]Deadline, 0, len(explicit)+len(m.Steps))
	for _, d := range explicit {
		if d.State.Open() {
			out = append(out, d)
		}
	}
	for _, st := range m.Steps {
		due := st.Due()
		if st.Done || due.IsZero() || slices.ContainsFunc(explicit, func(d Deadline) bool { return d.Step == st.Number }) {
			continue
		}
		out = append(out, Deadline{MeasureID: m.ID, MeasureCode: m.Code, Step: st.Number, Due: due,
			Text: st.Text, State: DeadlineOpen, Implied: true})
	}
	slices.SortStableFunc(out, func(a, b Deadline) int {
		return cmp.Or(a.Due.Compare(b.Due), cmp.Compare(a.Step, b.Step), cmp.Compare(a.ID, b.ID))
	})
	return out
}
