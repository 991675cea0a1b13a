package harness

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/simfuzz/simfuzz/model"
	"github.com/simfuzz/simfuzz/netfault"
)

// FailureClass tells apart the ways a run can fail; each has its own meaning for a user.
type FailureClass string

// The failure classes. A harness error (a scenario the world refuses) is not a failure of
// the system under test and is returned as an error from Run instead.
const (
	ClassInvariant       FailureClass = "invariant"
	ClassLinearizability FailureClass = "linearizability"
	ClassLiveness        FailureClass = "liveness"
	ClassPanic           FailureClass = "panic"
)

// Failure is a found bug. Message is deterministic (no paths, no wall times, no pointers) so
// that rapid can confirm a shrunk failure is the same failure.
type Failure struct {
	Class   FailureClass
	Message string
}

func (f *Failure) Error() string { return string(f.Class) + ": " + f.Message }

// RunOptions tunes how a scenario runs; the zero value is the default.
type RunOptions struct {
	// RecordTrace keeps every trace event (for determinism diffs); it costs memory.
	RecordTrace bool
	// TraceTail is how many trace lines to keep for the report (default 200).
	TraceTail int
	// ProbeTimeout bounds the probe write of the liveness phase (default 5s).
	ProbeTimeout time.Duration
	// SkipLinearizability leaves the porcupine check out (for benchmarks of the world).
	SkipLinearizability bool
	// MaxEvents bounds the events of one run (default DefaultMaxEvents); a run that uses
	// them all fails as a liveness failure (runaway).
	MaxEvents uint64
	// Workload is the vocabulary of the scenario's operations and the model that judges
	// the history (default model.KV).
	Workload *model.Workload
}

// DefaultMaxEvents is about thirty times what the standard 60 s benchmark scenario needs.
const DefaultMaxEvents = 1_000_000

// RunResult is everything a run produced.
type RunResult struct {
	History []model.Operation
	// Workload is the workload the history belongs to, for reports and the HTML view.
	Workload    *model.Workload
	TraceHash   uint64
	Events      uint64
	SimTime     time.Duration
	Failure     *Failure
	Verdict     model.Verdict
	Annotations []Annotation
	TraceTail   []string
	Trace       []TraceEvent

	// OpsNotStarted counts the scripted client operations that never started: the safety
	// phase (or a failure) ended the run first. The history holds only the others.
	OpsNotStarted int
}

// ProbeKey is the key of the key-value workload's liveness probe write; generators never
// use it.
const ProbeKey = model.ProbeKey

// Run executes scenario s against the system that newSystem builds: the safety phase with
// the fault schedule, then the liveness phase, then the linearizability check. A non-nil
// error means the run could not happen (invalid scenario, system refused to build); a bug
// found in the system is reported in Result.Failure.
func Run(s Scenario, sys System, opts RunOptions) (*RunResult, error) {
	if opts.Workload == nil {
		opts.Workload = model.KV
	}
	if err := opts.Workload.Validate(); err != nil {
		return nil, err
	}
	if err := s.ValidateFor(opts.Workload); err != nil {
		return nil, err
	}
	r, err := newRunner(s, sys, opts)
	if err != nil {
		return nil, err
	}
	failure, err := r.execute()
	if err != nil {
		return nil, err
	}
	res := r.result(failure)
	if res.Failure == nil && !opts.SkipLinearizability {
		res.Verdict = opts.Workload.Check(res.History)
		if !res.Verdict.Linearizable() {
			res.Failure = &Failure{Class: ClassLinearizability,
				Message: res.Verdict.Message()}
		}
	}
	return res, nil
}

// runner holds the state of one scenario execution.
type runner struct {
	s       Scenario
	sys     System
	opts    RunOptions
	w       *World
	w8      *model.Workload
	clients []*clientDriver
	admin   Client
	history []model.Operation
	// stopIssuing is set when the safety phase ends: clients start no new operations.
	stopIssuing bool
	storms      *storms
	// pendingAdmin counts membership changes not yet answered; the liveness phase waits for
	// them like for client operations.
	pendingAdmin int
}

func newRunner(s Scenario, sys System, opts RunOptions) (*runner, error) {
	if opts.TraceTail == 0 {
		opts.TraceTail = 200
	}
	if opts.ProbeTimeout == 0 {
		opts.ProbeTimeout = 5 * time.Second
	}
	if opts.MaxEvents == 0 {
		opts.MaxEvents = DefaultMaxEvents
	}
	w, err := NewWorld(sys, Options{Seed: s.Seed,
		Network: netfault.Config{Default: s.Network.Link()}, Disk: s.Disk.Faults(),
		TraceTail: opts.TraceTail, RecordTrace: opts.RecordTrace, MaxEvents: opts.MaxEvents})
	if err != nil {
		return nil, err
	}
	r := &runner{s: s, sys: sys, opts: opts, w: w, w8: opts.Workload}
	for _, id := range s.Cluster.Nodes {
		if err := w.AddNode(id, Boot{Peers: s.Cluster.Nodes}); err != nil {
			return nil, err
		}
	}
	servers := append(append([]NodeID{}, s.Cluster.Nodes...), s.Cluster.Spares...)
	for i, cs := range s.Clients {
		c, err := w.AddClient(cs.ID, servers)
		if err != nil {
			return nil, err
		}
		r.clients = append(r.clients, &clientDriver{r: r, index: i, script: cs, c: c})
	}
	if needsAdmin(s.Faults) {
		if r.admin, err = w.AddClient("admin", servers); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func needsAdmin(faults []Fault) bool {
	for _, f := range faults {
		if f.Kind == FaultAddVoter || f.Kind == FaultRemoveVoter {
			return true
		}
	}
	return false
}

// execute runs both phases; it returns the failure found, if any.
func (r *runner) execute() (*Failure, error) {
	for _, c := range r.clients {
		c.scheduleNext()
	}
	for i := range r.s.Faults {
		r.scheduleFault(r.s.Faults[i])
	}
	safety := time.Duration(r.s.Safety)
	if f, err := classify(r.w.RunFor(safety)); f != nil || err != nil {
		return f, err
	}
	r.stopIssuing = true
	r.healAll()
	return r.liveness()
}

// classify turns a world error into a failure of the system, or a harness error.
func classify(err error) (*Failure, error) {
	if err == nil {
		return nil, nil
	}
	var ie *InvariantError
	var pe *NodePanicError
	var be *BudgetError
	switch {
	case errors.As(err, &be):
		return &Failure{Class: ClassLiveness, Message: be.Error()}, nil
	case errors.As(err, &ie):
		return &Failure{Class: ClassInvariant, Message: ie.Error()}, nil
	case errors.As(err, &pe):
		return &Failure{Class: ClassPanic, Message: pe.Error()}, nil
	}
	return nil, err
}

func (r *runner) result(f *Failure) *RunResult {
	return &RunResult{History: r.history, Workload: r.w8, TraceHash: r.w.TraceHash(), Events: r.w.Events(),
		SimTime: r.w.Now(), Failure: f, Annotations: r.w.Annotations(),
		TraceTail: r.w.TraceTail(), Trace: r.w.Trace(), OpsNotStarted: r.opsNotStarted()}
}

// record appends a finished (or abandoned) operation to the history.
func (r *runner) record(client int, op Op, call time.Duration, out Outcome) {
	ret := int64(r.w.Now())
	if out.Unknown {
		ret = math.MaxInt64
	}
	r.history = append(r.history, model.Operation{ClientID: client, Op: op, Outcome: out,
		Call: int64(call), Return: ret})
}

func (r *runner) describeOp(client NodeID, i int, op Op) string {
	return fmt.Sprintf("client %s op %d %s", client, i, r.w8.Format(op))
}
