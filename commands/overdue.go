package commands

// OverdueAsDateAfter is how many days overdue a deadline may be before it
// reads as a date ("überfällig seit 31.12.2022") instead of a count of days
// ("seit 1432 Tagen überfällig"): SPEC "Reminders", GLOSSARY.
const OverdueAsDateAfter = 30

// OverdueAsDate reports whether a deadline due on due reads as a date on
// day today.
func OverdueAsDate(today, due Date) bool { return today.DaysUntil(due) < -OverdueAsDateAfter }

// DueMsg renders one of the deadline messages that show a due date with its
// relative phrase ("deadline.line", "list.next", "status.step_deadline"):
// data gets "Date" and "Relative" for a deadline due on due. A deadline
// overdue by more than OverdueAsDateAfter days is rendered with the
// message's ".since" variant, whose "Relative" is "überfällig seit
// 31.12.2022" and which does not show the date a second time.
func DueMsg(id string, data Data, today, due Date) Text {
	d := make(Data, len(data)+2)
	for k, v := range data {
		d[k] = v
	}
	d["Date"] = due
	if OverdueAsDate(today, due) {
		d["Relative"] = Msg("overdue.since", Data{"Date": due})
		return Msg(id+".since", d)
	}
	d["Relative"] = Relative(today.DaysUntil(due))
	return Msg(id, d)
}
