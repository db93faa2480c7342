// Package libretranslate is the adapter for LibreTranslate
// (https://libretranslate.com, self-hosted, AGPL): POST {base}/translate
// with JSON {"q", "source", "target", "format": "text", "api_key"}.
package libretranslate

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/klimabot/klimabot/commands/translate"
	"github.com/klimabot/klimabot/commands/translate/httpx"
)

// Client talks to one LibreTranslate server.
type Client struct {
	// BaseURL is the server's root, e.g. http://127.0.0.1:5000.
	BaseURL string
	// Key is the api_key; "" for a server that needs none.
	Key  string
	HTTP *http.Client
}

var _ translate.Translator = (*Client)(nil)

// Name implements translate.Translator.
func (*Client) Name() string { return "libretranslate" }

type request struct {
	Q      any    `json:"q"` // one string, or an array for several
	Source string `json:"source"`
	Target string `json:"target"`
	Format string `json:"format"`
	APIKey string `json:"api_key,omitempty"`
}

type detected struct {
	Confidence float64 `json:"confidence"`
	Language   string  `json:"language"`
}

type response struct {
	TranslatedText json.RawMessage `json:"translatedText"`
	// DetectedLanguage is an object, or an array of them for an array q.
	DetectedLanguage json.RawMessage `json:"detectedLanguage"`
}

// Translate implements translate.Translator.
func (c *Client) Translate(ctx context.Context, r translate.Request) (translate.Result, error) {
	if len(r.Texts) == 0 {
		return translate.Result{}, nil
	}
	src := r.Source
	if src == "" {
		src = translate.Auto
	}
	req := request{Source: src, Target: r.Target, Format: "text", APIKey: c.Key}
	if len(r.Texts) == 1 {
		req.Q = r.Texts[0]
	} else {
		req.Q = r.Texts
	}
	var resp response
	if err := httpx.PostJSON(ctx, c.HTTP, strings.TrimRight(c.BaseURL, "/")+"/translate", nil, req, &resp, 0); err != nil {
		return translate.Result{}, err
	}
	var res translate.Result
	if len(r.Texts) == 1 {
		var s string
		if err := json.Unmarshal(resp.TranslatedText, &s); err != nil {
			return res, bad("translatedText is not a string: %v", err)
		}
		res.Texts = []string{s}
	} else if err := json.Unmarshal(resp.TranslatedText, &res.Texts); err != nil {
		return res, bad("translatedText is not an array: %v", err)
	}
	var one detected
	var many []detected
	if json.Unmarshal(resp.DetectedLanguage, &one) == nil && one.Language != "" {
		res.Detected = one.Language
	} else if json.Unmarshal(resp.DetectedLanguage, &many) == nil {
		best := 0.0
		for _, d := range many {
			if d.Language != "" && d.Confidence >= best {
				best, res.Detected = d.Confidence, d.Language
			}
		}
	}
	if src != translate.Auto {
		res.Detected = src
	}
	return res, nil
}

func bad(format string, a ...any) error {
	return &translate.Error{Kind: translate.Unavailable, Err: fmt.Errorf(format, a...)}
}
