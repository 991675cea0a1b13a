package sim

import (
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// ServeHook hears the serving reports of server nodes (nodeapi.ServeReporter), with the
// serving node's own clock. The engine knows no serving rule: the hook does. A non-nil
// error from Served stops the run after the current event, as a failed invariant does.
type ServeHook interface {
	Arrived(id nodeapi.NodeID, request string)
	Served(id nodeapi.NodeID, now time.Time, s nodeapi.Serving) error
}

// SetServeHook installs the hook that hears serving reports (nil: they are ignored).
func (w *World) SetServeHook(h ServeHook) { w.serve = h }

var _ nodeapi.ServeReporter = (*env)(nil)

// Arrived implements nodeapi.ServeReporter.
func (e *env) Arrived(request string) {
	if e.w.serve != nil && e.live() && !e.n.client {
		e.w.serve.Arrived(e.n.id, request)
	}
}

// Served implements nodeapi.ServeReporter: a broken rule becomes the run's failure.
func (e *env) Served(s nodeapi.Serving) {
	w := e.w
	if w.serve == nil || !e.live() || e.n.client || w.fail != nil {
		return
	}
	if err := w.serve.Served(e.n.id, e.Now(), s); err != nil {
		w.fail = &InvariantError{Node: e.n.id, At: w.Now(), Err: err}
	}
}
