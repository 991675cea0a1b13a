package main

import (
	"os/exec"
	"syscall"
	"time"
)

// timeLimit is the hard backstop for a mutant that hangs (an endless loop inside a handler
// never returns to the campaign's own --time check): it kills the campaign 180 s after its
// budget, which then counts as not detected.
func timeLimit(cmd *exec.Cmd, d time.Duration) *time.Timer {
	return time.AfterFunc(d+180*time.Second, func() {
		if cmd.Process != nil {
			_ = cmd.Process.Signal(syscall.SIGKILL)
		}
	})
}
