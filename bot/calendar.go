package bot

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/klimabot/klimabot/commands"
)

// PathCalendar is the prefix of calendar subscription feeds:
// GET /calendar/TOKEN.ics (commands/calendar makes the links).
const PathCalendar = "/calendar/"

// CalendarFeed serves subscription feeds; commands/calendar.Maker
// implements it. Feed reads the calendar a token shows and returns the
// function that writes it; ok is false for a token that was never issued
// or was revoked. An error means nothing could be read, and nothing has
// been written.
type CalendarFeed interface {
	Feed(ctx context.Context, token string) (write func(io.Writer) error, ok bool, err error)
}

// serveCalendar answers GET /calendar/TOKEN.ics with the token's calendar,
// as the store holds it now, and 404 for anything else under /calendar/:
// an unknown, revoked or malformed token looks the same from outside. It
// is not a Slack request (Outlook and Thunderbird fetch it), so the token
// is the only key; it is never logged.
func (b *Bot) serveCalendar(w http.ResponseWriter, r *http.Request) {
	token, isICS := strings.CutSuffix(r.PathValue("file"), ".ics")
	var write func(io.Writer) error
	found := false
	var err error
	if isICS && b.cfg.Calendar != nil { // a query string is ignored: it reaches nothing
		write, found, err = b.cfg.Calendar.Feed(r.Context(), token)
	}
	outcome := "ok"
	switch {
	case err != nil:
		outcome = commands.EINTERNAL
		if !errors.Is(err, context.Canceled) {
			b.log.Error("calendar feed failed", "err", err) // no token in the log
		}
		w.Header().Set("Retry-After", "300")
		http.Error(w, "calendar unavailable", http.StatusServiceUnavailable)
	case !found:
		outcome = commands.ENOTFOUND
		http.NotFound(w, r)
	default:
		h := w.Header()
		h.Set("Content-Type", "text/calendar; charset=utf-8")
		h.Set("Content-Disposition", `inline; filename="klimabot.ics"`)
		// the feed is one person's and changes with every deadline: no
		// shared cache may keep it
		h.Set("Cache-Control", "private, no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Robots-Tag", "noindex")
		w.WriteHeader(http.StatusOK)
		bw := bufio.NewWriterSize(w, 32<<10)
		err := write(bw)
		if err == nil {
			err = bw.Flush()
		}
		if err != nil {
			b.log.Debug("calendar feed cut short", "err", err) // the client went away
		}
	}
	b.metrics.Commands.WithLabelValues("calendar_feed", outcome).Inc()
}
