package commands

import "context"

// Authorize checks that the person of req may work on the measure code in
// req.ChannelID now: log progress, tick off steps, press the buttons of its
// reminders, log a message as its progress (SPEC "Who may do what"). It is
// the rule `log` and `done` apply — the channel follows the measure, or the
// person is an admin of the installing workspace (req.External never is) —
// for entry points that are not a typed command: a button or a modal acts
// on the rights of the one who clicks, at the moment of the click, however
// old the message is.
//
// It returns the measure, or an *Error: ENOTFOUND for an unknown code (with
// the closest codes as a hint), EFORBIDDEN when the channel does not follow
// the measure; either one's Msg says so in the person's language.
func (s *Service) Authorize(ctx context.Context, req Request, code string) (*Measure, error) {
	c := &call{s: s, ctx: ctx, req: req, cmd: Command{Name: CmdLog}}
	var err error
	if c.channel, err = s.Store.Channel(ctx, req.ChannelID); err != nil {
		return nil, Internal("load channel", err)
	}
	m, err := c.measure(code)
	if err != nil {
		return nil, err
	}
	if err := c.requireMember(m); err != nil {
		return nil, err
	}
	return m, nil
}
