package bot

import (
	"encoding/binary"
	"net/http"
	"slices"
	"sync"
	"time"
)

// DefaultReplayLimit is how many signatures a ReplayGuard remembers at most
// when no limit is given: twice what SPEC's 1,000 requests a second leave
// in a five-minute window (timestamps up to five minutes either side of
// now are valid, so ten minutes of them may be live).
const DefaultReplayLimit = 600_000

// replayKey is what a ReplayGuard keeps of a signature: its first 64
// bits. They cannot be forged any more than the whole HMAC-SHA256, and
// signatures are only compared within one timestamp second: two of the
// 1,000 different requests of a busy second share their first 64 bits with
// a probability of about 3·10⁻¹⁴. A quarter of the signature is a quarter
// of the memory (BenchmarkReplayGuard).
type replayKey = uint64

// A second's signatures are a sorted slice rather than a map: 8 bytes a
// signature (10 with the slice's spare room) instead of a map's 37, and a
// second takes at most the ~1,000 requests Slack sends in it.

// ReplayGuard remembers the signatures of the Slack requests handled while
// they are valid, so that the same signed request sent again (a replay:
// same timestamp, same body, same signature) is handled once. A replay
// carries the timestamp of the original, so signatures are kept in one set
// per timestamp second; a set is dropped once its second is too old for
// Verifier to accept (then a replay fails as stale anyway). Memory is
// bounded by a limit: beyond it the oldest second is forgotten first.
//
// A ReplayGuard is safe for concurrent use.
type ReplayGuard struct {
	maxAge int64 // seconds a timestamp stays valid (Verifier.MaxAge)
	limit  int

	mu      sync.Mutex
	n       int                   // signatures remembered
	seconds map[int64][]replayKey // timestamp second → signatures, sorted
	oldest  int64                 // no second before this is kept
	evicted int                   // seconds forgotten early (limit)
}

// NewReplayGuard returns a guard for signatures valid for maxAge (zero:
// DefaultMaxAge) that remembers at most limit of them (zero or less:
// DefaultReplayLimit).
func NewReplayGuard(maxAge time.Duration, limit int) *ReplayGuard {
	if maxAge <= 0 {
		maxAge = DefaultMaxAge
	}
	if limit <= 0 {
		limit = DefaultReplayLimit
	}
	return &ReplayGuard{maxAge: int64(maxAge / time.Second), limit: limit, seconds: map[int64][]replayKey{}}
}

// First records the signature sig of a request signed at Unix second ts
// and reports whether it is the first time: false means a replay. now is
// the verifier's clock; seconds older than now−maxAge are dropped.
func (g *ReplayGuard) First(sig []byte, ts int64, now time.Time) bool {
	var full [8]byte
	copy(full[:], sig)
	k := binary.LittleEndian.Uint64(full[:])
	g.mu.Lock()
	defer g.mu.Unlock()
	g.expire(now.Unix() - g.maxAge)
	set := g.seconds[ts]
	i, seen := slices.BinarySearch(set, k)
	if seen {
		return false
	}
	g.seconds[ts] = slices.Insert(set, i, k)
	g.n++
	for g.n > g.limit && len(g.seconds) > 1 {
		g.dropOldest(ts)
	}
	return true
}

// expire drops the seconds before cutoff.
func (g *ReplayGuard) expire(cutoff int64) {
	if cutoff <= g.oldest {
		return
	}
	g.oldest = cutoff
	for sec, set := range g.seconds {
		if sec < cutoff {
			g.n -= len(set)
			delete(g.seconds, sec)
		}
	}
}

// dropOldest forgets the oldest second other than keep, to stay within
// the limit.
func (g *ReplayGuard) dropOldest(keep int64) {
	first := true
	var oldest int64
	for sec := range g.seconds {
		if sec != keep && (first || sec < oldest) {
			oldest, first = sec, false
		}
	}
	if first {
		return
	}
	g.n -= len(g.seconds[oldest])
	delete(g.seconds, oldest)
	g.evicted++
}

// Len returns how many signatures the guard remembers.
func (g *ReplayGuard) Len() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.n
}

// replayed answers a replayed request: 200 with an empty body, so that
// Slack (or whoever sent it again) sees it acknowledged, and nothing is
// done a second time. It is logged and counted.
func (b *Bot) replayed(w http.ResponseWriter, r *http.Request) {
	b.metrics.Replays.Inc()
	b.log.Warn("replayed Slack request ignored: the same signed request was handled already",
		"path", r.URL.Path, "timestamp", r.Header.Get(HeaderTimestamp))
	w.WriteHeader(http.StatusOK)
}
