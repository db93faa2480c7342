package bot

import (
	"context"
	"strings"
)

// maxMarkupLookups caps the users.info calls one text may cause; further
// mentions keep their user id.
const maxMarkupLookups = 10

// slackEscape escapes &, < and > the way Slack does in message text.
var slackEscape = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// resolveMarkup replaces Slack's markup in what a person wrote with what
// it shows (SLACK.md pitfall 16), so that the stored words read as they
// did in Slack: <@U123> and <@U123|ute> become "@Ute Beispiel" (the name
// from users.info, cached with the user), <#C1|klima> "#klima" (<#C1>
// without a name keeps the id: naming it would need the channels:read
// scope), <https://x|Protokoll> "Protokoll (https://x)", <mailto:a@b|a@b>
// "a@b", <!here> "@here", a user group its handle, a date its fallback
// text. The result is still escaped like Slack's text (&amp;, &lt;, &gt;):
// unescape it once where it is stored (commands.Parse does for commands).
func (b *Bot) resolveMarkup(ctx context.Context, text string) string {
	if !strings.Contains(text, "<") {
		return text
	}
	var out strings.Builder
	lookups := 0
	for {
		i := strings.IndexByte(text, '<')
		if i < 0 {
			break
		}
		j := strings.IndexByte(text[i:], '>')
		if j < 0 {
			break
		}
		out.WriteString(text[:i])
		out.WriteString(b.resolveToken(ctx, text[i+1:i+j], &lookups))
		text = text[i+j+1:]
	}
	out.WriteString(text)
	return out.String()
}

// resolveToken resolves the inside of one <…>; the result is escaped.
func (b *Bot) resolveToken(ctx context.Context, tok string, lookups *int) string {
	target, label, hasLabel := strings.Cut(tok, "|")
	if !isMarkup(target) {
		return "<" + tok + ">" // brackets someone typed (Slack would have escaped them)
	}
	switch {
	case strings.HasPrefix(target, "@"):
		id := target[1:]
		if hasLabel && label != "" {
			return "@" + label
		}
		if *lookups < maxMarkupLookups && id != "" {
			*lookups++
			if name := b.UserName(ctx, id); name != "" && name != id {
				return "@" + slackEscape.Replace(name)
			}
		}
		return "@" + id
	case strings.HasPrefix(target, "#"):
		if label != "" {
			return "#" + label
		}
		return target
	case strings.HasPrefix(target, "!subteam^"):
		if label != "" {
			return label
		}
		return "@" + strings.TrimPrefix(target, "!subteam^")
	case strings.HasPrefix(target, "!date^"):
		return label
	case strings.HasPrefix(target, "!"):
		if label != "" {
			return label
		}
		return "@" + target[1:]
	case strings.HasPrefix(target, "mailto:"):
		addr := strings.TrimPrefix(target, "mailto:")
		if label == "" || label == addr {
			return addr
		}
		return label + " (" + addr + ")"
	}
	if !hasLabel || label == "" || label == target || "http://"+label == target || "https://"+label == target {
		return target
	}
	return label + " (" + target + ")"
}

// isMarkup reports whether the target of a <…> is Slack markup: a user,
// channel or special mention, or a link with a scheme.
func isMarkup(target string) bool {
	if target == "" || strings.ContainsAny(target, " \t\n") {
		return false
	}
	if strings.ContainsAny(target[:1], "@#!") {
		return true
	}
	scheme, _, ok := strings.Cut(target, ":")
	if !ok || scheme == "" {
		return false
	}
	for i, r := range scheme {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && (r >= '0' && r <= '9' || r == '+' || r == '.' || r == '-')) {
			return false
		}
	}
	return true
}
