package export

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"

	"github.com/klimabot/klimabot/commands"
)

// The timeline picture's geometry, in pixels.
const (
	pngWidth   = 1200
	pngLabelX  = 20   // step labels start here
	pngPlotX0  = 470  // the plot area
	pngPlotX1  = 1175 //
	pngTop     = 110  // first row
	pngRowH    = 30
	pngMaxRows = 60 // more steps are cut off with a note
	pngMaxSpan = 40 // years shown at most
)

// The picture's colours.
var (
	colWhite    = color.RGBA{255, 255, 255, 255}
	colText     = color.RGBA{33, 37, 41, 255}
	colMuted    = color.RGBA{108, 117, 125, 255}
	colGrid     = color.RGBA{222, 226, 230, 255}
	colStripe   = color.RGBA{246, 247, 249, 255}
	colDone     = color.RGBA{46, 158, 68, 255}
	colOpen     = color.RGBA{59, 111, 214, 255}
	colOverdue  = color.RGBA{208, 57, 62, 255}
	colDeadline = color.RGBA{230, 138, 0, 255}
	colToday    = color.RGBA{208, 57, 62, 255}
)

// faces are the fonts of the picture: the Go fonts, embedded in the binary
// (no system fonts needed), which cover the Latin letters of German, Czech
// and Spanish.
type faces struct {
	title, regular, small font.Face
}

var (
	facesOnce sync.Once
	facesVal  faces
	facesErr  error
)

func loadFaces() (faces, error) {
	facesOnce.Do(func() {
		reg, err := opentype.Parse(goregular.TTF)
		if err != nil {
			facesErr = fmt.Errorf("parse font: %w", err)
			return
		}
		bold, err := opentype.Parse(gobold.TTF)
		if err != nil {
			facesErr = fmt.Errorf("parse font: %w", err)
			return
		}
		face := func(f *opentype.Font, size float64) font.Face {
			if facesErr != nil {
				return nil
			}
			fc, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
			if err != nil {
				facesErr = fmt.Errorf("font face: %w", err)
			}
			return fc
		}
		facesVal = faces{title: face(bold, 22), regular: face(reg, 15), small: face(reg, 13)}
	})
	return facesVal, facesErr
}

// canvas is an image with drawing helpers.
type canvas struct {
	img *image.RGBA
	f   faces
}

func (c *canvas) rect(x0, y0, x1, y1 int, col color.Color) {
	draw.Draw(c.img, image.Rect(x0, y0, x1, y1), image.NewUniform(col), image.Point{}, draw.Src)
}

// text draws s with its baseline at y, starting at x.
func (c *canvas) text(face font.Face, x, y int, col color.Color, s string) {
	d := font.Drawer{Dst: c.img, Src: image.NewUniform(col), Face: face, Dot: fixed.P(x, y)}
	d.DrawString(s)
}

func width(face font.Face, s string) int { return font.MeasureString(face, s).Ceil() }

// fit shortens s with "…" until it is at most w pixels wide.
func fit(face font.Face, s string, w int) string {
	if width(face, s) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && width(face, string(r)+"…") > w {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}

// poly fills the polygon pts (anti-aliased).
func (c *canvas) poly(col color.Color, pts ...[2]float32) {
	minX, minY := float32(math.MaxFloat32), float32(math.MaxFloat32)
	maxX, maxY := float32(-math.MaxFloat32), float32(-math.MaxFloat32)
	for _, p := range pts {
		minX, minY = min(minX, p[0]), min(minY, p[1])
		maxX, maxY = max(maxX, p[0]), max(maxY, p[1])
	}
	x0, y0 := int(math.Floor(float64(minX))), int(math.Floor(float64(minY)))
	w, h := int(math.Ceil(float64(maxX)))-x0+1, int(math.Ceil(float64(maxY)))-y0+1
	if w <= 0 || h <= 0 {
		return
	}
	z := vector.NewRasterizer(w, h)
	for i, p := range pts {
		if i == 0 {
			z.MoveTo(p[0]-float32(x0), p[1]-float32(y0))
		} else {
			z.LineTo(p[0]-float32(x0), p[1]-float32(y0))
		}
	}
	z.ClosePath()
	z.Draw(c.img, image.Rect(x0, y0, x0+w, y0+h), image.NewUniform(col), image.Point{})
}

func (c *canvas) diamond(x, y, r float32, col color.Color) {
	c.poly(col, [2]float32{x, y - r}, [2]float32{x + r, y}, [2]float32{x, y + r}, [2]float32{x - r, y})
}

// triangle is a marker pointing down at (x, y).
func (c *canvas) triangle(x, y, r float32, col color.Color) {
	c.poly(col, [2]float32{x - r, y - r}, [2]float32{x + r, y - r}, [2]float32{x, y + r*0.7})
}

func (c *canvas) circle(x, y, r float32, col color.Color) {
	pts := make([][2]float32, 24)
	for i := range pts {
		a := 2 * math.Pi * float64(i) / float64(len(pts))
		pts[i] = [2]float32{x + r*float32(math.Cos(a)), y + r*float32(math.Sin(a))}
	}
	c.poly(col, pts...)
}

// scale maps days to x in the plot area.
type scale struct {
	first, last int // years shown
	start       time.Time
	days        float64
}

func newScale(first, last int) scale {
	start := time.Date(first, 1, 1, 12, 0, 0, 0, time.UTC)
	end := time.Date(last+1, 1, 1, 12, 0, 0, 0, time.UTC)
	return scale{first: first, last: last, start: start, days: end.Sub(start).Hours() / 24}
}

// x returns the position of the start of day d; ok false when d lies
// outside the years shown.
func (s scale) x(d commands.Date) (float32, bool) {
	if d.Year < s.first || d.Year > s.last {
		return 0, false
	}
	days := time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC).Sub(s.start).Hours() / 24
	return float32(pngPlotX0) + float32(days/s.days)*float32(pngPlotX1-pngPlotX0), true
}

// pngNearYears: today's year joins the years shown when it lies at most this
// many years beyond the measure's own dates; a historic call (everything in
// 2016) is not stretched over a decade of empty columns up to today, it
// notes today at the edge instead.
const pngNearYears = 2

// yearRange returns the years the picture shows: all planned years, dated
// steps, done dates and deadlines, and today's year when it lies within
// pngNearYears of them (or when there is nothing else), at most pngMaxSpan
// years around the measure's dates.
func yearRange(m commands.DumpMeasure, o Options, today commands.Date) (int, int) {
	first, last := 0, 0
	see := func(y int) {
		if y <= 0 {
			return
		}
		if first == 0 {
			first, last = y, y
			return
		}
		first, last = min(first, y), max(last, y)
	}
	for _, s := range m.Steps {
		see(s.PlannedYear)
		see(s.PlannedDate.Year)
		if s.Done && !s.DoneAt.IsZero() {
			see(o.day(s.DoneAt).Year)
		}
	}
	for _, d := range m.Deadlines {
		see(d.Due.Year)
	}
	if first == 0 || (today.Year >= first-pngNearYears && today.Year <= last+pngNearYears) {
		see(today.Year)
	}
	if last-first+1 > pngMaxSpan {
		anchor := today.Year
		if anchor < first || anchor > last {
			anchor = last
		}
		first = max(first, anchor-pngMaxSpan/2)
		last = min(last, first+pngMaxSpan-1)
	}
	return first, last
}

// stepDue is the day an open step is due: its earliest open explicit
// deadline, else its planned date or the end of its planned year.
func stepDue(s commands.Step, ds []commands.DumpDeadline) commands.Date {
	var due commands.Date
	for _, d := range ds {
		if d.State.Open() && (due.IsZero() || d.Due.Before(due)) {
			due = d.Due
		}
	}
	if due.IsZero() {
		due = s.Due()
	}
	return due
}

// Label lines and rows.
const (
	pngLineH     = 19 // between the baselines of a wrapped label
	pngRowPad    = 11 // above and below a row's label
	pngLabelMax  = 6  // lines of a step label at most; then "…"
	pngLabelW    = pngPlotX0 - pngLabelX - 14
	pngLegendGap = 28
)

// wrap breaks s into lines of at most w pixels in face, at spaces (a word
// wider than a line is cut), at most maxLines lines, the last ending in "…"
// when text was left out.
func wrap(face font.Face, s string, w, maxLines int) []string {
	var lines []string
	line := ""
	words := strings.Fields(s)
	for i, word := range words {
		try := word
		if line != "" {
			try = line + " " + word
		}
		if width(face, try) <= w {
			line = try
			continue
		}
		if line != "" {
			lines = append(lines, line)
		}
		line = word
		if len(lines) == maxLines-1 {
			// the last line: the rest, shortened
			line = fit(face, strings.Join(words[i:], " "), w)
			break
		}
		for width(face, line) > w { // a word longer than a line
			r := []rune(line)
			n := len(r)
			for n > 1 && width(face, string(r[:n])) > w {
				n--
			}
			lines = append(lines, string(r[:n]))
			line = string(r[n:])
			if len(lines) == maxLines-1 {
				line = fit(face, strings.Join(append([]string{line}, words[i+1:]...), " "), w)
				break
			}
		}
	}
	if line != "" || len(lines) == 0 {
		lines = append(lines, line)
	}
	return lines
}

// tlMark is one marker kind of the picture; the legend explains those that
// are drawn.
type tlMark int

const (
	markBarDone tlMark = iota
	markBarOpen
	markBarOverdue
	markPlannedDate // ◆
	markDoneOn      // ●
	markDeadline    // ▼ orange
	markDeadlineLate
	markDeadlineDone
	markToday
	markCount
)

// tlRow is one row of the picture: a step, or a deadline tied to no step.
type tlRow struct {
	label     []string
	labelCol  color.Color
	step      *commands.Step
	bar       color.Color // the step's colour
	deadlines []commands.DumpDeadline
	y0, h     int
}

// deadlineNote is the text beside a deadline's triangle: its date (the row
// says what the deadline is about).
func (o Options) deadlineNote(d commands.DumpDeadline) string { return o.date(d.Due) }

// timeline is the picture laid out: what Timeline draws, and what the tests
// read.
type timeline struct {
	first, last int
	rows        []tlRow
	cut         int // steps left out
	used        [markCount]bool
	todayShown  bool
	bottom      int
}

func layoutTimeline(m commands.DumpMeasure, o Options, f faces) timeline {
	today := o.today()
	var t timeline
	t.first, t.last = yearRange(m, o, today)
	t.todayShown = today.Year >= t.first && today.Year <= t.last

	steps := m.Steps
	if len(steps) > pngMaxRows {
		t.cut = len(steps) - pngMaxRows
		steps = steps[:pngMaxRows]
	}
	var loose []commands.DumpDeadline // deadlines tied to no step
	byStep := map[int][]commands.DumpDeadline{}
	for _, d := range m.Deadlines {
		if d.Step > 0 {
			byStep[d.Step] = append(byStep[d.Step], d)
		} else {
			loose = append(loose, d)
		}
	}
	y := pngTop
	add := func(r tlRow) {
		r.y0 = y
		r.h = max(pngRowH, (len(r.label)-1)*pngLineH+2*pngRowPad+8)
		y += r.h
		t.rows = append(t.rows, r)
	}
	for i := range steps {
		s := &steps[i]
		r := tlRow{step: s, labelCol: colText, deadlines: byStep[s.Number], bar: colOpen}
		r.label = wrap(f.regular, strconv.Itoa(s.Number)+". "+oneLine(s.Text), pngLabelW, pngLabelMax)
		mark := markBarOpen
		switch due := stepDue(*s, r.deadlines); {
		case s.Done:
			r.labelCol, r.bar, mark = colDone, colDone, markBarDone
		case !due.IsZero() && due.Before(today):
			r.bar, mark = colOverdue, markBarOverdue
		}
		switch {
		case !s.PlannedDate.IsZero():
			t.used[mark] = true
			t.used[markPlannedDate] = true
		case s.PlannedYear > 0:
			t.used[mark] = true
		}
		if s.Done && !s.DoneAt.IsZero() {
			t.used[markDoneOn] = true
		}
		add(r)
	}
	for _, d := range loose {
		if len(t.rows) >= pngMaxRows {
			break
		}
		text := oneLine(d.Text)
		if text == "" {
			text = o.msg("export.png.other_deadlines", nil)
		}
		add(tlRow{label: wrap(f.regular, text, pngLabelW, pngLabelMax), labelCol: colText, deadlines: []commands.DumpDeadline{d}})
	}
	for _, r := range t.rows {
		for _, d := range r.deadlines {
			t.used[deadlineMark(d, today)] = true
		}
	}
	if len(t.rows) == 0 {
		add(tlRow{label: []string{o.msg("export.png.no_steps", nil)}, labelCol: colMuted})
	}
	t.used[markToday] = t.todayShown
	t.bottom = y
	return t
}

func deadlineMark(d commands.DumpDeadline, today commands.Date) tlMark {
	switch {
	case d.State == commands.DeadlineDone:
		return markDeadlineDone
	case d.Due.Before(today):
		return markDeadlineLate
	}
	return markDeadline
}

var deadlineCol = map[tlMark]color.Color{markDeadline: colDeadline, markDeadlineLate: colOverdue, markDeadlineDone: colMuted}

// legendLabel is the legend's word for a marker.
func (o Options) legendLabel(k tlMark) string {
	switch k {
	case markBarDone:
		return o.msg("label.done", nil)
	case markBarOpen:
		return o.msg("label.open", nil)
	case markBarOverdue:
		return o.msg("export.png.overdue", nil)
	case markPlannedDate:
		return o.msg("files.png.planned_date", nil)
	case markDoneOn:
		return o.msg("files.png.done_on", nil)
	case markDeadline:
		return o.msg("label.deadline", nil)
	case markDeadlineLate:
		return o.msg("files.png.deadline_overdue", nil)
	case markDeadlineDone:
		return o.msg("files.png.deadline_done", nil)
	case markToday:
		return o.msg("export.png.today", nil)
	}
	return ""
}

// Timeline draws one measure's timeline as a PNG 1200 pixels wide, fit for
// a council slide: a row per step, its whole text wrapped beside it, with a
// bar over its planned year (a diamond on its planned date), green when
// done (a dot on the day it was done), blue when open, red when overdue;
// explicit deadlines as triangles with their date on their step's row
// (those tied to no step on a row of their own, named by their text); year
// columns over the measure's own years; a line for today, or a note at the
// edge when today lies years beyond; and a legend of every marker drawn.
// Labels are in the document's language.
func Timeline(w io.Writer, m commands.DumpMeasure, o Options) error {
	f, err := loadFaces()
	if err != nil {
		return err
	}
	today := o.today()
	t := layoutTimeline(m, o, f)
	sc := newScale(t.first, t.last)

	// The legend, laid out first: it may take two lines.
	type legendItem struct {
		k     tlMark
		label string
		x, ln int
	}
	var items []legendItem
	lx, ln := pngLabelX, 0
	for k := tlMark(0); k < markCount; k++ {
		if !t.used[k] {
			continue
		}
		label := o.legendLabel(k)
		wd := 22 + width(f.small, label)
		if lx > pngLabelX && lx+wd > pngWidth-pngLabelX {
			lx, ln = pngLabelX, ln+1
		}
		items = append(items, legendItem{k, label, lx, ln})
		lx += wd + pngLegendGap
	}
	lines := ln + 1
	if t.cut > 0 {
		lines++
	}
	bottom := t.bottom
	height := bottom + 34 + lines*22 + 16
	c := &canvas{img: image.NewRGBA(image.Rect(0, 0, pngWidth, height)), f: f}
	c.rect(0, 0, pngWidth, height, colWhite)

	// Title.
	c.text(f.title, pngLabelX, 36, colText, fit(f.title, m.Code+" – "+o.msg("label.timeline", nil), pngWidth-2*pngLabelX))
	c.text(f.regular, pngLabelX, 60, colMuted, fit(f.regular, oneLine(m.Title), pngWidth-2*pngLabelX))
	c.text(f.small, pngLabelX, 80, colMuted, o.L.StepsDone(m.StepsDone(), len(m.Steps))+" · "+o.longDate(today))

	// Stripes, year columns and labels.
	for i, r := range t.rows {
		if i%2 == 1 {
			c.rect(pngLabelX-8, r.y0, pngPlotX1, r.y0+r.h, colStripe)
		}
	}
	years := t.last - t.first + 1
	every := 1 // label every year, or every few when the columns are narrow
	if px := (pngPlotX1 - pngPlotX0) / years; px < 44 {
		every = (44 + px - 1) / max(px, 1)
	}
	for y := t.first; y <= t.last+1; y++ {
		x, ok := sc.x(commands.Date{Year: y, Month: 1, Day: 1})
		if y == t.last+1 {
			x, ok = float32(pngPlotX1), true
		}
		if !ok {
			continue
		}
		c.rect(int(x), pngTop-24, int(x)+1, bottom, colGrid)
		if y <= t.last && (y-t.first)%every == 0 {
			label := strconv.Itoa(y)
			next, _ := sc.x(commands.Date{Year: y, Month: 7, Day: 1})
			c.text(f.small, int(next)-width(f.small, label)/2, pngTop-8, colMuted, label)
		}
	}
	c.rect(pngPlotX0, bottom, pngPlotX1, bottom+1, colGrid)

	// Rows.
	for _, r := range t.rows {
		y := float32(r.y0 + r.h/2)
		top := r.y0 + r.h/2 - (len(r.label)-1)*pngLineH/2 + 5
		for i, line := range r.label {
			c.text(f.regular, pngLabelX, top+i*pngLineH, r.labelCol, line)
		}
		if s := r.step; s != nil {
			switch {
			case !s.PlannedDate.IsZero():
				if x, ok := sc.x(s.PlannedDate); ok {
					c.diamond(x, y, 8, r.bar)
				}
			case s.PlannedYear > 0:
				x0, ok0 := sc.x(commands.Date{Year: s.PlannedYear, Month: 1, Day: 1})
				x1, ok1 := sc.x(commands.Date{Year: s.PlannedYear, Month: 12, Day: 31})
				if ok0 && ok1 {
					c.rect(int(x0)+3, int(y)-7, int(x1)-2, int(y)+7, r.bar)
				}
			}
			if s.Done && !s.DoneAt.IsZero() {
				if x, ok := sc.x(o.day(s.DoneAt)); ok {
					c.circle(x, y, 6, colWhite)
					c.circle(x, y, 4, colDone)
				}
			}
		}
		// Deadlines, each with its date beside it where there is room.
		free := float32(0) // right end of the last date written
		for _, d := range r.deadlines {
			x, ok := sc.x(d.Due)
			if !ok {
				continue
			}
			c.triangle(x, y-2, 7, deadlineCol[deadlineMark(d, today)])
			note := o.deadlineNote(d)
			nw := float32(width(f.small, note))
			nx := x + 11
			if nx+nw > pngPlotX1 {
				nx = x - 11 - nw
			}
			if nx >= free && nx >= pngPlotX0 {
				c.rect(int(nx)-2, int(y)-8, int(nx+nw)+2, int(y)+6, colWhite)
				c.text(f.small, int(nx), int(y)+4, colText, note)
				free = nx + nw + 6
			}
		}
	}

	// Today: a line, or a note at the edge when it lies beyond the years.
	label := o.msg("export.png.today", nil)
	if x, ok := sc.x(today); ok {
		for y := pngTop - 24; y < bottom; y += 8 {
			c.rect(int(x)-1, y, int(x)+1, min(y+5, bottom), colToday)
		}
		lx := min(int(x)-width(f.small, label)/2, pngPlotX1-width(f.small, label))
		c.text(f.small, lx, pngTop-28, colToday, label)
	} else {
		note := label + ": " + o.date(today)
		if today.Year > t.last {
			note += " →"
			c.text(f.small, pngPlotX1-width(f.small, note), pngTop-28, colToday, note)
		} else {
			note = "← " + note
			c.text(f.small, pngPlotX0, pngTop-28, colToday, note)
		}
	}

	// Legend.
	ly0 := bottom + 34
	for _, it := range items {
		x, y := float32(it.x+8), float32(ly0+it.ln*22-5)
		switch it.k {
		case markBarDone:
			c.rect(int(x)-8, int(y)-6, int(x)+8, int(y)+6, colDone)
		case markBarOpen:
			c.rect(int(x)-8, int(y)-6, int(x)+8, int(y)+6, colOpen)
		case markBarOverdue:
			c.rect(int(x)-8, int(y)-6, int(x)+8, int(y)+6, colOverdue)
		case markPlannedDate:
			c.diamond(x, y, 8, colMuted)
		case markDoneOn:
			c.circle(x, y, 7, colDone)
			c.circle(x, y, 5, colWhite)
			c.circle(x, y, 4, colDone)
		case markDeadline, markDeadlineLate, markDeadlineDone:
			c.triangle(x, y, 7, deadlineCol[it.k])
		case markToday:
			c.rect(int(x)-1, int(y)-8, int(x)+1, int(y)+8, colToday)
		}
		c.text(f.small, it.x+22, ly0+it.ln*22, colText, it.label)
	}
	if t.cut > 0 {
		c.text(f.small, pngLabelX, ly0+lines*22-22, colMuted, o.msg("export.png.more_steps", commands.Data{"Count": t.cut}))
	}

	if err := png.Encode(w, c.img); err != nil {
		return fmt.Errorf("write PNG: %w", err)
	}
	return nil
}
