package fuzz_test

import (
	"bytes"
	crand "crypto/rand"
	"encoding/binary"
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

// echoSystem is a toy system whose nodes wake up on timers of random length and whose
// clients answer every operation locally (each client is its own single-copy store, so one
// client's history is linearizable). With cryptoRand its timers draw from crypto/rand, the
// kind of hidden nondeterminism the determinism check exists to catch (etcd/raft's
// randomised election timeout is one); otherwise they draw from the Env's seeded stream.
type echoSystem struct{ cryptoRand bool }

type echoNode struct {
	env nodeapi.Env
	sys *echoSystem
}

func (s *echoSystem) NewNode(env nodeapi.Env, _ nodeapi.Boot) (nodeapi.Node, error) {
	n := &echoNode{env: env, sys: s}
	n.arm()
	return n, nil
}

// arm sets the next wake-up, 10-50 ms away, and gossips to nobody in particular.
func (n *echoNode) arm() {
	var r uint64
	if n.sys.cryptoRand {
		var b [8]byte
		_, _ = crand.Read(b[:])
		r = binary.LittleEndian.Uint64(b[:])
	} else {
		r = n.env.Rand().Uint64()
	}
	n.env.After(10*time.Millisecond+time.Duration(r%40)*time.Millisecond, func() {
		n.env.Logf("tick")
		n.arm()
	})
}

func (n *echoNode) HandleMessage(nodeapi.NodeID, []byte) {}

func (s *echoSystem) NewClient(env nodeapi.Env, _ []nodeapi.NodeID) (nodeapi.Client, error) {
	return &echoClient{env: env, data: map[string]string{}}, nil
}

type echoClient struct {
	env  nodeapi.Env
	data map[string]string
}

func (c *echoClient) HandleMessage(nodeapi.NodeID, []byte) {}

func (c *echoClient) Invoke(op nodeapi.Op, done func(nodeapi.Outcome)) {
	c.env.After(time.Millisecond, func() {
		v, ok := c.data[op.Key]
		nv, present, res := kvApply(v, ok, op)
		if present {
			c.data[op.Key] = nv
		} else {
			delete(c.data, op.Key)
		}
		done(nodeapi.Outcome{Result: res})
	})
}

// echoTarget runs the toy on one node with one client and no faults.
func echoTarget(name string, cryptoRand bool) fuzz.Target {
	return fuzz.Target{
		Name: name,
		New: func(map[string]int64) (nodeapi.System, error) {
			return &echoSystem{cryptoRand: cryptoRand}, nil
		},
		Tune: func(o *generators.Options) {
			o.Nodes, o.MaxClients, o.Kinds = []int{1}, 1, nil
		},
	}
}

func TestDeterminismCheckNamesCryptoRand(t *testing.T) {
	tg := echoTarget("echo-crypto-rand", true)
	s := tg.ScenarioForSeed(7, tg.Options())
	res, err := tg.Run(s, harness.RunOptions{})
	require.NoError(t, err)
	f := tg.Deterministic(s, res)
	require.NotNil(t, f, "two runs drawing timers from crypto/rand must differ")
	require.Equal(t, fuzz.ClassNondeterminism, f.Class)
	require.Contains(t, f.Message, "traces differ at event")
	require.Contains(t, f.Message, "timer", "the first diverging event is named")
}

func TestDeterminismCheckPassesTheSeededTwin(t *testing.T) {
	tg := echoTarget("echo-seeded", false)
	for seed := uint64(1); seed <= 20; seed++ {
		s := tg.ScenarioForSeed(seed, tg.Options())
		res, err := tg.Run(s, harness.RunOptions{})
		require.NoError(t, err)
		require.Nil(t, tg.Deterministic(s, res), "seed %d", seed)
	}
}

func TestRunCheckDeterminismFlagsCryptoRand(t *testing.T) {
	var out, errOut bytes.Buffer
	code := cli.Main([]string{"run", "--target", "echo-crypto-rand", "--seeds", "3",
		"--check-determinism", "--out", t.TempDir()}, &out, &errOut,
		fuzz.RaftKV, echoTarget("echo-crypto-rand", true))
	require.Equal(t, 1, code, "stdout:\n%s\nstderr:\n%s", out.String(), errOut.String())
	require.Contains(t, out.String(), "(nondeterminism)")
	require.Contains(t, out.String(), "--check-determinism", "the repro keeps the flag")
	require.Contains(t, out.String(), "seeds 3, failed 3 (nondeterminism 3)", out.String())
	require.Contains(t, out.String(), "failures by signature (", "one block per signature")

	out.Reset()
	code = cli.Main([]string{"run", "--target", "echo-seeded", "--seeds", "3",
		"--check-determinism", "--out", t.TempDir()}, &out, &errOut,
		fuzz.RaftKV, echoTarget("echo-seeded", false))
	require.Equal(t, 0, code, out.String())
}

// kvApply is the key-value semantics (package kv) for the toy's local store.
func kvApply(v string, ok bool, op nodeapi.Op) (string, bool, nodeapi.Result) {
	return kv.Apply(v, ok, op)
}
