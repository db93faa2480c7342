package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/klimabot/klimabot/commands"
	"github.com/klimabot/klimabot/commands/translate"
	"github.com/klimabot/klimabot/locales"
)

// DefaultAPIURL is Slack's Web API base. GovSlack's is
// "https://slack-gov.com/api/".
const DefaultAPIURL = "https://slack.com/api/"

// Defaults of Config's timing knobs.
const (
	// DefaultBudget is how long a slash command may work before the bot
	// acknowledges it empty and answers through response_url instead: Slack
	// waits 3 seconds, and the answer needs time on the wire.
	DefaultBudget = 2500 * time.Millisecond
	// DefaultLocaleTimeout caps the users.info call that fetches a user's
	// locale; after it the answer goes on without the locale.
	DefaultLocaleTimeout = time.Second
	// LocaleMaxAge is how long a cached Slack locale is used before it is
	// fetched again.
	LocaleMaxAge = 24 * time.Hour
	// DefaultRetryBase is the first backoff of a retried Slack call.
	DefaultRetryBase = 500 * time.Millisecond
	// DefaultAttempts is how often a Slack call is tried in all.
	DefaultAttempts = 4
	// DefaultWorkTimeout caps the work done after an acknowledgement
	// (answers through response_url, announcements, event handling).
	DefaultWorkTimeout = 30 * time.Second
)

// Config configures a Bot. BotToken is required; the rest has defaults.
type Config struct {
	// BotToken is the bot user OAuth token (xoxb-…).
	BotToken string
	// AppToken is the app-level token (xapp-…) with connections:write;
	// set, RunSocketMode can connect.
	AppToken string
	// SigningSecret verifies HTTP requests from Slack; empty, every
	// /slack/* request is refused (Socket Mode needs none).
	SigningSecret string
	// APIURL is Slack's Web API base, ending in "/"; empty means
	// DefaultAPIURL.
	APIURL string
	// HTTPClient makes the Web API calls; nil means a client with a
	// 10-second timeout.
	HTTPClient *http.Client
	// Log receives the bot's logs; nil means slog.Default().
	Log *slog.Logger
	// Now is the clock (locale ages, "today" in the App Home); nil means
	// time.Now.
	Now func() time.Time

	// Budget, LocaleTimeout, RetryBase, Attempts and WorkTimeout override
	// the defaults above when positive; tests shorten them.
	Budget        time.Duration
	LocaleTimeout time.Duration
	RetryBase     time.Duration
	Attempts      int
	WorkTimeout   time.Duration
	// MaxBody caps a request body (413 beyond); 0 means DefaultMaxBody.
	MaxBody int64
	// Calendar serves GET /calendar/TOKEN.ics; nil answers 404.
	Calendar CalendarFeed
	// ResponseURLHosts lists where a response_url may point, as scheme and
	// host ("https://hooks.slack.com"; without a port any port). Empty
	// means Slack's: hooks.slack.com, hooks.slack-gov.com when APIURL is
	// GovSlack's, and the APIURL's own host for a Slack of our own (tests,
	// load runs). A response_url elsewhere is logged and never used.
	ResponseURLHosts []string
	// ReplayLimit caps how many request signatures the bot remembers to
	// answer replays (ReplayGuard); 0 means DefaultReplayLimit.
	ReplayLimit int
	// Translate is the translation service (KLIMABOT_TRANSLATE); New gives
	// it the bot's metrics and lets it update messages when a translation
	// arrives (bot/translate.go). nil: no translation.
	Translate *translate.Service
}

// Store is what the bot needs from persistence besides the command core;
// storage.DB implements it.
type Store interface {
	// User and SaveUser keep the cached Slack locale (User.Locale, LocaleAt).
	User(ctx context.Context, id string) (commands.User, error)
	SaveUser(ctx context.Context, u commands.User) error
	// Channel tells which measures a channel follows (the shortcut lists
	// them first) and its languages.
	Channel(ctx context.Context, id string) (commands.Channel, error)
	// ListMeasures lists measures for the shortcut's picker.
	ListMeasures(ctx context.Context, filter string, limit int) ([]commands.MeasureSummary, error)
	// FollowedMeasures lists what the App Home shows, and how many there are.
	FollowedMeasures(ctx context.Context, limit int) ([]commands.MeasureSummary, int, error)
	// MeasureCode finds the code of a measure a bot message is about.
	MeasureCode(ctx context.Context, id int64) (string, error)
	// MarkEventProcessed reports whether an event id is new (retries are not).
	MarkEventProcessed(ctx context.Context, eventID string) (first bool, err error)
	// RecordBotMessage and MeasuresForMessage tie a posted message to its
	// measure, so a reply in its thread finds the measure;
	// RecordMessageMeasures to the measures of combined announcements, and
	// a reply in its thread is told how to log instead.
	RecordBotMessage(ctx context.Context, channelID, ts string, measureID int64, kind string) error
	RecordMessageMeasures(ctx context.Context, channelID, ts string, measureIDs []int64, kind string) error
	MeasuresForMessage(ctx context.Context, channelID, ts string) ([]int64, error)
	// MoveChannel moves a channel's settings, follows, sent reminders and
	// message records to its new id (channel_id_changed).
	MoveChannel(ctx context.Context, oldID, newID string) error
	// Ping checks the database for /healthz.
	Ping(ctx context.Context) error
}

// Bot is klimabot's Slack adapter: it answers slash commands, events and
// interactions over HTTP (Handler) or Socket Mode (RunSocketMode), and posts
// through one Web API client with retries (PostMessage). Create it with New,
// call Start, and Close it before closing the store.
type Bot struct {
	cfg     Config
	svc     *commands.Service
	store   Store
	bundle  *locales.Bundle
	api     *slack.Client
	http    *http.Client // for response_url posts
	log     *slog.Logger
	metrics *Metrics
	// responseOrigins are where response_url may point (Config.ResponseURLHosts).
	responseOrigins []allowedOrigin
	// replays remembers the signed requests handled, so a replay is not.
	replays *ReplayGuard

	// bg is the context of work done after an acknowledgement; it outlives
	// the requests and is cancelled by Close after the work had its time.
	bg     context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	// announcing holds a slot for each announcement being posted after an
	// acknowledgement (maxAnnouncing): under overload the next one waits
	// for a slot instead of goroutines and their messages piling up.
	announcing chan struct{}
	// queued holds each channel's announcements waiting for the post in
	// flight to that channel (bot/announce.go); a channel is in it while
	// its poster runs, and only then.
	queueMu sync.Mutex
	queued  map[string][]*commands.Announcement

	mu          sync.RWMutex
	botUserID   string
	botID       string
	teamID      string // the installing workspace, from auth.test
	actions     map[string]ActionFunc
	threadHook  ThreadReplyFunc
	localeFails map[string]time.Time // user id → last failed users.info
}

// New builds a Bot over the command core, the store and the translations.
// It makes no network call: Start checks the token.
func New(cfg Config, svc *commands.Service, store Store, bundle *locales.Bundle) (*Bot, error) {
	if cfg.BotToken == "" {
		return nil, errors.New("bot: no bot token")
	}
	if svc == nil || store == nil || bundle == nil {
		return nil, errors.New("bot: service, store and bundle are required")
	}
	if cfg.APIURL == "" {
		cfg.APIURL = DefaultAPIURL
	}
	if u, err := url.Parse(cfg.APIURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("bot: API URL %q is not an http(s) URL", cfg.APIURL)
	}
	if !strings.HasSuffix(cfg.APIURL, "/") {
		cfg.APIURL += "/" // slack-go appends method names as they are
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 10 * time.Second, Transport: slackTransport()}
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Budget <= 0 {
		cfg.Budget = DefaultBudget
	}
	if cfg.LocaleTimeout <= 0 {
		cfg.LocaleTimeout = DefaultLocaleTimeout
	}
	if cfg.RetryBase <= 0 {
		cfg.RetryBase = DefaultRetryBase
	}
	if cfg.Attempts <= 0 {
		cfg.Attempts = DefaultAttempts
	}
	if cfg.WorkTimeout <= 0 {
		cfg.WorkTimeout = DefaultWorkTimeout
	}
	origins, err := responseOrigins(cfg.ResponseURLHosts, cfg.APIURL)
	if err != nil {
		return nil, fmt.Errorf("bot: %w", err)
	}
	opts := []slack.Option{slack.OptionAPIURL(cfg.APIURL), slack.OptionHTTPClient(cfg.HTTPClient)}
	if cfg.AppToken != "" {
		opts = append(opts, slack.OptionAppLevelToken(cfg.AppToken))
	}
	bg, cancel := context.WithCancel(context.Background())
	b := &Bot{
		announcing:      make(chan struct{}, maxAnnouncing),
		queued:          map[string][]*commands.Announcement{},
		cfg:             cfg,
		svc:             svc,
		store:           store,
		bundle:          bundle,
		api:             slack.New(cfg.BotToken, opts...),
		http:            cfg.HTTPClient,
		log:             cfg.Log,
		metrics:         newMetrics(),
		responseOrigins: origins,
		replays:         NewReplayGuard(DefaultMaxAge, cfg.ReplayLimit),
		bg:              bg,
		cancel:          cancel,
		actions:         map[string]ActionFunc{},
		localeFails:     map[string]time.Time{},
	}
	b.hookTranslations()
	return b, nil
}

// AuthError means Slack refused a token: the configuration is wrong, and
// retrying will not help.
type AuthError struct {
	Setting string // the setting that holds the token, e.g. "SLACK_BOT_TOKEN"
	Method  string // the Web API method that refused it
	Err     error
}

func (e *AuthError) Error() string {
	return fmt.Sprintf("%s was refused by Slack (%s: %v)", e.Setting, e.Method, e.Err)
}

func (e *AuthError) Unwrap() error { return e.Err }

// authErrors are Slack's answers that mean "this token is no good".
var authErrors = map[string]bool{
	"invalid_auth": true, "not_authed": true, "account_inactive": true, "token_revoked": true,
	"token_expired": true, "not_allowed_token_type": true,
}

// isAuthError reports whether err is Slack refusing the token.
func isAuthError(err error) bool {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return authErrors[se.Err]
	}
	return err != nil && authErrors[err.Error()]
}

// Start calls auth.test, so that a bad token stops start-up at once rather
// than at the first command, and learns the bot's own user id (its messages
// and mentions are recognised by it). A refused token is an *AuthError.
func (b *Bot) Start(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	res, err := b.api.AuthTestContext(ctx)
	if err != nil {
		b.apiError("auth.test", err)
		if isAuthError(err) {
			return &AuthError{Setting: "SLACK_BOT_TOKEN", Method: "auth.test", Err: err}
		}
		return fmt.Errorf("reach Slack (auth.test at %s): %w", b.cfg.APIURL, err)
	}
	b.mu.Lock()
	b.botUserID, b.botID, b.teamID = res.UserID, res.BotID, res.TeamID
	b.mu.Unlock()
	b.log.Info("connected to Slack", "team", res.Team, "bot_user", res.UserID, "bot_id", res.BotID)
	return nil
}

// BotUserID returns the bot's own user id, known after Start.
func (b *Bot) BotUserID() string {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.botUserID
}

// TeamID returns the id of the workspace that installed klimabot, known
// after Start.
func (b *Bot) TeamID() string {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.teamID
}

// externalTeam reports whether a member whose home workspace is teamID
// belongs to another workspace than the installing one (a partner in a
// Slack Connect channel). An unknown team (empty) is not external here;
// callers that can learn it (users.info) should.
func (b *Bot) externalTeam(teamID string) bool {
	own := b.TeamID()
	return teamID != "" && own != "" && teamID != own
}

func (b *Bot) ownBotID() string {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.botID
}

// Client returns the one Web API client the bot uses, for calls the bot has
// no helper for. Posting should go through PostMessage, which retries.
func (b *Bot) Client() *slack.Client { return b.api }

// Service returns the command core the bot runs commands with.
func (b *Bot) Service() *commands.Service { return b.svc }

// Bundle returns the translations the bot renders with.
func (b *Bot) Bundle() *locales.Bundle { return b.bundle }

// Close waits for the work started after acknowledgements (answers through
// response_url, announcements, events) until ctx ends, then cancels what is
// left. Call it after the HTTP server and Socket Mode stopped taking
// requests, and before closing the store.
func (b *Bot) Close(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		b.wg.Wait()
		close(done)
	}()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		err = fmt.Errorf("bot: background work still running at shutdown: %w", ctx.Err())
	}
	b.cancel()
	if err != nil {
		select { // cancelled work returns promptly; don't hang on what doesn't
		case <-done:
		case <-time.After(2 * time.Second):
		}
	}
	return err
}

// goWork runs fn after an acknowledgement, in its own goroutine with its own
// context (not the request's, which ends with the handler), bounded by
// WorkTimeout; Close waits for it. A panic in fn is logged, not fatal.
func (b *Bot) goWork(what string, fn func(ctx context.Context)) {
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		defer func() {
			if p := recover(); p != nil {
				b.log.Error("panic in background work", "work", what, "panic", p)
			}
		}()
		ctx, cancel := context.WithTimeout(b.bg, b.cfg.WorkTimeout)
		defer cancel()
		fn(ctx)
	}()
}

// now is the bot's clock.
func (b *Bot) now() time.Time { return b.cfg.Now() }

// slackTransport is the default client's transport: Go's default, keeping
// up to 32 idle connections to Slack instead of 2. Every log and done
// posts an announcement after its answer; with more concurrent writers
// than idle connections, each post beyond two dialled (and, against
// slack.com, shook hands over TLS) anew — 7% of the CPU in the bench's
// write phase, profiled in docs/PERFORMANCE.md.
func slackTransport() http.RoundTripper {
	t, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		return http.DefaultTransport
	}
	t = t.Clone()
	t.MaxIdleConnsPerHost = 32
	return t
}
