package commands

import (
	"context"
	"slices"
	"strconv"
	"strings"
)

// PastOpenSteps returns the numbers of a measure's open steps whose
// deadline (their own, or the one their planned time implies) lies before
// today, in step order: what an imported plan shows as overdue although
// much of it may have happened long ago.
func PastOpenSteps(ctx context.Context, s Store, measureID int64, today Date) ([]int, error) {
	ds, err := s.Deadlines(ctx, DeadlineQuery{MeasureIDs: []int64{measureID}, Until: today.AddDays(-1)})
	if err != nil {
		return nil, err
	}
	seen := map[int]bool{}
	var steps []int
	for _, d := range ds {
		if d.Step > 0 && d.State.Open() && d.Due.Before(today) && !seen[d.Step] {
			seen[d.Step] = true
			steps = append(steps, d.Step)
		}
	}
	slices.Sort(steps)
	return steps, nil
}

// StepRange writes step numbers as the done command reads them, runs
// shortened: [1 2 3 4 6] → "1-4,6".
func StepRange(steps []int) string {
	var parts []string
	for i := 0; i < len(steps); {
		j := i
		for j+1 < len(steps) && steps[j+1] == steps[j]+1 {
			j++
		}
		switch {
		case j == i:
			parts = append(parts, strconv.Itoa(steps[i]))
		case j == i+1:
			parts = append(parts, strconv.Itoa(steps[i]), strconv.Itoa(steps[j]))
		default:
			parts = append(parts, strconv.Itoa(steps[i])+"-"+strconv.Itoa(steps[j]))
		}
		i = j + 1
	}
	return strings.Join(parts, ",")
}

// ImportHint is what an import says about a measure whose steps lie in the
// past and are open: which ones, and how to tick the done ones off in one
// go (SPEC "Reminders"). Zero Text when there are none.
func ImportHint(code string, steps []int) Text {
	if len(steps) == 0 {
		return Text{}
	}
	return Plural("catchup.import_hint", len(steps), Data{"Code": code, "Steps": StepList(steps), "Range": StepRange(steps)})
}
