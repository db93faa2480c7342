package main

import (
	"context"
	"embed"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/klimabot/klimabot/commands"
	"github.com/klimabot/klimabot/commands/importer"
	"github.com/klimabot/klimabot/commands/translate"
)

// seeds are the two source documents the demo starts from: measure sheet
// F.019 and the SKEW call for Latin American climate partnerships.
//
//go:embed seeds/*.txt
var seeds embed.FS

func runDemo(ctx context.Context, e env, args []string) error {
	cfg, err := loadConfig(e.getenv)
	if err != nil {
		return err
	}
	fs := newFlags(e, "demo")
	db := fs.String("db", "", "keep the demo database in this file (default: a temporary file, removed at exit)")
	lang := fs.String("lang", "", "answer in this language: de, cs, es or en")
	external := fs.Bool("external", false, "act as Jana Nováková of the partner town, a member of another workspace")
	files := fs.String("files", "", "save reports and timelines of answers into this directory")
	if err := parseFlags(fs, args, &cfg); err != nil {
		return err
	}
	if *db != "" {
		if _, err := os.Stat(*db); err == nil {
			return usageErr("demo: %s exists; the demo starts from a fresh database (remove it or name another file)", *db)
		}
		cfg.DB = *db
	} else {
		dir, err := os.MkdirTemp("", "klimabot-demo-")
		if err != nil {
			return fmt.Errorf("demo: make temporary directory: %w", err)
		}
		defer os.RemoveAll(dir)
		cfg.DB = filepath.Join(dir, "demo.db")
	}
	opt, err := newConsoleOptions(e, "", "demo", *lang)
	if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErr("demo: unexpected argument %q", fs.Arg(0))
	}
	opt.files = *files
	if *external {
		opt.user, opt.external = demoPartner, true
	} else {
		opt.locale = cfg.Language
	}
	a, err := openOrCreate(ctx, e, cfg, time.Now)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.loadDemo(ctx, time.Now()); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if a.translator == nil {
		// the demo has no provider: it shows its sample translations
		a.translateWith(&translate.Service{Store: a.db, Offline: demoTranslations, Detect: detectLanguage})
	}
	l := a.bundle.For(cfg.Language)
	if opt.lang != "" {
		l = a.bundle.For(opt.lang)
	}
	fmt.Fprintln(e.stdout, l.Msg("cli.demo_welcome", nil))
	if opt.external {
		fmt.Fprintln(e.stdout, l.Msg("cli.demo_external", map[string]any{"Name": demoPartner.Name}))
	} else {
		fmt.Fprintln(e.stdout, l.Msg("cli.demo_partner_hint", nil))
	}
	fmt.Fprintln(e.stdout)
	return a.console(ctx, e, opt)
}

// demoPartner is the partner town's contact in the demo: a member of the
// partner's own workspace in a Slack Connect channel (demo --external).
var demoPartner = commands.Person{ID: "U0NMNM01", Name: "Jana Nováková"}

// loadDemo imports the embedded seed documents and adds what a town would
// have logged by now: done steps, progress entries by staff and partners, and
// deadlines around today, so that status, list and deadlines have something
// to show.
func (a *app) loadDemo(ctx context.Context, now time.Time) error {
	names, err := seeds.ReadDir("seeds")
	if err != nil {
		return fmt.Errorf("read seeds: %w", err)
	}
	sort.Slice(names, func(i, j int) bool { return names[i].Name() < names[j].Name() })
	for _, n := range names {
		data, err := seeds.ReadFile("seeds/" + n.Name())
		if err != nil {
			return fmt.Errorf("read seed %s: %w", n.Name(), err)
		}
		if _, err := a.importData(ctx, n.Name(), data, importer.Options{}); err != nil {
			return fmt.Errorf("import seed %s: %w", n.Name(), err)
		}
	}
	f019, err := a.db.Measure(ctx, "F.019")
	if err != nil {
		return fmt.Errorf("find F.019: %w", err)
	}
	call, err := a.db.Measure(ctx, "aufruf-lateinamerikanische-kommunen")
	if err != nil {
		return fmt.Errorf("find the call: %w", err)
	}
	loc, err := time.LoadLocation(a.cfg.TimeZone)
	if err != nil {
		return fmt.Errorf("time zone: %w", err)
	}
	today := commands.Today(now, loc)
	at := func(days int) time.Time { return today.AddDays(days).Time(loc).Add(10 * time.Hour) }
	staff := commands.Person{ID: "U0STABSKS", Name: "Stabsstelle Klimaschutz"}
	partner := demoPartner
	skew := commands.Person{ID: "U0SKEW01", Name: "SKEW"}

	// F.019: steps 1-4 happened up to the visit in Hilden on 23.06.2023.
	visit := time.Date(2023, 6, 23, 16, 0, 0, 0, loc)
	if _, err := a.db.CompleteSteps(ctx, f019.ID, []int{1, 2, 3, 4}, staff, visit, &commands.Entry{
		MeasureID: f019.ID, Author: staff, Source: commands.SourceImport, CreatedAt: visit,
		Text: "Persönlicher Austausch mit der Delegation aus Nové Město nad Metují in Hilden; Best-Practice-Beispiele vorgestellt.",
	}); err != nil {
		return fmt.Errorf("demo steps: %w", err)
	}
	// The call of 2014 is history: its steps are done.
	if _, err := a.db.CompleteSteps(ctx, call.ID, []int{1, 2, 3, 4, 5}, skew, time.Date(2015, 3, 31, 12, 0, 0, 0, loc), nil); err != nil {
		return fmt.Errorf("demo call steps: %w", err)
	}
	entries := []commands.Entry{
		{MeasureID: f019.ID, Author: staff, CreatedAt: at(-20), Text: "Präsentation mit den Best-Practice-Beispielen übersetzt und an Nové Město nad Metují versendet."},
		{MeasureID: f019.ID, Author: partner, CreatedAt: at(-6), Text: "Delegace projekt interně projednala; otázky a kontaktní osoby zašleme do konce měsíce."},
		{MeasureID: call.ID, Author: skew, CreatedAt: at(-30), Text: "Dokumentation der Projektphase an alle teilnehmenden Kommunen verschickt."},
	}
	for _, en := range entries {
		en.Source = commands.SourceCommand
		en.ChannelID = "demo"
		if _, err := a.db.AddEntry(ctx, en); err != nil {
			return fmt.Errorf("demo entry: %w", err)
		}
	}
	deadlines := []commands.Deadline{
		{MeasureID: f019.ID, Step: 5, Due: today.AddDays(3), Text: "Termin für den bilateralen Austausch mit Nové Město nad Metují abstimmen"},
		{MeasureID: f019.ID, Due: today.AddDays(10), Text: "Kurzbericht zur Klimapartnerschaft für den Umweltausschuss"},
		{MeasureID: f019.ID, Step: 6, Due: today.AddDays(-2), Text: "Ideen für ein erstes gemeinsames Projekt sammeln"},
	}
	for _, d := range deadlines {
		d.State = commands.DeadlineOpen
		d.CreatedBy = staff
		if _, err := a.db.AddDeadline(ctx, d); err != nil {
			return fmt.Errorf("demo deadline: %w", err)
		}
	}
	ch := commands.DefaultChannel("demo", a.cfg.TimeZone)
	ch.Languages = []string{"de", "cs"}
	ch.Follows = []string{f019.Code}
	if err := a.db.SaveChannel(ctx, ch); err != nil {
		return fmt.Errorf("demo channel: %w", err)
	}
	return a.loadDemoTranslations(ctx, f019)
}

// demoTranslations is the provider name of the demo's sample translations:
// a real provider never reads them.
const demoTranslations = "sample"

// loadDemoTranslations stores what a translation provider would have made
// of the demo's texts, so that the demo shows translated entries and steps
// without one. They are marked as samples in the store (provider "sample")
// and in their text.
func (a *app) loadDemoTranslations(ctx context.Context, f019 *commands.Measure) error {
	var ts []translate.Stored
	add := func(orig, source, target, text string) {
		mark := map[string]string{"de": " (Beispielübersetzung)", "cs": " (ukázkový překlad)"}[target]
		ts = append(ts, translate.Stored{Fingerprint: translate.Fingerprint(orig), Source: source, Target: target,
			Provider: demoTranslations, Text: text + mark})
	}
	add("Delegace projekt interně projednala; otázky a kontaktní osoby zašleme do konce měsíce.", "cs", "de",
		"Die Delegation hat das Projekt intern besprochen; Fragen und Ansprechpersonen schicken wir bis Monatsende.")
	add("Präsentation mit den Best-Practice-Beispielen übersetzt und an Nové Město nad Metují versendet.", "de", "cs",
		"Prezentace s příklady dobré praxe byla přeložena a odeslána do Nového Města nad Metují.")
	add(f019.Title, "de", "cs", "Komunální klimatické partnerství s Novým Městem nad Metují")
	steps := []string{
		"Analýza klimatických paralel a srovnání výzev Hildenu a Nového Města nad Metují",
		"Prezentace výsledků analýzy a možných výhod klimatického partnerství",
		"Zaslání projektového návrhu partnerskému městu",
		"Osobní setkání s delegací z Nového Města nad Metují a představení příkladů dobré praxe v Hildenu",
		"Bilaterální výměna a projednání dalšího postupu",
		"Příprava prvního malého společného projektu",
	}
	for i, st := range f019.Steps {
		if i < len(steps) {
			add(st.Text, "de", "cs", steps[i])
		}
	}
	return a.db.SaveTranslations(ctx, ts)
}
