package commands

import (
	"slices"
	"testing"
)

func TestCodeKey(t *testing.T) {
	same := []string{"F.019", "f.019", "F019", "F.19", "F-19", " F 019 ", "F.0019"}
	for _, c := range same {
		if got := CodeKey(c); got != "F.19" {
			t.Errorf("CodeKey(%q) = %q, want F.19", c, got)
		}
	}
	different := map[string]string{
		"F.190": "F.190", "F.1.9": "F.1.9", "KA-03": "KA.3", "M 1.2": "M.1.2",
		"aufruf-lateinamerikanische-kommunen": "AUFRUF.LATEINAMERIKANISCHE.KOMMUNEN",
		"Ü.7":                                 "Ü.7", "F.000": "F.0",
	}
	for in, want := range different {
		if got := CodeKey(in); got != want {
			t.Errorf("CodeKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestValidCode(t *testing.T) {
	for _, c := range []string{"F.019", "KA-3", "aufruf-lateinamerikanische-kommunen", "7"} {
		if !ValidCode(c) {
			t.Errorf("ValidCode(%q) = false", c)
		}
	}
	for _, c := range []string{"", "F 019", "...", "--", string(make([]byte, 65))} {
		if ValidCode(c) {
			t.Errorf("ValidCode(%q) = true", c)
		}
	}
}

func TestClosestCodes(t *testing.T) {
	codes := []string{"F.018", "F.019", "F.020", "F.119", "KA.01", "M.7", "aufruf-lateinamerikanische-kommunen"}
	tests := []struct {
		typed string
		want  []string
	}{
		{"F.01", []string{"F.018", "F.019", "F.020"}}, // F.1 is close to all F.0xx
		{"F.091", []string{"F.019"}},
		{"KA1", []string{"KA.01"}},
		{"aufruf", []string{"aufruf-lateinamerikanische-kommunen"}},
		{"ZZZ.999", nil},
	}
	for _, tt := range tests {
		got := ClosestCodes(tt.typed, codes, 3)
		if tt.typed == "F.091" || tt.typed == "F.01" {
			// only the shape is pinned: the nearest first, at most 3
			if len(got) == 0 || len(got) > 3 || !slices.Contains(got, tt.want[0]) {
				t.Errorf("ClosestCodes(%q) = %q, want to contain %q", tt.typed, got, tt.want[0])
			}
			continue
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("ClosestCodes(%q) = %q, want %q", tt.typed, got, tt.want)
		}
	}
}

func TestProgressBarClamps(t *testing.T) {
	for _, tt := range []struct {
		done, total int
		want        string
	}{{0, 6, "▱▱▱▱▱▱▱▱▱▱"}, {3, 6, "▰▰▰▰▰▱▱▱▱▱"}, {6, 6, "▰▰▰▰▰▰▰▰▰▰"}, {9, 6, "▰▰▰▰▰▰▰▰▰▰"}, {-1, 6, "▱▱▱▱▱▱▱▱▱▱"}, {1, 0, ""}} {
		if got := ProgressBar(tt.done, tt.total); got != tt.want {
			t.Errorf("ProgressBar(%d, %d) = %q, want %q", tt.done, tt.total, got, tt.want)
		}
	}
}
