package harness

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/scenario"
	"github.com/simfuzz/simfuzz/harness/sim"
	"github.com/simfuzz/simfuzz/model"
	"github.com/simfuzz/simfuzz/netfault"
)

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
	// MaxEvents bounds the events of one run (default: EventBudget of the scenario); a
	// run that uses them all fails as a liveness failure (runaway).
	MaxEvents uint64
	// Workload is the vocabulary of the scenario's operations and the model that judges
	// the history (default model.KV).
	Workload *model.Workload
}

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
	Annotations []sim.Annotation
	TraceTail   []string
	Trace       []sim.TraceEvent

	// OpsNotStarted counts the scripted client operations that never started: the safety
	// phase (or a failure) ended the run first. The history holds only the others.
	OpsNotStarted int
	// Reached counts the protocol events the nodes reported (see Reporter), and Steps
	// how often a node reported one right after another ("a>b"): the run's coverage of
	// the system's states.
	Reached, Steps map[string]uint64
	// Stability holds the figures of the stability window, nil if none ran.
	Stability *StabilityStats
	// Unrouted counts the operations that asked for a route (ClientOp.To or a sticky
	// client) but were sent with plain Invoke: the system's client does not implement
	// Router.
	Unrouted int
	// Buggified counts how often each active buggify site fired (Scenario.Buggify; sites
	// that never fired are left out); nil when the scenario activates none.
	Buggified map[string]uint64
}

// ProbeKey is the key of the key-value workload's liveness probe write; generators never
// use it.
const ProbeKey = model.ProbeKey

// Run executes scenario s against the system that newSystem builds: the safety phase with
// the fault schedule, then the liveness phase, then the linearizability check. A non-nil
// error means the run could not happen (invalid scenario, system refused to build); a bug
// found in the system is reported in Result.Failure.
func Run(s scenario.Scenario, sys nodeapi.System, opts RunOptions) (*RunResult, error) {
	if opts.Workload == nil {
		opts.Workload = model.KV
	}
	if err := opts.Workload.Validate(); err != nil {
		return nil, err
	}
	if err := s.ValidateFor(opts.Workload); err != nil {
		return nil, err
	}
	if err := s.CheckMessageKinds(sys); err != nil {
		return nil, err
	}
	r, err := newRunner(s, sys, opts)
	if err != nil {
		return nil, err
	}
	failure, err := r.guarded(r.execute)
	r.w.Release() // nothing steps the world after this: the next run reuses its queue
	if err != nil {
		return nil, err
	}
	res := r.result(failure)
	if res.Failure == nil && !opts.SkipLinearizability {
		if err := r.check(res); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// guarded runs a part of the run that happens outside the world's steps (healing, the
// liveness conditions, the check) and turns a panic in it into a failure of the system or
// a harness error, as the world does for a panic within a step.
func (r *runner) guarded(part func() (*Failure, error)) (f *Failure, err error) {
	defer func() {
		if v := recover(); v != nil {
			f, err = classify(r.w.Panicked(v))
		}
	}()
	return part()
}

// check judges the history with the workload's model. A verdict that is neither a pass nor
// a proof of a violation (the checker's search gave up) is reported as ClassUndecided,
// never as a pass. A panic in the checker is a harness error.
func (r *runner) check(res *RunResult) error {
	_, err := r.guarded(func() (*Failure, error) {
		res.Verdict = r.w8.Check(res.History)
		return nil, nil
	})
	if err != nil {
		return err
	}
	res.Failure = verdictFailure(res.Verdict)
	return nil
}

// verdictFailure is the failure a checked history amounts to, or nil for a pass.
func verdictFailure(v model.Verdict) *Failure {
	switch {
	case !v.Decided():
		return &Failure{Class: ClassUndecided, Message: v.Message()}
	case !v.Linearizable():
		return &Failure{Class: ClassLinearizability, Message: v.Message()}
	}
	return nil
}

// runner holds the state of one scenario execution.
type runner struct {
	s       scenario.Scenario
	sys     nodeapi.System
	opts    RunOptions
	w       *sim.World
	w8      *model.Workload
	clients []*clientDriver
	// endpoints counts the client endpoints: the probe's history row comes after them.
	endpoints int
	// openLoop maps an open-loop client's ID to its endpoints, so that a fault naming the
	// client acts on them all.
	openLoop map[nodeapi.NodeID][]nodeapi.NodeID
	// leaders is the leader history, kept when an operation goes to the previous leader.
	leaders  *leaderHistory
	unrouted int
	// admins are the clients that ask for membership changes, one change at a time each;
	// a change asked while every one is busy gets a new one (admin, admin#2, ...), so
	// that changes a trigger fires during another are not refused by the harness.
	admins  []*adminSlot
	history []model.Operation
	// stopIssuing is set when the safety phase ends: clients start no new operations.
	stopIssuing bool
	// healed is set once every fault was healed for the quiet phase (healAll): the undos
	// of safety-phase faults that fall due later are skipped (see fire).
	healed   bool
	storms   *storms
	triggers *triggers
	hooked   bool // the after-event hook is installed
	// pendingAdmin counts membership changes not yet answered; the liveness phase waits for
	// them like for client operations.
	pendingAdmin int
	// probeClient issues the liveness probe and the stability window's probe writes.
	probeClient nodeapi.Client
	// watch follows the leader and the term while the stability window is open.
	watch *stabilityWatch
	// stab holds the stability window's figures once it ran.
	stab *StabilityStats
}

func newRunner(s scenario.Scenario, sys nodeapi.System, opts RunOptions) (*runner, error) {
	if opts.TraceTail == 0 {
		opts.TraceTail = 200
	}
	if opts.ProbeTimeout == 0 {
		opts.ProbeTimeout = 5 * time.Second
	}
	if opts.MaxEvents == 0 {
		opts.MaxEvents = EventBudget(s)
	}
	w, err := sim.NewWorld(sys, sim.Options{Seed: s.Seed,
		Network: netfault.Config{Default: s.Network.Link()}, Disk: DiskFaults(s.Disk),
		TraceTail: opts.TraceTail, RecordTrace: opts.RecordTrace, MaxEvents: opts.MaxEvents,
		Buggify: s.Buggify})
	if err != nil {
		return nil, err
	}
	r := &runner{s: s, sys: sys, opts: opts, w: w, w8: opts.Workload}
	ops, _ := s.Size()
	// Room for every scripted operation and the probes (one, plus one every 100 ms of a
	// stability window): the history then grows without copying itself, and so does the
	// serving check's table of their requests.
	ops += 1 + int(time.Duration(s.Stability)/stabilityProbeEvery)
	r.history = make([]model.Operation, 0, ops)
	w.SetServeHook(newServingCheck(sys, ops))
	for _, id := range s.Cluster.Nodes {
		if err := w.AddNode(id, nodeapi.Boot{Peers: s.Cluster.Nodes}); err != nil {
			return nil, err
		}
	}
	// Clients know the initial voters, as a deployment's client configuration would: a
	// spare is not a member until it is added, and a client that tried one would wait out
	// an attempt timeout on a node that never answers. Clients learn added members from
	// the leader hints of the system's own protocol.
	servers := slices.Clone(s.Cluster.Nodes)
	for _, cs := range s.Clients {
		if err := r.addClient(cs, servers); err != nil {
			return nil, err
		}
	}
	if scenario.ChangesMembership(s.Faults) {
		if _, err := r.adminFor(); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// addClient registers the endpoints of script cs and its driver.
func (r *runner) addClient(cs scenario.ClientScript, servers []nodeapi.NodeID) error {
	d := &clientDriver{r: r, script: cs}
	d.nextFn = d.start
	if d.openLoop() {
		d.nextFn = d.becomeDue
	}
	ids := cs.Endpoints()
	for _, id := range ids {
		c, err := r.w.AddClient(id, servers)
		if err != nil {
			return err
		}
		ep := &endpoint{id: id, row: r.endpoints, c: c, op: -1}
		ep.invokeFn = func() {
			r.invoke(ep, ep.starting.op, ep.starting.route, ep.starting.done)
		}
		d.eps = append(d.eps, ep)
		r.endpoints++
	}
	if cs.OpenLoop > 0 {
		if r.openLoop == nil {
			r.openLoop = map[nodeapi.NodeID][]nodeapi.NodeID{}
		}
		r.openLoop[cs.ID] = ids
	}
	r.clients = append(r.clients, d)
	return nil
}

// adminSlot is one admin client and whether a change of its is running.
type adminSlot struct {
	id   nodeapi.NodeID
	c    nodeapi.Client
	busy bool
}

// adminFor returns an idle admin client, creating one (with the initial voters as its
// servers) when all are busy.
func (r *runner) adminFor() (*adminSlot, error) {
	for _, a := range r.admins {
		if !a.busy {
			return a, nil
		}
	}
	id := scenario.AdminClient
	if n := len(r.admins); n > 0 {
		id = nodeapi.NodeID(fmt.Sprintf("%s#%d", scenario.AdminClient, n+1))
	}
	c, err := r.w.AddClient(id, slices.Clone(r.s.Cluster.Nodes))
	if err != nil {
		return nil, err
	}
	a := &adminSlot{id: id, c: c}
	r.admins = append(r.admins, a)
	return a, nil
}

// execute runs both phases; it returns the failure found, if any.
func (r *runner) execute() (*Failure, error) {
	r.trackLeaders()
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

func (r *runner) result(f *Failure) *RunResult {
	return &RunResult{History: r.history, Workload: r.w8, TraceHash: r.w.TraceHash(),
		Events: r.w.Events(), SimTime: r.w.Now(), Failure: f, Annotations: r.w.Annotations(),
		TraceTail: r.w.TraceTail(), Trace: r.w.Trace(), OpsNotStarted: r.opsNotStarted(),
		Reached: r.w.Reached(), Steps: r.w.Steps(), Stability: r.stab, Unrouted: r.unrouted,
		Buggified: r.w.Buggified()}
}

// record appends a finished (or abandoned) operation to the history.
func (r *runner) record(client int, op nodeapi.Op, call time.Duration, out nodeapi.Outcome) {
	ret := int64(r.w.Now())
	if out.Unknown {
		ret = math.MaxInt64
	}
	r.history = append(r.history, model.Operation{ClientID: client, Op: op, Outcome: out,
		Call: int64(call), Return: ret})
}

// installAfterEvent installs the runner's after-event hook, once: crash storms, leader
// traps, triggers waiting for a new leader and the leader history all react to what a
// server just did.
func (r *runner) installAfterEvent() {
	if !r.hooked {
		r.hooked = true
		r.w.SetAfterEvent(r.afterEvent)
	}
}

func (r *runner) afterEvent(id nodeapi.NodeID) {
	if r.leaders != nil {
		r.leaders.observe(r.w.LeaderOf(r.leaders.lr))
	}
	if r.storms != nil {
		r.storms.afterEvent(id)
	}
	if r.triggers != nil {
		r.triggers.afterEvent()
	}
	if r.watch != nil {
		r.watch.observe()
	}
}

func (r *runner) describeOp(client nodeapi.NodeID, i int, op nodeapi.Op) string {
	return fmt.Sprintf("client %s op %d %s", client, i, r.w8.Format(op))
}
