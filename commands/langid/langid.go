// Package langid tells which of klimabot's languages a person wrote a short
// text in: a thread reply, a logged note, a mention. klimabot uses it to
// answer a partner from another workspace, of whom Slack tells no locale,
// in their own language (SPEC "Partners in Slack Connect").
//
// It combines two things. The letters a text is written with rule out the
// languages that do not write them ("schválila" is not German, "año" not
// Czech; locales.Alphabet); words capitalised inside a sentence are left out
// of that, since they are often place names ("Nové Město" in an English
// sentence). Among the languages left, the trigram model of
// github.com/abadojack/whatlanggo decides, and only when it is confident.
// Texts shorter than three words or twelve letters decide nothing: "Termin
// steht" or "listo" say too little (a done word or a command word may still
// tell the language; that is the caller's business). docs/PERFORMANCE.md
// has the measurement behind the choice of library and thresholds.
package langid

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/abadojack/whatlanggo"

	"github.com/klimabot/klimabot/locales"
)

// Thresholds below which a text decides nothing.
const (
	// MinWords and MinLetters: shorter texts say too little.
	MinWords   = 3
	MinLetters = 12
	// MinConfidence is whatlanggo's confidence (0–1) the model must reach.
	// An inferred language comes before the Slack locale, so a guess must
	// be a confident one: at 0.3 "Workshop s partnery a radou dne 3. 3."
	// was taken for English (0.37).
	MinConfidence = 0.4
)

// models maps klimabot's languages to whatlanggo's.
var models = map[string]whatlanggo.Lang{
	"de": whatlanggo.Deu, "cs": whatlanggo.Ces, "es": whatlanggo.Spa, "en": whatlanggo.Eng,
}

// How a Result was reached.
const (
	ByLetters = "letters" // only one candidate writes the text's letters
	ByModel   = "model"   // the trigram model was confident
	TooShort  = "short"   // fewer than MinWords words or MinLetters letters
	NoFit     = "no_fit"  // no candidate writes the text's letters
	Unclear   = "unclear" // the model was not confident
)

// Result is what Identify found.
type Result struct {
	// Lang is the language, one of the candidates; "" when undecided.
	Lang string
	// By says how it was decided, or why not (ByLetters, ByModel,
	// TooShort, NoFit, Unclear).
	By string
	// Confidence is the model's confidence when it was asked.
	Confidence float64
}

// OK reports whether a language was decided.
func (r Result) OK() bool { return r.Lang != "" }

// Identify returns the language of text among candidates (codes of
// locales.Languages; others are ignored). It is safe for concurrent use and
// allocates little: it runs on every thread reply.
func Identify(text string, candidates []string) Result {
	var cands []string
	for _, c := range candidates {
		if _, ok := models[c]; ok && !slices.Contains(cands, c) {
			cands = append(cands, c)
		}
	}
	if len(cands) == 0 {
		return Result{By: NoFit}
	}
	words, letters := 0, 0
	var marks strings.Builder // letters beyond ASCII that count against languages
	var prose strings.Builder // the words, without links, codes and numbers
	spanish := strings.ContainsAny(text, "¿¡")
	for _, tok := range strings.Fields(text) {
		w := strings.TrimFunc(tok, func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSymbol(r) })
		if w == "" || !isWord(w) {
			continue
		}
		first, _ := utf8.DecodeRuneInString(w)
		if words == 0 || !unicode.IsUpper(first) {
			for _, r := range strings.ToLower(w) {
				if r >= utf8.RuneSelf {
					marks.WriteRune(r)
				}
			}
		}
		words++
		letters += utf8.RuneCountInString(w)
		prose.WriteString(w)
		prose.WriteByte(' ')
	}
	if words < MinWords || letters < MinLetters {
		return Result{By: TooShort}
	}
	fit := slices.DeleteFunc(cands, func(l string) bool {
		return !locales.Writes(l, marks.String()) || (spanish && l != "es")
	})
	switch {
	case len(fit) == 0:
		return Result{By: NoFit}
	case len(fit) == 1 && (marks.Len() > 0 || spanish):
		return Result{Lang: fit[0], By: ByLetters}
	}
	allow := make(map[whatlanggo.Lang]bool, len(fit))
	for _, l := range fit {
		allow[models[l]] = true
	}
	info := whatlanggo.DetectWithOptions(prose.String(), whatlanggo.Options{Whitelist: allow})
	for _, l := range fit {
		if models[l] == info.Lang && info.Confidence >= MinConfidence {
			return Result{Lang: l, By: ByModel, Confidence: info.Confidence}
		}
	}
	return Result{By: Unclear, Confidence: info.Confidence}
}

// isWord reports whether a token is a word of prose: letters (with inner
// hyphens and apostrophes), not a link, an address, a code or a number.
func isWord(w string) bool {
	for _, r := range w {
		if !unicode.IsLetter(r) && r != '-' && r != '\'' && r != '’' {
			return false
		}
	}
	return true
}
