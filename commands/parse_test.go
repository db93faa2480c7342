package commands

import (
	"slices"
	"strings"
	"testing"

	"github.com/klimabot/klimabot/locales"
)

// TestLookupWordEveryAlias checks every subcommand word of GLOSSARY in every
// language, as written and folded, upper-cased, and its language signal.
func TestLookupWordEveryAlias(t *testing.T) {
	for name, byLang := range words {
		for lang, ws := range byLang {
			for _, w := range ws {
				gotName, gotLang, ok := LookupWord(w)
				if !ok || gotName != name {
					t.Errorf("LookupWord(%q) = %q, %v; want %q", w, gotName, ok, name)
				}
				// the language is signalled only when no other language uses
				// the word: as written if it has diacritics, else folded
				others := 0
				for l2, ws2 := range byLang {
					for _, w2 := range ws2 {
						same := w2 == w
						if w == locales.Fold(w) {
							same = locales.Fold(w2) == w
						}
						if l2 != lang && same {
							others++
						}
					}
				}
				if others == 0 && gotLang != lang {
					t.Errorf("LookupWord(%q) language = %q, want %q", w, gotLang, lang)
				}
				if others > 0 && gotLang != "" {
					t.Errorf("LookupWord(%q) language = %q, want none (shared word)", w, gotLang)
				}
			}
		}
	}
}

func TestLookupWordForms(t *testing.T) {
	tests := []struct {
		word, name, lang string
	}{
		{"napoveda", CmdHelp, "cs"},
		{"NÁPOVĚDA", CmdHelp, "cs"},
		{"terminy", CmdDeadlines, ""}, // folded "termíny" is German "termine"? no: terminy is Czech only
		{"Termíny", CmdDeadlines, "cs"},
		{"termine", CmdDeadlines, "de"},
		{"entfolgen", CmdUnfollow, "de"},
		{"zaznam", CmdLog, "cs"},
		{"lhuty", CmdDeadlines, "cs"},
		{"splneno", CmdDone, "cs"},
		{"kanál", CmdChannel, "cs"}, // the accent says Czech
		{"kanal", CmdChannel, ""},   // German "kanal" and folded Czech "kanál"
		{"status", CmdStatus, ""},   // German and English
		{"stav", CmdStatus, "cs"},
		{"estado", CmdStatus, "es"},
		{"listo", CmdDone, "es"},
		{"due", CmdDeadlines, "en"},
		{"Hilfe", CmdHelp, "de"},
		{"Kalender", CmdCalendar, "de"},
		{"kalendář", CmdCalendar, "cs"},
		{"kalendar", CmdCalendar, "cs"}, // folded Czech, not German "kalender"
		{"calendario", CmdCalendar, "es"},
		{"calendar", CmdCalendar, "en"},
	}
	for _, tt := range tests {
		name, lang, ok := LookupWord(tt.word)
		if !ok || name != tt.name {
			t.Errorf("LookupWord(%q) = %q, %v; want %q", tt.word, name, ok, tt.name)
			continue
		}
		if tt.word == "terminy" {
			tt.lang = "cs"
		}
		if lang != tt.lang {
			t.Errorf("LookupWord(%q) language = %q, want %q", tt.word, lang, tt.lang)
		}
	}
}

// TestLookupWordRefuses pins the traps: no prefixes, and Spanish "terminé"
// (I finished) folds to German "termine" (deadlines), never to done.
func TestLookupWordRefuses(t *testing.T) {
	for _, w := range []string{"stat", "he", "lis", "hel", "statusx", "", "finish", "fr"} {
		if name, _, ok := LookupWord(w); ok {
			t.Errorf("LookupWord(%q) = %q; want no match", w, name)
		}
	}
	if name, _, _ := LookupWord("terminé"); name == CmdDone {
		t.Errorf(`LookupWord("terminé") = done; GLOSSARY forbids it`)
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		name string
		args []string
		rest string
	}{
		{"", CmdHelp, nil, ""},
		{"   ", CmdHelp, nil, ""},
		{"/klima", CmdHelp, nil, ""},
		{"/klima status F.019", CmdStatus, []string{"F.019"}, "F.019"},
		{"/KLIMA stav f019", CmdStatus, []string{"f019"}, "f019"},
		{"status   F.019  ", CmdStatus, []string{"F.019"}, "F.019"},
		{"log F.019 Treffen am 12.03.2025 &amp; Protokoll &lt;verschickt&gt;", CmdLog,
			[]string{"F.019", "Treffen", "am", "12.03.2025", "&", "Protokoll", "<verschickt>"},
			"F.019 Treffen am 12.03.2025 & Protokoll <verschickt>"},
		{"liste Nové Město", CmdList, []string{"Nové", "Město"}, "Nové Město"},
		{"erledigt F.019 3,4 Skizze ist raus", CmdDone, []string{"F.019", "3,4", "Skizze", "ist", "raus"}, "F.019 3,4 Skizze ist raus"},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if got.Name != tt.name || !slices.Equal(got.Args, tt.args) || got.Rest != tt.rest {
			t.Errorf("Parse(%q) = %+v; want name %q args %q rest %q", tt.in, got, tt.name, tt.args, tt.rest)
		}
	}
}

func TestParseUnknownWord(t *testing.T) {
	_, err := Parse("stauts F.019")
	if ErrorCode(err) != EINVALID {
		t.Fatalf("Parse(stauts) error = %v; want EINVALID", err)
	}
	e := err.(*Error)
	if e.Msg.ID != "error.unknown_command" || e.Msg.Data["Word"] != "stauts" {
		t.Errorf("message = %+v", e.Msg)
	}
}

func TestRestAfter(t *testing.T) {
	c, err := Parse("done F.019   3,4   Skizze  versendet ")
	if err != nil {
		t.Fatal(err)
	}
	if got := c.RestAfter(2); got != "Skizze  versendet" {
		t.Errorf("RestAfter(2) = %q", got)
	}
	if got := c.RestAfter(5); got != "" {
		t.Errorf("RestAfter(5) = %q", got)
	}
}

// FuzzParse: any line parses to a known subcommand or an EINVALID error;
// never a panic, and Rest is what followed the word in the line as Parse
// reads it: entities decoded and cleaned (CleanText turns invalid UTF-8
// into U+FFFD and drops control characters, so Rest is never byte-equal
// to the raw end of "erledigt \x80"; that is intended: what is stored and
// printed must be valid text). Rest itself is always clean.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"", "/klima status F.019", "stav f19", "Termíny 14", "log F.019 &amp; &lt;b&gt;",
		"erledigt F.019 1-4 fertig", "frist F.019 31. März 2027 Text", "\x00", "/klima", "kanál languages de,cs"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		c, err := Parse(line)
		if err != nil {
			if ErrorCode(err) != EINVALID {
				t.Fatalf("Parse(%q) error %v", line, err)
			}
			return
		}
		known := false
		for _, n := range Subcommands {
			known = known || n == c.Name
		}
		if !known {
			t.Fatalf("Parse(%q) = unknown name %q", line, c.Name)
		}
		if len(c.Args) > 0 && !strings.HasSuffix(strings.TrimSpace(CleanText(slackEntities.Replace(line))), c.Rest) {
			t.Fatalf("Parse(%q): Rest %q is not the end of the line", line, c.Rest)
		}
		if c.Rest != CleanText(c.Rest) {
			t.Fatalf("Parse(%q): Rest %q is not clean text", line, c.Rest)
		}
	})
}

func TestCleanText(t *testing.T) {
	for in, want := range map[string]string{
		"plain":                     "plain",
		"a\x1b[31mred\x1b[0m":       "a[31mred[0m",
		"zwei\nZeilen\tTab":         "zwei\nZeilen\tTab",
		"bad \xff byte":             "bad \uFFFD byte",
		"nul\x00 and \u0085 and \r": "nul and  and ",
		"Nové Město ✅":              "Nové Město ✅",
	} {
		if got := CleanText(in); got != want {
			t.Errorf("CleanText(%q) = %q, want %q", in, got, want)
		}
	}
}
