package libretranslate_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/klimabot/klimabot/commands/translate"
	"github.com/klimabot/klimabot/commands/translate/libretranslate"
)

// TestShapes checks method, path and body as LibreTranslate documents them,
// for one text (q a string) and several (q an array).
func TestShapes(t *testing.T) {
	var got []map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/translate" {
			t.Errorf("%s %s, want POST /translate", r.Method, r.URL.Path)
		}
		if ct := r.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("Content-Type %q", ct)
		}
		var body map[string]any
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			t.Errorf("body: %v", err)
		}
		got = append(got, body)
		w.Header().Set("Content-Type", "application/json")
		switch q := body["q"].(type) {
		case string:
			json.NewEncoder(w).Encode(map[string]any{"translatedText": "DE:" + q,
				"detectedLanguage": map[string]any{"confidence": 90.0, "language": "cs"}})
		case []any:
			out := []string{}
			for _, s := range q {
				out = append(out, "DE:"+s.(string))
			}
			json.NewEncoder(w).Encode(map[string]any{"translatedText": out,
				"detectedLanguage": []any{map[string]any{"confidence": 80.0, "language": "cs"}, map[string]any{"confidence": 70.0, "language": "sk"}}})
		}
	}))
	defer srv.Close()
	c := &libretranslate.Client{BaseURL: srv.URL + "/", Key: "K1"}
	res, err := c.Translate(context.Background(), translate.Request{Texts: []string{"Ahoj světe"}, Source: translate.Auto, Target: "de"})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(res, translate.Result{Texts: []string{"DE:Ahoj světe"}, Detected: "cs"}) {
		t.Errorf("one text: %+v", res)
	}
	res, err = c.Translate(context.Background(), translate.Request{Texts: []string{"a", "b"}, Source: "cs", Target: "de"})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(res, translate.Result{Texts: []string{"DE:a", "DE:b"}, Detected: "cs"}) {
		t.Errorf("two texts: %+v", res)
	}
	want := []map[string]any{
		{"q": "Ahoj světe", "source": "auto", "target": "de", "format": "text", "api_key": "K1"},
		{"q": []any{"a", "b"}, "source": "cs", "target": "de", "format": "text", "api_key": "K1"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("bodies %v, want %v", got, want)
	}
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		status int
		header string
		kind   translate.Kind
	}{
		{500, "", translate.Unavailable},
		{429, "7", translate.RateLimit},
		{403, "", translate.Rejected},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if tc.header != "" {
				w.Header().Set("Retry-After", tc.header)
			}
			w.WriteHeader(tc.status)
			w.Write([]byte(`{"error":"nope"}`))
		}))
		_, err := (&libretranslate.Client{BaseURL: srv.URL}).Translate(context.Background(),
			translate.Request{Texts: []string{"x"}, Source: "cs", Target: "de"})
		srv.Close()
		var e *translate.Error
		if !errors.As(err, &e) || e.Kind != tc.kind || e.Status != tc.status {
			t.Errorf("%d: err %v, want kind %s", tc.status, err, tc.kind)
			continue
		}
		if tc.header == "7" && e.RetryAfter.Seconds() != 7 {
			t.Errorf("Retry-After %s", e.RetryAfter)
		}
	}
}
