package model

import (
	"fmt"
	"math"

	"github.com/anishathalye/porcupine"
)

// Never is the Return time of an operation whose outcome is unknown: it may take effect at
// any moment after its call, so it is open until +infinity.
const Never int64 = math.MaxInt64

// Operation is one client operation as the harness records it. Call and Return are virtual
// nanoseconds, and [Call, Return] is a closed interval (porcupine's convention: operations
// that touch at an instant are concurrent). Return should be Never when Outcome.Unknown; the
// conversion enforces it whatever was recorded, because a timed-out write may still be
// applied long after the client gave up.
type Operation struct {
	// ClientID is the zero-based client index; the HTML view draws one row per client.
	ClientID int
	Op       Op
	Outcome  Outcome
	Call     int64
	Return   int64
	// Probe marks an operation of the liveness probe or the stability window's probes
	// (Workload.Probe): checked with the rest, counted apart in reports.
	Probe bool
}

// Validate reports the first malformed operation of a key-value history (KV.ValidateHistory).
func Validate(history []Operation) error { return KV.ValidateHistory(history) }

// ValidateHistory reports the first malformed operation of a history: a client ID the HTML
// view cannot draw, a kind the workload lacks, a negative call time, or a completed operation
// that returns before it is called. Check runs it first so that a harness bug is reported as
// such, not as a linearizability failure or a panic inside the checker.
func (w *Workload) ValidateHistory(history []Operation) error {
	for i := range history {
		if err := history[i].validate(w); err != nil {
			return fmt.Errorf("history operation %d (%s): %w", i, w.Format(history[i].Op), err)
		}
	}
	return nil
}

func (o *Operation) validate(w *Workload) error {
	switch {
	case o.ClientID < 0:
		return fmt.Errorf("negative client ID %d", o.ClientID)
	case !w.ValidKind(o.Op.Kind):
		return fmt.Errorf("invalid operation kind %d", o.Op.Kind)
	case o.Call < 0:
		return fmt.Errorf("negative call time %d", o.Call)
	case !o.Outcome.Unknown && o.Return < o.Call:
		return fmt.Errorf("returns at %d before its call at %d", o.Return, o.Call)
	}
	return nil
}

// ToPorcupine converts a history for porcupine: Input is the Op, Output the Outcome and an
// unknown outcome returns at Never. It does not validate; use Validate first.
func ToPorcupine(history []Operation) []porcupine.Operation {
	ops := make([]porcupine.Operation, len(history))
	for i, o := range history {
		ret := o.Return
		if o.Outcome.Unknown {
			ret = Never
		}
		ops[i] = porcupine.Operation{
			ClientId: o.ClientID,
			Input:    o.Op,
			Call:     o.Call,
			Output:   o.Outcome,
			Return:   ret,
		}
	}
	return ops
}
