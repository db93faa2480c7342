package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/klimabot/klimabot/commands"
)

// ticked is the state of a catch-up's checkboxes as a block_actions payload
// carries it (state.values: block id → action id → element state, the
// shape of the recorded view_submission state with a checkboxes element's
// selected_options), with the steps of F.019 ticked.
func ticked(h *harness, steps ...int) map[string]any {
	var opts []any
	for _, n := range steps {
		d := commands.Deadline{MeasureID: h.f019, Step: n, Implied: true, Due: testStepDue(n)}
		opts = append(opts, map[string]any{"text": map[string]any{"type": "plain_text", "text": fmt.Sprint(n), "emoji": true},
			"value": rowValue(d)})
	}
	return map[string]any{"values": map[string]any{
		"catchup:0": map[string]any{ActionCatchUpTick + "#0": map[string]any{"type": "checkboxes", "selected_options": opts}},
	}}
}

// testStepDue is the implied deadline of testF019's step n: 31 December of
// its planned year.
func testStepDue(n int) commands.Date {
	year := map[int]int{1: 2022, 2: 2023, 3: 2023, 4: 2024, 5: 2025, 6: 2025}[n]
	return commands.NewDate(year, 12, 31)
}

// confirmClick is a click on the catch-up's confirm button with state.
func confirmClick(t *testing.T, h *harness, user, ts, rurl string, state map[string]any) map[string]any {
	v := fmt.Sprint(h.f019)
	p := clickOn(t, user, homeTeam, chanF019, ts, nil, rurl, button(ActionCatchUpConfirm, "catchupok:"+v, v))
	p["state"] = state
	return p
}

// TestCatchUpMessage: the first reminder of a measure whose steps lie years
// in the past is one catch-up message with the steps as checkboxes and one
// confirm button, not a row of warnings with two buttons each; it is
// posted once per channel (issue 15.1).
func TestCatchUpMessage(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2027, 3, 24, 8, 0, 0, 0, time.UTC)
	h, r := remindHarness(t, now)
	if n, err := r.RunOnce(ctx); err != nil || n != 1 {
		t.Fatalf("RunOnce = %d, %v; want the one catch-up", n, err)
	}
	post := h.slack.callsOf("chat.postMessage")[0]
	blocks := post.Form.Get("blocks")
	mustContainAll(t, "catch-up", blocks,
		"*Abgleich mit der Zeitachse* – F.019", "*Srovnání s harmonogramem* – F.019",
		"Laut Zeitachse sind die Schritte 1, 2, 3, 4, 5 und 6 fällig",
		"Podle harmonogramu měly být kroky 1, 2, 3, 4, 5 a 6 už splněny",
		`"type":"checkboxes"`, `"action_id":"catchup_tick#0"`, `"block_id":"catchupok:`,
		"1. Analyse klimatischer Parallelen", "Frist: überfällig seit 31.12.2022 / po termínu od 31. 12. 2022",
		"Angekreuzte als erledigt vermerken / Zaškrtnuté označit jako splněné")
	if strings.Contains(blocks, ActionDeadlineDone) || strings.Contains(blocks, ActionDeadlinePostpone) {
		t.Errorf("catch-up with done/postpone buttons: %s", blocks)
	}
	if n := strings.Count(blocks, `"value":"s`); n != 6 {
		t.Errorf("%d checkboxes, want 6", n)
	}
	if post.Form.Get("metadata") == "" {
		t.Error("catch-up without its claim in the metadata")
	}
	cleanLine(t, "catch-up text", post.Form.Get("text"))
	// the next weeks: no second catch-up, and the steps thin out monthly
	for day := 1; day <= 60; day++ {
		r.Now = func() time.Time { return now.AddDate(0, 0, day) }
		if _, err := r.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
	}
	posts := h.slack.callsOf("chat.postMessage")
	for _, p := range posts[1:] {
		if strings.Contains(p.Form.Get("blocks"), "checkboxes") {
			t.Errorf("a second catch-up: %s", p.Form.Get("blocks"))
		}
	}
	// step 1 (due 31.12.2022) is reminded monthly now: on days 14 and 44,
	// not every week
	n := 0
	for _, p := range posts[1:] {
		if strings.Contains(p.Form.Get("blocks"), "Analyse klimatischer Parallelen") {
			n++
			// an ordinary reminder row, long overdue: the date, once
			mustContainAll(t, "monthly reminder", p.Form.Get("blocks"),
				"überfällig seit 31.12.2022 · 1. Analyse klimatischer Parallelen", "po termínu od 31. 12. 2022 · 1. Analyse")
			if strings.Contains(p.Form.Get("blocks"), "Tagen überfällig") {
				t.Errorf("a reminder counts days: %s", p.Form.Get("blocks"))
			}
		}
	}
	if n != 2 {
		t.Errorf("step 1 reminded %d times in the 60 days after the catch-up, want 2", n)
	}
}

// TestCatchUpConfirm: ticking steps 1-4 and confirming marks exactly them
// done on the clicker's rights, logs one entry, and rebuilds the message
// from the store with 5 and 6 still to tick; a second confirm from the
// stale copy changes nothing more.
func TestCatchUpConfirm(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2027, 3, 24, 8, 0, 0, 0, time.UTC)
	h, r := remindHarness(t, now)
	h.slack.users["UJANA"] = slackUser{Name: "Jana Nováková", Locale: "cs-CZ"}
	rurl := newResponseURL(t)
	if _, err := r.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	ts := h.lastTS()
	// a tick alone changes nothing
	before := h.state()
	tick := clickOn(t, "U1", homeTeam, chanF019, ts, nil, rurl.srv.URL, map[string]any{
		"type": "checkboxes", "action_id": ActionCatchUpTick + "#0", "block_id": "catchup:0", "action_ts": "1596530385.194939",
		"selected_options": ticked(h, 1)["values"].(map[string]any)["catchup:0"].(map[string]any)[ActionCatchUpTick+"#0"].(map[string]any)["selected_options"],
	})
	h.interact(tick)
	h.settle()
	if h.state() != before || len(h.slack.callsOf("chat.update")) != 0 {
		t.Fatal("ticking a box changed something")
	}

	h.interact(confirmClick(t, h, "UJANA", ts, rurl.srv.URL, ticked(h, 1, 2, 3, 4)))
	h.settle()
	m, err := h.db.Measure(ctx, "F.019")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range m.Steps {
		if want := s.Number <= 4; s.Done != want || (want && s.DoneBy.ID != "UJANA") {
			t.Errorf("step %d: done %v by %q", s.Number, s.Done, s.DoneBy.ID)
		}
	}
	if e, ok := h.entryWith("Schritte 1, 2, 3 und 4 als erledigt abgehakt (Abgleich mit der Zeitachse)."); !ok || e.Author.ID != "UJANA" || e.Source != commands.SourceButton {
		t.Errorf("entries: %+v", h.entries())
	}
	updates := h.slack.callsOf("chat.update")
	if len(updates) != 1 || updates[0].Form.Get("ts") != ts {
		t.Fatalf("updates: %+v", updates)
	}
	blocks := updates[0].Form.Get("blocks")
	mustContainAll(t, "rebuilt catch-up", blocks, "Erledigt von Jana Nováková am 24.03.2027", "5. Ratsbeschluss", `"type":"checkboxes"`)
	if n := strings.Count(blocks, `"value":"s`); n != 2 {
		t.Errorf("%d checkboxes left, want 2 (steps 5, 6): %s", n, blocks)
	}

	// the stale copy confirms 1-4 again, plus 5: only 5 changes, one entry
	h.interact(confirmClick(t, h, "U1", ts, rurl.srv.URL, ticked(h, 1, 2, 5)))
	h.settle()
	if _, ok := h.entryWith("Schritt 5 als erledigt abgehakt (Abgleich mit der Zeitachse)."); !ok {
		t.Errorf("entries: %+v", h.entries())
	}
	// all settled: no checkboxes, no button
	h.interact(confirmClick(t, h, "U1", ts, rurl.srv.URL, ticked(h, 6)))
	h.settle()
	updates = h.slack.callsOf("chat.update")
	last := updates[len(updates)-1].Form.Get("blocks")
	mustContainAll(t, "settled catch-up", last, "Alle Schritte dieses Abgleichs sind erledigt.")
	if strings.Contains(last, "checkboxes") || strings.Contains(last, ActionCatchUpConfirm) {
		t.Errorf("settled catch-up still has controls: %s", last)
	}
	// nothing ticked: said to the clicker, nothing written
	before = h.state()
	h.interact(confirmClick(t, h, "U1", ts, rurl.srv.URL, map[string]any{"values": map[string]any{}}))
	h.settle()
	if h.state() != before {
		t.Error("an empty confirm wrote")
	}
	got := rurl.got()
	if len(got) == 0 || !strings.Contains(got[len(got)-1].Text, "keinen Schritt angekreuzt") {
		t.Errorf("answers: %+v", got)
	}
}

// TestCatchUpRefusals: a confirm acts only on its own message's steps, on
// the clicker's rights at click time, one action per payload; anything else
// writes nothing.
func TestCatchUpRefusals(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2027, 3, 24, 8, 0, 0, 0, time.UTC)
	h, r := remindHarness(t, now)
	rurl := newResponseURL(t)
	d, err := h.db.AddDeadline(ctx, commands.Deadline{MeasureID: h.f019, Due: commands.NewDate(2027, 3, 25), Text: "Anruf"})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := r.RunOnce(ctx); err != nil || n != 2 {
		t.Fatalf("RunOnce = %d, %v; want the catch-up and the reminder", n, err)
	}
	catchUp, reminder := "1700001000.000001", h.lastTS()
	a1, err := h.db.Measure(ctx, "A.1")
	if err != nil {
		t.Fatal(err)
	}
	foreign := map[string]any{"values": map[string]any{"catchup:0": map[string]any{ActionCatchUpTick + "#0": map[string]any{
		"type": "checkboxes", "selected_options": []any{map[string]any{"value": fmt.Sprintf("s%d.1|2022-12-31", a1.ID)}}}}}}
	notOnMessage := map[string]any{"values": map[string]any{"catchup:0": map[string]any{ActionCatchUpTick + "#0": map[string]any{
		"type": "checkboxes", "selected_options": []any{map[string]any{"value": rowValue(d)}}}}}}
	mixed := ticked(h, 1, 2)
	mixed["values"].(map[string]any)["catchup:0"].(map[string]any)[ActionCatchUpTick+"#0"].(map[string]any)["selected_options"] = append(
		mixed["values"].(map[string]any)["catchup:0"].(map[string]any)[ActionCatchUpTick+"#0"].(map[string]any)["selected_options"].([]any),
		map[string]any{"value": rowValue(d)})
	otherMeasure := confirmClick(t, h, "U1", catchUp, rurl.srv.URL, ticked(h, 1))
	otherMeasure["actions"].([]any)[0].(map[string]any)["value"] = fmt.Sprint(a1.ID)
	twoActions := confirmClick(t, h, "U1", catchUp, rurl.srv.URL, ticked(h, 1))
	twoActions["actions"] = append(twoActions["actions"].([]any), twoActions["actions"].([]any)[0])

	before := h.state()
	for name, p := range map[string]map[string]any{
		"another measure's step":           confirmClick(t, h, "U1", catchUp, rurl.srv.URL, foreign),
		"a deadline not on the message":    confirmClick(t, h, "U1", catchUp, rurl.srv.URL, notOnMessage),
		"its steps and one not on it":      confirmClick(t, h, "U1", catchUp, rurl.srv.URL, mixed),
		"confirm on the ordinary reminder": confirmClick(t, h, "U1", reminder, rurl.srv.URL, ticked(h, 1)),
		"button value of another measure":  otherMeasure,
		"two actions in one payload":       twoActions,
		"a message of another channel (C9)": func() map[string]any {
			p := confirmClick(t, h, "U1", catchUp, rurl.srv.URL, ticked(h, 1))
			p["channel"].(map[string]any)["id"] = "C9"
			p["container"].(map[string]any)["channel_id"] = "C9"
			return p
		}(),
	} {
		h.interact(p)
		h.settle()
		if h.state() != before {
			t.Fatalf("%s changed the store", name)
		}
	}
	// after unfollow, a member's click is refused; nothing changes
	if _, body := h.command(adminUser, chanF019, "entfolgen F.019", ""); !strings.Contains(body, "F.019") {
		t.Fatalf("unfollow: %s", body)
	}
	partner := confirmClick(t, h, adminUser, catchUp, rurl.srv.URL, ticked(h, 1))
	partner["user"].(map[string]any)["team_id"] = "T0PARTNER"
	for _, p := range []map[string]any{confirmClick(t, h, "U1", catchUp, rurl.srv.URL, ticked(h, 1)), partner} {
		h.interact(p)
		h.settle()
		if h.state() != before {
			t.Fatal("a click after unfollow changed the store")
		}
	}
	got := rurl.got()
	if len(got) < 2 || !strings.Contains(got[len(got)-2].Text, "Dieser Kanal folgt der Maßnahme nicht") ||
		!strings.Contains(got[len(got)-1].Text, "Dieser Kanal folgt der Maßnahme nicht") {
		t.Errorf("answers after unfollow: %+v", got)
	}
	if len(h.slack.callsOf("chat.update")) != 0 {
		t.Error("a refused click updated a message")
	}
	// an admin of the installing workspace may, on the rights they have now
	h.interact(confirmClick(t, h, adminUser, catchUp, rurl.srv.URL, ticked(h, 1)))
	h.settle()
	if m, err := h.db.Measure(ctx, "F.019"); err != nil || !m.Steps[0].Done || m.Steps[0].DoneBy.ID != adminUser || m.Steps[1].Done {
		t.Errorf("admin's confirm: %+v %v", m.Steps[:2], err)
	}
	b, _ := json.Marshal(got)
	if strings.Count(string(b), "ephemeral") < 5 {
		t.Errorf("refusals not answered to the clickers: %s", b)
	}
}

// TestAppHomeOverdueAsDate: the App Home names a deadline overdue by more
// than 30 days by its date (testF019's step 1 is due 31.12.2022).
func TestAppHomeOverdueAsDate(t *testing.T) {
	h := newHarness(t)
	h.event("Ev310", map[string]any{"type": "app_home_opened", "user": "UCS", "channel": "D1", "tab": "home"}, nil)
	h.settle()
	pubs := h.slack.callsOf("views.publish")
	if len(pubs) != 1 {
		t.Fatalf("%d views.publish", len(pubs))
	}
	view, _ := json.Marshal(pubs[0].JSON["view"])
	mustContainAll(t, "home view", string(view), "Nejbližší termín: po termínu od 31. 12. 2022")
	if strings.Contains(string(view), "dní po termínu") {
		t.Errorf("the home counts days: %s", view)
	}
}
