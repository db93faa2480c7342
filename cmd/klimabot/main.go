// Command klimabot keeps municipal climate partnerships on track: a Slack bot
// for a town's climate action plan, with a console that runs the same command
// language without Slack. See README.md.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// The garbage collector's settings unless GOGC or GOMEMLIMIT say otherwise.
// GOGC stays at Go's 100. (With a live heap of about 4 MB a collection ran
// every few hundred requests, and 150 saved CPU; since the read cache
// keeps the measures, about 8 MB are live under the bench's load, so at
// 100 the collector runs as seldom as it did at 150 before, and 150 would
// put the peak resident memory at 60 MB, the bar: 59.6-60.7 MB measured,
// 55.5-56.6 MB at 100 with the same CPU a request.) The soft memory limit
// makes the collector run sooner should Go's own memory near 32 MiB (a
// lower limit bound in the serve sequence and slowed the CSV import); the
// collector's CPU limiter keeps a larger live heap from thrashing.
const (
	gcPercent   = 100
	memoryLimit = 32 << 20
)

func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
}

func main() {
	tuneGC(os.Getenv)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil && !errors.Is(err, errReported) {
		fmt.Fprintln(os.Stderr, "klimabot:", err)
	}
	os.Exit(exitCode(err))
}

// exitError carries the process exit code: 2 for usage and configuration
// errors, 1 for everything else.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageErr marks err as a usage or configuration error (exit code 2).
func usageErr(format string, args ...any) error {
	return &exitError{code: 2, err: fmt.Errorf(format, args...)}
}

// exitCode maps err to the process exit code.
func exitCode(err error) int {
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return 1
}

// errReported means the details were already written to stderr.
var errReported = errors.New("failed (see above)")
