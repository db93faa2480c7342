package translate

import (
	"context"
	"log/slog"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/klimabot/klimabot/commands"
)

// DefaultBudget is the daily character budget when KLIMABOT_TRANSLATE_BUDGET
// is not set: about 60 progress entries of average length a day into two
// languages and then some, well inside DeepL Free's 500,000 a month.
const DefaultBudget = 100_000

// Tuning of the worker.
const (
	// BatchSize is the most texts sent in one request (DeepL takes 50).
	BatchSize = 50
	// Poll is how often the worker looks for jobs that came due.
	Poll = 5 * time.Second
	// FirstRetry is the wait after the first failure; it doubles with each
	// further one up to MaxRetry.
	FirstRetry = 30 * time.Second
	MaxRetry   = time.Hour
	// QuotaRetry is the least wait after a used-up quota (DeepL's 456).
	QuotaRetry = time.Hour
	// CallTimeout bounds one request to the provider.
	CallTimeout = 30 * time.Second
)

// Counter is what the service counts with (a prometheus.Counter is one).
type Counter interface{ Add(float64) }

// Metrics are the service's counters; nil ones are not counted.
type Metrics struct {
	// Requested counts texts sent to the provider.
	Requested Counter
	// FromStore counts translations served from the store.
	FromStore Counter
	// Failed counts texts whose request to the provider failed.
	Failed Counter
	// Characters counts characters sent to the provider.
	Characters Counter
}

func add(c Counter, n int) {
	if c != nil && n > 0 {
		c.Add(float64(n))
	}
}

// Service finds stored translations, queues missing ones and fills them in
// in the background. A Service without Provider translates nothing and
// stores nothing.
type Service struct {
	Store    Store
	Provider Translator
	// Offline, with no Provider, names the provider whose stored
	// translations are shown, and nothing is queued: the demo shows its
	// sample translations this way.
	Offline string
	// Budget is the characters that may be sent a day (UTC); 0 means
	// DefaultBudget.
	Budget int
	// Detect returns the language of a text when it can tell, else "".
	Detect func(text string) string
	// Notify, when set, is called once a job with a Notify key has its
	// translation (the bot updates its message).
	Notify  func(ctx context.Context, notify string, t Stored) error
	Now     func() time.Time
	Log     *slog.Logger
	Metrics Metrics

	once sync.Once
	wake chan struct{}
	run  sync.Mutex // one RunOnce at a time: a job is sent once
	// queued remembers the jobs this process queued and not yet finished,
	// so that asking again (status after status while the provider is
	// down) does not write to the store again
	queued  sync.Map // jobKey → struct{}
	mu      sync.Mutex
	failing bool // a failure streak was logged
	broke   bool // the budget-used-up line was logged today
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

func (s *Service) wakeChan() chan struct{} {
	s.once.Do(func() { s.wake = make(chan struct{}, 1) })
	return s.wake
}

// providerName is whose translations are read: the provider's, or
// Offline's.
func (s *Service) providerName() string {
	if s.Provider != nil {
		return s.Provider.Name()
	}
	return s.Offline
}

// TranslatesEntries implements commands.Translations: entries can have
// translations from a provider or from the demo's samples, not when only
// people's translations from an import are shown (Offline Human).
func (s *Service) TranslatesEntries() bool {
	return s != nil && (s.Provider != nil || (s.Offline != "" && s.Offline != Human))
}

// Enabled reports whether a provider is configured.
func (s *Service) Enabled() bool { return s != nil && s.Provider != nil && s.Store != nil }

// source is the language a text is taken to be in: what Detect tells, else
// hint, else Auto.
func (s *Service) source(text, hint string) string {
	if s.Detect != nil {
		if l := s.Detect(text); l != "" {
			return l
		}
	}
	if hint != "" {
		return hint
	}
	return Auto
}

// Translated implements commands.Translations: the stored translations of
// texts into target (keyed by text), a human one before a machine one.
// Texts already in target are left out, and so are texts whose translation
// is not there yet: those are queued, with notify, and the worker is woken.
// It never calls the provider and never fails: a store error is logged and
// answered with what was found.
func (s *Service) Translated(ctx context.Context, texts []string, sourceHint, target, notify string) (map[string]commands.Translation, []string) {
	if s == nil || s.Store == nil || (s.Provider == nil && s.Offline == "") || target == "" {
		return nil, nil
	}
	if l, ok := s.Store.(Lister); ok && s.Provider == nil {
		if has, err := l.HasTranslations(ctx, target, s.providerName()); err == nil && !has {
			return nil, nil // nothing stored to show, nothing to ask for
		}
	}
	type want struct{ text, fp, source string }
	var wants []want
	var fps []string
	seen := map[string]bool{}
	for _, t := range texts {
		if Normalize(t) == "" || seen[t] {
			continue
		}
		seen[t] = true
		src := s.source(t, sourceHint)
		if src == target {
			continue
		}
		fp := Fingerprint(t)
		wants = append(wants, want{t, fp, src})
		fps = append(fps, fp)
	}
	if len(wants) == 0 {
		return nil, nil
	}
	found, err := s.Store.Translations(ctx, fps, target, s.providerName())
	if err != nil {
		s.log().Error("read translations", "err", err)
		return nil, nil
	}
	out := map[string]commands.Translation{}
	var jobs []Job
	var queued []string
	now := s.now()
	for _, w := range wants {
		st, ok := found[w.fp]
		if !ok {
			if s.Provider != nil {
				j := Job{Fingerprint: w.fp, Text: w.text, Source: w.source, Target: target, Notify: notify, NextAt: now}
				if _, seen := s.queued.Load(j.key()); !seen {
					jobs = append(jobs, j)
				}
				queued = append(queued, w.text)
			}
			continue
		}
		add(s.Metrics.FromStore, 1)
		if st.Source == target && !st.Human() {
			continue // the provider found it was in target already
		}
		out[w.text] = commands.Translation{Text: st.Text, Source: st.Source, Machine: !st.Human()}
	}
	if len(jobs) > 0 {
		if err := s.Store.Enqueue(ctx, jobs); err != nil {
			s.log().Error("queue translations", "count", len(jobs), "err", err)
			queued = nil
		} else {
			for _, j := range jobs {
				s.queued.Store(j.key(), struct{}{})
			}
			s.Kick()
		}
	}
	return out, queued
}

// Kick wakes the worker.
func (s *Service) Kick() {
	select {
	case s.wakeChan() <- struct{}{}:
	default:
	}
}

// Run works off the queue until ctx ends: when kicked, and every Poll for
// jobs whose retry came due.
func (s *Service) Run(ctx context.Context) {
	if !s.Enabled() {
		return
	}
	t := time.NewTicker(Poll)
	defer t.Stop()
	for {
		s.RunOnce(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.wakeChan():
		}
	}
}

// RunOnce does the jobs that are due now and reports how many were done
// (translated, or found translated already).
func (s *Service) RunOnce(ctx context.Context) int {
	if !s.Enabled() {
		return 0
	}
	s.run.Lock()
	defer s.run.Unlock()
	done := 0
	for {
		jobs, err := s.Store.DueJobs(ctx, s.now(), 4*BatchSize)
		if err != nil {
			s.log().Error("read translation queue", "err", err)
			return done
		}
		if len(jobs) == 0 {
			return done
		}
		n, stop := s.work(ctx, jobs)
		done += n
		if stop || ctx.Err() != nil {
			return done
		}
	}
}

type pair struct{ source, target string }

// work does one round of jobs; stop says the rest must wait (a failure or
// the budget).
func (s *Service) work(ctx context.Context, jobs []Job) (done int, stop bool) {
	groups := map[pair][]Job{}
	var order []pair
	for _, j := range jobs {
		p := pair{j.Source, j.Target}
		if _, ok := groups[p]; !ok {
			order = append(order, p)
		}
		groups[p] = append(groups[p], j)
	}
	for _, p := range order {
		n, err := s.group(ctx, p, groups[p])
		done += n
		if err != nil {
			return done, true
		}
	}
	return done, false
}

// group translates the jobs of one language pair.
func (s *Service) group(ctx context.Context, p pair, jobs []Job) (int, error) {
	fps := make([]string, 0, len(jobs))
	for _, j := range jobs {
		fps = append(fps, j.Fingerprint)
	}
	have, err := s.Store.Translations(ctx, fps, p.target, s.Provider.Name())
	if err != nil {
		s.log().Error("read translations", "err", err)
		return 0, err
	}
	done := 0
	var todo []Job
	for _, j := range jobs {
		if st, ok := have[j.Fingerprint]; ok {
			s.finish(ctx, j, st)
			done++
		} else {
			todo = append(todo, j)
		}
	}
	for len(todo) > 0 {
		// one text a fingerprint, at most BatchSize texts a request
		var texts []string
		byFP := map[string][]Job{}
		var batch []Job
		rest := todo[:0:0]
		for _, j := range todo {
			if _, ok := byFP[j.Fingerprint]; !ok && len(texts) == BatchSize {
				rest = append(rest, j)
				continue
			}
			if _, ok := byFP[j.Fingerprint]; !ok {
				texts = append(texts, j.Text)
			}
			byFP[j.Fingerprint] = append(byFP[j.Fingerprint], j)
			batch = append(batch, j)
		}
		todo = rest
		n, err := s.call(ctx, p, texts, batch)
		done += n
		if err != nil {
			s.later(ctx, append(batch, todo...), err)
			return done, err
		}
	}
	return done, nil
}

// call sends one batch and stores and hands out its translations.
func (s *Service) call(ctx context.Context, p pair, texts []string, jobs []Job) (int, error) {
	chars := 0
	for _, t := range texts {
		chars += utf8.RuneCountInString(t)
	}
	day := s.now().Format(time.DateOnly)
	used, err := s.Store.Usage(ctx, day, s.Provider.Name())
	if err != nil {
		return 0, err
	}
	if used+chars > s.budget() {
		return 0, errBudget
	}
	add(s.Metrics.Requested, len(texts))
	add(s.Metrics.Characters, chars)
	src := p.source
	cctx, cancel := context.WithTimeout(ctx, CallTimeout)
	res, err := s.Provider.Translate(cctx, Request{Texts: texts, Source: src, Target: p.target})
	cancel()
	if _, uerr := s.Store.AddUsage(ctx, day, s.Provider.Name(), chars); uerr != nil {
		s.log().Error("count translation usage", "err", uerr)
	}
	if err == nil && len(res.Texts) != len(texts) {
		err = &Error{Kind: Unavailable, Err: errorf("%d translations for %d texts", len(res.Texts), len(texts))}
	}
	if err != nil {
		add(s.Metrics.Failed, len(texts))
		return 0, err
	}
	s.recovered()
	detected := res.Detected
	if src != Auto {
		detected = src
	}
	if detected == "" {
		detected = Auto
	}
	at := s.now()
	stored := make([]Stored, len(texts))
	byFP := map[string]Stored{}
	for i, t := range texts {
		fp := Fingerprint(t)
		stored[i] = Stored{Fingerprint: fp, Source: detected, Target: p.target, Provider: s.Provider.Name(), Text: res.Texts[i], At: at}
		byFP[fp] = stored[i]
	}
	if err := s.Store.SaveTranslations(ctx, stored); err != nil {
		s.log().Error("store translations", "err", err)
		return 0, err
	}
	for _, j := range jobs {
		s.finish(ctx, j, byFP[j.Fingerprint])
	}
	return len(jobs), nil
}

// finish hands a done job's translation to Notify and removes the job. A
// job whose notification fails stays and is tried again later: the
// translation is stored, so that costs no provider call.
func (s *Service) finish(ctx context.Context, j Job, st Stored) {
	if j.Notify != "" && s.Notify != nil && !(st.Source == j.Target && !st.Human()) {
		if err := s.Notify(ctx, j.Notify, st); err != nil {
			s.log().Warn("translation not shown", "notify", j.Notify, "err", err)
			if j.Attempts < 5 {
				s.Store.Reschedule(ctx, []int64{j.ID}, j.Attempts+1, s.now().Add(backoff(j.Attempts+1)))
				return
			}
		}
	}
	if err := s.Store.DeleteJobs(ctx, []int64{j.ID}); err != nil {
		s.log().Error("remove translation job", "err", err)
	}
	s.queued.Delete(j.key())
}

var errBudget = &Error{Kind: Quota, Err: errorf("the daily character budget (KLIMABOT_TRANSLATE_BUDGET) is used up")}

func (s *Service) budget() int {
	if s.Budget > 0 {
		return s.Budget
	}
	return DefaultBudget
}

// later reschedules jobs after a failure and logs the first failure of a
// streak.
func (s *Service) later(ctx context.Context, jobs []Job, err error) {
	now := s.now()
	byAttempts := map[int][]int64{}
	for _, j := range jobs {
		byAttempts[j.Attempts+1] = append(byAttempts[j.Attempts+1], j.ID)
	}
	for attempts, ids := range byAttempts {
		next := now.Add(retryAfter(err, attempts))
		if err == errBudget {
			y, m, d := now.Date()
			next = time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC)
		}
		if rerr := s.Store.Reschedule(ctx, ids, attempts, next); rerr != nil {
			s.log().Error("reschedule translations", "err", rerr)
		}
	}
	s.mu.Lock()
	first := !s.failing
	s.failing = true
	s.mu.Unlock()
	if first {
		s.log().Warn("translation failed; retrying in the background, further failures are not logged until it works again",
			"provider", s.Provider.Name(), "kind", KindOf(err), "err", err)
	}
}

// recovered logs the end of a failure streak.
func (s *Service) recovered() {
	s.mu.Lock()
	was := s.failing
	s.failing = false
	s.mu.Unlock()
	if was {
		s.log().Info("translation works again", "provider", s.Provider.Name())
	}
}

// backoff is the wait before attempt n+1: FirstRetry doubled per attempt,
// at most MaxRetry.
func backoff(attempts int) time.Duration {
	d := FirstRetry
	for i := 1; i < attempts && d < MaxRetry; i++ {
		d *= 2
	}
	return min(d, MaxRetry)
}

// retryAfter is the wait after err: the provider's Retry-After when it gave
// one, at least QuotaRetry after a used-up quota, else the backoff.
func retryAfter(err error, attempts int) time.Duration {
	d := backoff(attempts)
	var e *Error
	if asError(err, &e) {
		if e.RetryAfter > 0 {
			return e.RetryAfter
		}
		if e.Kind == Quota {
			return max(d, QuotaRetry)
		}
	}
	return d
}
