package bot

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/slack-go/slack"

	"github.com/klimabot/klimabot/commands"
	"github.com/klimabot/klimabot/locales"
)

// The slash command's acknowledgement is encoded from ackMsg; its JSON must
// be what wire gives for the same message, and anything ackMsg cannot carry
// must fall back to wire.
func TestAckJSON_SameAsWire(t *testing.T) {
	bundle, err := locales.New()
	if err != nil {
		t.Fatal(err)
	}
	b := &Bot{bundle: bundle}
	r := commands.Reply{Lang: "de", Parts: []commands.Part{
		commands.Header{Text: commands.Raw("F.019 Klimapartnerschaft")},
		commands.Context{commands.Raw("klein")},
		commands.Fields{{Label: commands.Msg("label.status", nil), Value: commands.Raw("in Arbeit")}},
		commands.Progress{Done: 2, Total: 6},
	}}
	withMeta := *b.ephemeral(r)
	withMeta.Metadata = slack.SlackMetadata{EventType: "x"}
	replace := *b.ephemeral(r)
	replace.ReplaceOriginal = true
	for name, m := range map[string]slack.Msg{
		"ephemeral": *b.ephemeral(r), "no blocks": {ResponseType: "ephemeral", Text: "t"},
		"metadata": withMeta, "replace": replace,
	} {
		want, err := json.Marshal(wire(m))
		if err != nil {
			t.Fatal(err)
		}
		got, err := json.Marshal(ackJSON(m))
		if err != nil {
			t.Fatal(err)
		}
		var g, w any
		if err := json.Unmarshal(got, &g); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(want, &w); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(g, w) {
			t.Errorf("%s:\n got %s\nwant %s", name, got, want)
		}
	}
	if _, ok := ackJSON(withMeta).(wireMsg); !ok {
		t.Error("a message with metadata was not encoded by wire")
	}
	if _, ok := ackJSON(*b.ephemeral(r)).(ackMsg); !ok {
		t.Error("an ephemeral answer was not encoded as ackMsg")
	}
}

// BenchmarkAckJSON is the encoding of a status answer's acknowledgement:
// through wire (slack.Msg's fields, blocks encoded twice) and ackJSON.
func BenchmarkAckJSON(b *testing.B) {
	bundle, err := locales.New()
	if err != nil {
		b.Fatal(err)
	}
	bt := &Bot{bundle: bundle}
	items := make([]commands.Item, 6)
	for i := range items {
		items[i] = commands.Item{Mark: commands.MarkOpen, Text: commands.Raw("Schritt"), Sub: commands.Raw("geplant 2026")}
	}
	m := *bt.ephemeral(commands.Reply{Lang: "de", Parts: []commands.Part{
		commands.Header{Text: commands.Raw("P.00001 Maßnahme 1")},
		commands.Fields{{Label: commands.Msg("label.responsibility", nil), Value: commands.Raw("Stabstelle Klimaschutz")}},
		commands.Progress{Done: 2, Total: 6},
		commands.List{Title: commands.Msg("label.steps", nil), Items: items},
		commands.Context{commands.Raw("klein")},
	}})
	for _, c := range []struct {
		name string
		v    func() any
	}{{"wire", func() any { return wire(m) }}, {"ack", func() any { return ackJSON(m) }}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := json.Marshal(c.v()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
