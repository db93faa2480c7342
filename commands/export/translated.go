package export

import (
	"context"

	"github.com/klimabot/klimabot/commands"
)

// translate puts the texts people wrote in d — titles, steps, status texts,
// progress entries — into lang where a translation is stored, each followed
// by its original (and the machine-translation label when it is one). The
// missing ones are queued for next time; nothing waits for a provider.
func (mk Maker) translate(ctx context.Context, d *commands.Dump, lang string, o Options) {
	if mk.Translations == nil || lang == "" {
		return
	}
	var sheet, entries []string
	for _, m := range d.Measures {
		sheet = append(sheet, m.Title, m.Status)
		for _, s := range m.Steps {
			sheet = append(sheet, s.Text)
		}
		for _, e := range m.Entries {
			entries = append(entries, e.Text)
		}
	}
	found, _ := mk.Translations.Translated(ctx, sheet, mk.SourceLang, lang, "")
	var fromEntries map[string]commands.Translation
	if mk.Translations.TranslatesEntries() {
		fromEntries, _ = mk.Translations.Translated(ctx, entries, "", lang, "")
	}
	both := func(s string) string {
		t, ok := found[s]
		if !ok {
			if t, ok = fromEntries[s]; !ok {
				return s
			}
		}
		id := "translate.original"
		if t.Machine {
			id = "translate.original_machine"
		}
		return t.Text + " (" + o.msg(id, commands.Data{"Text": s}) + ")"
	}
	for i := range d.Measures {
		m := &d.Measures[i]
		m.Title, m.Status = both(m.Title), both(m.Status)
		for j := range m.Steps {
			m.Steps[j].Text = both(m.Steps[j].Text)
		}
		for j := range m.Entries {
			m.Entries[j].Text = both(m.Entries[j].Text)
		}
	}
}
