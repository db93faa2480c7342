package commands_test

import (
	"strings"
	"testing"

	"github.com/klimabot/klimabot/commands"
)

// TestLogQuote: on the submitter's rights; the author keeps their words,
// the submitter's are theirs; status and the announcement attribute each;
// someone logging their own message is no "logged by".
func TestLogQuote(t *testing.T) {
	f := newFixture(t)
	if r := f.exec("UADMIN", "CFOLLOW", "folgen F.019"); r.Err != nil {
		t.Fatal(r.Text(f.b))
	}
	zoe := commands.Person{ID: "UZOE", Name: "Zoe Zweite"}
	anna := commands.Person{ID: "UANNA", Name: "Anna Schmidt"}
	q := commands.Quote{Author: anna, Text: "  Workshop geplant. ", MessageTS: "1.2"}

	r := f.svc.LogQuote(f.ctx, commands.Request{User: zoe, ChannelID: "COTHER"}, "F.019", q, "")
	if r.Err == nil || r.Err.Code != commands.EFORBIDDEN {
		t.Fatalf("a member logging in a channel that does not follow: %+v", r.Err)
	}
	r = f.svc.LogQuote(f.ctx, commands.Request{User: zoe, ChannelID: "CFOLLOW"}, "F.019", q, "Mit Protokoll.")
	if r.Err != nil {
		t.Fatal(r.Text(f.b))
	}
	es, err := f.db.Entries(f.ctx, f.measure("F.019").ID, 1)
	if err != nil || len(es) != 1 {
		t.Fatal(err)
	}
	if e := es[0]; e.Author != anna || e.Text != "Workshop geplant." || e.Submitter != zoe || e.Addition != "Mit Protokoll." || e.MessageTS != "1.2" {
		t.Errorf("entry = %+v", e)
	}
	ann := commands.PlainText(r.Announce.Parts, f.b.For("de"))
	for _, want := range []string{"Zoe Zweite hat eine Nachricht von Anna Schmidt als Fortschritt zu *F.019", "Workshop geplant.", "*Ergänzung von Zoe Zweite:* Mit Protokoll."} {
		if !strings.Contains(ann, want) {
			t.Errorf("announcement lacks %q:\n%s", want, ann)
		}
	}
	status := f.exec("UANNA", "CFOLLOW", "stand F.019").Text(f.b)
	if !strings.Contains(status, "Workshop geplant. — Ergänzung von Zoe Zweite: Mit Protokoll.") || !strings.Contains(status, "Anna Schmidt (eingetragen von Zoe Zweite)") {
		t.Errorf("status:\n%s", status)
	}

	// one's own message: no "logged by"
	r = f.svc.LogQuote(f.ctx, commands.Request{User: anna, ChannelID: "CFOLLOW"}, "F.019", commands.Quote{Author: anna, Text: "Selbst eingetragen."}, "")
	if r.Err != nil {
		t.Fatal(r.Text(f.b))
	}
	if ann := commands.PlainText(r.Announce.Parts, f.b.For("de")); !strings.HasPrefix(ann, "Anna Schmidt hat Fortschritt zu") {
		t.Errorf("own message announced as %q", ann)
	}
	es, _ = f.db.Entries(f.ctx, f.measure("F.019").ID, 1)
	if got := commands.EntryByline(es[0]).Render(f.b.For("de")); got != "Anna Schmidt" {
		t.Errorf("byline of one's own message = %q", got)
	}
}
