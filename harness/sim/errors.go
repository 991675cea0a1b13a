package sim

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
	Paused []nodeapi.NodeID
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
	Node nodeapi.NodeID // the node whose event preceded the check
	At   time.Duration  // virtual time of the event
	Err  error
}

// Error names the node, the time and the violation.
func (e *InvariantError) Error() string {
	return fmt.Sprintf("invariant violated after an event of %s at %v: %v", e.Node, e.At, e.Err)
}

// Unwrap returns the System's error, for errors.Is and errors.As.
func (e *InvariantError) Unwrap() error { return e.Err }

// RecoveryError stops a run when a server could not start again on its own disk: the
// System's NewNode returned an error at a restart (after a crash, a stop, a crash storm or
// a fail-stop) although the harness never configured read corruption for that disk. Lost
// unsynced writes and a torn last write are no excuse: a correct system survives both.
// With read corruption configured refusing to start is legitimate, and the world only
// annotates it.
type RecoveryError struct {
	Node nodeapi.NodeID
	At   time.Duration
	Err  error // what NewNode returned
}

// Error names the node, the time and the system's reason; it is deterministic.
func (e *RecoveryError) Error() string {
	return fmt.Sprintf("%s could not restart at %v on a disk with no injected corruption: %v",
		e.Node, e.At, e.Err)
}

// Unwrap returns the System's error, for errors.Is and errors.As.
func (e *RecoveryError) Unwrap() error { return e.Err }

// NodePanicError stops a run when code of the system under test panicked: a node's or a
// client's callback, or system code the world calls outside any node (an invariant check, a
// leader report). It is a found bug, recovered so that the harness can report and shrink it.
// Error is deterministic; Stack is for humans.
type NodePanicError struct {
	// Node is the node or client whose code panicked, or, for system code outside any
	// node (In set), the node the call was about ("" if none).
	Node nodeapi.NodeID
	// In names the system code outside any node that panicked ("invariant check", say);
	// empty for a node's own callback.
	In    string
	At    time.Duration
	Value any
	Stack string
}

// Error names the node (or the system code), the time and the panic value; it omits the
// stack, which holds paths and addresses.
func (e *NodePanicError) Error() string {
	if e.In == "" {
		return fmt.Sprintf("%s panicked at %v: %v", e.Node, e.At, e.Value)
	}
	about := ""
	if e.Node != "" {
		about = " of " + string(e.Node)
	}
	return fmt.Sprintf("the system's %s%s panicked at %v: %v", e.In, about, e.At, e.Value)
}

// HarnessPanicError stops a run when the world's own code panicked: an At callback, a fault,
// the runner, or world code a node called through its Env (a send, a disk write). It is a
// bug in the harness (or in a test's harness code), not in the system under test, so Run
// returns it as an error: it is never classed as a failure, shrunk or saved as a
// regression.
type HarnessPanicError struct {
	// Node is the node whose Env call was running world code, or "".
	Node  nodeapi.NodeID
	At    time.Duration
	Value any
	Stack string
}

// Error says that the harness panicked, when, and with what; it omits the stack.
func (e *HarnessPanicError) Error() string {
	where := ""
	if e.Node != "" {
		where = " (in a call from " + string(e.Node) + ")"
	}
	return fmt.Sprintf("harness error: the world's own code panicked at %v%s: %v", e.At,
		where, e.Value)
}

// Panicked turns a recovered panic into the error that stops the run. Whose it is follows
// from what was running: world code called through an Env (inWorld), a node's callback
// (cur), system code outside any node (sysCall), or else the world's own code.
func (w *World) Panicked(v any) error {
	stack := string(debug.Stack())
	if i := strings.Index(stack, "panic("); i > 0 {
		stack = stack[i:] // start at the panic, not at the recovery machinery
	}
	var err error
	var sysCall string
	var sysAbout nodeapi.NodeID
	if w.sysRun != nil {
		sysCall, sysAbout = w.sysRun.what, w.sysRun.about
	}
	if w.inWorld > 0 || (w.cur < 0 && sysCall == "") {
		err = &HarnessPanicError{Node: w.name(w.cur), At: w.Now(), Value: v, Stack: stack}
	} else {
		node := w.name(w.cur)
		if sysCall != "" {
			node = sysAbout
		}
		err = &NodePanicError{Node: node, In: sysCall, At: w.Now(), Value: v, Stack: stack}
	}
	w.cur, w.inWorld, w.sysRun = -1, 0, nil
	if w.fail == nil {
		w.fail = err
	}
	return err
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

// QueueLimitError stops a run whose event queue reached Options.QueueLimit: a system that
// schedules timers or messages faster than they fall due (a runaway). Its text is
// deterministic.
type QueueLimitError struct {
	Limit int
	At    time.Duration
}

// Error names the limit and the time; it is deterministic.
func (e *QueueLimitError) Error() string {
	return fmt.Sprintf("event queue limit of %d pending events reached at %v: runaway "+
		"system (timers or messages scheduled faster than they fall due)", e.Limit, e.At)
}
