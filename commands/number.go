package commands

import (
	"strconv"

	"github.com/klimabot/klimabot/locales"
)

// Number is a whole number in message data, written with the thousands
// separator of the language: German 2.900, Czech 2 900 (no-break space),
// Spanish 2900 (four digits stay together, RAE) and 12 900, English 2,900.
type Number int

// FormatNumber writes n as Number renders it in l's language.
func FormatNumber(l *locales.Localizer, n int) string {
	s := strconv.Itoa(n)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	sep, minDigits := "", 5
	switch l.Lang() {
	case "de":
		sep, minDigits = ".", 4
	case "cs":
		sep, minDigits = "\u00a0", 4
	case "es":
		sep = "\u00a0"
	default:
		sep, minDigits = ",", 4
	}
	if len(s) >= minDigits {
		var out []byte
		for i := range len(s) {
			if i > 0 && (len(s)-i)%3 == 0 {
				out = append(out, sep...)
			}
			out = append(out, s[i])
		}
		s = string(out)
	}
	if neg {
		s = "-" + s
	}
	return s
}
