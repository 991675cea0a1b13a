package harness_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/harness/internal/fixtures"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/scenario"
	"github.com/simfuzz/simfuzz/harness/sim"
)

// annotationsAfter returns the annotations from the first one whose text is mark on.
func annotationsAfter(as []sim.Annotation, mark string) []sim.Annotation {
	for i, a := range as {
		if a.Text == mark {
			return as[i+1:]
		}
	}
	return nil
}

// A fault whose duration outlasts the safety phase is healed with the rest when the quiet
// phase begins; its own undo, falling due later, must not bring back the scenario's
// sync failures (a correct Raft KV fail-stopped on them in the stability window and an
// election followed), nor heal away the stability window's persistent cut.
func TestUndoAfterTheHealIsSkipped(t *testing.T) {
	s := fixtures.ToyScenario()
	s.Disk.SyncFailRate = 0.25
	s.Stability = scenario.Duration(time.Second)
	s.Faults = []scenario.Fault{
		{At: scenario.Duration(4 * time.Second), Kind: scenario.FaultDisk, Node: "n1",
			Disk: &scenario.DiskConfig{SyncFailRate: 0.5},
			For:  scenario.Duration(1500 * time.Millisecond)},
		{At: scenario.Duration(4900 * time.Millisecond), Kind: scenario.FaultPartition,
			Groups: [][]nodeapi.NodeID{{"n1"}}, For: scenario.Duration(700 * time.Millisecond)},
		{At: scenario.Duration(4950 * time.Millisecond), Kind: scenario.FaultCut, Node: "n2",
			Peer: "n3", Persist: true},
	}
	res, err := harness.Run(s, &leaderKV{}, harness.RunOptions{})
	require.NoError(t, err)
	require.Nil(t, res.Failure, "%v", res.Failure)
	require.Greater(t, res.SimTime, 5600*time.Millisecond, "both undos fell due in the run")
	quiet := annotationsAfter(res.Annotations, "liveness phase: all faults healed")
	require.NotEmpty(t, quiet)
	lastDisk := ""
	for _, a := range quiet {
		if a.Node == "n1" && strings.HasPrefix(a.Text, "disk ") {
			lastDisk = a.Text
		}
	}
	require.Contains(t, lastDisk, " fail 0 ", "the healed disk stays healed: %v", quiet)
	window := annotationsAfter(res.Annotations, "stability window")
	require.NotEmpty(t, window)
	require.Equal(t, "cut", strings.Fields(window[0].Text)[0], "%v", window)
	for _, a := range window[1:] {
		require.NotEqual(t, "heal", a.Text, "the persistent cut was lifted: %v", window)
	}
}
