// Package translate translates people's words between the languages of the
// two towns: progress entries into the other languages of the channel they
// were written in, and a measure's title, steps and status text into the
// language of a reader who reads another one (SPEC "Translation between the
// two towns").
//
// The core knows a provider only as a Translator; the adapters for
// LibreTranslate and DeepL live in the subpackages libretranslate and deepl
// and speak plain HTTP. Every translation is stored under the fingerprint of
// its text (Fingerprint), its source and target language and the provider,
// so the same text is never sent twice; the original stays the record and is
// never replaced. A human translation given at import (provider Human)
// wins over a machine one.
//
// Nothing waits for a provider: a missing translation is queued in the store
// (so a restart loses nothing) and a background worker (Run) fills it in,
// retrying with backoff while the provider is down, limiting or out of
// quota, within a daily character budget.
package translate

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Human is the provider name of translations given by people at import.
const Human = "human"

// Auto is the source language that lets the provider detect it.
const Auto = "auto"

// Request is one batch of texts to translate from one language into another.
type Request struct {
	Texts []string
	// Source is the texts' language ("cs"), or Auto.
	Source string
	// Target is the language to translate into ("de").
	Target string
}

// Result is a provider's answer: one translation per text, in order, and
// the language it detected (or was told).
type Result struct {
	Texts    []string
	Detected string
}

// Translator is a translation provider.
type Translator interface {
	// Name identifies the provider in the store ("libretranslate", "deepl").
	Name() string
	// Translate translates a batch. Errors that say when to come back are
	// *Error.
	Translate(ctx context.Context, r Request) (Result, error)
}

// Kind is what went wrong with a provider.
type Kind string

// Kinds of provider errors.
const (
	// Quota: the provider's character quota is used up (DeepL's 456).
	Quota Kind = "quota"
	// RateLimit: too many requests (429); RetryAfter says when to return.
	RateLimit Kind = "rate_limit"
	// Unavailable: the provider is down, slow or unreachable (5xx, timeout).
	Unavailable Kind = "unavailable"
	// Rejected: the provider refused the request (bad key, unsupported
	// language, 4xx); trying again later is all one can do.
	Rejected Kind = "rejected"
)

// Error is a provider failure.
type Error struct {
	Kind Kind
	// Status is the HTTP status, 0 if none came.
	Status int
	// RetryAfter is the provider's Retry-After, 0 if it gave none.
	RetryAfter time.Duration
	Err        error
}

func (e *Error) Error() string {
	s := "translation provider: " + string(e.Kind)
	if e.Status != 0 {
		s += fmt.Sprintf(" (HTTP %d)", e.Status)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// KindOf returns the kind of a provider error; Unavailable for anything
// that is not an *Error (a network failure).
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Unavailable
}

// Normalize is the form of a text that is fingerprinted: Unicode NFC,
// whitespace runs collapsed to one space, trimmed. Two texts that differ
// only there are translated once.
func Normalize(text string) string {
	text = norm.NFC.String(text)
	if normalSpacing(text) {
		return text // most texts: no copy (every status normalizes a dozen)
	}
	return collapseSpaces(text)
}

// collapseSpaces trims text and collapses its white-space runs to one
// space: Normalize's slow path.
func collapseSpaces(text string) string {
	var b strings.Builder
	b.Grow(len(text))
	space := false
	for _, r := range strings.TrimSpace(text) {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// normalSpacing reports whether s has no leading or trailing white space,
// no white space but single ASCII spaces and no invalid UTF-8 (which the
// loop turns into U+FFFD): what Normalize's loop would give back unchanged.
func normalSpacing(s string) bool {
	space := true // a leading space counts as a run
	for _, r := range s {
		if r == utf8.RuneError {
			return false
		}
		if unicode.IsSpace(r) {
			if r != ' ' || space {
				return false
			}
			space = true
			continue
		}
		space = false
	}
	return !space || s == ""
}

// Fingerprint is the hex SHA-256 of the normalized text.
func Fingerprint(text string) string {
	sum := sha256.Sum256([]byte(Normalize(text)))
	return hex.EncodeToString(sum[:])
}

// Stored is a translation kept in the store.
type Stored struct {
	Fingerprint string
	// Source is the original's language as told or detected; a translation
	// whose Source equals Target says the text needed none.
	Source   string
	Target   string
	Provider string
	Text     string
	At       time.Time
}

// Human reports whether people gave the translation.
func (s Stored) Human() bool { return s.Provider == Human }

// Job is a translation waiting to be done.
type Job struct {
	ID          int64
	Fingerprint string
	Text        string
	Source      string // a language, or Auto
	Target      string
	// Notify names what to update once the translation is there (the bot's
	// message: "CHANNEL TS"); "" for nothing.
	Notify   string
	Attempts int
	NextAt   time.Time
}

// Store keeps translations, the queue of jobs and the daily usage.
// storage.DB implements it over SQLite.
type Store interface {
	// Translations returns the stored translations into target of the
	// given fingerprints by one of providers (Human always counts, and wins
	// over a machine one), keyed by fingerprint.
	Translations(ctx context.Context, fps []string, target string, provider string) (map[string]Stored, error)
	// SaveTranslations stores machine translations (keeping any that
	// exist) and deletes nothing.
	SaveTranslations(ctx context.Context, ts []Stored) error
	// Enqueue adds jobs; a job of the same fingerprint, target and notify
	// already queued is kept as it is.
	Enqueue(ctx context.Context, jobs []Job) error
	// DueJobs returns up to limit jobs whose NextAt is not after now,
	// oldest first.
	DueJobs(ctx context.Context, now time.Time, limit int) ([]Job, error)
	// Reschedule sets the attempts and next time of jobs.
	Reschedule(ctx context.Context, ids []int64, attempts int, next time.Time) error
	// DeleteJobs removes done jobs.
	DeleteJobs(ctx context.Context, ids []int64) error
	// AddUsage adds characters sent to provider on day ("2006-01-02") and
	// returns the day's total.
	AddUsage(ctx context.Context, day, provider string, chars int) (int, error)
	// Usage returns the characters sent to provider on day.
	Usage(ctx context.Context, day, provider string) (int, error)
}

// Lister is a Store that can tell cheaply whether it holds any
// translation into a language by a provider or by people; without a
// provider, Translated asks it first and skips looking at the texts (their
// language, their fingerprints) when there is none — the usual case of a
// bot without a translation service whose plan came without translations.
type Lister interface {
	HasTranslations(ctx context.Context, target, provider string) (bool, error)
}

func errorf(format string, a ...any) error { return fmt.Errorf(format, a...) }

func asError(err error, target **Error) bool { return errors.As(err, target) }

// key identifies a job as the store does: fingerprint, target, notify.
func (j Job) key() string { return j.Fingerprint + "|" + j.Target + "|" + j.Notify }
