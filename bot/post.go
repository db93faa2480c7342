package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"time"

	"github.com/slack-go/slack"

	"github.com/klimabot/klimabot/commands"
)

// maxBackoff caps the wait between two attempts of a Slack call; a longer
// Retry-After is honoured only if the context allows it.
const maxBackoff = 10 * time.Second

// retryable reports whether err is worth another attempt and how long Slack
// asked to wait (0: use the backoff). Slack sends Retry-After with its 429s
// (*slack.RateLimitedError); a 429 without it and 5xx answers come as
// slack.StatusCodeError.
func retryable(err error) (bool, time.Duration) {
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) {
		return true, rl.RetryAfter
	}
	var sc slack.StatusCodeError
	if errors.As(err, &sc) {
		return sc.Code == http.StatusTooManyRequests || sc.Code >= 500, 0
	}
	return false, 0
}

// withRetry runs call up to Config.Attempts times while it fails with a
// retryable error, waiting Retry-After or a doubling backoff (RetryBase,
// 2×, 4×…, at most maxBackoff) in between, and never past ctx. Every failed
// attempt is counted under method.
//
// Retrying a 5xx may duplicate a post: Slack may have posted the message
// before failing to answer. A rare duplicate is preferred to a lost
// reminder or announcement.
func withRetry[T any](ctx context.Context, b *Bot, method string, call func(ctx context.Context) (T, error)) (T, error) {
	backoff := b.cfg.RetryBase
	for attempt := 1; ; attempt++ {
		v, err := call(ctx)
		if err == nil {
			return v, nil
		}
		b.apiError(method, err)
		again, wait := retryable(err)
		if !again || attempt >= b.cfg.Attempts {
			return v, err
		}
		if wait <= 0 {
			wait = backoff
			backoff = min(2*backoff, maxBackoff)
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			return v, fmt.Errorf("%s: no time left to wait %s for a retry: %w", method, wait, err)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return v, errors.Join(err, ctx.Err())
		case <-t.C:
		}
	}
}

// PostMessage posts a message to a channel (chat.postMessage) and returns
// its ts. It retries Slack's 429 (honouring Retry-After) and 5xx answers
// with capped exponential backoff, a few times and never past ctx; see
// withRetry for why a retried 5xx may post twice. The scheduler posts its
// reminders with it.
func (b *Bot) PostMessage(ctx context.Context, channelID string, opts ...slack.MsgOption) (ts string, err error) {
	return withRetry(ctx, b, "chat.postMessage", func(ctx context.Context) (string, error) {
		_, ts, err := b.api.PostMessageContext(ctx, channelID, opts...)
		return ts, err
	})
}

// postEphemeral shows a message to one user in a channel (or a thread of
// it, with slack.MsgOptionTS), with PostMessage's retries.
func (b *Bot) postEphemeral(ctx context.Context, channelID, userID string, opts ...slack.MsgOption) error {
	_, err := withRetry(ctx, b, "chat.postEphemeral", func(ctx context.Context) (string, error) {
		return b.api.PostEphemeralContext(ctx, channelID, userID, opts...)
	})
	return err
}

// Respond posts msg to an interaction's response_url (slash commands,
// buttons): Slack takes up to 5 posts within 30 minutes. The post is JSON;
// msg.ResponseType "ephemeral" shows it to the caller only,
// msg.ReplaceOriginal replaces the message a button was on. A
// response_url that is not Slack's (Config.ResponseURLHosts) is refused
// with ErrResponseURL and logged: nothing is posted there.
func (b *Bot) Respond(ctx context.Context, responseURL string, msg slack.Msg) error {
	if !b.responseURLAllowed(responseURL) {
		b.log.Warn("response_url is not Slack's: not used", "host", responseHost(responseURL))
		return ErrResponseURL
	}
	body, err := json.Marshal(wire(msg))
	if err != nil {
		return fmt.Errorf("encode response: %w", err)
	}
	_, err = withRetry(ctx, b, "response_url", func(ctx context.Context) (struct{}, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, responseURL, bytes.NewReader(body))
		if err != nil {
			return struct{}{}, err
		}
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
		resp, err := b.http.Do(req)
		if err != nil {
			return struct{}{}, err
		}
		defer resp.Body.Close()
		io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
		if resp.StatusCode != http.StatusOK {
			return struct{}{}, slack.StatusCodeError{Code: resp.StatusCode, Status: resp.Status}
		}
		return struct{}{}, nil
	})
	return err
}

// ErrResponseURL is Respond's answer to a response_url that does not point
// to Slack.
var ErrResponseURL = errors.New("response_url does not point to Slack")

// privateNote adds to a reply whose documents go to the asker alone
// (File.PrivateTo) a line saying where they will find them.
func privateNote(r commands.Reply) commands.Reply {
	for _, p := range r.Parts {
		if f, ok := p.(commands.File); ok && f.PrivateTo != "" {
			r.Parts = append(slices.Clip(r.Parts), commands.Context{commands.Msg("trust.document_private", nil)})
			return r
		}
	}
	return r
}

// ephemeral renders a reply as the caller's private answer.
func (b *Bot) ephemeral(r commands.Reply) *slack.Msg {
	r = privateNote(r)
	return &slack.Msg{
		ResponseType: slack.ResponseTypeEphemeral,
		Text:         MessageText(r, b.bundle),
		Blocks:       slack.Blocks{BlockSet: MessageBlocks(r, b.bundle)},
	}
}

// replyOptions are the message options of a reply in its language.
func (b *Bot) replyOptions(r commands.Reply) []slack.MsgOption {
	r = privateNote(r)
	return []slack.MsgOption{
		slack.MsgOptionText(MessageText(r, b.bundle), false),
		slack.MsgOptionBlocks(MessageBlocks(r, b.bundle)...),
	}
}

// hasFiles reports whether a reply carries documents to upload.
func hasFiles(r commands.Reply) bool {
	for _, p := range r.Parts {
		if f, ok := p.(commands.File); ok && len(f.Content) > 0 {
			return true
		}
	}
	return false
}

// uploadFiles uploads the documents of a reply (a report, a timeline
// picture) to the channel, into a thread when threadTS is set. Slack has
// no ephemeral files: the channel sees them. A file meant for one person
// (File.PrivateTo) is shared with them alone instead, in their direct
// messages with the bot (files v2: completeUploadExternal's channels takes
// a user id). It needs the files:write scope. A failed upload is answered
// with an ephemeral note through notify, in the reply's language.
func (b *Bot) uploadFiles(ctx context.Context, channelID, threadTS string, r commands.Reply, notify func(commands.Reply)) {
	l := b.bundle.For(r.Lang)
	for _, p := range r.Parts {
		f, ok := p.(commands.File)
		if !ok || len(f.Content) == 0 {
			continue
		}
		params := slack.UploadFileParameters{
			Filename: f.Name, Title: f.Title.Render(l), Reader: bytes.NewReader(f.Content), FileSize: len(f.Content),
			Channel: channelID, ThreadTimestamp: threadTS,
		}
		if f.PrivateTo != "" {
			params.Channel, params.ThreadTimestamp, params.Channels = "", "", []string{f.PrivateTo}
		}
		_, err := b.api.UploadFileContext(ctx, params)
		if err == nil {
			continue
		}
		b.apiError("files.upload", err)
		if notify != nil {
			failed := commands.Msg("bot.upload_failed", commands.Data{"Name": f.Name})
			if f.PrivateTo != "" {
				failed = commands.Msg("trust.upload_private_failed", commands.Data{"Name": f.Name})
			}
			notify(commands.Reply{Lang: r.Lang, Parts: []commands.Part{commands.Paragraph{Text: failed}}})
		}
	}
}
