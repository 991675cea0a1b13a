package fuzz_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/fuzz/cli"
	"github.com/simfuzz/simfuzz/generators"
	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/nodeapi/kv"
)

// wallSystem is a toy whose nodes run an election-like timer: each timeout is 1 s (the Raft
// KV's election timeout) plus a jitter taken from the wall clock, time.Now().UnixNano()
// modulo 1 s, kept to whole milliseconds as a timer wheel would. A node whose timers read
// time.Now breaks the contract; two runs of a seed close together in time read nearly the
// same milliseconds, and the old check (two runs back to back) caught 3 to 6 seeds of 20.
type wallSystem struct{}

type wallNode struct{ env nodeapi.Env }

func (wallSystem) NewNode(env nodeapi.Env, _ nodeapi.Boot) (nodeapi.Node, error) {
	n := &wallNode{env: env}
	n.arm()
	return n, nil
}

// arm sets the next election timeout.
func (n *wallNode) arm() {
	const spread = int64(time.Second)
	//simfuzz:ok the toy reads the wall clock on purpose, for the check to catch
	jitter := time.Duration(time.Now().UnixNano() % spread).Truncate(time.Millisecond)
	n.env.After(time.Second+jitter, func() {
		n.env.Logf("election timeout")
		n.arm()
	})
}

func (n *wallNode) HandleMessage(nodeapi.NodeID, []byte) {}

func (wallSystem) NewClient(env nodeapi.Env, _ []nodeapi.NodeID) (nodeapi.Client, error) {
	return &echoClient{env: env, data: map[string]string{}}, nil
}

// wallTarget runs the toy on one node with one client and no faults, for a short safety
// phase.
func wallTarget() fuzz.Target {
	return fuzz.Target{
		Name: "wall-clock-timer",
		New:  func(map[string]int64) (nodeapi.System, error) { return wallSystem{}, nil },
		Tune: func(o *generators.Options) {
			o.Nodes, o.MaxClients, o.Kinds = []int{1}, 1, nil
			o.SafetyMin, o.SafetyMax = 2*time.Second, 3*time.Second
		},
	}
}

// TestDeterminismCheckCatchesTheWallClock: the check must catch a timer that reads the
// wall clock every time, not when two runs happen to read different milliseconds, and say
// where the runs part and what to do.
func TestDeterminismCheckCatchesTheWallClock(t *testing.T) {
	tg := wallTarget()
	caught := 0
	for seed := uint64(1); seed <= 20; seed++ {
		s := tg.ScenarioForSeed(seed, tg.Options())
		res, err := tg.Run(s, harness.RunOptions{})
		require.NoError(t, err)
		if d := tg.CheckDeterminism(s, res, time.Time{}); d != nil {
			caught++
			require.Contains(t, d.Message, "traces differ at event")
			require.Contains(t, d.Message, "the wall clock")
			require.Contains(t, d.Message, "simfuzz vet")
			require.NotEmpty(t, d.TraceA)
			require.Contains(t, strings.Join(d.TraceA, "\n"), ">>")
		}
	}
	require.Equal(t, 20, caught, "seeds caught of 20")
}

// TestRunCheckDeterminismSavesTheDivergence: simfuzz run --check-determinism fails all 20
// seeds of the toy and saves each one's scenario and both trace tails under --out.
func TestRunCheckDeterminismSavesTheDivergence(t *testing.T) {
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	code := cli.Main([]string{"run", "--target", "wall-clock-timer", "--seeds", "20",
		"--check-determinism", "--out", out}, &stdout, &stderr, fuzz.RaftKV, wallTarget())
	require.Equal(t, 1, code, "stdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
	require.Contains(t, stdout.String(), "seeds 20, failed 20 (nondeterminism 20)")
	for _, name := range []string{"scenario.json", "divergence.txt", "trace-run1.txt",
		"trace-run2.txt"} {
		require.FileExists(t, filepath.Join(out, "seed-1", name))
	}
	text, err := os.ReadFile(filepath.Join(out, "seed-1", "divergence.txt"))
	require.NoError(t, err)
	require.Contains(t, string(text), "trace of run 2")
	require.Contains(t, string(text), ">>")

	stdout.Reset()
	code = cli.Main([]string{"replay", "--target", "wall-clock-timer", "--check-determinism",
		"--html", filepath.Join(out, "v.html"), filepath.Join(out, "seed-1", "scenario.json")},
		&stdout, &stderr, fuzz.RaftKV, wallTarget())
	require.Equal(t, 1, code, "stdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
	require.Contains(t, stdout.String()+stderr.String(), "traces differ at event")
}

// flakySystem's clients give up on reads (Unknown) in every other run: a package-level
// counter of the nodes ever built, which outlives a run, decides. The world's events are
// the same in both runs; only outcomes differ.
type flakySystem struct{ *echoSystem }

// flakyNodes counts the toy's nodes across runs (one node per run, no faults).
var flakyNodes atomic.Int64

func (f flakySystem) NewNode(env nodeapi.Env, boot nodeapi.Boot) (nodeapi.Node, error) {
	flakyNodes.Add(1)
	return f.echoSystem.NewNode(env, boot)
}

func (flakySystem) NewClient(env nodeapi.Env, _ []nodeapi.NodeID) (nodeapi.Client, error) {
	return &flakyClient{echoClient{env: env, data: map[string]string{}}}, nil
}

type flakyClient struct{ echoClient }

func (c *flakyClient) Invoke(op nodeapi.Op, done func(nodeapi.Outcome)) {
	c.echoClient.Invoke(op, func(o nodeapi.Outcome) {
		if op.Kind == kv.Get && flakyNodes.Load()%2 == 1 {
			o = nodeapi.Outcome{Unknown: true}
		}
		done(o)
	})
}

func TestDeterminismCheckNamesTheOperationWhenTracesAgree(t *testing.T) {
	tg := echoTarget("flaky-outcome", false)
	tg.New = func(map[string]int64) (nodeapi.System, error) { return flakySystem{&echoSystem{}}, nil }
	s := tg.ScenarioForSeed(3, tg.Options())
	res, err := tg.Run(s, harness.RunOptions{})
	require.NoError(t, err)
	d := tg.CheckDeterminism(s, res, time.Time{})
	require.NotNil(t, d)
	require.Contains(t, d.Message, "equal traces but different histories: operation ")
	require.Contains(t, d.Message, "with a different outcome")
	require.Contains(t, d.Message, "most likely in a client")
}
