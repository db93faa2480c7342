package commands_test

import (
	"testing"

	"github.com/klimabot/klimabot/commands"
)

// TestPostponedDue: a week after the due day, or after today once the
// deadline is overdue.
func TestPostponedDue(t *testing.T) {
	today := commands.NewDate(2027, 3, 24)
	for _, tt := range []struct{ due, want commands.Date }{
		{commands.NewDate(2027, 3, 27), commands.NewDate(2027, 4, 3)},   // due in 3 days
		{commands.NewDate(2027, 3, 24), commands.NewDate(2027, 3, 31)},  // due today
		{commands.NewDate(2027, 3, 23), commands.NewDate(2027, 3, 31)},  // a day overdue
		{commands.NewDate(2022, 12, 31), commands.NewDate(2027, 3, 31)}, // years overdue
		{commands.NewDate(2027, 12, 31), commands.NewDate(2028, 1, 7)},  // across the year
	} {
		if got := commands.PostponedDue(tt.due, today, 7); got != tt.want {
			t.Errorf("PostponedDue(%s) = %s, want %s", tt.due, got, tt.want)
		}
	}
}
