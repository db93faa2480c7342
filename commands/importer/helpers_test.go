package importer

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/klimabot/klimabot/commands"
)

// Paths of the shared input documents, relative to this package.
const (
	seedSheet = "../../cmd/klimabot/seeds/000_70e8ca067671b99a.txt"
	seedCall  = "../../cmd/klimabot/seeds/001_a3af533a905f774a.txt"
	testdata  = "../../testdata"
)

// mustRead returns the contents of a file or fails the test.
func mustRead(tb testing.TB, path string) []byte {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("read %s: %v", path, err)
	}
	return data
}

// diffMeasure reports every field in which got differs from want, steps and
// sections one by one, so that a failure names the exact text.
func diffMeasure(tb testing.TB, got, want commands.Measure) {
	tb.Helper()
	gv, wv := reflect.ValueOf(got), reflect.ValueOf(want)
	for i := range gv.NumField() {
		name := gv.Type().Field(i).Name
		switch name {
		case "Steps":
			if len(got.Steps) != len(want.Steps) {
				tb.Errorf("%s: %d steps, want %d: %#v", want.Code, len(got.Steps), len(want.Steps), stepTexts(got.Steps))
			}
			for k := range min(len(got.Steps), len(want.Steps)) {
				if !reflect.DeepEqual(got.Steps[k], want.Steps[k]) {
					tb.Errorf("%s: step %d:\n got %#v\nwant %#v", want.Code, k+1, got.Steps[k], want.Steps[k])
				}
			}
		case "Sections":
			if len(got.Sections) != len(want.Sections) {
				tb.Errorf("%s: %d sections, want %d: %#v", want.Code, len(got.Sections), len(want.Sections), got.Sections)
			}
			for k := range min(len(got.Sections), len(want.Sections)) {
				if got.Sections[k] != want.Sections[k] {
					tb.Errorf("%s: section %d:\n got %#v\nwant %#v", want.Code, k+1, got.Sections[k], want.Sections[k])
				}
			}
		default:
			if !reflect.DeepEqual(gv.Field(i).Interface(), wv.Field(i).Interface()) {
				tb.Errorf("%s: %s:\n got %q\nwant %q", want.Code, name, gv.Field(i).Interface(), wv.Field(i).Interface())
			}
		}
	}
}

func stepTexts(steps []commands.Step) []string {
	out := make([]string, len(steps))
	for i, s := range steps {
		out[i] = s.Text
	}
	return out
}

// yearSteps builds steps numbered 1..n from texts and years.
func yearSteps(texts []string, years []int) []commands.Step {
	out := make([]commands.Step, len(texts))
	for i, t := range texts {
		out[i] = commands.Step{Number: i + 1, Text: t, PlannedYear: years[i]}
	}
	return out
}

// wantParseError checks that err is a *ParseError for file at line whose
// message id is id and whose log text mentions every one of words.
func wantParseError(tb testing.TB, err error, file string, line int, id string, words ...string) {
	tb.Helper()
	var pe *ParseError
	if !errors.As(err, &pe) {
		tb.Fatalf("error %v (%T), want *ParseError", err, err)
	}
	if pe.File != file || pe.Line != line || pe.Msg.ID != id {
		tb.Errorf("error at %s:%d %s, want %s:%d %s (%v)", pe.File, pe.Line, pe.Msg.ID, file, line, id, err)
	}
	if pe.Msg.Data["File"] != file || pe.Msg.Data["Line"] != line {
		tb.Errorf("message data %v lacks File %q and Line %d", pe.Msg.Data, file, line)
	}
	msg := err.Error()
	prefix := file + ":"
	if line == 0 {
		prefix = file + ": "
	}
	if !strings.HasPrefix(msg, prefix) {
		tb.Errorf("log text %q does not start with %q", msg, prefix)
	}
	for _, w := range words {
		if !strings.Contains(msg, w) {
			tb.Errorf("log text %q does not mention %q", msg, w)
		}
	}
}

// corpus returns the contents of the test documents of one kind (a
// directory under testdata), plus extra files.
func corpus(tb testing.TB, dir string, extra ...string) [][]byte {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join(testdata, dir, "*"))
	if err != nil {
		tb.Fatal(err)
	}
	var out [][]byte
	for _, p := range append(paths, extra...) {
		out = append(out, mustRead(tb, p))
	}
	return out
}
