package commands

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependenciesPointInward proves the layout rule of STYLE.md: the core
// imports neither Slack, nor a SQL driver, nor our adapters.
func TestDependenciesPointInward(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		for _, banned := range []string{
			"github.com/slack-go/", "modernc.org/sqlite", "database/sql",
			"github.com/klimabot/klimabot/storage", "github.com/klimabot/klimabot/bot",
		} {
			if strings.HasPrefix(dep, banned) {
				t.Errorf("commands depends on %s", dep)
			}
		}
	}
}
