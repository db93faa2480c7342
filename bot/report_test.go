package bot

import (
	"context"
	"testing"

	"github.com/klimabot/klimabot/commands"
)

// TestReportsGoWhereTheyMay: a report or timeline of measures the channel
// follows is uploaded into the channel; any other — another measure, all
// measures in a channel that does not follow all, asked by an admin too —
// is shared with the asker alone (files v2: channels=<user id>, no
// channel_id), and the answer says so.
func TestReportsGoWhereTheyMay(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	if err := h.db.SaveChannel(ctx, commands.Channel{ID: "CALL", TimeZone: "Europe/Berlin", Schedule: commands.DefaultSchedule,
		StaleDays: 60, FollowAll: true}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		user, channel, text string
		private             bool
	}{
		{"U1", chanF019, "bericht F.019", false},
		{"U1", chanF019, "zeitachse f019", false},
		{"U1", chanOther, "bericht F.019", true},
		{"U1", chanOther, "zeitachse F.019", true},
		{"U1", chanF019, "bericht", true}, // all measures: A.1's too
		{"U1", chanF019, "bericht A.1", true},
		{adminUser, chanOther, "bericht", true},
		{"UCS", "CALL", "bericht", false},
	}
	for _, tt := range tests {
		before := len(h.slack.callsOf("files.completeUploadExternal"))
		_, body := h.command(tt.user, tt.channel, tt.text, "")
		h.settle()
		uploads := h.slack.callsOf("files.completeUploadExternal")[before:]
		if len(uploads) != 1 {
			t.Fatalf("%s in %s: %d uploads", tt.text, tt.channel, len(uploads))
		}
		form := uploads[0].Form
		if tt.private {
			if form.Get("channel_id") != "" || form.Get("channels") != tt.user || form.Get("thread_ts") != "" {
				t.Errorf("%s in %s: shared with channel_id=%q channels=%q, want %s alone", tt.text, tt.channel,
					form.Get("channel_id"), form.Get("channels"), tt.user)
			}
			mustContainAll(t, tt.text, h.answer(body).Visible(), "erhalten nur Sie, als Direktnachricht")
		} else {
			if form.Get("channel_id") != tt.channel || form.Get("channels") != "" {
				t.Errorf("%s in %s: shared with channel_id=%q channels=%q", tt.text, tt.channel, form.Get("channel_id"), form.Get("channels"))
			}
		}
	}
	// a mention asks the same way
	before := len(h.slack.callsOf("files.completeUploadExternal"))
	h.event("EvR1", map[string]any{"type": "app_mention", "channel": chanOther, "user": "UDE",
		"text": "<@" + botUser + "> bericht F.019", "ts": "1700003000.000001"}, nil)
	h.settle()
	uploads := h.slack.callsOf("files.completeUploadExternal")[before:]
	if len(uploads) != 1 || uploads[0].Form.Get("channel_id") != "" || uploads[0].Form.Get("channels") != "UDE" {
		t.Errorf("mention: uploads %+v", uploads)
	}
}

// TestPrivateUploadFails: when the direct message cannot be sent, the asker
// is told so, not told about a channel.
func TestPrivateUploadFails(t *testing.T) {
	h := newHarness(t)
	rurl := newResponseURL(t)
	h.slack.failFirst("files.completeUploadExternal", 400)
	h.command("U1", chanOther, "bericht F.019", rurl.srv.URL)
	h.settle()
	got := rurl.got()
	if len(got) != 1 {
		t.Fatalf("response_url got %+v", got)
	}
	mustContainAll(t, "failure", got[0].Text, "konnte Ihnen nicht als Direktnachricht geschickt werden")
}
