package realrt

import (
	"fmt"
	"strings"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// env is the nodeapi.Env of a Runtime. Its methods are meant for the node's callbacks on
// the loop (the contract); Send, Logf and After are also safe from other goroutines.
type env Runtime

var _ nodeapi.Env = (*env)(nil)

// ID implements nodeapi.Env.
func (e *env) ID() nodeapi.NodeID { return e.id }

// Now implements nodeapi.Env with the wall clock. The value carries Go's monotonic
// reading, so durations between two Now values ignore wall-clock steps.
func (e *env) Now() time.Time { return time.Now() }

// After implements nodeapi.Env with a wall-clock timer whose callback runs on the loop.
func (e *env) After(d time.Duration, f func()) nodeapi.Timer { return e.timers.after(d, f) }

// Send implements nodeapi.Env: msg is copied into a frame before Send returns, so the node
// may reuse its buffer.
func (e *env) Send(to nodeapi.NodeID, msg []byte) { e.tr.send(to, msg) }

// Rand implements nodeapi.Env: the endpoint's own PCG stream (used on the loop only).
func (e *env) Rand() nodeapi.Rand { return e.rng }

// Disk implements nodeapi.Env.
func (e *env) Disk() nodeapi.Disk { return e.disk }

// Dial implements nodeapi.Env over a TCP connection of the stream's own.
func (e *env) Dial(to nodeapi.NodeID, h nodeapi.StreamHandler) nodeapi.Stream {
	return e.streams.dial(to, h)
}

// Logf implements nodeapi.Env: one line to the log writer, stamped with the wall clock and
// the endpoint's ID.
func (e *env) Logf(format string, args ...any) {
	(*Runtime)(e).notice(format, args...)
}

// notice writes one log line; lines from the loop and helper goroutines do not interleave.
func (rt *Runtime) notice(format string, args ...any) {
	if rt.log == nil {
		return
	}
	line := fmt.Sprintf(format, args...)
	line = strings.TrimRight(line, "\n")
	stamp := time.Now().Format("15:04:05.000000")
	rt.logMu.Lock()
	defer rt.logMu.Unlock()
	fmt.Fprintf(rt.log, "%s %s: %s\n", stamp, rt.id, line)
}
