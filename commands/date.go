package commands

import (
	"fmt"
	"time"
)

// Date is a calendar day without a time or zone: a deadline is due on a day in
// the channel's time zone, not at an instant.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// NewDate returns the date y-m-d; invalid combinations are normalised the way
// time.Date does (callers that validate use ValidDate first).
func NewDate(y int, m time.Month, d int) Date {
	return DateOf(time.Date(y, m, d, 12, 0, 0, 0, time.UTC))
}

// DateOf returns the calendar day of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ValidDate reports whether y-m-d names a real calendar day.
func ValidDate(y int, m time.Month, d int) bool {
	if y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 {
		return false
	}
	return d <= daysIn(y, m)
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 12, 0, 0, 0, time.UTC).Day()
}

// LastDayOfMonth returns the last day of month m in year y.
func LastDayOfMonth(y int, m time.Month) Date { return Date{y, m, daysIn(y, m)} }

// IsZero reports whether d is the zero Date (no date).
func (d Date) IsZero() bool { return d == Date{} }

// String formats d as ISO 8601 (2006-01-02), the form stored in the database.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// noonUTC anchors d at noon UTC, which keeps day arithmetic free of DST effects.
func (d Date) noonUTC() time.Time { return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC) }

// AddDays returns d moved by n calendar days.
func (d Date) AddDays(n int) Date { return DateOf(d.noonUTC().AddDate(0, 0, n)) }

// Before reports whether d is earlier than e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return cmpInt(d.Year, e.Year)
	case d.Month != e.Month:
		return cmpInt(int(d.Month), int(e.Month))
	default:
		return cmpInt(d.Day, e.Day)
	}
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// DaysUntil counts calendar days from d to e (negative when e is earlier).
// It counts days, never elapsed hours / 24, so DST days of 23 or 25 hours
// count as one day each.
func (d Date) DaysUntil(e Date) int {
	return int(e.noonUTC().Sub(d.noonUTC()).Hours() / 24)
}

// ParseISODate parses the stored form 2006-01-02.
func ParseISODate(s string) (Date, error) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return Date{}, fmt.Errorf("parse date %q: %w", s, err)
	}
	return DateOf(t), nil
}

// Today returns the calendar day of now in the zone loc.
func Today(now time.Time, loc *time.Location) Date {
	if loc == nil {
		loc = time.UTC
	}
	return DateOf(now.In(loc))
}

// Time returns the start of day d in loc.
func (d Date) Time(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}
