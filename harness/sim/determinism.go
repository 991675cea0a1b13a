package sim

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// A determinism check runs one input twice and compares the runs. Two runs in one process
// close together in time read nearly the same wall clock: a node whose timers read
// time.Now at millisecond grain, run twice back to back, often sees the same values and
// passes. So a second run starts a random real gap after the first began, in
// [MinRerunGap, MaxRerunGap): a wall-clock read of a grain finer than MinRerunGap then
// differs every time (a coarser one only when the gap crosses its grain). The gap costs
// wall time, not CPU, and a first run that took longer than the gap waits no more.
const (
	MinRerunGap = 5 * time.Millisecond
	MaxRerunGap = 25 * time.Millisecond
)

// WaitRerunGap sleeps until a random gap in [MinRerunGap, MaxRerunGap) has passed since
// started (from now, if started is zero). The draw is from the global source on purpose:
// it is the one thing here that must differ between runs.
func WaitRerunGap(started time.Time) {
	gap := MinRerunGap + rand.N(MaxRerunGap-MinRerunGap)
	if !started.IsZero() {
		gap -= time.Since(started)
	}
	if gap > 0 {
		time.Sleep(gap)
	}
}

// DiffTraces compares two recorded traces. ok is true when they are equal; otherwise index
// is the first differing event (the length of the shorter trace when one is a prefix of the
// other).
func DiffTraces(a, b []TraceEvent) (index int, ok bool) {
	n := min(len(a), len(b))
	for i := range n {
		if a[i] != b[i] {
			return i, false
		}
	}
	if len(a) != len(b) {
		return n, false
	}
	return 0, true
}

// DescribeTraceDiff names the first event where a and b differ, with a little context, or
// returns "" when they are equal.
func DescribeTraceDiff(a, b []TraceEvent) string {
	i, ok := DiffTraces(a, b)
	if ok {
		return ""
	}
	msg := fmt.Sprintf("traces differ at event %d of %d/%d:\n  a: %s\n  b: %s",
		i, len(a), len(b), lineAt(a, i), lineAt(b, i))
	if i > 0 {
		msg += fmt.Sprintf("\n  last common event: %s", a[i-1])
	}
	return msg
}

func lineAt(t []TraceEvent, i int) string {
	if i >= len(t) {
		return "(trace ended)"
	}
	return t[i].String()
}

// CheckDeterminism calls run twice, the second a random real gap after the first began
// (WaitRerunGap), and fails unless both runs end with the same error text, event count and
// trace hash. run must build and run a fresh world from the same inputs; with
// Options.RecordTrace set the error names the first differing event. A run that returns
// no world is an error.
func CheckDeterminism(run func() (*World, error)) error {
	var worlds [2]*World
	var errs [2]error
	started := time.Now()
	for i := range worlds {
		if i > 0 {
			WaitRerunGap(started)
		}
		worlds[i], errs[i] = run()
		if worlds[i] == nil {
			return fmt.Errorf("determinism check: run %d returned no world: %w", i+1,
				errors.Join(errors.New("nil *World"), errs[i]))
		}
	}
	a, b := worlds[0], worlds[1]
	if a.TraceHash() == b.TraceHash() && a.Events() == b.Events() &&
		errString(errs[0]) == errString(errs[1]) {
		return nil
	}
	msg := fmt.Sprintf("nondeterministic run: trace hash %#x vs %#x, %d vs %d events, "+
		"error %q vs %q", a.TraceHash(), b.TraceHash(), a.Events(), b.Events(),
		errString(errs[0]), errString(errs[1]))
	if d := DescribeTraceDiff(a.Trace(), b.Trace()); d != "" {
		msg += "\n" + d
	} else if a.Trace() == nil {
		msg += " (set Options.RecordTrace to name the first differing event)"
	}
	return errors.New(msg)
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
