package export

import (
	"bytes"
	"context"

	"github.com/klimabot/klimabot/commands"
	"github.com/klimabot/klimabot/locales"
)

// Maker makes the documents of the chat subcommands `report` and
// `timeline` from a store's dump; it implements commands.Reports.
type Maker struct {
	Store  commands.Dumper
	Bundle *locales.Bundle
	// Translations, when set, puts the report's texts into its language
	// where a translation is stored, the original beside (translated.go);
	// SourceLang is the language the measures are written in.
	Translations commands.Translations
	SourceLang   string
}

var _ commands.Reports = Maker{}

// options builds the renderers' options from a request.
func (mk Maker) options(r commands.ReportRequest) Options {
	return Options{L: mk.Bundle.For(r.Lang), Now: r.Now, Loc: r.Loc, Since: r.Since}
}

// Report returns the Markdown status report of the requested measures.
func (mk Maker) Report(ctx context.Context, r commands.ReportRequest) (commands.File, error) {
	d, err := mk.Store.Dump(ctx, r.Codes)
	if err != nil {
		return commands.File{}, err
	}
	o := mk.options(r)
	mk.translate(ctx, &d, r.Lang, o)
	var buf bytes.Buffer
	if err := Markdown(&buf, d, o); err != nil {
		return commands.File{}, err
	}
	return commands.File{
		Name:    FileName(o, r.Codes, "export.file.report", ".md"),
		Title:   commands.Msg("export.md.title", commands.Data{"Date": commands.LongDate(o.today())}),
		Type:    "text/markdown; charset=utf-8",
		Content: buf.Bytes(),
	}, nil
}

// Timeline returns the timeline picture of the one requested measure.
func (mk Maker) Timeline(ctx context.Context, r commands.ReportRequest) (commands.File, error) {
	d, err := mk.Store.Dump(ctx, r.Codes)
	if err != nil {
		return commands.File{}, err
	}
	if len(d.Measures) != 1 {
		return commands.File{}, commands.Invalid("error.one_code", nil)
	}
	o := mk.options(r)
	var buf bytes.Buffer
	if err := Timeline(&buf, d.Measures[0], o); err != nil {
		return commands.File{}, err
	}
	m := d.Measures[0]
	return commands.File{
		Name:    FileName(o, r.Codes, "export.file.timeline", ".png"),
		Title:   commands.Raw(m.Code + " – " + o.msg("label.timeline", nil)),
		Type:    "image/png",
		Content: buf.Bytes(),
	}, nil
}

// FileName names a document: "F.019-bericht-2026-11-21.md" for one
// measure, "bericht-2026-11-21.md" for all, with the kind's word (message
// wordID) in the document's language.
func FileName(o Options, codes []string, wordID, ext string) string {
	name := o.msg(wordID, nil) + "-" + o.today().String() + ext
	if len(codes) == 1 {
		name = FileSlug(codes[0]) + "-" + name
	}
	return name
}
