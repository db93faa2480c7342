package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/klimabot/klimabot/commands"
	"github.com/klimabot/klimabot/commands/export"
	"github.com/klimabot/klimabot/locales"
)

// exportFormats are the formats of `klimabot export`.
var exportFormats = []string{"json", "csv", "xlsx", "md", "sheet", "png", "ics"}

// runExport writes the store, or some of its measures, in one format to
// stdout or --out.
//
// Binary formats (xlsx, png) are never written to a terminal: they need
// --out or a redirected stdout. sheet and png are one measure a file: with
// several measures (no CODE means all), --out names a directory that gets
// one file per measure.
func runExport(ctx context.Context, e env, args []string) error {
	cfg, err := loadConfig(e.getenv)
	if err != nil {
		return err
	}
	fs := newFlags(e, "export")
	fs.StringVar(&cfg.DB, "db", cfg.DB, "database file (KLIMABOT_DB)")
	format := fs.String("format", "", "json, csv, xlsx, md, sheet, png or ics")
	lang := fs.String("lang", "", "document language: de, cs, es or en (default KLIMABOT_LANGUAGE)")
	since := fs.String("since", "", "md and sheet: progress since this day (default: 90 days ago)")
	out := fs.String("out", "", "write to this file (a directory for sheet and png of several measures)")
	sep := fs.String("sep", "", "csv: field separator (default ; for de, cs, es and , for en)")
	nowFlag := fs.String("now", "", "export as of this time (RFC 3339), for reproducible reports")
	// Flags may follow the codes: `export F.019 --format md`.
	var codes []string
	for {
		if err := parseFlags(fs, args, &cfg); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		codes = append(codes, fs.Arg(0))
		args = fs.Args()[1:]
	}
	f := strings.ToLower(strings.TrimSpace(*format))
	if !slices.Contains(exportFormats, f) {
		return usageErr("export: --format %q is not one of %s", *format, strings.Join(exportFormats, ", "))
	}
	if *lang != "" {
		l, ok := locales.MatchLanguage(*lang)
		if !ok {
			return usageErr("--lang %q is not one of de, cs, es, en", *lang)
		}
		cfg.Language = l
	}
	clock := time.Now
	if *nowFlag != "" {
		t, err := time.Parse(time.RFC3339, *nowFlag)
		if err != nil {
			return usageErr("export: --now %q is not an RFC 3339 time such as 2026-11-21T10:00:00+01:00", *nowFlag)
		}
		clock = func() time.Time { return t }
	}
	var sinceDay commands.Date
	if *since != "" {
		if sinceDay, err = commands.ParseDate(*since); err != nil {
			return usageErr("export: --since %q is not a date such as 2026-08-23 or 23.08.2026", *since)
		}
	}
	var sepRune rune
	if *sep != "" {
		r := []rune(strings.ReplaceAll(*sep, `\t`, "\t"))
		if len(r) != 1 || r[0] == '"' || r[0] == '\n' || r[0] == '\r' {
			return usageErr("export: --sep %q must be one character such as ; or ,", *sep)
		}
		sepRune = r[0]
	}
	binary := f == "xlsx" || f == "png"
	if *out == "" && binary && writesToTerminal(e.stdout) {
		return usageErr("export: --format %s is binary; name a file with --out or redirect the output", f)
	}

	a, err := open(ctx, e, cfg, clock)
	if err != nil {
		return err
	}
	defer a.Close()
	if f == "ics" {
		return exportCalendar(ctx, e, a, codes, cfg.Language, clock(), *out)
	}
	dump, err := a.db.Dump(ctx, codes)
	if err != nil {
		return reportErr(e, a.bundle.For(cfg.Language), err)
	}
	loc, err := time.LoadLocation(cfg.TimeZone)
	if err != nil {
		return fmt.Errorf("time zone: %w", err)
	}
	o := export.Options{L: a.bundle.For(cfg.Language), Now: clock(), Loc: loc, Since: sinceDay}

	if f == "sheet" || f == "png" {
		return exportPerMeasure(e, dump, o, f, *out)
	}
	var buf bytes.Buffer
	switch f {
	case "json":
		err = export.JSON(&buf, dump)
	case "csv":
		err = export.CSV(&buf, dump, o, sepRune)
	case "xlsx":
		err = export.XLSX(&buf, dump, o)
	case "md":
		err = export.Markdown(&buf, dump, o)
	}
	if err != nil {
		return err
	}
	return writeOutput(e, o.L, *out, f, buf.Bytes())
}

// exportCalendar writes the open deadlines of the measures named by codes
// (none: all measures) as an iCalendar file: the file `/klima calendar`
// sends, with the same UIDs.
func exportCalendar(ctx context.Context, e env, a *app, codes []string, lang string, now time.Time, out string) error {
	l := a.bundle.For(lang)
	req := commands.CalendarRequest{Scope: commands.CalendarAll, Lang: lang, Now: now}
	if len(codes) > 0 {
		req.Scope = commands.CalendarMeasure
		for _, code := range codes {
			m, err := a.db.Measure(ctx, code)
			if err != nil {
				return reportErr(e, l, err)
			}
			req.MeasureIDs = append(req.MeasureIDs, m.ID)
		}
	}
	f, err := a.calendars.File(ctx, req)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return writeOutput(e, l, out, "ics", f.Content)
}

// exportPerMeasure writes sheets or timelines: one measure to --out or
// stdout, several to files in the directory --out.
func exportPerMeasure(e env, d commands.Dump, o export.Options, f, out string) error {
	render := func(w io.Writer, m commands.DumpMeasure) error {
		if f == "png" {
			return export.Timeline(w, m, o)
		}
		return export.Sheet(w, m, o)
	}
	hint := func(m commands.DumpMeasure, name string) {
		if f == "sheet" && export.SheetNeedsCode(m.Code) {
			fmt.Fprintln(e.stderr, o.L.Msg("cli.export_sheet_code", map[string]any{"File": name, "Code": m.Code}))
		}
	}
	ext := ".txt"
	if f == "png" {
		ext = ".png"
	}
	if st, err := os.Stat(out); err == nil && st.IsDir() && len(d.Measures) == 1 {
		out = filepath.Join(out, export.FileSlug(d.Measures[0].Code)+ext)
	}
	switch len(d.Measures) {
	case 0:
		fmt.Fprintln(e.stderr, o.L.Msg("list.empty", nil))
		return errReported
	case 1:
		var buf bytes.Buffer
		if err := render(&buf, d.Measures[0]); err != nil {
			return err
		}
		name := out
		if name == "" {
			name = "-"
		}
		hint(d.Measures[0], name)
		return writeOutput(e, o.L, out, f, buf.Bytes())
	}
	if out == "" {
		return usageErr("export: --format %s writes one file a measure; name a directory with --out, or name one CODE", f)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("export: make directory %s: %w", out, err)
	}
	for _, m := range d.Measures {
		var buf bytes.Buffer
		if err := render(&buf, m); err != nil {
			return err
		}
		path := filepath.Join(out, export.FileSlug(m.Code)+ext)
		hint(m, path)
		if err := writeOutput(e, o.L, path, f, buf.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

// writeOutput writes data to the file out, or to stdout when out is "".
func writeOutput(e env, l *locales.Localizer, out, format string, data []byte) error {
	if out == "" {
		if _, err := e.stdout.Write(data); err != nil {
			return fmt.Errorf("export: write: %w", err)
		}
		return nil
	}
	if err := os.WriteFile(out, data, 0o644); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	fmt.Fprintln(e.stdout, l.Msg("cli.export_written", map[string]any{"File": out, "Format": format}))
	return nil
}

// reportErr prints a user-facing store error (an unknown code) localized
// and returns errReported; other errors are returned as they are.
func reportErr(e env, l *locales.Localizer, err error) error {
	var ce *commands.Error
	if errors.As(err, &ce) && ce.Code != commands.EINTERNAL {
		fmt.Fprintln(e.stderr, ce.Msg.Render(l))
		if ce.Hint != nil {
			fmt.Fprintln(e.stderr, ce.Hint.Render(l))
		}
		return errReported
	}
	return err
}

// writesToTerminal reports whether w is an interactive terminal.
func writesToTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
