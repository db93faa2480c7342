package commands

import (
	"slices"
	"strings"
	"unicode"

	"github.com/klimabot/klimabot/locales"
)

// Canonical subcommand names.
const (
	CmdHelp      = "help"
	CmdStatus    = "status"
	CmdList      = "list"
	CmdLog       = "log"
	CmdDone      = "done"
	CmdDeadlines = "deadlines"
	CmdDeadline  = "deadline"
	CmdLang      = "lang"
	CmdChannel   = "channel"
	CmdFollow    = "follow"
	CmdUnfollow  = "unfollow"
	CmdReport    = "report"
	CmdTimeline  = "timeline"
	CmdCalendar  = "calendar"
)

// Subcommands lists the canonical subcommands in the order help shows them.
var Subcommands = []string{
	CmdHelp, CmdStatus, CmdList, CmdLog, CmdDone, CmdDeadlines, CmdDeadline,
	CmdLang, CmdCalendar, CmdChannel, CmdFollow, CmdUnfollow, CmdReport, CmdTimeline,
}

// words are GLOSSARY's subcommand words per canonical name and language.
var words = map[string]map[string][]string{
	CmdHelp:      {"de": {"hilfe"}, "cs": {"nápověda", "pomoc"}, "es": {"ayuda"}, "en": {"help"}},
	CmdStatus:    {"de": {"status", "stand"}, "cs": {"stav"}, "es": {"estado"}, "en": {"status"}},
	CmdList:      {"de": {"liste"}, "cs": {"seznam"}, "es": {"lista"}, "en": {"list"}},
	CmdLog:       {"de": {"eintragen", "notiz"}, "cs": {"zapsat", "záznam"}, "es": {"registrar", "anotar"}, "en": {"log", "note"}},
	CmdDone:      {"de": {"erledigt", "fertig"}, "cs": {"hotovo", "splněno"}, "es": {"hecho", "listo", "completado"}, "en": {"done"}},
	CmdDeadlines: {"de": {"fristen", "termine"}, "cs": {"termíny", "lhůty"}, "es": {"plazos", "vencimientos"}, "en": {"deadlines", "due"}},
	CmdDeadline:  {"de": {"frist"}, "cs": {"termín"}, "es": {"plazo"}, "en": {"deadline"}},
	CmdLang:      {"de": {"sprache"}, "cs": {"jazyk"}, "es": {"idioma"}, "en": {"lang", "language"}},
	CmdChannel:   {"de": {"kanal"}, "cs": {"kanál"}, "es": {"canal"}, "en": {"channel"}},
	CmdFollow:    {"de": {"folgen"}, "cs": {"sledovat"}, "es": {"seguir"}, "en": {"follow"}},
	CmdUnfollow:  {"de": {"entfolgen"}, "cs": {"nesledovat"}, "es": {"dejar"}, "en": {"unfollow"}},
	CmdReport:    {"de": {"bericht"}, "cs": {"zpráva"}, "es": {"informe"}, "en": {"report"}},
	CmdTimeline:  {"de": {"zeitachse"}, "cs": {"harmonogram"}, "es": {"cronograma"}, "en": {"timeline"}},
	CmdCalendar:  {"de": {"kalender"}, "cs": {"kalendář"}, "es": {"calendario"}, "en": {"calendar"}},
}

// wordInfo is what a typed word tells: the subcommand and the languages that
// use the word.
type wordInfo struct {
	name  string
	langs []string
}

var (
	exactWords  = map[string]wordInfo{} // lower-cased as written, diacritics kept
	foldedWords = map[string]wordInfo{} // folded: no diacritics, ß→ss
)

func init() {
	add := func(m map[string]wordInfo, w, name, lang string) {
		wi := m[w]
		if wi.name != "" && wi.name != name {
			panic("subcommand word " + w + " means both " + wi.name + " and " + name)
		}
		wi.name = name
		for _, l := range wi.langs {
			if l == lang {
				m[w] = wi
				return
			}
		}
		wi.langs = append(wi.langs, lang)
		m[w] = wi
	}
	for name, byLang := range words {
		for _, lang := range locales.Languages {
			for _, w := range byLang[lang] {
				add(exactWords, w, name, lang)
				for _, f := range locales.FoldVariants(w) {
					add(foldedWords, f, name, lang)
				}
			}
		}
	}
}

// LookupWord returns the canonical subcommand a typed word means and the
// language it signals ("" when several languages use it; "en" for a word
// only English uses), matching whole words after lower-casing and folding
// diacritics.
func LookupWord(w string) (name, lang string, ok bool) {
	name, langs, ok := lookupWord(w)
	return name, single(langs), ok
}

// lookupWord returns the subcommand a typed word means and every language
// whose word it is. A word typed with a letter that a language does not
// write never matches that language's words: Spanish "terminé" (I
// finished) is not German "termine" (deadlines), though both fold alike.
func lookupWord(w string) (name string, langs []string, ok bool) {
	lw := strings.ToLower(w)
	if wi, found := exactWords[lw]; found && lw != locales.Fold(lw) {
		// Written with its accents, "kanál" is Czech only, though its folded
		// form "kanal" is German too.
		return wi.name, wi.langs, true
	}
	wi, found := foldedWords[locales.Fold(lw)]
	if !found {
		return "", nil, false
	}
	for _, l := range wi.langs {
		if locales.Writes(l, lw) {
			langs = append(langs, l)
		}
	}
	if len(langs) == 0 {
		return "", nil, false
	}
	return wi.name, langs, true
}

func single(langs []string) string {
	if len(langs) == 1 {
		return langs[0]
	}
	return ""
}

// Command is a parsed /klima command line.
type Command struct {
	Name string // canonical subcommand
	Word string // the subcommand word as typed
	// Lang is the language the typed word signals: a language other than
	// English that alone uses the word ("stav", "fristen"); "" when several
	// languages use it ("status"), when it is English, or none was typed.
	// For an unknown word it is the language of the closest known words.
	Lang string
	// English is set when the typed word is an English one ("follow",
	// "status"): the canonical spelling the README teaches, so only a weak
	// sign of the language wanted (SPEC "The caller's language", step 6).
	English bool
	// Args are the words after the subcommand.
	Args []string
	// Rest is the text after the subcommand word, trimmed, as typed.
	Rest string
}

// Arg returns the i-th argument or "".
func (c Command) Arg(i int) string {
	if i < len(c.Args) {
		return c.Args[i]
	}
	return ""
}

// RestAfter returns the text after the first n arguments, as typed.
func (c Command) RestAfter(n int) string {
	s := c.Rest
	for i := 0; i < n; i++ {
		s = strings.TrimLeftFunc(s, unicode.IsSpace)
		j := strings.IndexFunc(s, unicode.IsSpace)
		if j < 0 {
			return ""
		}
		s = s[j:]
	}
	return strings.TrimSpace(s)
}

// slackEntities undoes Slack's escaping of &, < and > in command text.
var slackEntities = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">")

// Parse reads a command line as typed in Slack or the console: the leading
// "/klima" is optional, an empty line means help. An unknown subcommand word
// gives an EINVALID *Error (Execute answers it with the short help).
func Parse(text string) (Command, error) {
	// Invisible characters before the command (a zero-width space or a
	// byte order mark pasted along) are dropped; the rest stays as typed.
	text = strings.TrimSpace(strings.TrimLeftFunc(CleanText(slackEntities.Replace(text)), isBlank))
	if f := strings.Fields(text); len(f) > 0 {
		if w := stripInvisible(f[0]); strings.EqualFold(w, "/klima") || strings.EqualFold(w, "klima") {
			// "klima status F.019" as typed in the console or pasted without
			// the slash means "/klima status F.019".
			text = strings.TrimSpace(strings.TrimLeftFunc(text[len(f[0]):], isBlank))
		}
	}
	fields := strings.Fields(text)
	if len(fields) == 0 {
		return Command{Name: CmdHelp}, nil
	}
	if p, ok := matchPhrase(fields); ok {
		cmd := Command{Name: p.name, Word: strings.Join(fields[:len(p.words)], " "), Lang: p.lang,
			Args: fields[len(p.words):]}
		cmd.Rest = Command{Rest: text}.RestAfter(len(p.words))
		return cmd, nil
	}
	word := fields[0]
	name, langs, ok := lookupWord(stripInvisible(word))
	if !ok {
		return unknownWord(word)
	}
	rest := strings.TrimSpace(text[len(word):])
	return Command{Name: name, Word: stripInvisible(word), Lang: nonEnglish(langs), English: slices.Contains(langs, "en"),
		Args: fields[1:], Rest: rest}, nil
}

// phrase is a subcommand said in several words: Spanish "dejar de seguir"
// (GLOSSARY), "no seguir".
type phrase struct {
	words      []string // folded
	name, lang string
}

var phrases = []phrase{
	{[]string{"dejar", "de", "seguir"}, CmdUnfollow, "es"},
	{[]string{"no", "seguir"}, CmdUnfollow, "es"},
}

// matchPhrase finds the phrase the first fields spell, if any.
func matchPhrase(fields []string) (phrase, bool) {
	for _, p := range phrases {
		if len(fields) < len(p.words) {
			continue
		}
		ok := true
		for i, w := range p.words {
			if locales.Fold(stripInvisible(fields[i])) != w {
				ok = false
				break
			}
		}
		if ok {
			return p, true
		}
	}
	return phrase{}, false
}

// invisible are characters that show as nothing but come along when text
// is pasted or typed on some keyboards: zero-width space, word joiner,
// byte order mark, soft hyphen, left-to-right and right-to-left marks.
// A command word must match though one of them sticks to it. Zero-width
// (non-)joiners stay: emoji and some scripts need them.
var invisible = strings.NewReplacer("\u200b", "", "\u2060", "", "\ufeff", "", "\u00ad", "", "\u200e", "", "\u200f", "", "\u180e", "")

func stripInvisible(s string) string {
	if !strings.ContainsAny(s, "\u200b\u2060\ufeff\u00ad\u200e\u200f\u180e") {
		return s
	}
	return invisible.Replace(s)
}

// isBlank is white space or an invisible format character.
func isBlank(r rune) bool { return unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) }

// nonEnglish returns the one language of langs when it is not English.
func nonEnglish(langs []string) string {
	if l := single(langs); l != "en" {
		return l
	}
	return ""
}

// WordLanguage is what the typed word of cmd tells of the language wanted,
// as Service.Language takes it: a language other than English when only it
// uses the word, "en" for an English word (a weak sign), else "".
func (c Command) WordLanguage() string {
	switch {
	case c.Lang != "":
		return c.Lang
	case c.English:
		return "en"
	}
	return ""
}

// CleanText makes text safe to store and print: invalid UTF-8 becomes
// U+FFFD, and control characters other than newline and tab are dropped
// (an escape sequence in a progress entry must not reach an admin's
// terminal through the console).
func CleanText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if strings.IndexFunc(s, isControl) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isControl(r) {
			return -1
		}
		return r
	}, s)
}

func isControl(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }
