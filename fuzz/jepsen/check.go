package jepsen

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/model"
)

// CheckOptions configure Check (`simfuzz check`, `raftkv check`).
type CheckOptions struct {
	// Target is the system under test: its System builds the clients, its workload's model
	// judges the history, its generator draws the operations (the key-value mix for a
	// key-value target).
	Target fuzz.Target
	// ServerArgs are the arguments that make Binary a server of Target, before the
	// per-node flags: {"server", "--target", "lock-service"} for a command built on package
	// fuzz/cli, {"server"} for raftkv.
	ServerArgs []string
	// Nodes is the number of server processes; Clients the closed-loop clients.
	Nodes, Clients int
	// Time is how long the workload and the faults run (the heal, the final reads and the
	// check come after).
	Time time.Duration
	// Seed fixes the fault schedule and the operations, not the timing of real processes:
	// a real run is not replayable by seed.
	Seed uint64
	// LazyDisk runs the servers with --lazy-disk, so kill -9 loses their unsynced writes.
	LazyDisk bool
	// OutDir receives the report, the HTML view, the history and the servers' logs.
	OutDir string
	// Binary is the executable run as the servers (with ServerArgs).
	Binary string
	// TLS runs every link with mutual TLS: Check makes a test CA and a certificate per
	// server and client under OutDir/tls.
	TLS bool
	// Containers runs every server in its own Docker container on a private network
	// (containers.go); Binary must be a static executable (CGO_ENABLED=0).
	Containers bool
	// Faults are the fault kinds to draw from; nil lets swarm testing pick them from the
	// seed (with LazyDisk, both lag-crash kinds are always among them: they are what the
	// lazy disk is for), and an empty non-nil list runs without faults.
	Faults []FaultKind
	// Progress receives the fault log as it happens; nil keeps quiet.
	Progress io.Writer
}

// kinds resolves the fault kinds of a run.
func (o CheckOptions) kinds() []FaultKind {
	if o.Faults != nil {
		return o.Faults
	}
	kinds := SwarmKinds(o.Seed, o.Nodes)
	for _, k := range []FaultKind{FaultLagCrash, FaultLagFollower} {
		if o.LazyDisk && !slices.Contains(kinds, k) {
			kinds = append(kinds, k)
		}
	}
	return kinds
}

// Limits of the options, so that a typo cannot start a day-long run or a hundred clients.
const (
	maxClients   = 32
	maxCheckTime = time.Hour
	// settleTime bounds the wait for a leader once every fault is healed.
	settleTime = 20 * time.Second
)

// ValidateShape reports the first of Nodes, Clients and Time out of range (a command checks
// them before it creates any directory).
func (o CheckOptions) ValidateShape() error {
	switch {
	case o.Nodes < 1 || o.Nodes > maxNodes:
		return fmt.Errorf("--nodes must be in 1..%d, got %d", maxNodes, o.Nodes)
	case o.Clients < 1 || o.Clients > maxClients:
		return fmt.Errorf("--clients must be in 1..%d, got %d", maxClients, o.Clients)
	case o.Time < time.Second || o.Time > maxCheckTime:
		return fmt.Errorf("--time must be in [1s, %v], got %v", maxCheckTime, o.Time)
	}
	return nil
}

// Validate reports the first option out of range or missing.
func (o CheckOptions) Validate() error {
	if err := o.ValidateShape(); err != nil {
		return err
	}
	switch {
	case o.OutDir == "":
		return errors.New("an output directory is required")
	case o.Binary == "":
		return errors.New("a server binary is required")
	}
	return o.Target.Validate()
}

// CheckResult is what a Jepsen-mode run found.
type CheckResult struct {
	Options  CheckOptions
	Schedule Schedule
	History  []model.Operation
	Verdict  model.Verdict
	// Failures lists what was found, one line each ("linearizability: ...", "crash: ...",
	// "liveness: ..."); empty when nothing was.
	Failures []string
	FaultLog []string
	Notes    []model.Note
	// Elapsed is the wall time of the whole run, check included.
	Elapsed time.Duration
	// Interrupted is set when the run was stopped early (Ctrl-C): the history and report
	// are what was recorded until then.
	Interrupted bool
	// Report and HTML are the paths of the files written.
	Report, HTML string
}

// Failed reports whether the run found a failure.
func (r *CheckResult) Failed() bool { return len(r.Failures) > 0 }

// Check runs the Jepsen-mode test: it starts the cluster, runs the workload and the faults
// for o.Time, heals everything, reads every key, checks the history for linearizability
// and writes the report. An error means the run could not happen (a harness error), not
// that the system failed: that is CheckResult.Failures.
func Check(ctx context.Context, o CheckOptions) (*CheckResult, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	begin := time.Now()
	if err := os.MkdirAll(o.OutDir, 0o755); err != nil {
		return nil, fmt.Errorf("output directory: %w", err)
	}
	if _, err := os.Stat(filepath.Join(o.OutDir, "data")); err == nil {
		return nil, fmt.Errorf("--out %s already holds the data directories of an earlier "+
			"run (%s); choose another --out or remove it", o.OutDir,
			filepath.Join(o.OutDir, "data"))
	}
	sec, err := o.security()
	if err != nil {
		return nil, err
	}
	c, err := StartCluster(ClusterOptions{Nodes: o.Nodes, Binary: o.Binary,
		Args: o.ServerArgs, LazyDisk: o.LazyDisk, Dir: o.OutDir, TLS: sec,
		Containers: o.Containers})
	if err != nil {
		return nil, err
	}
	defer c.Close()
	clients, err := startClients(c.Peers(), o.Clients, o.Seed, o.Target, sec)
	if err != nil {
		return nil, err
	}
	defer closeClients(clients)
	res := &CheckResult{Options: o,
		Schedule: DrawSchedule(o.Seed, c.IDs(), o.Time, o.kinds())}
	h := newHistory()
	nem := newNemesis(c, h, o.Progress)
	runWorkload(ctx, o, clients, h, nem, res.Schedule)
	if ctx.Err() != nil {
		res.Interrupted = true
		nem.logf("interrupted: no final reads")
	} else {
		res.Failures = settle(c, clients, o.Target, h, nem)
	}
	c.Close()
	res.Failures = append(res.Failures, crashLines(c)...)
	return finish(res, h, nem, begin)
}

// finish checks the history and writes the artifacts.
func finish(res *CheckResult, h *history, nem *nemesis, begin time.Time) (*CheckResult,
	error) {
	o := res.Options
	res.History, res.Notes, res.FaultLog = h.snapshot(), nem.snapshotNotes(), nem.faultLog()
	res.Verdict = workloadOf(o.Target).Check(res.History)
	if !res.Verdict.Linearizable() {
		res.Failures = append([]string{"linearizability: " + res.Verdict.Message()},
			res.Failures...)
	}
	res.Elapsed = time.Since(begin)
	if err := writeArtifacts(res); err != nil {
		return res, err
	}
	if !res.Failed() && !res.Interrupted {
		_ = os.RemoveAll(filepath.Join(o.OutDir, "data")) // nothing to look into
	}
	return res, nil
}

func startClients(peers Peers, n int, seed uint64, tg fuzz.Target,
	sec *clusterTLS) ([]*Client, error) {
	var clients []*Client
	for i := range n {
		id := nodeapi.NodeID(fmt.Sprintf("c%d", i+1))
		sc, err := sec.client(id)
		if err != nil {
			closeClients(clients)
			return nil, err
		}
		c, err := newTargetClient(tg, ClientOptions{ID: id, Peers: peers,
			Seed: seed ^ uint64(i+1)<<32, TLS: sc})
		if err != nil {
			closeClients(clients)
			return nil, err
		}
		clients = append(clients, c)
	}
	return clients, nil
}

// newTargetClient starts a client of tg's system with its default knobs.
func newTargetClient(tg fuzz.Target, o ClientOptions) (*Client, error) {
	sys, err := tg.NewSystem(nil)
	if err != nil {
		return nil, err
	}
	o.System = sys
	return NewClient(o)
}

func closeClients(clients []*Client) {
	for _, c := range clients {
		c.Close()
	}
}

// runWorkload runs the clients and the nemesis for o.Time (or until ctx ends), then lets
// the operations under way finish while every fault is healed.
func runWorkload(ctx context.Context, o CheckOptions, clients []*Client, h *history,
	nem *nemesis, s Schedule) {
	runCtx, cancel := context.WithTimeout(ctx, o.Time)
	defer cancel()
	var wg sync.WaitGroup
	for i, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runClient(runCtx, i, c, newSource(o.Target, o.Seed, i), h)
		}()
	}
	monCtx, stopMon := context.WithCancel(ctx)
	defer stopMon()
	go nem.monitor(monCtx)
	nem.run(runCtx, s.Faults)
	<-runCtx.Done()
	nem.healAll()
	wg.Wait()
}

// settle waits for a leader after the heal (when the system names one), reads every key
// (finalReads, readBack) and issues the workload's liveness probe; a cluster that cannot elect
// a leader or answer once every fault is gone has a liveness failure.
func settle(c *Cluster, clients []*Client, tg fuzz.Target, h *history,
	nem *nemesis) []string {
	if reportsLeader(tg) {
		if _, err := c.WaitLeader(settleTime); err != nil {
			return []string{fmt.Sprintf("liveness: %v after every fault was healed", err)}
		}
	}
	reader := liveClient(clients)
	if reader < 0 {
		return []string{"liveness: every client is wedged (it never answered an operation)"}
	}
	var failures []string
	before := len(h.snapshot())
	nem.logf("final reads")
	if usesKVMix(tg) {
		finalReads(clients[reader], reader, h)
	} else {
		readBack(clients[reader], reader, workloadOf(tg), h)
	}
	nem.logf("liveness probe")
	probe(clients[reader], reader, workloadOf(tg), h)
	w := workloadOf(tg)
	for _, op := range h.snapshot()[before:] {
		if op.Outcome.Unknown {
			failures = append(failures, fmt.Sprintf("liveness: %s got no answer with every "+
				"fault healed", w.Format(op.Op)))
		}
	}
	for i, cl := range clients {
		if cl.Wedged() {
			failures = append(failures, fmt.Sprintf("liveness: client c%d never answered "+
				"an operation (it must answer within its operation timeout)", i+1))
		}
	}
	return failures
}

// liveClient is the index of the first client that is not wedged, or -1.
func liveClient(clients []*Client) int {
	for i, c := range clients {
		if !c.Wedged() {
			return i
		}
	}
	return -1
}

// reportsLeader reports whether the target's system can name its leader
// (nodeapi.LeaderReporter): only then is a leader awaited.
func reportsLeader(tg fuzz.Target) bool {
	sys, err := tg.NewSystem(nil)
	if err != nil {
		return false
	}
	_, ok := sys.(nodeapi.LeaderReporter)
	return ok
}

func crashLines(c *Cluster) []string {
	var out []string
	for _, line := range c.Crashes() {
		out = append(out, "crash: "+line)
	}
	return out
}
