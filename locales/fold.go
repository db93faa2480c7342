package locales

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// letters are the letters that Unicode decomposition leaves alone but that
// people type without their mark all the same.
var letters = map[rune]string{
	'ß': "ss", 'ẞ': "ss", 'ł': "l", 'đ': "d", 'ø': "o", 'æ': "ae", 'œ': "oe", 'ı': "i",
}

// Fold returns s lower-cased and without diacritics, the form in which typed
// words are compared: "März" → "marz", "Nápověda" → "napoveda",
// "Español" → "espanol", "Straße" → "strasse". It keeps everything else,
// spaces included. German "ae" for "ä" is not produced here: compare a
// typed word's Fold with every FoldVariants form of a known word.
func Fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		if t, ok := letters[r]; ok {
			b.WriteString(t)
			continue
		}
		b.WriteRune(r)
	}
	// Recompose what is left (letters of scripts whose marks are not Mn).
	return norm.NFC.String(b.String())
}

// umlauts spell German umlauts the way a keyboard without them does.
var umlauts = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "Ä", "Ae", "Ö", "Oe", "Ü", "Ue")

// FoldVariants returns the folded forms a known word may be typed in, for
// building tables of accepted words: Fold(word) and, when the word has a
// German umlaut, the form with "ae", "oe", "ue" ("März" → "marz", "maerz").
// A typed word matches when its Fold equals one of them.
func FoldVariants(word string) []string {
	f := Fold(word)
	if !strings.ContainsAny(word, "äöüÄÖÜ") {
		return []string{f}
	}
	return []string{f, Fold(umlauts.Replace(word))}
}
