package commands_test

import (
	"strings"
	"testing"

	"github.com/klimabot/klimabot/commands"
)

// TestListWithoutDiacritics: a list filter matches without diacritics and
// case, like the command words do (issue 15 item 4).
func TestListWithoutDiacritics(t *testing.T) {
	f := newFixture(t)
	for _, text := range []string{"seznam nove", "seznam NOVE MESTO", "liste Nové", "lista metuji", "list mesto nad"} {
		got := f.exec("U1", "C1", text).Text(f.b)
		if !strings.Contains(got, "F.019 Kommunale Klimapartnerschaft") {
			t.Errorf("%s does not find F.019:\n%s", text, got)
		}
	}
}

// TestUnfollowSpanishPhrase: "dejar de seguir" (GLOSSARY) and "no seguir"
// unfollow, in Spanish, and the help shows the phrase (issue 15 item 5).
func TestUnfollowSpanishPhrase(t *testing.T) {
	f := newFixture(t)
	for _, text := range []string{"dejar de seguir F.019", "No seguir f19", "Dejar  de  seguir todos"} {
		if r := f.exec("UADMIN", "C1", "seguir F.019"); r.Err != nil {
			t.Fatalf("seguir: %s", r.Text(f.b))
		}
		r := f.exec("UADMIN", "C1", text)
		got := r.Text(f.b)
		if r.Err != nil || r.Lang != "es" {
			t.Errorf("%s: (%s) %s", text, r.Lang, got)
			continue
		}
		if ch, _ := f.db.Channel(f.ctx, "C1"); len(ch.Follows) != 0 || ch.FollowAll {
			t.Errorf("%s: channel still follows %v", text, ch.Follows)
		}
		if !strings.Contains(got, "Este canal ya no sigue") {
			t.Errorf("%s: %s", text, got)
		}
	}
	help := f.exec("U2", "C1", "ayuda").Text(f.b)
	if !strings.Contains(help, "`/klima dejar de seguir CÓDIGO|todos`") {
		t.Errorf("help lacks dejar de seguir:\n%s", help)
	}
}

// TestChannelSettingWords: the help of each language shows setting words
// that work in it; time zones in any case and two-word names; a success
// shows the settings without the usage line; the languages label is plural
// and capitalised (issue 15 item 6).
func TestChannelSettingWords(t *testing.T) {
	f := newFixture(t)
	for _, tt := range []struct {
		lang, help string
		cmds       []string
	}{
		{"de", "hilfe", []string{"kanal sprachen de,cs", "kanal zeitzone Europe/Prague", "kanal zeitplan 0 9 * * 1-5", "kanal nachfragen 90"}},
		{"cs", "nápověda", []string{"kanál jazyky de,cs", "kanál pásmo Europe/Prague", "kanál plán 0 9 * * 1-5", "kanál dotaz 90"}},
		{"es", "ayuda", []string{"canal idiomas es,de", "canal zona America/Lima", "canal horario 0 9 * * 1-5", "canal consulta 90"}},
	} {
		help := f.svc.Execute(f.ctx, commands.Request{User: commands.Person{ID: "UH"}, ChannelID: "C1", Text: tt.help, Lang: tt.lang}).Text(f.b)
		for _, c := range tt.cmds {
			if !strings.Contains(help, "`"+c+"`") {
				t.Errorf("%s help does not show `%s`:\n%s", tt.lang, c, help)
			}
			if err := f.db.SaveChannel(f.ctx, commands.Channel{ID: "CS", TimeZone: "Europe/Berlin", Schedule: "0 8 * * 1", StaleDays: 30}); err != nil {
				t.Fatal(err)
			}
			r := f.exec("UADMIN", "CS", c)
			if r.Err != nil {
				t.Errorf("%s: %s", c, r.Text(f.b))
			}
		}
	}
	// every setting word taken together
	for _, tt := range []struct{ text, zone string }{
		{"canal zona horaria America/Lima", "America/Lima"},
		{"canal timezone america/lima", "America/Lima"},
		{"kanál časové pásmo europe/prague", "Europe/Prague"},
		{"kanal zeitzone AMERICA/ARGENTINA/BUENOS_AIRES", "America/Argentina/Buenos_Aires"},
		{"channel time zone utc", "UTC"},
		{"channel timezone america/port-au-prince", "America/Port-au-Prince"},
	} {
		r := f.exec("UADMIN", "CZ", tt.text)
		if r.Err != nil {
			t.Errorf("%s: %s", tt.text, r.Text(f.b))
			continue
		}
		if ch, _ := f.db.Channel(f.ctx, "CZ"); ch.TimeZone != tt.zone {
			t.Errorf("%s: time zone %q, want %q", tt.text, ch.TimeZone, tt.zone)
		}
	}
	r := f.svc.Execute(f.ctx, commands.Request{User: commands.Person{ID: "UADMIN"}, ChannelID: "CL", Text: "kanál jazyky de,cs", Lang: "cs"})
	got := r.Text(f.b)
	if r.Err != nil || !strings.Contains(got, "Uloženo.") {
		t.Fatalf("kanál jazyky: %s", got)
	}
	if !strings.Contains(got, "Jazyky: němčina, čeština") {
		t.Errorf("languages label:\n%s", got)
	}
	if strings.Contains(got, "změna pomocí") {
		t.Errorf("a success repeats the usage line:\n%s", got)
	}
	de := commands.PlainText(r.Parts, f.b.For("de"))
	if !strings.Contains(de, "Sprachen: Deutsch, Tschechisch") || !strings.Contains(de, "Nachfrage: nach 60 Tagen ohne Fortschritt") {
		t.Errorf("German settings:\n%s", de)
	}
	show := f.svc.Execute(f.ctx, commands.Request{User: commands.Person{ID: "UADMIN"}, ChannelID: "CL", Text: "kanál", Lang: "cs"}).Text(f.b)
	if !strings.Contains(show, "změna pomocí") || !strings.Contains(show, "Dotaz: po 60 dnech bez záznamu") {
		t.Errorf("kanál without a setting shows no usage or stale value:\n%s", show)
	}
}

// TestDeadlinesToday: `fristen 0` is today's and the overdue deadlines,
// said so (issue 15 item 7).
func TestDeadlinesToday(t *testing.T) {
	f := newFixture(t)
	got := f.exec("U1", "C1", "fristen 0").Text(f.b)
	if !strings.Contains(got, "Heute fällige und überfällige Fristen") || strings.Contains(got, "nächsten 0 Tage") {
		t.Errorf("fristen 0:\n%s", got)
	}
	for _, tt := range []struct{ lang, want string }{
		{"cs", "Dnešní a zmeškané termíny"},
		{"es", "Plazos que vencen hoy y plazos vencidos"},
		{"en", "Deadlines due today and overdue"},
	} {
		r := f.svc.Execute(f.ctx, commands.Request{User: commands.Person{ID: "U1"}, ChannelID: "C1", Text: "deadlines 0", Lang: tt.lang})
		if got := r.Text(f.b); !strings.Contains(got, tt.want) {
			t.Errorf("%s:\n%s", tt.lang, got)
		}
	}
}

// TestDeadlineDateForms: a deadline takes two-digit years and hyphens
// (issue 15 item 7).
func TestDeadlineDateForms(t *testing.T) {
	f := newFixture(t)
	for _, text := range []string{"frist F.019 31.03.27 Bericht", "frist F.019 31-03-2027 Bericht", "plazo F.019 31/3/27 Informe"} {
		r := f.exec("UADMIN", "C1", text)
		if r.Err != nil {
			t.Errorf("%s: %s", text, r.Text(f.b))
		}
	}
	ds, err := f.db.Deadlines(f.ctx, commands.DeadlineQuery{MeasureIDs: []int64{f.measure("F.019").ID}})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, d := range ds {
		if d.Due == (commands.Date{Year: 2027, Month: 3, Day: 31}) {
			n++
		}
	}
	if n != 3 {
		t.Errorf("deadlines on 2027-03-31: %d, want 3", n)
	}
}

// TestInvisibleCharactersAndKlimaWord: a zero-width space or BOM before
// the command, and "klima" without the slash, do not hide the command
// (issue 15 item 8).
func TestInvisibleCharactersAndKlimaWord(t *testing.T) {
	f := newFixture(t)
	for _, text := range []string{"\u200bstatus F.019", "\ufeffstatus F.019", "\u2060 status F.019", "status\u200b F.019",
		"klima status F.019", "Klima status F.019", "\u200b/klima status F.019", "klima\u200b status F.019"} {
		r := f.exec("U1", "C1", text)
		if r.Err != nil || !strings.Contains(r.Text(f.b), "F.019 Kommunale Klimapartnerschaft") {
			t.Errorf("%q:\n%s", text, r.Text(f.b))
		}
	}
	// the text of a note keeps what was typed
	if r := f.exec("UADMIN", "C1", "eintragen F.019 a\u200db"); r.Err != nil {
		t.Fatal(r.Text(f.b))
	}
	if es, _ := f.db.Entries(f.ctx, f.measure("F.019").ID, 1); len(es) != 1 || es[0].Text != "a\u200db" {
		t.Errorf("entry = %+v", es)
	}
}

// TestAdminOnlyMessage names no setting and no office, but says whom to
// ask in general terms (issue 15 item 9).
func TestAdminOnlyMessage(t *testing.T) {
	f := newFixture(t)
	for _, lang := range []string{"de", "cs", "es", "en"} {
		r := f.svc.Execute(f.ctx, commands.Request{User: commands.Person{ID: "UNOBODY"}, ChannelID: "C1", Text: "kanal sprachen de", Lang: lang})
		got := r.Text(f.b)
		if r.Err == nil || r.Err.Code != commands.EFORBIDDEN {
			t.Fatalf("%s: %s", lang, got)
		}
		if strings.Contains(got, "KLIMABOT_ADMINS") || strings.Contains(got, "Stabsstelle") || !strings.Contains(got, "klimabot") {
			t.Errorf("%s: %s", lang, got)
		}
	}
}
