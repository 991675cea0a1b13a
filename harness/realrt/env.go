package realrt

import (
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// env is the nodeapi.Env of one incarnation of an endpoint's node: StartNode makes the
// first, every restart after a fail-stop a new one. Once its incarnation ends the env goes
// inert, as the simulated world's does: its timers and sync callbacks never run, Send, Dial,
// Logf and the disk's writes and syncs do nothing, so a leaked closure of an ended
// incarnation cannot act. Its methods are meant for the node's callbacks on the loop (the
// contract); Send, Logf and After are also safe from other goroutines.
type env struct {
	rt *Runtime
	// num counts the endpoint's incarnations from 1, for the log.
	num  uint64
	dead atomic.Bool
	disk envDisk
}

var (
	_ nodeapi.Env         = (*env)(nil)
	_ nodeapi.FailStopper = (*env)(nil)
	_ nodeapi.Buggifier   = (*env)(nil)
)

func newEnv(rt *Runtime, num uint64) *env {
	e := &env{rt: rt, num: num}
	e.disk = envDisk{d: rt.disk, e: e}
	return e
}

// live reports whether the incarnation has not ended.
func (e *env) live() bool { return !e.dead.Load() }

// ID implements nodeapi.Env.
func (e *env) ID() nodeapi.NodeID { return e.rt.id }

// Now implements nodeapi.Env with the wall clock. The value carries Go's monotonic
// reading, so durations between two Now values ignore wall-clock steps.
func (e *env) Now() time.Time { return time.Now() }

// After implements nodeapi.Env with a wall-clock timer whose callback runs on the loop,
// and only while the incarnation lives: a timer of an ended one never fires, even if it was
// already due when the incarnation ended.
func (e *env) After(d time.Duration, f func()) nodeapi.Timer {
	if f == nil || !e.live() {
		return nodeapi.Timer{}
	}
	return e.rt.timers.after(d, func() {
		if e.live() {
			f()
		}
	})
}

// Send implements nodeapi.Env: msg is copied into a frame before Send returns, so the node
// may reuse its buffer.
func (e *env) Send(to nodeapi.NodeID, msg []byte) {
	if e.live() {
		e.rt.tr.send(to, msg)
	}
}

// Rand implements nodeapi.Env: the endpoint's own PCG stream (used on the loop only).
func (e *env) Rand() nodeapi.Rand { return e.rt.rng }

// Disk implements nodeapi.Env: the endpoint's disk, as this incarnation sees it.
func (e *env) Disk() nodeapi.Disk { return &e.disk }

// Dial implements nodeapi.Env over a TCP connection of the stream's own. An ended
// incarnation gets a stream that is already closed and tells its handler nothing.
func (e *env) Dial(to nodeapi.NodeID, h nodeapi.StreamHandler) nodeapi.Stream {
	if !e.live() {
		return deadStream(to)
	}
	return e.rt.streams.dial(e, to, h)
}

// Logf implements nodeapi.Env: one line to the log writer, stamped with the wall clock and
// the endpoint's ID.
func (e *env) Logf(format string, args ...any) {
	if e.live() {
		e.rt.notice(format, args...)
	}
}

// FailStop implements nodeapi.FailStopper; see failstop.go.
func (e *env) FailStop(reason string) { e.rt.failStop(e, reason) }

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

// Buggify implements nodeapi.Buggifier: a real run takes no buggify path unless its process
// was started with SIMFUZZ_CHAOS_BUGGIFY=1 (a chaos run of real processes), in which case
// every site is active and fires with probability p.
func (e *env) Buggify(site string, p float64) bool {
	return chaosBuggify && e.live() && e.rt.rng.Float64() < p
}

// chaosBuggify is the chaos switch of Buggify, read once at start.
var chaosBuggify = os.Getenv("SIMFUZZ_CHAOS_BUGGIFY") == "1"
