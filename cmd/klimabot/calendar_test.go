package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	ics "github.com/arran4/golang-ical"
)

// icsUIDs parses an iCalendar text with the library's parser and returns
// its events' UIDs, sorted, and their summaries by UID.
func icsUIDs(t *testing.T, data string) ([]string, map[string]string) {
	t.Helper()
	if !strings.HasPrefix(data, "BEGIN:VCALENDAR\r\n") || strings.Count(data, "\n") != strings.Count(data, "\r\n") {
		t.Fatalf("not a CRLF iCalendar text:\n%q", data[:min(len(data), 200)])
	}
	cal, err := ics.ParseCalendar(strings.NewReader(data))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	var uids []string
	summaries := map[string]string{}
	for _, ev := range cal.Events() {
		uid := ev.Id()
		uids = append(uids, uid)
		if p := ev.GetProperty(ics.ComponentPropertySummary); p != nil {
			summaries[uid] = ics.FromText(p.Value)
		}
	}
	slices.Sort(uids)
	return uids, summaries
}

// TestExportICS: klimabot export --format ics writes the open deadlines as
// an iCalendar file; a second export has the same UIDs; a step ticked off
// in between leaves it; --lang names the language; an unknown code is
// named.
func TestExportICS(t *testing.T) {
	env := demoDB(t)
	r := runCmd(t, env, "", "export", "--format", "ics", "--now", exportNow, "F.019")
	if r.err != nil {
		t.Fatalf("ics: %v\n%s", r.err, r.stderr)
	}
	uids, summaries := icsUIDs(t, r.stdout)
	if len(uids) == 0 {
		t.Fatal("no events")
	}
	for _, uid := range uids {
		if !regexp.MustCompile(`^[ds][0-9.]+@[0-9a-f]{16}\.klimabot$`).MatchString(uid) {
			t.Errorf("UID %q", uid)
		}
		if !strings.HasPrefix(summaries[uid], "F.019 – ") {
			t.Errorf("%s: SUMMARY %q does not name the measure", uid, summaries[uid])
		}
	}
	step5 := "" // the demo's deadline of step 5
	for uid, s := range summaries {
		if strings.HasPrefix(s, "F.019 – Frist: Termin für den bilateralen Austausch") {
			step5 = uid
		}
	}
	if step5 == "" {
		t.Fatalf("no event for step 5 in %v", summaries)
	}

	again := runCmd(t, env, "", "export", "--format", "ics", "F.019")
	if again.err != nil {
		t.Fatal(again.err)
	}
	if uids2, _ := icsUIDs(t, again.stdout); !slices.Equal(uids, uids2) {
		t.Errorf("a second export has other UIDs:\n%v\n%v", uids, uids2)
	}

	if c := runCmd(t, env, "erledigt F.019 5\n", "console"); c.err != nil {
		t.Fatalf("console: %v\n%s", c.err, c.stderr)
	}
	after := runCmd(t, env, "", "export", "--format", "ics", "--lang", "cs", "F.019")
	uids3, summaries3 := icsUIDs(t, after.stdout)
	if slices.Contains(uids3, step5) || len(uids3) != len(uids)-1 {
		t.Errorf("after step 5 was done: %v (before %v)", uids3, uids)
	}
	for uid, s := range summaries3 {
		if !strings.Contains(s, " – termín: ") && !strings.Contains(s, " – krok ") {
			t.Errorf("%s: SUMMARY %q is not Czech", uid, s)
		}
	}

	out := filepath.Join(t.TempDir(), "fristen.ics")
	all := runCmd(t, env, "", "export", "--format", "ics", "--out", out)
	if all.err != nil {
		t.Fatal(all.err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if uidsAll, _ := icsUIDs(t, string(data)); len(uidsAll) < len(uids3) || !bytes.Contains(data, []byte("X-WR-CALNAME:klimabot – Fristen")) {
		t.Errorf("all measures: %d events (F.019 alone has %d)", len(uidsAll), len(uids3))
	}

	bad := runCmd(t, env, "", "export", "--format", "ics", "F.91")
	if bad.err == nil || !strings.Contains(bad.stderr, "F.91") {
		t.Errorf("unknown code: %v\n%s", bad.err, bad.stderr)
	}
}
