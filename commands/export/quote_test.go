package export_test

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/klimabot/klimabot/commands"
	"github.com/klimabot/klimabot/commands/export"
	"github.com/klimabot/klimabot/commands/importer"
)

// quoted is a message Anna Autorin wrote, logged by Zoe Zweite with the
// "log as progress" shortcut, with Zoe's own addition.
var quoted = commands.Entry{
	Author: commands.Person{ID: "UAUTHOR", Name: "Anna Autorin"}, Text: "Workshop mit Nové Město geplant.",
	Submitter: commands.Person{ID: "UZOE", Name: "Zoe Zweite"}, Addition: "Termin steht: 12. Mai.",
	MessageTS: "1699990500.000600", Source: commands.SourceShortcut, ChannelID: "C1",
}

// withQuote is the fixture with the quoted entry as F.019's newest.
func withQuote(t *testing.T) *fixture {
	f := newFixture(t)
	e := quoted
	e.MeasureID, e.CreatedAt = f.measure("F.019").ID, now.AddDate(0, 0, -1)
	if _, err := f.db.AddEntry(f.ctx, e); err != nil {
		t.Fatal(err)
	}
	return f
}

// TestExportsKeepQuoteApart: every export keeps a logged message's author
// and words apart from who logged it and what they added; the JSON export
// restores them exactly.
func TestExportsKeepQuoteApart(t *testing.T) {
	f := withQuote(t)
	d := f.dump()

	// JSON: written, read back, restored into an empty store, dumped again
	var js bytes.Buffer
	if err := export.JSON(&js, d); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(js.String(), `"Submitter": {`) || strings.Count(js.String(), `"Submitter"`) != 1 {
		t.Errorf("the JSON writes Submitter for other entries too, or not at all")
	}
	read, err := importer.ParseDump("export.json", js.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	other := MustOpenDB(t)
	if err := other.Restore(f.ctx, read); err != nil {
		t.Fatal(err)
	}
	again, err := other.Dump(f.ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, want := entriesOf(again, "F.019"), entriesOf(d, "F.019")
	if !reflect.DeepEqual(got, want) {
		t.Errorf("entries after a JSON round trip:\n%+v\nwant\n%+v", got, want)
	}
	if e := got[len(got)-1]; e.Submitter != quoted.Submitter || e.Addition != quoted.Addition || e.MessageTS != quoted.MessageTS ||
		e.Author != quoted.Author || e.Text != quoted.Text {
		t.Errorf("restored entry = %+v", e)
	}

	// CSV and XLSX: author, words, who logged, addition in their own columns
	_, recs := f.csvExport(d, "de")
	row := recs[1]
	if row[8] != "Anna Autorin" || row[9] != quoted.Text || row[12] != "Zoe Zweite" || row[13] != quoted.Addition {
		t.Errorf("CSV row %q", row)
	}
	var buf bytes.Buffer
	if err := export.XLSX(&buf, d, f.options("de")); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	for ref, want := range map[string]string{"I2": "Anna Autorin", "J2": quoted.Text, "M2": "Zoe Zweite", "N2": quoted.Addition,
		"M1": "Letzter Fortschritt – eingetragen von", "N1": "Letzter Fortschritt – Ergänzung"} {
		if got, _ := x.GetCellValue("Maßnahmen", ref); got != want {
			t.Errorf("xlsx %s = %q, want %q", ref, got, want)
		}
	}

	// the report and the sheet say who wrote what and who logged it
	for lang, want := range map[string]string{
		"de": "20.11.2026, Anna Autorin (eingetragen von Zoe Zweite): Workshop mit Nové Město geplant. — Ergänzung von Zoe Zweite: Termin steht: 12. Mai.",
		"cs": "20. 11. 2026, Anna Autorin (zapsal(a) Zoe Zweite): Workshop mit Nové Město geplant. — doplnění (Zoe Zweite): Termin steht: 12. Mai.",
		"es": "Anna Autorin (registrado por Zoe Zweite): Workshop mit Nové Město geplant. — comentario de Zoe Zweite: Termin steht: 12. Mai.",
		"en": "Anna Autorin (logged by Zoe Zweite): Workshop mit Nové Město geplant. — added by Zoe Zweite: Termin steht: 12. Mai.",
	} {
		buf.Reset()
		if err := export.Markdown(&buf, d, f.options(lang)); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(buf.String(), want) {
			t.Errorf("%s report lacks %q:\n%s", lang, want, buf.String())
		}
		buf.Reset()
		if err := export.Sheet(&buf, d.Measures[0], f.options(lang)); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(strings.Join(strings.Fields(buf.String()), " "), want) {
			t.Errorf("%s sheet lacks %q:\n%s", lang, want, buf.String())
		}
	}
}

// entriesOf returns the entries of a measure of a dump, without ids that a
// restore may renumber.
func entriesOf(d commands.Dump, code string) []commands.Entry {
	for _, m := range d.Measures {
		if m.Code == code {
			out := make([]commands.Entry, len(m.Entries))
			for i, e := range m.Entries {
				e.MeasureID = 0
				out[i] = e
			}
			return out
		}
	}
	return nil
}
