package cli

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// watchSignals delivers SIGINT and SIGTERM to the returned channel instead of ending the
// process, until the returned function is called. A campaign stops on the first and exits
// on the second; buffered, so that a second signal sent while the first is being handled is
// not lost.
func watchSignals() (<-chan os.Signal, func()) {
	c := make(chan os.Signal, 2)
	signal.Notify(c, os.Interrupt, syscall.SIGTERM)
	return c, func() { signal.Stop(c) }
}

// interruptContext returns a context that the first SIGINT or SIGTERM cancels (through
// a.watchSignals) and the function that stops watching: check, server and bench --real
// end their real processes and write what they have when it is cancelled.
func (a *app) interruptContext() (context.Context, func()) {
	sig, stop := a.watchSignals()
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		select {
		case <-sig:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, func() { stop(); cancel() }
}
