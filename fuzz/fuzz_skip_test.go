package fuzz_test

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/generators"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// A fuzz target that skips its inputs fuzzes nothing: rapid skips an input that runs out
// of bytes before the scenario is drawn. FuzzScenario must run a whole scenario for the
// committed corpus and for random inputs of any length, and the corpus must hold faults.

const corpusDir = "testdata/fuzz/FuzzScenario"

// readCorpus reads the committed inputs of a fuzz target (go's "go test fuzz v1" files).
func readCorpus(t *testing.T, dir string) map[string][]byte {
	files, err := filepath.Glob(filepath.Join(dir, "*"))
	require.NoError(t, err)
	out := map[string][]byte{}
	for _, path := range files {
		raw, err := os.ReadFile(path)
		require.NoError(t, err)
		lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
		require.Len(t, lines, 2, "%s: want a header and one []byte value", path)
		require.Equal(t, "go test fuzz v1", lines[0], path)
		quoted, ok := strings.CutPrefix(lines[1], "[]byte(")
		require.True(t, ok, "%s: not a []byte value", path)
		value, err := strconv.Unquote(strings.TrimSuffix(quoted, ")"))
		require.NoError(t, err, path)
		out[filepath.Base(path)] = []byte(value)
	}
	return out
}

// randomInputs are inputs as a fuzzer makes them: any length, random bytes, and runs of
// one byte value.
func randomInputs(n int) [][]byte {
	rng := rand.New(rand.NewPCG(7, 11))
	out := make([][]byte, n)
	for i := range out {
		b := make([]byte, rng.IntN(300))
		fill := byte(rng.IntN(256))
		for j := range b {
			if i%4 == 0 {
				b[j] = fill
			} else {
				b[j] = byte(rng.Uint32())
			}
		}
		out[i] = b
	}
	return out
}

func TestFuzzScenarioSkipsFewInputs(t *testing.T) {
	corpus := readCorpus(t, corpusDir)
	require.NotEmpty(t, corpus, "no committed FuzzScenario corpus")
	inputs := randomInputs(300)
	for _, in := range corpus {
		inputs = append(inputs, in)
	}
	body := fuzz.RaftKV.Fuzz("FuzzScenario", fuzz.RaftKV.Options(), fuzzClasses)
	skipped := 0
	for i, in := range inputs {
		var sub *testing.T
		t.Run(strconv.Itoa(i), func(t *testing.T) { sub = t; body(t, in) })
		if sub.Skipped() {
			skipped++
		}
	}
	share := float64(skipped) / float64(len(inputs))
	t.Logf("FuzzScenario skipped %d of %d inputs (%.1f %%)", skipped, len(inputs), 100*share)
	require.LessOrEqual(t, share, 0.10, "FuzzScenario skips %d of %d inputs", skipped,
		len(inputs))
}

// drawScenario draws the scenario FuzzScenario runs for input, without running it.
func drawScenario(t *testing.T, input []byte) (scenario.Scenario, bool) {
	var s scenario.Scenario
	drawn := false
	draw := rapid.MakeFuzz(func(rt *rapid.T) {
		s = generators.Scenario(fuzz.RaftKV.Options()).Draw(rt, "scenario")
		drawn = true
	})
	t.Run("draw", func(t *testing.T) { draw(t, fuzz.StretchFuzzInput(input)) })
	return s, drawn
}

// The committed corpus runs scenarios with faults, among them a membership change, a
// crash storm and message-age faults, so that `go test` alone runs FuzzScenario over faulty
// clusters.
func TestFuzzScenarioCorpusDrawsFaults(t *testing.T) {
	kinds := map[scenario.FaultKind]int{}
	for name, in := range readCorpus(t, corpusDir) {
		s, ok := drawScenario(t, in)
		require.True(t, ok, "%s: rapid skipped the input", name)
		require.NotEmpty(t, s.Faults, "%s: a scenario without faults", name)
		for _, f := range s.Faults {
			kinds[f.Kind]++
		}
	}
	t.Logf("fault kinds in the corpus: %v", kinds)
	for _, k := range []scenario.FaultKind{scenario.FaultAddVoter, scenario.FaultCrashStorm,
		scenario.FaultCrash, scenario.FaultPartition, scenario.FaultHold, scenario.FaultReplay} {
		require.Positive(t, kinds[k], "no %s in the committed corpus", k)
	}
}

// A fuzz input replays: the stretched stream depends on the bytes alone.
func TestStretchFuzzInputIsAFunctionOfTheInput(t *testing.T) {
	a := fuzz.StretchFuzzInput([]byte("abc"))
	require.Equal(t, a, fuzz.StretchFuzzInput([]byte("abc")))
	require.NotEqual(t, a, fuzz.StretchFuzzInput([]byte("abd")))
	require.Equal(t, []byte("abc\x00\x00\x00\x00\x00"), a[:8], "the input leads, padded")
	require.Len(t, a, 8+8*fuzz.FuzzStreamWords)
}
