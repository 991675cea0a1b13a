// Package target plugs the etcd/raft key-value store of package etcdraft into simfuzz: its
// fuzz.Target, with the knobs worth varying. Package etcdraft imports only the node
// contract, etcd/raft and the standard library; everything of the simulator stays here.
package target

import (
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/simfuzz/simfuzz/examples/etcdraft"
	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/generators"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// Name is the target's name on the command line and in scenario files.
const Name = "etcd-raft"

// EtcdRaft is go.etcd.io/raft/v3 v3.7.0, driven through RawNode, as a simfuzz target: the
// key-value workload, every generated fault kind (membership changes included), and knobs
// over etcd's flow control, PreVote, heartbeats, Ready paging and snapshots. Hand it to
// fuzz.Target.Properties, fuzz.Target.Regressions or cli.Main.
var EtcdRaft = fuzz.Target{
	Name:   Name,
	Doc:    "go.etcd.io/raft/v3 v3.7.0 through RawNode as a key-value store (examples/etcdraft)",
	New:    New,
	Knobs:  Knobs,
	Events: etcdraft.Events(),
	// The glue's buggify sites: generators turn them on, swarm-style.
	BuggifySites: etcdraft.BuggifySites(),
	// The tests of this package keep their regressions in the module's testdata, where
	// SIMFUZZ_SAVE=1 saves too.
	RegressionsDir: "../testdata/regressions",
	// A check of a property runs 32 campaign seeds: see PropertySeeds in the README.
	PropertySeeds: 32,
	Command:       "go run ./cmd/simfuzz-etcdraft",
}

// Knobs are the settings scenarios vary; each knob's first value is the default.
//
// PreVote and CheckQuorum stay on. simfuzz's liveness phase wants a probe write
// acknowledged within 5 s of healing, and its stability window a leader that survives one
// cut link. Without CheckQuorum etcd's followers grant votes to a node that merely lost
// touch with the leader; without PreVote a node with a stale log keeps raising the term
// after a partition heals, and every vote request it sends restarts the others' election
// timeouts, so elections can fail round after round (the reason the Raft thesis, 9.6,
// adds PreVote). A campaign with pre_vote=0 in the mix reported such liveness failures in
// about 3 of 10,000 seeds, every one with pre_vote=0, all passing with it on.
var Knobs = []generators.Knob{
	{Name: "heartbeat_ticks", Values: []int64{10, 3, 25}},
	{Name: "max_size_per_msg", Values: []int64{1 << 20, 0, 512}},
	{Name: "max_inflight_msgs", Values: []int64{256, 1, 4}},
	{Name: "max_committed_size_per_ready", Values: []int64{1 << 20, 1}},
	{Name: "snapshot_entries", Values: []int64{1000, 5, 40}},
	// trace_messages is never varied: set it to 1 in a scenario file's "system" to replay
	// it with every raft message in the trace.
	{Name: "trace_messages", Values: []int64{0}},
}

var setters = map[string]func(c *etcdraft.Config, v int64){
	"heartbeat_ticks":  func(c *etcdraft.Config, v int64) { c.HeartbeatTicks = int(v) },
	"max_size_per_msg": func(c *etcdraft.Config, v int64) { c.MaxSizePerMsg = uint64(v) },
	"max_inflight_msgs": func(c *etcdraft.Config, v int64) {
		c.MaxInflightMsgs = int(v)
	},
	"max_committed_size_per_ready": func(c *etcdraft.Config, v int64) {
		c.MaxCommittedSizePerReady = uint64(v)
	},
	"snapshot_entries": func(c *etcdraft.Config, v int64) { c.SnapshotEntries = uint64(v) },
	"trace_messages":   func(c *etcdraft.Config, v int64) { c.TraceMessages = v != 0 },
}

// Config returns the default configuration with knobs applied; an unknown knob, or a
// value the configuration refuses, is an error naming it.
func Config(knobs map[string]int64) (etcdraft.Config, error) {
	cfg := etcdraft.DefaultConfig()
	names := make([]string, 0, len(knobs))
	for name := range knobs {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		set, ok := setters[name]
		if !ok || knobs[name] < 0 {
			return cfg, errors.New("etcd-raft: unknown knob or negative value " +
				strconv.Quote(name) + " (known: " + strings.Join(knobNames(), ", ") + ")")
		}
		set(&cfg, knobs[name])
	}
	return cfg, cfg.Validate()
}

func knobNames() []string {
	out := make([]string, len(Knobs))
	for i, k := range Knobs {
		out[i] = k.Name
	}
	return out
}

// New builds a fresh system for one run (fuzz.Target.New).
func New(knobs map[string]int64) (nodeapi.System, error) {
	cfg, err := Config(knobs)
	if err != nil {
		return nil, err
	}
	return etcdraft.NewSystem(cfg)
}
