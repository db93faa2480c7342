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
// The live heap is small (a few MB: SQLite's page caches live outside it),
// so with Go's default GOGC=100 a collection ran every few hundred requests
// and took 7 % of the CPU under load; at 200 it runs half as often
// (BenchmarkSignedStatusHTTP: 17-20 % less CPU per request; the bench's
// write phase 400-414 -> 330-368 µs a log) for 3-6 MB more resident memory
// (48 -> 51-54 MB peak in the bench's sequence). The soft memory limit
// makes the collector run sooner again once Go's own memory nears 32 MiB,
// so that it cannot push the process past 60 MB (SPEC "Quality bars") with
// SQLite's memory beside it; the collector's CPU limiter keeps a larger
// live heap (a big import) from thrashing.
const (
	gcPercent   = 200
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
