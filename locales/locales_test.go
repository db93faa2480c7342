package locales

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func mustBundle(t testing.TB) *Bundle {
	t.Helper()
	b, err := New()
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return b
}

// minimal is a valid set of message files, one message per language.
func minimal() fstest.MapFS {
	fsys := fstest.MapFS{}
	for _, lang := range Languages {
		fsys["active."+lang+".toml"] = &fstest.MapFile{Data: []byte(
			"[hello]\ndescription = \"greeting\"\nother = \"hello " + lang + "\"\n")}
	}
	return fsys
}

func TestNewBundleLoadsAllFiles(t *testing.T) {
	fsys := minimal()
	fsys["import.cs.toml"] = &fstest.MapFile{Data: []byte("[import.x]\ndescription = \"d\"\nother = \"import cs\"\n")}
	fsys["commands.cs.toml"] = &fstest.MapFile{Data: []byte("[\"cmd.x\"]\ndescription = \"d\"\nother = \"cmd cs\"\n")}
	b, err := newBundle(fsys)
	if err != nil {
		t.Fatal(err)
	}
	cs := b.For("cs")
	for id, want := range map[string]string{"hello": "hello cs", "import.x": "import cs", "cmd.x": "cmd cs"} {
		if got := cs.Msg(id, nil); got != want {
			t.Errorf("cs %s = %q, want %q", id, got, want)
		}
	}
}

func TestNewBundleRefusesBadFiles(t *testing.T) {
	for name, file := range map[string]string{
		"active.toml":       "[x]\nother = \"x\"\n",                // no language part: "active"
		"active.xx.toml":    "[x]\nother = \"x\"\n",                // not a language go-i18n knows
		"active.und.toml":   "[x]\nother = \"x\"\n",                // undetermined
		"active.fr.toml":    "[x]\nother = \"x\"\n",                // real, but not supported
		"active.CS.toml":    "[x]\nother = \"x\"\n",                // spelled unlike Languages
		"active.cs-CZ.toml": "[x]\nother = \"x\"\n",                // a region is not a language of ours
		"import.cs.toml":    "[hello]\nother = \"again\"\n",        // duplicate id within cs
		"broken.de.toml":    "[x\nother = \n",                      // not TOML
		"mixed.en.toml":     "[x]\nother = \"x\"\nfoo = \"bar\"\n", // go-i18n refuses mixed keys
	} {
		t.Run(name, func(t *testing.T) {
			fsys := minimal()
			fsys[name] = &fstest.MapFile{Data: []byte(file)}
			if _, err := newBundle(fsys); err == nil {
				t.Errorf("newBundle accepted %s", name)
			} else {
				t.Log(err)
			}
		})
	}
	t.Run("missing language", func(t *testing.T) {
		fsys := minimal()
		delete(fsys, "active.es.toml")
		if _, err := newBundle(fsys); err == nil {
			t.Error("newBundle accepted a bundle without Spanish")
		}
	})
	t.Run("no files", func(t *testing.T) {
		if _, err := newBundle(fstest.MapFS{}); err == nil {
			t.Error("newBundle accepted no files")
		}
	})
}

func TestFallbackToEnglish(t *testing.T) {
	fsys := minimal()
	fsys["active.en.toml"] = &fstest.MapFile{Data: []byte(`[hello]
other = "hello en"
[only.en]
other = "only in English"
[days]
one = "{{.Count}} day"
other = "{{.Count}} days"
`)}
	b, err := newBundle(fsys)
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range Languages {
		if got := b.For(lang).Msg("only.en", nil); got != "only in English" {
			t.Errorf("%s: only.en = %q, want the English text", lang, got)
		}
		// English plural rules apply to the English text: 1 is one, even
		// where the language itself would say otherwise.
		if got := b.For(lang).Plural("days", 1, nil); got != "1 day" {
			t.Errorf("%s: days(1) = %q", lang, got)
		}
		if got := b.For(lang).Msg("nowhere", nil); got != "nowhere" {
			t.Errorf("%s: missing message = %q, want its id", lang, got)
		}
	}
	if got := b.For("de").Msg("hello", nil); got != "hello de" {
		t.Errorf("de hello = %q", got)
	}
	if got := b.For("fr").Lang(); got != "en" {
		t.Errorf(`For("fr").Lang() = %q, want en`, got)
	}
}

func TestRelative(t *testing.T) {
	b := mustBundle(t)
	want := map[string]map[int]string{
		"de": {
			0: "heute fällig", 1: "morgen fällig",
			2: "fällig in 2 Tagen", 5: "fällig in 5 Tagen", 21: "fällig in 21 Tagen", 22: "fällig in 22 Tagen",
			-1: "seit 1 Tag überfällig", -2: "seit 2 Tagen überfällig", -5: "seit 5 Tagen überfällig",
			-21: "seit 21 Tagen überfällig", -22: "seit 22 Tagen überfällig",
		},
		"cs": {
			0: "termín dnes", 1: "termín zítra",
			2: "za 2 dny", 3: "za 3 dny", 4: "za 4 dny", 5: "za 5 dní", 21: "za 21 dní", 22: "za 22 dní", 102: "za 102 dní",
			-1: "1 den po termínu", -2: "2 dny po termínu", -4: "4 dny po termínu", -5: "5 dní po termínu",
			-21: "21 dní po termínu", -22: "22 dní po termínu",
		},
		"es": {
			0: "vence hoy", 1: "vence mañana",
			2: "vence en 2 días", 5: "vence en 5 días", 21: "vence en 21 días", 22: "vence en 22 días",
			-1: "vencido hace 1 día", -2: "vencido hace 2 días", -5: "vencido hace 5 días",
			-21: "vencido hace 21 días", -22: "vencido hace 22 días",
		},
		"en": {
			0: "due today", 1: "due tomorrow",
			2: "due in 2 days", 5: "due in 5 days", 21: "due in 21 days", 22: "due in 22 days",
			-1: "overdue by 1 day", -2: "overdue by 2 days", -5: "overdue by 5 days",
			-21: "overdue by 21 days", -22: "overdue by 22 days",
		},
	}
	for lang, cases := range want {
		l := b.For(lang)
		for days, w := range cases {
			if got := l.Relative(days); got != w {
				t.Errorf("%s Relative(%d) = %q, want %q", lang, days, got, w)
			}
		}
	}
}

func TestStepsDone(t *testing.T) {
	b := mustBundle(t)
	cases := []struct {
		lang        string
		done, total int
		want        string
	}{
		{"de", 2, 6, "2 von 6 Schritten erledigt"},
		{"de", 0, 1, "0 von 1 Schritt erledigt"},
		{"de", 0, 0, "0 von 0 Schritten erledigt"},
		{"cs", 2, 6, "splněno 2 z 6 kroků"},
		{"cs", 1, 3, "splněno 1 z 3 kroků"},
		{"cs", 1, 1, "splněno 1 z 1 kroku"},
		{"cs", 21, 22, "splněno 21 z 22 kroků"},
		{"es", 2, 6, "2 de 6 pasos completados"},
		{"es", 1, 1, "1 de 1 paso completado"},
		{"en", 2, 6, "2 of 6 steps done"},
		{"en", 0, 1, "0 of 1 step done"},
	}
	for _, c := range cases {
		if got := b.For(c.lang).StepsDone(c.done, c.total); got != c.want {
			t.Errorf("%s StepsDone(%d, %d) = %q, want %q", c.lang, c.done, c.total, got, c.want)
		}
	}
}

// TestGlossaryLabels pins the field labels and buttons to GLOSSARY.md.
func TestGlossaryLabels(t *testing.T) {
	b := mustBundle(t)
	want := map[string][4]string{ // de, cs, es, en
		"label.measure":        {"Maßnahme", "opatření", "medida", "measure"},
		"label.responsibility": {"Zuständigkeit", "Odpovědnost", "Responsable", "Responsibility"},
		"label.target_group":   {"Zielgruppe", "Cílová skupina", "Grupo destinatario", "Target group"},
		"label.objective":      {"Zielsetzung", "Cíl", "Objetivo", "Objective"},
		"label.description":    {"Beschreibung", "Popis", "Descripción", "Description"},
		"label.steps":          {"Umsetzungsschritte", "Kroky realizace", "Pasos de implementación", "Implementation steps"},
		"label.status":         {"Aktueller Stand", "Aktuální stav", "Estado actual", "Current status"},
		"label.timeline":       {"Zeitachse", "Harmonogram", "Cronograma", "Timeline"},
		"label.costs":          {"Kosten Soll / Ist", "Náklady plánované / skutečné", "Costos previstos / reales", "Costs planned / actual"},
		"label.running_costs":  {"Laufende Kosten pro Jahr", "Provozní náklady ročně", "Costos operativos anuales", "Running costs per year"},
		"label.funding":        {"Fördermöglichkeiten", "Možnosti financování", "Posibilidades de financiamiento", "Funding options"},
		"label.staff":          {"Zusätzliche Personalstellen", "Personální zajištění", "Personal adicional", "Additional staff"},
		"label.progress":       {"Fortschritt", "Průběh plnění", "Avance", "Progress"},
		"label.next_deadline":  {"Nächste Frist", "Nejbližší termín", "Próximo plazo", "Next deadline"},
		"label.deadline":       {"Frist", "termín", "plazo", "deadline"},
		"label.done":           {"erledigt", "splněno", "completado", "done"},
		"label.open":           {"offen", "nesplněno", "pendiente", "open"},
		"label.reminder":       {"Erinnerung", "připomenutí", "recordatorio", "reminder"},
		"label.channel":        {"Kanal", "kanál", "canal", "channel"},
		"label.language":       {"Sprache", "jazyk", "idioma", "language"},
		"button.done":          {"Erledigt", "Hotovo", "Hecho", "Done"},
		"button.postpone":      {"1 Woche verschieben", "Odložit o týden", "Posponer 1 semana", "Postpone 1 week"},
	}
	for id, ws := range want {
		for i, lang := range Languages {
			if got := b.For(lang).Msg(id, nil); got != ws[i] {
				t.Errorf("%s %s = %q, want %q", lang, id, got, ws[i])
			}
		}
	}
}

// TestLanguageNames checks that every language name in every language is
// understood by MatchLanguage, so "/klima jazyk angličtina" works.
func TestLanguageNames(t *testing.T) {
	b := mustBundle(t)
	for _, in := range Languages {
		for _, named := range Languages {
			name := b.For(in).Msg("language.name."+named, nil)
			if got, ok := MatchLanguage(name); !ok || got != named {
				t.Errorf("MatchLanguage(%q) (%s name of %s) = %q, %v", name, in, named, got, ok)
			}
		}
	}
}

func TestMatchLanguage(t *testing.T) {
	want := map[string]string{
		"de": "de", "deutsch": "de", "german": "de", "Deutsch": "de", " DE ": "de",
		"cs": "cs", "cz": "cs", "cestina": "cs", "čeština": "cs", "Čeština": "cs", "cesky": "cs", "česky": "cs", "czech": "cs",
		"es": "es", "espanol": "es", "español": "es", "Español": "es", "castellano": "es", "spanish": "es",
		"en": "en", "english": "en", "English": "en",
		"de-DE": "de", "de_AT": "de", "es-LA": "es", "es-ES": "es", "en-US": "en", "en-GB": "en", "cs-CZ": "cs",
	}
	for in, w := range want {
		if got, ok := MatchLanguage(in); !ok || got != w {
			t.Errorf("MatchLanguage(%q) = %q, %v; want %q", in, got, ok, w)
		}
	}
	for _, in := range []string{"fr", "fr-FR", "pt-BR", "", "-", "deu", "d", "status"} {
		if got, ok := MatchLanguage(in); ok {
			t.Errorf("MatchLanguage(%q) = %q, want no match", in, got)
		}
	}
}

func TestDate(t *testing.T) {
	b := mustBundle(t)
	for lang, want := range map[string]string{
		"de": "23.06.2023", "cs": "23. 6. 2023", "es": "23/06/2023", "en": "2023-06-23",
	} {
		if got := b.For(lang).Date(2023, time.June, 23); got != want {
			t.Errorf("%s Date = %q, want %q", lang, got, want)
		}
	}
	if got := b.For("cs").Date(2027, time.March, 1); got != "1. 3. 2027" {
		t.Errorf("cs Date = %q", got)
	}
}

func TestLongDateAndMonthYear(t *testing.T) {
	b := mustBundle(t)
	for lang, want := range map[string][2]string{
		"de": {"23. Juni 2023", "Juni 2023"},
		"cs": {"23. června 2023", "červen 2023"},
		"es": {"23 de junio de 2023", "junio de 2023"},
		"en": {"June 23, 2023", "June 2023"},
	} {
		l := b.For(lang)
		if got := l.LongDate(2023, time.June, 23); got != want[0] {
			t.Errorf("%s LongDate = %q, want %q", lang, got, want[0])
		}
		if got := l.MonthYear(2023, time.June); got != want[1] {
			t.Errorf("%s MonthYear = %q, want %q", lang, got, want[1])
		}
	}
	if got := b.For("de").LongDate(2014, time.September, 5); got != "5. September 2014" {
		t.Errorf("de LongDate = %q", got)
	}

	// Czech: genitive after a day, nominative with the year alone.
	cs := [12][2]string{
		{"1. ledna 2027", "leden 2027"},
		{"1. února 2027", "únor 2027"},
		{"1. března 2027", "březen 2027"},
		{"1. dubna 2027", "duben 2027"},
		{"1. května 2027", "květen 2027"},
		{"1. června 2027", "červen 2027"},
		{"1. července 2027", "červenec 2027"},
		{"1. srpna 2027", "srpen 2027"},
		{"1. září 2027", "září 2027"},
		{"1. října 2027", "říjen 2027"},
		{"1. listopadu 2027", "listopad 2027"},
		{"1. prosince 2027", "prosinec 2027"},
	}
	de := [12]string{"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"}
	es := [12]string{"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"}
	en := [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
	for i := range 12 {
		m := time.Month(i + 1)
		check := func(lang, what, got, want string) {
			t.Helper()
			if got != want {
				t.Errorf("%s %s(%s) = %q, want %q", lang, what, m, got, want)
			}
		}
		check("cs", "LongDate", b.For("cs").LongDate(2027, m, 1), cs[i][0])
		check("cs", "MonthYear", b.For("cs").MonthYear(2027, m), cs[i][1])
		check("de", "LongDate", b.For("de").LongDate(2027, m, 1), "1. "+de[i]+" 2027")
		check("de", "MonthYear", b.For("de").MonthYear(2027, m), de[i]+" 2027")
		check("es", "LongDate", b.For("es").LongDate(2027, m, 1), "1 de "+es[i]+" de 2027")
		check("es", "MonthYear", b.For("es").MonthYear(2027, m), es[i]+" de 2027")
		check("en", "LongDate", b.For("en").LongDate(2027, m, 1), en[i]+" 1, 2027")
		check("en", "MonthYear", b.For("en").MonthYear(2027, m), en[i]+" 2027")
	}

	// A month out of range never panics.
	for _, lang := range Languages {
		_ = b.For(lang).LongDate(2027, 13, 1)
		_ = b.For(lang).MonthYear(2027, 0)
	}
}

func TestConcurrentUse(t *testing.T) {
	b := mustBundle(t)
	done := make(chan struct{})
	for i := range 8 {
		go func() {
			defer func() { done <- struct{}{} }()
			for j := range 200 {
				l := b.For(Languages[(i+j)%len(Languages)])
				_ = l.Relative(j - 100)
				_ = l.StepsDone(j%7, 6)
				_ = l.Msg("error.internal", nil)
			}
		}()
	}
	for range 8 {
		<-done
	}
}

func ExampleLocalizer_Relative() {
	b, err := New()
	if err != nil {
		panic(err)
	}
	for _, lang := range Languages {
		l := b.For(lang)
		fmt.Println(strings.Join([]string{l.Relative(3), l.Relative(-1), l.StepsDone(2, 6)}, " | "))
	}
	// Output:
	// fällig in 3 Tagen | seit 1 Tag überfällig | 2 von 6 Schritten erledigt
	// za 3 dny | 1 den po termínu | splněno 2 z 6 kroků
	// vence en 3 días | vencido hace 1 día | 2 de 6 pasos completados
	// due in 3 days | overdue by 1 day | 2 of 6 steps done
}
