package bot

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/klimabot/klimabot/commands"
)

// CallbackLogAsProgress is the callback id of the message shortcut "log as
// progress" (bot/manifest.*.yaml) and of the modal it opens.
const CallbackLogAsProgress = "log_as_progress"

// Block and action ids of the "log as progress" modal.
const (
	blockMeasure = "measure"
	blockText    = "text"
)

// maxSelectOptions is the most options a static_select takes; with more
// measures the modal asks for the code as text.
const maxSelectOptions = 100

// maxOptionText is the most characters of an option's text.
const maxOptionText = 75

// Action is one button click (a block_actions payload's action), as an
// ActionFunc gets it.
type Action struct {
	// ID is the action id the button was given, without the "#n" that
	// made it unique within its message (BaseActionID).
	ID string
	// ActionID is the action id as clicked.
	ActionID string
	Value    string
	BlockID  string
	// UserID is who clicked; TeamID their home workspace (user.team_id:
	// another than the installing one for a partner in Slack Connect).
	UserID    string
	TeamID    string
	ChannelID string
	// MessageTS and ThreadTS locate the message the button is on.
	MessageTS string
	ThreadTS  string
	// ResponseURL answers the click (Bot.Respond); TriggerID opens a modal.
	ResponseURL string
	TriggerID   string
	// Callback is the whole payload.
	Callback *slack.InteractionCallback
}

// ActionFunc handles a button click. It runs after Slack got its
// acknowledgement, with its own context (Config.WorkTimeout).
type ActionFunc func(ctx context.Context, a Action)

// HandleAction registers fn for the buttons whose action id is actionID
// (the id given to commands.Button, before the renderer made it unique).
// The reminders use it for their done and postpone buttons. A click on a
// button nobody registered is acknowledged and logged.
func (b *Bot) HandleAction(actionID string, fn ActionFunc) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.actions[actionID] = fn
}

func (b *Bot) action(id string) ActionFunc {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.actions[id]
}

// handleInteraction is the one path of interactions, from HTTP or Socket
// Mode. ack is the acknowledgement's payload (nil: empty); then must be
// called after the acknowledgement was sent.
func (b *Bot) handleInteraction(cb *slack.InteractionCallback) (ack any, then func()) {
	noop := func() {}
	switch cb.Type {
	case slack.InteractionTypeBlockActions:
		return nil, func() { b.dispatchActions(cb) }
	case slack.InteractionTypeMessageAction:
		if cb.CallbackID != CallbackLogAsProgress {
			b.log.Warn("unknown message shortcut", "callback_id", cb.CallbackID)
			return nil, noop
		}
		// trigger_id is valid for 3 seconds: views.open goes out right after the ack.
		return nil, func() { b.goWork("open log modal", func(ctx context.Context) { b.openLogModal(ctx, cb) }) }
	case slack.InteractionTypeViewSubmission:
		if cb.View.CallbackID != CallbackLogAsProgress {
			b.log.Warn("unknown view submitted", "callback_id", cb.View.CallbackID)
			return nil, noop
		}
		ctx, cancel := context.WithTimeout(b.bg, b.cfg.Budget)
		defer cancel()
		return b.submitLogModal(ctx, cb)
	}
	b.log.Debug("interaction ignored", "type", cb.Type)
	return nil, noop
}

// dispatchActions hands the clicked action to its registered handler. A
// click is one action: Slack sends a block_actions payload with exactly
// one, so a payload with several is not a click and none of them is
// handled (one payload with 500 actions once wrote 500 entries).
func (b *Bot) dispatchActions(cb *slack.InteractionCallback) {
	if n := len(cb.ActionCallback.BlockActions); n > 1 {
		b.log.Warn("block_actions payload with several actions refused", "actions", n, "user", cb.User.ID, "channel", cb.Channel.ID)
		return
	}
	for _, ba := range cb.ActionCallback.BlockActions {
		if ba == nil {
			continue
		}
		id := BaseActionID(ba.ActionID)
		fn := b.action(id)
		if fn == nil {
			b.log.Warn("click on a button without handler", "action_id", ba.ActionID, "user", cb.User.ID)
			continue
		}
		a := Action{
			ID: id, ActionID: ba.ActionID, Value: ba.Value, BlockID: ba.BlockID,
			UserID: cb.User.ID, TeamID: cb.User.TeamID, ChannelID: cb.Channel.ID,
			MessageTS: cb.Container.MessageTs, ThreadTS: cb.Container.ThreadTs,
			ResponseURL: cb.ResponseURL, TriggerID: cb.TriggerID, Callback: cb,
		}
		if a.ChannelID == "" {
			a.ChannelID = cb.Container.ChannelID
		}
		if a.MessageTS == "" {
			a.MessageTS = cb.Message.Timestamp
		}
		b.goWork("action "+id, func(ctx context.Context) { fn(ctx, a) })
	}
}

// logMeta is what the "log as progress" modal carries in private_metadata
// (at most maxMetadata bytes): where the message is, who wrote it and what
// they wrote — the words are logged as the author wrote them, so they come
// from Slack's record of the message, never from an input the submitter
// can edit.
type logMeta struct {
	Channel string `json:"c"`
	TS      string `json:"ts"`
	Author  string `json:"u"`
	Name    string `json:"n,omitempty"` // a bot's or app's name (Author is its bot id)
	Quote   string `json:"q"`
}

// maxMetadata is the most a view's private_metadata holds (Slack: 3,000
// characters; counted here in bytes, which is never more).
const maxMetadata = 3000

// encode returns m as private_metadata, the quote cut (marked "…") until
// it fits.
func (m logMeta) encode() string {
	enc := func(m logMeta) string {
		var b strings.Builder
		e := json.NewEncoder(&b)
		e.SetEscapeHTML(false) // "<" as one byte, not six
		e.Encode(m)
		return strings.TrimSpace(b.String())
	}
	s := enc(m)
	for len(s) > maxMetadata && m.Quote != "" {
		r := []rune(m.Quote)
		m.Quote = strings.TrimSpace(string(r[:max(0, len(r)-(len(s)-maxMetadata)-2)])) + "…"
		s = enc(m)
	}
	return s
}

// openLogModal opens the "log as progress" modal for a message: a picker
// of the measures (those the channel follows first) or, with more than 100
// measures, a text input for the code; the message as its author wrote it,
// shown read-only; and a field for the submitter's own addition. The entry
// keeps the author's words and the submitter's apart (commands.LogQuote).
func (b *Bot) openLogModal(ctx context.Context, cb *slack.InteractionCallback) {
	submitter := cb.User.ID
	channelID := cb.Channel.ID
	u, _ := b.user(ctx, submitter, true)
	ch, err := b.store.Channel(ctx, channelID)
	if err != nil {
		b.log.Error("load channel", "channel", channelID, "err", err)
		ch = commands.DefaultChannel(channelID, b.svc.DefaultTZ)
	}
	l := b.bundle.For(b.svc.Language(u, "", commands.Request{}, ch))
	msg := func(id string, data commands.Data) *slack.TextBlockObject {
		return slack.NewTextBlockObject(slack.PlainTextType, commands.Msg(id, data).Render(l), false, false)
	}

	meta := logMeta{Channel: channelID, TS: cb.Message.Timestamp, Author: cb.Message.User,
		Quote: cutText(strings.TrimSpace(slackUnescape.Replace(b.resolveMarkup(ctx, cb.Message.Text))), commands.MaxTextLen)}
	if meta.Author == "" { // a bot's or an app's message
		meta.Author, meta.Name = cb.Message.BotID, cb.Message.Username
	}
	authorName := meta.Name
	if authorName == "" {
		authorName = b.UserName(ctx, meta.Author)
	}

	var measure slack.BlockElement
	all, err := b.store.ListMeasures(ctx, "", maxSelectOptions+1)
	if err != nil {
		b.log.Error("list measures for the modal", "err", err)
	}
	if len(all) == 0 || len(all) > maxSelectOptions {
		in := slack.NewPlainTextInputBlockElement(msg("bot.modal_code_placeholder", nil), blockMeasure)
		if len(ch.Follows) == 1 {
			in.InitialValue = ch.Follows[0]
		}
		measure = in
	} else {
		measure = measureSelect(all, ch, msg("bot.modal_measure_placeholder", nil))
	}
	blocks := []slack.Block{slack.NewInputBlock(blockMeasure, msg("bot.modal_measure", nil), nil, measure)}

	textIn := slack.NewPlainTextInputBlockElement(nil, blockText)
	textIn.Multiline = true
	textIn.MaxLength = commands.MaxTextLen
	if meta.Quote != "" {
		quote := mrkdwn(commands.Msg("trust.modal_quote", commands.Data{"Name": authorName}), l) + "\n" + escape(meta.Quote)
		blocks = append(blocks, slack.NewSectionBlock(mrkdwnObject(cut(quote, MaxSectionText, "…")), nil, nil))
		in := slack.NewInputBlock(blockText, msg("trust.modal_addition", nil),
			msg("trust.modal_addition_hint", commands.Data{"Name": authorName}), textIn)
		in.Optional = true
		blocks = append(blocks, in)
	} else {
		blocks = append(blocks, slack.NewInputBlock(blockText, msg("bot.modal_text", nil), msg("trust.modal_own_hint", nil), textIn))
	}

	view := slack.ModalViewRequest{
		Type:            slack.VTModal,
		CallbackID:      CallbackLogAsProgress,
		Title:           msg("bot.modal_title", nil),
		Submit:          msg("bot.modal_submit", nil),
		Close:           msg("bot.modal_cancel", nil),
		PrivateMetadata: meta.encode(),
		Blocks:          slack.Blocks{BlockSet: blocks},
	}
	if _, err := b.api.OpenViewContext(ctx, cb.TriggerID, view); err != nil {
		b.apiError("views.open", err)
	}
}

// measureSelect is a static_select of the measures, those the channel
// follows first; it preselects the one measure a channel follows.
func measureSelect(all []commands.MeasureSummary, ch commands.Channel, placeholder *slack.TextBlockObject) *slack.SelectBlockElement {
	followed := func(code string) bool {
		return ch.FollowAll || slices.ContainsFunc(ch.Follows, func(f string) bool { return commands.CodeKey(f) == commands.CodeKey(code) })
	}
	ordered := make([]commands.MeasureSummary, 0, len(all))
	for _, first := range []bool{true, false} {
		for _, m := range all {
			if followed(m.Code) == first {
				ordered = append(ordered, m)
			}
		}
	}
	opts := make([]*slack.OptionBlockObject, len(ordered))
	for i, m := range ordered {
		label := cutText(strings.Join(strings.Fields(m.Code+" "+m.Title), " "), maxOptionText)
		opts[i] = slack.NewOptionBlockObject(m.Code, slack.NewTextBlockObject(slack.PlainTextType, label, false, false), nil)
	}
	sel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, placeholder, blockMeasure, opts...)
	if !ch.FollowAll && len(ch.Follows) == 1 {
		for _, o := range opts {
			if commands.CodeKey(o.Value) == commands.CodeKey(ch.Follows[0]) {
				sel.InitialOption = o
			}
		}
	}
	return sel
}

// measureErrors are the messages that the measure field, not the text,
// caused.
var measureErrors = map[string]bool{
	"error.unknown_code": true, "error.missing_code": true, "error.forbidden_measure": true,
}

// submitLogModal logs the message as a progress entry of the picked
// measure, on the submitter's rights at the moment they submit (a member of
// a channel that follows the measure, or an admin of the installing
// workspace; someone of another workspace never is one): the author keeps
// their words, the submitter is recorded with their own addition
// (commands.LogQuote). A refusal comes back on the field that caused it,
// in the submitter's language; on success the modal closes and the
// announcement follows in the channel.
func (b *Bot) submitLogModal(ctx context.Context, cb *slack.InteractionCallback) (ack any, then func()) {
	var meta logMeta
	values := map[string]map[string]slack.BlockAction{}
	if cb.View.State != nil {
		values = cb.View.State.Values
	}
	pick := values[blockMeasure][blockMeasure]
	code := strings.TrimSpace(pick.SelectedOption.Value)
	if code == "" {
		code = strings.TrimSpace(pick.Value)
	}
	addition := values[blockText][blockText].Value

	submitter := commands.Person{ID: cb.User.ID, Name: b.UserName(ctx, cb.User.ID)}
	if err := json.Unmarshal([]byte(cb.View.PrivateMetadata), &meta); err != nil || meta.Channel == "" || meta.Author == "" {
		su, _ := b.user(ctx, cb.User.ID, false)
		l := b.bundle.For(b.svc.Language(su, "", commands.Request{}, commands.Channel{}))
		return slack.NewErrorsViewSubmissionResponse(map[string]string{blockText: l.Msg("error.internal", nil)}), func() {}
	}
	author := commands.Person{ID: meta.Author, Name: meta.Name}
	if author.Name == "" {
		author.Name = b.UserName(ctx, meta.Author)
	}
	req := commands.Request{User: submitter, ChannelID: meta.Channel, External: b.IsExternal(ctx, cb.User.ID, cb.User.TeamID)}
	r := b.svc.LogQuote(ctx, req, code, commands.Quote{Author: author, Text: meta.Quote, MessageTS: meta.TS}, addition)
	outcome := "ok"
	if r.Err != nil {
		outcome = r.Err.Code
	}
	b.metrics.Commands.WithLabelValues("shortcut", outcome).Inc()
	if r.Err != nil {
		l := b.bundle.For(r.Lang)
		s := r.Err.Msg.Render(l)
		if r.Err.Hint != nil {
			s += " " + r.Err.Hint.Render(l)
		}
		block := blockText
		if measureErrors[r.Err.Msg.ID] {
			block = blockMeasure
		}
		return slack.NewErrorsViewSubmissionResponse(map[string]string{block: s}), func() {}
	}
	return slack.NewClearViewSubmissionResponse(), func() { b.goAnnounce(r.Announce) }
}

// cutText cuts s to at most n characters, marking a cut with "…".
func cutText(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}
