package commands

import (
	"slices"
	"sort"
	"strings"

	"github.com/klimabot/klimabot/locales"
)

// maxSuggestions caps the "did you mean" words of an unknown subcommand.
const maxSuggestions = 3

// knownWord is a subcommand word as GLOSSARY writes it, with the languages
// that use it.
type knownWord struct {
	word   string // lower-case, with its diacritics
	folded string
	langs  []string
}

// knownWords lists every subcommand word once, in a fixed order.
var knownWords = func() []knownWord {
	byWord := map[string]*knownWord{}
	var order []string
	for _, name := range Subcommands {
		for _, lang := range locales.Languages {
			for _, w := range words[name][lang] {
				kw, ok := byWord[w]
				if !ok {
					kw = &knownWord{word: w, folded: locales.Fold(w)}
					byWord[w] = kw
					order = append(order, w)
				}
				if !slices.Contains(kw.langs, lang) {
					kw.langs = append(kw.langs, lang)
				}
			}
		}
	}
	out := make([]knownWord, len(order))
	for i, w := range order {
		out[i] = *byWord[w]
	}
	return out
}()

// unknownWord is Parse's answer to a word that is no subcommand: EINVALID,
// with the closest subcommand words as a hint ("Meinten Sie `stand`?").
// The command carries the language of those words, so the answer speaks
// it: "stv" is closest to Czech "stav" and is answered in Czech.
func unknownWord(word string) (Command, error) {
	e := &Error{Code: EINVALID, Msg: Msg("error.unknown_command", Data{"Word": word})}
	near, langs := closestWords(word)
	cmd := Command{Word: word}
	if len(near) > 0 {
		quoted := make([]string, len(near))
		for i, w := range near {
			quoted[i] = "`" + w + "`"
		}
		h := Plural("hint.did_you_mean", len(near), Data{"Words": strings.Join(quoted, ", ")})
		e.Hint = &h
		cmd.Lang, cmd.English = nonEnglish(langs), slices.Contains(langs, "en")
	}
	return cmd, e
}

// closestWords returns the subcommand words nearest to w (by edit distance
// on folded forms), at most
// maxSuggestions of them, and the languages they share. Only languages that
// write every letter of w count (see LookupWord). Words further away
// than a typo (one edit for words of up to four letters, two for longer
// ones) are no suggestion.
func closestWords(w string) (near []string, langs []string) {
	fw := locales.Fold(w)
	n := len([]rune(fw))
	if n == 0 || n > 30 {
		return nil, nil
	}
	limit := 2
	if n <= 4 {
		limit = 1
	}
	type cand struct {
		kw knownWord
		d  int
	}
	var cs []cand
	for _, kw := range knownWords {
		d := levenshtein(fw, kw.folded)
		if d > limit {
			continue
		}
		// a language that does not write the typed letters is not meant:
		// "terminé" suggests no German word
		kw.langs = slices.DeleteFunc(slices.Clone(kw.langs), func(l string) bool { return !locales.Writes(l, w) })
		if len(kw.langs) > 0 {
			cs = append(cs, cand{kw, d})
		}
	}
	if len(cs) == 0 {
		return nil, nil
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].d < cs[j].d })
	best := cs[0].d
	for _, c := range cs {
		if c.d != best || len(near) == maxSuggestions {
			break
		}
		near = append(near, c.kw.word)
		if langs == nil {
			langs = slices.Clone(c.kw.langs)
		} else {
			langs = slices.DeleteFunc(langs, func(l string) bool { return !slices.Contains(c.kw.langs, l) })
		}
	}
	return near, langs
}
