package commands_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/klimabot/klimabot/commands"
	"github.com/klimabot/klimabot/commands/importer"
	"github.com/klimabot/klimabot/locales"
	"github.com/klimabot/klimabot/storage"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// now is the fixed clock of these tests: Saturday, 21 November 2026, 10:00
// in Berlin.
var now = time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)

// fixture is a store holding both seed documents, a few done steps, entries
// and deadlines, and a service over it.
type fixture struct {
	t   *testing.T
	db  *storage.DB
	svc *commands.Service
	b   *locales.Bundle
	ctx context.Context
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, filepath.Join(t.TempDir(), "k.db"), storage.WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	b, err := locales.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"000_70e8ca067671b99a.txt", "001_a3af533a905f774a.txt"} {
		data, err := os.ReadFile(filepath.Join("..", "cmd", "klimabot", "seeds", name))
		if err != nil {
			t.Fatal(err)
		}
		ms, _, err := importer.Parse(name, data, importer.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Import(ctx, name, ms); err != nil {
			t.Fatal(err)
		}
	}
	f := &fixture{t: t, db: db, b: b, ctx: ctx, svc: &commands.Service{
		Store: db, Bundle: b, Now: func() time.Time { return now },
		DefaultLang: "de", DefaultTZ: "Europe/Berlin", Admins: map[string]bool{"UADMIN": true},
	}}
	staff := commands.Person{ID: "UANNA", Name: "Anna Schmidt"}
	m := f.measure("F.019")
	if _, err := db.CompleteSteps(ctx, m.ID, []int{1, 2, 3}, staff, time.Date(2023, 6, 23, 14, 0, 0, 0, time.UTC), nil); err != nil {
		t.Fatal(err)
	}
	for i, text := range []string{"Analyse abgeschlossen.", "Projektskizze übersetzt.", "Delegace odpoví do konce měsíce.", "Termin mit Nové Město vereinbart."} {
		author := staff
		if i == 2 {
			author = commands.Person{ID: "UJANA", Name: "Jana Nováková"}
		}
		if _, err := db.AddEntry(ctx, commands.Entry{MeasureID: m.ID, Author: author, Text: text, Source: commands.SourceCommand,
			CreatedAt: now.AddDate(0, 0, -30+7*i)}); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []commands.Deadline{
		{MeasureID: m.ID, Step: 4, Due: commands.Date{Year: 2026, Month: 11, Day: 23}, Text: "Besuch der Delegation vorbereiten"},
		{MeasureID: m.ID, Due: commands.Date{Year: 2026, Month: 11, Day: 26}, Text: "Bericht an den Umweltausschuss"},
		{MeasureID: m.ID, Due: commands.Date{Year: 2026, Month: 12, Day: 13}, Text: "Projektideen sammeln"},
	} {
		d.State = commands.DeadlineOpen
		if _, err := db.AddDeadline(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	// the SKEW call of 2014 is history
	call := f.measure("aufruf-lateinamerikanische-kommunen")
	if _, err := db.CompleteSteps(ctx, call.ID, []int{1, 2, 3, 4, 5}, staff, time.Date(2015, 3, 31, 12, 0, 0, 0, time.UTC), nil); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) measure(code string) *commands.Measure {
	f.t.Helper()
	m, err := f.db.Measure(f.ctx, code)
	if err != nil {
		f.t.Fatal(err)
	}
	return m
}

// exec runs text as user in channel and returns the reply.
func (f *fixture) exec(user, channel, text string) commands.Reply {
	return f.svc.Execute(f.ctx, commands.Request{User: commands.Person{ID: user, Name: user}, ChannelID: channel, Text: text})
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./commands -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// TestGolden pins status, deadlines, list and help as the console prints
// them, in each language, chosen by the typed word.
func TestGolden(t *testing.T) {
	f := newFixture(t)
	words := map[string][4]string{ // status, deadlines, list, help
		"de": {"stand", "fristen", "liste", "hilfe"},
		"cs": {"stav", "termíny", "seznam", "nápověda"},
		"es": {"estado", "plazos", "lista", "ayuda"},
		"en": {"status", "deadlines", "list", "help"},
	}
	for lang, w := range words {
		req := func(text string) commands.Request {
			return commands.Request{User: commands.Person{ID: "U1", Name: "U1"}, ChannelID: "C1", Text: text, Lang: lang}
		}
		for i, text := range []string{w[0] + " F.019", w[1], w[2], w[3]} {
			r := f.svc.Execute(f.ctx, req(text))
			if r.Err != nil {
				t.Fatalf("%s: %v", text, r.Err)
			}
			if r.Lang != lang {
				t.Errorf("%s answered in %s", text, r.Lang)
			}
			golden(t, []string{"status", "deadlines", "list", "help"}[i]+"."+lang+".txt", r.Text(f.b))
		}
	}
}

// TestLanguageRules: SPEC's eight steps — forced, explicit choice, a typed
// word only one non-English language uses, inferred, Slack locale unless
// English in a channel with a language, an English word when the locale is
// English or unknown, the channel's first language, the default. Each case
// is a new person: what one typed is remembered (the inferred language).
func TestLanguageRules(t *testing.T) {
	f := newFixture(t)
	if err := f.db.SaveChannel(f.ctx, commands.Channel{ID: "CSHARED", Languages: []string{"cs", "de"}, TimeZone: "Europe/Prague", Schedule: "0 9 * * 1-5", StaleDays: 60}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, channel, text, locale, want string
	}{
		{"typed Czech word", "C1", "stav F.019", "", "cs"},
		{"typed Spanish word", "C1", "estado F.019", "de-DE", "es"},
		{"shared word, Slack locale", "C1", "status F.019", "es-LA", "es"},
		{"English word, German locale", "C1", "follow F.019", "de-DE", "de"},
		{"English word, German locale, deadlines", "CSHARED", "deadlines", "de-DE", "de"},
		{"English word, English locale, channel language", "CSHARED", "status F.019", "en-US", "en"},
		{"English word, no locale, channel language", "CSHARED", "help", "", "en"},
		{"English word, English locale, no channel language", "C1", "status F.019", "en-US", "en"},
		{"no word, English locale, channel language", "CSHARED", "", "en-US", "cs"},
		{"no word, no locale: default", "C1", "", "", "de"},
		{"no word, no locale: channel", "CSHARED", "", "", "cs"},
		{"German word, English locale", "CSHARED", "fristen", "en-US", "de"},
	}
	for i, tt := range tests {
		user := commands.Person{ID: fmt.Sprintf("ULANG%d", i)}
		r := f.svc.Execute(f.ctx, commands.Request{User: user, ChannelID: tt.channel, Text: tt.text, Locale: tt.locale})
		if r.Lang != tt.want {
			t.Errorf("%s: language %q, want %q", tt.name, r.Lang, tt.want)
		}
	}
	// a stored choice beats the typed word
	if r := f.exec("UJANA", "C1", "jazyk cs"); r.Err != nil || r.Lang != "cs" {
		t.Fatalf("jazyk cs: %+v", r)
	}
	if r := f.exec("UJANA", "C1", "estado F.019"); r.Lang != "cs" {
		t.Errorf("stored Czech, typed Spanish: answered in %s", r.Lang)
	}
	if got := f.exec("UJANA", "C1", "lang").Text(f.b); !strings.Contains(got, "čeština") {
		t.Errorf("lang shows %q", got)
	}
}

// snapshot dumps what commands can change, to prove that refused commands
// stored nothing.
func (f *fixture) snapshot() string {
	f.t.Helper()
	var b strings.Builder
	ds, err := f.db.Deadlines(f.ctx, commands.DeadlineQuery{WithDone: true})
	if err != nil {
		f.t.Fatal(err)
	}
	for _, d := range ds {
		b.WriteString(d.Key() + d.Due.String() + string(d.State) + d.Text + "\n")
	}
	for _, code := range []string{"F.019", "aufruf-lateinamerikanische-kommunen"} {
		m := f.measure(code)
		es, err := f.db.Entries(f.ctx, m.ID, 1000)
		if err != nil {
			f.t.Fatal(err)
		}
		for _, e := range es {
			b.WriteString(e.Text + "\n")
		}
		for _, s := range m.Steps {
			b.WriteString(s.DoneAt.String() + "\n")
		}
	}
	for _, id := range []string{"C1", "CFOLLOW", "UX"} {
		ch, err := f.db.Channel(f.ctx, id)
		if err != nil {
			f.t.Fatal(err)
		}
		u, err := f.db.User(f.ctx, id)
		if err != nil {
			f.t.Fatal(err)
		}
		b.WriteString(strings.Join(ch.Languages, ",") + ch.TimeZone + ch.Schedule + strings.Join(ch.Follows, ",") + u.Language + "\n")
	}
	return b.String()
}

// TestBadInputStoresNothing: every kind of bad input gets a localized answer
// that says what was wrong, and the store is unchanged.
func TestBadInputStoresNothing(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		text, code string
		wants      []string // in the German answer
	}{
		{"frist F.019 32.13.2027 Bericht", commands.EINVALID, []string{"„32.13.2027“ ist kein gültiges Datum.", "31. März 2027"}},
		{"frist F.019 31.04.2027 Bericht", commands.EINVALID, []string{"kein gültiges Datum"}},
		{"frist F.019 31.03.2027", commands.EINVALID, []string{"Es fehlt der Text.", "/klima frist CODE DATUM TEXT"}},
		{"frist F.019", commands.EINVALID, []string{"Es fehlt das Datum."}},
		{"frist F.91X 31.03.2027 Bericht", commands.ENOTFOUND, []string{"„F.91X“ gibt es nicht"}},
		{"eintragen F.019", commands.EINVALID, []string{"Es fehlt der Text."}},
		{"eintragen", commands.EINVALID, []string{"Bitte geben Sie den Code einer Maßnahme an.", "/klima eintragen CODE TEXT"}},
		{"eintragen F.018 Text", commands.ENOTFOUND, []string{"Meinten Sie: F.019?"}},
		{"eintragen F.019 " + strings.Repeat("x", commands.MaxTextLen+1), commands.EINVALID, []string{"bitte kürzen Sie ihn auf höchstens 2.900 Zeichen."}},
		{"erledigt F.019 7", commands.ENOTFOUND, []string{"F.019 hat keinen Schritt 7 (Schritte 1 bis 6). Nichts wurde gespeichert."}},
		{"erledigt F.019 4,7 mit Notiz", commands.ENOTFOUND, []string{"keinen Schritt 7"}},
		{"erledigt F.019 drei", commands.EINVALID, []string{"„drei“ kann ich nicht als Schrittnummern lesen."}},
		{"erledigt F.019 5-3", commands.EINVALID, []string{"nicht als Schrittnummern lesen"}},
		{"erledigt F.019", commands.EINVALID, []string{"Es fehlen die Nummern der Schritte."}},
		{"sprache klingonisch", commands.EINVALID, []string{"„klingonisch“ ist keine der unterstützten Sprachen (de, cs, es, en)."}},
		{"kanal timezone Mars/Olympus", commands.EINVALID, []string{"„Mars/Olympus“ ist keine Zeitzone.", "Europe/Berlin"}},
		{"kanal schedule 0 9 * *", commands.EINVALID, []string{"ist kein gültiger Zeitplan", "fünf Felder"}},
		{"kanal schedule @daily", commands.EINVALID, []string{"ist kein gültiger Zeitplan"}},
		{"kanal languages de,fr", commands.EINVALID, []string{"„fr“ ist keine der unterstützten Sprachen"}},
		{"kanal farbe blau", commands.EINVALID, []string{"Die Kanaleinstellung „farbe“ gibt es nicht."}},
		{"kanal timezone", commands.EINVALID, []string{"Für „timezone“ fehlt der Wert."}},
		{"folgen F.999", commands.ENOTFOUND, []string{"gibt es nicht"}},
		{"fristen 99999", commands.EINVALID, []string{"„99999“ ist keine gültige Anzahl von Tagen (0 bis 3.660)."}},
		// issue 15 items 6 and 7: the real bounds, and "-5" is a number of days, not a code
		{"fristen -5", commands.EINVALID, []string{"„-5“ ist keine gültige Anzahl von Tagen (0 bis 3.660)."}},
		{"kanal stale 0", commands.EINVALID, []string{"„0“ ist keine gültige Anzahl von Tagen (1 bis 3.650)."}},
		{"kanal nachfragen 3651", commands.EINVALID, []string{"(1 bis 3.650)"}},
		{"kanal zeitzone", commands.EINVALID, []string{"Für „zeitzone“ fehlt der Wert."}},
		{"stauts F.019", commands.EINVALID, []string{"Den Befehl „stauts“ kenne ich nicht.", "/klima status CODE"}},
		// last: a Czech word makes the admin's inferred language Czech
		{"kanál časové pásmo", commands.EINVALID, []string{"U „časové pásmo“ chybí hodnota."}},
	}
	before := f.snapshot()
	for _, tt := range tests {
		r := f.exec("UADMIN", "C1", tt.text)
		if r.Err == nil || r.Err.Code != tt.code {
			t.Errorf("%q: error %v, want %s", tt.text, r.Err, tt.code)
			continue
		}
		got := r.Text(f.b)
		for _, w := range tt.wants {
			if !strings.Contains(got, w) {
				t.Errorf("%q: answer lacks %q:\n%s", tt.text, w, got)
			}
		}
	}
	if after := f.snapshot(); after != before {
		t.Errorf("refused commands changed the store:\n--- before\n%s\n--- after\n%s", before, after)
	}
}

// TestPermissions: everyone reads; log and done in a channel that follows
// the measure, or by admins; deadline, channel and follow by admins only.
func TestPermissions(t *testing.T) {
	f := newFixture(t)
	if r := f.exec("UADMIN", "CFOLLOW", "follow F.019"); r.Err != nil {
		t.Fatalf("admin follow: %v", r.Err)
	}
	tests := []struct {
		user, channel, text string
		allowed             bool
	}{
		{"UX", "C1", "status F.019", true},
		{"UX", "C1", "list", true},
		{"UX", "C1", "deadlines", true},
		{"UX", "C1", "lang en", true},
		{"UX", "C1", "help", true},
		{"UX", "C1", "log F.019 Notiz", false},
		{"UX", "CFOLLOW", "log F.019 Notiz aus dem Partnerkanal", true},
		{"UX", "CFOLLOW", "log aufruf-lateinamerikanische-kommunen Notiz", false},
		{"UX", "C1", "done F.019 4", false},
		{"UX", "CFOLLOW", "done F.019 4", true},
		{"UADMIN", "C1", "log aufruf-lateinamerikanische-kommunen Notiz", true},
		{"UX", "CFOLLOW", "deadline F.019 2027-03-31 Bericht", false},
		{"UX", "CFOLLOW", "channel", false},
		{"UX", "CFOLLOW", "channel languages de", false},
		{"UX", "CFOLLOW", "follow all", false},
		{"UX", "CFOLLOW", "unfollow F.019", false},
		{"UADMIN", "C1", "deadline F.019 2027-03-31 Bericht", true},
		{"UADMIN", "C1", "channel languages de,cs", true},
	}
	for _, tt := range tests {
		r := f.exec(tt.user, tt.channel, tt.text)
		if tt.allowed && r.Err != nil {
			t.Errorf("%s in %s: %q refused: %v", tt.user, tt.channel, tt.text, r.Err)
		}
		if !tt.allowed {
			if r.Err == nil || r.Err.Code != commands.EFORBIDDEN {
				t.Errorf("%s in %s: %q allowed (%v)", tt.user, tt.channel, tt.text, r.Err)
				continue
			}
			if txt := strings.ToLower(r.Text(f.b)); !strings.Contains(txt, "administrator") {
				t.Errorf("%q: refusal does not say who may: %s", tt.text, txt)
			}
		}
	}
}

// TestExternalMemberIsNeverAdmin: a member of another workspace whose user
// id happens to be in KLIMABOT_ADMINS gets no admin rights, while their
// channel rights stay everyone's (SPEC "Who may do what").
func TestExternalMemberIsNeverAdmin(t *testing.T) {
	f := newFixture(t)
	if r := f.exec("UADMIN", "CFOLLOW", "follow F.019"); r.Err != nil {
		t.Fatalf("admin follow: %v", r.Err)
	}
	ext := func(channel, text string) commands.Reply {
		return f.svc.Execute(f.ctx, commands.Request{
			User: commands.Person{ID: "UADMIN", Name: "Partner"}, ChannelID: channel, Text: text, External: true,
		})
	}
	for _, text := range []string{"log F.019 Notiz", "deadline F.019 2027-03-31 Bericht", "channel languages de,cs", "follow all"} {
		before := f.snapshot()
		if r := ext("C1", text); r.Err == nil || r.Err.Code != commands.EFORBIDDEN {
			t.Errorf("external UADMIN in C1: %q allowed (%v)", text, r.Err)
		}
		if after := f.snapshot(); after != before {
			t.Errorf("external UADMIN in C1: %q changed the store", text)
		}
	}
	if r := ext("CFOLLOW", "log F.019 Notiz aus Nové Město"); r.Err != nil {
		t.Errorf("external member in a following channel: log refused: %v", r.Err)
	}
}

// TestWrites: log, done, deadline, channel and follow store what they say,
// and log and done announce in the channel's languages.
func TestWrites(t *testing.T) {
	f := newFixture(t)
	must := func(text string) commands.Reply {
		t.Helper()
		r := f.exec("UADMIN", "CP", text)
		if r.Err != nil {
			t.Fatalf("%s: %s", text, r.Text(f.b))
		}
		return r
	}
	must("kanal languages cs, de")
	must("kanal timezone Europe/Prague")
	must("kanal schedule 30 8 * * 1")
	must("sledovat F.019")
	ch, err := f.db.Channel(f.ctx, "CP")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(ch.Languages, ",") != "cs,de" || ch.TimeZone != "Europe/Prague" || ch.Schedule != "30 8 * * 1" || strings.Join(ch.Follows, ",") != "F.019" {
		t.Errorf("channel = %+v", ch)
	}

	r := f.exec("UJANA", "CP", "zapsat f19 Delegace &amp; rada města souhlasí")
	if r.Err != nil || r.Lang != "cs" {
		t.Fatalf("zapsat: %+v", r)
	}
	if r.Announce == nil || strings.Join(r.Announce.Langs, ",") != "cs,de" || r.Announce.MeasureCode != "F.019" {
		t.Fatalf("announcement = %+v", r.Announce)
	}
	ann := commands.PlainText(r.Announce.Parts, f.b.For("de"))
	if !strings.Contains(ann, "UJANA hat Fortschritt zu *F.019") || !strings.Contains(ann, "Delegace & rada města souhlasí") {
		t.Errorf("German announcement: %s", ann)
	}
	es, err := f.db.Entries(f.ctx, f.measure("F.019").ID, 1)
	if err != nil || len(es) != 1 || es[0].Text != "Delegace & rada města souhlasí" || es[0].Author.ID != "UJANA" || es[0].ChannelID != "CP" {
		t.Fatalf("entry = %+v, %v", es, err)
	}

	r = f.exec("UJANA", "CP", "hotovo F.019 3-5 Projekt schválen")
	if r.Err != nil {
		t.Fatalf("hotovo: %s", r.Text(f.b))
	}
	got := r.Text(f.b)
	for _, w := range []string{"F.019: kroky 4 a 5 označeny jako splněné.", "F.019: krok 3 už byl splněn.", "splněno 5 z 6 kroků"} {
		if !strings.Contains(got, w) {
			t.Errorf("hotovo answer lacks %q:\n%s", w, got)
		}
	}
	m := f.measure("F.019")
	if !m.Steps[3].Done || m.Steps[3].DoneBy.ID != "UJANA" || !m.Steps[4].Done || m.Steps[5].Done {
		t.Errorf("steps after hotovo: %+v", m.Steps)
	}
	// the deadline tied to step 4 is closed with it
	ds, err := f.db.Deadlines(f.ctx, commands.DeadlineQuery{MeasureIDs: []int64{m.ID}})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		if d.Step == 4 {
			t.Errorf("deadline of done step 4 still open: %+v", d)
		}
	}

	must("frist F.019 31. března 2027 Zpráva pro radu")
	must("plazo F.019 31 de marzo de 2027 Informe")
	all, err := f.db.Deadlines(f.ctx, commands.DeadlineQuery{MeasureIDs: []int64{m.ID}})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, d := range all {
		if d.Due == (commands.Date{Year: 2027, Month: 3, Day: 31}) {
			n++
		}
	}
	if n != 2 {
		t.Errorf("deadlines on 2027-03-31: %d, want 2", n)
	}
	must("unfollow F.019")
	if ch, _ := f.db.Channel(f.ctx, "CP"); len(ch.Follows) != 0 {
		t.Errorf("follows after unfollow: %v", ch.Follows)
	}
}

// TestDeadlinesWindow: the default window is 30 days plus everything
// overdue, implied step deadlines included; DAYS and CODE narrow it.
func TestDeadlinesWindow(t *testing.T) {
	f := newFixture(t)
	lines := func(text string) []string {
		var out []string
		for _, l := range strings.Split(f.exec("U1", "C1", text).Text(f.b), "\n") {
			if strings.Contains(l, "F.019 · ") {
				out = append(out, strings.TrimSpace(l))
			}
		}
		return out
	}
	def := lines("fristen")
	want := []string{
		"[!] F.019 · überfällig seit 31.12.2024 · 5. Bilateraler Austausch und Besprechung der weiteren Vorgehensweise",
		"[!] F.019 · überfällig seit 31.12.2025 · 6. Erarbeitung eines ersten kleinen gemeinsamen Projektes",
		"[ ] F.019 · 23.11.2026 · Besuch der Delegation vorbereiten (fällig in 2 Tagen)",
		"[ ] F.019 · 26.11.2026 · Bericht an den Umweltausschuss (fällig in 5 Tagen)",
		"[ ] F.019 · 13.12.2026 · Projektideen sammeln (fällig in 22 Tagen)",
	}
	if strings.Join(def, "\n") != strings.Join(want, "\n") {
		t.Errorf("fristen:\n%s\nwant:\n%s", strings.Join(def, "\n"), strings.Join(want, "\n"))
	}
	if got := lines("fristen 3"); len(got) != 3 {
		t.Errorf("fristen 3: %q", got)
	}
	if got := lines("fristen 0"); len(got) != 2 {
		t.Errorf("fristen 0 (overdue only): %q", got)
	}
	if got := lines("fristen f19"); len(got) != 5 {
		t.Errorf("fristen f19: %q", got)
	}
	if got := f.exec("U1", "C1", "fristen aufruf-lateinamerikanische-kommunen").Text(f.b); !strings.Contains(got, "hat keine offenen Fristen") {
		t.Errorf("done call: %s", got)
	}
}

// TestLogEntry: thread replies and the message shortcut log through the same
// checks as `log`, in the replier's language.
func TestLogEntry(t *testing.T) {
	f := newFixture(t)
	if r := f.exec("UADMIN", "CP", "follow F.019"); r.Err != nil {
		t.Fatal(r.Err)
	}
	req := commands.Request{User: commands.Person{ID: "UJANA", Name: "Jana"}, ChannelID: "CP", Locale: "es-LA"}
	r := f.svc.LogEntry(f.ctx, req, "F.019", "  Reunión con el municipio el 12.03.2027  ", commands.SourceThread)
	if r.Err != nil || r.Lang != "es" || r.Announce == nil || r.Announce.MeasureID != f.measure("F.019").ID {
		t.Fatalf("LogEntry = %+v", r)
	}
	es, err := f.db.Entries(f.ctx, f.measure("F.019").ID, 1)
	if err != nil || es[0].Text != "Reunión con el municipio el 12.03.2027" || es[0].Source != commands.SourceThread {
		t.Errorf("entry = %+v, %v", es, err)
	}
	for _, tt := range []struct{ channel, code, text, want string }{
		{"C1", "F.019", "x", commands.EFORBIDDEN},
		{"CP", "F.999", "x", commands.ENOTFOUND},
		{"CP", "F.019", "   ", commands.EINVALID},
		{"CP", "F.019", strings.Repeat("á", commands.MaxTextLen+1), commands.EINVALID},
	} {
		req.ChannelID = tt.channel
		if r := f.svc.LogEntry(f.ctx, req, tt.code, tt.text, commands.SourceShortcut); r.Err == nil || r.Err.Code != tt.want {
			t.Errorf("LogEntry(%s, %s, %.10q) error %v, want %s", tt.channel, tt.code, tt.text, r.Err, tt.want)
		}
	}
}
