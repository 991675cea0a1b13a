package raft

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// freshStatusSystem checks, after every event of a server, that the Leader and Term the
// System keeps between changes are what computing them afresh gives.
type freshStatusSystem struct {
	*System
	events int
}

func (f *freshStatusSystem) CheckAfterEvent(id nodeapi.NodeID) error {
	f.events++
	if got, want := f.Leader(), f.leaderNow(); got != want {
		return fmt.Errorf("after an event of %s: kept leader %q, computed %q", id, got, want)
	}
	if got, want := f.Term(), f.termNow(); got != want {
		return fmt.Errorf("after an event of %s: kept term %d, computed %d", id, got, want)
	}
	return f.System.CheckAfterEvent(id)
}

// The kept answers follow every kind of fault: crashes, restarts, fail-stops after failed
// syncs, membership changes, partitions, pauses, leader transfers.
func TestLeaderAndTermKeptRight(t *testing.T) {
	for seed := uint64(300); seed < 306; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			g := genConfig{nodes: 3 + 2*int(seed%2), spares: 1, clients: 3,
				safety: 20 * time.Second, liveness: 20 * time.Second, faults: 40,
				kinds: scenario.FaultKinds(), net: benchmarkNet, disk: standardDisk}
			s := genScenario(seed, g)
			s.Stability = dur(5 * time.Second)
			sys, err := NewSystem(DefaultConfig())
			require.NoError(t, err)
			f := &freshStatusSystem{System: sys}
			res, err := harness.Run(s, f, harness.RunOptions{})
			require.NoError(t, err)
			t.Logf("%d events checked, %d run, failure %v", f.events, res.Events, res.Failure)
			require.Greater(t, f.events, 1000)
			if res.Failure != nil {
				require.NotContains(t, res.Failure.Message, "kept")
			}
		})
	}
}
