// Package importer reads the documents measures come from — measure sheets
// of a climate action plan (the F.019 format), calls for climate
// partnerships (the SKEW format) and CSV catalogues — into commands.Measure
// values.
//
// It is pure parsing: it reads bytes and returns measures, or a *ParseError
// that names the file, the line and what was expected there. Writing the
// measures (in one transaction, so that a file that fails to parse writes
// nothing) is the caller's job.
package importer

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/klimabot/klimabot/commands"
)

// Format is the kind of a source document.
type Format string

// The formats Detect tells apart.
const (
	FormatSheet Format = "sheet" // measure sheet of a climate action plan (F.019)
	FormatCall  Format = "call"  // call for climate partnerships (SKEW)
	FormatCSV   Format = "csv"   // catalogue, one measure a row
)

// Options tune an import.
type Options struct {
	// Code overrides the measure code (the --code flag). A call has no code
	// of its own unless its titel: slug gives one; a sheet's or a one-row
	// CSV's code is replaced. Files with several measures refuse it.
	Code string
}

// ParseError is the one error type of the package: it names the file, the
// 1-based line (0 when the error concerns the whole file) and, in Msg, what
// was expected there, as a localizable message whose data always holds File
// and Line. Err holds the English description for logs, wrapping a cause
// such as an encoding/csv error.
type ParseError struct {
	File string
	Line int
	Msg  commands.Text
	Err  error
}

// Error returns "file:line: description" for logs; users see Msg localized.
func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteString(":")
		b.WriteString(strconv.Itoa(e.Line))
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	} else {
		b.WriteString(e.Msg.ID)
	}
	return b.String()
}

// Unwrap returns the underlying error.
func (e *ParseError) Unwrap() error { return e.Err }

// parseErr builds a *ParseError with message id and data; File and Line
// are added to data. The English description is formatted from format and
// args.
func parseErr(file string, line int, id string, data commands.Data, format string, args ...any) *ParseError {
	d := commands.Data{"File": file, "Line": line}
	for k, v := range data {
		d[k] = v
	}
	return &ParseError{File: file, Line: line, Msg: commands.Msg(id, d), Err: fmt.Errorf(format, args...)}
}

// Detect returns the format of data, judged by its content, not by a file
// name: a CSV file has a header row naming a code column, a measure sheet
// has the sheet's label rows or an <ol> step list, a call has "Zielsetzung",
// "Die nächsten Schritte" or a titel: slug. Anything else is a *ParseError
// listing the accepted formats.
func Detect(data []byte) (Format, error) {
	text, err := decode("", data)
	if err != nil {
		return "", err
	}
	if strings.TrimSpace(text) == "" {
		return "", parseErr("", 0, "import.empty", nil, "the file is empty")
	}
	if isExport(text) {
		return FormatJSON, nil
	}
	if _, ok := detectCSV(text); ok {
		return FormatCSV, nil
	}
	if isSheet(text) {
		return FormatSheet, nil
	}
	if isCall(text) {
		return FormatCall, nil
	}
	return "", parseErr("", 0, "import.unknown_format", nil,
		"unknown format: expected a measure sheet (like F.019), a call (SKEW format) or CSV with a header row (code,title,…)")
}

// Parse detects the format of data, read from the file name, and parses it.
// Every error is a *ParseError. Of a JSON export it returns the measures'
// sheet fields only; ParseDump and Store.Restore bring back everything.
func Parse(name string, data []byte, opt Options) ([]commands.Measure, Format, error) {
	f, err := Detect(data)
	if err != nil {
		var pe *ParseError
		if errors.As(err, &pe) {
			pe.File = name
			pe.Msg.Data["File"] = name
		}
		return nil, "", err
	}
	switch f {
	case FormatSheet:
		m, err := ParseSheet(name, data, opt)
		if err != nil {
			return nil, f, err
		}
		return []commands.Measure{m}, f, nil
	case FormatCall:
		m, err := ParseCall(name, data, opt)
		if err != nil {
			return nil, f, err
		}
		return []commands.Measure{m}, f, nil
	case FormatJSON:
		d, err := ParseDump(name, data)
		if err != nil {
			return nil, f, err
		}
		return dumpMeasures(d), f, nil
	default:
		ms, err := ParseCSV(name, data, opt)
		if err != nil {
			return nil, f, err
		}
		return ms, f, nil
	}
}

// decode returns data as a string with a byte order mark removed and line
// ends normalised to "\n". UTF-16 with a byte order mark (Excel's "Unicode
// text") is converted; bytes that are not valid UTF-8 are read as
// Windows-1252, the encoding German Excel writes CSV in.
func decode(file string, data []byte) (string, error) {
	var s string
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		s = string(data[3:])
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		if len(data)%2 != 0 {
			return "", parseErr(file, 0, "import.encoding", nil, "UTF-16 text with an odd number of bytes: expected UTF-8 or UTF-16")
		}
		u := make([]uint16, 0, len(data)/2-1)
		for i := 2; i+1 < len(data); i += 2 {
			if data[0] == 0xFF {
				u = append(u, uint16(data[i])|uint16(data[i+1])<<8)
			} else {
				u = append(u, uint16(data[i])<<8|uint16(data[i+1]))
			}
		}
		s = string(utf16.Decode(u))
	case utf8.Valid(data):
		s = string(data)
	default:
		s = windows1252(data)
	}
	if strings.ContainsRune(s, '\r') {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.ReplaceAll(s, "\r", "\n")
	}
	return s, nil
}

// cp1252 maps the bytes 0x80–0x9F of Windows-1252; the other bytes equal
// their Latin-1 code points. Undefined bytes become U+FFFD.
var cp1252 = [32]rune{
	'€', '\uFFFD', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\uFFFD', 'Ž', '\uFFFD',
	'\uFFFD', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\uFFFD', 'ž', 'Ÿ',
}

func windows1252(data []byte) string {
	var b strings.Builder
	b.Grow(len(data) + len(data)/4)
	for _, c := range data {
		switch {
		case c < 0x80:
			b.WriteByte(c)
		case c < 0xA0:
			b.WriteRune(cp1252[c-0x80])
		default:
			b.WriteRune(rune(c))
		}
	}
	return b.String()
}

// splitLines splits normalised text into lines; line i (0-based) is line
// i+1 of the file.
func splitLines(s string) []string { return strings.Split(s, "\n") }

// collapse trims s and turns every run of white space into one space: the
// form of single-line fields.
func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

// FoldLabel lower-cases s, spells umlauts and ß out (ä → ae) and drops all
// but letters and digits, so that labels and headers match however they
// were written: "Initiator/Zuständigkeit" and "initiator / zustaendigkeit"
// both give "initiatorzustaendigkeit". The sheet export uses it to write
// only what the importer reads back.
func FoldLabel(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch r {
		case 'ä':
			b.WriteString("ae")
		case 'ö':
			b.WriteString("oe")
		case 'ü':
			b.WriteString("ue")
		case 'ß':
			b.WriteString("ss")
		default:
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}

// joinLines trims every line, drops empty ones and joins the rest with "\n":
// the form of multi-line fields.
func joinLines(lines []string) string {
	out := make([]string, 0, len(lines))
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// checkCodeOption validates Options.Code.
func checkCodeOption(file string, opt Options) (string, error) {
	c := strings.TrimSpace(opt.Code)
	if c != "" && !commands.ValidCode(c) {
		return "", parseErr(file, 0, "import.bad_code_option", commands.Data{"Code": opt.Code},
			"--code %q is not a valid measure code: expected 1 to 64 characters without spaces, such as F.019", opt.Code)
	}
	return c, nil
}
