package export_test

import (
	"bytes"
	"fmt"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/klimabot/klimabot/commands"
	"github.com/klimabot/klimabot/commands/export"
)

// service is the command core over the fixture's store, with reports.
func (f *fixture) service(reports bool) *commands.Service {
	s := &commands.Service{Store: f.db, Bundle: f.b, Now: func() time.Time { return now },
		DefaultLang: "de", DefaultTZ: "Europe/Berlin"}
	if reports {
		s.Reports = export.Maker{Store: f.db, Bundle: f.b}
	}
	return s
}

// Each text comes from a new person: the language a word tells is
// remembered as the person's inferred language, which would decide the
// next answer (SPEC "The caller's language", step 4).
func (f *fixture) run(s *commands.Service, text string) commands.Reply {
	f.runs++
	user := commands.Person{ID: fmt.Sprintf("U%d", f.runs), Name: "U1"}
	return s.Execute(f.ctx, commands.Request{User: user, ChannelID: "C9", Text: text})
}

// file returns the File part of a reply.
func file(t *testing.T, r commands.Reply) commands.File {
	t.Helper()
	for _, p := range r.Parts {
		if f, ok := p.(commands.File); ok {
			return f
		}
	}
	t.Fatalf("no file in the reply: %+v", r.Parts)
	return commands.File{}
}

// TestReportCommand: `report` and its words in every language answer with
// a short paragraph and the Markdown report as a File.
func TestReportCommand(t *testing.T) {
	f := newFixture(t)
	s := f.service(true)
	tests := []struct {
		text, lang, name, says string
	}{
		{"/klima bericht F.019", "de", "F.019-bericht-2026-11-21.md", "Sachstandsbericht für F.019 Kommunale Klimapartnerschaft"},
		{"zpráva f19", "cs", "F.019-zprava-2026-11-21.md", "Zpráva o stavu plnění pro F.019"},
		{"zprava F.019", "cs", "F.019-zprava-2026-11-21.md", "Zpráva o stavu plnění pro F.019"},
		{"informe F.019", "es", "F.019-informe-2026-11-21.md", "Adjunto el informe de situación de F.019"},
		{"report", "en", "report-2026-11-21.md", "Status report for all measures attached"},
		{"BERICHT", "de", "bericht-2026-11-21.md", "Sachstandsbericht für alle Maßnahmen"},
	}
	for _, tt := range tests {
		r := f.run(s, tt.text)
		if r.Err != nil {
			t.Fatalf("%s: %v\n%s", tt.text, r.Err, r.Text(f.b))
		}
		if r.Lang != tt.lang {
			t.Errorf("%s: answered in %s, want %s", tt.text, r.Lang, tt.lang)
		}
		fl := file(t, r)
		if fl.Name != tt.name || fl.Type != "text/markdown; charset=utf-8" {
			t.Errorf("%s: file %q %q", tt.text, fl.Name, fl.Type)
		}
		text := r.Text(f.b)
		if !strings.Contains(text, tt.says) || !strings.Contains(text, "["+tt.name+": ") {
			t.Errorf("%s: answer %q", tt.text, text)
		}
		// the file is the export package's report, as of the same day
		o := f.options(tt.lang)
		var want bytes.Buffer
		codes := []string{}
		if strings.Contains(tt.text, "19") {
			codes = []string{"F.019"}
		}
		if err := export.Markdown(&want, f.dump(codes...), o); err != nil {
			t.Fatal(err)
		}
		if string(fl.Content) != want.String() {
			t.Errorf("%s: report differs from export.Markdown", tt.text)
		}
	}
}

// TestTimelineCommand: `timeline CODE` in every language answers with the
// PNG; it needs exactly one known code.
func TestTimelineCommand(t *testing.T) {
	f := newFixture(t)
	s := f.service(true)
	for _, tt := range []struct{ text, lang, name string }{
		{"zeitachse F.019", "de", "F.019-zeitachse-2026-11-21.png"},
		{"harmonogram F.019", "cs", "F.019-harmonogram-2026-11-21.png"},
		{"cronograma f.19", "es", "F.019-cronograma-2026-11-21.png"},
		{"timeline F019", "en", "F.019-timeline-2026-11-21.png"},
	} {
		r := f.run(s, tt.text)
		if r.Err != nil || r.Lang != tt.lang {
			t.Fatalf("%s: %v in %s\n%s", tt.text, r.Err, r.Lang, r.Text(f.b))
		}
		fl := file(t, r)
		if fl.Name != tt.name || fl.Type != "image/png" {
			t.Errorf("%s: file %q %q", tt.text, fl.Name, fl.Type)
		}
		img, err := png.Decode(bytes.NewReader(fl.Content))
		if err != nil || img.Bounds().Dx() != 1200 {
			t.Errorf("%s: picture %v %v", tt.text, err, img)
		}
	}
	for _, tt := range []struct{ text, code, says string }{
		{"zeitachse", commands.EINVALID, "Bitte geben Sie den Code einer Maßnahme an."},
		{"zeitachse F.91", commands.ENOTFOUND, "Meinten Sie: F.019?"},
		{"zeitachse F.019 aufruf-lateinamerikanische-kommunen", commands.EINVALID, "genau einen Maßnahmencode"},
		{"bericht F.91", commands.ENOTFOUND, "Eine Maßnahme „F.91“ gibt es nicht."},
	} {
		r := f.run(s, tt.text)
		if r.Err == nil || r.Err.Code != tt.code || !strings.Contains(r.Text(f.b), tt.says) {
			t.Errorf("%s: %v\n%s", tt.text, r.Err, r.Text(f.b))
		}
	}
	// without a report maker (a core wired without export) the answer says so
	r := f.run(f.service(false), "bericht F.019")
	if r.Err == nil || !strings.Contains(r.Text(f.b), "nicht verfügbar") {
		t.Errorf("no Reports: %v %q", r.Err, r.Text(f.b))
	}
	// help lists both
	help := f.run(s, "hilfe").Text(f.b)
	for _, w := range []string{"/klima bericht [CODE]", "/klima zeitachse CODE"} {
		if !strings.Contains(help, w) {
			t.Errorf("help lacks %q", w)
		}
	}
}
