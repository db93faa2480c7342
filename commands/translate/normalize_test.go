package translate

import (
	"testing"

	"golang.org/x/text/unicode/norm"
)

// normalizeLoop is Normalize without its fast path.
func normalizeLoop(text string) string { return collapseSpaces(norm.NFC.String(text)) }

// Normalize's fast path (text returned as it is) gives what the loop gives.
func TestNormalize_FastPathSameAsLoop(t *testing.T) {
	for _, s := range []string{
		"", " ", "a", "Maßnahme 12", " a", "a ", "a  b", "a\tb", "a\nb", "a\u00a0b", "a\u2003b",
		"Nové Město", "Nove\u0301 Me\u030csto", "  ", "a b c", "\u00a0", "x\u3000", "ü ü", "\xf4", "a\xffb", "\ufffd",
	} {
		if got, want := Normalize(s), normalizeLoop(s); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", s, got, want)
		}
	}
}

func FuzzNormalize(f *testing.F) {
	f.Add("Maßnahme 12")
	f.Add(" a  b\t")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := Normalize(s), normalizeLoop(s); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", s, got, want)
		}
	})
}

// BenchmarkNormalize: a measure title and a step text, as status looks
// them up.
func BenchmarkNormalize(b *testing.B) {
	for name, f := range map[string]func(string) string{"fast": Normalize, "loop": normalizeLoop} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				f("Maßnahme 1234: Kommunale Klimapartnerschaft")
				f("Umsetzung")
			}
		})
	}
}
