package cli

import (
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
