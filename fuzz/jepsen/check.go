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

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/model"
)

// CheckOptions configure Check (`raftkv check`).
type CheckOptions struct {
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
	// Binary is the raftkv executable run as the servers.
	Binary string
	// Faults are the fault kinds to draw from; nil lets swarm testing pick them from the
	// seed (with LazyDisk, lag-crash is always among them: it is what the lazy disk is
	// for), and an empty non-nil list runs without faults.
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
	if o.LazyDisk && !slices.Contains(kinds, FaultLagCrash) {
		kinds = append(kinds, FaultLagCrash)
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
		return errors.New("a raftkv binary is required")
	}
	return nil
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
	c, err := StartCluster(ClusterOptions{Nodes: o.Nodes, Binary: o.Binary,
		LazyDisk: o.LazyDisk, Dir: o.OutDir})
	if err != nil {
		return nil, err
	}
	defer c.Close()
	clients, err := startClients(c.Peers(), o.Clients, o.Seed)
	if err != nil {
		return nil, err
	}
	defer closeClients(clients)
	res := &CheckResult{Options: o,
		Schedule: DrawSchedule(o.Seed, c.IDs(), o.Time, o.kinds())}
	h := newHistory()
	nem := newNemesis(c, h, o.Progress)
	runWorkload(ctx, o, clients, h, nem, res.Schedule)
	res.Failures = settle(c, clients[0], h, nem)
	c.Close()
	res.Failures = append(res.Failures, crashLines(c)...)
	res.History, res.Notes, res.FaultLog = h.snapshot(), nem.snapshotNotes(), nem.faultLog()
	res.Verdict = model.Check(res.History)
	if !res.Verdict.Linearizable() {
		res.Failures = append([]string{"linearizability: " + res.Verdict.Message()},
			res.Failures...)
	}
	res.Elapsed = time.Since(begin)
	if err := writeArtifacts(res); err != nil {
		return res, err
	}
	if !res.Failed() {
		_ = os.RemoveAll(filepath.Join(o.OutDir, "data")) // nothing to look into
	}
	return res, nil
}

func startClients(peers Peers, n int, seed uint64) ([]*KVClient, error) {
	var clients []*KVClient
	for i := range n {
		c, err := NewKVClient(ClientOptions{ID: nodeapi.NodeID(fmt.Sprintf("c%d", i+1)),
			Peers: peers, Seed: seed ^ uint64(i+1)<<32})
		if err != nil {
			closeClients(clients)
			return nil, err
		}
		clients = append(clients, c)
	}
	return clients, nil
}

func closeClients(clients []*KVClient) {
	for _, c := range clients {
		c.Close()
	}
}

// runWorkload runs the clients and the nemesis for o.Time (or until ctx ends), then lets
// the operations under way finish while every fault is healed.
func runWorkload(ctx context.Context, o CheckOptions, clients []*KVClient, h *history,
	nem *nemesis, s Schedule) {
	runCtx, cancel := context.WithTimeout(ctx, o.Time)
	defer cancel()
	var wg sync.WaitGroup
	for i, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runClient(runCtx, i, c, newMixSource(o.Seed, i), h)
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

// settle waits for a leader after the heal and reads every key; a cluster that cannot
// elect a leader or answer a read once every fault is gone has a liveness failure.
func settle(c *Cluster, reader *KVClient, h *history, nem *nemesis) []string {
	if _, err := c.WaitLeader(settleTime); err != nil {
		return []string{fmt.Sprintf("liveness: %v after every fault was healed", err)}
	}
	nem.logf("final reads")
	before := len(h.snapshot())
	finalReads(reader, 0, h)
	var failures []string
	for _, op := range h.snapshot()[before:] {
		if op.Outcome.Unknown {
			failures = append(failures, fmt.Sprintf("liveness: the final read of %s got no "+
				"answer with every fault healed", op.Op.Key))
		}
	}
	return failures
}

func crashLines(c *Cluster) []string {
	var out []string
	for _, line := range c.Crashes() {
		out = append(out, "crash: "+line)
	}
	return out
}
