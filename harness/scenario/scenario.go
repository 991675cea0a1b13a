package scenario

import (
	"fmt"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/model"
	"github.com/simfuzz/simfuzz/netfault"
)

// ScenarioVersion is the version of the scenario file format this build writes and reads.
// A file with a newer version is refused rather than half-understood.
const ScenarioVersion = 1

// Scenario is one whole run, generated or hand-written: the cluster, the network and disk
// settings, what each client does, which faults happen when, and how long each phase lasts.
// It is the unit that rapid shrinks and that testdata/regressions/ stores as JSON.
type Scenario struct {
	Version int `json:"version"`
	// Target names the system under test the scenario was made for; empty means the
	// built-in Raft KV. Replaying a scenario against another target is refused.
	Target string `json:"target,omitempty"`
	Seed   uint64 `json:"seed"`
	// Note says where the scenario came from (a property, a campaign seed, a person).
	Note    string         `json:"note,omitempty"`
	Cluster ClusterConfig  `json:"cluster"`
	Network NetworkConfig  `json:"network"`
	Disk    DiskConfig     `json:"disk"`
	Clients []ClientScript `json:"clients"`
	Faults  []Fault        `json:"faults"`
	// Safety is how long faults may happen; Liveness bounds the quiet phase after it, in which
	// every fault is healed, every node is up, pending operations must finish, a probe write
	// must be acknowledged and the replicas must converge.
	Safety   Duration `json:"safety"`
	Liveness Duration `json:"liveness"`
	// Stability, when set, follows a passed liveness phase: the persistent faults (a cut
	// link a correct system must tolerate) are applied again and, for that long, the
	// leader and the term must hold and probe writes must be acknowledged (see
	// StabilityStats). It catches leaders deposed over and over by a partially connected
	// node.
	Stability Duration `json:"stability,omitempty"`
	// System holds knobs of the system under test (for the built-in Raft KV, e.g.
	// "max_entries_per_append": 1). The harness only carries them; the code that builds
	// the System interprets them and refuses unknown names. Bugs hide behind settings.
	System map[string]int64 `json:"system,omitempty"`
	// Buggify names the buggify sites active in this run (see nodeapi.Buggify): each fires
	// on some of its calls, every other site never does. The target lists the names it
	// knows (fuzz.Target.BuggifySites); empty: no site is active.
	Buggify []string `json:"buggify,omitempty"`
}

// ClusterConfig names the servers. Nodes start as the initial voters; Spares exist but start
// only when an add-voter fault brings them in.
type ClusterConfig struct {
	Nodes  []nodeapi.NodeID `json:"nodes"`
	Spares []nodeapi.NodeID `json:"spares,omitempty"`
}

// NetworkConfig is the default for every link; faults can change single links later.
type NetworkConfig struct {
	LatencyMin Duration `json:"latency_min"`
	LatencyMax Duration `json:"latency_max"`
	SpikeRate  float64  `json:"spike_rate,omitempty"`
	SpikeMax   Duration `json:"spike_max,omitempty"`
	Loss       float64  `json:"loss,omitempty"`
	Duplicate  float64  `json:"duplicate,omitempty"`
	Corrupt    float64  `json:"corrupt,omitempty"`
	Reorder    bool     `json:"reorder,omitempty"`
}

// Link converts the scenario form into the network's.
func (c NetworkConfig) Link() netfault.LinkConfig {
	return netfault.LinkConfig{
		LatencyMin: time.Duration(c.LatencyMin), LatencyMax: time.Duration(c.LatencyMax),
		SpikeRate: c.SpikeRate, SpikeMax: time.Duration(c.SpikeMax),
		Loss: c.Loss, Duplicate: c.Duplicate, Corrupt: c.Corrupt, Reorder: c.Reorder,
	}
}

// DiskConfig is the default disk behaviour of every node.
type DiskConfig struct {
	SyncLatencyMin  Duration `json:"sync_latency_min"`
	SyncLatencyMax  Duration `json:"sync_latency_max"`
	SyncFailRate    float64  `json:"sync_fail_rate,omitempty"`
	ReadCorruptRate float64  `json:"read_corrupt_rate,omitempty"`
	// SyncFailLosesWrites: a failed sync loses the writes it covered (fsyncgate; see
	// DiskFaults.SyncFailLosesWrites).
	SyncFailLosesWrites bool `json:"sync_fail_loses_writes,omitempty"`
}

// ClientScript is one client. By default it is closed loop: it runs Ops in order, waiting
// Think after each completes (successfully, failed or unknown) before it starts the next.
// Sticky and OpenLoop change how it behaves (default: as described); see
// scenario_client.go for what they mean.
type ClientScript struct {
	ID nodeapi.NodeID `json:"id"`
	// Sticky routes every operation sticky (Route.Sticky): the client keeps to the server
	// it is using rather than to the leader a redirect names.
	Sticky bool `json:"sticky,omitempty"`
	// OpenLoop, when 2 or more, makes the client open loop over that many endpoints: each
	// operation starts Think after the previous one started, finished or not.
	OpenLoop int        `json:"open_loop,omitempty"`
	Ops      []ClientOp `json:"ops"`
}

// ClientOp is one operation and the think time before it. To, when set, names the server
// the operation is sent to first (see ClientOp.Route).
type ClientOp struct {
	Think  Duration       `json:"think,omitempty"`
	Kind   string         `json:"kind"`
	Key    string         `json:"key,omitempty"`
	Value  string         `json:"value,omitempty"`
	Expect string         `json:"expect,omitempty"`
	To     nodeapi.NodeID `json:"to,omitempty"`
}

// Format renders the op on one line for reports, in the words of workload w.
func (o ClientOp) Format(w *model.Workload) string {
	op, err := o.Op(w)
	if err != nil {
		return fmt.Sprintf("invalid op (%v)", err)
	}
	text := fmt.Sprintf("after %v: %s", time.Duration(o.Think), w.Format(op))
	if o.To != "" {
		text += " to " + string(o.To)
	}
	return text
}
