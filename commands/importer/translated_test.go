package importer

import (
	"reflect"
	"testing"

	"github.com/klimabot/klimabot/commands"
)

func TestTranslationColumns(t *testing.T) {
	for h, want := range map[string]struct {
		c    column
		lang string
		ok   bool
	}{
		"title_cs": {colTitle, "cs", true}, "Titel (cs)": {colTitle, "cs", true}, "steps_es": {colSteps, "es", true},
		"Umsetzungsschritte (ES)": {colSteps, "es", true}, "status-en": {colStatus, "en", true}, "Aktueller Status [cs]": {colStatus, "cs", true},
		"title": {}, "Zielgruppen": {}, "Kosten (cs)": {}, "Titel cs": {}, "titles": {},
	} {
		c, lang, ok := translationColumn(h)
		if ok != want.ok || (ok && (c != want.c || lang != want.lang)) {
			t.Errorf("%q: %v %q %v, want %+v", h, c, lang, ok, want)
		}
	}
	ms, err := ParseCSV("t.csv", []byte("code,title,steps,title_cs,steps_cs,status_es\nF.1,Titel,a|b,Název,A|B,\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]commands.MeasureTexts{"cs": {Title: "Název", Steps: []string{"A", "B"}}}
	if !reflect.DeepEqual(ms[0].Translated, want) || len(ms[0].Sections) != 0 || ms[0].Title != "Titel" {
		t.Errorf("measure = %+v", ms[0])
	}
}
