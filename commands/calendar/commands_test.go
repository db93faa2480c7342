package calendar_test

import (
	"strings"
	"testing"
	"time"

	"github.com/klimabot/klimabot/commands"
	"github.com/klimabot/klimabot/commands/calendar"
)

// service is the command core over the fixture's store with its calendars.
func (f *fixture) service() *commands.Service {
	return &commands.Service{Store: f.db, Bundle: f.mk.Bundle, Now: func() time.Time { return now },
		DefaultLang: "de", DefaultTZ: "Europe/Berlin", Admins: map[string]bool{"UADMIN": true}, Calendars: f.mk}
}

func (f *fixture) run(s *commands.Service, user, channel, text string) commands.Reply {
	return s.Execute(f.ctx, commands.Request{User: commands.Person{ID: user, Name: user}, ChannelID: channel, Text: text})
}

// calendarFile returns the File part of a reply, if any.
func calendarFile(r commands.Reply) (commands.File, bool) {
	for _, p := range r.Parts {
		if f, ok := p.(commands.File); ok {
			return f, true
		}
	}
	return commands.File{}, false
}

// TestCalendarCommand: `calendar` and its words in every language answer
// with a paragraph, the .ics as a private File, and the caller's link.
func TestCalendarCommand(t *testing.T) {
	f := newFixture(t)
	s := f.service()
	tests := []struct {
		channel, text, lang, name string
		events                    int
		says                      []string
	}{
		{"C9", "/klima kalender F.019", "de", "klimabot-F.019.ics", 7, []string{
			"Kalender für F.019 Kommunale Klimapartnerschaft mit Nové Město nad Metují mit 7 offenen Fristen: Die Datei klimabot-F.019.ics geht nur an Sie.",
			"*Abonnieren* in Outlook oder Thunderbird (bleibt von selbst aktuell): https://klima.hilden.de/bot/calendar/",
			"Der Link ist privat: Wer ihn kennt, sieht ohne Anmeldung die offenen Fristen für F.019",
			"widerrufen mit `/klima kalender widerrufen`",
		}},
		{"C9", "kalendář f19", "cs", "klimabot-F.019.ics", 7, []string{
			"Kalendář pro F.019 Kommunale Klimapartnerschaft mit Nové Město nad Metují – 7 otevřených termínů: soubor klimabot-F.019.ics dostanete jen Vy.",
			"*Odběr* v Outlooku nebo Thunderbirdu",
			"zrušíte ho příkazem `/klima kalendář zrušit`",
		}},
		{"C9", "KALENDAR a.1", "cs", "klimabot-A.1.ics", 1, []string{"Kalendář pro A.1 Radverkehrskonzept – 1 otevřený termín"}},
		{"C9", "calendario todas", "es", "klimabot.ics", 8, []string{
			"Calendario de todas las medidas con 8 plazos pendientes: el archivo klimabot.ics le llega solo a usted.",
			"revóquelo con `/klima calendario revocar`",
		}},
		{"C1", "kalender", "de", "klimabot-F.019.ics", 7, []string{"Kalender für die Maßnahmen dieses Kanals mit 7 offenen Fristen"}},
	}
	for _, tt := range tests {
		user := "U1"
		if strings.HasPrefix(tt.text, "calendar") {
			user = "UEN"
		}
		r := f.run(s, user, tt.channel, tt.text)
		if r.Err != nil {
			t.Fatalf("%s: %v\n%s", tt.text, r.Err, r.Text(f.mk.Bundle))
		}
		if r.Lang != tt.lang {
			t.Errorf("%s: answered in %s, want %s", tt.text, r.Lang, tt.lang)
		}
		file, ok := calendarFile(r)
		if !ok {
			t.Fatalf("%s: no file", tt.text)
		}
		if file.Name != tt.name || file.PrivateTo != user || file.Type != calendar.ContentType {
			t.Errorf("%s: file %q private to %q type %q", tt.text, file.Name, file.PrivateTo, file.Type)
		}
		if events := checkRFC5545(t, file.Content); len(events) != tt.events {
			t.Errorf("%s: %d events, want %d", tt.text, len(events), tt.events)
		}
		text := r.Text(f.mk.Bundle)
		for _, w := range tt.says {
			if !strings.Contains(text, w) {
				t.Errorf("%s: answer lacks %q:\n%s", tt.text, w, text)
			}
		}
	}
}

// TestCalendarCommandLinkServesWhatItSays: the link in the answer serves the
// calendar the answer was about, in the caller's language.
func TestCalendarCommandLinkServesWhatItSays(t *testing.T) {
	f := newFixture(t)
	s := f.service()
	r := f.run(s, "U1", "C9", "kalendář F.019")
	token := tokenOf(t, linkIn(t, r.Text(f.mk.Bundle)))
	body, ok, err := feed(f.mk, token)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	file, _ := calendarFile(r)
	if got, want := uids(checkRFC5545(t, body)), uids(checkRFC5545(t, file.Content)); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("feed %v, file %v", got, want)
	}
	if !strings.Contains(string(body), "krok 5: Ratsbeschluss") {
		t.Error("the feed is not in the caller's language (cs)")
	}
	again := f.run(s, "U1", "C1", "kalender F.019")
	if got := linkIn(t, again.Text(f.mk.Bundle)); tokenOf(t, got) != token {
		t.Errorf("asking again in another channel gave another link for the same measure: %s", got)
	}
}

// TestCalendarCommandRefusals: bad input says what was wrong, and nothing is
// made or stored: no file, no link.
func TestCalendarCommandRefusals(t *testing.T) {
	f := newFixture(t)
	s := f.service()
	tests := []struct {
		channel, text, code string
		says                []string
	}{
		{"C9", "kalender", commands.EINVALID, []string{"Dieser Kanal folgt keiner Maßnahme", "`/klima kalender [CODE|alle]`"}},
		{"C9", "kalender F.91", commands.ENOTFOUND, []string{"F.91", "F.019"}},
		{"C9", "kalender F.019 A.1", commands.EINVALID, []string{"`/klima kalender [CODE|alle]`"}},
		{"C9", "kalendář zrušit všechno hned", commands.EINVALID, []string{"`/klima kalendář zrušit`"}},
		// a new person: U1 has written Czech and German words above, which
		// count before an English one (SPEC's language rule)
		{"C9", "calendar revoke everything", commands.EINVALID, []string{"`everything`", "`/klima calendar revoke all` (admins only)"}},
	}
	for _, tt := range tests {
		user := "U1"
		if strings.HasPrefix(tt.text, "calendar") {
			user = "UEN"
		}
		r := f.run(s, user, tt.channel, tt.text)
		if r.Err == nil || r.Err.Code != tt.code {
			t.Errorf("%s: err %v, want %s", tt.text, r.Err, tt.code)
			continue
		}
		if _, ok := calendarFile(r); ok {
			t.Errorf("%s: a refusal came with a file", tt.text)
		}
		text := r.Text(f.mk.Bundle)
		for _, w := range tt.says {
			if !strings.Contains(text, w) {
				t.Errorf("%s: answer lacks %q:\n%s", tt.text, w, text)
			}
		}
	}
	if n, _ := f.mk.Revoke(f.ctx, "U1"); n != 0 {
		t.Errorf("refused commands left %d links behind", n)
	}

	none := *f.service()
	none.Calendars = nil
	if r := f.run(&none, "U1", "C1", "kalender"); r.Err == nil || !strings.Contains(r.Text(f.mk.Bundle), "Kalender sind hier nicht verfügbar.") {
		t.Errorf("without calendars: %v\n%s", r.Err, r.Text(f.mk.Bundle))
	}
}

// TestCalendarCommandEmptyAndWithoutLink: a measure with nothing open gets
// no file but still its link (it fills when a deadline comes); without
// KLIMABOT_PUBLIC_URL there is no link.
func TestCalendarCommandEmptyAndWithoutLink(t *testing.T) {
	f := newFixture(t)
	if _, err := f.db.CompleteSteps(f.ctx, f.a1.ID, []int{1}, commands.Person{ID: "U1"}, now, nil); err != nil {
		t.Fatal(err)
	}
	s := f.service()
	r := f.run(s, "U1", "C9", "calendar A.1")
	text := r.Text(f.mk.Bundle)
	if _, ok := calendarFile(r); ok || r.Err != nil {
		t.Errorf("nothing open: file sent or error %v", r.Err)
	}
	for _, w := range []string{"No deadline is open for A.1 Radverkehrskonzept, so there is no calendar file.", "/calendar/"} {
		if !strings.Contains(text, w) {
			t.Errorf("answer lacks %q:\n%s", w, text)
		}
	}
	f.mk.PublicURL = ""
	r = f.run(s, "U2", "C9", "kalender F.019")
	text = r.Text(f.mk.Bundle)
	if _, ok := calendarFile(r); !ok || strings.Contains(text, "/calendar/") || strings.Contains(text, "Abonnieren") {
		t.Errorf("without a public URL:\n%s", text)
	}
	if n, _ := f.mk.Revoke(f.ctx, "U2"); n != 0 {
		t.Errorf("without a public URL %d links were stored", n)
	}
}

// TestCalendarRevokeActsOnTheCallersLinksOnly: `calendar revoke` takes the
// caller's links and nobody else's; `calendar revoke all` is for admins of
// the installing workspace, and a refused one revokes nothing.
func TestCalendarRevokeActsOnTheCallersLinksOnly(t *testing.T) {
	f := newFixture(t)
	s := f.service()
	links := map[string]string{}
	for _, u := range []string{"U1", "U2", "UADMIN"} {
		r := f.run(s, u, "C1", "kalender")
		links[u] = tokenOf(t, linkIn(t, r.Text(f.mk.Bundle)))
	}
	f.run(s, "U1", "C9", "kalender F.019")
	alive := func(u string) bool {
		_, ok, err := feed(f.mk, links[u])
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}

	r := f.run(s, "U1", "C1", "kalender widerrufen")
	if r.Err != nil || !strings.Contains(r.Text(f.mk.Bundle), "Ihre 2 Abo-Links sind widerrufen") {
		t.Errorf("revoke: %v\n%s", r.Err, r.Text(f.mk.Bundle))
	}
	if alive("U1") || !alive("U2") || !alive("UADMIN") {
		t.Errorf("after U1's revoke: U1 %v, U2 %v, UADMIN %v", alive("U1"), alive("U2"), alive("UADMIN"))
	}
	// U1 wrote German words, so the English word answers in German
	if r := f.run(s, "U1", "C1", "calendar revoke"); !strings.Contains(r.Text(f.mk.Bundle), "Sie haben keinen Abo-Link – es gibt nichts zu widerrufen.") {
		t.Errorf("second revoke:\n%s", r.Text(f.mk.Bundle))
	}

	for _, req := range []commands.Request{
		{User: commands.Person{ID: "U2"}, ChannelID: "C1", Text: "kalender widerrufen alle"},
		// an admin's user id from another workspace is no admin here
		{User: commands.Person{ID: "UADMIN"}, ChannelID: "C1", Text: "calendar revoke all", External: true},
	} {
		r := s.Execute(f.ctx, req)
		if r.Err == nil || r.Err.Code != commands.EFORBIDDEN {
			t.Errorf("%+v: err %v, want forbidden", req, r.Err)
		}
		if !alive("U2") || !alive("UADMIN") {
			t.Fatalf("a refused revoke all revoked links")
		}
	}
	r = f.run(s, "UADMIN", "C1", "kalendář zrušit vše")
	if r.Err != nil || !strings.Contains(r.Text(f.mk.Bundle), "Zrušeny 2 odkazy k odběru, a to všem osobám.") {
		t.Errorf("revoke all: %v\n%s", r.Err, r.Text(f.mk.Bundle))
	}
	if alive("U2") || alive("UADMIN") {
		t.Error("links alive after revoke all")
	}
	if r := f.run(s, "UADMIN", "C1", "kalender widerrufen alle"); !strings.Contains(r.Text(f.mk.Bundle), "Es gibt keine Abo-Links") {
		t.Errorf("revoke all with none left:\n%s", r.Text(f.mk.Bundle))
	}
}

// TestCalendarForEveryone: a partner from another workspace may have a
// calendar and a link like anyone (SPEC "Who may do what").
func TestCalendarForEveryone(t *testing.T) {
	f := newFixture(t)
	r := f.service().Execute(f.ctx, commands.Request{User: commands.Person{ID: "UPARTNER"}, ChannelID: "C1", Text: "kalendář", External: true})
	if r.Err != nil {
		t.Fatalf("external member: %v", r.Err)
	}
	if _, ok := calendarFile(r); !ok {
		t.Error("no file for an external member")
	}
	linkIn(t, r.Text(f.mk.Bundle))
}

// linkIn returns the subscription URL in an answer's text.
func linkIn(t *testing.T, text string) string {
	t.Helper()
	i := strings.Index(text, "https://klima.hilden.de/bot/calendar/")
	if i < 0 {
		t.Fatalf("no link in:\n%s", text)
	}
	return strings.Fields(text[i:])[0]
}
