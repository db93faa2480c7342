package locales_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/klimabot/klimabot/commands"
	"github.com/klimabot/klimabot/locales"
)

// messageCall finds message ids written literally in the code: Msg("x.y"),
// Plural("x.y", …), NotFound("x.y", …), Errorf(CODE, "x.y", …), l.Msg(…).
var messageCall = regexp.MustCompile(`\b(?:Msg|Plural|NotFound|Invalid|Errorf)\((?:[A-Za-z.]+,\s*)?"([a-z_]+(?:\.[a-z_]+)+)"`)

// TestEveryUsedMessageExists scans the module's Go code for the message ids
// it renders and fails when one is missing from the bundle: a typo in an id
// would otherwise show the id itself to a town's staff.
func TestEveryUsedMessageExists(t *testing.T) {
	b, err := locales.New()
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{} // id → where
	err = filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != ".." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range messageCall.FindAllStringSubmatch(string(src), -1) {
			ids[m[1]] = path
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) < 50 {
		t.Fatalf("found only %d message ids: the scan is broken", len(ids))
	}
	// ids built at run time
	for _, c := range commands.Subcommands {
		ids["usage."+c] = "commands (usage." + c + ")"
	}
	for _, l := range locales.Languages {
		ids["language.name."+l] = "commands (language.name." + l + ")"
	}
	for id, where := range ids {
		for _, lang := range locales.Languages {
			if got := b.For(lang).Msg(id, nil); got == id {
				t.Errorf("%s uses message %q, missing in %s", where, id, lang)
			}
		}
	}
}
