package commands_test

import (
	"strings"
	"testing"

	"github.com/klimabot/klimabot/commands"
)

// TestDoneStepLists: step lists as people write them tick every step and
// store no progress entry (issue 15 item 2); answers and announcements
// join them per GLOSSARY "Step lists" in the grammatical number (item 3).
func TestDoneStepLists(t *testing.T) {
	tests := []struct {
		text  string
		steps []int // newly done (1–3 are done in the fixture)
		note  string
		want  map[string][]string // language → texts in answer or announcement
	}{
		{"hecho F.019 5 6", []int{5, 6}, "", map[string][]string{
			"es": {"F.019: pasos 5 y 6 marcados como completados."},
			"de": {"hat bei *F.019", "die Schritte 5 und 6 erledigt."},
			"cs": {"označil(a) kroky 5 a 6 opatření *F.019", "jako splněné."},
		}},
		{"erledigt F.019 5 und 6", []int{5, 6}, "", map[string][]string{
			"de": {"F.019: Schritte 5 und 6 als erledigt vermerkt."},
		}},
		{"hotovo F.019 5 a 6", []int{5, 6}, "", map[string][]string{
			"cs": {"F.019: kroky 5 a 6 označeny jako splněné."},
		}},
		{"hecho F.019 5 y 6 perfil enviado", []int{5, 6}, "perfil enviado", map[string][]string{
			"es": {"pasos 5 y 6 marcados", "completó los pasos 5 y 6 de *F.019"},
		}},
		{"done F.019 5 and 6", []int{5, 6}, "", map[string][]string{
			"en": {"F.019: steps 5 and 6 marked done.", "completed steps 5 and 6 of *F.019"},
		}},
		{"erledigt F.019 3, 4 und 6", []int{4, 6}, "", map[string][]string{
			"de": {"F.019: Schritte 4 und 6 als erledigt vermerkt.", "F.019: Schritt 3 war schon erledigt."},
		}},
		{"erledigt F.019 2,3 4 Skizze versendet", []int{4}, "Skizze versendet", map[string][]string{
			"de": {"F.019: Schritt 4 als erledigt vermerkt.", "Die Schritte 2 und 3 waren schon erledigt.", "hat bei *F.019", "Schritt 4 erledigt."},
			"cs": {"kroky 2 a 3 už byly splněny.", "krok 4 označen jako splněný."},
			"es": {"los pasos 2 y 3 ya estaban completados.", "completó el paso 4 de"},
			"en": {"steps 2 and 3 were already done."},
		}},
		{"erledigt F.019 4 - 6", []int{4, 5, 6}, "", map[string][]string{"de": {"Schritte 4, 5 und 6 als erledigt"}}},
		{"erledigt F.019 4–6 Skizze", []int{4, 5, 6}, "Skizze", map[string][]string{"de": {"Schritte 4, 5 und 6 als erledigt"}}},
		{"hotovo F.019 4 až 6", []int{4, 5, 6}, "", map[string][]string{"cs": {"kroky 4, 5 a 6 označeny"}}},
		{"hecho F.019 4 al 6", []int{4, 5, 6}, "", map[string][]string{"es": {"pasos 4, 5 y 6 marcados"}}},
		{"erledigt F.019 1-6", []int{4, 5, 6}, "", map[string][]string{
			"de": {"Schritte 4, 5 und 6 als erledigt vermerkt.", "Die Schritte 1, 2 und 3 waren schon erledigt."},
			"cs": {"kroky 4, 5 a 6 označeny"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			f := newFixture(t)
			m := f.measure("F.019")
			before, err := f.db.Entries(f.ctx, m.ID, 0)
			if err != nil {
				t.Fatal(err)
			}
			r := f.exec("UADMIN", "C1", tt.text)
			if r.Err != nil {
				t.Fatalf("%s: %s", tt.text, r.Text(f.b))
			}
			m = f.measure("F.019")
			for _, st := range m.Steps {
				want := st.Number <= 3
				for _, n := range tt.steps {
					want = want || st.Number == n
				}
				if st.Done != want {
					t.Errorf("step %d done = %v, want %v", st.Number, st.Done, want)
				}
			}
			after, err := f.db.Entries(f.ctx, m.ID, 0)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case tt.note == "" && len(after) != len(before):
				t.Errorf("a progress entry was stored: %q", after[0].Text)
			case tt.note != "" && (len(after) != len(before)+1 || after[0].Text != tt.note):
				t.Errorf("note: entries %d → %d, newest %q; want %q", len(before), len(after), after[0].Text, tt.note)
			}
			if r.Announce == nil {
				t.Fatal("no announcement")
			}
			for lang, wants := range tt.want {
				// answers are localized when rendered: show them in each language
				got := commands.PlainText(r.Parts, f.b.For(lang)) + "\n" + commands.PlainText(r.Announce.Parts, f.b.For(lang))
				for _, w := range wants {
					if !strings.Contains(got, w) {
						t.Errorf("%s (%s) lacks %q:\n%s", tt.text, lang, w, got)
					}
				}
			}
		})
	}
}

// TestDoneAmbiguousStepsAsks: when the words after the step numbers may
// still be steps, done writes nothing and asks which steps were meant.
func TestDoneAmbiguousStepsAsks(t *testing.T) {
	f := newFixture(t)
	m := f.measure("F.019")
	before, err := f.db.Entries(f.ctx, m.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ text, lang, want string }{
		{"erledigt F.019 5 oder 6", "de", "Meinten Sie die Schritte 5 und 6? Dann schreiben Sie `/klima erledigt F.019 5 und 6`"},
		{"erledigt F.019 5 und 6a", "de", "Meinten Sie die Schritte 5 und 6? Dann schreiben Sie `/klima erledigt F.019 5 und 6`"},
		{"erledigt F.019 5 6. Sitzung", "de", "Meinten Sie die Schritte 5 und 6? Dann schreiben Sie `/klima erledigt F.019 5 und 6`"},
		{"erledigt F.019 5 und sechs", "de", "Meinten Sie Schritt 5?"},
		{"erledigt F.019 5 bis sechs", "de", "Meinten Sie Schritt 5?"},
		{"hotovo F.019 5 nebo 6", "cs", "Měli jste na mysli kroky 5 a 6?"},
		{"hecho F.019 5 o 6", "es", "¿Se refería a los pasos 5 y 6?"},
		{"done F.019 5 or 6", "en", "Did you mean steps 5 and 6?"},
	} {
		r := f.exec("UADMIN", "C1", tt.text)
		got := commands.PlainText(r.Parts, f.b.For(tt.lang))
		if r.Err == nil || r.Announce != nil {
			t.Errorf("%s: accepted:\n%s", tt.text, got)
			continue
		}
		if !strings.Contains(got, tt.want) {
			t.Errorf("%s: answer (%s) lacks %q:\n%s", tt.text, tt.lang, tt.want, got)
		}
	}
	m = f.measure("F.019")
	if m.Steps[4].Done || m.Steps[5].Done {
		t.Errorf("steps ticked: %+v", m.Steps)
	}
	if after, _ := f.db.Entries(f.ctx, m.ID, 0); len(after) != len(before) {
		t.Errorf("entries %d → %d: an ambiguous done stored text", len(before), len(after))
	}
}
