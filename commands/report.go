package commands

import "slices"

// ReportSinceDays is how far back a report's "what happened" part looks by
// default.
const ReportSinceDays = 90

// report answers `report [CODE]`: the council status report of one measure
// or of all, as a Markdown file.
func (c *call) report() (Reply, error) {
	req, what, err := c.reportRequest(false)
	if err != nil {
		return Reply{}, err
	}
	f, err := c.s.Reports.Report(c.ctx, req)
	if err != nil {
		return Reply{}, storeErr("make report", err)
	}
	return c.document(Msg("report.ready", Data{"What": what}), f, req), nil
}

// timeline answers `timeline CODE`: the timeline picture of one measure.
func (c *call) timeline() (Reply, error) {
	req, what, err := c.reportRequest(true)
	if err != nil {
		return Reply{}, err
	}
	f, err := c.s.Reports.Timeline(c.ctx, req)
	if err != nil {
		return Reply{}, storeErr("draw timeline", err)
	}
	return c.document(Msg("timeline.ready", Data{"What": what}), f, req), nil
}

// document answers with a report or timeline file. Only what the channel
// follows goes into the channel (SPEC "Who may do what"): a document about
// any other measure, or about all of them in a channel that does not follow
// all, may hold progress logged in other, possibly private, channels, and
// goes to the asker alone — whoever asks, admins too.
func (c *call) document(ready Text, f File, req ReportRequest) Reply {
	if !c.followsAll(req.Codes) {
		f.PrivateTo = c.req.User.ID
	}
	return Reply{Parts: []Part{Paragraph{Text: ready}, f}}
}

// followsAll reports whether the channel follows every measure of codes
// (none: all measures).
func (c *call) followsAll(codes []string) bool {
	if c.channel.FollowAll {
		return true
	}
	if len(codes) == 0 {
		return false
	}
	for _, code := range codes {
		if !slices.ContainsFunc(c.channel.Follows, func(f string) bool { return CodeKey(f) == CodeKey(code) }) {
			return false
		}
	}
	return true
}

// reportRequest checks the arguments of report and timeline and says what
// the document is about.
func (c *call) reportRequest(needCode bool) (ReportRequest, Text, error) {
	if c.s.Reports == nil {
		return ReportRequest{}, Text{}, Errorf(ECONFLICT, "error.reports_unavailable", nil)
	}
	req := ReportRequest{Lang: c.lang, Now: c.s.now(), Loc: c.loc, Since: c.today().AddDays(-ReportSinceDays)}
	code := c.cmd.Arg(0)
	if code == "" && !needCode {
		return req, Msg("report.all_measures", nil), nil
	}
	if len(c.cmd.Args) > 1 {
		return ReportRequest{}, Text{}, c.usageError(Msg("error.one_code", nil))
	}
	m, err := c.measure(code)
	if err != nil {
		return ReportRequest{}, Text{}, err
	}
	req.Codes = []string{m.Code}
	return req, Raw(m.Code + " " + shorten(m.Title, 80)), nil
}
