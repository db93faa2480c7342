package locales

import (
	"slices"
	"testing"
)

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"":             "",
		"status":       "status",
		"STATUS":       "status",
		"März":         "marz",
		"MÄRZ":         "marz",
		"Straße":       "strasse",
		"STRASSE":      "strasse",
		"nápověda":     "napoveda",
		"Nápověda":     "napoveda",
		"záznam":       "zaznam",
		"termíny":      "terminy",
		"lhůty":        "lhuty",
		"kanál":        "kanal",
		"čeština":      "cestina",
		"ŘÍJEN":        "rijen",
		"español":      "espanol",
		"terminé":      "termine",
		"Fördermittel": "fordermittel",
		"F.019 text":   "f.019 text",
		"Łódź":         "lodz",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFoldVariants(t *testing.T) {
	for in, want := range map[string][]string{
		"status":    {"status"},
		"März":      {"marz", "maerz"},
		"Übersicht": {"ubersicht", "uebersicht"},
		"Straße":    {"strasse"},
		"nápověda":  {"napoveda"},
	} {
		if got := FoldVariants(in); !slices.Equal(got, want) {
			t.Errorf("FoldVariants(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzFold(f *testing.F) {
	for _, s := range []string{"März", "nápověda", "ß", "\xff", "İ", "ǅ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a := Fold(s)
		if b := Fold(a); b != a {
			t.Errorf("Fold not idempotent: %q → %q → %q", s, a, b)
		}
	})
}
