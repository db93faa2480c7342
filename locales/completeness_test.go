package locales

import (
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"text/template"

	"github.com/nicksnyder/go-i18n/v2/i18n"
)

// messageFiles parses every message file at the root of fsys itself, the
// way go-i18n does, and returns the messages of each language by id. Files
// added later (import.*.toml, commands.*.toml) are covered without touching
// the tests.
func messageFiles(fsys fs.FS) (map[string]map[string]*i18n.Message, error) {
	names, err := fs.Glob(fsys, "*.toml")
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("no message files")
	}
	byLang := map[string]map[string]*i18n.Message{}
	for _, name := range names {
		lang, err := fileLanguage(name)
		if err != nil {
			return nil, err
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		mf, err := i18n.ParseMessageFileBytes(data, name, unmarshalers)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", name, err)
		}
		if byLang[lang] == nil {
			byLang[lang] = map[string]*i18n.Message{}
		}
		for _, m := range mf.Messages {
			byLang[lang][m.ID] = m
		}
	}
	return byLang, nil
}

// forms returns the plural forms a message fills, by CLDR name.
func forms(m *i18n.Message) map[string]string {
	f := map[string]string{}
	for name, s := range map[string]string{
		"zero": m.Zero, "one": m.One, "two": m.Two, "few": m.Few, "many": m.Many, "other": m.Other,
	} {
		if s != "" {
			f[name] = s
		}
	}
	return f
}

// isPlural reports whether a message has any form besides other.
func isPlural(m *i18n.Message) bool {
	return m.Zero != "" || m.One != "" || m.Two != "" || m.Few != "" || m.Many != ""
}

// pluralForms are the forms every plural message fills, per language
// (GLOSSARY: Czech fills many too, although only decimals use it).
var pluralForms = map[string][]string{
	"de": {"one", "other"},
	"cs": {"one", "few", "many", "other"},
	"es": {"one", "other"},
	"en": {"one", "other"},
}

var templateField = regexp.MustCompile(`\{\{-?\s*\.(\w+)`)

// checkMessages returns what is wrong with the message files of fsys: an id
// missing in a language, a missing description or other form, a plural
// message lacking a form its language needs, a message plural in one
// language only, a template that does not parse, or template data that
// differs between languages.
func checkMessages(fsys fs.FS) []string {
	byLang, err := messageFiles(fsys)
	if err != nil {
		return []string{err.Error()}
	}
	var problems []string
	report := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	all := map[string]bool{}
	for _, lang := range Languages {
		if len(byLang[lang]) == 0 {
			report("no messages for %s", lang)
		}
		for id := range byLang[lang] {
			all[id] = true
		}
	}
	ids := make([]string, 0, len(all))
	for id := range all {
		ids = append(ids, id)
	}
	slices.Sort(ids)

	for _, id := range ids {
		plural := map[string]bool{}
		fields := map[string]string{}
		var have []string
		for _, lang := range Languages {
			m, ok := byLang[lang][id]
			if !ok {
				report("%s: missing in %s", id, lang)
				continue
			}
			have = append(have, lang)
			if strings.TrimSpace(m.Description) == "" {
				report("%s (%s): no description", id, lang)
			}
			f := forms(m)
			if f["other"] == "" {
				report("%s (%s): no other form", id, lang)
			}
			plural[lang] = isPlural(m)
			if plural[lang] {
				for _, want := range pluralForms[lang] {
					if f[want] == "" {
						report("%s (%s): plural message lacks %q", id, lang, want)
					}
				}
			}
			used := map[string]bool{}
			for form, src := range f {
				if _, err := template.New(id).Parse(src); err != nil {
					report("%s (%s) %s: bad template: %v", id, lang, form, err)
				}
				for _, sm := range templateField.FindAllStringSubmatch(src, -1) {
					used[sm[1]] = true
				}
			}
			names := make([]string, 0, len(used))
			for n := range used {
				names = append(names, n)
			}
			slices.Sort(names)
			fields[lang] = strings.Join(names, ",")
		}
		for _, lang := range have[1:] {
			first := have[0]
			if plural[lang] != plural[first] {
				report("%s: plural in %s is %v, in %s %v", id, first, plural[first], lang, plural[lang])
			}
			if fields[lang] != fields[first] {
				report("%s: template data {%s} in %s, {%s} in %s", id, fields[first], first, fields[lang], lang)
			}
		}
	}
	return problems
}

func TestMessagesComplete(t *testing.T) {
	for _, p := range checkMessages(files) {
		t.Error(p)
	}
}

// TestCheckMessagesFindsGaps proves the completeness check fails where it
// should, on files made broken on purpose.
func TestCheckMessagesFindsGaps(t *testing.T) {
	ok := "[a]\ndescription = \"d\"\nother = \"x\"\n"
	fsys := fstest.MapFS{
		"active.de.toml": {Data: []byte(ok + "[days]\ndescription = \"d\"\none = \"1 Tag\"\nother = \"{{.Count}} Tage\"\n" +
			"[ohne]\nother = \"x\"\n")},
		"active.cs.toml": {Data: []byte(ok + "[days]\ndescription = \"d\"\none = \"1 den\"\nfew = \"{{.Count}} dny\"\nother = \"{{.Count}} dní\"\n")},
		"active.es.toml": {Data: []byte(ok + "[days]\ndescription = \"d\"\nother = \"{{.Count}} días\"\n")},
		"active.en.toml": {Data: []byte(ok + "[days]\ndescription = \"d\"\none = \"1 day\"\nother = \"{{.N}} days\"\n" +
			"[ohne]\ndescription = \"d\"\nother = \"{{.X\"\n")},
		"import.cs.toml": {Data: []byte("[only.cs]\ndescription = \"d\"\nother = \"x\"\n")},
	}
	got := strings.Join(checkMessages(fsys), "\n")
	for _, want := range []string{
		`days (cs): plural message lacks "many"`,
		`days: plural in de is true, in es false`,
		`days: template data {Count} in de, {N} in en`,
		`ohne (de): no description`,
		`ohne: missing in cs`,
		`ohne (en) other: bad template`,
		`only.cs: missing in de`,
		`only.cs: missing in en`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("checkMessages misses %q; got:\n%s", want, got)
		}
	}
}

// TestMessagesRender renders every message in every language through the
// real bundle, so a template that parses but fails to execute shows up too.
func TestMessagesRender(t *testing.T) {
	b := mustBundle(t)
	byLang, err := messageFiles(files)
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range Languages {
		l := b.For(lang)
		for id, m := range byLang[lang] {
			data := map[string]any{}
			for _, src := range forms(m) {
				for _, sm := range templateField.FindAllStringSubmatch(src, -1) {
					data[sm[1]] = 3
				}
			}
			var got string
			if isPlural(m) {
				for _, n := range []int{0, 1, 2, 5, 22} {
					got = l.Plural(id, n, data)
				}
			} else {
				got = l.Msg(id, data)
			}
			if got == id || got == "" || strings.Contains(got, "<no value>") {
				t.Errorf("%s (%s) renders as %q", id, lang, got)
			}
		}
	}
}
