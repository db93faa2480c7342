// Package httpx holds what the provider adapters share: posting JSON and
// turning an HTTP answer into a translate.Error.
package httpx

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/klimabot/klimabot/commands/translate"
)

// maxBody caps what is read of an answer.
const maxBody = 4 << 20

// PostJSON posts body as JSON to url with the extra headers and decodes a
// 200 answer into out. Any other answer is a *translate.Error: 429 RateLimit
// (with Retry-After), quotaStatus Quota, 5xx and network failures
// Unavailable, other 4xx Rejected.
func PostJSON(ctx context.Context, c *http.Client, url string, header http.Header, body, out any, quotaStatus int) error {
	b, err := json.Marshal(body)
	if err != nil {
		return &translate.Error{Kind: translate.Rejected, Err: err}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(b))
	if err != nil {
		return &translate.Error{Kind: translate.Rejected, Err: err}
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if c == nil {
		c = http.DefaultClient
	}
	resp, err := c.Do(req)
	if err != nil {
		return &translate.Error{Kind: translate.Unavailable, Err: err}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return &translate.Error{Kind: translate.Unavailable, Status: resp.StatusCode, Err: err}
	}
	if resp.StatusCode != http.StatusOK {
		e := &translate.Error{Status: resp.StatusCode, Err: fmt.Errorf("%s: %s", resp.Status, snippet(data))}
		switch {
		case resp.StatusCode == http.StatusTooManyRequests:
			e.Kind = translate.RateLimit
			e.RetryAfter = RetryAfter(resp.Header.Get("Retry-After"), time.Now())
		case resp.StatusCode == quotaStatus:
			e.Kind = translate.Quota
		case resp.StatusCode >= 500:
			e.Kind = translate.Unavailable
			e.RetryAfter = RetryAfter(resp.Header.Get("Retry-After"), time.Now())
		default:
			e.Kind = translate.Rejected
		}
		return e
	}
	if err := json.Unmarshal(data, out); err != nil {
		return &translate.Error{Kind: translate.Unavailable, Status: resp.StatusCode, Err: fmt.Errorf("decode answer: %w", err)}
	}
	return nil
}

// RetryAfter reads a Retry-After header: seconds or an HTTP date; 0 if
// absent or unreadable.
func RetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// snippet is the start of an error answer, for the log.
func snippet(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
