package deepl_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"

	"github.com/klimabot/klimabot/commands/translate"
	"github.com/klimabot/klimabot/commands/translate/deepl"
)

func TestBaseURL(t *testing.T) {
	if got := deepl.BaseURL("abc:fx"); got != "https://api-free.deepl.com" {
		t.Errorf("free key: %s", got)
	}
	if got := deepl.BaseURL("abc"); got != "https://api.deepl.com" {
		t.Errorf("pro key: %s", got)
	}
}

// TestShapes checks method, path, the auth header and the body as DeepL
// documents them.
func TestShapes(t *testing.T) {
	var got []map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/v2/translate" {
			t.Errorf("%s %s, want POST /v2/translate", r.Method, r.URL.Path)
		}
		if a := r.Header.Get("Authorization"); a != "DeepL-Auth-Key K:fx" {
			t.Errorf("Authorization %q", a)
		}
		var body map[string]any
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			t.Errorf("body: %v", err)
		}
		got = append(got, body)
		var out []map[string]string
		for _, s := range body["text"].([]any) {
			out = append(out, map[string]string{"detected_source_language": "CS", "text": "DE:" + s.(string)})
		}
		json.NewEncoder(w).Encode(map[string]any{"translations": out})
	}))
	defer srv.Close()
	c := &deepl.Client{BaseURL: srv.URL, Key: "K:fx"}
	res, err := c.Translate(context.Background(), translate.Request{Texts: []string{"a", "b"}, Source: translate.Auto, Target: "de"})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(res, translate.Result{Texts: []string{"DE:a", "DE:b"}, Detected: "cs"}) {
		t.Errorf("auto: %+v", res)
	}
	if _, err := c.Translate(context.Background(), translate.Request{Texts: []string{"c"}, Source: "cs", Target: "en"}); err != nil {
		t.Fatal(err)
	}
	want := []map[string]any{
		{"text": []any{"a", "b"}, "target_lang": "DE"},
		{"text": []any{"c"}, "target_lang": "EN-GB", "source_lang": "CS"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("bodies %v, want %v", got, want)
	}
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		status int
		after  string
		kind   translate.Kind
		wait   time.Duration
	}{
		{456, "", translate.Quota, 0},
		{429, "3", translate.RateLimit, 3 * time.Second},
		{503, "", translate.Unavailable, 0},
		{403, "", translate.Rejected, 0},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if tc.after != "" {
				w.Header().Set("Retry-After", tc.after)
			}
			w.WriteHeader(tc.status)
		}))
		_, err := (&deepl.Client{BaseURL: srv.URL, Key: "k"}).Translate(context.Background(),
			translate.Request{Texts: []string{"x"}, Target: "de"})
		srv.Close()
		var e *translate.Error
		if !errors.As(err, &e) || e.Kind != tc.kind || e.RetryAfter != tc.wait {
			t.Errorf("%d: err %#v, want %s after %s", tc.status, err, tc.kind, tc.wait)
		}
	}
}
