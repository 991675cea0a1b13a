package cli

import (
	"fmt"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// A target is user code: its New (or a variant's) may panic on a knob value a scenario
// file sets, where it should have returned an error. The harness turns a panic within a
// run into a failure of the system, but one in New escapes it, and in a campaign's worker
// it would end the process, and every finished seed's result with it. So the commands run
// targets through guarded calls: such a panic is an error naming the target, the panic and
// where it happened; the seed could not run (exit code 2) and a campaign goes on.

// guard calls f, turning a panic in it into an error about tg.
func guard(tg fuzz.Target, f func() error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("target %s panicked: %v%s", tg.Name, v, panicSite())
		}
	}()
	return f()
}

// runTarget is tg.Run, guarded.
func runTarget(tg fuzz.Target, s scenario.Scenario,
	opts harness.RunOptions) (*harness.RunResult, error) {
	var res *harness.RunResult
	err := guard(tg, func() (err error) {
		res, err = tg.Run(s, opts)
		return err
	})
	return res, err
}

// shrinkTarget is tg.Shrink, guarded.
func shrinkTarget(tg fuzz.Target, s scenario.Scenario, class harness.FailureClass,
	runs int) (fuzz.Shrunk, error) {
	var shrunk fuzz.Shrunk
	err := guard(tg, func() (err error) {
		shrunk, err = tg.Shrink(s, class, runs)
		return err
	})
	return shrunk, err
}

// panicSite is " (at FILE:LINE in FUNC)", the frame that panicked, for a deferred function
// that recovered; "" if it cannot be found.
func panicSite() string {
	pc := make([]uintptr, 32)
	n := runtime.Callers(3, pc) // past Callers, panicSite and the deferred function
	frames := runtime.CallersFrames(pc[:n])
	for {
		f, more := frames.Next()
		if !strings.HasPrefix(f.Function, "runtime.") && f.Function != "" {
			return fmt.Sprintf(" (at %s:%d in %s)", filepath.Base(f.File), f.Line,
				f.Function)
		}
		if !more {
			return ""
		}
	}
}
