package commands

import (
	"strings"
	"unicode"
)

// CodeKey folds a measure code to the key it is matched by, so that people can
// type it the way they remember it: letters are upper-cased, letter and digit
// runs become segments joined by ".", and leading zeros are dropped from
// numbers. "F.019", "f.019", "F019", "F.19" and "F-19" all give "F.19".
// The store keeps this key in a unique index: lookups stay O(log n).
func CodeKey(code string) string {
	var segs []string
	var cur []rune
	kind := 0 // 0 none, 1 letter, 2 digit
	flush := func() {
		if len(cur) == 0 {
			return
		}
		s := string(cur)
		if kind == 2 {
			s = strings.TrimLeft(s, "0")
			if s == "" {
				s = "0"
			}
		}
		segs = append(segs, s)
		cur = cur[:0]
	}
	for _, r := range code {
		var k int
		switch {
		case unicode.IsDigit(r):
			k = 2
		case unicode.IsLetter(r):
			k = 1
			r = unicode.ToUpper(r)
		default:
			flush()
			kind = 0
			continue
		}
		if k != kind {
			flush()
			kind = k
		}
		cur = append(cur, r)
	}
	flush()
	return strings.Join(segs, ".")
}

// ValidCode reports whether s can be a measure code: 1 to 64 characters, no
// white space, at least one letter or digit.
func ValidCode(s string) bool {
	if s == "" || len(s) > 64 || strings.IndexFunc(s, unicode.IsSpace) >= 0 {
		return false
	}
	return CodeKey(s) != ""
}

// ClosestCodes returns up to n of codes nearest to typed, nearest first, for
// the "did you mean" answer to an unknown code. Codes farther than half their
// length away are left out.
func ClosestCodes(typed string, codes []string, n int) []string {
	key := CodeKey(typed)
	type cand struct {
		code string
		dist int
	}
	var best []cand
	for _, c := range codes {
		ck := CodeKey(c)
		d := levenshtein(key, ck)
		if strings.Contains(ck, key) && key != "" {
			d = min(d, 1)
		}
		limit := max(len([]rune(ck)), len([]rune(key)))/3 + 1
		if d > limit {
			continue
		}
		best = append(best, cand{c, d})
		// insertion sort keeps the n best; n is tiny
		for i := len(best) - 1; i > 0 && (best[i].dist < best[i-1].dist ||
			best[i].dist == best[i-1].dist && best[i].code < best[i-1].code); i-- {
			best[i], best[i-1] = best[i-1], best[i]
		}
		if len(best) > n {
			best = best[:n]
		}
	}
	out := make([]string, len(best))
	for i, c := range best {
		out[i] = c.code
	}
	return out
}

func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
