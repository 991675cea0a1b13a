package generators_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/simfuzz/simfuzz/generators"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// Every generated scenario must be valid and survive a JSON round trip unchanged: the
// regression files are that JSON.
func TestGeneratedScenariosAreValidAndRoundTrip(t *testing.T) {
	gen := generators.Scenario(generators.Default())
	rapid.Check(t, func(t *rapid.T) {
		s := gen.Draw(t, "scenario")
		if err := s.Validate(); err != nil {
			t.Fatalf("generated scenario is invalid: %v", err)
		}
		var buf bytes.Buffer
		if err := scenario.EncodeScenario(&buf, s); err != nil {
			t.Fatalf("encode: %v", err)
		}
		back, err := scenario.DecodeScenario(&buf)
		if err != nil {
			t.Fatalf("decode: %v", err)
		}
		require.Equal(t, s, back)
	})
}

// Swarm testing must give both fault-free runs and runs with every kind of the vocabulary
// that generators draw. The loop is over the harness's vocabulary, not over the generated
// kinds, so that a kind nobody draws shows up here too: it must be excused by its spec.
func TestSwarmCoversEveryKind(t *testing.T) {
	gen := generators.Scenario(generators.Default())
	seen := map[scenario.FaultKind]int{}
	faultFree := 0
	for seed := range 300 {
		s := gen.Example(seed)
		if len(s.Faults) == 0 {
			faultFree++
		}
		for _, f := range s.Faults {
			seen[f.Kind]++
		}
	}
	require.Positive(t, faultFree, "no fault-free scenario in 300")
	for _, k := range scenario.FaultKinds() {
		info, ok := scenario.FaultKindInfo(k)
		require.True(t, ok, k)
		if info.Drawn {
			require.Positive(t, seen[k], "fault kind %s never generated in 300 scenarios", k)
			continue
		}
		require.NotEmpty(t, info.NotDrawn, "kind %s is neither drawn nor excused", k)
		require.Zero(t, seen[k], "kind %s is excused from drawing (%s) yet was drawn", k,
			info.NotDrawn)
	}
	for _, k := range generators.Patterns() {
		require.Zero(t, seen[k], "a pattern must expand into plain faults")
	}
	require.Subset(t, generators.Default().Kinds, generators.DrawnKinds())
}

// A drawn link-capacity fault names a node (and maybe a peer) and a small capacity, and
// the disk fault sometimes loses the writes of a failed sync.
func TestNewFaultOptionsAreDrawn(t *testing.T) {
	gen := generators.Scenario(generators.Default())
	caps, fsyncgate := 0, 0
	for seed := range 300 {
		for _, f := range gen.Example(seed).Faults {
			switch {
			case f.Kind == scenario.FaultLinkCap:
				caps++
				require.NotEmpty(t, f.Node)
				require.Contains(t, []int{1, 2, 4, 8}, f.Capacity)
			case f.Kind == scenario.FaultDisk && f.Disk.SyncFailLosesWrites:
				fsyncgate++
				require.Positive(t, f.Disk.SyncFailRate)
			}
		}
	}
	require.Positive(t, caps)
	require.Positive(t, fsyncgate)
}

// Bounds of Options are respected.
func TestBounds(t *testing.T) {
	o := generators.Default()
	o.MaxClients, o.MaxOps, o.MaxKeys, o.MaxFaults = 2, 3, 1, 2
	gen := generators.Scenario(o)
	rapid.Check(t, func(t *rapid.T) {
		s := gen.Draw(t, "scenario")
		require.LessOrEqual(t, len(s.Clients), 2)
		// The largest unit is the stale-read pattern: a disk fault per node (at most 5) and
		// a crash storm.
		require.LessOrEqual(t, len(s.Faults), 2*6, "two units, each at most a 6-fault pattern")
		for _, c := range s.Clients {
			require.LessOrEqual(t, len(c.Ops), 3)
			for _, op := range c.Ops {
				require.Equal(t, "k0", op.Key)
			}
		}
	})
}

func TestInvalidOptions(t *testing.T) {
	o := generators.Default()
	o.MaxClients = 9
	require.ErrorContains(t, o.Validate(), "MaxClients")
	o = generators.Default()
	o.Nodes = nil
	require.ErrorContains(t, o.Validate(), "Nodes")
}

// A generated partition always has two non-empty sides: an empty side is no fault at all.
func TestPartitionsSplitTheCluster(t *testing.T) {
	gen := generators.Scenario(generators.Default())
	rapid.Check(t, func(t *rapid.T) {
		for _, f := range gen.Draw(t, "scenario").Faults {
			if f.Kind == scenario.FaultPartition && len(f.Groups) > 1 {
				require.Len(t, f.Groups, 2)
				require.NotEmpty(t, f.Groups[0])
				require.NotEmpty(t, f.Groups[1])
			}
		}
	})
}

// Holds and replays are drawn in every form: aimed at all links, a node (or the leader) or
// one link; at every kind or at one kind the target labels, never at another; at every
// message or a fraction; with short, default and long ages; each over a window.
func TestMessageAgeFaultsAreDrawn(t *testing.T) {
	o := generators.Default()
	o.MessageKinds = []string{"append", "vote"}
	gen := generators.Scenario(o)
	seen := map[string]int{}
	for seed := range 400 {
		s := gen.Example(seed)
		require.NoError(t, s.Validate())
		for _, f := range s.Faults {
			if f.Kind != scenario.FaultHold && f.Kind != scenario.FaultReplay {
				continue
			}
			seen[string(f.Kind)]++
			if f.Peer != "" {
				require.NotEqual(t, f.Node, f.Peer, "a node sends itself nothing")
			}
			require.GreaterOrEqual(t, f.For, scenario.Duration(500*time.Millisecond))
			require.Contains(t, []float64{0, 0.5, 0.1}, f.Rate)
			require.Contains(t, []scenario.Duration{0, scenario.Duration(2 * time.Second),
				scenario.Duration(30 * time.Second)}, f.Age)
			if f.MsgKind != "" {
				require.Contains(t, o.MessageKinds, f.MsgKind)
				seen["kind "+f.MsgKind]++
			}
			switch {
			case f.Node == scenario.LeaderTarget:
				seen["leader"]++
			case f.Peer != "":
				seen["link"]++
			case f.Node != "":
				seen["node"]++
			default:
				seen["any link"]++
			}
			if f.Rate > 0 {
				seen["fraction"]++
			}
		}
	}
	for _, k := range []string{"hold", "replay", "kind append", "kind vote", "leader",
		"link", "node", "any link", "fraction"} {
		require.Positive(t, seen[k], "never drew %s in 400 scenarios: %v", k, seen)
	}

	gen = generators.Scenario(generators.Default())
	for seed := range 200 {
		for _, f := range gen.Example(seed).Faults {
			require.Empty(t, f.MsgKind, "a target that labels nothing gets no kind")
		}
	}
}
