// Command klimaload puts load on a running klimabot: it sends signed /klima
// slash commands over HTTP at a fixed rate (open loop, so a slow answer
// does not slow the sender) or from N workers (closed loop), with a chosen
// share of writes, and prints latency percentiles, throughput and errors by
// kind. It also builds the store of SPEC's quality bars and can play a tiny
// fake Slack Web API, so the bot can be loaded without a workspace.
//
//	klimaload gen --db bench.db                     10,000 measures, 100,000 entries
//	klimaload fake-slack --addr 127.0.0.1:9911      a Slack Web API that says ok
//	klimaload run --url http://127.0.0.1:8080 --secret S --rate 1000 --duration 30s --writes 0.1
//
// It only talks to loopback addresses and stops by itself after --duration.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "klimaload:", err)
		var ue usageError
		if errors.As(err, &ue) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

type usageError struct{ error }

const usage = `klimaload puts load on a running klimabot.

  klimaload gen --db PATH [--measures N] [--entries N]
  klimaload fake-slack [--addr 127.0.0.1:9911]
  klimaload run --url URL --secret SECRET [--rate R | --workers N] [--duration D]
                [--writes FRACTION] [--codes N] [--prefix M.] [--user ID] [--channel ID] [--max N]
`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usageError{errors.New("missing subcommand")}
	}
	switch args[0] {
	case "gen":
		return runGen(ctx, args[1:], stdout, stderr)
	case "fake-slack":
		return runFakeSlack(ctx, args[1:], stdout, stderr)
	case "run":
		return runLoad(ctx, args[1:], stdout, stderr)
	}
	fmt.Fprint(stderr, usage)
	return usageError{fmt.Errorf("unknown subcommand %q", args[0])}
}
