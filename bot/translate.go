package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/slack-go/slack"

	"github.com/klimabot/klimabot/commands"
	"github.com/klimabot/klimabot/commands/translate"
	"github.com/klimabot/klimabot/locales"
)

// Translations in messages (SPEC "Translation between the two towns").
//
// A partner's words go out at once in the original. When the translation
// into a channel language is stored already, it stands beneath the
// original, labelled with the GLOSSARY's "maschinell übersetzt". When it is
// not, the message is posted without it and kept (translation_posts); once
// the background worker has the translation, the bot updates that message
// with chat.update and puts the translation in its place: beneath the
// original in the announcement's section of that language, or at the end of
// a thread acknowledgement. Nobody waits, nobody has to do anything, and
// the channel gets no extra message.

// translationPosts keeps messages that wait for a translation; storage.DB
// implements it.
type translationPosts interface {
	SaveTranslationPost(ctx context.Context, channelID, ts, text, blocks string) error
	TranslationPost(ctx context.Context, channelID, ts string) (text, blocks string, ok bool, err error)
}

// translationMarker is the block_id of the block a pending translation of
// text into lang goes beneath.
func translationMarker(fingerprint, lang string) string {
	return "tr:" + fingerprint[:16] + ":" + lang
}

// words renders people's words: the original, and its translation into
// l's language beneath when stored, or a marker where it will go.
func (r *renderer) words(w commands.Words, l *locales.Localizer) {
	n := len(r.blocks)
	r.section(mrkdwn(commands.Raw(w.Text), l), l)
	lang := l.Lang()
	if w.IsPending(lang) && len(r.blocks) > n {
		if s, ok := r.blocks[len(r.blocks)-1].(*slack.SectionBlock); ok {
			s.BlockID = translationMarker(translate.Fingerprint(w.Text), lang)
		}
	}
	if t, ok := w.Translation(lang); ok {
		r.add(translationBlocks(t, l)...)
	}
}

// translationBlocks are a translation as shown beneath its original: the
// label (for a machine translation) and the text.
func translationBlocks(t commands.Translation, l *locales.Localizer) []slack.Block {
	var out []slack.Block
	if t.Machine {
		out = append(out, slack.NewContextBlock("", mrkdwnObject("_"+commands.Msg("translate.machine", nil).Render(l)+"_")))
	}
	out = append(out, slack.NewSectionBlock(mrkdwnObject(cutHinted(escape(t.Text), MaxSectionText, l)), nil, nil))
	return out
}

// wordsOf returns the people's words of an announcement that wait for a
// translation.
func wordsOf(a *commands.Announcement) []commands.Words {
	if a == nil {
		return nil
	}
	var out []commands.Words
	for _, p := range a.Parts {
		if w, ok := p.(commands.Words); ok {
			out = append(out, w)
		}
	}
	return out
}

// awaitTranslations keeps a posted message whose words wait for
// translations and queues them with the message as what to update; a
// translation that arrived in the meantime is put in at once.
func (b *Bot) awaitTranslations(ctx context.Context, channelID, ts, text string, blocks []slack.Block, words []commands.Words) {
	tr := b.svc.Translations
	posts, ok := b.store.(translationPosts)
	if tr == nil || !ok {
		return
	}
	pending := false
	for _, w := range words {
		pending = pending || len(w.Pending) > 0
	}
	if !pending {
		return
	}
	js, err := json.Marshal(blocks)
	if err == nil {
		err = posts.SaveTranslationPost(ctx, channelID, ts, text, string(js))
	}
	if err != nil {
		b.log.Error("keep message for its translation", "channel", channelID, "ts", ts, "err", err)
		return
	}
	notify := channelID + " " + ts
	for _, w := range words {
		for _, lang := range w.Pending {
			found, _ := tr.Translated(ctx, []string{w.Text}, "", lang, notify)
			if t, ok := found[w.Text]; ok {
				st := translate.Stored{Fingerprint: translate.Fingerprint(w.Text), Source: t.Source, Target: lang, Text: t.Text, Provider: "machine"}
				if !t.Machine {
					st.Provider = translate.Human
				}
				if err := b.TranslationArrived(ctx, notify, st); err != nil {
					b.log.Warn("translation not shown", "channel", channelID, "ts", ts, "err", err)
				}
			}
		}
	}
}

// TranslationArrived puts a translation into the bot message notify names
// ("CHANNEL TS") with chat.update: beneath its marker, else at the end. The
// translation worker calls it (translate.Service.Notify).
func (b *Bot) TranslationArrived(ctx context.Context, notify string, st translate.Stored) error {
	channelID, ts, ok := strings.Cut(notify, " ")
	posts, pok := b.store.(translationPosts)
	if !ok || !pok {
		return nil
	}
	text, js, ok, err := posts.TranslationPost(ctx, channelID, ts)
	if err != nil || !ok {
		return err
	}
	var blocks slack.Blocks
	if err := json.Unmarshal([]byte(js), &blocks); err != nil {
		return fmt.Errorf("read kept message: %w", err)
	}
	add := translationBlocks(commands.Translation{Text: st.Text, Source: st.Source, Machine: !st.Human()}, b.bundle.For(st.Target))
	bs := blocks.BlockSet
	if len(bs)+len(add) > MaxBlocks {
		return nil // the original stays; status shows the translation
	}
	marker := translationMarker(st.Fingerprint, st.Target)
	done := "trd" + strings.TrimPrefix(marker, "tr")
	at := len(bs)
	for i, bl := range bs {
		switch bl.ID() {
		case done:
			return nil // put in before
		case marker:
			at = i + 1
			if s, ok := bl.(*slack.SectionBlock); ok {
				s.BlockID = ""
			}
		}
	}
	if s, ok := add[len(add)-1].(*slack.SectionBlock); ok {
		s.BlockID = done
	}
	bs = append(bs[:at:at], append(add, bs[at:]...)...)
	_, err = withRetry(ctx, b, "chat.update", func(ctx context.Context) (string, error) {
		_, ts, _, err := b.api.UpdateMessageContext(ctx, channelID, ts,
			slack.MsgOptionText(text, false), slack.MsgOptionBlocks(bs...))
		return ts, err
	})
	if err != nil {
		return err
	}
	out, err := json.Marshal(bs)
	if err != nil {
		return err
	}
	return posts.SaveTranslationPost(ctx, channelID, ts, text, string(out))
}

// threadTranslations are the stored translations of a thread reply, each
// labelled in its own language, for the acknowledgement beneath it.
func threadTranslations(words []commands.Words, b *locales.Bundle) []slack.Block {
	var out []slack.Block
	for _, w := range words {
		langs := slices.Sorted(maps.Keys(w.Translations))
		for _, lang := range langs {
			t := w.Translations[lang]
			bs := translationBlocks(t, b.For(lang))
			if s, ok := bs[len(bs)-1].(*slack.SectionBlock); ok {
				s.BlockID = "trd:" + translate.Fingerprint(w.Text)[:16] + ":" + lang
			}
			out = append(out, bs...)
		}
	}
	return out
}

// hookTranslations gives the translation service (Config.Translate) the
// bot's metrics and the message updates.
func (b *Bot) hookTranslations() {
	t := b.cfg.Translate
	if t == nil {
		return
	}
	t.Metrics = translate.Metrics{
		Requested:  b.metrics.Translations.WithLabelValues("requested"),
		FromStore:  b.metrics.Translations.WithLabelValues("from_store"),
		Failed:     b.metrics.Translations.WithLabelValues("failed"),
		Characters: b.metrics.TranslatedChars,
	}
	t.Notify = b.TranslationArrived
}

// titlesIn returns the stored translations of measure titles into lang
// (queueing missing ones); nil without translation.
func (b *Bot) titlesIn(ctx context.Context, sums []commands.MeasureSummary, lang string) map[string]commands.Translation {
	tr := b.svc.Translations
	if tr == nil || len(sums) == 0 {
		return nil
	}
	titles := make([]string, len(sums))
	for i, s := range sums {
		titles[i] = s.Title
	}
	found, _ := tr.Translated(ctx, titles, b.svc.Language(commands.User{}, "", commands.Request{}, commands.Channel{}), lang, "")
	return found
}

// originalLine names the original of a translated text, labelled as
// machine translation when it is one.
func originalLine(orig string, t commands.Translation) commands.Text {
	if t.Machine {
		return commands.Msg("translate.original_machine", commands.Data{"Text": commands.Raw(orig)})
	}
	return commands.Msg("translate.original", commands.Data{"Text": commands.Raw(orig)})
}
