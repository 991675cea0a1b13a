package fuzz

import (
	"github.com/simfuzz/simfuzz/generators"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/raft"
)

// RaftKV is the built-in target: the Raft key-value store of package raft with the standard
// configuration (100 ms heartbeat, ~1 s election timeout, PreVote and CheckQuorum), the
// key-value workload, and its knobs.
var RaftKV = Target{
	Name: DefaultTargetName,
	Doc:  "the built-in Raft key-value store (package raft)",
	New:  newRaftKV,
	Knobs: []generators.Knob{
		{Name: "max_entries_per_append", Values: []int64{64, 1, 2}},
		{Name: "max_inflight_appends", Values: []int64{32, 1}},
		{Name: "snapshot_threshold", Values: []int64{1000, 4, 16}},
		{Name: "heartbeat_ms", Values: []int64{100, 30, 250}},
	},
	Events:       raft.Events(),
	MessageKinds: raft.MessageKinds(),
	BuggifySites: raft.BuggifySites(),
	// A check of a property runs 8 campaign seeds: the rarest public bugs show in 20 to 90
	// seeds per 100,000, so one seed a check left them to chance even at 2,000 checks
	// (docs/PROPERTIES.md); 8 keep rapid's default 100 checks at a few seconds.
	PropertySeeds: 8,
	// Its properties and fuzz targets are package fuzz's tests; its regressions are the
	// repository's.
	RegressionsDir: RegressionsDir,
	Command:        "go run ./cmd/simfuzz",
}

func newRaftKV(knobs map[string]int64) (nodeapi.System, error) {
	cfg := raft.DefaultConfig()
	if err := cfg.ApplyKnobs(knobs); err != nil {
		return nil, err
	}
	return raft.NewSystem(cfg)
}
