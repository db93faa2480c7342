package importer

import (
	"regexp"
	"strings"

	"github.com/klimabot/klimabot/commands"
)

// translationHeader is a column of people's translation: a title, steps or
// status header followed by a language, as "title_cs", "steps-es",
// "Titel (cs)" or "Schritte [es]".
var translationHeader = regexp.MustCompile(`(?i)^\s*(.+?)\s*(?:[_\-]\s*|[(\[]\s*)(de|cs|es|en)\s*[)\]]?\s*$`)

// translationColumn reports whether header names a translation column and
// of which field (colTitle, colSteps, colStatus) and language.
func translationColumn(header string) (column, string, bool) {
	m := translationHeader.FindStringSubmatch(header)
	if m == nil {
		return 0, "", false
	}
	c, ok := csvHeaders[FoldLabel(m[1])]
	if !ok || (c != colTitle && c != colSteps && c != colStatus) {
		return 0, "", false
	}
	return c, strings.ToLower(m[2]), true
}

// addTranslation keeps a translation cell of m; an empty cell gives none.
func addTranslation(m *commands.Measure, lang string, c column, v string) {
	var t commands.MeasureTexts
	switch c {
	case colTitle:
		t.Title = collapse(v)
	case colStatus:
		t.Status = joinLines(strings.Split(v, "\n"))
	case colSteps:
		t.Steps = splitCellSteps(v)
	}
	if t.Title == "" && t.Status == "" && len(t.Steps) == 0 {
		return
	}
	if m.Translated == nil {
		m.Translated = map[string]commands.MeasureTexts{}
	}
	have := m.Translated[lang]
	if t.Title != "" {
		have.Title = t.Title
	}
	if t.Status != "" {
		have.Status = t.Status
	}
	if len(t.Steps) > 0 {
		have.Steps = t.Steps
	}
	m.Translated[lang] = have
}
