package commands_test

import (
	"strings"
	"testing"

	"github.com/klimabot/klimabot/commands"
)

// TestOverdueReadsAsDate: a deadline overdue by more than 30 days reads as
// GLOSSARY's "überfällig seit {date}" in status, deadlines and list, in
// every language, and no line shows its date twice (issue 15.1).
func TestOverdueReadsAsDate(t *testing.T) {
	f := newFixture(t)
	m := f.measure("F.019")
	// an explicit deadline of step 5, long past: status shows it on the step
	if _, err := f.db.AddDeadline(f.ctx, commands.Deadline{MeasureID: m.ID, Step: 5, Due: commands.Date{Year: 2022, Month: 12, Day: 31},
		Text: "Austausch", State: commands.DeadlineOpen}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		lang, status, deadlines, list, since, date string
	}{
		{"de", "stand F.019", "fristen", "liste", "überfällig seit 31.12.2022", "31.12.2022"},
		{"cs", "stav F.019", "termíny", "seznam", "po termínu od 31. 12. 2022", "31. 12. 2022"},
		{"es", "estado F.019", "plazos", "lista", "vencido desde el 31/12/2022", "31/12/2022"},
		{"en", "status F.019", "deadlines", "list", "overdue since 2022-12-31", "2022-12-31"},
	}
	for _, c := range cases {
		for _, text := range []string{c.status, c.deadlines, c.list} {
			r := f.svc.Execute(f.ctx, commands.Request{User: commands.Person{ID: "U1"}, ChannelID: "C1", Text: text, Lang: c.lang})
			got := r.Text(f.b)
			if !strings.Contains(got, c.since) {
				t.Errorf("%s: no %q in\n%s", text, c.since, got)
			}
			for _, line := range strings.Split(got, "\n") {
				if strings.Count(line, c.date) > 1 {
					t.Errorf("%s: the date shows twice: %q", text, line)
				}
				if strings.Contains(line, "1421") || strings.Contains(line, "690") {
					t.Errorf("%s: counts days instead of naming the date: %q", text, line)
				}
			}
		}
	}
}

// TestOverdueBoundary: 30 days overdue still counts days, 31 read as a date.
func TestOverdueBoundary(t *testing.T) {
	f := newFixture(t)
	l := f.b.For("de")
	today := commands.Date{Year: 2026, Month: 11, Day: 21}
	for days, want := range map[int]string{
		30: "22.10.2026 · X (seit 30 Tagen überfällig)",
		31: "überfällig seit 21.10.2026 · X",
		0:  "21.11.2026 · X (heute fällig)",
	} {
		got := commands.DueMsg("deadline.line", commands.Data{"Text": commands.Raw("X")}, today, today.AddDays(-days)).Render(l)
		if got != want {
			t.Errorf("%d days overdue: %q, want %q", days, got, want)
		}
	}
	for _, lang := range []string{"de", "cs", "es", "en"} {
		for _, id := range []string{"deadline.line", "list.next", "status.step_deadline"} {
			got := commands.DueMsg(id, commands.Data{"Text": commands.Raw("X")}, today, today.AddDays(-400)).Render(f.b.For(lang))
			if strings.Contains(got, ".since") || strings.Contains(got, "overdue.since") || strings.Contains(got, "no value") {
				t.Errorf("%s %s: %q", lang, id, got)
			}
		}
	}
}

// TestDeadlineInPast: a deadline dated before today is stored, and the
// answer says that the date lies in the past, in the caller's language; a
// future one does not (issue 15.1).
func TestDeadlineInPast(t *testing.T) {
	f := newFixture(t)
	for _, c := range []struct{ text, lang, want string }{
		{"frist F.019 31.12.2022 Bericht", "de", "Der 31.12.2022 liegt in der Vergangenheit"},
		{"termín F.019 31. 12. 2022 Zpráva", "cs", "datum 31. 12. 2022 je v minulosti"},
		{"plazo F.019 31/12/2022 Informe", "es", "la fecha 31/12/2022 ya pasó"},
		{"deadline F.019 2022-12-31 Report", "en", "2022-12-31 lies in the past"},
	} {
		r := f.svc.Execute(f.ctx, commands.Request{User: commands.Person{ID: "UADMIN"}, ChannelID: "C1", Text: c.text, Lang: c.lang})
		if r.Err != nil {
			t.Fatalf("%s: %v", c.text, r.Err)
		}
		if got := r.Text(f.b); !strings.Contains(got, c.want) {
			t.Errorf("%s: no %q in\n%s", c.text, c.want, got)
		}
	}
	ds, err := f.db.Deadlines(f.ctx, commands.DeadlineQuery{MeasureIDs: []int64{f.measure("F.019").ID}})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, d := range ds {
		if d.Due == commands.NewDate(2022, 12, 31) {
			n++
		}
	}
	if n != 4 {
		t.Errorf("%d past deadlines stored, want 4", n)
	}
	r := f.svc.Execute(f.ctx, commands.Request{User: commands.Person{ID: "UADMIN"}, ChannelID: "C1", Text: "frist F.019 31.12.2027 Bericht", Lang: "de"})
	if got := r.Text(f.b); r.Err != nil || strings.Contains(got, "Vergangenheit") {
		t.Errorf("future deadline: %v\n%s", r.Err, got)
	}
}

// TestImportHintPlurals: the import hint is keyed on the number of steps
// and joins them as GLOSSARY "Step lists" does.
func TestImportHintPlurals(t *testing.T) {
	f := newFixture(t)
	for _, c := range []struct {
		lang  string
		steps []int
		want  string
	}{
		{"de", []int{5}, "F.1: Schritt 5 ist laut Zeitachse fällig"},
		{"de", []int{3, 4, 6}, "F.1: 3 Schritte sind laut Zeitachse fällig, aber nicht erledigt (Schritte 3, 4 und 6)"},
		{"cs", []int{5}, "F.1: krok 5 měl být"},
		{"cs", []int{3, 4, 6}, "F.1: 3 kroky měly být podle harmonogramu už splněny, ale nejsou označeny jako splněné (kroky 3, 4 a 6)"},
		{"cs", []int{1, 2, 3, 4, 5}, "F.1: 5 kroků mělo být"},
		{"es", []int{5, 6}, "F.1: según el cronograma, 2 pasos ya deberían estar completados, pero siguen pendientes (pasos 5 y 6)"},
		{"en", []int{5, 6}, "F.1: 2 steps are due by the timeline but not done (steps 5 and 6)"},
	} {
		got := commands.ImportHint("F.1", c.steps).Render(f.b.For(c.lang))
		if !strings.Contains(got, c.want) {
			t.Errorf("%s %v: %q, want %q", c.lang, c.steps, got, c.want)
		}
	}
	if !commands.ImportHint("F.1", nil).IsZero() {
		t.Error("a hint without past steps")
	}
}
