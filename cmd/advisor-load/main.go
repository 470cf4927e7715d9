// Command advisor-load measures a Socket Mode bot the way Slack loads it.
//
// It hosts the project's Slack emulator in this process on 127.0.0.1,
// starts the bot as a separate process pointed at it (by default it builds
// ./cmd/fractional-advisor and runs "serve"; -bot-cmd runs any Socket Mode
// app), drives a realistic mix of slash commands, mentions, DMs and
// assessment modals at a concurrency or a fixed rate, and reports ack and
// reply latency, throughput, errors, and the bot's memory and CPU. Run it
// with -h for the flags; README.md ("Load testing") has examples.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	var ue *usageError
	switch {
	case err == nil || errors.Is(err, errHelp):
	case errors.As(err, &ue):
		fmt.Fprintln(os.Stderr, "advisor-load:", err)
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "advisor-load:", err)
		os.Exit(1)
	}
}
