package target_test

import (
	"bytes"
	crand "crypto/rand"
	"math/big"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/examples/etcdraft"
	"github.com/simfuzz/simfuzz/examples/etcdraft/target"
	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/fuzz/cli"
	"github.com/simfuzz/simfuzz/generators"
	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// stockTimer is the target with etcd's own election timer: every RawNode ticked, every
// randomized election timeout drawn from crypto/rand, as a stock etcd application runs.
var stockTimer = fuzz.Target{
	Name: "etcd-raft-stock-timer",
	New: func(knobs map[string]int64) (nodeapi.System, error) {
		cfg, err := target.Config(knobs)
		if err != nil {
			return nil, err
		}
		cfg.EtcdElectionTimer = true
		return etcdraft.NewSystem(cfg)
	},
	Knobs: target.Knobs,
}

// standard returns the standard benchmark scenario (60 s, leader crashes and isolations:
// many elections) for tg.
func standard(tg fuzz.Target, nodes int, seed uint64) scenario.Scenario {
	s := generators.Standard(nodes, seed)
	s.Target = tg.Name
	return s
}

// Without the fix, the determinism check names the run nondeterministic and points at the
// first event where the two runs parted. Each scenario elects leaders several times, each
// time at a tick drawn from crypto/rand by three nodes, so two runs agreeing throughout is
// not a realistic outcome (it would take the same draws, election after election).
func TestStockEtcdTimerIsCaughtAsNondeterministic(t *testing.T) {
	for seed := uint64(1); seed <= 2; seed++ {
		s := standard(stockTimer, 3, seed)
		res, err := stockTimer.Run(s, harness.RunOptions{})
		require.NoError(t, err)
		f := stockTimer.Deterministic(s, res)
		require.NotNil(t, f, "seed %d: etcd's crypto/rand election timeouts went unnoticed", seed)
		require.Equal(t, fuzz.ClassNondeterminism, f.Class)
		require.Contains(t, f.Message, "traces differ at event")
	}
}

// With the fix the same scenarios run identically twice.
func TestDeterministicElectionsPassTheSameCheck(t *testing.T) {
	for _, nodes := range []int{3, 5} {
		for seed := uint64(1); seed <= 2; seed++ {
			s := standard(target.EtcdRaft, nodes, seed)
			res, err := target.EtcdRaft.Run(s, harness.RunOptions{})
			require.NoError(t, err)
			require.Nil(t, res.Failure)
			require.Nil(t, target.EtcdRaft.Deterministic(s, res), "%d nodes, seed %d", nodes,
				seed)
		}
	}
}

// The command line a user runs: a campaign with --check-determinism passes.
func TestCampaignChecksDeterminism(t *testing.T) {
	var out, errOut bytes.Buffer
	code := cli.Main([]string{"run", "--seeds", "40", "--check-determinism", "--out",
		t.TempDir()}, &out, &errOut, target.EtcdRaft, fuzz.RaftKV)
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out.String(), errOut.String())
	require.Contains(t, out.String(), "seeds 40, failed 0")
	require.True(t, strings.Contains(out.String(), "target etcd-raft"), out.String())
}

// zeros is an io.Reader of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// The fact behind the rejected alternative (election.go): on this Go, crypto/rand.Int still
// draws from the reader it is handed (since Go 1.26 crypto/rand.Prime and the key
// generators ignore custom readers; Int does not), so swapping crypto/rand.Reader would
// steer etcd's draw, for every goroutine of the process at once.
func TestCryptoRandIntReadsTheReaderItIsGiven(t *testing.T) {
	for range 20 {
		//simfuzz:ok a fact about crypto/rand itself, read from zeros outside any world
		v, err := crand.Int(zeros{}, big.NewInt(100))
		require.NoError(t, err)
		require.Zero(t, v.Int64())
	}
}
