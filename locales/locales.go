// Package locales holds klimabot's translations (German, Czech, Spanish,
// English) as embedded go-i18n TOML files, and the helpers that turn dates,
// day counts and plurals into the fixed wording of GLOSSARY.md.
//
// It is a leaf package: it knows nothing of measures or Slack.
package locales

import (
	"embed"
	"fmt"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed active.*.toml
var files embed.FS

// Languages are the supported languages, in the order they are offered.
var Languages = []string{"de", "cs", "es", "en"}

// Default is the language used when nothing else decides.
const Default = "de"

// Fallback is the language a missing translation falls back to.
const Fallback = "en"

// Bundle holds all translations. It is safe for concurrent use.
type Bundle struct {
	b   *i18n.Bundle
	loc map[string]*Localizer
}

// New loads the embedded translations. It fails when a file's language tag
// cannot be determined or a file does not parse.
func New() (*Bundle, error) {
	b := i18n.NewBundle(language.German)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	for _, lang := range Languages {
		name := "active." + lang + ".toml"
		data, err := files.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		mf, err := b.ParseMessageFileBytes(data, name)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", name, err)
		}
		if mf.Tag == language.Und || mf.Tag.String() != lang {
			return nil, fmt.Errorf("%s: language tag %q is not %q", name, mf.Tag, lang)
		}
	}
	bundle := &Bundle{b: b, loc: map[string]*Localizer{}}
	for _, lang := range Languages {
		bundle.loc[lang] = &Localizer{lang: lang, l: i18n.NewLocalizer(b, lang, Fallback)}
	}
	return bundle, nil
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
}

// Lang returns the localizer's language code.
func (l *Localizer) Lang() string { return l.lang }

// Msg renders the message id with data. A message missing in every language
// renders as its id, so a gap shows instead of breaking an answer (the
// completeness test keeps that from shipping).
func (l *Localizer) Msg(id string, data map[string]any) string {
	s, err := l.l.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data})
	if err != nil && s == "" {
		return id
	}
	return s
}

// Plural renders the plural message id for count; data may use {{.Count}}.
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

// Date formats a day in the language's numeric form (GLOSSARY "Dates").
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

// MatchLanguage maps what people type or what Slack reports to a supported
// language: "de", "Deutsch", "german", "cz", "čeština", "es-LA", "en-US"...
func MatchLanguage(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexAny(s, "-_"); i > 0 {
		s = s[:i]
	}
	switch s {
	case "de", "deutsch", "german":
		return "de", true
	case "cs", "cz", "cestina", "čeština", "cesky", "česky", "czech":
		return "cs", true
	case "es", "espanol", "español", "castellano", "spanish":
		return "es", true
	case "en", "english":
		return "en", true
	}
	return "", false
}

// LongDate formats a day in the language's long form (GLOSSARY "Dates").
func (l *Localizer) LongDate(y int, m time.Month, d int) string {
	return l.Date(y, m, d) // TODO(locales helper): month names
}

// Relative returns GLOSSARY's due/overdue phrase for a day count.
func (l *Localizer) Relative(days int) string {
	return fmt.Sprint(days) // TODO(locales helper)
}
