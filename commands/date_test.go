package commands

import (
	"testing"
	"time"
)

func TestDaysUntilAcrossDST(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	// 2027-03-28 has 23 hours in Berlin, 2027-10-31 has 25.
	tests := []struct {
		from, to Date
		want     int
	}{
		{Date{2027, 3, 27}, Date{2027, 3, 29}, 2},
		{Date{2027, 10, 30}, Date{2027, 11, 1}, 2},
		{Date{2026, 12, 31}, Date{2027, 1, 1}, 1},
		{Date{2028, 2, 28}, Date{2028, 3, 1}, 2},
		{Date{2027, 3, 31}, Date{2027, 3, 24}, -7},
	}
	for _, tt := range tests {
		if got := tt.from.DaysUntil(tt.to); got != tt.want {
			t.Errorf("%v.DaysUntil(%v) = %d, want %d", tt.from, tt.to, got, tt.want)
		}
	}
	// late evening in Berlin is already the next day there
	now := time.Date(2027, 3, 27, 23, 30, 0, 0, time.UTC)
	if got := Today(now, berlin); got != (Date{2027, 3, 28}) {
		t.Errorf("Today = %v, want 2027-03-28", got)
	}
}

func TestValidDate(t *testing.T) {
	if !ValidDate(2028, 2, 29) || ValidDate(2027, 2, 29) || ValidDate(2027, 13, 1) || ValidDate(2027, 4, 31) || ValidDate(2027, 1, 0) {
		t.Error("ValidDate is wrong on leap years or month lengths")
	}
	if got := LastDayOfMonth(2016, 2); got != (Date{2016, 2, 29}) {
		t.Errorf("LastDayOfMonth(2016, 2) = %v", got)
	}
}

func TestStepDue(t *testing.T) {
	if got := (Step{PlannedYear: 2025}).Due(); got != (Date{2025, 12, 31}) {
		t.Errorf("year 2025 due %v", got)
	}
	if got := (Step{PlannedYear: 2014, PlannedDate: Date{2014, 9, 5}}).Due(); got != (Date{2014, 9, 5}) {
		t.Errorf("dated step due %v", got)
	}
	if !(Step{}).Due().IsZero() {
		t.Error("unplanned step has a due date")
	}
}
