package bot

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klimabot/klimabot/commands"
)

// cleanLine fails t unless s is a clean one-line notification text: no
// console rendering (underlines, file markers, list marks), no line break.
func cleanLine(t *testing.T, what, s string) {
	t.Helper()
	if s == "" || strings.ContainsAny(s, "\n\r\t") || strings.Contains(s, "==") || strings.Contains(s, "[file") ||
		strings.Contains(s, "[ ]") || strings.Contains(s, "[x]") || strings.Contains(s, "`") || strings.Contains(s, "  ") {
		t.Errorf("%s is not a clean line: %q", what, s)
	}
}

// TestNotificationTextIsOneLine: the text beside the blocks is a one-line
// summary in the reader's language, without the console's rendering or the
// templates' mrkdwn marks; people's words stay as written, escaped.
func TestNotificationTextIsOneLine(t *testing.T) {
	b := mustBundle(t)
	status := MessageText(commands.Reply{Lang: "de", Parts: statusParts()}, b)
	cleanLine(t, "status", status)
	if status != "F.019 Kommunale Wärmeplanung &amp; Quartierskonzepte – 4 von 6 Schritten erledigt" {
		t.Errorf("status summary = %q", status)
	}
	report := MessageText(commands.Reply{Lang: "cs", Parts: []commands.Part{
		commands.Paragraph{Text: commands.Msg("report.ready", commands.Data{"What": commands.Raw("F.019 *Partnerství*")})},
		commands.File{Name: "F.019.md", Title: commands.Raw("Zpráva"), Content: []byte("# x")},
	}}, b)
	cleanLine(t, "report", report)
	if !strings.Contains(report, "F.019 *Partnerství*") { // a person's asterisks stay
		t.Errorf("report summary = %q", report)
	}
	ann := AnnouncementText(&commands.Announcement{Langs: []string{"de", "cs"}, Parts: []commands.Part{
		commands.Paragraph{Text: commands.Msg("announce.log", commands.Data{"Name": "Ute", "Measure": commands.Raw("F.019 Partnerschaft")})},
		commands.Paragraph{Text: commands.Raw("Workshop\n\ngeplant <@U1>")},
	}}, b)
	if ann != "Ute hat Fortschritt zu F.019 Partnerschaft eingetragen: Workshop geplant &lt;@U1&gt;" {
		t.Errorf("announcement summary = %q", ann)
	}
	help := MessageText(commands.Reply{Lang: "es", Parts: []commands.Part{
		commands.Header{Text: commands.Msg("help.title", nil)},
		commands.List{Items: []commands.Item{{Text: commands.Msg("usage.status", nil)}}},
	}}, b)
	cleanLine(t, "help", help)
}

// TestAnswersCarryNoEmptyMetadata: the acknowledgement of a slash command
// and a late answer through response_url are JSON without slack-go's empty
// "metadata" object; their notification text is one clean line.
func TestAnswersCarryNoEmptyMetadata(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Budget = 50 * time.Millisecond })
	_, body := h.command("U1", chanF019, "status F.019", "")
	var ack map[string]any
	if err := json.Unmarshal([]byte(body), &ack); err != nil {
		t.Fatalf("ack %q: %v", body, err)
	}
	if _, ok := ack["metadata"]; ok {
		t.Errorf("the acknowledgement carries metadata: %s", body)
	}
	cleanLine(t, "status acknowledgement", ack["text"].(string))

	var mu sync.Mutex
	var raw []string
	sink := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		raw = append(raw, string(b))
		mu.Unlock()
	}))
	t.Cleanup(sink.Close)
	release := h.slack.hangUntil("users.info")
	h.command("USLOW", chanF019, "hilfe", sink.URL)
	release()
	h.settle()
	mu.Lock()
	defer mu.Unlock()
	if len(raw) != 1 || strings.Contains(raw[0], "metadata") {
		t.Fatalf("response_url got %q", raw)
	}
	var late answerMsg
	json.Unmarshal([]byte(raw[0]), &late)
	cleanLine(t, "late help", late.Text)
}

// TestPostedTextsAreOneLine: announcements and reminders go out with a
// one-line text; only reminders carry metadata (their claim).
func TestPostedTextsAreOneLine(t *testing.T) {
	now := time.Date(2027, 3, 24, 8, 0, 0, 0, time.UTC)
	h, r := remindHarness(t, now)
	if _, err := h.db.AddDeadline(context.Background(), commands.Deadline{MeasureID: h.f019, Due: commands.NewDate(2027, 3, 25), Text: "Anruf"}); err != nil {
		t.Fatal(err)
	}
	completeOldSteps(t, h)
	if _, err := r.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	h.command("U1", chanF019, "eintragen F.019 Erstes Treffen\nmit Protokoll", "")
	h.settle()
	posts := h.slack.callsOf("chat.postMessage")
	if len(posts) != 2 {
		t.Fatalf("%d posts", len(posts))
	}
	for i, p := range posts {
		cleanLine(t, "posted text", p.Form.Get("text"))
		if md := p.Form.Get("metadata"); (i == 0) != strings.Contains(md, ReminderEventType) {
			t.Errorf("post %d metadata = %q", i, md)
		}
	}
	mustContainAll(t, "reminder text", posts[0].Form.Get("text"), "Erinnerung – F.019")
	mustContainAll(t, "announcement text", posts[1].Form.Get("text"), "Ute Beispiel hat Fortschritt zu F.019", "Erstes Treffen mit Protokoll")
}
