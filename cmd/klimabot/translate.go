package main

import (
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/klimabot/klimabot/commands"
	"github.com/klimabot/klimabot/commands/export"
	"github.com/klimabot/klimabot/commands/langid"
	"github.com/klimabot/klimabot/commands/translate"
	"github.com/klimabot/klimabot/commands/translate/deepl"
	"github.com/klimabot/klimabot/commands/translate/libretranslate"
	"github.com/klimabot/klimabot/locales"
	"github.com/klimabot/klimabot/storage"
)

// translateConfig is the machine translation's settings (SPEC "Translation
// between the two towns"). Without KLIMABOT_TRANSLATE nothing is
// translated, nothing is sent anywhere, nothing is labelled.
type translateConfig struct {
	Provider string // KLIMABOT_TRANSLATE: "", "libretranslate" or "deepl"
	URL      string // KLIMABOT_TRANSLATE_URL: the server's base URL
	Key      string // KLIMABOT_TRANSLATE_KEY
	Budget   int    // KLIMABOT_TRANSLATE_BUDGET: characters a day
}

func loadTranslateConfig(getenv func(string) string) (translateConfig, error) {
	c := translateConfig{
		Provider: strings.ToLower(strings.TrimSpace(getenv("KLIMABOT_TRANSLATE"))),
		URL:      strings.TrimRight(strings.TrimSpace(getenv("KLIMABOT_TRANSLATE_URL")), "/"),
		Key:      strings.TrimSpace(getenv("KLIMABOT_TRANSLATE_KEY")),
		Budget:   translate.DefaultBudget,
	}
	if b := strings.TrimSpace(getenv("KLIMABOT_TRANSLATE_BUDGET")); b != "" {
		n, err := strconv.Atoi(strings.NewReplacer("_", "", ".", "", ",", "").Replace(b))
		if err != nil || n <= 0 {
			return c, usageErr("KLIMABOT_TRANSLATE_BUDGET %q is not a number of characters a day such as 100000", b)
		}
		c.Budget = n
	}
	switch c.Provider {
	case "", "off", "none":
		c.Provider = ""
		return c, nil
	case "libretranslate":
		if c.URL == "" {
			return c, usageErr("KLIMABOT_TRANSLATE=libretranslate needs KLIMABOT_TRANSLATE_URL, the LibreTranslate server's address such as http://127.0.0.1:5000")
		}
	case "deepl":
		if c.Key == "" {
			return c, usageErr("KLIMABOT_TRANSLATE=deepl needs KLIMABOT_TRANSLATE_KEY, the DeepL API key (free keys end in :fx)")
		}
		if c.URL == "" {
			c.URL = deepl.BaseURL(c.Key)
		}
	default:
		return c, usageErr("KLIMABOT_TRANSLATE %q is not libretranslate or deepl (leave it empty for no translation)", c.Provider)
	}
	if u, err := url.Parse(c.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return c, usageErr("KLIMABOT_TRANSLATE_URL %q is not an http(s) address", c.URL)
	}
	return c, nil
}

// translator is the configured provider, nil for none.
func (c translateConfig) translator() translate.Translator {
	client := &http.Client{Timeout: translate.CallTimeout}
	switch c.Provider {
	case "libretranslate":
		return &libretranslate.Client{BaseURL: c.URL, Key: c.Key, HTTP: client}
	case "deepl":
		return &deepl.Client{BaseURL: c.URL, Key: c.Key, HTTP: client}
	}
	return nil
}

// service is the translation service over db, nil when none is configured.
func (c translateConfig) service(db *storage.DB, clock func() time.Time, log *slog.Logger) *translate.Service {
	p := c.translator()
	if p == nil {
		return nil
	}
	return &translate.Service{Store: db, Provider: p, Budget: c.Budget, Now: clock, Log: log, Detect: detectLanguage}
}

// detectLanguage tells the language of a text when langid is sure.
func detectLanguage(text string) string {
	return langid.Identify(text, locales.Languages).Lang
}

// humanTranslations are the translations people gave in imported measures
// (Measure.Translated), as stored translations of the measures' texts,
// which are taken to be in source (KLIMABOT_LANGUAGE). A step translation
// goes with the step of its position.
func humanTranslations(ms []commands.Measure, source string) []translate.Stored {
	var out []translate.Stored
	add := func(orig, lang, text string) {
		if strings.TrimSpace(orig) == "" || strings.TrimSpace(text) == "" || lang == source {
			return
		}
		out = append(out, translate.Stored{Fingerprint: translate.Fingerprint(orig), Source: source, Target: lang,
			Provider: translate.Human, Text: text})
	}
	for _, m := range ms {
		for _, lang := range slices.Sorted(maps.Keys(m.Translated)) {
			t := m.Translated[lang]
			add(m.Title, lang, t.Title)
			add(m.Status, lang, t.Status)
			for i, s := range t.Steps {
				if i < len(m.Steps) {
					add(m.Steps[i].Text, lang, s)
				}
			}
		}
	}
	return out
}

// translateWith shows translations from t in answers and reports.
func (a *app) translateWith(t *translate.Service) {
	a.svc.Translations = t
	if mk, ok := a.svc.Reports.(export.Maker); ok {
		mk.Translations, mk.SourceLang = t, a.cfg.Language
		a.svc.Reports = mk
	}
}
