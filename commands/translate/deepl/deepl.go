// Package deepl is the adapter for DeepL's API (EU-hosted): POST
// {base}/v2/translate with the header "Authorization: DeepL-Auth-Key KEY"
// and JSON {"text": [...], "target_lang", "source_lang"}. 456 means the
// quota is used up, 429 too many requests.
package deepl

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/klimabot/klimabot/commands/translate"
	"github.com/klimabot/klimabot/commands/translate/httpx"
)

// Base URLs of DeepL's API: Pro keys and Free keys (ending in ":fx").
const (
	ProURL  = "https://api.deepl.com"
	FreeURL = "https://api-free.deepl.com"
)

// StatusQuota is DeepL's "quota exceeded" status.
const StatusQuota = 456

// BaseURL is the API base for key: FreeURL for keys ending in ":fx",
// else ProURL.
func BaseURL(key string) string {
	if strings.HasSuffix(strings.TrimSpace(key), ":fx") {
		return FreeURL
	}
	return ProURL
}

// Client talks to DeepL.
type Client struct {
	// BaseURL is the API base; "" means BaseURL(Key).
	BaseURL string
	Key     string
	HTTP    *http.Client
}

var _ translate.Translator = (*Client)(nil)

// Name implements translate.Translator.
func (*Client) Name() string { return "deepl" }

type request struct {
	Text       []string `json:"text"`
	TargetLang string   `json:"target_lang"`
	SourceLang string   `json:"source_lang,omitempty"`
}

type response struct {
	Translations []struct {
		DetectedSourceLanguage string `json:"detected_source_language"`
		Text                   string `json:"text"`
	} `json:"translations"`
}

// targetCode is DeepL's target_lang for one of klimabot's languages:
// upper case, and English as British English (plain "EN" is deprecated as
// a target).
func targetCode(lang string) string {
	if strings.EqualFold(lang, "en") {
		return "EN-GB"
	}
	return strings.ToUpper(lang)
}

// Translate implements translate.Translator.
func (c *Client) Translate(ctx context.Context, r translate.Request) (translate.Result, error) {
	if len(r.Texts) == 0 {
		return translate.Result{}, nil
	}
	req := request{Text: r.Texts, TargetLang: targetCode(r.Target)}
	if r.Source != "" && r.Source != translate.Auto {
		req.SourceLang = strings.ToUpper(r.Source)
	}
	base := c.BaseURL
	if base == "" {
		base = BaseURL(c.Key)
	}
	h := http.Header{}
	h.Set("Authorization", "DeepL-Auth-Key "+c.Key)
	var resp response
	if err := httpx.PostJSON(ctx, c.HTTP, strings.TrimRight(base, "/")+"/v2/translate", h, req, &resp, StatusQuota); err != nil {
		return translate.Result{}, err
	}
	if len(resp.Translations) != len(r.Texts) {
		return translate.Result{}, &translate.Error{Kind: translate.Unavailable,
			Err: fmt.Errorf("%d translations for %d texts", len(resp.Translations), len(r.Texts))}
	}
	res := translate.Result{Texts: make([]string, len(r.Texts))}
	for i, t := range resp.Translations {
		res.Texts[i] = t.Text
		if res.Detected == "" {
			res.Detected = strings.ToLower(t.DetectedSourceLanguage)
		}
	}
	if req.SourceLang != "" {
		res.Detected = r.Source
	}
	return res, nil
}
