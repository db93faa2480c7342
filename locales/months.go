package locales

import (
	"slices"
	"strings"
	"time"
)

// MonthName is how one language writes one month. Dates are rendered from
// these names and the date parser accepts them, so both agree.
type MonthName struct {
	Month time.Month
	// Nominative is the name on its own, as in a month and year:
	// "März", "březen", "marzo", "March".
	Nominative string
	// Genitive is the name after a day number: Czech "března" in
	// "31. března 2027"; the same as Nominative in the other languages.
	Genitive string
	// Variants are further spellings a date parser accepts: regional names
	// (Austrian "Jänner", Latin American "setiembre") and abbreviations
	// ("Okt", "sept", "dic"), without a trailing dot.
	Variants []string
}

// Words returns every spelling of the month, lower-cased and without
// repeats: nominative, genitive, variants. Fold them, or use FoldVariants,
// to compare with typed words.
func (n MonthName) Words() []string {
	words := make([]string, 0, 2+len(n.Variants))
	for _, w := range append([]string{n.Nominative, n.Genitive}, n.Variants...) {
		w = strings.ToLower(w)
		if !slices.Contains(words, w) {
			words = append(words, w)
		}
	}
	return words
}

// Folded returns every spelling of the month in folded form (see
// FoldVariants), without repeats: "březen", "března" → "brezen", "brezna".
func (n MonthName) Folded() []string {
	var out []string
	for _, w := range n.Words() {
		for _, f := range FoldVariants(w) {
			if !slices.Contains(out, f) {
				out = append(out, f)
			}
		}
	}
	return out
}

// mn builds a MonthName whose genitive is its nominative.
func mn(m time.Month, name string, variants ...string) MonthName {
	return MonthName{Month: m, Nominative: name, Genitive: name, Variants: variants}
}

// months are the month names of each language, January first.
var months = map[string][12]MonthName{
	"de": {
		mn(time.January, "Januar", "Jänner", "Jan", "Jän"),
		mn(time.February, "Februar", "Feber", "Feb"),
		mn(time.March, "März", "Mär", "Mrz"),
		mn(time.April, "April", "Apr"),
		mn(time.May, "Mai"),
		mn(time.June, "Juni", "Jun"),
		mn(time.July, "Juli", "Jul"),
		mn(time.August, "August", "Aug"),
		mn(time.September, "September", "Sep", "Sept"),
		mn(time.October, "Oktober", "Okt"),
		mn(time.November, "November", "Nov"),
		mn(time.December, "Dezember", "Dez"),
	},
	"cs": {
		{Month: time.January, Nominative: "leden", Genitive: "ledna"},
		{Month: time.February, Nominative: "únor", Genitive: "února"},
		{Month: time.March, Nominative: "březen", Genitive: "března"},
		{Month: time.April, Nominative: "duben", Genitive: "dubna"},
		{Month: time.May, Nominative: "květen", Genitive: "května"},
		{Month: time.June, Nominative: "červen", Genitive: "června"},
		{Month: time.July, Nominative: "červenec", Genitive: "července"},
		{Month: time.August, Nominative: "srpen", Genitive: "srpna"},
		{Month: time.September, Nominative: "září", Genitive: "září"},
		{Month: time.October, Nominative: "říjen", Genitive: "října"},
		{Month: time.November, Nominative: "listopad", Genitive: "listopadu"},
		{Month: time.December, Nominative: "prosinec", Genitive: "prosince"},
	},
	"es": {
		mn(time.January, "enero", "ene"),
		mn(time.February, "febrero", "feb"),
		mn(time.March, "marzo", "mar"),
		mn(time.April, "abril", "abr"),
		mn(time.May, "mayo", "may"),
		mn(time.June, "junio", "jun"),
		mn(time.July, "julio", "jul"),
		mn(time.August, "agosto", "ago"),
		mn(time.September, "septiembre", "setiembre", "sep", "sept", "set"),
		mn(time.October, "octubre", "oct"),
		mn(time.November, "noviembre", "nov"),
		mn(time.December, "diciembre", "dic"),
	},
	"en": {
		mn(time.January, "January", "Jan"),
		mn(time.February, "February", "Feb"),
		mn(time.March, "March", "Mar"),
		mn(time.April, "April", "Apr"),
		mn(time.May, "May"),
		mn(time.June, "June", "Jun"),
		mn(time.July, "July", "Jul"),
		mn(time.August, "August", "Aug"),
		mn(time.September, "September", "Sep", "Sept"),
		mn(time.October, "October", "Oct"),
		mn(time.November, "November", "Nov"),
		mn(time.December, "December", "Dec"),
	},
}

// MonthNames returns the month names of lang, one of Languages, January
// first; nil for any other language. The slice is the caller's own.
func MonthNames(lang string) []MonthName {
	ms, ok := months[lang]
	if !ok {
		return nil
	}
	out := make([]MonthName, len(ms))
	for i, n := range ms {
		n.Variants = slices.Clone(n.Variants)
		out[i] = n
	}
	return out
}

// monthName returns the name of m in lang.
func monthName(lang string, m time.Month) (MonthName, bool) {
	ms, ok := months[lang]
	if !ok || m < time.January || m > time.December {
		return MonthName{}, false
	}
	return ms[m-1], true
}

// monthWords maps every folded spelling of every language's months to its
// month. No spelling names two different months (a test checks).
var monthWords = func() map[string]time.Month {
	w := map[string]time.Month{}
	for _, lang := range Languages {
		for _, n := range months[lang] {
			for _, f := range n.Folded() {
				w[f] = n.Month
			}
		}
	}
	return w
}()

// MonthByName returns the month a written word names in any supported
// language, ignoring case, diacritics, surrounding space and a trailing dot:
// "März", "maerz", "Marz", "března", "brezna", "Březen", "setiembre",
// "Okt.", "June" all work.
func MonthByName(word string) (time.Month, bool) {
	word = strings.TrimSuffix(strings.TrimSpace(word), ".")
	m, ok := monthWords[Fold(word)]
	return m, ok
}
