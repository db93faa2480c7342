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

// yearRange returns the years the picture shows: all planned years, dated
// steps, done dates, deadlines and today, at most pngMaxSpan years around
// today.
func yearRange(m commands.DumpMeasure, o Options, today commands.Date) (int, int) {
	first, last := today.Year, today.Year
	see := func(y int) {
		if y > 0 {
			first, last = min(first, y), max(last, y)
		}
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
	if last-first+1 > pngMaxSpan {
		first = max(first, today.Year-pngMaxSpan/2)
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

// Timeline draws one measure's timeline as a PNG about 1200 pixels wide:
// a row per step with a bar over its planned year (a diamond on its planned
// date), green when done (a dot on the day it was done), blue when open, red
// when overdue; explicit deadlines as triangles on their step's row (those
// tied to no step on a row of their own); year columns; and a line for
// today. Labels are in the document's language.
func Timeline(w io.Writer, m commands.DumpMeasure, o Options) error {
	f, err := loadFaces()
	if err != nil {
		return err
	}
	today := o.today()
	first, last := yearRange(m, o, today)
	sc := newScale(first, last)

	steps := m.Steps
	cut := 0
	if len(steps) > pngMaxRows {
		cut = len(steps) - pngMaxRows
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
	rows := len(steps)
	if len(loose) > 0 {
		rows++
	}
	if rows == 0 {
		rows = 1
	}
	bottom := pngTop + rows*pngRowH
	height := bottom + 80
	c := &canvas{img: image.NewRGBA(image.Rect(0, 0, pngWidth, height)), f: f}
	c.rect(0, 0, pngWidth, height, colWhite)

	// Title.
	c.text(f.title, pngLabelX, 36, colText, fit(f.title, m.Code+" – "+o.msg("label.timeline", nil), pngWidth-2*pngLabelX))
	c.text(f.regular, pngLabelX, 60, colMuted, fit(f.regular, oneLine(m.Title), pngWidth-2*pngLabelX))
	c.text(f.small, pngLabelX, 80, colMuted, o.L.StepsDone(m.StepsDone(), len(m.Steps))+" · "+o.longDate(today))

	// Stripes, year columns and labels.
	for i := 0; i < rows; i++ {
		if i%2 == 1 {
			c.rect(pngLabelX-8, pngTop+i*pngRowH, pngPlotX1, pngTop+(i+1)*pngRowH, colStripe)
		}
	}
	years := last - first + 1
	every := 1 // label every year, or every few when the columns are narrow
	if px := (pngPlotX1 - pngPlotX0) / years; px < 44 {
		every = (44 + px - 1) / max(px, 1)
	}
	for y := first; y <= last+1; y++ {
		x, ok := sc.x(commands.Date{Year: y, Month: 1, Day: 1})
		if y == last+1 {
			x, ok = float32(pngPlotX1), true
		}
		if !ok {
			continue
		}
		c.rect(int(x), pngTop-24, int(x)+1, bottom, colGrid)
		if y <= last && (y-first)%every == 0 {
			label := strconv.Itoa(y)
			next, _ := sc.x(commands.Date{Year: y, Month: 7, Day: 1})
			c.text(f.small, int(next)-width(f.small, label)/2, pngTop-8, colMuted, label)
		}
	}
	c.rect(pngPlotX0, bottom, pngPlotX1, bottom+1, colGrid)

	// Rows.
	mid := func(i int) float32 { return float32(pngTop + i*pngRowH + pngRowH/2) }
	markDeadlines := func(i int, ds []commands.DumpDeadline) {
		for _, d := range ds {
			x, ok := sc.x(d.Due)
			if !ok {
				continue
			}
			col := colDeadline
			switch {
			case d.State == commands.DeadlineDone:
				col = colMuted
			case d.Due.Before(today):
				col = colOverdue
			}
			c.triangle(x, mid(i)-2, 7, col)
		}
	}
	for i, s := range steps {
		y := mid(i)
		labelCol := colText
		if s.Done {
			labelCol = colDone
		}
		c.text(f.regular, pngLabelX, int(y)+5, labelCol, fit(f.regular, strconv.Itoa(s.Number)+". "+oneLine(s.Text), pngPlotX0-pngLabelX-14))
		col := colOpen
		switch due := stepDue(s, byStep[s.Number]); {
		case s.Done:
			col = colDone
		case !due.IsZero() && due.Before(today):
			col = colOverdue
		}
		switch {
		case !s.PlannedDate.IsZero():
			if x, ok := sc.x(s.PlannedDate); ok {
				c.diamond(x, y, 8, col)
			}
		case s.PlannedYear > 0:
			x0, ok0 := sc.x(commands.Date{Year: s.PlannedYear, Month: 1, Day: 1})
			x1, ok1 := sc.x(commands.Date{Year: s.PlannedYear, Month: 12, Day: 31})
			if ok0 && ok1 {
				c.rect(int(x0)+3, int(y)-7, int(x1)-2, int(y)+7, col)
			}
		}
		if s.Done && !s.DoneAt.IsZero() {
			if x, ok := sc.x(o.day(s.DoneAt)); ok {
				c.circle(x, y, 6, colWhite)
				c.circle(x, y, 4, colDone)
			}
		}
		markDeadlines(i, byStep[s.Number])
	}
	if len(loose) > 0 {
		i := len(steps)
		c.text(f.regular, pngLabelX, int(mid(i))+5, colText, fit(f.regular, o.msg("export.png.other_deadlines", nil), pngPlotX0-pngLabelX-14))
		markDeadlines(i, loose)
	}
	if len(m.Steps) == 0 && len(loose) == 0 {
		c.text(f.regular, pngLabelX, int(mid(0))+5, colMuted, o.msg("export.png.no_steps", nil))
	}

	// Today.
	if x, ok := sc.x(today); ok {
		for y := pngTop - 24; y < bottom; y += 8 {
			c.rect(int(x)-1, y, int(x)+1, min(y+5, bottom), colToday)
		}
		label := o.msg("export.png.today", nil)
		lx := min(int(x)-width(f.small, label)/2, pngPlotX1-width(f.small, label))
		c.text(f.small, lx, pngTop-28, colToday, label)
	}

	// Legend.
	ly := bottom + 34
	lx := pngLabelX
	legend := func(draw func(x, y float32), label string) {
		draw(float32(lx+8), float32(ly-5))
		c.text(f.small, lx+22, ly, colText, label)
		lx += 22 + width(f.small, label) + 28
	}
	legend(func(x, y float32) { c.rect(int(x)-8, int(y)-6, int(x)+8, int(y)+6, colDone) }, o.msg("label.done", nil))
	legend(func(x, y float32) { c.rect(int(x)-8, int(y)-6, int(x)+8, int(y)+6, colOpen) }, o.msg("label.open", nil))
	legend(func(x, y float32) { c.rect(int(x)-8, int(y)-6, int(x)+8, int(y)+6, colOverdue) }, o.msg("export.png.overdue", nil))
	legend(func(x, y float32) { c.triangle(x, y, 7, colDeadline) }, o.msg("label.deadline", nil))
	legend(func(x, y float32) { c.rect(int(x)-1, int(y)-8, int(x)+1, int(y)+8, colToday) }, o.msg("export.png.today", nil))
	if cut > 0 {
		c.text(f.small, lx, ly, colMuted, o.msg("export.png.more_steps", commands.Data{"Count": cut}))
	}

	if err := png.Encode(w, c.img); err != nil {
		return fmt.Errorf("write PNG: %w", err)
	}
	return nil
}
