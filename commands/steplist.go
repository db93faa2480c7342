package commands

import (
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/klimabot/klimabot/locales"
)

// StepList is a list of step numbers in message data. It renders as
// GLOSSARY "Step lists" join them: "5", "5 und 6", "3, 4 und 6"; Czech
// "5 a 6", Spanish "5 y 6", English "5 and 6". Pair it with Plural keyed on
// its length, so the noun agrees ("Schritt 5" / "Schritte 5 und 6").
type StepList []int

// JoinSteps joins step numbers in l's language: "3, 4 und 6".
func JoinSteps(l *locales.Localizer, steps []int) string {
	s := make([]string, len(steps))
	for i, n := range steps {
		s[i] = strconv.Itoa(n)
	}
	return JoinAnd(l, s)
}

// JoinAnd joins items as a list in l's language: "a", "a und b",
// "a, b und c" (the last pair by the language's "and", no serial comma).
func JoinAnd(l *locales.Localizer, items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	and := l.Msg("list.and", nil)
	return strings.Join(items[:len(items)-1], ", ") + " " + and + " " + items[len(items)-1]
}

// stepConjunctions are the words that join step numbers as people type
// them: "5 und 6", "5 a 6", "5 y 6", "5 e 6", "5 and 6", "5 & 6", "5 + 6".
var stepConjunctions = map[string]bool{
	"und": true, "a": true, "y": true, "e": true, "and": true, "&": true, "+": true, ",": true, ";": true,
}

// stepRangeWords join two step numbers as a range: "1 - 4", "1 bis 4",
// "1 až 4", "1 to 4", "1 hasta 4".
var stepRangeWords = map[string]bool{
	"-": true, "–": true, "—": true, "bis": true, "až": true, "az": true, "to": true, "through": true, "hasta": true, "al": true,
}

// stepConnectors are words that may join a step number to the text in a
// way that leaves open whether the number is a step: "5 oder 6",
// "5 bzw. 6", "5 nebo 6", "5 o 6", "5 or 6", "5 sowie 6".
var stepConnectors = map[string]bool{
	"oder": true, "bzw": true, "bzw.": true, "sowie": true, "nebo": true, "i": true, "o": true, "u": true,
	"or": true, "und/oder": true, "plus": true,
}

// parseStepArgs reads a step list from the first words of args: "5",
// "5 6", "5 und 6", "3, 4 und 6", "3,4", "1-4", "1-3,6". It returns the steps and
// the number of words they took. ok is false when args does not start with
// a step number. ambiguous is set when the words after the list may still
// belong to it ("5 und 6a", "5 oder 6", "5 6."): then guess holds the
// steps the caller may have meant, to ask back.
func parseStepArgs(args []string) (steps []int, n int, ok bool, guess []int, ambiguous bool) {
	seen := map[int]bool{}
	add := func(ns []int) {
		for _, s := range ns {
			if !seen[s] {
				seen[s] = true
				steps = append(steps, s)
			}
		}
	}
	i := 0
	for i < len(args) {
		w := args[i]
		if ns, good := parseSteps(w); good && startsWithDigitOrSep(w) {
			add(ns)
			i++
			n = i
			continue
		}
		if lo, err := strconv.Atoi(lastWord(args, i)); err == nil && stepRangeWords[strings.ToLower(w)] && i+1 < len(args) {
			if hi, err := strconv.Atoi(args[i+1]); err == nil && hi >= lo {
				if ns, good := parseSteps(strconv.Itoa(lo) + "-" + strconv.Itoa(hi)); good {
					add(ns)
					i += 2
					n = i
					continue
				}
			}
		}
		if len(steps) > 0 && stepConjunctions[strings.ToLower(w)] && i+1 < len(args) {
			if ns, good := parseSteps(args[i+1]); good && startsWithDigitOrSep(args[i+1]) {
				add(ns)
				i += 2
				n = i
				continue
			}
		}
		break
	}
	if len(steps) == 0 {
		return nil, 0, false, nil, false
	}
	sort.Ints(steps)
	// What follows the list: a dangling "und", a word that may join
	// another number ("oder 6"), or a word starting with a digit ("6.",
	// "6a") leaves open what was meant.
	rest := args[n:]
	if len(rest) == 0 {
		return steps, n, true, nil, false
	}
	first := strings.ToLower(rest[0])
	switch {
	case startsWithDigit(first),
		stepConjunctions[first], stepRangeWords[first],
		stepConnectors[first] && len(rest) > 1 && startsWithDigit(rest[1]):
	default:
		return steps, n, true, nil, false
	}
	guess = append([]int(nil), steps...)
	for _, w := range rest[:min(2, len(rest))] {
		if d := leadingDigits(w); d != "" {
			if v, err := strconv.Atoi(d); err == nil && v >= 1 && v <= 999 && !seen[v] {
				seen[v] = true
				guess = append(guess, v)
			}
		}
	}
	sort.Ints(guess)
	return steps, n, true, guess, true
}

// lastWord is the step word before args[i] when it was read as part of the
// list, else "".
func lastWord(args []string, i int) string {
	if i == 0 {
		return ""
	}
	return strings.TrimSuffix(args[i-1], ",")
}

func startsWithDigit(s string) bool {
	return s != "" && s[0] >= '0' && s[0] <= '9'
}

// startsWithDigitOrSep admits a list token such as "5", "3,4" or ",6"
// (from "5 ,6"); parseSteps decides the rest.
func startsWithDigitOrSep(s string) bool {
	return startsWithDigit(s) || (s != "" && s[0] == ',' && len(s) > 1)
}

func leadingDigits(s string) string {
	end := strings.IndexFunc(s, func(r rune) bool { return !unicode.IsDigit(r) || r > unicode.MaxASCII })
	if end < 0 {
		return s
	}
	return s[:end]
}
