package commands

import (
	"context"
	"slices"
)

// Translations gives stored translations of people's words (progress
// entries, a measure's title, steps and status text). The core only knows
// this interface; commands/translate implements it and cmd/klimabot wires it
// into Service.Translations (without a provider it shows only the
// translations people gave at import). nil: nothing is shown or queued.
type Translations interface {
	// Translated returns the stored translations of texts into target,
	// keyed by text, a human one before a machine one. Texts already in
	// target are left out; texts not translated yet are left out and queued
	// (sourceHint is the language they are probably in, "" if unknown;
	// notify names what to update once the translation is there). It never
	// waits for a provider. queued lists the texts it queued.
	Translated(ctx context.Context, texts []string, sourceHint, target, notify string) (found map[string]Translation, queued []string)
	// TranslatesEntries reports whether progress entries can have
	// translations (a provider, or the demo's samples). Without a provider
	// only the translations people gave at import are shown, and those
	// cover a measure's texts alone: entries are then not looked up.
	TranslatesEntries() bool
}

// Translation is a text in another language than it was written in.
type Translation struct {
	Text string
	// Source is the language of the original ("auto" if the provider could
	// not tell).
	Source string
	// Machine marks a provider's translation; false: given by people at
	// import.
	Machine bool
}

// Words are people's words in a message: the original, and beneath it its
// translation into the language the message is shown in, when one is
// stored (Translations, keyed by language). Pending names languages whose
// translation is queued: a renderer marks the place where it goes, so that
// the message can be updated when it arrives.
type Words struct {
	Text         string
	Translations map[string]Translation
	Pending      []string
}

func (Words) part() {}

// words returns people's words for an announcement in langs: Words with
// the stored translations and the languages still pending, or, when there
// is nothing to translate (no provider, text in the only language), the
// Paragraph it always was.
func (c *call) words(text string, langs []string) Part {
	plain := Paragraph{Text: Raw(text)}
	if c.s.Translations == nil || !c.s.Translations.TranslatesEntries() {
		return plain
	}
	w := Words{Text: text, Translations: map[string]Translation{}}
	for _, l := range langs {
		found, queued := c.s.Translations.Translated(c.ctx, []string{text}, "", l, "")
		if t, ok := found[text]; ok {
			w.Translations[l] = t
		} else if len(queued) > 0 {
			w.Pending = append(w.Pending, l)
		}
	}
	if len(w.Translations) == 0 && len(w.Pending) == 0 {
		return plain
	}
	return w
}

// reading holds the translations of texts into the reader's language.
type reading map[string]Translation

// readerTranslations looks up texts in the caller's language; sourceHint
// is the language they are probably in ("" unknown). Without a provider
// it is empty and every method shows the original.
func (c *call) readerTranslations(texts []string, sourceHint string) reading {
	if c.s.Translations == nil {
		return nil
	}
	found, _ := c.s.Translations.Translated(c.ctx, texts, sourceHint, c.lang, "")
	return found
}

// text is orig in the reader's language when a translation is stored.
func (r reading) text(orig string) string {
	if t, ok := r[orig]; ok {
		return t.Text
	}
	return orig
}

// original is the line that names orig beneath its translation, labelled
// as machine translation when it is one; ok false when orig is shown as it
// is.
func (r reading) original(orig string) (Text, bool) {
	t, ok := r[orig]
	if !ok {
		return Text{}, false
	}
	return originalLine(t, orig), true
}

// originalLine names the original shown beneath t, labelled as machine
// translation when t is one.
func originalLine(t Translation, shown string) Text {
	if t.Machine {
		return Msg("translate.original_machine", Data{"Text": Raw(shown)})
	}
	return Msg("translate.original", Data{"Text": Raw(shown)})
}

// sub adds the original of a translated item text (shown as prefix+orig)
// to the item's small line.
func (r reading) sub(sub Text, prefix, orig string) Text {
	t, ok := r[orig]
	if !ok {
		return sub
	}
	o := originalLine(t, prefix+orig)
	if sub.IsZero() {
		return o
	}
	return Msg("translate.sub", Data{"Sub": sub, "Original": o})
}

// measureTranslations looks up a measure's title, step texts and status
// text in the reader's language; they are probably in the default
// language (the sheet's).
func (c *call) measureTranslations(m *Measure) reading {
	if c.s.Translations == nil {
		return nil
	}
	texts := make([]string, 0, len(m.Steps)+2)
	texts = append(texts, m.Title)
	for _, st := range m.Steps {
		texts = append(texts, st.Text)
	}
	if m.Status != "" {
		texts = append(texts, m.Status)
	}
	return c.readerTranslations(texts, c.s.Language(User{}, "", Request{}, Channel{}))
}

// entryTranslations looks up progress entries in the reader's language.
func (c *call) entryTranslations(entries []Entry) reading {
	if c.s.Translations == nil || !c.s.Translations.TranslatesEntries() || len(entries) == 0 {
		return nil
	}
	texts := make([]string, 0, len(entries))
	for _, e := range entries {
		texts = append(texts, e.Text)
	}
	return c.readerTranslations(texts, "")
}

// entryItem shows an entry's words in the reader's language, the original
// beneath.
func (r reading) entryItem(e Entry, it Item) Item {
	if _, ok := r[e.Text]; !ok {
		return it
	}
	shown := e
	shown.Text = r.text(e.Text)
	it.Text = EntryWords(shown)
	it.Sub = r.sub(it.Sub, "", e.Text)
	return it
}

// Translation returns the stored translation into lang.
func (w Words) Translation(lang string) (Translation, bool) {
	t, ok := w.Translations[lang]
	return t, ok
}

// IsPending reports whether the translation into lang is queued.
func (w Words) IsPending(lang string) bool { return slices.Contains(w.Pending, lang) }
