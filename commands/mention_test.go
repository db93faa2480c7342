package commands_test

import (
	"strings"
	"testing"

	"github.com/klimabot/klimabot/commands"
	"github.com/klimabot/klimabot/locales"
)

// TestForMentionRewritesOnlyTheCommand: a reply for a member of another
// workspace teaches "@klimabot" where a message says "/klima", but never
// touches a URL in the message's data that happens to contain "/klima".
func TestForMentionRewritesOnlyTheCommand(t *testing.T) {
	b, err := locales.New()
	if err != nil {
		t.Fatal(err)
	}
	l := b.For("de")
	for _, url := range []string{"https://klimabot.hilden.de/calendar/abc.ics", "https://x.de/klima/calendar/abc.ics"} {
		r := commands.Reply{Parts: []commands.Part{
			commands.Paragraph{Text: commands.Msg("calendar.link", commands.Data{"URL": url})},
			commands.Context{commands.Msg("calendar.link_private", commands.Data{"What": "F.019"})},
		}}.ForMention(commands.MentionCommand)
		got := r.Parts[0].(commands.Paragraph).Text.Render(l)
		if !strings.Contains(got, url) {
			t.Errorf("the URL was rewritten: %s", got)
		}
		small := r.Parts[1].(commands.Context)[0].Render(l)
		if !strings.Contains(small, "`@klimabot kalender widerrufen`") || strings.Contains(small, "/klima") {
			t.Errorf("the command was not rewritten: %s", small)
		}
	}
}
