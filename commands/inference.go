package commands

import "time"

// InferSource says what a person's language was inferred from.
type InferSource string

// Sources of an inferred language.
const (
	InferThread   InferSource = "thread"    // a reply in a thread
	InferLog      InferSource = "log"       // a text logged as progress
	InferCommand  InferSource = "command"   // a command's free text (a done note)
	InferWord     InferSource = "word"      // a subcommand word only one language uses
	InferDoneWord InferSource = "done_word" // a done word ("hotovo", "listo")
)

// Inference is a language the bot inferred from what a person wrote
// (SPEC "Partners in Slack Connect").
type Inference struct {
	Lang string // "" when nothing was inferred
	From InferSource
	// Text is an excerpt of what it was inferred from (the word, or the
	// beginning of the text).
	Text string
	At   time.Time
}
