package bot

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/klimabot/klimabot/commands"
)

// modalView is what the tests read of a views.open call.
type modalView struct {
	CallbackID      string `json:"callback_id"`
	PrivateMetadata string `json:"private_metadata"`
	Title           struct{ Text string }
	Blocks          []struct {
		Type     string `json:"type"`
		BlockID  string `json:"block_id"`
		Optional bool   `json:"optional"`
		Text     struct{ Text string }
		Label    struct{ Text string }
		Hint     struct{ Text string }
		Element  struct {
			Type          string                  `json:"type"`
			InitialValue  string                  `json:"initial_value"`
			Multiline     bool                    `json:"multiline"`
			MaxLength     int                     `json:"max_length"`
			InitialOption *struct{ Value string } `json:"initial_option"`
			Options       []struct{ Value string }
		} `json:"element"`
	}
}

// openedModal runs the shortcut payload p and returns the modal it opened.
func (h *harness) openedModal(p map[string]any) modalView {
	h.t.Helper()
	before := len(h.slack.callsOf("views.open"))
	if status, body := h.interact(p); status != 200 || body != "" {
		h.t.Fatalf("ack: %d %q", status, body)
	}
	h.settle()
	opens := h.slack.callsOf("views.open")
	if len(opens) != before+1 {
		h.t.Fatalf("%d views.open", len(opens)-before)
	}
	raw, _ := json.Marshal(opens[len(opens)-1].JSON["view"])
	var v modalView
	if err := json.Unmarshal(raw, &v); err != nil {
		h.t.Fatal(err)
	}
	return v
}

// TestLogAsProgressShortcut: the message shortcut opens a modal with the
// measures (the channel's first), the message as its author wrote it
// (read-only) and a field for the submitter's own addition. The entry keeps
// the author's words as written and records who logged them and what they
// added, apart; the announcement and status say who wrote what.
func TestLogAsProgressShortcut(t *testing.T) {
	h := newHarness(t)
	view := h.openedModal(shortcutPayload(t, chanF019))
	if view.CallbackID != CallbackLogAsProgress || view.Title.Text != "Fortschritt eintragen" || len(view.Blocks) != 3 {
		t.Fatalf("view = %+v", view)
	}
	sel, quote, addition := view.Blocks[0].Element, view.Blocks[1], view.Blocks[2]
	if sel.Type != "static_select" || len(sel.Options) != 2 || sel.Options[0].Value != "F.019" || sel.InitialOption == nil || sel.InitialOption.Value != "F.019" {
		t.Errorf("measure picker = %+v", sel)
	}
	if quote.Type != "section" || quote.Text.Text != "*Anna Autorin schrieb:*\nWir haben &lt;heute&gt; den Workshop mit Nové Město geplant &amp; terminiert." {
		t.Errorf("quote = %+v", quote)
	}
	if addition.BlockID != blockText || !addition.Optional || addition.Element.InitialValue != "" || !addition.Element.Multiline ||
		addition.Element.MaxLength != commands.MaxTextLen || addition.Label.Text != "Ihre Ergänzung" ||
		!strings.Contains(addition.Hint.Text, "unverändert unter dem Namen von Anna Autorin") {
		t.Errorf("addition field = %+v", addition)
	}
	var meta logMeta
	if err := json.Unmarshal([]byte(view.PrivateMetadata), &meta); err != nil || meta.Author != "UAUTHOR" ||
		meta.Quote != "Wir haben <heute> den Workshop mit Nové Město geplant & terminiert." {
		t.Errorf("private_metadata = %q (%v)", view.PrivateMetadata, err)
	}

	status, body := h.interact(submission("U2", view.PrivateMetadata, "F.019", "Termin steht: 12. Mai."))
	if status != 200 || !strings.Contains(body, `"response_action":"clear"`) {
		t.Fatalf("submission: %d %s", status, body)
	}
	h.settle()
	es := h.entries()
	if len(es) != 1 {
		t.Fatalf("entries = %+v", es)
	}
	want := commands.Entry{
		Author: commands.Person{ID: "UAUTHOR", Name: "Anna Autorin"}, Text: "Wir haben <heute> den Workshop mit Nové Město geplant & terminiert.",
		Submitter: commands.Person{ID: "U2", Name: "Zoe Zweite"}, Addition: "Termin steht: 12. Mai.",
		MessageTS: "1699990500.000600", Source: commands.SourceShortcut, ChannelID: chanF019,
	}
	if e := es[0]; e.Author != want.Author || e.Text != want.Text || e.Submitter != want.Submitter || e.Addition != want.Addition ||
		e.MessageTS != want.MessageTS || e.Source != want.Source || e.ChannelID != want.ChannelID {
		t.Errorf("entry = %+v\nwant    %+v", e, want)
	}
	posts := h.slack.callsOf("chat.postMessage")
	if len(posts) != 1 || posts[0].Form.Get("channel") != chanF019 {
		t.Fatalf("announcements = %+v", posts)
	}
	mustContainAll(t, "announcement text", posts[0].Form.Get("text"),
		"Zoe Zweite hat eine Nachricht von Anna Autorin als Fortschritt zu F.019")
	var shown answerMsg
	json.Unmarshal([]byte(`{"blocks":`+posts[0].Form.Get("blocks")+`}`), &shown)
	mustContainAll(t, "announcement", shown.Visible(),
		"Wir haben &lt;heute&gt; den Workshop", "*Ergänzung von Zoe Zweite:* Termin steht: 12. Mai.")

	_, body = h.command("UCS", chanF019, "stav F.019", "")
	mustContainAll(t, "status", h.answer(body).Visible(),
		"Wir haben &lt;heute&gt; den Workshop mit Nové Město geplant &amp; terminiert. — doplnění (Zoe Zweite): Termin steht: 12. Mai.",
		"Anna Autorin (zapsal(a) Zoe Zweite)")
}

// TestShortcutOnSubmittersRights: the submitter's rights decide, at the
// moment they submit: a member logging an admin's message in a channel that
// follows nothing is refused; so is an admin's user id from another
// workspace; an admin of the installing workspace may anywhere.
func TestShortcutOnSubmittersRights(t *testing.T) {
	h := newHarness(t)
	view := h.openedModal(shortcutOn(t, "U2", homeTeam, chanOther, adminUser, "Ratsbeschluss ist durch."))
	refused := func(p map[string]any) {
		t.Helper()
		_, body := h.interact(p)
		var resp struct {
			ResponseAction string            `json:"response_action"`
			Errors         map[string]string `json:"errors"`
		}
		json.Unmarshal([]byte(body), &resp)
		if resp.ResponseAction != "errors" || !strings.Contains(resp.Errors[blockMeasure], "Dieser Kanal folgt der Maßnahme nicht") {
			t.Errorf("want a refusal on the measure field, got %s", body)
		}
	}
	refused(submission("U2", view.PrivateMetadata, "F.019", "Bitte eintragen"))
	external := submission(adminUser, view.PrivateMetadata, "F.019", "Bitte eintragen")
	external["user"].(map[string]any)["team_id"] = "T0PARTNER"
	refused(external)
	h.settle()
	if es := h.entries(); len(es) != 0 || len(h.slack.callsOf("chat.postMessage")) != 0 {
		t.Fatalf("refused submissions wrote %+v", es)
	}

	if _, body := h.interact(submission(adminUser, view.PrivateMetadata, "F.019", "")); !strings.Contains(body, "clear") {
		t.Fatalf("admin: %s", body)
	}
	h.settle()
	es := h.entries()
	if len(es) != 1 || es[0].Author.ID != adminUser || es[0].Submitter.ID != adminUser || es[0].ChannelID != chanOther ||
		es[0].Text != "Ratsbeschluss ist durch." {
		t.Errorf("entries = %+v", es)
	}
	mustContainAll(t, "own message", h.slack.callsOf("chat.postMessage")[0].Form.Get("text"), "Admin Amt hat Fortschritt zu F.019")
}

// TestLogAsProgressErrors: refusals come back on the field that caused
// them, in the submitter's language, and write nothing; a message without
// text needs the submitter's own words, which are then theirs.
func TestLogAsProgressErrors(t *testing.T) {
	h := newHarness(t)
	meta := func(channel, quote string) string {
		return logMeta{Channel: channel, TS: "1699990500.000600", Author: "UAUTHOR", Quote: quote}.encode()
	}
	tests := []struct {
		name, user, meta, code, text, block, want string
	}{
		{"channel does not follow", "UCS", meta(chanOther, "Text"), "F.019", "", blockMeasure, "Zde nemůžete"},
		{"no text, no addition", "U2", meta(chanF019, ""), "F.019", "  ", blockText, "Es fehlt der Text."},
		{"unknown code", "UES", meta(chanF019, "Texto"), "F.91", "", blockMeasure, "F.019"},
		{"addition too long", "U2", meta(chanF019, "Text"), "F.019", strings.Repeat("x", commands.MaxTextLen+1), blockText, "2.901"},
		{"broken metadata", "U2", "{", "F.019", "text", blockText, "Fehler"},
	}
	for _, tt := range tests {
		status, body := h.interact(submission(tt.user, tt.meta, tt.code, tt.text))
		var resp struct {
			ResponseAction string            `json:"response_action"`
			Errors         map[string]string `json:"errors"`
		}
		json.Unmarshal([]byte(body), &resp)
		if status != 200 || resp.ResponseAction != "errors" || len(resp.Errors) != 1 || !strings.Contains(resp.Errors[tt.block], tt.want) {
			t.Errorf("%s: %d %s; want an error on %s containing %q", tt.name, status, body, tt.block, tt.want)
		}
	}
	h.settle()
	if es := h.entries(); len(es) != 0 || len(h.slack.callsOf("chat.postMessage")) != 0 {
		t.Fatalf("refused submissions wrote %d entries", len(es))
	}
	// a message without text (a photo): the submitter's words are theirs
	view := h.openedModal(shortcutOn(t, "U2", homeTeam, chanF019, "UAUTHOR", ""))
	if len(view.Blocks) != 2 || view.Blocks[1].Optional || view.Blocks[1].Label.Text != "Fortschritt" {
		t.Errorf("modal for a message without text = %+v", view)
	}
	h.interact(submission("U2", view.PrivateMetadata, "F.019", "Foto der neuen Anlage"))
	h.settle()
	if es := h.entries(); len(es) != 1 || es[0].Author.ID != "U2" || es[0].Text != "Foto der neuen Anlage" || es[0].Addition != "" {
		t.Errorf("entries = %+v", es)
	}
}

// TestShortcutLongMessage: a long message fits the modal's 3,000-character
// private_metadata, cut and marked; the entry keeps what fitted.
func TestShortcutLongMessage(t *testing.T) {
	h := newHarness(t)
	long := strings.Repeat("Příliš žluťoučký kůň <úpěl> ďábelské ódy. ", 100) // 4,200 characters, more bytes
	view := h.openedModal(shortcutOn(t, "UCS", homeTeam, chanF019, "UAUTHOR", long))
	if n := len(view.PrivateMetadata); n > maxMetadata {
		t.Fatalf("private_metadata has %d bytes", n)
	}
	for _, b := range view.Blocks {
		if n := len([]rune(b.Text.Text)); n > MaxSectionText {
			t.Errorf("a section of %d characters", n)
		}
	}
	h.interact(submission("UCS", view.PrivateMetadata, "F.019", ""))
	h.settle()
	es := h.entries()
	if len(es) != 1 || !strings.HasPrefix(long, strings.TrimSuffix(es[0].Text, "…")) || !strings.HasSuffix(es[0].Text, "…") {
		t.Errorf("entries = %+v", es)
	}
}
