package commands

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/klimabot/klimabot/locales"
)

var (
	isoDate = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})$`)
	// numericDate: day, month and year with dots, slashes or hyphens, the
	// year in four digits or two (31.03.27, 31/3/27, 31-03-2027).
	numericDate = regexp.MustCompile(`^(\d{1,2})\s*([./-])\s*(\d{1,2})\s*([./-])\s*(\d{4}|\d{2})$`)
	// writtenDate: "31. März 2027", "31. března 2027", "31 de marzo de 2027",
	// "31 March 2027".
	writtenDate = regexp.MustCompile(`^(\d{1,2})\.?\s+(?:de\s+)?(\pL+)\.?\s+(?:de\s+|del\s+)?(\d{4})$`)
)

// maxDateWords is the most words a date takes: "31 de marzo de 2027".
const maxDateWords = 5

// ParseDate reads a date as people write it in the four languages:
// 2027-03-31, 31.03.2027, 31.3.2027, 31. 3. 2027, 31/03/2027, 31-03-2027,
// with a two-digit year 31.03.27 or 31/3/27 (20xx), 31. März 2027,
// 31. března 2027, 31 de marzo de 2027. An impossible date (32.13.2027) or any
// other form is an EINVALID error whose hint lists the accepted forms.
func ParseDate(s string) (Date, error) {
	d, ok, err := parseDate(strings.Join(strings.Fields(s), " "))
	if err != nil {
		return Date{}, err
	}
	if !ok {
		return Date{}, badDate(s)
	}
	return d, nil
}

// ParseDatePrefix reads a date from the first words of args (a date may take
// up to five words) and returns it with the number of words it took.
func ParseDatePrefix(args []string) (Date, int, error) {
	for n := min(maxDateWords, len(args)); n > 0; n-- {
		d, ok, err := parseDate(strings.Join(args[:n], " "))
		if err != nil {
			return Date{}, 0, err
		}
		if ok {
			return d, n, nil
		}
	}
	typed := ""
	if len(args) > 0 {
		typed = args[0]
	}
	return Date{}, 0, badDate(typed)
}

// parseDate reports ok=false when s has none of the accepted forms, and an
// error when it has one but names no real day.
func parseDate(s string) (Date, bool, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	var y, d int
	var m time.Month
	if g := isoDate.FindStringSubmatch(s); g != nil {
		y, m, d = atoi(g[1]), time.Month(atoi(g[2])), atoi(g[3])
	} else if g := numericDate.FindStringSubmatch(s); g != nil && g[2] == g[4] {
		d, m, y = atoi(g[1]), time.Month(atoi(g[3])), atoi(g[5])
		if len(g[5]) == 2 {
			y += 2000 // deadlines lie ahead: "27" is 2027
		}
	} else if g := writtenDate.FindStringSubmatch(s); g != nil {
		month, ok := locales.MonthByName(g[2])
		if !ok {
			return Date{}, false, nil
		}
		d, m, y = atoi(g[1]), month, atoi(g[3])
	} else {
		return Date{}, false, nil
	}
	if !ValidDate(y, m, d) {
		return Date{}, true, badDate(s)
	}
	return Date{y, m, d}, true, nil
}

func badDate(typed string) *Error {
	h := Msg("hint.date_forms", nil)
	return &Error{Code: EINVALID, Msg: Msg("error.bad_date", Data{"Date": typed}), Hint: &h}
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s) // the patterns admit digits only
	return n
}
