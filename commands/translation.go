package commands

import "context"

// Translations gives stored translations of people's words (progress
// entries, a measure's title, steps and status text). The core only knows
// this interface; commands/translate implements it and cmd/klimabot wires it
// into Service.Translations when a provider is configured. nil: translation
// is off and nothing is shown or queued.
type Translations interface {
	// Translated returns the stored translations of texts into target,
	// keyed by text, a human one before a machine one. Texts already in
	// target are left out; texts not translated yet are left out and queued
	// (sourceHint is the language they are probably in, "" if unknown;
	// notify names what to update once the translation is there). It never
	// waits for a provider.
	Translated(ctx context.Context, texts []string, sourceHint, target, notify string) map[string]Translation
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
// stored (Translations, keyed by language). Into, when set, names the
// languages to show a translation into regardless of the message's
// language (a thread acknowledgement shows the others' language); Hide
// leaves the original out where it stands right above (a thread reply).
// Pending names languages whose translation is queued: a renderer marks the
// place where it goes, so the message can be updated when it arrives.
type Words struct {
	Text         string
	Hide         bool
	Into         []string
	Translations map[string]Translation
	Pending      []string
}

func (Words) part() {}
