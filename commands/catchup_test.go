package commands

import "testing"

// TestOverdueRemindersThinOut: an open deadline is reminded 7, 14, 21 and 28
// days overdue, then every 30 days (issue 15.1, SPEC "Reminders"), walking
// day by day through a year with Decide as the reminder pass does.
func TestOverdueRemindersThinOut(t *testing.T) {
	due := NewDate(2027, 1, 15)
	last := NoStage
	var got []int
	for day := due.AddDays(-20); !due.AddDays(150).Before(day); day = day.AddDays(1) {
		if st, ok := Decide(due, day, last); ok {
			got = append(got, day.DaysUntil(due))
			last = st
		}
	}
	want := []int{14, 7, 3, 1, 0, -7, -14, -21, -28, -58, -88, -118, -148}
	if len(got) != len(want) {
		t.Fatalf("reminded at %v days, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("reminded at %v days, want %v", got, want)
		}
	}
	// a catch-up after downtime posts only the latest stage reached
	if st, ok := Decide(due, due.AddDays(70), -7); !ok || st != -58 {
		t.Errorf("catch-up at 70 days overdue after stage -7: %v %v, want -58", st, ok)
	}
	if _, ok := Decide(due, due.AddDays(80), -58); ok {
		t.Errorf("80 days overdue after stage -58: reminded again")
	}
}

func TestStepRange(t *testing.T) {
	for want, steps := range map[string][]int{
		"5": {5}, "5,6": {5, 6}, "1-4": {1, 2, 3, 4}, "1-4,6": {1, 2, 3, 4, 6}, "1,2,5-7,9": {1, 2, 5, 6, 7, 9},
	} {
		if got := StepRange(steps); got != want {
			t.Errorf("StepRange(%v) = %q, want %q", steps, got, want)
		}
		if back, ok := parseSteps(want); !ok || len(back) != len(steps) {
			t.Errorf("the done command reads %q as %v", want, back)
		}
	}
}
