package commands_test

import (
	"strings"
	"testing"

	"github.com/klimabot/klimabot/commands"
)

// partnerChannel makes channel id a de,cs (or other) channel following F.019.
func (f *fixture) partnerChannel(id string, langs ...string) {
	f.t.Helper()
	if err := f.db.SaveChannel(f.ctx, commands.Channel{ID: id, Languages: langs, TimeZone: "Europe/Berlin",
		Schedule: "0 9 * * 1-5", StaleDays: 60, Follows: []string{"F.019"}}); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) external(user, channel, text string) commands.Reply {
	return f.svc.Execute(f.ctx, commands.Request{User: commands.Person{ID: user, Name: user}, ChannelID: channel, Text: text, External: true})
}

// TestInferredFromThreadReply: a Czech partner of another workspace with
// no Slack locale and no history replies in Czech in a de,cs channel and is
// answered in Czech; afterwards "status" (a word German and English share)
// answers them in Czech too. The same for a Spanish partner in de,es.
func TestInferredFromThreadReply(t *testing.T) {
	f := newFixture(t)
	f.partnerChannel("CDECS", "de", "cs")
	f.partnerChannel("CDEES", "de", "es")
	for _, tt := range []struct {
		user, channel, reply, want, acked string
	}{
		{"UCSPARTNER", "CDECS", "Workshop s partnery proběhl minulý týden, zápis pošleme zítra.", "cs", "Zapsáno jako průběh plnění k F.019"},
		{"UESPARTNER", "CDEES", "El taller con la ciudad socia se realizó la semana pasada.", "es", "Avance registrado para F.019"},
	} {
		req := commands.Request{User: commands.Person{ID: tt.user, Name: tt.user}, ChannelID: tt.channel, External: true}
		r := f.svc.LogEntry(f.ctx, req, "F.019", tt.reply, commands.SourceThread)
		if r.Err != nil || r.Lang != tt.want {
			t.Fatalf("%s: reply answered in %q (%v), want %s", tt.user, r.Lang, r.Err, tt.want)
		}
		u, err := f.db.User(f.ctx, tt.user)
		if err != nil || u.Inferred.Lang != tt.want || u.Inferred.From != commands.InferThread || u.Language != "" {
			t.Errorf("%s: stored %+v, %v", tt.user, u, err)
		}
		r = f.external(tt.user, tt.channel, "status F.019")
		if r.Err != nil || r.Lang != tt.want {
			t.Errorf("%s: status answered in %q (%v), want %s", tt.user, r.Lang, r.Err, tt.want)
		}
		// lang says where the language came from
		txt := f.external(tt.user, tt.channel, "lang").Text(f.b)
		if !strings.Contains(txt, strings.Fields(tt.reply)[0]) {
			t.Errorf("%s: lang does not say what the language was inferred from:\n%s", tt.user, txt)
		}
	}
}

// TestInferenceRules: short texts decide nothing by themselves, a done word
// or a command word may; English words never; what the console forces is
// not learnt; a written text beats the command word.
func TestInferenceRules(t *testing.T) {
	f := newFixture(t)
	f.partnerChannel("CDECS", "de", "cs")
	inferred := func(user string) commands.Inference {
		u, err := f.db.User(f.ctx, user)
		if err != nil {
			t.Fatal(err)
		}
		return u.Inferred
	}
	log := func(user, text string) commands.Reply {
		return f.svc.LogEntry(f.ctx, commands.Request{User: commands.Person{ID: user}, ChannelID: "CDECS"}, "F.019", text, commands.SourceThread)
	}
	log("U1", "Termín dnes")
	if got := inferred("U1"); got.Lang != "" {
		t.Errorf("a two-word reply decided %+v", got)
	}
	log("U2", "hotovo")
	if got := inferred("U2"); got.Lang != "cs" || got.From != commands.InferDoneWord || got.Text != "hotovo" {
		t.Errorf("done word: %+v", got)
	}
	f.exec("U3", "CDECS", "follow F.019")
	f.exec("U3", "CDECS", "deadlines")
	if got := inferred("U3"); got.Lang != "" {
		t.Errorf("English words decided %+v", got)
	}
	f.exec("U4", "CDECS", "termíny")
	if got := inferred("U4"); got.Lang != "cs" || got.From != commands.InferWord || got.Text != "termíny" {
		t.Errorf("Czech command word: %+v", got)
	}
	// a German command word with a Czech text: the text tells
	f.exec("U5", "CDECS", "eintragen F.019 Delegace přijede do Hildenu v květnu, program připravujeme.")
	if got := inferred("U5"); got.Lang != "cs" || got.From != commands.InferLog {
		t.Errorf("logged Czech text: %+v", got)
	}
	// and a later German text changes it
	f.exec("U5", "CDECS", "log F.019 Die Delegation kommt im Mai und das Programm für den Besuch steht.")
	if got := inferred("U5"); got.Lang != "de" {
		t.Errorf("logged German text: %+v", got)
	}
	// `sprache cs` names the wanted language, the word tells nothing
	f.exec("U6", "CDECS", "sprache cs")
	if got := inferred("U6"); got.Lang != "" {
		t.Errorf("lang's own word decided %+v", got)
	}
	// the console's --lang is nobody's writing
	f.svc.Execute(f.ctx, commands.Request{User: commands.Person{ID: "U7"}, ChannelID: "CDECS", Text: "stav F.019", Lang: "de"})
	if got := inferred("U7"); got.Lang != "" {
		t.Errorf("forced language learnt %+v", got)
	}
}

// TestGermanAdminEnglishWords: a German admin with a German Slack locale
// typing the README's English words gets German.
func TestGermanAdminEnglishWords(t *testing.T) {
	f := newFixture(t)
	f.partnerChannel("CDECS", "de", "cs")
	for _, text := range []string{"deadlines", "follow F.019", "help", "status F.019", "list"} {
		r := f.svc.Execute(f.ctx, commands.Request{User: commands.Person{ID: "UADMIN"}, ChannelID: "CDECS", Text: text, Locale: "de-DE"})
		if r.Lang != "de" {
			t.Errorf("%q with a German locale answered in %s", text, r.Lang)
		}
	}
}

// TestLangAuto: `lang auto` clears the explicit choice; `lang` says whether
// the language was chosen, inferred (from what) or from Slack.
func TestLangAuto(t *testing.T) {
	f := newFixture(t)
	f.partnerChannel("CDECS", "de", "cs")
	req := func(text string) commands.Request {
		return commands.Request{User: commands.Person{ID: "UJANA"}, ChannelID: "CDECS", Text: text, Locale: "de-DE"}
	}
	show := func() commands.Reply { return f.svc.Execute(f.ctx, req("lang")) }
	if r := show(); r.Lang != "de" || !strings.Contains(r.Text(f.b), "Slack-Spracheinstellung (de-DE)") {
		t.Errorf("from Slack: %s", r.Text(f.b))
	}
	if r := f.svc.Execute(f.ctx, req("lang es")); r.Err != nil || r.Lang != "es" {
		t.Fatalf("lang es: %+v", r)
	}
	if r := show(); r.Lang != "es" || !strings.Contains(r.Text(f.b), "Usted lo eligió") || !strings.Contains(r.Text(f.b), "idioma auto") {
		t.Errorf("chosen: %s", r.Text(f.b))
	}
	f.svc.LogEntry(f.ctx, req(""), "F.019", "Zápis z jednání s radou je v příloze.", commands.SourceThread)
	if r := show(); r.Lang != "es" {
		t.Errorf("an inference overrode the choice: %s", r.Lang)
	}
	r := f.svc.Execute(f.ctx, req("lang auto"))
	if r.Err != nil || r.Lang != "cs" {
		t.Fatalf("lang auto: %v %s", r.Err, r.Lang)
	}
	if txt := r.Text(f.b); !strings.Contains(txt, "Jazyk opět volím sám") || !strings.Contains(txt, "Zápis z jednání") {
		t.Errorf("lang auto: %s", txt)
	}
	if u, _ := f.db.User(f.ctx, "UJANA"); u.Language != "" {
		t.Errorf("choice not cleared: %+v", u)
	}
	if r := show(); r.Lang != "cs" || !strings.Contains(r.Text(f.b), "odpověď ve vlákně") {
		t.Errorf("inferred: %s", r.Text(f.b))
	}
	for _, w := range []string{"automatisch", "AUTO", "automático"} {
		if r := f.svc.Execute(f.ctx, req("lang "+w)); r.Err != nil {
			t.Errorf("lang %s: %v", w, r.Err)
		}
	}
}

// TestHelpForExternalMembers: help shown to a member of another workspace
// teaches the mention, never the slash command they cannot use.
func TestHelpForExternalMembers(t *testing.T) {
	f := newFixture(t)
	f.partnerChannel("CDECS", "de", "cs")
	r := f.external("UCSPARTNER", "CDECS", "nápověda")
	txt := r.Text(f.b)
	if r.Lang != "cs" || strings.Contains(txt, "/klima") || !strings.Contains(txt, "`@klimabot stav KÓD`") {
		t.Errorf("external help:\n%s", txt)
	}
	// errors and hints too
	txt = f.external("UCSPARTNER", "CDECS", "stav").Text(f.b)
	if strings.Contains(txt, "/klima") || !strings.Contains(txt, "@klimabot stav") {
		t.Errorf("external usage hint:\n%s", txt)
	}
	// members of the installing workspace keep the slash command, and learn the mention
	txt = f.exec("UX", "CDECS", "nápověda").Text(f.b)
	if !strings.Contains(txt, "`/klima stav KÓD`") || !strings.Contains(txt, "`@klimabot stav F.019`") {
		t.Errorf("member help:\n%s", txt)
	}
}
