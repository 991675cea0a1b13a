package harness

import (
	"fmt"
	"runtime/debug"
	"strings"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// Stream errors (see package nodeapi), re-exported for the world's own code and tests.
var (
	ErrRefused      = nodeapi.ErrRefused
	ErrPeerCrashed  = nodeapi.ErrPeerCrashed
	ErrPeerStopped  = nodeapi.ErrPeerStopped
	ErrPartitioned  = nodeapi.ErrPartitioned
	ErrStreamClosed = nodeapi.ErrStreamClosed
)

// DeadlockError is returned by RunUntil when no event is left while its condition is
// still false: nothing can ever happen again.
type DeadlockError struct {
	At time.Duration
	// Paused lists paused nodes, whose events are held until Resume.
	Paused []NodeID
	// Held is how many messages clogs hold inside the network.
	Held int
}

// Error describes the deadlock deterministically.
func (e *DeadlockError) Error() string {
	msg := fmt.Sprintf("deadlock at %v: no event left and the condition is false", e.At)
	if len(e.Paused) > 0 {
		msg += fmt.Sprintf(" (paused: %v)", e.Paused)
	}
	if e.Held > 0 {
		msg += fmt.Sprintf(" (%d messages held by clogs)", e.Held)
	}
	return msg
}

// TimeLimitError is returned by RunUntil when its virtual time limit passes while the
// condition is still false.
type TimeLimitError struct {
	Limit time.Duration // the limit given to RunUntil
	At    time.Duration // virtual time when the run stopped
}

// Error describes the limit deterministically.
func (e *TimeLimitError) Error() string {
	return fmt.Sprintf("time limit %v reached at %v with the condition still false",
		e.Limit, e.At)
}

// InvariantError stops a run when the System's CheckAfterEvent fails: a found bug.
type InvariantError struct {
	Node NodeID        // the node whose event preceded the check
	At   time.Duration // virtual time of the event
	Err  error
}

// Error names the node, the time and the violation.
func (e *InvariantError) Error() string {
	return fmt.Sprintf("invariant violated after an event of %s at %v: %v", e.Node, e.At, e.Err)
}

// Unwrap returns the System's error, for errors.Is and errors.As.
func (e *InvariantError) Unwrap() error { return e.Err }

// NodePanicError stops a run when node code panicked: a found bug, recovered so that the
// harness can report and shrink it. Error is deterministic; Stack is for humans.
type NodePanicError struct {
	Node  NodeID // "" when harness code (an At callback) panicked
	At    time.Duration
	Value any
	Stack string
}

// Error names the node, the time and the panic value; it omits the stack, which holds
// paths and addresses.
func (e *NodePanicError) Error() string {
	who := string(e.Node)
	if who == "" {
		who = "harness code"
	}
	return fmt.Sprintf("%s panicked at %v: %v", who, e.At, e.Value)
}

// panicked records a recovered panic as the error that stops the run.
func (w *World) panicked(v any) *NodePanicError {
	stack := string(debug.Stack())
	if i := strings.Index(stack, "panic("); i > 0 {
		stack = stack[i:] // start at the panic, not at the recovery machinery
	}
	pe := &NodePanicError{Node: w.name(w.cur), At: w.Now(), Value: v, Stack: stack}
	w.cur = -1
	if w.fail == nil {
		w.fail = pe
	}
	return pe
}

// BudgetError stops a run that used up Options.MaxEvents: a runaway system (a message
// storm, a livelock, a retry loop without backoff). Its text is deterministic.
type BudgetError struct {
	Events uint64
	At     time.Duration
}

func (e *BudgetError) Error() string {
	return fmt.Sprintf("event budget of %d events used up at %v: runaway system (message "+
		"storm, livelock or retry loop)", e.Events, e.At)
}
