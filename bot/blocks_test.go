package bot

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/klimabot/klimabot/commands"
	"github.com/klimabot/klimabot/locales"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

func mustBundle(tb testing.TB) *locales.Bundle {
	tb.Helper()
	b, err := locales.New()
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// statusParts is a `status` answer as commands builds it, with people's
// words that need escaping.
func statusParts() []commands.Part {
	date := commands.NewDate(2025, 3, 14)
	return []commands.Part{
		commands.Header{Text: commands.Raw("F.019 Kommunale Wärmeplanung & Quartierskonzepte")},
		commands.Fields{
			{Label: commands.Msg("label.responsibility", nil), Value: commands.Raw("Bauamt <Klimaschutz>")},
			{Label: commands.Msg("label.partnership", nil), Value: commands.Raw("Stadtwerke")},
		},
		commands.Progress{Done: 4, Total: 6},
		commands.List{Title: commands.Msg("label.steps", nil), Items: []commands.Item{
			{Mark: commands.MarkDone, Text: commands.Raw("1. Bestandsanalyse"),
				Sub: commands.Msg("status.step_done", commands.Data{"Date": date, "Name": "Anna Nowak"})},
			{Mark: commands.MarkWarn, Text: commands.Raw("5. Beteiligung"),
				Sub: commands.Msg("status.step_planned", commands.Data{"When": date})},
			{Mark: commands.MarkOpen, Text: commands.Raw("6. Beschluss")},
		}},
		commands.Fields{{Label: commands.Msg("label.next_deadline", nil), Value: commands.Msg("deadline.line", commands.Data{
			"Date": date, "Text": commands.Raw("Entwurf <!channel>"), "Relative": commands.Relative(-3),
		})}},
		commands.List{Title: commands.Msg("label.progress", nil), Items: []commands.Item{
			{Text: commands.Raw("Workshop mit 40 Leuten\nzweite Zeile"), Sub: commands.Msg("status.entry_meta", commands.Data{"Name": "Jan", "Date": date})},
		}},
		commands.Buttons{
			{ActionID: "done", Value: "F.019:5", Label: commands.Raw("Schritt 5 erledigt"), Primary: true},
			{ActionID: "done", Value: "F.019:6", Label: commands.Raw("Schritt 6 erledigt")},
		},
		commands.Context{commands.Raw("Quelle: Klimaschutzkonzept 2023")},
	}
}

func announcement() *commands.Announcement {
	return &commands.Announcement{
		ChannelID: "C123", Langs: []string{"de", "cs", "de"}, MeasureCode: "F.019",
		Parts: []commands.Part{
			commands.Paragraph{Text: commands.Plural("announce.done", 1, commands.Data{
				"Name": "Anna", "Measure": commands.Raw("F.019 Wärmeplanung"), "Steps": commands.StepList{5},
			})},
			commands.Paragraph{Text: commands.Raw("Beteiligung abgeschlossen <@U999> & dokumentiert")},
			commands.Progress{Done: 5, Total: 6},
		},
	}
}

// marshal returns blocks as Slack receives them, re-indented without HTML
// escaping so golden files stay readable.
func marshal(tb testing.TB, blocks []slack.Block) []byte {
	tb.Helper()
	raw, err := json.Marshal(slack.Blocks{BlockSet: blocks})
	if err != nil {
		tb.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name+".json")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./bot -run %s -update)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; got:\n%s", path, got)
	}
}

func TestGolden(t *testing.T) {
	b := mustBundle(t)
	buttons := []commands.Part{
		commands.Buttons{
			{ActionID: "log", Value: "F.019", Label: commands.Raw("Fortschritt"), Primary: true},
			{ActionID: "log", Value: "F.020", Label: commands.Raw("Noch einer")},
			{ActionID: "status", Value: "F.019", Label: commands.Raw(strings.Repeat("sehr lang ", 10))},
		},
		commands.Divider{},
		commands.Context{commands.Raw("a"), commands.Raw("b")},
	}
	tests := []struct {
		name   string
		blocks []slack.Block
	}{
		{"status.de", MessageBlocks(commands.Reply{Lang: "de", Parts: statusParts()}, b)},
		{"status.cs", MessageBlocks(commands.Reply{Lang: "cs", Parts: statusParts()}, b)},
		{"announcement.de-cs", AnnouncementBlocks(announcement(), b)},
		{"buttons.de", Blocks(buttons, b.For("de"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := marshal(t, tt.blocks)
			checkLimits(t, got)
			golden(t, tt.name, got)
		})
	}
}

// message is the part of Block Kit JSON the limit checks read.
type message struct {
	Blocks []struct {
		Type     string         `json:"type"`
		Text     *textObject    `json:"text"`
		Fields   []textObject   `json:"fields"`
		Elements []blockElement `json:"elements"`
	} `json:"blocks"`
}

type textObject struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

type blockElement struct {
	Type     string      `json:"type"`
	Text     *textObject `json:"text"` // a button's label
	TextStr  string      // a context element's text, filled from raw
	ActionID string      `json:"action_id"`
	Value    string      `json:"value"`
}

func (e *blockElement) UnmarshalJSON(b []byte) error {
	var v map[string]json.RawMessage
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	_ = json.Unmarshal(v["type"], &e.Type)
	_ = json.Unmarshal(v["action_id"], &e.ActionID)
	_ = json.Unmarshal(v["value"], &e.Value)
	if e.Type == "button" {
		e.Text = &textObject{}
		return json.Unmarshal(v["text"], e.Text)
	}
	return json.Unmarshal(v["text"], &e.TextStr)
}

var entity = regexp.MustCompile(`&(amp|lt|gt);`)

// checkLimits asserts Slack's limits on marshalled blocks, and that no
// text holds an unescaped "<" or a cut escape.
func checkLimits(t *testing.T, raw []byte) message {
	t.Helper()
	var m message
	if err := json.Unmarshal([]byte(`{"blocks":`+string(raw)+`}`), &m); err != nil {
		t.Fatalf("unmarshal: %v\n%s", err, raw)
	}
	if len(m.Blocks) > MaxBlocks {
		t.Errorf("%d blocks, want at most %d", len(m.Blocks), MaxBlocks)
	}
	text := func(where, s string, max int, mrkdwn bool) {
		n := utf8.RuneCountInString(s)
		if n == 0 || n > max {
			t.Errorf("%s: %d characters, want 1..%d", where, n, max)
		}
		if !utf8.ValidString(s) {
			t.Errorf("%s: invalid UTF-8", where)
		}
		if mrkdwn {
			if strings.ContainsAny(s, "<>") {
				t.Errorf("%s: unescaped < or > in %q", where, s)
			}
			if strings.Count(s, "&") != len(entity.FindAllString(s, -1)) {
				t.Errorf("%s: bare or cut & in %q", where, s)
			}
		}
	}
	ids := map[string]bool{}
	for i, bl := range m.Blocks {
		where := fmt.Sprintf("block %d (%s)", i, bl.Type)
		switch bl.Type {
		case "header":
			if bl.Text == nil || bl.Text.Type != "plain_text" {
				t.Errorf("%s: want plain_text", where)
				continue
			}
			text(where, bl.Text.Text, MaxHeaderText, false)
		case "section":
			if bl.Text == nil && len(bl.Fields) == 0 {
				t.Errorf("%s: empty", where)
			}
			if bl.Text != nil {
				text(where, bl.Text.Text, MaxSectionText, true)
			}
			if len(bl.Fields) > MaxFields {
				t.Errorf("%s: %d fields", where, len(bl.Fields))
			}
			for _, f := range bl.Fields {
				text(where+" field", f.Text, MaxFieldText, true)
			}
		case "context":
			if n := len(bl.Elements); n == 0 || n > MaxContextElements {
				t.Errorf("%s: %d elements", where, n)
			}
			for _, e := range bl.Elements {
				text(where, e.TextStr, MaxSectionText, true)
			}
		case "actions":
			if n := len(bl.Elements); n == 0 || n > MaxActionElements {
				t.Errorf("%s: %d elements", where, n)
			}
			for _, e := range bl.Elements {
				if e.ActionID == "" || len(e.ActionID) > MaxActionID || ids[e.ActionID] {
					t.Errorf("%s: action_id %q empty, too long or repeated", where, e.ActionID)
				}
				ids[e.ActionID] = true
				if len(e.Value) > MaxButtonValue {
					t.Errorf("%s: value of %d bytes", where, len(e.Value))
				}
				text(where+" button", e.Text.Text, MaxButtonText, false)
			}
		case "divider":
		default:
			t.Errorf("%s: unexpected block type", where)
		}
	}
	return m
}

func TestLimitsHugeReplies(t *testing.T) {
	b := mustBundle(t)
	items := make([]commands.Item, 200)
	for i := range items {
		items[i] = commands.Item{Mark: commands.Mark(i % 4), Text: commands.Raw(fmt.Sprintf("%d. Schritt <%d> & mehr", i+1, i)),
			Sub: commands.Msg("status.step_planned", commands.Data{"When": "2030"})}
	}
	many := func(n int, p commands.Part) []commands.Part {
		out := make([]commands.Part, n)
		for i := range out {
			out[i] = p
		}
		return out
	}
	var fields commands.Fields
	for i := range 25 {
		fields = append(fields, commands.Field{Label: commands.Raw(fmt.Sprint("Feld ", i)), Value: commands.Raw("Wert")})
	}
	fields = append(fields, commands.Field{Label: commands.Raw("Lang"), Value: commands.Raw(strings.Repeat("x", 5000))})
	var buttons commands.Buttons
	for range 60 {
		buttons = append(buttons, commands.Button{ActionID: "done", Value: "v", Label: commands.Raw("OK")})
	}
	buttons = append(buttons,
		commands.Button{ActionID: strings.Repeat("ä", 300), Value: "v", Label: commands.Raw("lang")},
		commands.Button{ActionID: "toolong", Value: strings.Repeat("v", MaxButtonValue+1), Label: commands.Raw("weg")},
	)
	var ctx commands.Context
	for range 23 {
		ctx = append(ctx, commands.Raw(strings.Repeat("<!here> ", 500)))
	}
	tests := []struct {
		name      string
		parts     []commands.Part
		wantHint  bool
		wantCount int // blocks, 0: unchecked
	}{
		{"200 items", []commands.Part{commands.List{Title: commands.Raw("Liste"), Items: items}}, false, 0},
		{"10,000-char paragraph", []commands.Part{commands.Paragraph{Text: commands.Raw(strings.Repeat("Wort ", 2000))}}, true, 1},
		{"10,000 ampersands", []commands.Part{commands.Paragraph{Text: commands.Raw(strings.Repeat("&", 10000))}}, true, 1},
		{"long header", []commands.Part{commands.Header{Text: commands.Raw(strings.Repeat("Überschrift ", 30))}}, false, 1},
		{"one huge item", []commands.Part{commands.List{Items: []commands.Item{{Text: commands.Raw(strings.Repeat("y", 9000))}}}}, true, 1},
		{"fields", []commands.Part{fields}, true, 4},
		{"buttons", []commands.Part{buttons}, false, 3},
		{"contexts", []commands.Part{ctx}, true, 3},
		{"60 paragraphs", many(60, commands.Paragraph{Text: commands.Raw("Absatz")}), true, MaxBlocks},
		{"50 paragraphs", many(50, commands.Paragraph{Text: commands.Raw("Absatz")}), false, MaxBlocks},
		{"everything", append(many(40, commands.Divider{}), commands.Paragraph{Text: commands.Raw(strings.Repeat("z", 10000))},
			commands.List{Items: items}, fields, buttons, ctx), true, MaxBlocks},
	}
	hint := b.For("de").Msg(truncatedID, nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := marshal(t, Blocks(tt.parts, b.For("de")))
			m := checkLimits(t, raw)
			if tt.wantCount > 0 && len(m.Blocks) != tt.wantCount {
				t.Errorf("%d blocks, want %d", len(m.Blocks), tt.wantCount)
			}
			if got := strings.Contains(string(raw), hint); got != tt.wantHint {
				t.Errorf("hint shown = %v, want %v", got, tt.wantHint)
			}
		})
	}
}

// TestListSplitsBetweenItems checks that a long list loses no item: it goes
// on in further sections.
func TestListSplitsBetweenItems(t *testing.T) {
	b := mustBundle(t)
	items := make([]commands.Item, 200)
	for i := range items {
		items[i] = commands.Item{Mark: commands.MarkOpen, Text: commands.Raw(fmt.Sprintf("Schritt %03d mit etwas mehr Text", i+1))}
	}
	m := checkLimits(t, marshal(t, Blocks([]commands.Part{commands.List{Title: commands.Raw("Liste"), Items: items}}, b.For("de"))))
	var all strings.Builder
	for _, bl := range m.Blocks {
		all.WriteString(bl.Text.Text + "\n")
	}
	for i := range items {
		if !strings.Contains(all.String(), fmt.Sprintf("⬜ Schritt %03d mit etwas mehr Text\n", i+1)) {
			t.Fatalf("item %d missing", i+1)
		}
	}
	if !strings.HasPrefix(m.Blocks[0].Text.Text, "*Liste*\n") || strings.Contains(m.Blocks[1].Text.Text, "Liste") {
		t.Errorf("title not in the first section only")
	}
}

func TestEscaping(t *testing.T) {
	b := mustBundle(t)
	evil := "<!channel> Tom & Jerry <@U123|x> <https://evil.example|click>"
	parts := []commands.Part{
		commands.Header{Text: commands.Raw(evil)},
		commands.Paragraph{Text: commands.Raw(evil)},
		commands.Paragraph{Text: commands.Msg("announce.log", commands.Data{"Name": evil, "Measure": commands.Raw(evil)})},
		commands.Fields{{Label: commands.Raw(evil), Value: commands.Raw(evil)}},
		commands.List{Title: commands.Raw(evil), Items: []commands.Item{{Text: commands.Raw(evil), Sub: commands.Raw(evil)}}},
		commands.Context{commands.Raw(evil), commands.Msg("deadline.line", commands.Data{
			"Date": commands.NewDate(2025, 1, 2), "Text": []commands.Text{commands.Raw(evil)}, "Relative": commands.Relative(2),
		})},
		commands.Buttons{{ActionID: "x", Value: evil, Label: commands.Raw(evil)}},
	}
	raw := marshal(t, Blocks(parts, b.For("de")))
	checkLimits(t, raw) // fails on any unescaped < or > in mrkdwn
	escaped := "&lt;!channel&gt; Tom &amp; Jerry &lt;@U123|x&gt;"
	if n := strings.Count(string(raw), escaped); n != 10 {
		t.Errorf("escaped form found %d times, want 10:\n%s", n, raw)
	}
	// The template's own formatting stays.
	if !strings.Contains(string(raw), "*"+escaped) {
		t.Errorf("announce.log lost its *bold*:\n%s", raw)
	}
	fb := FallbackText(parts, b.For("de"))
	if strings.ContainsAny(fb, "<>") || !strings.Contains(fb, escaped) {
		t.Errorf("FallbackText not escaped: %q", fb)
	}
}

func TestButtons(t *testing.T) {
	b := mustBundle(t)
	parts := []commands.Part{
		commands.Buttons{
			{ActionID: "done", Value: "1", Label: commands.Raw("Eins"), Primary: true},
			{ActionID: "done", Value: "2", Label: commands.Raw("Zwei")},
		},
		commands.Buttons{{ActionID: "done", Value: "3", Label: commands.Raw("Drei")}, {ActionID: "done#2", Value: "4", Label: commands.Raw("Vier")}},
	}
	blocks := Blocks(parts, b.For("de"))
	var got []string
	for _, bl := range blocks {
		for _, e := range bl.(*slack.ActionBlock).Elements.ElementSet {
			bt := e.(*slack.ButtonBlockElement)
			got = append(got, fmt.Sprintf("%s=%s:%s:%s", bt.ActionID, BaseActionID(bt.ActionID), bt.Value, bt.Style))
		}
	}
	want := []string{"done=done:1:primary", "done#2=done:2:", "done#3=done:3:", "done#2#2=done#2:4:"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("buttons %v, want %v", got, want)
	}
	for in, want := range map[string]string{"a#b": "a#b", "a#": "a#", "a#12": "a", "a#-1": "a#-1", "a#2#3": "a#2", "plain": "plain"} {
		if got := BaseActionID(in); got != want {
			t.Errorf("BaseActionID(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAnnouncement(t *testing.T) {
	b := mustBundle(t)
	blocks := AnnouncementBlocks(announcement(), b)
	// de, divider, cs: three blocks each, the repeated "de" once.
	if len(blocks) != 7 || blocks[3].BlockType() != slack.MBTDivider {
		t.Fatalf("got %d blocks: %s", len(blocks), marshal(t, blocks))
	}
	raw := string(marshal(t, blocks))
	de, cs := strings.Index(raw, "hat bei"), strings.Index(raw, "označil(a)")
	if de < 0 || cs < 0 || de > cs {
		t.Errorf("want German before Czech:\n%s", raw)
	}
	if AnnouncementBlocks(nil, b) != nil {
		t.Error("nil announcement rendered")
	}
	none := &commands.Announcement{Parts: []commands.Part{commands.Paragraph{Text: commands.Msg("announce.log", commands.Data{"Name": "A", "Measure": "M"})}}}
	if got := string(marshal(t, AnnouncementBlocks(none, b))); !strings.Contains(got, "hat Fortschritt zu") {
		t.Errorf("no languages: want the default (German), got %s", got)
	}
	if got := AnnouncementText(announcement(), b); got != "Anna hat bei F.019 Wärmeplanung Schritt 5 erledigt." {
		t.Errorf("AnnouncementText = %q", got)
	}
}

func TestFallbackText(t *testing.T) {
	b := mustBundle(t)
	got := FallbackText([]commands.Part{commands.Paragraph{Text: commands.Raw(strings.Repeat("&", 5000))}}, b.For("de"))
	if n := utf8.RuneCountInString(got); n > MaxFallbackText || !strings.HasSuffix(got, "&amp;…") {
		t.Errorf("FallbackText: %d characters, ends %q", n, got[len(got)-12:])
	}
	if got := MessageText(commands.Reply{Lang: "cs", Parts: statusParts()}, b); !strings.HasPrefix(got, "F.019 Kommunale Wärmeplanung &amp;") ||
		!strings.Contains(got, "splněno 4 z 6 kroků") {
		t.Errorf("MessageText = %q", got)
	}
	// A count beyond the total must not panic (commands.ProgressBar would).
	for _, p := range []commands.Progress{{Done: 7, Total: 6}, {Done: -1, Total: 6}, {Done: 1, Total: -2}} {
		FallbackText([]commands.Part{p}, b.For("de"))
		checkLimits(t, marshal(t, Blocks([]commands.Part{p}, b.For("de"))))
	}
}

func TestEmptyPartsAddNothing(t *testing.T) {
	b := mustBundle(t)
	parts := []commands.Part{
		commands.Header{}, commands.Paragraph{Text: commands.Raw("  \n")}, commands.Fields{{}},
		commands.Context{commands.Raw("")}, commands.Buttons{}, commands.List{},
	}
	if got := Blocks(parts, b.For("de")); len(got) != 0 {
		t.Errorf("got %s", marshal(t, got))
	}
}

func TestCut(t *testing.T) {
	for _, tt := range []struct {
		s    string
		max  int
		want string
	}{
		{"abc", 3, "abc"},
		{"abcd", 3, "ab…"},
		{"äöüß", 3, "äö…"},
		{"a &amp; b", 5, "a…"},
		{"ab&lt;c", 5, "ab…"},
		{"ab&lt;c", 7, "ab&lt;c"},
		{"abcdef", 1, "…"},
	} {
		if got := cut(tt.s, tt.max, "…"); got != tt.want {
			t.Errorf("cut(%q, %d) = %q, want %q", tt.s, tt.max, got, tt.want)
		}
	}
}

// FuzzBlocks renders people's words in every kind of part and checks the
// result against Slack's limits and escaping.
func FuzzBlocks(f *testing.F) {
	b := mustBundle(f)
	f.Add("<!channel> & <@U1>", 3, 10)
	f.Add(strings.Repeat("&", 3001), 60, 1)
	f.Add("\xff\xfe ä\n\n_x_ *y*", 0, 0)
	f.Add(strings.Repeat("Überschrift ", 20), 200, 3)
	f.Fuzz(func(t *testing.T, s string, n, done int) {
		n = min(max(n, 0), 300)
		items := make([]commands.Item, n)
		var fields commands.Fields
		var buttons commands.Buttons
		var ctx commands.Context
		for i := range items {
			items[i] = commands.Item{Mark: commands.Mark(i % 4), Text: commands.Raw(s), Sub: commands.Raw(s)}
			fields = append(fields, commands.Field{Label: commands.Raw(s), Value: commands.Raw(s)})
			buttons = append(buttons, commands.Button{ActionID: s, Value: s, Label: commands.Raw(s)})
			ctx = append(ctx, commands.Raw(s))
		}
		parts := []commands.Part{
			commands.Header{Text: commands.Raw(s)}, commands.Paragraph{Text: commands.Raw(s)},
			commands.List{Title: commands.Raw(s), Items: items}, fields, buttons, ctx,
			commands.Progress{Done: done, Total: n}, commands.Divider{},
		}
		checkLimits(t, marshal(t, Blocks(parts, b.For("cs"))))
		if fb := FallbackText(parts, b.For("cs")); utf8.RuneCountInString(fb) > MaxFallbackText || strings.ContainsAny(fb, "<>") {
			t.Fatalf("FallbackText %q", fb)
		}
	})
}
