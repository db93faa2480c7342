package locales

import (
	"strings"
	"unicode/utf8"
)

// letters are the letters beyond ASCII each language writes, lower-case.
// They decide two things: a typed word whose accents one language does not
// write never matches that language's words (Spanish "terminé" is not
// German "termine"), and a text written with letters one language lacks is
// not that language (commands/langid).
var alphabets = map[string]string{
	"de": "äöüß",
	"cs": "áčďéěíňóřšťúůýž",
	"es": "áéíóúñü",
	"en": "",
}

// Alphabet returns the letters beyond ASCII that lang writes, lower-case;
// "" for English and for an unknown language.
func Alphabet(lang string) string { return alphabets[lang] }

// Writes reports whether every letter of word beyond ASCII is one that lang
// writes (compared lower-case). A word in plain ASCII fits every language.
func Writes(lang, word string) bool {
	abc, ok := alphabets[lang]
	if !ok {
		return false
	}
	for _, r := range strings.ToLower(word) {
		if r < utf8.RuneSelf {
			continue
		}
		if !strings.ContainsRune(abc, r) {
			return false
		}
	}
	return true
}
