package export_test

import (
	"strings"
	"testing"

	"github.com/klimabot/klimabot/commands"
	"github.com/klimabot/klimabot/commands/export"
	"github.com/klimabot/klimabot/commands/translate"
)

// TestReportTranslated (issue 12): a German report shows the Czech
// partner's entry in German with the original beside it; a Czech report
// shows the title people translated, marked as the original, not as
// machine translation.
func TestReportTranslated(t *testing.T) {
	f := newFixture(t)
	title := f.measure("F.019").Title
	if err := f.db.SaveTranslations(f.ctx, []translate.Stored{
		{Fingerprint: translate.Fingerprint("Delegace odpoví do konce měsíce."), Source: "cs", Target: "de", Provider: "deepl",
			Text: "Die Delegation antwortet bis Monatsende."},
		{Fingerprint: translate.Fingerprint(title), Source: "de", Target: "cs", Provider: translate.Human,
			Text: "Komunální klimatické partnerství"},
	}); err != nil {
		t.Fatal(err)
	}
	mk := export.Maker{Store: f.db, Bundle: f.b, SourceLang: "de",
		Translations: &translate.Service{Store: f.db, Offline: "deepl"}}
	de, err := mk.Report(f.ctx, commands.ReportRequest{Codes: []string{"F.019"}, Lang: "de", Now: now, Loc: berlin})
	if err != nil {
		t.Fatal(err)
	}
	want := "Die Delegation antwortet bis Monatsende. (maschinell übersetzt · Original: Delegace odpoví do konce měsíce.)"
	if !strings.Contains(string(de.Content), want) {
		t.Errorf("German report lacks %q:\n%s", want, de.Content)
	}
	cs, err := mk.Report(f.ctx, commands.ReportRequest{Codes: []string{"F.019"}, Lang: "cs", Now: now, Loc: berlin})
	if err != nil {
		t.Fatal(err)
	}
	want = "F.019 Komunální klimatické partnerství (Originál: " + title + ")"
	if !strings.Contains(string(cs.Content), want) {
		t.Errorf("Czech report lacks %q:\n%s", want, cs.Content)
	}
	// without translations the report is what it was
	plain, _ := export.Maker{Store: f.db, Bundle: f.b}.Report(f.ctx, commands.ReportRequest{Codes: []string{"F.019"}, Lang: "de", Now: now, Loc: berlin})
	if strings.Contains(string(plain.Content), "übersetzt ·") {
		t.Errorf("report changed without translations")
	}
}
