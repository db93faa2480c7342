package calendar_test

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	ics "github.com/arran4/golang-ical"
)

// This file checks iCalendar text against RFC 5545 by itself, without the
// library that wrote it: content lines (3.1), the required properties of
// VCALENDAR (3.6, 3.7) and VEVENT (3.6.1), and all-day dates (3.3.4).

// prop is one unfolded content line: NAME;PARAMS:VALUE.
type prop struct {
	Name   string
	Params string // ";VALUE=DATE", as written
	Value  string // still escaped
}

// component is a parsed BEGIN…END block.
type component struct {
	Name     string
	Props    []prop
	Children []*component
}

func (c *component) all(name string) []prop {
	var out []prop
	for _, p := range c.Props {
		if p.Name == name {
			out = append(out, p)
		}
	}
	return out
}

// one returns the only property name, failing when there is not exactly one.
func (c *component) one(t testing.TB, name string) prop {
	t.Helper()
	ps := c.all(name)
	if len(ps) != 1 {
		t.Fatalf("%s has %d %s properties, want exactly 1", c.Name, len(ps), name)
	}
	return ps[0]
}

// contentLines checks RFC 5545 3.1 on data and returns the unfolded lines:
// every line ends in CRLF (no bare CR or LF), is at most 75 octets without
// the line break, is valid UTF-8 on its own (a fold never cuts a character),
// and a line that starts with a space or tab continues the one before.
func contentLines(data []byte) ([]string, error) {
	if len(data) == 0 || !bytes.HasSuffix(data, []byte("\r\n")) {
		return nil, fmt.Errorf("does not end in CRLF")
	}
	raw := strings.Split(strings.TrimSuffix(string(data), "\r\n"), "\r\n")
	var out []string
	for i, l := range raw {
		if strings.ContainsAny(l, "\r\n") {
			return nil, fmt.Errorf("line %d holds a bare CR or LF: %q", i+1, l)
		}
		if len(l) > 75 {
			return nil, fmt.Errorf("line %d is %d octets long: %q", i+1, len(l), l)
		}
		if !utf8.ValidString(l) {
			return nil, fmt.Errorf("line %d is not valid UTF-8 on its own (a fold cut a character): %q", i+1, l)
		}
		if l == "" {
			return nil, fmt.Errorf("line %d is empty", i+1)
		}
		if l[0] == ' ' || l[0] == '\t' {
			if len(out) == 0 {
				return nil, fmt.Errorf("line %d continues nothing", i+1)
			}
			out[len(out)-1] += l[1:]
			continue
		}
		out = append(out, l)
	}
	return out, nil
}

var nameRe = regexp.MustCompile(`^[A-Za-z0-9-]+`)

// parseICS parses data into its VCALENDAR after checking content lines.
func parseICS(data []byte) (*component, error) {
	lines, err := contentLines(data)
	if err != nil {
		return nil, err
	}
	var stack []*component
	var root *component
	for _, l := range lines {
		name := nameRe.FindString(l)
		if name == "" {
			return nil, fmt.Errorf("no property name: %q", l)
		}
		rest := l[len(name):]
		colon := valueColon(rest)
		if colon < 0 {
			return nil, fmt.Errorf("no ':' in %q", l)
		}
		p := prop{Name: strings.ToUpper(name), Params: rest[:colon], Value: rest[colon+1:]}
		if err := checkParams(p); err != nil {
			return nil, err
		}
		switch p.Name {
		case "BEGIN":
			c := &component{Name: p.Value}
			if len(stack) == 0 {
				if root != nil {
					return nil, fmt.Errorf("a second top-level component %s", p.Value)
				}
				root = c
			} else {
				top := stack[len(stack)-1]
				top.Children = append(top.Children, c)
			}
			stack = append(stack, c)
		case "END":
			if len(stack) == 0 || stack[len(stack)-1].Name != p.Value {
				return nil, fmt.Errorf("END:%s does not close the open component", p.Value)
			}
			stack = stack[:len(stack)-1]
		default:
			if len(stack) == 0 {
				return nil, fmt.Errorf("property %s outside a component", p.Name)
			}
			top := stack[len(stack)-1]
			top.Props = append(top.Props, p)
		}
	}
	if root == nil || len(stack) != 0 || root.Name != "VCALENDAR" {
		return nil, fmt.Errorf("not one closed VCALENDAR")
	}
	return root, nil
}

// checkParams checks that each parameter of p is NAME=VALUE and appears
// once (RFC 5545 3.2: a parameter is not repeated in one property).
func checkParams(p prop) error {
	if p.Params == "" {
		return nil
	}
	if p.Params[0] != ';' || strings.Contains(p.Params, `"`) {
		return fmt.Errorf("%s: parameters %q", p.Name, p.Params)
	}
	seen := map[string]bool{}
	for _, kv := range strings.Split(p.Params[1:], ";") {
		k, v, ok := strings.Cut(kv, "=")
		k = strings.ToUpper(k)
		if !ok || v == "" || !nameRe.MatchString(k) {
			return fmt.Errorf("%s: parameter %q", p.Name, kv)
		}
		if seen[k] {
			return fmt.Errorf("%s: parameter %s twice in %q", p.Name, k, p.Params)
		}
		seen[k] = true
	}
	return nil
}

// valueColon finds the ':' that starts the value, skipping quoted
// parameter values.
func valueColon(s string) int {
	quoted := false
	for i, r := range s {
		switch {
		case r == '"':
			quoted = !quoted
		case r == ':' && !quoted:
			return i
		}
	}
	return -1
}

// unescapeText undoes RFC 5545 3.3.11 TEXT escaping.
func unescapeText(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
			switch s[i] {
			case 'n', 'N':
				b.WriteByte('\n')
			default:
				b.WriteByte(s[i])
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

var (
	dateRe  = regexp.MustCompile(`^\d{8}$`)
	stampRe = regexp.MustCompile(`^\d{8}T\d{6}Z$`)
)

// checkRFC5545 parses data and checks what RFC 5545 requires of a calendar
// of all-day events: VERSION:2.0 and PRODID once in VCALENDAR, and in each
// VEVENT exactly one UID, DTSTAMP (UTC date-time) and DTSTART with
// VALUE=DATE, a DTEND (if any) that is a later DATE, no unescaped ',' or ';'
// in TEXT values. It also reads data with the library's parser. It returns
// the VEVENTs by UID.
func checkRFC5545(t testing.TB, data []byte) map[string]*component {
	t.Helper()
	cal, err := parseICS(data)
	if err != nil {
		t.Fatalf("not RFC 5545 content: %v\n%s", err, data)
	}
	if v := cal.one(t, "VERSION"); v.Value != "2.0" {
		t.Errorf("VERSION:%s", v.Value)
	}
	if p := cal.one(t, "PRODID"); p.Value == "" {
		t.Error("empty PRODID")
	}
	events := map[string]*component{}
	for _, c := range cal.Children {
		if c.Name != "VEVENT" {
			t.Errorf("unexpected component %s", c.Name)
			continue
		}
		uid := c.one(t, "UID").Value
		if _, dup := events[uid]; dup {
			t.Errorf("UID %s twice", uid)
		}
		events[uid] = c
		if s := c.one(t, "DTSTAMP"); !stampRe.MatchString(s.Value) || s.Params != "" {
			t.Errorf("%s: DTSTAMP%s:%s is not a UTC date-time", uid, s.Params, s.Value)
		}
		start := c.one(t, "DTSTART")
		if start.Params != ";VALUE=DATE" || !dateRe.MatchString(start.Value) {
			t.Errorf("%s: DTSTART%s:%s is not an all-day date", uid, start.Params, start.Value)
		}
		if ends := c.all("DTEND"); len(ends) > 0 {
			if len(ends) > 1 || ends[0].Params != ";VALUE=DATE" || ends[0].Value <= start.Value {
				t.Errorf("%s: DTEND %+v after DTSTART %s", uid, ends, start.Value)
			}
		}
		for _, name := range []string{"SUMMARY", "DESCRIPTION"} {
			for _, p := range c.all(name) {
				if unescaped := regexp.MustCompile(`(^|[^\\])(\\\\)*[,;]`); unescaped.MatchString(p.Value) {
					t.Errorf("%s: %s has an unescaped , or ;: %q", uid, name, p.Value)
				}
			}
		}
	}
	if _, err := ics.ParseCalendar(bytes.NewReader(data)); err != nil {
		t.Errorf("the library's parser refuses it: %v", err)
	}
	return events
}

// TestContentLinesCatchesBadFolds makes sure the checker itself fails on
// what it must catch.
func TestContentLinesCatchesBadFolds(t *testing.T) {
	long := "SUMMARY:" + strings.Repeat("x", 70) + "\r\n"
	cut := []byte("SUMMARY:" + strings.Repeat("x", 66) + "\xc5\r\n \x99ek\r\n") // "ř" cut in two
	for name, data := range map[string][]byte{
		"too long": []byte(long),
		"bare LF":  []byte("BEGIN:VCALENDAR\nEND:VCALENDAR\r\n"),
		"cut rune": cut,
		"no CRLF":  []byte("BEGIN:VCALENDAR"),
	} {
		if _, err := contentLines(data); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if lines, err := contentLines([]byte("A:b\r\n c\r\n")); err != nil || len(lines) != 1 || lines[0] != "A:bc" {
		t.Errorf("unfold = %q, %v", lines, err)
	}
	if _, err := parseICS([]byte("BEGIN:VCALENDAR\r\nREFRESH-INTERVAL;VALUE=DURATION;VALUE=DURATION:PT4H\r\nEND:VCALENDAR\r\n")); err == nil {
		t.Error("accepted a repeated parameter")
	}
}
