package harness

import (
	"errors"
	"time"

	"github.com/simfuzz/simfuzz/harness/scenario"
	"github.com/simfuzz/simfuzz/harness/sim"
)

// FailureClass tells apart the ways a run can fail; each has its own meaning for a user.
type FailureClass string

// The failure classes. A harness error (a scenario the world refuses, a panic in the
// world's own code) is not a failure of the system under test: Run returns it as an error.
const (
	// ClassInvariant: the system's CheckAfterEvent reported a violation.
	ClassInvariant FailureClass = "invariant"
	// ClassLinearizability: the checker proved the history not linearizable.
	ClassLinearizability FailureClass = "linearizability"
	// ClassLiveness: pending operations, the probe write or convergence did not finish in
	// the liveness bound, the stability window saw more than one election round or probe
	// writes go unacknowledged (see StabilityStats), or the system ran away (used up the
	// event budget, flooded the event queue).
	ClassLiveness FailureClass = "liveness"
	// ClassPanic: code of the system (a node, a client, an invariant check) panicked.
	ClassPanic FailureClass = "panic"
	// ClassRecovery: a server could not restart on a disk the harness never corrupted (see
	// RecoveryError): whatever it promised, it can no longer keep.
	ClassRecovery FailureClass = "recovery"
	// ClassUndecided: the checker gave up on the history within its search budget. It is
	// no pass and no proof of a bug: the verdict about the system is unknown, and a person
	// must look (or the run be made smaller). Shrinking it costs a full check per step.
	ClassUndecided FailureClass = "undecided"
)

// Failure is a found bug (or, for ClassUndecided, a history no one could judge). Message
// is deterministic (no paths, no wall times, no pointers) so that rapid can confirm a
// shrunk failure is the same failure.
type Failure struct {
	Class   FailureClass
	Message string
}

func (f *Failure) Error() string { return string(f.Class) + ": " + f.Message }

// classify turns a world error into a failure of the system, or a harness error.
func classify(err error) (*Failure, error) {
	if err == nil {
		return nil, nil
	}
	var ie *sim.InvariantError
	var pe *sim.NodePanicError
	var be *sim.BudgetError
	var qe *sim.QueueLimitError
	var re *sim.RecoveryError
	switch {
	case errors.As(err, &be):
		return &Failure{Class: ClassLiveness, Message: be.Error()}, nil
	case errors.As(err, &qe):
		return &Failure{Class: ClassLiveness, Message: qe.Error()}, nil
	case errors.As(err, &ie):
		return &Failure{Class: ClassInvariant, Message: ie.Error()}, nil
	case errors.As(err, &pe):
		return &Failure{Class: ClassPanic, Message: pe.Error()}, nil
	case errors.As(err, &re):
		return &Failure{Class: ClassRecovery, Message: re.Error()}, nil
	}
	return nil, err // a *HarnessPanicError among others
}

// The event budget of a run (EventBudget).
const (
	// MinEventBudget is the least budget of any run.
	MinEventBudget = 1_000_000
	// EventsPerPairSecond is what a run may spend per pair of endpoints and second of
	// virtual time beyond MinEventBudget. A healthy Raft cluster of 16 nodes spends well
	// under one; a system that sends a message to every peer every 10 ms spends 100.
	EventsPerPairSecond = 100
)

// EventBudget is the default RunOptions.MaxEvents of scenario s: MinEventBudget plus
// EventsPerPairSecond for every ordered pair of endpoints (servers, spares, clients, the
// probe and admin clients) and every second of virtual time the run may last (safety,
// liveness, stability). It grows with what the scenario asks for, so that every scenario
// the validator accepts can run to a verdict about the system, while a runaway system (a
// message storm, a livelock) still fails, as a liveness failure, in bounded time.
func EventBudget(s scenario.Scenario) uint64 {
	endpoints := uint64(len(s.Cluster.Nodes)+len(s.Cluster.Spares)+len(s.Clients)) + 2
	span := time.Duration(s.Safety) + time.Duration(s.Liveness) + time.Duration(s.Stability)
	seconds := uint64((max(span, 0) + time.Second - 1) / time.Second)
	return MinEventBudget + EventsPerPairSecond*endpoints*endpoints*seconds
}
