package commands

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

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
	return Reply{Parts: []Part{Paragraph{Text: Msg("lang.set", Data{"Lang": Msg("language.name."+l, nil), "Adverb": Msg("language.adverb."+l, nil)})}}}, nil
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
	"stale": "stale", "nachfragen": "stale", "nachfrage": "stale", "dotaz": "stale", "consulta": "stale",
}

// channelSettingPhrases are the settings named in two words: "zona
// horaria America/Lima", "časové pásmo Europe/Prague", "time zone …"
// (folded).
var channelSettingPhrases = map[string]string{
	"zona horaria": "timezone", "huso horario": "timezone", "casove pasmo": "timezone", "time zone": "timezone",
	"casovy plan": "schedule",
}

// settingKey reads the setting word(s) of `channel KEY VALUE`; n is the
// number of words it took.
func settingKey(args []string) (key string, n int, ok bool) {
	if len(args) >= 2 {
		if k, ok := channelSettingPhrases[locales.Fold(args[0]+" "+args[1])]; ok {
			return k, 2, true
		}
	}
	if len(args) >= 1 {
		if k, ok := channelSettings[locales.Fold(args[0])]; ok {
			return k, 1, true
		}
	}
	return "", 1, false
}

// minStaleDays and maxStaleDays bound a channel's days without progress
// before a nudge.
const (
	minStaleDays = 1
	maxStaleDays = 3650
)

// LoadZone finds the IANA time zone a person typed, in any case:
// "america/lima" is "America/Lima", "europe/prague" "Europe/Prague",
// "utc" "UTC". It returns the zone's proper name.
func LoadZone(typed string) (string, bool) {
	if typed == "" || strings.EqualFold(typed, "local") {
		return "", false
	}
	try := func(name string) bool {
		_, err := time.LoadLocation(name)
		return err == nil
	}
	for _, name := range []string{typed, zoneCase(typed), strings.ToUpper(typed), etcCase(typed)} {
		if name != "" && try(name) {
			return name, true
		}
	}
	return "", false
}

// zoneParticles stay lower case inside zone names: "America/Port_of_Spain",
// "Africa/Dar_es_Salaam", "America/Port-au-Prince".
var zoneParticles = map[string]bool{"of": true, "es": true, "au": true, "de": true, "del": true}

// zoneCase writes a zone name the way the IANA database does: each word
// capitalised, particles lower case.
func zoneCase(s string) string {
	var b strings.Builder
	word := 0
	start := 0
	flush := func(end int) {
		w := strings.ToLower(s[start:end])
		if w != "" && (word == 0 || !zoneParticles[w]) {
			r := []rune(w)
			r[0] = unicode.ToUpper(r[0])
			w = string(r)
		}
		b.WriteString(w)
		word++
	}
	for i, r := range s {
		if r == '/' || r == '_' || r == '-' {
			flush(i)
			b.WriteRune(r)
			start = i + 1
			if r == '/' {
				word = 0
			}
		}
	}
	flush(len(s))
	return b.String()
}

// etcCase writes "etc/gmt+5" as "Etc/GMT+5".
func etcCase(s string) string {
	area, rest, ok := strings.Cut(s, "/")
	if !ok || !strings.EqualFold(area, "etc") {
		return ""
	}
	return "Etc/" + strings.ToUpper(rest)
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
	key, n, ok := settingKey(c.cmd.Args)
	value := c.cmd.RestAfter(n)
	word := strings.Join(c.cmd.Args[:min(n, len(c.cmd.Args))], " ")
	if !ok {
		return Reply{}, c.usageError(Msg("error.channel_setting", Data{"Word": c.cmd.Arg(0)}))
	}
	if value == "" {
		return Reply{}, c.usageError(Msg("error.missing_value", Data{"Word": word}))
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
		zone, ok := LoadZone(value)
		if !ok {
			return Reply{}, &Error{Code: EINVALID, Msg: Msg("error.bad_timezone", Data{"Zone": value}), Hint: ptr(Msg("hint.timezone", nil))}
		}
		ch.TimeZone = zone
	case "schedule":
		if err := ValidateSchedule(value); err != nil {
			return Reply{}, &Error{Code: EINVALID, Msg: Msg("error.bad_schedule", Data{"Schedule": value}), Hint: ptr(Msg("hint.schedule", nil)), Err: err}
		}
		ch.Schedule = value
	case "stale":
		n, err := strconv.Atoi(value)
		if err != nil || n < minStaleDays || n > maxStaleDays {
			return Reply{}, c.usageError(Msg("error.bad_days", Data{"Days": value, "Min": minStaleDays, "Max": Number(maxStaleDays)}))
		}
		ch.StaleDays = n
	}
	if err := c.s.Store.SaveChannel(c.ctx, ch); err != nil {
		return Reply{}, storeErr("save channel", err)
	}
	c.channel = ch
	r := c.channelShow()
	// a success shows the settings, not the usage line as after an error
	r.Parts = append([]Part{Paragraph{Text: Msg("channel.saved", nil)}}, r.Parts[:len(r.Parts)-1]...)
	return r, nil
}

func ptr[T any](v T) *T { return &v }

// channelShow lists the channel's settings.
func (c *call) channelShow() Reply {
	ch := c.channel
	langs := Msg("channel.no_languages", Data{"Lang": Msg("language.name."+c.channelLangs()[0], nil)})
	langLabel := Plural("label.languages", max(1, len(ch.Languages)), nil)
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
			{Label: langLabel, Value: langs},
			{Label: Msg("channel.timezone", nil), Value: Raw(ch.TimeZone)},
			{Label: Msg("channel.schedule", nil), Value: Raw(ch.Schedule)},
			{Label: Msg("channel.stale", nil), Value: Plural("channel.stale_value", ch.StaleDays, nil)},
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
