package commands

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/klimabot/klimabot/locales"
)

// autoWords say "choose my language yourself" in `lang auto`.
var autoWords = map[string]bool{"auto": true, "automatisch": true, "automaticky": true, "automatico": true, "automatic": true}

// lang answers `lang [de|cs|es|en|auto]`: shows the caller's language and
// which rule decided it, stores a choice, or clears it (`auto`).
func (c *call) language() (Reply, error) {
	arg := c.cmd.Arg(0)
	if arg == "" {
		d := c.s.DecideLanguage(c.user, c.cmd.WordLanguage(), c.req, c.channel)
		return Reply{Parts: []Part{
			Paragraph{Text: Msg("lang.current", Data{"Lang": Msg("language.name."+c.lang, nil)})},
			Paragraph{Text: c.languageSource(d)},
			Context{Msg("usage.lang", nil)},
		}}, nil
	}
	auto := autoWords[locales.Fold(arg)]
	l, ok := locales.MatchLanguage(arg)
	if !ok && !auto {
		return Reply{}, c.usageError(Msg("error.bad_lang", Data{"Lang": arg}))
	}
	u := c.user
	u.ID = c.req.User.ID
	if u.Name == "" {
		u.Name = c.req.User.Name
	}
	u.Language = l // "" for auto
	if err := c.s.Store.SaveUser(c.ctx, u); err != nil {
		return Reply{}, Internal("save user", err)
	}
	c.user.Language = u.Language
	if auto {
		d := c.s.DecideLanguage(c.user, c.cmd.WordLanguage(), c.req, c.channel)
		c.lang = d.Lang
		return Reply{Parts: []Part{
			Paragraph{Text: Msg("lang.auto", Data{"Lang": Msg("language.name."+d.Lang, nil)})},
			Paragraph{Text: c.languageSource(d)},
		}}, nil
	}
	c.lang = l // the answer already speaks the new language
	return Reply{Parts: []Part{Paragraph{Text: Msg("lang.set", Data{"Lang": Msg("language.name."+l, nil)})}}}, nil
}

// languageSource says which rule decided the caller's language, and from
// what it was inferred.
func (c *call) languageSource(d LanguageDecision) Text {
	switch d.Source {
	case LangWord:
		return Msg("lang.source.word", Data{"Word": c.cmd.Word})
	case LangInferred:
		inf := c.user.Inferred
		return Msg("lang.source.inferred", Data{
			"From": Msg("infer.from."+string(inf.From), nil), "Date": DateOf(inf.At.In(c.loc)), "Text": inf.Text,
		})
	case LangSlack:
		return Msg("lang.source.slack", Data{"Locale": d.Locale})
	}
	return Msg("lang.source."+string(d.Source), nil)
}

// channelSettings are the words of `channel KEY VALUE` in every language.
var channelSettings = map[string]string{
	"languages": "languages", "language": "languages", "lang": "languages", "sprachen": "languages",
	"sprache": "languages", "jazyky": "languages", "jazyk": "languages", "idiomas": "languages", "idioma": "languages",
	"timezone": "timezone", "tz": "timezone", "zeitzone": "timezone", "pasmo": "timezone",
	"zona": "timezone", "zonahoraria": "timezone",
	"schedule": "schedule", "zeitplan": "schedule", "plan": "schedule", "rozvrh": "schedule",
	"horario": "schedule", "calendario": "schedule",
	"stale": "stale", "nachfragen": "stale", "dotaz": "stale", "consulta": "stale",
}

// scheduleParser accepts exactly the 5-field cron of SPEC, no descriptors.
var scheduleParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow)

// ValidateSchedule checks a channel's reminder schedule.
func ValidateSchedule(spec string) error {
	_, err := scheduleParser.Parse(spec)
	return err
}

// channel answers `channel [languages|timezone|schedule|stale VALUE]` (admins).
func (c *call) channelCmd() (Reply, error) {
	if err := c.requireAdmin(); err != nil {
		return Reply{}, err
	}
	if len(c.cmd.Args) == 0 {
		return c.channelShow(), nil
	}
	key, ok := channelSettings[locales.Fold(c.cmd.Arg(0))]
	value := c.cmd.RestAfter(1)
	if !ok {
		return Reply{}, c.usageError(Msg("error.channel_setting", Data{"Word": c.cmd.Arg(0)}))
	}
	if value == "" {
		return Reply{}, c.usageError(Msg("error.missing_value", Data{"Word": c.cmd.Arg(0)}))
	}
	ch := c.channel
	ch.ID = c.req.ChannelID
	switch key {
	case "languages":
		var langs []string
		for _, w := range strings.FieldsFunc(value, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
			l, ok := locales.MatchLanguage(w)
			if !ok {
				return Reply{}, c.usageError(Msg("error.bad_lang", Data{"Lang": w}))
			}
			if !slices.Contains(langs, l) {
				langs = append(langs, l)
			}
		}
		ch.Languages = langs
	case "timezone":
		if _, err := time.LoadLocation(value); err != nil || value == "Local" || value == "" {
			return Reply{}, &Error{Code: EINVALID, Msg: Msg("error.bad_timezone", Data{"Zone": value}), Hint: ptr(Msg("hint.timezone", nil))}
		}
		ch.TimeZone = value
	case "schedule":
		if err := ValidateSchedule(value); err != nil {
			return Reply{}, &Error{Code: EINVALID, Msg: Msg("error.bad_schedule", Data{"Schedule": value}), Hint: ptr(Msg("hint.schedule", nil)), Err: err}
		}
		ch.Schedule = value
	case "stale":
		n, err := strconv.Atoi(value)
		if err != nil || n < 1 || n > 3650 {
			return Reply{}, c.usageError(Msg("error.bad_days", Data{"Days": value}))
		}
		ch.StaleDays = n
	}
	if err := c.s.Store.SaveChannel(c.ctx, ch); err != nil {
		return Reply{}, storeErr("save channel", err)
	}
	c.channel = ch
	r := c.channelShow()
	r.Parts = append([]Part{Paragraph{Text: Msg("channel.saved", nil)}}, r.Parts...)
	return r, nil
}

func ptr[T any](v T) *T { return &v }

// channelShow lists the channel's settings.
func (c *call) channelShow() Reply {
	ch := c.channel
	langs := Msg("channel.no_languages", Data{"Lang": Msg("language.name."+c.channelLangs()[0], nil)})
	if len(ch.Languages) > 0 {
		names := make([]Text, len(ch.Languages))
		for i, l := range ch.Languages {
			names[i] = Msg("language.name."+l, nil)
		}
		langs = Msg("channel.list", Data{"Items": names})
	}
	follows := Msg("channel.follows_none", nil)
	switch {
	case ch.FollowAll:
		follows = Msg("channel.follows_all", nil)
	case len(ch.Follows) > 0:
		follows = Raw(strings.Join(ch.Follows, ", "))
	}
	return Reply{Parts: []Part{
		Header{Text: Msg("channel.title", nil)},
		Fields{
			{Label: Msg("label.language", nil), Value: langs},
			{Label: Msg("channel.timezone", nil), Value: Raw(ch.TimeZone)},
			{Label: Msg("channel.schedule", nil), Value: Raw(ch.Schedule)},
			{Label: Msg("channel.stale", nil), Value: Raw(strconv.Itoa(ch.StaleDays))},
			{Label: Msg("channel.follows", nil), Value: follows},
		},
		Context{Msg("usage.channel", nil)},
	}}
}

// follow answers `follow CODE|all` and `unfollow CODE|all` (admins).
func (c *call) follow(on bool) (Reply, error) {
	if err := c.requireAdmin(); err != nil {
		return Reply{}, err
	}
	arg := c.cmd.Arg(0)
	if arg == "" {
		return Reply{}, c.usageError(Msg("error.missing_code", nil))
	}
	ch := c.channel
	ch.ID = c.req.ChannelID
	var msg Text
	switch {
	case isAll(arg) && on:
		ch.FollowAll = true
		msg = Msg("follow.all", nil)
	case isAll(arg):
		ch.FollowAll, ch.Follows = false, nil
		msg = Msg("unfollow.all", nil)
	default:
		m, err := c.measure(arg)
		if err != nil {
			return Reply{}, err
		}
		has := slices.ContainsFunc(ch.Follows, func(code string) bool { return CodeKey(code) == CodeKey(m.Code) })
		switch {
		case on && (has || ch.FollowAll):
			return Reply{Parts: []Part{Paragraph{Text: Msg("follow.already", Data{"Code": m.Code})}}}, nil
		case on:
			ch.Follows = append(ch.Follows, m.Code)
			msg = Msg("follow.one", Data{"Code": m.Code})
		case ch.FollowAll:
			return Reply{}, &Error{Code: ECONFLICT, Msg: Msg("error.unfollow_from_all", Data{"Code": m.Code})}
		case !has:
			return Reply{Parts: []Part{Paragraph{Text: Msg("unfollow.not_followed", Data{"Code": m.Code})}}}, nil
		default:
			ch.Follows = slices.DeleteFunc(ch.Follows, func(code string) bool { return CodeKey(code) == CodeKey(m.Code) })
			msg = Msg("unfollow.one", Data{"Code": m.Code})
		}
	}
	if err := c.s.Store.SaveChannel(c.ctx, ch); err != nil {
		return Reply{}, storeErr("save channel", err)
	}
	return Reply{Parts: []Part{Paragraph{Text: msg}}}, nil
}

// ParseSchedule parses a channel's 5-field cron schedule; the scheduler
// evaluates it in the channel's time zone.
func ParseSchedule(spec string) (cron.Schedule, error) { return scheduleParser.Parse(spec) }
