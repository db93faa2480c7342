// Package locales holds klimabot's translations (German, Czech, Spanish,
// English) as embedded go-i18n TOML files, and the helpers that turn dates,
// day counts and plurals into the fixed wording of GLOSSARY.md.
//
// Every *.toml file beside this source is embedded and loaded; the part of
// its name before ".toml" after the last dot names its language
// (active.cs.toml, import.cs.toml and commands.cs.toml are all Czech). A
// message missing in one language falls back to English.
//
// Month names and the word folding used to match typed words are Go data
// (months.go, fold.go): they are shared by the date renderer here and by the
// input parsers elsewhere.
//
// It is a leaf package: it knows nothing of measures or Slack.
package locales

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed *.toml
var files embed.FS

// Languages are the supported languages, in the order they are offered.
var Languages = []string{"de", "cs", "es", "en"}

// Default is the language used when nothing else decides.
const Default = "de"

// Fallback is the language a missing translation falls back to. It is the
// go-i18n bundle's default language: go-i18n falls back to the bundle's
// default language only, never to further tags given to NewLocalizer.
const Fallback = "en"

// Bundle holds all translations. It is safe for concurrent use.
type Bundle struct {
	b   *i18n.Bundle
	loc map[string]*Localizer
}

// New loads the embedded translations. It fails when a file's language
// cannot be determined or is not one of Languages, when a file does not
// parse, when two files of one language define the same message, or when a
// language has no messages at all.
func New() (*Bundle, error) {
	return newBundle(files)
}

// unmarshalers are the message file formats the loader reads.
var unmarshalers = map[string]i18n.UnmarshalFunc{"toml": toml.Unmarshal}

// newBundle loads every *.toml file at the root of fsys.
func newBundle(fsys fs.FS) (*Bundle, error) {
	names, err := fs.Glob(fsys, "*.toml")
	if err != nil {
		return nil, fmt.Errorf("list message files: %w", err)
	}
	if len(names) == 0 {
		return nil, errors.New("no message files (*.toml)")
	}
	b := i18n.NewBundle(language.Make(Fallback))
	defined := map[string]map[string]string{} // language → message id → file
	for _, name := range names {
		lang, err := fileLanguage(name)
		if err != nil {
			return nil, err
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		// Parse without adding, so a refused file leaves nothing behind.
		mf, err := i18n.ParseMessageFileBytes(data, name, unmarshalers)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", name, err)
		}
		if mf.Tag == language.Und || mf.Tag != language.Make(lang) {
			return nil, fmt.Errorf("%s: go-i18n reads language %q from the name, want %q", name, mf.Tag, lang)
		}
		if defined[lang] == nil {
			defined[lang] = map[string]string{}
		}
		for _, m := range mf.Messages {
			if prev, ok := defined[lang][m.ID]; ok {
				return nil, fmt.Errorf("%s: message %q is already defined in %s", name, m.ID, prev)
			}
			defined[lang][m.ID] = name
		}
		if err := b.AddMessages(mf.Tag, mf.Messages...); err != nil {
			return nil, fmt.Errorf("add %s: %w", name, err)
		}
	}
	for _, lang := range Languages {
		if len(defined[lang]) == 0 {
			return nil, fmt.Errorf("no messages for language %q (want a file such as active.%s.toml)", lang, lang)
		}
	}
	bundle := &Bundle{b: b, loc: make(map[string]*Localizer, len(Languages))}
	for _, lang := range Languages {
		bundle.loc[lang] = &Localizer{lang: lang, l: i18n.NewLocalizer(b, lang, Fallback)}
	}
	return bundle, nil
}

// fileLanguage returns the language of a message file from its name: the
// last dotted part before ".toml".
func fileLanguage(name string) (string, error) {
	base := path.Base(name)
	stem, ok := strings.CutSuffix(base, ".toml")
	if !ok {
		return "", fmt.Errorf("%s: not a .toml file", name)
	}
	lang := stem[strings.LastIndex(stem, ".")+1:]
	if !slices.Contains(Languages, lang) {
		return "", fmt.Errorf("%s: language %q from the file name is not one of %s (name files like active.de.toml)",
			name, lang, strings.Join(Languages, ", "))
	}
	return lang, nil
}

// For returns the localizer of lang, one of Languages; any other value gets
// the English one.
func (b *Bundle) For(lang string) *Localizer {
	if l, ok := b.loc[lang]; ok {
		return l
	}
	return b.loc[Fallback]
}

// Localizer renders messages in one language.
type Localizer struct {
	lang string
	l    *i18n.Localizer
	// stepsDone remembers StepsDone's texts: every status renders one
	// twice (blocks and notification text), each a template run over a map
	// (3 % of a status's CPU). The messages never change after New.
	stepsDone sync.Map // done<<16 | total → string, for 0 ≤ done ≤ total ≤ 64
	// plain remembers the messages rendered without data (labels,
	// headings): the same text every time, and a status renders a dozen.
	plain sync.Map // id → string
}

// Lang returns the localizer's language code.
func (l *Localizer) Lang() string { return l.lang }

// Msg renders the message id with data. A message missing in the language
// renders in English; one missing in every language renders as its id, so a
// gap shows instead of breaking an answer (the completeness test keeps that
// from shipping).
func (l *Localizer) Msg(id string, data map[string]any) string {
	if len(data) == 0 {
		if s, ok := l.plain.Load(id); ok {
			return s.(string)
		}
	}
	s, err := l.l.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data})
	if err != nil && s == "" {
		return id
	}
	if len(data) == 0 {
		l.plain.Store(id, s)
	}
	return s
}

// Plural renders the plural message id for count; data may use {{.Count}},
// which Plural sets to count.
func (l *Localizer) Plural(id string, count int, data map[string]any) string {
	td := make(map[string]any, len(data)+1)
	for k, v := range data {
		td[k] = v
	}
	td["Count"] = count
	s, err := l.l.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: td, PluralCount: count})
	if err != nil && s == "" {
		return id
	}
	return s
}

// Date formats a day in the language's numeric form (GLOSSARY "Dates"):
// 23.06.2023, 23. 6. 2023, 23/06/2023, 2023-06-23.
func (l *Localizer) Date(y int, m time.Month, d int) string {
	switch l.lang {
	case "de":
		return fmt.Sprintf("%02d.%02d.%04d", d, int(m), y)
	case "cs":
		return fmt.Sprintf("%d. %d. %04d", d, int(m), y)
	case "es":
		return fmt.Sprintf("%02d/%02d/%04d", d, int(m), y)
	default:
		return fmt.Sprintf("%04d-%02d-%02d", y, int(m), d)
	}
}

// LongDate formats a day in the language's long form (GLOSSARY "Dates"):
// "23. Juni 2023", "23. června 2023" (Czech takes the genitive after a day),
// "23 de junio de 2023", "June 23, 2023".
func (l *Localizer) LongDate(y int, m time.Month, d int) string {
	n, ok := monthName(l.lang, m)
	if !ok {
		return l.Date(y, m, d)
	}
	switch l.lang {
	case "de", "cs":
		return fmt.Sprintf("%d. %s %d", d, n.Genitive, y)
	case "es":
		return fmt.Sprintf("%d de %s de %d", d, n.Genitive, y)
	default:
		return fmt.Sprintf("%s %d, %d", n.Genitive, d, y)
	}
}

// MonthYear formats a month of a year (GLOSSARY "Dates"): "Juni 2023",
// "červen 2023" (nominative), "junio de 2023", "June 2023".
func (l *Localizer) MonthYear(y int, m time.Month) string {
	n, ok := monthName(l.lang, m)
	if !ok {
		return fmt.Sprintf("%02d/%04d", int(m), y)
	}
	if l.lang == "es" {
		return fmt.Sprintf("%s de %d", n.Nominative, y)
	}
	return fmt.Sprintf("%s %d", n.Nominative, y)
}

// Relative returns GLOSSARY's due/overdue phrase for a count of calendar
// days from today to a due date: 0 "heute fällig", 1 "morgen fällig",
// 3 "fällig in 3 Tagen", -5 "seit 5 Tagen überfällig". The caller counts
// calendar days in the channel's time zone.
func (l *Localizer) Relative(days int) string {
	switch {
	case days == 0:
		return l.Msg("due.today", nil)
	case days == 1:
		return l.Msg("due.tomorrow", nil)
	case days > 1:
		return l.Plural("due.in", days, nil)
	default:
		return l.Plural("overdue.days", -days, nil)
	}
}

// StepsDone returns GLOSSARY's "steps done" phrase: "2 von 6 Schritten
// erledigt", "splněno 2 z 6 kroků".
func (l *Localizer) StepsDone(done, total int) string {
	if done < 0 || total < 0 || done > total || total > 64 { // at most ~2,000 texts a language
		return l.Plural("steps.done", total, map[string]any{"Done": done})
	}
	key := done<<16 | total
	if s, ok := l.stepsDone.Load(key); ok {
		return s.(string)
	}
	s := l.Plural("steps.done", total, map[string]any{"Done": done})
	l.stepsDone.Store(key, s)
	return s
}

// languageWords are the words that name a language: codes, the names in each
// supported language (as in the language.name.* messages) and the Czech
// adverbs ("česky"). They are folded (see Fold).
var languageWords = map[string]string{
	"de": "de", "deutsch": "de", "german": "de", "tschechisch": "cs", "spanisch": "es", "englisch": "en",
	"cs": "cs", "cz": "cs", "cestina": "cs", "cesky": "cs", "czech": "cs", "nemcina": "de", "nemecky": "de",
	"spanelstina": "es", "spanelsky": "es", "anglictina": "en", "anglicky": "en",
	"es": "es", "espanol": "es", "castellano": "es", "spanish": "es", "aleman": "de", "checo": "cs", "ingles": "en",
	"en": "en", "english": "en",
}

// MatchLanguage maps what people type or what Slack reports to a supported
// language: "de", "Deutsch", "german", "cz", "čeština", "Español", "es-LA",
// "en-US"... Case and diacritics do not matter.
func MatchLanguage(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, "-_"); i > 0 {
		s = s[:i]
	}
	lang, ok := languageWords[Fold(s)]
	return lang, ok
}
