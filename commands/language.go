package commands

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/klimabot/klimabot/commands/langid"
	"github.com/klimabot/klimabot/locales"
)

// LanguageSource names the rule that decided a caller's language (SPEC
// "The caller's language", steps 1 to 8).
type LanguageSource string

// The rules, first match wins.
const (
	LangForced      LanguageSource = "forced"       // 1. the console's --lang
	LangChosen      LanguageSource = "chosen"       // 2. their explicit choice (`lang cs`)
	LangWord        LanguageSource = "word"         // 3. a subcommand word only one non-English language uses
	LangInferred    LanguageSource = "inferred"     // 4. inferred from what they wrote
	LangSlack       LanguageSource = "slack"        // 5. their Slack locale (not English in a channel with a language)
	LangEnglishWord LanguageSource = "english_word" // 6. an English word, locale English or unknown
	LangChannel     LanguageSource = "channel"      // 7. the channel's first language
	LangDefault     LanguageSource = "default"      // 8. KLIMABOT_LANGUAGE
)

// LanguageDecision is a caller's language and the rule that decided it.
type LanguageDecision struct {
	Lang   string
	Source LanguageSource
	// Locale is the Slack locale that decided (LangSlack).
	Locale string
}

// Language decides the caller's language; see DecideLanguage.
func (s *Service) Language(u User, wordLang string, req Request, ch Channel) string {
	return s.DecideLanguage(u, wordLang, req, ch).Lang
}

// DecideLanguage applies SPEC's eight steps: a forced language, the
// explicit choice, a typed word only one language other than English uses,
// the language inferred from what the person wrote, their Slack locale
// (unless it is English and the channel has a language), an English word
// when the locale is English or unknown, the channel's first language, the
// default. wordLang is Command.WordLanguage: a non-English language, "en"
// for an English word, or "". English words are the canonical spelling the
// README teaches, so a German admin with a German Slack typing
// `/klima follow F.019` is answered in German.
func (s *Service) DecideLanguage(u User, wordLang string, req Request, ch Channel) LanguageDecision {
	if l, ok := locales.MatchLanguage(req.Lang); ok {
		return LanguageDecision{Lang: l, Source: LangForced}
	}
	if l, ok := locales.MatchLanguage(u.Language); ok {
		return LanguageDecision{Lang: l, Source: LangChosen}
	}
	if l, ok := locales.MatchLanguage(wordLang); ok && l != "en" {
		return LanguageDecision{Lang: l, Source: LangWord}
	}
	if l, ok := locales.MatchLanguage(u.Inferred.Lang); ok {
		return LanguageDecision{Lang: l, Source: LangInferred}
	}
	locale := req.Locale
	if locale == "" {
		locale = u.Locale
	}
	ll, known := locales.MatchLanguage(locale)
	if known && (ll != "en" || len(ch.Languages) == 0) {
		return LanguageDecision{Lang: ll, Source: LangSlack, Locale: locale}
	}
	if wordLang == "en" && (!known || ll == "en") {
		return LanguageDecision{Lang: "en", Source: LangEnglishWord}
	}
	for _, cl := range ch.Languages {
		if l, ok := locales.MatchLanguage(cl); ok {
			return LanguageDecision{Lang: l, Source: LangChannel}
		}
	}
	if l, ok := locales.MatchLanguage(s.DefaultLang); ok {
		return LanguageDecision{Lang: l, Source: LangDefault}
	}
	return LanguageDecision{Lang: locales.Default, Source: LangDefault}
}

// doneWords are words that say "done" in a reply, folded, by language.
// English ones are left out: like English command words they are a weak
// sign (partners write "done" too). Spanish "terminé" is no done word: it
// folds to German "termine".
var doneWords = map[string]string{
	"erledigt": "de", "fertig": "de", "abgeschlossen": "de",
	"hotovo": "cs", "splneno": "cs", "dokonceno": "cs",
	"hecho": "es", "listo": "es", "completado": "es", "terminado": "es",
}

// DoneWordLanguage returns the language of the first done word in text
// ("hotovo" → cs), if any.
func DoneWordLanguage(text string) (word, lang string, ok bool) {
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !isLetter(r) }) {
		if l, found := doneWords[locales.Fold(w)]; found && locales.Writes(l, w) {
			return w, l, true
		}
	}
	return "", "", false
}

func isLetter(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= utf8.RuneSelf && !strings.ContainsRune("–—…„“”«»¿¡·", r)
}

// inferCandidates are the languages a person of this channel may write
// in: the channel's languages and English; in a channel without languages
// (a direct message) every language klimabot speaks.
func (c *call) inferCandidates() []string {
	var out []string
	for _, l := range c.channel.Languages {
		if m, ok := locales.MatchLanguage(l); ok && !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	if len(out) == 0 {
		return slices.Clone(locales.Languages)
	}
	if !slices.Contains(out, "en") {
		out = append(out, "en")
	}
	return out
}

// inferExcerpt is how much of a text the store keeps to say what a
// language was inferred from.
const inferExcerpt = 80

// infer works out what the person's writing of this call tells of their
// language: the free text (c.inferText) when langid decides it, else a
// subcommand word only one language other than English uses, else a done
// word. ok is false when nothing tells.
func (c *call) infer() (Inference, bool) {
	at := c.s.now()
	if c.inferText != "" {
		if r := langid.Identify(c.inferText, c.inferCandidates()); r.OK() {
			return Inference{Lang: r.Lang, From: c.inferFrom, Text: shorten(c.inferText, inferExcerpt), At: at}, true
		}
	}
	if c.cmd.Name != "" && c.cmd.Name != CmdLang && c.cmd.Lang != "" {
		// (`sprache cs` says which language is wanted, not which one is written)
		return Inference{Lang: c.cmd.Lang, From: InferWord, Text: c.cmd.Word, At: at}, true
	}
	if w, l, ok := DoneWordLanguage(c.inferText); ok {
		return Inference{Lang: l, From: InferDoneWord, Text: w, At: at}, true
	}
	return Inference{}, false
}

// learnLanguage infers the caller's language from this call and keeps it
// with their record when it changed. A failure to store it is logged: the
// answer goes on with what was inferred.
func (c *call) learnLanguage() {
	if c.req.User.ID == "" || c.req.Lang != "" {
		return // nobody to learn about, or the console forces a language
	}
	inf, ok := c.infer()
	if !ok || inf.Lang == c.user.Inferred.Lang {
		return
	}
	c.user.Inferred = inf
	if err := c.s.Store.SetInferredLanguage(c.ctx, c.req.User.ID, inf); err != nil {
		c.s.logger().ErrorContext(c.ctx, "store inferred language", "user", c.req.User.ID, "err", err)
	}
}

// writing returns the free text of a command that the person wrote in
// their own words (a logged text, a done note), which tells their
// language, and what kind of text it is.
func (c Command) writing() (string, InferSource) {
	switch c.Name {
	case CmdLog:
		return c.RestAfter(1), InferLog
	case CmdDone:
		return c.RestAfter(2), InferCommand
	}
	return "", ""
}
