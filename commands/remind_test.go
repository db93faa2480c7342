package commands

import (
	"testing"
	"time"
)

func TestStageAt(t *testing.T) {
	tests := []struct {
		days int
		want Stage
		ok   bool
	}{
		{30, NoStage, false}, {15, NoStage, false}, {14, 14, true}, {8, 14, true},
		{7, 7, true}, {4, 7, true}, {3, 3, true}, {2, 3, true}, {1, 1, true}, {0, 0, true},
		{-1, 0, true}, {-6, 0, true}, {-7, -7, true}, {-13, -7, true}, {-14, -14, true}, {-27, -21, true}, {-28, -28, true}, {-57, -28, true}, {-58, -58, true}, {-100, -88, true}, {-1432, -1408, true},
	}
	for _, tt := range tests {
		got, ok := StageAt(tt.days)
		if got != tt.want || ok != tt.ok {
			t.Errorf("StageAt(%d) = %v, %v; want %v, %v", tt.days, got, ok, tt.want, tt.ok)
		}
	}
}

// at returns the calendar day in zone of the instant "2006-01-02 15:04".
func at(t *testing.T, zone, when string) Date {
	t.Helper()
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Fatal(err)
	}
	ts, err := time.ParseInLocation("2006-01-02 15:04", when, loc)
	if err != nil {
		t.Fatal(err)
	}
	return Today(ts.UTC(), loc)
}

// TestDecide walks deadlines through their stages at fixed times: each
// stage once, downtime catches up with only the latest stage, DST days count
// as one day, zones without DST, and year boundaries.
func TestDecide(t *testing.T) {
	type step struct {
		now       string // local time in zone
		wantStage Stage
		wantSend  bool
	}
	tests := []struct {
		name  string
		zone  string
		due   Date
		steps []step // applied in order; a sent stage becomes "last"
	}{
		{"every stage once", "Europe/Berlin", Date{2027, 3, 31}, []step{
			{"2027-03-16 09:00", NoStage, false}, // 15 days ahead
			{"2027-03-17 09:00", 14, true},
			{"2027-03-17 09:05", NoStage, false}, // same tick again: nothing
			{"2027-03-18 09:00", NoStage, false},
			{"2027-03-24 09:00", 7, true},
			{"2027-03-28 09:00", 3, true}, // 3 days ahead, on the 23-hour DST day
			{"2027-03-29 09:00", NoStage, false},
			{"2027-03-30 09:00", 1, true},
			{"2027-03-31 09:00", 0, true},
			{"2027-04-06 09:00", NoStage, false},
			{"2027-04-07 09:00", -7, true},
			{"2027-04-14 09:00", -14, true},
			{"2027-04-20 09:00", NoStage, false},
		}},
		{"a week of downtime: one catch-up", "Europe/Berlin", Date{2027, 3, 31}, []step{
			{"2027-03-17 09:00", 14, true},
			{"2027-03-29 09:00", 3, true}, // 7 was missed: only the latest stage
			{"2027-03-29 10:00", NoStage, false},
		}},
		{"down over the due day", "Europe/Prague", Date{2027, 10, 31}, []step{
			{"2027-10-29 09:00", 3, true},
			{"2027-11-05 09:00", 0, true}, // overdue 5 days: the on-the-day stage, once
			{"2027-11-06 09:00", NoStage, false},
			{"2027-11-07 09:00", -7, true},
		}},
		{"DST end in Prague: 25-hour day counts once", "Europe/Prague", Date{2027, 11, 1}, []step{
			{"2027-10-30 23:30", 3, true}, // 2 days ahead
			{"2027-10-31 23:30", 1, true}, // after the 25-hour day, still exactly 1 day
			{"2027-11-01 00:10", 0, true},
		}},
		{"late evening in Berlin is the next day there", "Europe/Berlin", Date{2027, 1, 1}, []step{
			{"2026-12-31 23:30", 1, true},
			{"2027-01-01 00:30", 0, true}, // 23:30 UTC on 31.12 is already 1 January in Berlin
		}},
		{"Lima has no DST", "America/Lima", Date{2027, 1, 5}, []step{
			{"2026-12-22 09:00", 14, true},
			{"2026-12-29 09:00", 7, true},
			{"2027-01-02 09:00", 3, true},
			{"2027-01-04 21:00", 1, true},
			{"2027-01-12 08:00", -7, true},
		}},
		{"implied 31 December deadline across the year", "Europe/Berlin", Date{2026, 12, 31}, []step{
			{"2026-12-17 09:00", 14, true},
			{"2027-01-07 09:00", -7, true},
			{"2027-12-31 09:00", -358, true}, // 28 + 11·30 days overdue
		}},
	}
	for _, tt := range tests {
		last := NoStage
		for _, s := range tt.steps {
			today := at(t, tt.zone, s.now)
			got, send := Decide(tt.due, today, last)
			if got != s.wantStage || send != s.wantSend {
				t.Errorf("%s: at %s (today %v, last %v): Decide = %v, %v; want %v, %v",
					tt.name, s.now, today, last, got, send, s.wantStage, s.wantSend)
			}
			if send {
				last = got
			}
		}
	}
}

func TestPlanReminders(t *testing.T) {
	today := Date{2027, 3, 24}
	ds := []Deadline{
		{ID: 1, MeasureID: 10, MeasureCode: "F.019", Due: Date{2027, 3, 31}, State: DeadlineOpen}, // 7
		{ID: 2, MeasureID: 11, MeasureCode: "F.020", Due: Date{2027, 3, 25}, State: DeadlineOpen}, // 1
		{MeasureID: 10, MeasureCode: "F.019", Step: 5, Implied: true, Due: Date{2027, 3, 20}, State: DeadlineOpen},
		{ID: 3, MeasureID: 10, MeasureCode: "F.019", Due: Date{2027, 5, 1}, State: DeadlineOpen},       // too early
		{ID: 4, MeasureID: 10, MeasureCode: "F.019", Due: Date{2027, 3, 24}, State: DeadlineDone},      // done
		{ID: 5, MeasureID: 11, MeasureCode: "F.020", Due: Date{2027, 3, 26}, State: DeadlinePostponed}, // 2 → 3
	}
	sent := map[string]Stage{SentKey("d2", Date{2027, 3, 25}): 1} // already sent today
	got := PlanReminders("C1", ds, sent, today)
	if len(got) != 2 {
		t.Fatalf("PlanReminders = %+v; want one message for F.019 and one for F.020", got)
	}
	f019, f020 := got[0], got[1]
	if f019.MeasureCode != "F.019" || len(f019.Items) != 2 ||
		f019.Items[0].Deadline.Step != 5 || f019.Items[0].Stage != 0 ||
		f019.Items[1].Deadline.ID != 1 || f019.Items[1].Stage != 7 {
		t.Errorf("F.019 reminder = %+v", f019)
	}
	if f020.MeasureCode != "F.020" || len(f020.Items) != 1 || f020.Items[0].Deadline.ID != 5 || f020.Items[0].Stage != 3 {
		t.Errorf("F.020 reminder = %+v", f020)
	}
	if again := PlanReminders("C1", ds, map[string]Stage{
		SentKey("d1", Date{2027, 3, 31}): 7, SentKey("d2", Date{2027, 3, 25}): 1,
		SentKey("s10.5", Date{2027, 3, 20}): 0, SentKey("d5", Date{2027, 3, 26}): 3,
	}, today); len(again) != 0 {
		t.Errorf("second pass plans %+v; want nothing", again)
	}
}

func TestParseStage(t *testing.T) {
	for _, s := range []Stage{14, 7, 3, 1, 0, -7, -70} {
		got, ok := ParseStage(s.String())
		if !ok || got != s {
			t.Errorf("ParseStage(%q) = %v, %v", s.String(), got, ok)
		}
	}
	for _, s := range []string{"", "x", "15", "99"} {
		if _, ok := ParseStage(s); ok {
			t.Errorf("ParseStage(%q) accepted", s)
		}
	}
}
