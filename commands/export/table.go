package export

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/klimabot/klimabot/commands"
)

// JSON writes the dump as indented JSON: the backup that `klimabot import`
// restores into an empty store.
func JSON(w io.Writer, d commands.Dump) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(d); err != nil {
		return fmt.Errorf("write JSON: %w", err)
	}
	return nil
}

// row is one measure of the CSV and Excel tables.
type row struct {
	Code, Title, Responsible  string
	StepsDone, StepsTotal     int
	Next                      *commands.Deadline
	LastDay                   commands.Date
	LastAuthor, LastText      string
	CostsPlanned, CostsActual string
	// LastSubmitter and LastAddition are who logged the newest entry when it
	// is someone else's message (the shortcut) and what they added: kept in
	// columns of their own, apart from the author's words.
	LastSubmitter, LastAddition string
}

// columns are the table's header message ids, in order.
var columns = []string{
	"export.col.code", "export.col.title", "label.responsibility", "export.col.steps_done",
	"export.col.steps_total", "label.next_deadline", "export.col.next_deadline_text",
	"export.col.last_progress_date", "export.col.last_progress_author", "export.col.last_progress_text",
	"label.costs_planned", "label.costs_actual",
	"export.col.last_progress_submitter", "export.col.last_progress_addition",
}

// headers renders the column headers in the document's language.
func headers(o Options) []string {
	out := make([]string, len(columns))
	for i, id := range columns {
		out[i] = o.msg(id, nil)
	}
	return out
}

// rows builds one row a measure, in the dump's order.
func rows(d commands.Dump, o Options) []row {
	out := make([]row, 0, len(d.Measures))
	for _, m := range d.Measures {
		r := row{
			Code: m.Code, Title: m.Title, Responsible: m.Responsible,
			StepsDone: m.StepsDone(), StepsTotal: len(m.Steps),
			CostsPlanned: m.CostsPlanned, CostsActual: m.CostsActual,
		}
		if open := m.OpenDeadlines(); len(open) > 0 {
			r.Next = &open[0]
		}
		if e, ok := lastEntry(m); ok {
			r.LastDay, r.LastAuthor, r.LastText = o.day(e.CreatedAt), personName(e.Author), e.Text
			if e.Submitter.ID != "" && e.Submitter.ID != e.Author.ID {
				r.LastSubmitter = personName(e.Submitter)
			}
			r.LastAddition = e.Addition
		}
		out = append(out, r)
	}
	return out
}

// cells returns the row's cells as text; dates as csvDate writes them.
func (r row) cells(o Options) []string {
	next, nextText := "", ""
	if r.Next != nil {
		next, nextText = csvDate(o, r.Next.Due), deadlineText(*r.Next)
	}
	return []string{
		r.Code, r.Title, r.Responsible, strconv.Itoa(r.StepsDone), strconv.Itoa(r.StepsTotal),
		next, nextText, csvDate(o, r.LastDay), r.LastAuthor, r.LastText, r.CostsPlanned, r.CostsActual,
		r.LastSubmitter, r.LastAddition,
	}
}

// csvDate writes d in the numeric form of the language as a spreadsheet in
// that locale reads it as a date: without the spaces of the Czech text form
// ("30.11.2026", not "30. 11. 2026", which Excel takes for text).
func csvDate(o Options, d commands.Date) string {
	return strings.Join(strings.Fields(o.date(d)), "")
}

// CSVSeparator is the field separator that the spreadsheet programs of a
// language's users expect when they open a CSV file: ';' where the decimal
// separator is a comma (German, Czech, and the Spanish-speaking countries
// that write 1.234,5), ',' for English.
func CSVSeparator(lang string) rune {
	if lang == "en" {
		return ','
	}
	return ';'
}

// formulaStart are the first characters that make a spreadsheet read a
// CSV cell as a formula (OWASP "CSV Injection"): = + - @, tab and CR.
const formulaStart = "=+-@\t\r"

// noFormula neutralises a cell a spreadsheet would run as a formula: a
// logged =HYPERLINK("http://evil";"klick") must not become a live link,
// nor a note "- Skizze versendet" #NAME? or "+49 2103 …" a number. A
// leading ' makes Excel and LibreOffice show the text as it is (the '
// itself is not shown in Excel); klimabot's CSV import removes it again.
// CSV only: xlsx cells are typed strings.
func noFormula(cell string) string {
	if cell != "" && strings.IndexByte(formulaStart, cell[0]) >= 0 {
		return "'" + cell
	}
	return cell
}

// CSV writes one row a measure with a header row in the document's
// language. Cells that would start a formula get a leading ' (noFormula).
// It starts with a UTF-8 byte order mark, without which Excel reads UTF-8
// as Windows-1252 ("NovÃ© MÄ›sto"); klimabot's own CSV import skips it. sep 0 means CSVSeparator of the language (Spanish in Mexico,
// where Excel separates with ',', needs sep ','). Dates are written in the
// numeric form of the language without spaces, which Excel in that locale
// reads as dates.
func CSV(w io.Writer, d commands.Dump, o Options, sep rune) error {
	if sep == 0 {
		sep = CSVSeparator(o.L.Lang())
	}
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return fmt.Errorf("write CSV: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.Comma = sep
	cw.UseCRLF = true // what Excel writes and expects
	if err := cw.Write(headers(o)); err != nil {
		return fmt.Errorf("write CSV: %w", err)
	}
	for _, r := range rows(d, o) {
		cells := r.cells(o)
		for i, c := range cells {
			cells[i] = noFormula(c)
		}
		if err := cw.Write(cells); err != nil {
			return fmt.Errorf("write CSV: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write CSV: %w", err)
	}
	return nil
}
