package importer

import (
	"strings"
	"testing"

	"github.com/klimabot/klimabot/commands"
)

// checkMeasure holds what every successful parse guarantees: a valid code,
// a title, steps numbered 1..n with text, plausible planned periods.
func checkMeasure(t *testing.T, m commands.Measure) {
	t.Helper()
	if !commands.ValidCode(m.Code) {
		t.Fatalf("invalid code %q", m.Code)
	}
	if m.Title == "" {
		t.Fatalf("%s: empty title", m.Code)
	}
	for name, v := range map[string]string{"title": m.Title, "responsible": m.Responsible,
		"target group": m.TargetGroup, "costs planned": m.CostsPlanned, "costs actual": m.CostsActual} {
		if strings.ContainsAny(v, "\n\t") || v != strings.TrimSpace(v) || strings.Contains(v, "  ") {
			t.Fatalf("%s: single-line field %s is %q", m.Code, name, v)
		}
	}
	for name, v := range map[string]string{"objective": m.Objective, "description": m.Description,
		"status": m.Status, "running costs": m.RunningCosts, "funding": m.Funding, "staff": m.Staff} {
		if v != strings.TrimSpace(v) || strings.Contains(v, "\n\n") {
			t.Fatalf("%s: field %s is %q", m.Code, name, v)
		}
	}
	for i, s := range m.Steps {
		if s.Number != i+1 {
			t.Fatalf("%s: step %d numbered %d", m.Code, i+1, s.Number)
		}
		if s.Text == "" || s.Text != strings.TrimSpace(s.Text) {
			t.Fatalf("%s: step %d has no text", m.Code, s.Number)
		}
		if s.PlannedYear < 0 || s.PlannedYear > 9999 {
			t.Fatalf("%s: step %d year %d", m.Code, s.Number, s.PlannedYear)
		}
		if d := s.PlannedDate; !d.IsZero() && (!commands.ValidDate(d.Year, d.Month, d.Day) || s.PlannedYear != d.Year) {
			t.Fatalf("%s: step %d date %v year %d", m.Code, s.Number, d, s.PlannedYear)
		}
	}
	for _, sec := range m.Sections {
		if sec.Body == "" {
			t.Fatalf("%s: empty section %q", m.Code, sec.Title)
		}
	}
}

// checkErr holds what every failure guarantees: a *ParseError naming the
// file, with a message id.
func checkErr(t *testing.T, err error) {
	t.Helper()
	pe, ok := err.(*ParseError)
	if !ok {
		t.Fatalf("error %v is %T, want *ParseError", err, err)
	}
	if pe.File != "f" || pe.Msg.ID == "" || pe.Line < 0 || pe.Err == nil {
		t.Fatalf("incomplete error %#v", pe)
	}
}

func FuzzParseSheet(f *testing.F) {
	for _, d := range corpus(f, "sheets", seedSheet) {
		f.Add(d)
	}
	f.Add([]byte("F.1 T\nUmsetzungsschritte\n<ol>1. a 2. b\nZeitachse\n\t1 - 2\n\t2024"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseSheet("f", data, Options{})
		if err != nil {
			checkErr(t, err)
			return
		}
		checkMeasure(t, m)
	})
}

func FuzzParseCall(f *testing.F) {
	for _, d := range corpus(f, "calls", seedCall) {
		f.Add(d)
	}
	f.Add([]byte("A\nDie nächsten Schritte\nFebruar 2016\nx\nBis 1.2.2017: y\ntitel:a-1"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseCall("f", data, Options{})
		if err != nil {
			checkErr(t, err)
			return
		}
		checkMeasure(t, m)
	})
}

func FuzzParseCSV(f *testing.F) {
	for _, d := range corpus(f, "csv") {
		f.Add(d)
	}
	f.Add([]byte("code;title;steps;x\nA.1;\"a\nb\";1. a | 2. b;y\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ms, err := ParseCSV("f", data, Options{})
		if err != nil {
			checkErr(t, err)
			if ms != nil {
				t.Fatal("measures returned with an error")
			}
			return
		}
		seen := map[string]bool{}
		for _, m := range ms {
			checkMeasure(t, m)
			if k := commands.CodeKey(m.Code); seen[k] {
				t.Fatalf("duplicate code %q", m.Code)
			} else {
				seen[k] = true
			}
		}
	})
}

// FuzzParse checks that detection and dispatch never panic and that every
// error is a *ParseError.
func FuzzParse(f *testing.F) {
	for _, dir := range []string{"sheets", "calls", "csv"} {
		for _, d := range corpus(f, dir) {
			f.Add(d)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ms, _, err := Parse("f", data, Options{})
		if err != nil {
			checkErr(t, err)
			return
		}
		for _, m := range ms {
			checkMeasure(t, m)
		}
	})
}
