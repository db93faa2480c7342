package commands

import (
	"slices"
	"strings"
	"testing"
)

func TestParseStepArgs(t *testing.T) {
	tests := []struct {
		line      string
		steps     []int
		n         int
		ambiguous bool
	}{
		{"5", []int{5}, 1, false},
		{"5 6", []int{5, 6}, 2, false},
		{"5 und 6 Text", []int{5, 6}, 3, false},
		{"3, 4 und 6", []int{3, 4, 6}, 4, false},
		{"3 , 4", []int{3, 4}, 3, false},
		{"6 5", []int{5, 6}, 2, false},
		{"1-3,6 Text", []int{1, 2, 3, 6}, 1, false},
		{"4 - 6", []int{4, 5, 6}, 3, false},
		{"4 bis 6 fertig", []int{4, 5, 6}, 3, false},
		{"5 Sitzung und 6", []int{5}, 1, false},
		{"5 oder 6", []int{5}, 1, true},
		{"5 und", []int{5}, 1, true}, // a dangling "und": ask
		{"5 und sechs", []int{5}, 1, true},
		{"5 6.", []int{5}, 1, true},
		{"5 - sechs", []int{5}, 1, true},
	}
	for _, tt := range tests {
		steps, n, ok, _, amb := parseStepArgs(strings.Fields(tt.line))
		if !ok || !slices.Equal(steps, tt.steps) || n != tt.n || amb != tt.ambiguous {
			t.Errorf("parseStepArgs(%q) = %v, %d, %v, ambiguous %v; want %v, %d, ambiguous %v",
				tt.line, steps, n, ok, amb, tt.steps, tt.n, tt.ambiguous)
		}
	}
	for _, line := range []string{"", "drei", "und 5", "F.019 5", "0", "1000"} {
		if _, _, ok, _, _ := parseStepArgs(strings.Fields(line)); ok {
			t.Errorf("parseStepArgs(%q) read steps", line)
		}
	}
}

func FuzzParseStepArgs(f *testing.F) {
	for _, s := range []string{"5 6", "3, 4 und 6", "1-4 Text", "5 oder 6", "4 – 6", "5 6.", ",7 8"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		args := strings.Fields(line)
		steps, n, ok, guess, amb := parseStepArgs(args)
		if !ok {
			if len(steps) > 0 || n != 0 || amb {
				t.Fatalf("%q: not ok but %v %d %v", line, steps, n, amb)
			}
			return
		}
		if n < 1 || n > len(args) || len(steps) == 0 || !slices.IsSorted(steps) {
			t.Fatalf("%q: steps %v, n %d", line, steps, n)
		}
		for i, s := range steps {
			if s < 1 || s > 999 || (i > 0 && steps[i-1] == s) {
				t.Fatalf("%q: steps %v", line, steps)
			}
		}
		if amb {
			for _, s := range steps {
				if !slices.Contains(guess, s) {
					t.Fatalf("%q: guess %v lacks %d", line, guess, s)
				}
			}
		}
	})
}
