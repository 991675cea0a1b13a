package fuzz

import (
	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/raft"
)

// NewSystem returns a fresh built-in Raft KV with the standard configuration (DESIGN.md's
// benchmark settings: 100 ms heartbeat, ~1 s election timeout, PreVote and CheckQuorum).
// Every run needs its own: a System keeps the ghost state of its invariant checks.
func NewSystem() (harness.System, error) {
	return raft.NewSystem(raft.DefaultConfig())
}
