package cli

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/generators"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// The SIMFUZZ_* variables of the README are the defaults of run's flags; a flag wins.
func TestRunReadsSimfuzzVariables(t *testing.T) {
	env := map[string]string{"SIMFUZZ_SEED": "7", "SIMFUZZ_SEEDS": "3", "SIMFUZZ_JOBS": "2"}
	code, out, stderr := runToys(t, env, "run", "--json", "--out", ".")
	require.Equal(t, 0, code, stderr)
	sum := decodeSummary(t, out)
	require.Equal(t, []uint64{7, 8, 9}, hashSeeds(sum))

	code, out, stderr = runToys(t, env, "run", "--json", "--seeds", "1", "--seed", "20",
		"--out", ".")
	require.Equal(t, 0, code, stderr)
	require.Equal(t, []uint64{20}, hashSeeds(decodeSummary(t, out)), "flags win")

	for name, value := range map[string]string{"SIMFUZZ_SEEDS": "0", "SIMFUZZ_JOBS": "x",
		"SIMFUZZ_SEED": "-1", "SIMFUZZ_CHECK_DETERMINISM": "maybe"} {
		code, _, stderr := runToys(t, map[string]string{name: value}, "run", "--out", ".")
		require.Equal(t, 2, code, name)
		require.Contains(t, stderr, name+"=", "the error names the variable")
	}
}

func hashSeeds(s *summary) []uint64 {
	var seeds []uint64
	for _, h := range s.SeedHashes {
		seeds = append(seeds, h.Seed)
	}
	return seeds
}

// nondetTarget is a toy whose node wakes up after a crypto/rand delay: two runs of one
// seed differ. One client, so that it never fails otherwise.
func nondetTarget() fuzz.Target {
	tg := toyTarget("toy-nondet", false)
	tg.Tune = func(o *generators.Options) { o.Nodes, o.MaxClients, o.Kinds = []int{1}, 1, nil }
	tg.New = func(map[string]int64) (nodeapi.System, error) { return &nondetSystem{}, nil }
	return tg
}

type nondetSystem struct{ toySystem }

func (*nondetSystem) NewNode(env nodeapi.Env, _ nodeapi.Boot) (nodeapi.Node, error) {
	var b [8]byte
	_, _ = rand.Read(b[:])
	env.After(time.Duration(binary.LittleEndian.Uint64(b[:])%1000)*time.Millisecond, func() {})
	return &toyNode{env: env}, nil
}

// SIMFUZZ_CHECK_DETERMINISM=1 turns on run's --check-determinism.
func TestRunReadsCheckDeterminism(t *testing.T) {
	targets := []fuzz.Target{fuzz.RaftKV, nondetTarget()}
	for _, c := range []struct {
		env  string
		code int
	}{{"", 0}, {"1", 1}} {
		var out, errOut bytes.Buffer
		t.Chdir(t.TempDir())
		a := &app{targets: targets, stdout: &out, stderr: &errOut, watchSignals: watchSignals,
			getenv: func(k string) string {
				if k == fuzz.EnvCheckDeterminism {
					return c.env
				}
				return ""
			}}
		code := a.main([]string{"run", "--target", "toy-nondet", "--seeds", "3",
			"--shrink-runs", "0", "--out", "."})
		require.Equal(t, c.code, code, "SIMFUZZ_CHECK_DETERMINISM=%q\n%s%s", c.env,
			out.String(), errOut.String())
		if c.code == 1 {
			require.Contains(t, out.String(), "(nondeterminism)")
		}
	}
}
