package storage

import (
	"encoding/binary"
	"errors"
	"time"

	"github.com/klimabot/klimabot/commands"
)

// The read cache keeps measures (with their steps, without sections) as
// one byte string each rather than as Go structs: about 150 bytes for a
// measure with six steps instead of about 1 KB, and nothing in it for the
// garbage collector to scan. So the whole plan of a big town, or the
// bench's 10,000 measures, fits within the memory bar (SPEC: 60 MB
// resident). Decoding makes a fresh Measure, which the caller may change.

// encodeMeasure appends m's fields and steps to buf.
func encodeMeasure(buf []byte, m *commands.Measure) []byte {
	buf = binary.AppendVarint(buf, m.ID)
	for _, s := range [...]string{m.Code, m.Title, m.Responsible, m.TargetGroup, m.Objective, m.Description, m.Status,
		m.CostsPlanned, m.CostsActual, m.RunningCosts, m.Funding, m.Staff, m.Partnership, m.Source} {
		buf = appendString(buf, s)
	}
	buf = appendTime(buf, m.UpdatedAt)
	buf = binary.AppendUvarint(buf, uint64(len(m.Steps)))
	for _, s := range m.Steps {
		buf = binary.AppendVarint(buf, int64(s.Number))
		buf = appendString(buf, s.Text)
		buf = binary.AppendVarint(buf, int64(s.PlannedYear))
		buf = binary.AppendVarint(buf, int64(s.PlannedDate.Year))
		buf = binary.AppendVarint(buf, int64(s.PlannedDate.Month))
		buf = binary.AppendVarint(buf, int64(s.PlannedDate.Day))
		done := byte(0)
		if s.Done {
			done = 1
		}
		buf = append(buf, done)
		buf = appendString(buf, s.DoneBy.ID)
		buf = appendString(buf, s.DoneBy.Name)
		buf = appendTime(buf, s.DoneAt)
	}
	return buf
}

// decodeMeasure reads what encodeMeasure wrote.
func decodeMeasure(b []byte) (*commands.Measure, error) {
	d := blobReader{b: b}
	m := &commands.Measure{ID: d.varint()}
	for _, p := range [...]*string{&m.Code, &m.Title, &m.Responsible, &m.TargetGroup, &m.Objective, &m.Description, &m.Status,
		&m.CostsPlanned, &m.CostsActual, &m.RunningCosts, &m.Funding, &m.Staff, &m.Partnership, &m.Source} {
		*p = d.string()
	}
	m.UpdatedAt = d.time()
	if n := d.uvarint(); n > 0 && n <= uint64(len(b)) {
		m.Steps = make([]commands.Step, n)
		for i := range m.Steps {
			s := &m.Steps[i]
			s.Number = int(d.varint())
			s.Text = d.string()
			s.PlannedYear = int(d.varint())
			s.PlannedDate = commands.Date{Year: int(d.varint()), Month: time.Month(d.varint()), Day: int(d.varint())}
			s.Done = d.byte() == 1
			s.DoneBy.ID = d.string()
			s.DoneBy.Name = d.string()
			s.DoneAt = d.time()
		}
	}
	if d.err != nil || len(d.b) != 0 {
		return nil, errBadBlob
	}
	return m, nil
}

var errBadBlob = errors.New("read cache: a cached measure does not decode")

func appendString(buf []byte, s string) []byte {
	buf = binary.AppendUvarint(buf, uint64(len(s)))
	return append(buf, s...)
}

// appendTime writes t as Unix nanoseconds (UTC, as stored), 0 for zero.
func appendTime(buf []byte, t time.Time) []byte {
	if t.IsZero() {
		return binary.AppendVarint(buf, 0)
	}
	return binary.AppendVarint(buf, t.UnixNano())
}

// blobReader reads an encoded measure; the first problem sticks in err.
type blobReader struct {
	b   []byte
	err error
}

func (d *blobReader) fail() { d.err, d.b = errBadBlob, nil }

func (d *blobReader) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *blobReader) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *blobReader) byte() byte {
	if len(d.b) == 0 {
		d.fail()
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *blobReader) string() string {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail()
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

func (d *blobReader) time() time.Time {
	n := d.varint()
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// encodeEntries appends a measure's newest entries (Entries) to buf, as
// encodeMeasure does a measure: the read cache keeps them as one byte
// string per measure.
func encodeEntries(buf []byte, es []commands.Entry) []byte {
	buf = binary.AppendUvarint(buf, uint64(len(es)))
	for i := range es {
		e := &es[i]
		buf = binary.AppendVarint(buf, e.ID)
		buf = binary.AppendVarint(buf, e.MeasureID)
		buf = binary.AppendVarint(buf, int64(e.Step))
		for _, s := range [...]string{e.MeasureCode, e.Author.ID, e.Author.Name, e.Text, string(e.Source), e.ChannelID,
			e.Submitter.ID, e.Submitter.Name, e.Addition, e.MessageTS} {
			buf = appendString(buf, s)
		}
		buf = appendTime(buf, e.CreatedAt)
	}
	return buf
}

// decodeEntries reads what encodeEntries wrote.
func decodeEntries(b []byte) ([]commands.Entry, error) {
	d := blobReader{b: b}
	n := d.uvarint()
	if n > uint64(len(b)) {
		return nil, errBadBlob
	}
	var es []commands.Entry
	if n > 0 {
		es = make([]commands.Entry, n)
	}
	for i := range es {
		e := &es[i]
		e.ID = d.varint()
		e.MeasureID = d.varint()
		e.Step = int(d.varint())
		var source string
		for _, p := range [...]*string{&e.MeasureCode, &e.Author.ID, &e.Author.Name, &e.Text, &source, &e.ChannelID,
			&e.Submitter.ID, &e.Submitter.Name, &e.Addition, &e.MessageTS} {
			*p = d.string()
		}
		e.Source = commands.Source(source)
		e.CreatedAt = d.time()
	}
	if d.err != nil || len(d.b) != 0 {
		return nil, errBadBlob
	}
	return es, nil
}
