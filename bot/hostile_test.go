package bot

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/klimabot/klimabot/commands"
)

// TestHostileCommandTexts: whatever people (or attackers with a valid
// signature) type, the answer is a 200 with a localized text within Slack's
// limits, never a 5xx or a panic, and nothing is written unless the command
// was a valid one, stored exactly as typed.
func TestHostileCommandTexts(t *testing.T) {
	h := newHarness(t)
	long := strings.Repeat("Klimaschutz ", 1000) // 12,000 characters
	tests := []struct {
		name, text string
		writes     bool // a valid command that stores
	}{
		{"control characters", "status F.019\x00\x01\x1b[31m", false},
		{"NUL in the code", "status F\x00019", false},
		{"invalid UTF-8", "status \xff\xfe\xfd", false},
		{"right-to-left override", "status \u202eF.019", false},
		{"10,000-character code", "status " + strings.Repeat("F", 10_000), false},
		{"10,000-character subcommand", strings.Repeat("x", 10_000), false},
		{"12,000-character log text", "eintragen F.019 " + long, false},
		{"date of 10,000 characters", "frist F.019 " + strings.Repeat("3", 10_000) + " Text", false},
		{"steps of 10,000 characters", "erledigt F.019 " + strings.Repeat("1,", 5_000), false},
		{"huge step range", "erledigt F.019 1-999999999", false},
		{"list filter of 10,000 characters", "liste " + strings.Repeat("%_", 5_000), false},
		{"SQL-looking list filter", "liste ' OR 1=1; DROP TABLE entries; --", false},
		{"SQL-looking log text", "eintragen F.019 '); DELETE FROM entries; --", true},
		{"Slack mention injection", "eintragen F.019 <!channel> <@U1> &lt;!here&gt;", true},
		{"emoji and combining marks", "eintragen F.019 Zkouška ✅ 👍🏽 e\u0301", true},
		{"terminal escape in a log text", "eintragen F.019 Titel\x1b]0;pwned\x07 und \xff", true},
	}
	for _, tt := range tests {
		before := len(h.entries())
		status, body := h.command(adminUser, chanF019, tt.text, "")
		h.settle()
		if status != 200 {
			t.Errorf("%s: status %d", tt.name, status)
			continue
		}
		a := h.answer(body)
		if a.ResponseType != "ephemeral" || a.Text == "" || !utf8.ValidString(a.Text) {
			t.Errorf("%s: answer %+v", tt.name, a)
		}
		if len(a.Blocks) > MaxBlocks {
			t.Errorf("%s: %d blocks", tt.name, len(a.Blocks))
		}
		for _, blk := range a.Blocks {
			var b struct {
				Text struct{ Text string } `json:"text"`
			}
			json.Unmarshal(blk, &b)
			if utf8.RuneCountInString(b.Text.Text) > MaxSectionText {
				t.Errorf("%s: a section of %d characters", tt.name, utf8.RuneCountInString(b.Text.Text))
			}
		}
		after := h.entries()
		if !tt.writes && len(after) != before {
			t.Errorf("%s: wrote %d entries", tt.name, len(after)-before)
		}
		if tt.writes {
			want := commands.CleanText(strings.TrimPrefix(tt.text, "eintragen F.019 "))
			// Slack markup is stored resolved (issue 11.14); typed brackets stay
			want = strings.NewReplacer("<!channel>", "@channel", "<@U1>", "@Ute Beispiel").Replace(want)
			want = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(want)
			if len(after) != before+1 || after[0].Text != want {
				t.Errorf("%s: stored %q, want %q", tt.name, after[0].Text, want)
			}
		}
	}
	if strings.Contains(h.logs.String(), "panic") {
		t.Errorf("a panic was logged:\n%s", h.logs.String())
	}
}
