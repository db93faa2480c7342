package locales

import (
	"slices"
	"testing"
	"time"
)

func TestMonthByName(t *testing.T) {
	want := map[string]time.Month{
		// German, with and without umlaut, "ae" spelling, abbreviations.
		"März": time.March, "märz": time.March, "MÄRZ": time.March, "Maerz": time.March, "Marz": time.March,
		"Mär.": time.March, "Mrz": time.March, "Jänner": time.January, "Jaenner": time.January,
		"Januar": time.January, "Mai": time.May, "Okt.": time.October, "Dezember": time.December,
		// Czech, nominative and genitive, with and without diacritics.
		"březen": time.March, "března": time.March, "brezen": time.March, "brezna": time.March, "BŘEZNA": time.March,
		"leden": time.January, "ledna": time.January, "únor": time.February, "unora": time.February,
		"květen": time.May, "května": time.May, "červen": time.June, "června": time.June, "cervna": time.June,
		"červenec": time.July, "července": time.July, "cervence": time.July, "srpna": time.August,
		"září": time.September, "zari": time.September, "října": time.October, "rijen": time.October,
		"listopad": time.November, "listopadu": time.November, "prosince": time.December,
		// Spanish, including the Latin American "setiembre".
		"marzo": time.March, "Marzo": time.March, "setiembre": time.September, "septiembre": time.September,
		"diciembre": time.December, "dic": time.December, "ago": time.August,
		// English.
		"March": time.March, "june": time.June, " September ": time.September, "Sept.": time.September,
	}
	for in, w := range want {
		if got, ok := MonthByName(in); !ok || got != w {
			t.Errorf("MonthByName(%q) = %v, %v; want %v", in, got, ok, w)
		}
	}
	for _, in := range []string{"", ".", "marc", "terminé", "ma", "brez", "2027", "F.019", "heute", "Maerzz"} {
		if got, ok := MonthByName(in); ok {
			t.Errorf("MonthByName(%q) = %v, want no month", in, got)
		}
	}
}

// TestMonthWordsUnambiguous checks that no spelling names two months across
// languages, and that every month of every language is found by its names.
func TestMonthWordsUnambiguous(t *testing.T) {
	type owner struct {
		month time.Month
		lang  string
	}
	seen := map[string]owner{}
	for _, lang := range Languages {
		names := MonthNames(lang)
		if len(names) != 12 {
			t.Fatalf("MonthNames(%s) has %d months", lang, len(names))
		}
		for i, n := range names {
			if n.Month != time.Month(i+1) {
				t.Errorf("MonthNames(%s)[%d] is %v", lang, i, n.Month)
			}
			if n.Nominative == "" || n.Genitive == "" {
				t.Errorf("%s %v: empty name", lang, n.Month)
			}
			for _, f := range n.Folded() {
				if prev, ok := seen[f]; ok && prev.month != n.Month {
					t.Errorf("%q names %v (%s) and %v (%s)", f, prev.month, prev.lang, n.Month, lang)
				}
				seen[f] = owner{n.Month, lang}
				if got, ok := MonthByName(f); !ok || got != n.Month {
					t.Errorf("MonthByName(%q) = %v, %v; want %v", f, got, ok, n.Month)
				}
			}
			for _, w := range n.Words() {
				if got, ok := MonthByName(w); !ok || got != n.Month {
					t.Errorf("MonthByName(%q) = %v, %v; want %v", w, got, ok, n.Month)
				}
			}
		}
	}
	if MonthNames("fr") != nil {
		t.Error("MonthNames(fr) is not nil")
	}
}

func TestMonthNamesIsACopy(t *testing.T) {
	a := MonthNames("es")
	a[8].Variants[0] = "changed"
	a[0].Nominative = "changed"
	b := MonthNames("es")
	if b[8].Variants[0] != "setiembre" || b[0].Nominative != "enero" {
		t.Error("MonthNames returns shared data")
	}
}

func TestCzechMonthForms(t *testing.T) {
	n := MonthNames("cs")[2]
	if n.Nominative != "březen" || n.Genitive != "března" {
		t.Errorf("cs March = %q / %q", n.Nominative, n.Genitive)
	}
	got := n.Folded()
	want := []string{"brezen", "brezna"}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("Folded() = %q, want %q", got, want)
	}
	if w := MonthNames("de")[2].Words(); len(w) != 3 || w[0] != "märz" {
		t.Errorf("de March Words() = %q", w)
	}
	if f := MonthNames("de")[2].Folded(); !slices.Contains(f, "marz") || !slices.Contains(f, "maerz") {
		t.Errorf("de March Folded() = %q", f)
	}
}
