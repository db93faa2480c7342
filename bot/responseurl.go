package bot

import (
	"fmt"
	"net/url"
	"strings"
)

// Slack's hosts of response_url: commercial Slack and GovSlack.
const (
	slackHooks    = "https://hooks.slack.com"
	govSlackHooks = "https://hooks.slack-gov.com"
	govSlackAPI   = "slack-gov.com"
)

// allowedOrigin is one place a response_url may point to: a scheme and a
// host, with a port or (port "") any port.
type allowedOrigin struct {
	scheme, host, port string
}

// responseOrigins reads Config.ResponseURLHosts, or derives the default from
// the API URL: Slack's hooks host for Slack's API (hooks.slack-gov.com for
// GovSlack's), else the API URL's own scheme and host — a Slack of our own
// for tests or a load run, which already gets the bot token.
func responseOrigins(configured []string, apiURL string) ([]allowedOrigin, error) {
	entries := configured
	if len(entries) == 0 {
		api, err := url.Parse(apiURL)
		if err != nil {
			return nil, fmt.Errorf("API URL %q: %w", apiURL, err)
		}
		switch host := strings.ToLower(api.Hostname()); {
		case host == "slack.com" || strings.HasSuffix(host, ".slack.com"):
			entries = []string{slackHooks}
		case host == govSlackAPI || strings.HasSuffix(host, "."+govSlackAPI):
			entries = []string{govSlackHooks}
		default:
			entries = []string{api.Scheme + "://" + api.Hostname()}
		}
	}
	out := make([]allowedOrigin, 0, len(entries))
	for _, e := range entries {
		u, err := url.Parse(strings.TrimSpace(e))
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Hostname() == "" || u.User != nil {
			return nil, fmt.Errorf("response_url host %q is not a scheme and host such as %q", e, slackHooks)
		}
		out = append(out, allowedOrigin{scheme: u.Scheme, host: strings.ToLower(u.Hostname()), port: u.Port()})
	}
	return out, nil
}

// responseURLAllowed reports whether raw is a response_url the bot may
// POST to: an absolute URL without user info whose scheme and host are
// among the allowed ones. Everything else came from somewhere other than
// Slack, however well it was signed.
func (b *Bot) responseURLAllowed(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.User != nil || u.Opaque != "" || !u.IsAbs() {
		return false
	}
	host := strings.ToLower(u.Hostname())
	for _, o := range b.responseOrigins {
		if u.Scheme == o.scheme && host == o.host && (o.port == "" || u.Port() == o.port) {
			return true
		}
	}
	return false
}

// responseHost is what the log says of a refused response_url: its host,
// not the whole URL (the path holds a token).
func responseHost(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unreadable)"
	}
	return u.Scheme + "://" + u.Host
}
