package bot

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Slack's request signing headers and version (v0 HMAC-SHA256).
const (
	HeaderTimestamp = "X-Slack-Request-Timestamp"
	HeaderSignature = "X-Slack-Signature"
	signatureV0     = "v0"
)

// DefaultMaxAge is how far a request's timestamp may be from now, in either
// direction, when Verifier.MaxAge is zero (Slack recommends five minutes).
const DefaultMaxAge = 5 * time.Minute

// DefaultMaxBody caps a request body in Middleware when maxBody is not
// positive. Slack's payloads are far smaller.
const DefaultMaxBody = 1 << 20

// Errors of Verify. All of them mean "not from Slack"; Middleware answers
// each with the same 401 and keeps the reason to itself.
var (
	// ErrNoSecret means the verifier has no signing secret; it refuses
	// everything rather than accept unsigned requests.
	ErrNoSecret = errors.New("slack verify: no signing secret configured")
	// ErrMissingHeader means the timestamp or signature header is absent.
	ErrMissingHeader = errors.New("slack verify: missing " + HeaderTimestamp + " or " + HeaderSignature + " header")
	// ErrBadTimestamp means the timestamp is not a number of seconds.
	ErrBadTimestamp = errors.New("slack verify: malformed timestamp")
	// ErrStale means the timestamp is too far from now: a replay, or a
	// clock that is off (check the server's NTP).
	ErrStale = errors.New("slack verify: timestamp too old or in the future")
	// ErrBadSignature means the signature is malformed or does not match
	// the body signed with the secret.
	ErrBadSignature = errors.New("slack verify: signature mismatch")
)

// Verifier checks Slack's request signatures: an HMAC-SHA256 with the app's
// signing secret over "v0:{timestamp}:{body}". It is our own rather than
// slack.SecretsVerifier because that one reads the wall clock and so cannot
// be tested with Slack's documented vector.
type Verifier struct {
	// Secret is the app's signing secret; empty refuses every request.
	Secret string
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// MaxAge is how far the timestamp may be from Now; zero means
	// DefaultMaxAge.
	MaxAge time.Duration
	// Replays, when set, makes Middleware handle each signed request once:
	// a request whose signature it has seen within the signature's
	// validity goes to OnReplay (nil: an empty 200) instead of next.
	Replays  *ReplayGuard
	OnReplay http.HandlerFunc
}

// Verify reports whether body with header was signed by Slack with v's
// secret within MaxAge of now. The signature is compared in constant time.
func (v Verifier) Verify(header http.Header, body []byte) error {
	if v.Secret == "" {
		return ErrNoSecret
	}
	ts, sig := header.Get(HeaderTimestamp), header.Get(HeaderSignature)
	if ts == "" || sig == "" {
		return ErrMissingHeader
	}
	sec, err := parseTimestamp(ts)
	if err != nil {
		return err
	}
	now := time.Now
	if v.Now != nil {
		now = v.Now
	}
	maxAge := v.MaxAge
	if maxAge <= 0 {
		maxAge = DefaultMaxAge
	}
	// Compare in seconds around now: no overflow for any parsed timestamp.
	nowSec, ageSec := now().Unix(), int64(maxAge/time.Second)
	if sec < nowSec-ageSec || sec > nowSec+ageSec {
		return ErrStale
	}
	hexSig, ok := strings.CutPrefix(sig, signatureV0+"=")
	if !ok || len(hexSig) != 2*sha256.Size {
		return ErrBadSignature
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil {
		return ErrBadSignature
	}
	if !hmac.Equal(got, sign(v.Secret, ts, body)) {
		return ErrBadSignature
	}
	return nil
}

// first records a verified request's signature with Replays and reports
// whether it is new.
func (v Verifier) first(header http.Header) bool {
	ts, _ := parseTimestamp(header.Get(HeaderTimestamp))
	sig, _ := hex.DecodeString(strings.TrimPrefix(header.Get(HeaderSignature), signatureV0+"="))
	now := time.Now
	if v.Now != nil {
		now = v.Now
	}
	return v.Replays.First(sig, ts, now())
}

// parseTimestamp reads Unix seconds: ASCII digits only (no sign, no spaces),
// at most 18 of them so the value fits an int64 with room to spare.
func parseTimestamp(ts string) (int64, error) {
	if len(ts) > 18 {
		return 0, ErrBadTimestamp
	}
	for i := 0; i < len(ts); i++ {
		if ts[i] < '0' || ts[i] > '9' {
			return 0, ErrBadTimestamp
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return 0, ErrBadTimestamp
	}
	return sec, nil
}

// sign returns the raw v0 HMAC-SHA256 of body at timestamp ts.
func sign(secret, ts string, body []byte) []byte {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(signatureV0 + ":" + ts + ":"))
	mac.Write(body)
	return mac.Sum(nil)
}

// Signature returns the X-Slack-Signature header value Slack would send for
// body at timestamp ts; tests and local tools use it to sign requests.
func Signature(secret, ts string, body []byte) string {
	return signatureV0 + "=" + hex.EncodeToString(sign(secret, ts, body))
}

// Middleware verifies every request before next sees it: it reads the raw
// body (at most maxBody bytes, DefaultMaxBody when not positive; 413 beyond),
// checks the signature before anything parses the body (401, plain text, no
// reason given), answers a replay without next (see Replays), and hands
// next the body again as an unread reader.
func (v Verifier) Middleware(maxBody int64, next http.Handler) http.Handler {
	if maxBody <= 0 {
		maxBody = DefaultMaxBody
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				http.Error(w, http.StatusText(http.StatusRequestEntityTooLarge), http.StatusRequestEntityTooLarge)
				return
			}
			http.Error(w, http.StatusText(http.StatusBadRequest), http.StatusBadRequest)
			return
		}
		if err := v.Verify(r.Header, body); err != nil {
			http.Error(w, http.StatusText(http.StatusUnauthorized), http.StatusUnauthorized)
			return
		}
		if v.Replays != nil && !v.first(r.Header) {
			if v.OnReplay != nil {
				v.OnReplay(w, r)
			} else {
				w.WriteHeader(http.StatusOK)
			}
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		next.ServeHTTP(w, r)
	})
}
