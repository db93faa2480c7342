package bot

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Slack's documented signing example (SLACK.md).
const (
	vectorSecret    = "8f742231b10e8888abcd99yyyzzz85a5"
	vectorTimestamp = "1531420618"
	vectorBody      = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
	vectorSignature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
)

var vectorTime = time.Unix(1531420618, 0)

func vectorVerifier(now time.Time) Verifier {
	return Verifier{Secret: vectorSecret, Now: func() time.Time { return now }}
}

func signedHeader(ts, sig string) http.Header {
	h := http.Header{}
	if ts != "" {
		h.Set(HeaderTimestamp, ts)
	}
	if sig != "" {
		h.Set(HeaderSignature, sig)
	}
	return h
}

func TestSignatureMatchesSlackVector(t *testing.T) {
	if got := Signature(vectorSecret, vectorTimestamp, []byte(vectorBody)); got != vectorSignature {
		t.Fatalf("Signature = %s, want %s", got, vectorSignature)
	}
}

func TestVerify(t *testing.T) {
	otherSig := Signature("another-secret", vectorTimestamp, []byte(vectorBody))
	forged := vectorSignature[:len(vectorSignature)-1] + "0"
	tests := []struct {
		name   string
		v      Verifier
		header http.Header
		body   string
		want   error
	}{
		{"slack vector", vectorVerifier(vectorTime), signedHeader(vectorTimestamp, vectorSignature), vectorBody, nil},
		{"upper-case hex", vectorVerifier(vectorTime), signedHeader(vectorTimestamp, "v0="+strings.ToUpper(vectorSignature[3:])), vectorBody, nil},
		{"4m59s old", vectorVerifier(vectorTime.Add(4*time.Minute + 59*time.Second)), signedHeader(vectorTimestamp, vectorSignature), vectorBody, nil},
		{"forged signature", vectorVerifier(vectorTime), signedHeader(vectorTimestamp, forged), vectorBody, ErrBadSignature},
		{"signed with another secret", vectorVerifier(vectorTime), signedHeader(vectorTimestamp, otherSig), vectorBody, ErrBadSignature},
		{"wrong secret", Verifier{Secret: "wrong", Now: func() time.Time { return vectorTime }}, signedHeader(vectorTimestamp, vectorSignature), vectorBody, ErrBadSignature},
		{"body changed", vectorVerifier(vectorTime), signedHeader(vectorTimestamp, vectorSignature), vectorBody + "&x=1", ErrBadSignature},
		{"timestamp changed", vectorVerifier(vectorTime), signedHeader("1531420619", vectorSignature), vectorBody, ErrBadSignature},
		{"stale 6 min", vectorVerifier(vectorTime.Add(6 * time.Minute)), signedHeader(vectorTimestamp, vectorSignature), vectorBody, ErrStale},
		{"future 6 min", vectorVerifier(vectorTime.Add(-6 * time.Minute)), signedHeader(vectorTimestamp, vectorSignature), vectorBody, ErrStale},
		{"shorter MaxAge", Verifier{Secret: vectorSecret, MaxAge: time.Minute, Now: func() time.Time { return vectorTime.Add(2 * time.Minute) }}, signedHeader(vectorTimestamp, vectorSignature), vectorBody, ErrStale},
		{"real clock", Verifier{Secret: vectorSecret}, signedHeader(vectorTimestamp, vectorSignature), vectorBody, ErrStale},
		{"no headers", vectorVerifier(vectorTime), http.Header{}, vectorBody, ErrMissingHeader},
		{"no timestamp", vectorVerifier(vectorTime), signedHeader("", vectorSignature), vectorBody, ErrMissingHeader},
		{"no signature", vectorVerifier(vectorTime), signedHeader(vectorTimestamp, ""), vectorBody, ErrMissingHeader},
		{"malformed timestamp", vectorVerifier(vectorTime), signedHeader("1531420618.5", vectorSignature), vectorBody, ErrBadTimestamp},
		{"signed timestamp", vectorVerifier(vectorTime), signedHeader("+1531420618", vectorSignature), vectorBody, ErrBadTimestamp},
		{"huge timestamp", vectorVerifier(vectorTime), signedHeader(strings.Repeat("9", 30), vectorSignature), vectorBody, ErrBadTimestamp},
		{"non-hex signature", vectorVerifier(vectorTime), signedHeader(vectorTimestamp, "v0="+strings.Repeat("zz", 32)), vectorBody, ErrBadSignature},
		{"short signature", vectorVerifier(vectorTime), signedHeader(vectorTimestamp, vectorSignature[:20]), vectorBody, ErrBadSignature},
		{"other version", vectorVerifier(vectorTime), signedHeader(vectorTimestamp, "v1="+vectorSignature[3:]), vectorBody, ErrBadSignature},
		{"empty secret", Verifier{Now: func() time.Time { return vectorTime }}, signedHeader(vectorTimestamp, Signature("", vectorTimestamp, []byte(vectorBody))), vectorBody, ErrNoSecret},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.v.Verify(tt.header, []byte(tt.body))
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Fatalf("Verify = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestMiddleware(t *testing.T) {
	now := time.Now()
	ts := strconv.FormatInt(now.Unix(), 10)
	v := Verifier{Secret: "s3cret", Now: func() time.Time { return now }}
	const maxBody = 1024
	okBody := "command=%2Fklima&text=status+F.019"
	tests := []struct {
		name     string
		v        Verifier
		body     string
		header   http.Header
		wantCode int
	}{
		{"signed", v, okBody, signedHeader(ts, Signature("s3cret", ts, []byte(okBody))), http.StatusOK},
		{"slack vector", vectorVerifier(vectorTime), vectorBody, signedHeader(vectorTimestamp, vectorSignature), http.StatusOK},
		{"forged", v, okBody, signedHeader(ts, Signature("guess", ts, []byte(okBody))), http.StatusUnauthorized},
		{"unsigned", v, okBody, http.Header{}, http.StatusUnauthorized},
		{"stale", vectorVerifier(vectorTime.Add(6 * time.Minute)), vectorBody, signedHeader(vectorTimestamp, vectorSignature), http.StatusUnauthorized},
		{"empty secret", Verifier{Now: v.Now}, okBody, signedHeader(ts, Signature("", ts, []byte(okBody))), http.StatusUnauthorized},
		{"too large", v, strings.Repeat("a", maxBody+1), signedHeader(ts, Signature("s3cret", ts, []byte(strings.Repeat("a", maxBody+1)))), http.StatusRequestEntityTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			called := false
			var seen string
			next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				called = true
				// The next handler parses the restored body as usual.
				if err := r.ParseForm(); err != nil {
					t.Errorf("ParseForm: %v", err)
				}
				seen = r.PostForm.Encode()
				w.WriteHeader(http.StatusOK)
			})
			req := httptest.NewRequest(http.MethodPost, "/slack/commands", strings.NewReader(tt.body))
			req.Header = tt.header.Clone()
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			rec := httptest.NewRecorder()
			tt.v.Middleware(maxBody, next).ServeHTTP(rec, req)
			if rec.Code != tt.wantCode {
				t.Fatalf("status %d, want %d (%s)", rec.Code, tt.wantCode, rec.Body)
			}
			if called != (tt.wantCode == http.StatusOK) {
				t.Fatalf("next called = %v with status %d", called, rec.Code)
			}
			if called && seen == "" {
				t.Errorf("next saw an empty form")
			}
			if rec.Code == http.StatusUnauthorized {
				if got := strings.TrimSpace(rec.Body.String()); got != "Unauthorized" {
					t.Errorf("401 body %q gives details", got)
				}
				if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
					t.Errorf("401 content type %q", ct)
				}
			}
		})
	}
}

// TestMiddlewareRestoresBody checks that next reads exactly the signed bytes.
func TestMiddlewareRestoresBody(t *testing.T) {
	var got []byte
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, _ = io.ReadAll(r.Body)
	})
	req := httptest.NewRequest(http.MethodPost, "/slack/commands", strings.NewReader(vectorBody))
	req.Header = signedHeader(vectorTimestamp, vectorSignature)
	rec := httptest.NewRecorder()
	vectorVerifier(vectorTime).Middleware(0, next).ServeHTTP(rec, req)
	if string(got) != vectorBody {
		t.Fatalf("next read %q", got)
	}
}

func FuzzVerify(f *testing.F) {
	f.Add(vectorSecret, vectorTimestamp, vectorSignature, []byte(vectorBody))
	f.Add(vectorSecret, vectorTimestamp, strings.ToUpper(vectorSignature), []byte(vectorBody))
	f.Add("", vectorTimestamp, Signature("", vectorTimestamp, nil), []byte{})
	f.Add("x", "-1", "v0=", []byte("a"))
	f.Add("x", "99999999999999999999", "v0=zz", []byte(""))
	f.Add("x", vectorTimestamp, Signature("x", vectorTimestamp, []byte("b")), []byte("b"))
	f.Add("x", " 1531420618", "v0="+strings.Repeat("0", 64), []byte("\x00\xff"))
	f.Fuzz(func(t *testing.T, secret, ts, sig string, body []byte) {
		v := Verifier{Secret: secret, Now: func() time.Time { return vectorTime }}
		h := http.Header{}
		h.Set(HeaderTimestamp, ts)
		h.Set(HeaderSignature, sig)
		if err := v.Verify(h, body); err != nil {
			return
		}
		// Accepted: it must be exactly the signature we compute (hex is
		// case-insensitive), over the header values as sent.
		want := Signature(secret, h.Get(HeaderTimestamp), body)
		if secret == "" || !strings.EqualFold(h.Get(HeaderSignature), want) {
			t.Fatalf("accepted secret=%q ts=%q sig=%q; want sig %s", secret, ts, sig, want)
		}
	})
}
