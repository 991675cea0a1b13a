package fuzz

import (
	"fmt"

	"github.com/simfuzz/simfuzz/generators"
	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/raft"
)

// NewSystem returns a fresh built-in Raft KV with the standard configuration (DESIGN.md's
// benchmark settings: 100 ms heartbeat, ~1 s election timeout, PreVote and CheckQuorum).
// Every run needs its own: a System keeps the ghost state of its invariant checks.
func NewSystem() (harness.System, error) {
	return NewSystemFor(nil)
}

// NewSystemFor builds the built-in Raft KV with a scenario's knobs applied.
func NewSystemFor(knobs map[string]int64) (harness.System, error) {
	cfg := raft.DefaultConfig()
	if err := cfg.ApplyKnobs(knobs); err != nil {
		return nil, fmt.Errorf("scenario: %w", err)
	}
	return raft.NewSystem(cfg)
}

// Knobs are the values generators try for each knob of the built-in Raft KV; the first is
// the default, where shrinking heads.
func Knobs() []generators.Knob {
	return []generators.Knob{
		{Name: "max_entries_per_append", Values: []int64{64, 1, 2}},
		{Name: "max_inflight_appends", Values: []int64{32, 1}},
		{Name: "snapshot_threshold", Values: []int64{1000, 4, 16}},
		{Name: "heartbeat_ms", Values: []int64{100, 30, 250}},
	}
}

// Options are the generator options for the built-in system: the defaults plus its knobs.
func Options() generators.Options {
	o := generators.Default()
	o.Knobs = Knobs()
	return o
}
