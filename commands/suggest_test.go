package commands

import (
	"slices"
	"testing"
)

// TestWordLanguage: the language a typed word signals. English words are
// the canonical spelling and only a weak sign ("en"); a word counts for a
// language other than English when that language alone uses it; a word
// typed with a letter a language does not write never matches it.
func TestWordLanguage(t *testing.T) {
	tests := []struct {
		text, name, want string
	}{
		{"follow F.019", CmdFollow, "en"},
		{"deadlines", CmdDeadlines, "en"},
		{"help", CmdHelp, "en"},
		{"status F.019", CmdStatus, "en"}, // German and English: no language, but an English word
		{"stav F.019", CmdStatus, "cs"},
		{"fristen", CmdDeadlines, "de"},
		{"termine", CmdDeadlines, "de"},
		{"termíny", CmdDeadlines, "cs"},
		{"kanal", CmdChannel, ""}, // German "kanal" and Czech "kanál" typed without accent
		{"kanál", CmdChannel, "cs"},
		{"estado F.019", CmdStatus, "es"},
		{"nápověda", CmdHelp, "cs"},
		{"napoveda", CmdHelp, "cs"},
	}
	for _, tt := range tests {
		c, err := Parse(tt.text)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.text, err)
			continue
		}
		if c.Name != tt.name || c.WordLanguage() != tt.want {
			t.Errorf("Parse(%q) = %s, word language %q; want %s, %q", tt.text, c.Name, c.WordLanguage(), tt.name, tt.want)
		}
	}
}

// TestDiacriticTrap: Spanish "terminé" (I finished) folds to German
// "termine" (deadlines) but is no German word: é is no German letter.
func TestDiacriticTrap(t *testing.T) {
	for _, w := range []string{"terminé", "Terminé", "fristén", "hilfé", "stàv"} {
		if name, lang, ok := LookupWord(w); ok {
			t.Errorf("LookupWord(%q) = %s (%s); want no match", w, name, lang)
		}
	}
	c, err := Parse("terminé F.019 1")
	if ErrorCode(err) != EINVALID || c.Name != "" {
		t.Errorf("Parse(terminé …) = %+v, %v; want an unknown word", c, err)
	}
	// the same word with the letters German writes is German
	if name, lang, ok := LookupWord("TERMINE"); !ok || name != CmdDeadlines || lang != "de" {
		t.Errorf("LookupWord(TERMINE) = %s, %s, %v", name, lang, ok)
	}
}

// TestUnknownWordSuggests: an unknown word gets the closest subcommand
// words, and the answer's language is theirs.
func TestUnknownWordSuggests(t *testing.T) {
	tests := []struct {
		text  string
		words []string
		lang  string // the command's word language
	}{
		{"stv F.019", []string{"stav"}, "cs"},
		{"stnd F.019", []string{"stand"}, "de"},
		{"estda F.019", []string{"estado"}, "es"},
		{"deadlnes", []string{"deadlines"}, "en"},
		{"hlife", []string{"hilfe"}, "de"},
		{"lisa", []string{"lista", "list"}, ""}, // English and Spanish: no language
		{"xyzzy", nil, ""},
		{"kartoffelsalat", nil, ""},
		{"terminé", []string{"termíny", "termín"}, "cs"}, // never German "termine": é is no German letter
	}
	for _, tt := range tests {
		c, err := Parse(tt.text)
		e, ok := err.(*Error)
		if !ok || e.Code != EINVALID || e.Msg.ID != "error.unknown_command" {
			t.Errorf("Parse(%q) error = %v", tt.text, err)
			continue
		}
		var got []string
		if e.Hint != nil {
			if e.Hint.ID != "hint.did_you_mean" || e.Hint.Count == nil || *e.Hint.Count != len(tt.words) {
				t.Errorf("Parse(%q) hint = %+v", tt.text, e.Hint)
			}
			got, _ = closestWords(c.Word)
		}
		if !slices.Equal(got, tt.words) {
			t.Errorf("Parse(%q) suggests %q, want %q", tt.text, got, tt.words)
		}
		if c.WordLanguage() != tt.lang {
			t.Errorf("Parse(%q) word language %q, want %q", tt.text, c.WordLanguage(), tt.lang)
		}
	}
}
