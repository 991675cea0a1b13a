package fuzz

import (
	"encoding/binary"
	"hash/fnv"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"pgregory.net/rapid"

	"github.com/simfuzz/simfuzz/generators"
	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/harness/report"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// The standard properties, as one call for a user's test:
//
//	func TestMySystem(t *testing.T) { myTarget.Properties(t) }
//
// Each property draws whole scenarios (cluster, workload, swarm fault schedule) for the
// target, runs them in the simulated world and checks one class of failure; rapid shrinks any
// failure to a minimal scenario. RAPID_CHECKS sets how many scenarios each draws.

// Properties runs the four standard properties of the target as subtests: linearizability,
// invariants (with panics and nodes that cannot recover from their own disk), liveness, and
// determinism (every scenario twice, same trace hash).
func (tg Target) Properties(t *testing.T) {
	t.Helper()
	if err := tg.Validate(); err != nil {
		t.Fatal(err)
	}
	o := tg.Options()
	t.Run("Linearizability", func(t *testing.T) {
		rapid.Check(t, tg.Property(t.Name(), o, FailsWith(harness.ClassLinearizability)))
	})
	t.Run("Invariants", func(t *testing.T) {
		rapid.Check(t, tg.Property(t.Name(), o,
			FailsWith(harness.ClassInvariant, harness.ClassPanic, harness.ClassRecovery)))
	})
	t.Run("Liveness", func(t *testing.T) {
		rapid.Check(t, tg.Property(t.Name(), o, FailsWith(harness.ClassLiveness)))
	})
	t.Run("Determinism", func(t *testing.T) { tg.DeterminismProperty(t, o) })
}

// DeterminismProperty checks that every scenario drawn within o, run twice, gives the same
// trace hash, event count and history. Shorter safety phases keep the doubled cost down.
func (tg Target) DeterminismProperty(t *testing.T, o generators.Options) {
	o.SafetyMax = min(o.SafetyMax, 5e9)
	o.SafetyMin = min(o.SafetyMin, o.SafetyMax)
	rapid.Check(t, tg.Property(t.Name(), o, tg.Deterministic))
}

// Regressions replays every scenario file in dir that belongs to this target (files of other
// targets are left to theirs); each was once a shrunk counterexample and each must pass now.
// SIMFUZZ_REGRESSIONS=path/to/file.json replays one file only.
func (tg Target) Regressions(t *testing.T, dir string) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if one := os.Getenv("SIMFUZZ_REGRESSIONS"); one != "" {
		files = []string{one}
	}
	ran := 0
	for _, path := range files {
		raw, err := readTargetName(path)
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		if raw != tg.Name {
			continue
		}
		ran++
		t.Run(filepath.Base(path), func(t *testing.T) { tg.replayRegression(t, path) })
	}
	if ran == 0 {
		t.Skipf("no regression scenarios of target %s in %s", tg.Name, dir)
	}
}

func (tg Target) replayRegression(t *testing.T, path string) {
	s, err := tg.Load(path)
	if err != nil {
		t.Fatalf("cannot load: %v", err)
	}
	res, err := tg.Run(s, harness.RunOptions{})
	if err != nil {
		t.Fatalf("%s: harness error: %v", path, err)
	}
	if res.Failure != nil {
		t.Log(report.Report{Scenario: s, Result: res,
			Repro: "simfuzz replay --target " + tg.Name + " " + path}.String())
		t.Fatalf("%s fails again: %v", path, res.Failure)
	}
}

// readTargetName returns the target a scenario file names (the default when it names none).
func readTargetName(path string) (string, error) {
	s, err := scenario.ReadScenarioFile(path)
	if err != nil {
		return "", err
	}
	if s.Target == "" {
		return DefaultTargetName, nil
	}
	return s.Target, nil
}

// Fuzz returns the body of a `go test -fuzz` target that runs one generated scenario per
// input against the target and fails when check says so:
//
//	func FuzzMySystem(f *testing.F) { f.Fuzz(myTarget.Fuzz("FuzzMySystem", o, check)) }
//
// rapid reads the input's bytes as its first choices (cluster size, clients, which fault
// kinds are on), so coverage guidance keeps inputs that lead somewhere new; the rest come
// from a stream seeded by a hash of the input (StretchFuzzInput). Without the stream a
// scenario needs more bytes than a fuzzer's inputs hold, and rapid skips the input.
func (tg Target) Fuzz(testName string, o generators.Options,
	check Check) func(*testing.T, []byte) {
	prop := rapid.MakeFuzz(tg.Property(testName, o, check))
	return func(t *testing.T, data []byte) {
		t.Helper()
		prop(t, StretchFuzzInput(data))
	}
}

// FuzzStreamWords is how many 64-bit words StretchFuzzInput appends. A generated scenario
// draws a few hundred; the rest is headroom, so that no draw runs out.
const FuzzStreamWords = 4096

// StretchFuzzInput returns data, zero-padded to whole 64-bit words (rapid reads it 8 bytes
// at a time), followed by FuzzStreamWords words of a PCG stream seeded by the FNV-1a hash
// of data. The result depends on data alone, so a fuzz input replays exactly.
func StretchFuzzInput(data []byte) []byte {
	h := fnv.New64a()
	h.Write(data)
	rng := rand.New(rand.NewPCG(h.Sum64(), 0x73696d66757a7a)) // "simfuzz"
	n := (len(data) + 7) / 8 * 8
	out := make([]byte, n, n+8*FuzzStreamWords)
	copy(out, data)
	for range FuzzStreamWords {
		out = binary.LittleEndian.AppendUint64(out, rng.Uint64())
	}
	return out
}

// Options returns the generator options of the built-in target (RaftKV.Options()).
func Options() generators.Options { return RaftKV.Options() }
