package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/klimabot/klimabot/commands"
	"github.com/klimabot/klimabot/commands/importer"
	"github.com/klimabot/klimabot/locales"
)

func runImport(ctx context.Context, e env, args []string) error {
	cfg, err := loadConfig(e.getenv)
	if err != nil {
		return err
	}
	fs := newFlags(e, "import")
	fs.StringVar(&cfg.DB, "db", cfg.DB, "database file (KLIMABOT_DB)")
	code := fs.String("code", "", "measure code for a call or single-measure file without one")
	lang := fs.String("lang", "", "report in this language: de, cs, es or en")
	if err := parseFlags(fs, args, &cfg); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageErr("import: name at least one FILE (measure sheet, call or CSV)")
	}
	if *lang != "" {
		l, ok := locales.MatchLanguage(*lang)
		if !ok {
			return usageErr("--lang %q is not one of de, cs, es, en", *lang)
		}
		cfg.Language = l
	}
	a, err := openOrCreate(ctx, e, cfg, time.Now)
	if err != nil {
		return err
	}
	defer a.Close()
	l := a.bundle.For(cfg.Language)
	failed := 0
	for _, path := range fs.Args() {
		data, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintln(e.stderr, l.Msg("files.import_unreadable", map[string]any{"File": path, "Err": err.Error()}))
			failed++
			continue
		}
		if f, derr := importer.Detect(data); derr == nil && f == importer.FormatJSON {
			n, err := a.restoreData(ctx, filepath.Base(path), data)
			if err != nil {
				fmt.Fprintln(e.stderr, describeImportError(l, path, err))
				failed++
				continue
			}
			fmt.Fprintln(e.stdout, l.Plural("cli.restore_done", n, map[string]any{"File": path}))
			continue
		}
		res, err := a.importData(ctx, filepath.Base(path), data, importer.Options{Code: *code})
		if err != nil {
			fmt.Fprintln(e.stderr, describeImportError(l, path, err))
			failed++
			continue
		}
		reportImport(e, l, path, res)
		if err := a.reportPastSteps(ctx, e, l, res); err != nil {
			return err
		}
	}
	if failed > 0 {
		return errReported
	}
	return nil
}

// importData parses one file's content and writes it in one transaction: a
// file that fails writes nothing.
func (a *app) importData(ctx context.Context, name string, data []byte, opt importer.Options) (commands.ImportResult, error) {
	ms, _, err := importer.Parse(name, data, opt)
	if err != nil {
		return commands.ImportResult{}, err
	}
	res, err := a.db.Import(ctx, name, ms)
	if err != nil {
		return res, err
	}
	// people's translations (CSV title_cs …) win over machine ones
	if ts := humanTranslations(ms, a.cfg.Language); len(ts) > 0 {
		if err := a.db.SaveTranslations(ctx, ts); err != nil {
			return res, fmt.Errorf("store the translations of %s: %w", name, err)
		}
	}
	return res, nil
}

// restoreData reads a JSON export and restores it into the (empty) store
// with Store.Restore: done states, deadlines and entries included, which an
// import of sheets never writes. It returns the number of measures.
func (a *app) restoreData(ctx context.Context, name string, data []byte) (int, error) {
	d, err := importer.ParseDump(name, data)
	if err != nil {
		return 0, err
	}
	if err := a.db.Restore(ctx, d); err != nil {
		return 0, err
	}
	ms := make([]commands.Measure, len(d.Measures))
	for i, dm := range d.Measures {
		ms[i] = dm.Measure
	}
	if ts := humanTranslations(ms, a.cfg.Language); len(ts) > 0 {
		if err := a.db.SaveTranslations(ctx, ts); err != nil {
			return 0, fmt.Errorf("store the translations of %s: %w", name, err)
		}
	}
	return len(d.Measures), nil
}

func reportImport(e env, l *locales.Localizer, path string, res commands.ImportResult) {
	for _, group := range []struct {
		id    string
		codes []string
	}{{"cli.import_created", res.Created}, {"cli.import_updated", res.Updated}, {"cli.import_same", res.Same}} {
		for _, c := range group.codes {
			fmt.Fprintln(e.stdout, l.Msg(group.id, map[string]any{"File": path, "Code": c}))
		}
	}
}

// describeImportError localizes a parse or store error: the file, the line
// and what was expected, each said once. A parse error's message names the
// file (and line) itself; it gets the path as given on the command line.
func describeImportError(l *locales.Localizer, path string, err error) string {
	var pe *importer.ParseError
	if errors.As(err, &pe) {
		msg := pe.Msg
		msg.Data = commands.Data{}
		for k, v := range pe.Msg.Data {
			msg.Data[k] = v
		}
		msg.Data["File"] = path
		return msg.Render(l) + " " + l.Msg("files.import_nothing_stored", nil)
	}
	var ce *commands.Error
	if errors.As(err, &ce) && ce.Code != commands.EINTERNAL {
		return l.Msg("cli.import_failed", map[string]any{"File": path, "Reason": ce.Msg.Render(l)})
	}
	return l.Msg("cli.import_failed", map[string]any{"File": path, "Reason": err.Error()})
}

// reportPastSteps says, per imported measure, which open steps lie in the
// past by its timeline and how to tick the done ones off in one go (SPEC
// "Reminders"): an old plan otherwise arrives as a wall of overdue steps.
func (a *app) reportPastSteps(ctx context.Context, e env, l *locales.Localizer, res commands.ImportResult) error {
	loc, err := time.LoadLocation(a.cfg.TimeZone)
	if err != nil || a.cfg.TimeZone == "" {
		loc = time.Local
	}
	today := commands.Today(time.Now(), loc)
	for _, codes := range [][]string{res.Created, res.Updated, res.Same} {
		for _, code := range codes {
			m, err := a.db.Measure(ctx, code)
			if err != nil {
				return err
			}
			steps, err := commands.PastOpenSteps(ctx, a.db, m.ID, today)
			if err != nil {
				return err
			}
			if hint := commands.ImportHint(m.Code, steps); !hint.IsZero() {
				fmt.Fprintln(e.stdout, hint.Render(l))
			}
		}
	}
	return nil
}
