package nodeapi

import "time"

// Serving oracles check state where it is served, not only where it is stored: a node tells
// its runtime when a request that will be answered from its state arrives (Arrive) and, when
// it answers, which state it answered from (Serve). The simulator then checks the serving
// rules at that moment, against what the whole cluster had committed (CommitReporter):
//
//   - a linearizable read is never answered from state older than what the cluster had
//     committed when the read arrived (Serving.Index at least that commit index);
//   - a lease is never relied on after it expired on the serving node's own clock
//     (Serving.LeaseExpiry after the node's Now).
//
// A real runtime ignores both calls. Report only answers that promise fresh state (a
// linearizable read, a lock holder read through the log), never the replay of a cached
// answer to a retried request.

// Serving describes one answer served from a node's state.
type Serving struct {
	// Request names the request as Arrive named it: unique in the run (say the client and
	// its sequence number), the same name for every retry of it, so that its first arrival
	// on any node counts. "" means no arrival was reported: only the lease rule applies.
	Request string
	// Index is the index of the state the answer was read from (the node's applied index).
	Index uint64
	// LeaseExpiry, if not zero, is when the lease the answer relies on ends on the node's
	// own clock (Env.Now); serving at or after it breaks the lease rule.
	LeaseExpiry time.Time
}

// ServeReporter is implemented by an Env whose runtime checks serving rules. Call Arrive
// and Serve rather than asserting the interface at every call.
type ServeReporter interface {
	// Arrived records that request arrived now.
	Arrived(request string)
	// Served checks an answer against the serving rules.
	Served(s Serving)
}

// CommitReporter is implemented by a System that knows the highest log index committed
// anywhere in the cluster so far (a ghost of its invariant checks, across incarnations):
// the read rule compares a served index with it. Without it only the lease rule applies.
type CommitReporter interface {
	CommittedIndex() uint64
}

// Arrive tells env's runtime that request arrived, if the runtime checks serving rules.
func Arrive(env Env, request string) {
	if r, ok := env.(ServeReporter); ok {
		r.Arrived(request)
	}
}

// Serve tells env's runtime what an answer was served from, if it checks serving rules.
func Serve(env Env, s Serving) {
	if r, ok := env.(ServeReporter); ok {
		r.Served(s)
	}
}
