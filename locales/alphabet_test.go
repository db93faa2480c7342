package locales

import "testing"

func TestWrites(t *testing.T) {
	tests := []struct {
		lang, word string
		want       bool
	}{
		{"de", "termine", true},
		{"de", "terminé", false}, // Spanish "I finished" is not German "deadlines"
		{"es", "terminé", true},
		{"cs", "terminé", true},
		{"de", "Fristen", true},
		{"de", "MÄRZ", true},
		{"cs", "März", false},
		{"cs", "nápověda", true},
		{"es", "nápověda", false},
		{"es", "año", true},
		{"cs", "año", false},
		{"en", "done", true},
		{"en", "café", false},
		{"xx", "done", false},
	}
	for _, tt := range tests {
		if got := Writes(tt.lang, tt.word); got != tt.want {
			t.Errorf("Writes(%q, %q) = %v, want %v", tt.lang, tt.word, got, tt.want)
		}
	}
	for _, l := range Languages {
		if _, ok := alphabets[l]; !ok {
			t.Errorf("no alphabet for %s", l)
		}
	}
}
