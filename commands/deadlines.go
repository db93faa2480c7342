package commands

import (
	"strconv"
	"strings"

	"github.com/klimabot/klimabot/locales"
)

// DefaultDeadlineDays is how far ahead `deadlines` looks without an argument.
const DefaultDeadlineDays = 30

// maxDeadlineDays is the farthest `deadlines DAYS` looks ahead: ten years.
const maxDeadlineDays = 3660

// deadlinesShown caps one `deadlines` answer (Slack: 50 blocks).
const deadlinesShown = 40

// allWords mean "all" in follow, unfollow and deadlines, in every language.
var allWords = map[string]bool{
	"all": true, "alle": true, "alles": true, "vse": true, "vsechny": true, "vsechna": true,
	"todo": true, "todos": true, "todas": true,
}

func isAll(s string) bool { return allWords[locales.Fold(s)] }

// deadlines answers `deadlines [DAYS|CODE|all]`: open deadlines due within
// DAYS (default 30) plus every overdue one, soonest first, each with its
// relative phrase.
func (c *call) deadlines() (Reply, error) {
	arg := c.cmd.Arg(0)
	today := c.today()
	q := DeadlineQuery{}
	title := Plural("deadlines.title", DefaultDeadlineDays, nil)
	empty := Plural("deadlines.none", DefaultDeadlineDays, nil)
	switch {
	case arg == "":
		q.Until = today.AddDays(DefaultDeadlineDays)
	case isAll(arg):
		title, empty = Msg("deadlines.title_all", nil), Msg("deadlines.none_all", nil)
	case isDigits(strings.TrimLeft(arg, "+-−")):
		// "-5" is a number of days too, only not a usable one: say so
		// rather than look for a measure "-5".
		days, err := strconv.Atoi(arg)
		if err != nil || days < 0 || days > maxDeadlineDays {
			return Reply{}, c.usageError(Msg("error.bad_days", Data{"Days": arg, "Min": 0, "Max": Number(maxDeadlineDays)}))
		}
		q.Until = today.AddDays(days)
		title, empty = Plural("deadlines.title", days, nil), Plural("deadlines.none", days, nil)
		if days == 0 {
			title, empty = Msg("deadlines.title_today", nil), Msg("deadlines.none_today", nil)
		}
	default:
		m, err := c.measure(arg)
		if err != nil {
			return Reply{}, err
		}
		q.MeasureIDs = []int64{m.ID}
		title = Msg("deadlines.title_code", Data{"Measure": Raw(m.Code + " " + shorten(m.Title, 80))})
		empty = Msg("deadlines.none_code", Data{"Code": m.Code})
	}
	ds, err := c.s.Store.Deadlines(c.ctx, q)
	if err != nil {
		return Reply{}, Internal("deadlines", err)
	}
	if len(ds) == 0 {
		return Reply{Parts: []Part{Paragraph{Text: empty}}}, nil
	}
	l := List{}
	for _, d := range ds[:min(len(ds), deadlinesShown)] {
		mark := MarkOpen
		if d.Due.Before(today) {
			mark = MarkWarn
		}
		l.Items = append(l.Items, Item{Mark: mark, Text: Msg("deadlines.item", Data{"Code": d.MeasureCode, "Line": c.deadlineText(d)})})
	}
	parts := []Part{Header{Text: title}, l}
	if rest := len(ds) - deadlinesShown; rest > 0 {
		parts = append(parts, Context{Msg("deadlines.more", Data{"Count": rest})})
	}
	return Reply{Parts: parts}, nil
}

func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// deadline answers `deadline CODE DATE TEXT` (admins).
func (c *call) deadline() (Reply, error) {
	if err := c.requireAdmin(); err != nil {
		return Reply{}, err
	}
	m, err := c.measure(c.cmd.Arg(0))
	if err != nil {
		return Reply{}, err
	}
	if len(c.cmd.Args) < 2 {
		return Reply{}, c.usageError(Msg("error.missing_date", nil))
	}
	due, n, err := ParseDatePrefix(c.cmd.Args[1:])
	if err != nil {
		return Reply{}, err
	}
	text, err := c.text(1 + n)
	if err != nil {
		return Reply{}, err
	}
	d, err := c.s.Store.AddDeadline(c.ctx, Deadline{
		MeasureID: m.ID, Due: due, Text: text, State: DeadlineOpen, CreatedBy: c.req.User,
	})
	if err != nil {
		return Reply{}, storeErr("add deadline", err)
	}
	d.MeasureCode = m.Code
	parts := []Part{
		Paragraph{Text: Msg("deadline.saved", Data{"Code": m.Code})},
		Context{c.deadlineText(d)},
	}
	if due.Before(c.today()) {
		// accepted (a plan is often entered late), but a typo in the year
		// should not go unnoticed
		parts = append(parts, Paragraph{Text: Msg("deadline.in_past", Data{"Date": due})})
	}
	return Reply{Parts: parts}, nil
}
